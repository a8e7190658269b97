"""The ``kg`` command line: a thin layer over the library.

Each command group lives in its own module and registers itself on ``cli``.
Domain errors (KGError) become one line on stderr and exit code 2 here, at
the boundary, and nowhere else.
"""

from __future__ import annotations

import sys

import click

from kg.errors import KGError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def cli() -> None:
    """kg: build a knowledge graph from news articles and query it with SPARQL."""


def main(argv: list[str] | None = None) -> int:
    from kg.cli import core, explore, quality, storecmds, timecmds  # noqa: F401  (registers)

    try:
        code = cli.main(args=argv, prog_name="kg", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("kg: interrupted; the store holds every article finished so far", err=True)
        return 130
    except click.ClickException as err:
        err.show()
        return 2
    except KGError as err:
        click.echo(f"kg: error: {err}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("kg: interrupted; the store holds every article finished so far", err=True)
        return 130
    except BrokenPipeError:
        return 0
    return code if isinstance(code, int) else 0  # ctx.exit(N) from a command


def run() -> None:
    sys.exit(main())
