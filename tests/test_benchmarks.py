"""benchmarks/make_news_corpus.py: copies of real articles, each its own text and URL."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from make_news_corpus import main, write_news_corpus

from kg.ingest import read_articles

ARTICLE = """---
title: "{title}"
source: Test Wire
url: https://example.org/{name}
date: "2024-03-0{day}"
---
{body}
"""
BODIES = {
    "two": ["Acme opened a plant.", "Globex hired staff."],
    "four": [
        "Initech sold a unit.",
        "Umbrella bought it.",
        "Talks began in May.",
        "Both declined to comment.",
    ],
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    for part, (name, paragraphs) in zip(("dev", "dev2"), BODIES.items(), strict=True):
        folder = tmp_path / "corpus" / part
        folder.mkdir(parents=True)
        text = ARTICLE.format(
            title=name.title(), name=name, day=len(paragraphs), body="\n\n".join(paragraphs)
        )
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return tmp_path / "corpus"


@pytest.mark.parametrize("count", [1, 5, 20])
def test_benchmarks_news_copies_are_distinct_articles(
    corpus: Path, tmp_path: Path, count: int
) -> None:
    paths = write_news_corpus(tmp_path / "out", count, seed=3, corpus=corpus)
    articles = list(read_articles([tmp_path / "out"]))
    assert len(paths) == len(articles) == count
    assert len({a.text for a in articles}) == count
    assert len({a.url for a in articles}) == count
    for article in articles:
        words = sorted(article.text.split())
        assert words in [sorted(" ".join(b).split()) for b in BODIES.values()]


def test_benchmarks_news_copies_run_out_with_one_line(corpus: Path, tmp_path: Path) -> None:
    said: list[str] = []
    code = main([str(tmp_path / "out"), "--articles", "27", "--corpus", str(corpus)], said.append)
    assert (code, said) == (
        2,
        ["make_news_corpus: the corpus gives only 26 distinct copies, not 27"],
    )


def test_benchmarks_news_corpus_missing_is_one_line(tmp_path: Path) -> None:
    said: list[str] = []
    code = main([str(tmp_path / "out"), "--corpus", str(tmp_path / "nowhere")], said.append)
    assert code == 2
    assert said == [
        f"make_news_corpus: no articles in {tmp_path}/nowhere/dev or {tmp_path}/nowhere/dev2; "
        "point --corpus (or KG_SHARED) at the shared corpus"
    ]
