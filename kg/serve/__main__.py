"""``python -m kg.serve CONFIG_JSON``: the serving process ``kg serve`` turns into.

``kg serve`` checks its options and the store with the full CLI loaded, then
replaces itself (``os.execv``, same process id, same signals) with this lean
process, which imports only the front's modules (asyncio, httptools and
kg's own ``kg.serve``; never rdflib or spaCy).

It serves plain HTTP on loopback and talks plain HTTP to Oxigraph, so it
keeps Python's ``ssl`` module (which asyncio imports only to offer TLS, and
which maps OpenSSL's libraries: about 5 MB resident) out of the process.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    sys.modules.setdefault("ssl", None)  # type: ignore[arg-type]  # asyncio then runs without TLS

import json
from pathlib import Path

from kg.errors import KGError
from kg.serve.app import ServeConfig, main
from kg.serve.guard import Limits


def config_from_json(text: str) -> tuple[ServeConfig, str]:
    """The config and the store's name, from ``config_json``'s output.

    >>> config, name = config_from_json(config_json(ServeConfig(port=9), "memory:"))
    >>> (config.port, config.folder, name)
    (9, None, 'memory:')
    """
    data = json.loads(text)
    folder = Path(data["folder"]) if data["folder"] else None
    limits = Limits(**data["limits"])
    fields = {k: v for k, v in data.items() if k not in ("folder", "limits", "name")}
    return ServeConfig(folder=folder, limits=limits, **fields), data["name"]


def config_json(config: ServeConfig, name: str) -> str:
    from dataclasses import asdict

    data = asdict(config)
    data["folder"] = str(config.folder) if config.folder else None
    data["name"] = name
    return json.dumps(data)


def run(argv: list[str]) -> int:
    config, name = config_from_json(argv[1])
    mode = "read-write" if config.allow_update else "read-only"

    def started(url: str) -> None:
        print(
            f"kg: serving {name} at {url}/sparql ({mode}); Ctrl-C stops",
            file=sys.stderr,
            flush=True,
        )

    try:
        main(config, started)
    except KGError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return 2
    print("kg: stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv))
