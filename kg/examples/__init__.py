"""The bundled example corpus: short tech-business news articles written for kg.

29 dated articles (partnerships begun and ended, chief executives replaced,
acquisitions, funding rounds, supply deals, denials and rumours) in
``news/``, as Markdown with YAML front matter; their gold triples in
``gold.jsonl`` (the format of ``kg evaluate``); SPARQL queries in
``queries/``. They ship in the wheel, so ``kg demo`` and ``kg build
--example`` work from any install.

>>> corpus_path().name, len(articles())
('news', 29)
>>> example_path().name
'leica-xiaomi-retold.md'
>>> query_path("makers").read_text(encoding="utf-8").splitlines()[-1]
'WHERE { ?product kg:manufacturedBy ?maker }'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def examples_folder() -> Path:
    """This package's folder: the installed data files sit in it."""
    return Path(str(resources.files(__name__)))


def corpus_path() -> Path:
    """The folder of bundled articles (``kg build --example`` builds it)."""
    return examples_folder() / "news"


def articles() -> list[Path]:
    """The bundled articles, in file-name order."""
    return sorted(corpus_path().glob("*.md"))


def example_path() -> Path:
    """The one article the project started from: Huawei leaves Leica, Xiaomi signs up."""
    return corpus_path() / "leica-xiaomi-retold.md"


def gold_path() -> Path:
    """Gold triples for the bundled articles (``kg evaluate GOLD --articles CORPUS``)."""
    return examples_folder() / "gold.jsonl"


def query_path(name: str) -> Path:
    """A bundled SPARQL query by name (``makers`` -> ``queries/makers.rq``)."""
    return examples_folder() / "queries" / f"{name}.rq"
