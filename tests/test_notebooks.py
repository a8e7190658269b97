"""Every notebook under notebooks/ runs top to bottom in a real kernel (nbclient)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from kg.cli.core import example_path

pytestmark = pytest.mark.model

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
EXECUTED: dict[Path, nbformat.NotebookNode] = {}


def executed(path: Path) -> nbformat.NotebookNode:
    """The notebook after running every cell; any cell error fails the test (CellExecutionError)."""
    if path not in EXECUTED:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})  # fmt: skip
        client.execute()
        EXECUTED[path] = notebook
    return EXECUTED[path]


def outputs(notebook: nbformat.NotebookNode, source_start: str) -> list:
    (cell,) = [
        c for c in notebook.cells if c.cell_type == "code" and c.source.startswith(source_start)
    ]
    return cell.outputs


def test_notebooks_are_there() -> None:
    assert [p.name for p in NOTEBOOKS] == ["explore.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_run_without_error(path: Path) -> None:
    notebook = executed(path)
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]  # fmt: skip
    assert errors == []
    assert all(c.execution_count for c in notebook.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert [c.outputs for c in notebook.cells if c.cell_type == "code"] == [
        [] for c in notebook.cells if c.cell_type == "code"
    ]


def explore() -> nbformat.NotebookNode:
    return executed(NOTEBOOKS[0])


def test_notebooks_explore_shows_the_graph_summary() -> None:
    (stream, result) = outputs(explore(), "from kg import KnowledgeGraph")
    assert stream.text == "1 article(s) added, 0 unchanged\n"
    summary = result.data["text/html"]
    assert summary.startswith("<div><b>KnowledgeGraph</b> (in memory): 1 article(s), ")
    assert "most connected: Xiaomi, Huawei, Leica" in summary


def test_notebooks_explore_puts_sparql_in_a_dataframe() -> None:
    (result,) = outputs(explore(), "import pandas as pd")
    assert "text/html" in result.data and "dataframe" in result.data["text/html"]
    assert result.data["text/plain"].splitlines()[0].split() == ["subject", "relation", "object"]


def test_notebooks_explore_ranks_entities() -> None:
    (stream, result) = outputs(explore(), "graph = g.to_networkx()")
    assert stream.text == "8 entities, 8 relations\n"
    rows = [line.split() for line in result.data["text/plain"].splitlines()[1:4]]
    assert [row[1] for row in rows] == ["Xiaomi", "Huawei", "Leica"]


def test_notebooks_explore_draws_inline_with_srcdoc() -> None:
    (result,) = outputs(explore(), "g.viz(")
    html = result.data["text/html"]
    assert html.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert " src=" not in html.replace(" srcdoc=", "")
    assert result.data["text/plain"].startswith("<kg viz page: ")


def test_notebooks_explore_traces_two_companies() -> None:
    (stream,) = outputs(explore(), "for hop in g.path(")
    lines = stream.text.splitlines()
    assert lines[0] == "Huawei -[endedPartnershipWith]-> Leica"
    assert lines[4] == "Leica -[partnersWith]-> Xiaomi"
    text = example_path().read_text(encoding="utf-8")
    assert lines[1].strip()[1:-1] in text and lines[5].strip()[1:-1] in text
