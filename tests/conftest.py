"""Shared fixtures: the real corpus from ../shared (skipped when absent) and the pipeline."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests under CI draw the same examples on every run (derandomize: the
# examples come from a fixed seed derived from each test, not from a fresh random
# one), so a CI run that passes passes again on the same code, and one that fails
# fails again for whoever reruns it. Elsewhere Hypothesis explores new examples
# each run, as by default. HYPOTHESIS_PROFILE=ci (or =default) picks one by hand.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default")
)

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
SEED = CORPUS / "seed" / "leica-xiaomi.txt"
SEED_GOLD = CORPUS / "seed" / "gold.jsonl"
DEV = CORPUS / "dev"
DEV_GOLD = DEV / "gold.jsonl"


def need_corpus(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"the shared corpus is not here ({path}); set KG_SHARED to its folder")


@pytest.fixture(scope="session")
def seed_path() -> Path:
    need_corpus(SEED)
    return SEED


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    need_corpus(SEED_GOLD)
    return json.loads(SEED_GOLD.read_text(encoding="utf-8").splitlines()[0])


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    need_corpus(DEV_GOLD)
    return DEV


@pytest.fixture(scope="session")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once from the bundled Leica–Xiaomi article with ``kg build``; read only."""
    from cli_helpers import run_kg

    from kg.examples import example_path

    store = tmp_path_factory.mktemp("example") / "kg-store"
    result = run_kg("build", str(example_path()), "--store", str(store))
    assert result.returncode == 0, result.stderr
    return store


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled 29-article corpus built once with ``kg build --example``; read only."""
    from cli_helpers import run_kg

    from kg.examples import articles

    store = tmp_path_factory.mktemp("bundled") / "kg-store"
    done = run_kg("build", "--example", "--store", str(store), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"{len(articles())} article(s) added, 0 unchanged")
    return store


@pytest.fixture(scope="session")
def dev_nquads(dev_dir: Path) -> bytes:
    """The dev corpus (25 articles) built once into memory, dumped as N-Quads (the
    merged layer in the default graph): tests load it into a store of their own rather
    than parse the same articles again."""
    from kg.api import build
    from kg.ingest import read_articles
    from kg.store import open_store

    store = open_store("memory:")
    build(store, read_articles([dev_dir]))
    return store.dump("nquads")


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import load_pipeline

    return load_pipeline()
