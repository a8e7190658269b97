"""How fast the everyday commands answer: wall and CPU time from start to exit, median of N runs.

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
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KG = str(Path(sys.executable).with_name("kg"))
QUERY = "SELECT ?product ?optics WHERE { ?p kg:hasOptics ?o . ?p rdfs:label ?product . ?o rdfs:label ?optics }"  # noqa: E501


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of ``command`` over ``runs`` runs.

    The CPU time is what the process itself used, so it moves less than the
    wall time when other users load the machine.
    """
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "store")
        subprocess.run(
            [KG, "build", "--example", "--store", store, "--no-progress"],
            check=True,
            capture_output=True,
            timeout=600,
        )
        cases = [
            ("python -c pass", [sys.executable, "-c", "pass"], None),
            ('python -c "import spacy"', [sys.executable, "-c", "import spacy"], None),
            ("kg --help", [KG, "--help"], 0.25),
            ("kg query (example store)", [KG, "query", QUERY, "--store", store], 0.4),
            ("kg stats (example store)", [KG, "stats", "--store", store], 0.4),
            (
                "kg export -o x.ttl (example)",
                [KG, "export", "--store", store, "-o", str(Path(tmp) / "x.ttl")],
                0.4,
            ),
        ]
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'command':<32} {'wall s':>7} {'cpu s':>7}  {'target':>7}  wall met")
        for name, command, target in cases:
            seconds, cpu = timed(command, args.runs)
            verdict = "" if target is None else ("yes" if seconds < target else "NO")
            shown = "" if target is None else f"< {target}"
            print(f"{name:<32} {seconds:>7.3f} {cpu:>7.3f}  {shown:>7}  {verdict}")
        print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
