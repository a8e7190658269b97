"""Running the installed ``kg`` entry point from tests."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run_kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``kg ARGS...`` as a user runs it: text output captured, a generous timeout."""
    return subprocess.run(["kg", *args], capture_output=True, text=True, cwd=cwd, timeout=600)
