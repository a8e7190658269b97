"""kg serve against `oxigraph serve-read-only` on the same store, in the same run.

Both servers read the same store folder; the load is simple SELECTs at
concurrency 8 over keep-alive connections, with `wrk` when it is installed
(apt-get install wrk) and a bounded Python client otherwise. The servers
take turns (oxigraph, kg, oxigraph, kg, ...) so a busy machine hurts both
alike; each one's best round is kept. Memory is resident memory after the
load: Oxigraph's process, and kg serve's front plus its Oxigraph process.

    python benchmarks/serve_bench.py                 # builds the bundled examples first
    python benchmarks/serve_bench.py --store kg-store --seconds 10 --rounds 3
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

QUERY = (
    "SELECT ?product WHERE { ?e a <https://w3id.org/kg-news/ontology#Product> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?product } LIMIT 20"
)
CONCURRENCY = 8


@dataclass(frozen=True)
class Round:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url} within {seconds:g}s")


def rss(process: psutil.Process) -> int:
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])


def with_wrk(url: str, seconds: int) -> Round:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONCURRENCY}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def percentile(name: str) -> float:
        value, unit = re.search(rf"\s{name}%\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return Round(rate, percentile("50"), percentile("99"), int(errors.group(1)) if errors else 0)


def with_python(url: str, seconds: int) -> Round:
    """A bounded client: CONCURRENCY threads, one keep-alive connection each."""
    parts = urllib.parse.urlsplit(url)
    path = f"{parts.path}?{parts.query}"
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(parts.netloc, timeout=10)
        while time.monotonic() < stop:
            start = time.perf_counter()
            connection.request("GET", path)
            answer = connection.getresponse()
            answer.read()
            latencies.append(time.perf_counter() - start)
            errors[0] += answer.status != 200
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100)
    return Round(len(latencies) / elapsed, cuts[49] * 1000, cuts[98] * 1000, errors[0])


def example_store(folder: Path) -> Path:
    subprocess.run(["kg", "build", "--example", "--store", str(folder)], check=True,
                   capture_output=True, timeout=1200)  # fmt: skip
    return folder


def start(command: list[str], url: str) -> subprocess.Popen:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_up(url)
    return process


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a store folder (default: build the examples)")
    parser.add_argument("--seconds", type=int, default=5, help="length of one round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per server")
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    args = parser.parse_args()
    load = with_python if args.python_client or not shutil.which("wrk") else with_wrk
    oxigraph = Path(sys.executable).parent / "oxigraph"
    binary = str(oxigraph) if oxigraph.exists() else "oxigraph"
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.store or example_store(Path(scratch) / "store")
        query = urllib.parse.urlencode({"query": QUERY})
        ox_port, kg_port = free_port(), free_port()
        ox_url = f"http://127.0.0.1:{ox_port}/query?{query}"
        kg_url = f"http://127.0.0.1:{kg_port}/sparql?{query}"
        kg = start(["kg", "serve", "--store", str(folder), "--port", str(kg_port)], kg_url)
        ox = start([binary, "serve-read-only", "--location", str(folder), "--bind",
                    f"127.0.0.1:{ox_port}"], ox_url)  # fmt: skip
        try:
            results: dict[str, list[Round]] = {"oxigraph": [], "kg": []}
            memory = {"oxigraph": 0, "kg": 0}
            for _ in range(args.rounds):
                for name, url, process in (("oxigraph", ox_url, ox), ("kg", kg_url, kg)):
                    results[name].append(load(url, args.seconds))
                    memory[name] = max(memory[name], rss(psutil.Process(process.pid)))
        finally:
            stop(kg)
            stop(ox)
    best = {
        name: max(rounds, key=lambda r: r.requests_per_second) for name, rounds in results.items()
    }
    ox_best, kg_best = best["oxigraph"], best["kg"]
    print(f"load: {load.__name__.removeprefix('with_')}, concurrency {CONCURRENCY}, keep-alive, "
          f"{args.rounds} x {args.seconds}s rounds each, best kept; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    print(f"{'measure':<22}{'kg serve':>12}{'oxigraph':>12}{'ratio':>9}  target")
    rows = [
        ("requests/s", kg_best.requests_per_second, ox_best.requests_per_second,
         kg_best.requests_per_second / ox_best.requests_per_second, ">= 0.8"),
        ("p50 latency (ms)", kg_best.p50_ms, ox_best.p50_ms, ox_best.p50_ms / kg_best.p50_ms,
         ">= 0.8 (oxigraph/kg)"),
        ("p99 latency (ms)", kg_best.p99_ms, ox_best.p99_ms, ox_best.p99_ms / kg_best.p99_ms,
         ">= 0.8 (oxigraph/kg)"),
        ("memory (MB)", memory["kg"] / 2**20, memory["oxigraph"] / 2**20,
         memory["kg"] / memory["oxigraph"], "<= 2"),
    ]  # fmt: skip
    for name, mine, theirs, ratio, target in rows:
        print(f"{name:<22}{mine:>12.2f}{theirs:>12.2f}{ratio:>9.2f}  {target}")
    print(f"errors: kg {sum(r.errors for r in results['kg'])}, "
          f"oxigraph {sum(r.errors for r in results['oxigraph'])}")  # fmt: skip


if __name__ == "__main__":
    main()
