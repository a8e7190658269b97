"""Running ``kg`` from tests: in this process (fast), or as a real process.

``run_kg`` invokes the click group with ``CliRunner``, so spaCy loads once per
test session instead of once per command; the group itself turns errors into
one line and an exit code, so what a test sees is what a user sees. An
exception that escapes a command shows in ``stderr`` as a traceback, as it
would from the entry point. ``run_kg_process`` runs the installed ``kg``
entry point, for the tests about real processes (exit codes, signals, start-up).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import traceback
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli


def run_kg(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``kg ARGS...`` in this process: exit code, stdout and stderr as a process would give."""
    with contextlib.chdir(cwd or os.getcwd()):
        result = CliRunner().invoke(cli, list(args), env=env, input=input, prog_name="kg")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["kg", *args], result.exit_code, result.stdout, stderr)


def run_kg_process(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``kg ARGS...`` as a user runs it: a new process, text output captured, a generous timeout."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        ["kg", *args], capture_output=True, text=True, cwd=cwd, env=full_env, timeout=600
    )
