"""Rewrite README.md's expected outputs from what its blocks print now.

    python tests/update_readme.py          # rewrite, then: git diff README.md
    python tests/update_readme.py --check  # exit 1 and list the blocks that differ

Outputs that still match are kept as written (``...`` elisions included).
The rules for which blocks run are in tests/readme_blocks.py.
"""

from __future__ import annotations

import argparse
import sys

from readme_blocks import README, failure, run_readme, updated


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report, write nothing")
    args = parser.parse_args()
    found, run = run_readme(README)
    problems = [
        failure(b, o)
        for b in found
        for o in run.outcomes.get(b.line, [])
        if not (o.exit_ok and o.matches)
    ]
    for problem in problems:
        print(problem, end="\n\n", file=sys.stderr)
    if args.check:
        return 1 if problems else 0
    text = README.read_text(encoding="utf-8")
    new = updated(text, found, run)
    if new != text:
        README.write_text(new, encoding="utf-8")
        print("README.md updated; review it with: git diff README.md", file=sys.stderr)
    else:
        print("README.md is up to date", file=sys.stderr)
    failed = [b for b in found for o in run.outcomes.get(b.line, []) if not o.exit_ok]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
