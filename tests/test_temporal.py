"""Time from the sentence: each case is a sentence, the fact's relation and modality, the
article's date, and the start and end the pass must give (value and words)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.temporal import FactTime, When, fact_time, load_time_cues

DAY = "2022-05-25"  # a Wednesday


@pytest.mark.parametrize(
    ("sentence", "relation", "modality", "published", "expected"),
    [
        (
            "Huawei has ended its partnership with Leica, closing a chapter that began with the "
            "P9 in 2016.",
            "endedPartnershipWith",
            "asserted",
            DAY,
            FactTime(When("2016", "began with the P9 in 2016"), When(DAY, "ended")),
        ),
        (
            "Xiaomi has a partnership with Leica, the camera company founded in 1869.",
            "partnersWith",
            "asserted",
            DAY,
            FactTime(),
        ),
        (
            "Xiaomi has a partnership with Leica, the camera company founded in 1869.",
            "foundedIn",
            "asserted",
            DAY,
            FactTime(When("1869", "founded in 1869")),
        ),
        (
            "Acme has partnered with Zed since 2016.",
            "partnersWith",
            "asserted",
            DAY,
            FactTime(When("2016", "since 2016")),
        ),
        (
            "The deal with Zed runs until 2025.",
            "partnersWith",
            "asserted",
            DAY,
            FactTime(end=When("2025", "until 2025")),
        ),
        (
            "Acme signed with Zed on Jan. 13.",
            "partnersWith",
            "asserted",
            DAY,
            FactTime(When("2022-01-13", "signed with Zed on Jan. 13")),
        ),
        (
            "Acme signed with Zed on Tuesday.",
            "partnersWith",
            "asserted",
            DAY,
            FactTime(When("2022-05-24", "signed with Zed on Tuesday")),
        ),
        (
            "Acme signed with Zed last month.",
            "partnersWith",
            "asserted",
            DAY,
            FactTime(When("2022-04-01", "signed with Zed last month")),
        ),
        (
            "Acme bought Zed a year ago.",
            "acquired",
            "asserted",
            DAY,
            FactTime(When("2021-05-25", "a year ago")),
        ),
        (
            "Ann Lee will take over as CEO of Acme on Jan. 13.",
            "ceoOf",
            "asserted",
            DAY,
            FactTime(When("2023-01-13", "take over as CEO of Acme on Jan. 13")),
        ),
        (
            "Bob Ray stepped down as CEO of Acme on Tuesday.",
            "ceoOf",
            "asserted",
            DAY,
            FactTime(end=When("2022-05-24", "stepped down as CEO of Acme on Tuesday")),
        ),
        (
            "Bob Ray stepped down as CEO of Acme.",
            "ceoOf",
            "asserted",
            DAY,
            FactTime(end=When(DAY, "stepped down")),
        ),
        (
            "Acme no longer works with Zed.",
            "partnersWith",
            "negated",
            DAY,
            FactTime(end=When(DAY, "no longer")),
        ),
        ("Acme does not work with Zed.", "partnersWith", "negated", DAY, FactTime()),
        ("Ann Lee, the CEO of Acme, spoke on Tuesday.", "ceoOf", "asserted", DAY, FactTime()),
        (
            "Acme took over Zed on March 3, 2021.",
            "acquired",
            "asserted",
            DAY,
            FactTime(When("2021-03-03", "took over Zed on March 3, 2021")),
        ),
        ("Acme signed with Zed last month.", "partnersWith", "asserted", None, FactTime()),
        (
            "Acme has partnered with Zed since 2016.",
            "partnersWith",
            "asserted",
            None,
            FactTime(When("2016", "since 2016")),
        ),
    ],
)
def test_temporal_fact_time(
    sentence: str, relation: str, modality: str, published: str | None, expected: FactTime
) -> None:
    assert fact_time(sentence, relation, modality, published) == expected


def test_temporal_cues_reject_an_unknown_key(tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "ontologies" / "time.yaml").read_text(encoding="utf-8")
    (tmp_path / "time.yaml").write_text(text + "\nstart_words: [x]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown \['start_words'\]"):
        load_time_cues(tmp_path)
