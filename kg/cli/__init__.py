"""The ``kg`` command line: a thin layer over the library.

``cli`` (in ``kg.cli.group``) is the click group; each module imported below
defines its commands on it with ``@cli.command()``, so the whole CLI exists
once ``kg.cli`` is imported (tests use ``click.testing.CliRunner`` on it).

To add commands: write ``kg/cli/NAME.py`` with ``from kg.cli.group import cli``
and ``@cli.command(epilog=examples("kg NAME ...", "kg NAME ..."))`` functions
(``examples`` from ``kg.cli.group``: one or two lines, shown at the end of
--help, parsed by a test), import anything heavy inside the functions (``kg
--help`` imports every command module; ``tests/test_cli_app.py`` fails when
spaCy, rdflib or networkx load with it), open stores with
``kg.cli.options.reading_store``/``writing_store``, add the module to the
import line below, and give each command a row in a README command table that
names every option (a test checks it).
"""

from __future__ import annotations

import sys

from kg.cli.group import cli

# Each module defines its commands on `cli` when imported.
from kg.cli import core, explore, quality, storecmds, timecmds  # noqa: F401  isort: skip


def main(argv: list[str] | None = None) -> int:
    """Run ``kg`` with ``argv`` (default: the process's arguments); returns the exit code."""
    return cli.main(args=argv, prog_name="kg", standalone_mode=False)


def run() -> None:
    sys.exit(main())


__all__ = ["cli", "main", "run"]
