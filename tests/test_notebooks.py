"""notebooks/*.ipynb run top to bottom in a real kernel (nbclient), and their committed
outputs are the ones they print now, so they read on a code host without running.

After changing a notebook or what kg prints, rewrite the outputs with
``python tests/test_notebooks.py`` and review ``git diff notebooks/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from kg.examples import articles, example_path

pytestmark = pytest.mark.model

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
EXECUTED: dict[Path, nbformat.NotebookNode] = {}
REGENERATE = "python tests/test_notebooks.py"


def run(path: Path) -> nbformat.NotebookNode:
    """The notebook after running every cell; a cell error raises CellExecutionError."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def executed(path: Path) -> nbformat.NotebookNode:
    if path not in EXECUTED:
        EXECUTED[path] = run(path)
    return EXECUTED[path]


def code_cells(notebook: nbformat.NotebookNode) -> list:
    return [c for c in notebook.cells if c.cell_type == "code"]


def texts(cell: nbformat.NotebookNode) -> list[str]:
    """What a reader sees of a cell's outputs as text: streams, text/plain, errors."""
    shown = []
    for output in cell.outputs:
        if output.output_type == "stream":
            shown.append(f"{output.name}: {output.text}")
        elif output.output_type == "error":
            shown.append(f"error: {output.ename}: {output.evalue}")
        else:
            shown.append(output.data.get("text/plain", ""))
    return shown


def outputs(notebook: nbformat.NotebookNode, source_start: str) -> list:
    (cell,) = [c for c in code_cells(notebook) if c.source.startswith(source_start)]
    return cell.outputs


def test_notebooks_are_there() -> None:
    assert [p.name for p in NOTEBOOKS] == ["explore.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_run_without_error(path: Path) -> None:
    notebook = executed(path)
    errors = [o for c in code_cells(notebook) for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert all(c.execution_count for c in code_cells(notebook))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_with_their_current_outputs(path: Path) -> None:
    committed = code_cells(nbformat.read(path, as_version=4))
    assert all(c.outputs and c.execution_count for c in committed), (
        f"{path.name}: a cell has no output; run `{REGENERATE}`"
    )
    now = code_cells(executed(path))
    stale = [
        c.source.splitlines()[0]
        for c, n in zip(committed, now, strict=True)
        if texts(c) != texts(n)
    ]
    assert stale == [], f"{path.name}: these cells print something else now; run `{REGENERATE}`"


def explore() -> nbformat.NotebookNode:
    return executed(NOTEBOOKS[0])


def test_notebooks_explore_builds_the_bundled_corpus() -> None:
    (stream, result) = outputs(explore(), "from kg import KnowledgeGraph")
    assert stream.text == f"{len(articles())} article(s) added, 0 unchanged\n"
    summary = result.data["text/html"]
    assert summary.startswith(f"<div><b>KnowledgeGraph</b> (in memory): {len(articles())} ")


def test_notebooks_explore_puts_sparql_in_a_dataframe() -> None:
    (stream, result) = outputs(explore(), "import pandas as pd")
    assert stream.text.endswith(" statements from 8 years\n")
    assert "text/html" in result.data and "dataframe" in result.data["text/html"]
    assert result.data["text/plain"].splitlines()[0].split() == [
        "modality",
        "Asserted",
        "Hedged",
        "Negated",
    ]


def test_notebooks_explore_shows_what_was_denied() -> None:
    (result,) = outputs(explore(), 'pd.set_option("display.max_colwidth"')
    table = result.data["text/plain"]
    assert "Huawei Xs 2" in table and "Adobe" in table and "Negated" in table


def test_notebooks_explore_ranks_entities() -> None:
    (stream, result) = outputs(explore(), "graph = g.to_networkx()")
    assert stream.text.endswith(" relations\n")
    rows = [line.split() for line in result.data["text/plain"].splitlines()[1:11]]
    assert len(rows) == 10 and [r[1] for r in rows[:2]] == ["Apple", "Microsoft"]


def test_notebooks_explore_finds_communities() -> None:
    cell = outputs(explore(), "from kg.analytics import communities")
    streams = [o for o in cell if o.output_type == "stream" and o.name == "stdout"]
    assert len(streams) == 1, [o.get("text", o.output_type) for o in cell]
    lines = streams[0].text.splitlines()
    assert lines[0].startswith("1 (")
    assert any("Leica" in line and "Xiaomi" in line for line in lines)


def test_notebooks_explore_draws_inline_with_srcdoc() -> None:
    (result,) = outputs(explore(), "g.viz(")
    html = result.data["text/html"]
    assert html.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert " src=" not in html.replace(" srcdoc=", "")
    assert result.data["text/plain"].startswith("<kg viz page: ")


def test_notebooks_explore_traces_two_companies() -> None:
    (stream,) = outputs(explore(), 'for hop in g.path("Huawei", "Xiaomi")')
    lines = stream.text.splitlines()
    assert lines[0] == "Huawei -[endedPartnershipWith]-> Leica"
    assert lines[4] == "Leica -[partnersWith]-> Xiaomi"
    text = example_path().read_text(encoding="utf-8")
    assert lines[1].strip()[1:-1] in text and lines[5].strip()[1:-1] in text


def update() -> int:
    """Run each notebook and write it back with its outputs."""
    for path in NOTEBOOKS:
        notebook = run(path)
        nbformat.write(notebook, path)
        print(f"wrote {path} with its outputs; review: git diff {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(update())
