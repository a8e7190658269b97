"""Why kg cuts articles at 100,000 characters, and what hostile sizes cost ingest.

    python benchmarks/ingest_limits.py

Prints:

1. ingest: seconds for ``read_inputs`` to read a 50 MB text file, a 50 MB JSON
   array with one record, and a JSON Lines file with a 10 MB line (each ends as
   one capped article and a warning);
2. extraction: wall time and peak RSS of ``kg extract`` (a fresh process each)
   on one article of 25,000, 50,000, 100,000 and 200,000 characters, with
   ``--max-chars`` raised so nothing is cut: the cost grows with the text, so
   the cap bounds the worst article a build can meet.

Texts are generated here (varied sentences about made-up companies).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.ingest import read_inputs

SUBJECTS = ("Acme Corp", "Widget Co", "Orbit Systems", "Nimbus Ltd", "Quartz Labs", "Delta Inc")
VERBS = ("signed a supply deal with", "acquired a stake in", "ended its partnership with",
         "competes with", "invested in", "is a supplier of")  # fmt: skip
TAILS = ("on Tuesday, people familiar with the matter said.", "in a deal worth $2 billion.",
         "after months of talks in Berlin.", "according to a filing.")  # fmt: skip


def prose(chars: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        a, b = rng.sample(SUBJECTS, 2)
        sentence = f"{a} {rng.choice(VERBS)} {b} {rng.choice(TAILS)}"
        sentence += "\n\n" if rng.random() < 0.25 else " "
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)[:chars]


def timed_ingest(path: Path) -> tuple[float, list[str]]:
    started = time.perf_counter()
    items = list(read_inputs([str(path)]))
    return time.perf_counter() - started, [type(i).__name__ for i in items]


CHILD = """
import resource, sys
from kg.cli import main
code = main(["extract", sys.argv[1], "--max-chars", sys.argv[2], "-o", sys.argv[3]])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def child_extract(path: Path, max_chars: int) -> tuple[float, float]:
    """Wall seconds (model load included) and peak RSS (MB) of one fresh extraction process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(max_chars), str(path.with_suffix(".nq"))],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    return wall, int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = prose(50 * 2**20)
        (folder / "fifty.txt").write_text(big, encoding="utf-8")
        (folder / "fifty.json").write_text(json.dumps([{"text": big}]), encoding="utf-8")
        line = big[: 10 * 2**20].replace("\n", " ")
        (folder / "line.jsonl").write_text(json.dumps({"text": line}) + "\n", encoding="utf-8")
        print("ingest (read_inputs, default limits)")
        for name in ("fifty.txt", "fifty.json", "line.jsonl"):
            seconds, kinds = timed_ingest(folder / name)
            print(f"  {name:12} {seconds:6.2f} s   -> {', '.join(kinds)}")
        print("extraction (kg extract in a fresh process per size, model load included)")
        print(f"  {'characters':>10}  {'seconds':>8}  {'peak MB':>8}")
        for chars in (25_000, 50_000, 100_000, 200_000):
            path = folder / f"article-{chars}.txt"
            path.write_text(prose(chars, seed=chars), encoding="utf-8")
            wall, peak = child_extract(path, max_chars=chars)
            print(f"  {chars:>10,}  {wall:8.1f}  {peak:8.0f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
