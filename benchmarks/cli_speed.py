"""How fast the everyday commands answer: wall time from start to exit, median of N runs.

Issue 14's targets: ``kg --help`` < 0.25 s; ``kg query``, ``kg stats`` and
``kg export`` on a small store < 0.4 s. The store is the bundled example
(built once with ``kg build --example``, which is not timed). In the same run
it times a bare ``python -c pass`` (the interpreter's own start) and
``python -c "import spacy"`` (what every command paid when the CLI imported
spaCy), and prints the machine's load, since the machine is shared.

    python benchmarks/cli_speed.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KG = str(Path(sys.executable).with_name("kg"))
QUERY = "SELECT ?product ?optics WHERE { ?p kg:hasOptics ?o . ?p rdfs:label ?product . ?o rdfs:label ?optics }"  # noqa: E501


def wall(command: list[str], runs: int) -> float:
    """The median wall time of ``command`` over ``runs`` runs (each must exit 0)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "store")
        subprocess.run([KG, "build", "--example", "--store", store, "--no-progress"],
                       check=True, capture_output=True, timeout=600)  # fmt: skip
        cases = [
            ("python -c pass", [sys.executable, "-c", "pass"], None),
            ('python -c "import spacy"', [sys.executable, "-c", "import spacy"], None),
            ("kg --help", [KG, "--help"], 0.25),
            ("kg query (example store)", [KG, "query", QUERY, "--store", store], 0.4),
            ("kg stats (example store)", [KG, "stats", "--store", store], 0.4),
            ("kg export -o x.ttl (example)", [KG, "export", "--store", store, "-o",
                                              str(Path(tmp) / "x.ttl")], 0.4),
        ]  # fmt: skip
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'command':<32} {'median s':>9}  {'target':>7}  met")
        for name, command, target in cases:
            seconds = wall(command, args.runs)
            verdict = "" if target is None else ("yes" if seconds < target else "NO")
            shown = "" if target is None else f"< {target}"
            print(f"{name:<32} {seconds:>9.3f}  {shown:>7}  {verdict}")
        print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
