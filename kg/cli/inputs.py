"""How ``kg extract`` and ``kg build`` read their inputs: options, problem lines, Ctrl-C.

Exit status of both commands:

- 0: every input was read and extracted;
- 1: some file, line, entry or URL failed (one line each on stderr) and the
  others were processed; with ``--strict`` the run stopped at the first one;
- 2: usage error, or nothing readable at all (no article came out);
- 130: interrupted (Ctrl-C); every article finished so far is stored.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from kg.ingest import Intake, Options
    from kg.model import Article

SPACY_MAX_LENGTH = 1_000_000
"""spaCy's default ``nlp.max_length``: it refuses longer texts (error E088)."""
MAX_ARTICLE_CHARS = 100_000
"""``kg.ingest.MAX_ARTICLE_CHARS``, here so that ``--help`` need not import ingest (tested)."""
FIELD_HELP = {
    "text": "article text",
    "title": "title",
    "url": "article URL",
    "source": "publisher (dotted names reach inside objects, e.g. source.name)",
    "date": "publication date",
    "author": "author",
    "id": "record id (used in the article id when there is no URL)",
}


@dataclass(frozen=True)
class Reading:
    """The input options of one run."""

    options: Options
    strict: bool

    def intake(self) -> Intake:
        from kg.ingest import Intake

        return Intake(report_line, self.strict)


def report_line(line: str) -> None:
    """One problem, one line on stderr (above a progress bar, if there is one)."""
    from tqdm import tqdm

    from kg.terminal import printable

    tqdm.write(printable(f"kg: {line}"), file=sys.stderr)


ONE_PER_FILE = ("text", "html")
PER_LINE = ("jsonl",)


def countable_articles(inputs: Iterable[str]) -> int | None:
    """How many articles ``inputs`` hold, when that is known without reading them; else None.

    A text or HTML file holds one article and a JSON Lines file one per
    non-blank line; URLs, stdin, JSON arrays and feeds are not counted ahead.
    The count is what a progress bar aims at: a file that fails, or an
    article read twice, leaves it short.
    """
    from kg.errors import InputError
    from kg.ingest.inputs import STDIN, SUFFIXES, article_files, is_url

    if any(text == STDIN or is_url(text) for text in inputs):
        return None
    try:
        files = article_files(inputs)
    except InputError:
        return None
    total = 0
    for path in files:
        kind = SUFFIXES.get(path.suffix.lower(), "text")
        if kind in ONE_PER_FILE:
            total += 1
        elif kind in PER_LINE:
            total += non_blank_lines(path)
        else:
            return None
    return total


def non_blank_lines(path: Path) -> int:
    with path.open("rb") as lines:
        return sum(1 for line in lines if line.strip())


def input_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds the input options to a command; it receives them as ``reading: Reading``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kg.ingest import Fields, Options

        chosen = {
            name: (kwargs.pop(f"{name}_field"),)
            for name in FIELD_HELP
            if kwargs.get(f"{name}_field")
        }
        for name in FIELD_HELP:
            kwargs.pop(f"{name}_field", None)
        options = Options(
            fields=replace(Fields(), **chosen),
            timeout=kwargs.pop("timeout"),
            max_chars=kwargs.pop("max_chars"),
        )
        kwargs["reading"] = Reading(options, kwargs.pop("strict"))
        return command(*args, **kwargs)

    decorators = [
        click.option(f"--{name}-field", metavar="NAME", help=f"JSON field with the {what}.")
        for name, what in FIELD_HELP.items()
    ]
    decorators += [
        click.option(
            "--strict",
            is_flag=True,
            help="Stop at the first input that cannot be read (default: go on).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=20.0,
            show_default=True,
            metavar="SECONDS",
            help="Give up on a URL or pipe after this long.",
        ),
        click.option(
            "--max-chars",
            type=click.IntRange(min=1000, max=SPACY_MAX_LENGTH),
            default=MAX_ARTICLE_CHARS,
            show_default=True,
            help="Cut longer articles at a break (spaCy refuses over 1,000,000).",
        ),
    ]
    for decorator in reversed(decorators):
        wrapper = decorator(wrapper)
    return wrapper


inputs_argument = click.argument("inputs", nargs=-1, metavar="INPUT...")


class StopOnInterrupt:
    """The first Ctrl-C lets the article in hand finish; a second one stops at once."""

    def __init__(self) -> None:
        self.requested = False
        self.pid = os.getpid()

    def handle(self, signum: int, frame: object) -> None:
        if os.getpid() != self.pid:
            return  # a worker process forked from the build: the build decides
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        report_line("stopping after the current article (Ctrl-C again to stop now)")

    @contextmanager
    def installed(self) -> Iterator[StopOnInterrupt]:
        previous = signal.signal(signal.SIGINT, self.handle)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)

    def articles(self, articles: Iterable[Article]) -> Iterator[Article]:
        """``articles`` until Ctrl-C: no new article is started after it."""
        for article in articles:
            if self.requested:
                return
            yield article
