"""The ``kg`` group and its error boundary; every command module defines its commands on it.

Domain errors (``KGError``) and usage errors become one line on stderr and
exit code 2 here, at the boundary, and nowhere else; Ctrl-C becomes exit 130.
The boundary lives in the group itself, so ``CliRunner().invoke(cli, ...)``
in a test sees exactly what a user of the ``kg`` entry point sees.

This module imports click and nothing heavy: ``kg --help`` loads every command
module, so a command imports what it needs (spaCy, rdflib, networkx...) inside
its function.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from kg.errors import KGError
from kg.terminal import printable

INTERRUPTED = "kg: interrupted; the store holds every article finished so far"


class Failed(click.ClickException):
    """One line on stderr, ``kg: error: MESSAGE``, and an exit code (2 unless told)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"kg: error: {self.message}", err=True)


class Interrupted(click.ClickException):
    """Ctrl-C: one line saying what was kept, exit code 130."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__(INTERRUPTED)

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


def one_line_usage(err: click.UsageError) -> Failed:
    """A click usage error as one line that names the command's --help."""
    ctx = err.ctx
    where = f"{ctx.command_path} --help" if ctx is not None else "kg --help"
    message = err.format_message().rstrip(".")
    return Failed(f"{message[:1].lower()}{message[1:]}; see '{where}'", err.exit_code)


class KGGroup(click.Group):
    """A click group whose commands' errors reach the user as one line (see the module doc)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            done = super().main(*args, **{**kwargs, "standalone_mode": False})
            code = done if isinstance(done, int) else 0  # ctx.exit(N), --help: N
        except click.UsageError as err:
            code = fail(one_line_usage(err))
        except click.ClickException as err:
            code = fail(err)
        except (click.exceptions.Abort, KeyboardInterrupt):
            code = fail(Interrupted())
        except KGError as err:
            code = fail(Failed(str(err)))
        except BrokenPipeError:
            code = 0  # `kg query ... | head`: the reader has what it wanted
        if kwargs.get("standalone_mode", True):
            sys.exit(code)
        return code


def fail(err: click.ClickException) -> int:
    err.message = printable(err.message)  # a file name cannot forge lines or drive the terminal
    err.show()
    return err.exit_code


def exit_with(code: int) -> NoReturn:
    """Leave a command with ``code`` (click's ``ctx.exit``) without printing anything."""
    raise click.exceptions.Exit(code)


def examples(*commands: str) -> str:
    """A command's epilog: one or two example command lines, shown at the end of its --help.

    >>> print(examples("kg stats", "kg stats --store news-store"))
    \b
    Examples:
      kg stats
      kg stats --store news-store
    """
    return "\b\nExamples:\n" + "\n".join(f"  {command}" for command in commands)


@click.group(
    cls=KGGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=examples(
        "kg demo", "kg query 'SELECT ?name WHERE { ?e a kg:Organization ; rdfs:label ?name }'"
    ),
)
@click.version_option(package_name="kg")
def cli() -> None:
    """kg: build a knowledge graph from news articles and query it with SPARQL."""
