"""README.md as a script: its code blocks, run in order, against the outputs it shows.

Which blocks run, and what they must print:

- Every ```` ```bash ````, ```` ```console ````, ```` ```python ```` and
  ```` ```sparql ```` block runs, in document order, in one scratch folder that
  links to this clone's top-level files (``kg/``, ``benchmarks/``, ...), so a
  path such as ``kg/examples/news`` works there as it does in a clone, and a
  store one block builds is there for the next.
- A block right after the line ``<!-- test: skip: REASON -->`` does not run
  (a server, a cluster, the shared corpus, the install itself); the test
  reports it as skipped with that reason.
- In a ``console`` block, ``$ COMMAND`` lines are commands (``> `` continues
  one) and the lines after each, up to the next ``$``, are what it prints:
  stdout and stderr, as a terminal shows them. A ``bash``, ``python`` or
  ``sparql`` block followed by a bare ```` ``` ```` block (nothing but blank
  lines between) must print exactly that block. A line ``...`` in an expected
  output stands for any number of lines.
- A command whose expected output shows no ``kg: error`` line must exit 0,
  and so must every block without an output to compare.
- ``sparql`` blocks run with ``kg query`` against ``./kg-store``.

``python tests/update_readme.py`` runs the same blocks and writes what they
printed into README.md (keeping an expected output that still matches, and
cutting a new one at the same number of lines around its ``...``); review the
change with ``git diff README.md``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RUNNABLE = ("bash", "console", "python", "sparql")
SKIP = re.compile(r"^<!--\s*test:\s*skip:\s*(?P<reason>.+?)\s*-->$")
# The clone's files a README command may name; a store or page left in the
# clone by hand (kg-store/, graph.html) is deliberately not linked.
LINKED = (
    "kg",
    "ontologies",
    "benchmarks",
    "notebooks",
    "docs",
    "tests",
    "README.md",
    "pyproject.toml",
)
TIMEOUT = 600
SEPARATOR = re.compile("\x1e(\\d+)\x1f")


@dataclass(frozen=True)
class Step:
    """One thing a block runs and what it must print (None: only that it succeeds)."""

    command: str
    expected: tuple[str, ...] | None
    first_line: int  # README line of the command; its expected output follows it


@dataclass(frozen=True)
class Block:
    line: int  # README line of the opening fence (1-based)
    lang: str
    source: tuple[str, ...]
    skip: str | None
    output: tuple[int, int] | None  # README lines (first, last) of the bare output block

    @property
    def name(self) -> str:
        first = next((s for s in self.source if s.strip()), "").strip()
        return f"README.md:{self.line} {self.lang}: {first[:60]}"

    def steps(self, readme_lines: list[str]) -> list[Step]:
        if self.lang == "console":
            return console_steps(self)
        expected = None
        if self.output is not None:
            first, last = self.output
            expected = tuple(readme_lines[first - 1 : last])
        return [Step("\n".join(self.source), expected, self.line + 1)]


@dataclass(frozen=True)
class Outcome:
    step: Step
    output: tuple[str, ...]
    status: int

    @property
    def matches(self) -> bool:
        return self.step.expected is None or lines_match(self.step.expected, self.output)

    @property
    def exit_ok(self) -> bool:
        allowed_error = self.step.expected is not None and any(
            line.startswith("kg: error") for line in self.step.expected
        )
        return self.status == 0 or allowed_error


@dataclass
class Run:
    """Outcomes by block line, filled in document order."""

    outcomes: dict[int, list[Outcome]] = field(default_factory=dict)


def blocks(text: str) -> list[Block]:
    """The fenced code blocks of a Markdown text that can run, with their outputs."""
    lines = text.splitlines()
    fences = list(fenced(lines))
    found = []
    for index, (start, end, lang) in enumerate(fences):
        if lang not in RUNNABLE:
            continue
        before = [line for line in lines[: start - 1] if line.strip()]
        marker = SKIP.match(before[-1].strip()) if before else None
        output = None
        if index + 1 < len(fences) and lang != "console":
            next_start, next_end, next_lang = fences[index + 1]
            between = lines[end : next_start - 1]
            if next_lang == "" and not any(line.strip() for line in between):
                output = (next_start + 1, next_end - 1)
        source = tuple(lines[start : end - 1])
        found.append(Block(start, lang, source, marker["reason"] if marker else None, output))
    return found


def fenced(lines: list[str]) -> Iterator[tuple[int, int, str]]:
    """(opening line, closing line, language) of each ``` block; lines 1-based."""
    start, lang = None, ""
    for number, line in enumerate(lines, start=1):
        if not line.startswith("```"):
            continue
        if start is None:
            start, lang = number, line[3:].strip()
        else:
            yield start, number, lang
            start = None


def console_steps(block: Block) -> list[Step]:
    steps: list[Step] = []
    command: list[str] = []
    output: list[str] = []
    first = block.line + 1
    for offset, line in enumerate(block.source):
        if line.startswith("$ ") or line == "$":
            if command:
                steps.append(Step("\n".join(command), tuple(output), first))
            command, output, first = [line[2:]], [], block.line + 1 + offset
        elif line.startswith("> ") and command and not output:
            command.append(line[2:])
        elif command:
            output.append(line)
    if command:
        steps.append(Step("\n".join(command), tuple(output), first))
    return steps


def lines_match(expected: tuple[str, ...], actual: tuple[str, ...]) -> bool:
    """Equal line by line, where an expected line ``...`` stands for any lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(lines_match(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and lines_match(expected[1:], actual[1:])


def cleaned(text: str) -> tuple[str, ...]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return tuple(lines)


def scratch_folder(parent: Path) -> Path:
    """A folder that looks like a fresh clone: links to the clone's files, nothing built."""
    folder = parent / "clone"
    folder.mkdir()
    for name in LINKED:
        if (ROOT / name).exists():
            (folder / name).symlink_to(ROOT / name)
    return folder


def environment() -> dict[str, str]:
    """This interpreter's kg and python3 first on PATH; no inherited kg settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"  # stdout and stderr interleave as on a terminal
    env["COLUMNS"] = "100"
    return env


def shell(script: str, cwd: Path) -> tuple[str, int]:
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT,
    )
    return done.stdout, done.returncode


def run_step(block: Block, step: Step, cwd: Path) -> tuple[str, int]:
    if block.lang == "python":
        script = cwd / f"readme_{block.line}.py"
        script.write_text(step.command + "\n", encoding="utf-8")
        return shell(f"python3 {script.name}", cwd)
    if block.lang == "sparql":
        query = cwd / f"readme_{block.line}.rq"
        query.write_text(step.command + "\n", encoding="utf-8")
        return shell(f"kg query @{query.name}", cwd)
    return shell(step.command, cwd)


def run_console(block: Block, steps: list[Step], cwd: Path) -> list[Outcome]:
    """The block's commands in one shell, so ``echo $?`` sees the command before it."""
    script = "\n".join(
        f"{step.command}\n__kg_status=$?; printf '\\036%d\\037' \"$__kg_status\"; "
        "(exit $__kg_status)"
        for step in steps
    )
    text, _ = shell(script, cwd)
    parts = SEPARATOR.split(text)
    outputs, statuses = parts[0:-1:2], [int(s) for s in parts[1::2]]
    if len(statuses) < len(steps):  # the shell died part-way: report what it printed
        outputs += [parts[-1]] + [""] * (len(steps) - len(statuses) - 1)
        statuses += [-1] * (len(steps) - len(statuses))
    return [
        Outcome(step, cleaned(out), status)
        for step, out, status in zip(steps, outputs, statuses, strict=True)
    ]


def run_readme(readme: Path = README, parent: Path | None = None) -> tuple[list[Block], Run]:
    """Run every block that is not skipped, in order; outcomes by block."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    found = blocks("\n".join(lines))
    run = Run()
    with tempfile.TemporaryDirectory(prefix="kg-readme-") as tmp:
        cwd = scratch_folder(Path(parent or tmp))
        for block in found:
            if block.skip:
                continue
            steps = block.steps(lines)
            if block.lang == "console":
                run.outcomes[block.line] = run_console(block, steps, cwd)
            else:
                run.outcomes[block.line] = [
                    Outcome(step, cleaned(out), status)
                    for step in steps
                    for out, status in [run_step(block, step, cwd)]
                ]
    return found, run


def updated(readme_text: str, found: list[Block], run: Run) -> str:
    """The README with each expected output that no longer matches replaced by the actual one."""
    lines = readme_text.splitlines()
    replacements: list[tuple[int, int, tuple[str, ...]]] = []  # (first, last) 1-based, inclusive
    for block in found:
        for outcome in run.outcomes.get(block.line, []):
            if outcome.matches or outcome.step.expected is None:
                continue
            if block.lang == "console":
                first = outcome.step.first_line + outcome.step.command.count("\n") + 1
                last = first + len(outcome.step.expected) - 1
            else:
                assert block.output is not None
                first, last = block.output
            replacements.append((first, last, elided_like(outcome.step.expected, outcome.output)))
    for first, last, new in sorted(replacements, reverse=True):
        lines[first - 1 : last] = list(new)
    return "\n".join(lines) + "\n"


def elided_like(expected: tuple[str, ...], actual: tuple[str, ...]) -> tuple[str, ...]:
    """The actual output, cut as the expected one was: as many lines before and after its ``...``.

    >>> elided_like(("a", "...", "z"), ("A", "b", "c", "Z"))
    ('A', '...', 'Z')
    >>> elided_like(("a", "b"), ("A",))
    ('A',)
    """
    if expected.count("...") != 1:
        return actual
    head = expected.index("...")
    tail = len(expected) - head - 1
    if len(actual) <= head + tail:
        return actual
    return (*actual[:head], "...", *actual[len(actual) - tail :])


def failure(block: Block, outcome: Outcome) -> str:
    """What went wrong with a block, and how to fix the README."""
    import difflib

    head = f"{block.name}\n  command: {outcome.step.command.splitlines()[0][:100]}"
    how = (
        "If the new output is right, run `python tests/update_readme.py` and review "
        "`git diff README.md`; else fix the code."
    )
    if not outcome.exit_ok:
        shown = "\n".join(outcome.output[-15:])
        return f"{head}\n  exited {outcome.status}:\n{shown}\n{how}"
    diff = difflib.unified_diff(
        list(outcome.step.expected or ()),
        list(outcome.output),
        "README shows",
        "it printed",
        lineterm="",
    )
    return f"{head}\n  printed something else:\n" + "\n".join(diff) + f"\n{how}"
