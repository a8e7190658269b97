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
from typing import Any

import click
from tqdm import tqdm

from kg.ingest import MAX_ARTICLE_CHARS, Fields, Intake, Options
from kg.model import Article
from kg.terminal import printable

SPACY_MAX_LENGTH = 1_000_000
"""spaCy's default ``nlp.max_length``: it refuses longer texts (error E088)."""
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
        return Intake(report_line, self.strict)


def report_line(line: str) -> None:
    """One problem, one line on stderr (above a progress bar, if there is one)."""
    tqdm.write(printable(f"kg: {line}"), file=sys.stderr)


def input_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds the input options to a command; it receives them as ``reading: Reading``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        chosen = {
            name: (kwargs.pop(f"{name}_field"),) for name in FIELD_HELP
            if kwargs.get(f"{name}_field")
        }  # fmt: skip
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
        click.option("--strict", is_flag=True,
                     help="Stop at the first input that cannot be read (default: go on)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
                     metavar="SECONDS", help="Give up on a URL or pipe after this long."),
        click.option("--max-chars", type=click.IntRange(min=1000, max=SPACY_MAX_LENGTH),
                     default=MAX_ARTICLE_CHARS, show_default=True,
                     help="Cut longer articles at a break (spaCy refuses over 1,000,000)."),
    ]  # fmt: skip
    for decorator in reversed(decorators):
        wrapper = decorator(wrapper)
    return wrapper


inputs_argument = click.argument("inputs", nargs=-1, metavar="INPUT...")


class Interrupted(Exception):
    """Ctrl-C was pressed; raised after the article being written is stored."""


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

    def check(self) -> None:
        """Called after each stored article: stop there when Ctrl-C was pressed."""
        if self.requested:
            raise Interrupted
