"""``python -m kg.serve.draw`` < job JSON -> one page's HTML on stdout.

The serving process stays lean (no rdflib, networkx or spaCy in it): an
entity's page or a drawn CONSTRUCT result is built here, in a process that
``kg serve`` starts per page and kills if it runs past ``--timeout``. The
job names the page (``entity`` with an IRI, ``graph`` with a query), the
store's location, and whether to open it read-only. A KGError is one line
on stderr and exit code 2.
"""

from __future__ import annotations

import json
import sys

from kg.errors import KGError


def page(job: dict[str, object]) -> str:
    """The HTML of the page ``job`` asks for."""
    from kg.serve.pages import construct_page, entity_page
    from kg.store import open_store

    store = open_store(str(job["location"]), read_only=bool(job["read_only"]))
    try:
        if job["kind"] == "entity":
            return entity_page(store, str(job["argument"]))
        return construct_page(store, str(job["argument"]))
    finally:
        store.close()


def run() -> int:
    try:
        html = page(json.loads(sys.stdin.read()))
    except KGError as err:
        print(err, file=sys.stderr)
        return 2
    sys.stdout.write(html)
    return 0


if __name__ == "__main__":
    sys.exit(run())
