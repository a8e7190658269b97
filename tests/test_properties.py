"""Property-based tests (hypothesis): random bytes, text and Unicode through ingest and extraction.

No exception escapes ingest, whatever the bytes; decoding round-trips text;
and whatever text reaches extraction, the output parses back as RDF and
conforms to the SHACL shapes.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.ingest import Failure, Note, Options, Source
from kg.ingest.decode import SIGNATURES, decode
from kg.ingest.inputs import KINDS, read_source
from kg.model import Article
from kg.rdf import dataset_of
from kg.validate import validate_graph

KIND_NAMES = sorted(KINDS)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["text", "title", "url", "id", "date", "source", "author", "x"]) | TEXT,
            inner,
            max_size=5,
        )
    ),
    max_leaves=12,
)


def read_bytes(data: bytes, kind: str) -> list:
    return list(read_source(Source(name="input", id="input", kind=kind, data=data), Options()))


def assert_only_items(found: list) -> None:
    assert all(isinstance(item, Article | Failure | Note) for item in found)
    for item in found:
        if isinstance(item, Article):
            assert item.text.strip() and len(item.text) <= Options().max_chars
        else:
            assert "\n" not in str(item) and str(item).startswith("input")


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=3000), kind=st.sampled_from([*KIND_NAMES, "sniff"]))
def test_properties_ingest_any_bytes_never_raises(data: bytes, kind: str) -> None:
    assert_only_items(read_bytes(data, kind))


@settings(max_examples=200, deadline=None)
@given(value=JSON_VALUES, lines=st.booleans())
def test_properties_ingest_any_json_never_raises(value: object, lines: bool) -> None:
    data = json.dumps(value) + "\n" + json.dumps(value) if lines else json.dumps(value)
    assert_only_items(read_bytes(data.encode(), "jsonl" if lines else "json"))


@settings(max_examples=300, deadline=None)
@example(text="\ufeff", encoding="utf-8")  # found by CI on 3 December 2026
@given(text=TEXT, encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig", "utf-32"]))
def test_properties_decode_round_trips_unicode(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    assume(not any(data.startswith(magic) for magic in SIGNATURES))
    decoded = decode(data)
    # a text that opens with U+FEFF is, encoded, a byte-order mark: it reads back without it
    assert decoded.text.removeprefix("\ufeff") == text.removeprefix("\ufeff")
    assert decoded.problem is None


NAMES = [
    "Leica",
    "Xiaomi",
    "Huawei",
    "Zeiss",
    "Xiaomi 12 Ultra",
    "Acme Corp",
    "Jo Bloggs",
    "Berlin",
    "Sony",
    "the 12 Ultra",
    "Lei Jun",
    "Samsung Electronics",
]
PHRASES = [
    "partnered with",
    "acquired",
    "ended its partnership with",
    "is the CEO of",
    "founded",
    "invested in",
    "uses optics from",
    "was founded in 1998 by",
    "does not carry",
    "denied buying",
    "is expected to team up with",
    "competes with",
    "supplies chips to",
    "is headquartered in",
    "a subsidiary of",
]
FRAGMENTS = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(PHRASES),
    st.sampled_from(NAMES),
    st.sampled_from(PHRASES),
    TEXT.filter(lambda t: len(t) < 40),
    st.sampled_from([". ", "\n\n", ", ", " ", "'s ", "\u200b", "\u00a0", "—", "\r\n"]),
)
"""Entity names and relation phrases often, so extraction finds facts among the noise."""
ARTICLE_TEXT = st.lists(FRAGMENTS, min_size=1, max_size=40).map(" ".join)


@pytest.mark.model
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ARTICLE_TEXT, kind=st.sampled_from(["text", "sniff"]))
def test_properties_extraction_gives_valid_rdf(text: str, kind: str) -> None:
    from kg.pipeline import article_graphs

    articles = [i for i in read_bytes(text.encode("utf-8"), kind) if isinstance(i, Article)]
    for graph in article_graphs(articles):
        again = Graph().parse(data=graph.serialize(format="nt"), format="nt")
        assert isomorphic(graph, again)
        dataset = Dataset()
        dataset.parse(data=dataset_of([graph]).serialize(format="nquads"), format="nquads")
        assert sum(len(g) for g in dataset.graphs()) == len(graph)
        report = validate_graph(graph)
        assert report.conforms, report.text
