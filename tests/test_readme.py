"""Every README example runs and prints what the README shows (rules: tests/readme_blocks.py).

The blocks run once, in order, in a scratch folder that looks like a fresh
clone; each block is then its own test, so a failure names the block, shows
the difference and says how to regenerate the README.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from readme_blocks import README, Block, Run, blocks, failure, lines_match, run_readme, updated

pytestmark = pytest.mark.model

BLOCKS = blocks(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_readme(README, tmp_path_factory.mktemp("readme"))[1]


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: f"line{b.line}-{b.lang}")
def test_readme_block_runs_and_prints_what_it_shows(block: Block, readme_run: Run) -> None:
    if block.skip:
        pytest.skip(f"{block.name}: {block.skip}")
    problems = [
        failure(block, o) for o in readme_run.outcomes[block.line] if not (o.exit_ok and o.matches)
    ]
    assert not problems, "\n\n".join(problems)


def test_readme_has_runnable_blocks_for_each_section() -> None:
    """The first-hour examples are checked, not skipped."""
    ran = " ".join(s for b in BLOCKS if not b.skip for s in b.source)
    for command in (
        "kg demo",
        "kg query",
        "kg viz",
        "kg rank",
        "kg path",
        "kg evaluate",
        "kg build kg/examples/messy",
        "KnowledgeGraph.open",
    ):
        assert command in ran


SAMPLE = """\
Intro.

```bash
echo one
```

```
one
```

<!-- test: skip: needs a server -->
```console
$ kg serve &
```

```console
$ echo two
two
$ false
$ echo $?
1
```

```text
not code
```
"""


def test_readme_blocks_are_read_with_their_outputs_and_skips() -> None:
    found = blocks(SAMPLE)
    lines = SAMPLE.splitlines()
    assert [(b.line, b.lang, b.skip, b.output) for b in found] == [
        (3, "bash", None, (8, 8)),
        (12, "console", "needs a server", None),
        (16, "console", None, None),
    ]
    steps = found[2].steps(lines)
    assert [(s.command, s.expected, s.first_line) for s in steps] == [
        ("echo two", ("two",), 17),
        ("false", (), 19),
        ("echo $?", ("1",), 20),
    ]
    assert [(s.command, s.expected) for s in found[0].steps(lines)] == [("echo one", ("one",))]


@pytest.mark.parametrize(
    ("expected", "actual", "match"),
    [
        (("a", "b"), ("a", "b"), True),
        (("a", "b"), ("a", "c"), False),
        (("a", "...", "z"), ("a", "b", "c", "z"), True),
        (("a", "...", "z"), ("a", "z"), True),
        (("a", "...", "z"), ("a", "b"), False),
        (("...",), (), True),
        ((), ("x",), False),
    ],
)
def test_readme_ellipsis_stands_for_any_lines(expected, actual, match) -> None:
    assert lines_match(expected, actual) is match


def test_readme_sample_runs_and_regenerates(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(SAMPLE.replace("two\n$ false", "TWO\n$ false"), encoding="utf-8")
    found, run = run_readme(readme, tmp_path)
    outcomes = {
        line: [(o.output, o.status, o.matches) for o in got] for line, got in run.outcomes.items()
    }
    assert outcomes == {
        3: [(("one",), 0, True)],
        16: [(("two",), 0, False), ((), 1, True), (("1",), 0, True)],
    }
    assert updated(readme.read_text(encoding="utf-8"), found, run) == SAMPLE
