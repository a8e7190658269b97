"""kg serve against `oxigraph serve-read-only` on the same store, in the same run.

Both servers read the same store folder; the load is simple SELECTs at
concurrency 8 over keep-alive connections, with `wrk` when it is installed
(apt-get install wrk) and a bounded Python client otherwise. Two workloads:
one query sent again and again (what the targets are about; kg serve answers
it from what it remembers, since a store served read-only cannot change),
and distinct queries (each URL new, so kg checks every one and relays it to
Oxigraph). The servers
take turns (oxigraph, kg, oxigraph, kg, ...) so a busy machine hurts both
alike; each one's best round is kept. Memory is resident memory after the
load: Oxigraph's process, and kg serve's front plus its Oxigraph process.
CPU per request (each process's CPU time over the requests answered) says
where the time goes, and is steadier than rates on a shared machine.

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
# wrk's script for distinct queries: each request's LIMIT is a number not sent before.
DISTINCT_LUA = """
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) counter = id * 100000000 end
function request()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. counter)
end
"""


@dataclass(frozen=True)
class Round:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us: tuple[float, ...]  # CPU per request of each measured process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "1", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url} within {seconds:g}s")


def rss(process: psutil.Process) -> int:
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def with_wrk(url: str, seconds: int, distinct: bool, script: str) -> tuple[float, ...]:
    """Requests/s, p50 ms, p99 ms, errors and the number of requests, from wrk."""
    extra = ["-s", script] if distinct else []
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONCURRENCY}", f"-d{seconds}s", "--latency", *extra, url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    count = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def percentile(name: str) -> float:
        value, unit = re.search(rf"\s{name}%\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    failed = int(errors.group(1)) if errors else 0
    return rate, percentile("50"), percentile("99"), failed, count


def with_python(url: str, seconds: int, distinct: bool, script: str) -> tuple[float, ...]:
    """A bounded client: CONCURRENCY threads, one keep-alive connection each."""
    parts = urllib.parse.urlsplit(url)
    path = f"{parts.path}?{parts.query}"
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(parts.netloc, timeout=10)
        counter = number * 100_000_000
        while time.monotonic() < stop:
            counter += 1
            start = time.perf_counter()
            connection.request("GET", path + (str(counter) if distinct else "1"))
            answer = connection.getresponse()
            answer.read()
            latencies.append(time.perf_counter() - start)
            errors[0] += answer.status != 200
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONCURRENCY)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / elapsed, cuts[49] * 1000, cuts[98] * 1000, errors[0], len(latencies)


def measured(load, url: str, processes: list[psutil.Process], seconds: int, distinct: bool,
             script: str) -> Round:  # fmt: skip
    before = [cpu_seconds(p) for p in processes]
    rate, p50, p99, errors, count = load(url, seconds, distinct, script)
    used = [cpu_seconds(p) - b for p, b in zip(processes, before, strict=True)]
    return Round(rate, p50, p99, errors, tuple(u / max(count, 1) * 1e6 for u in used))


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


def uptime() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a store folder (default: build the examples)")
    parser.add_argument("--seconds", type=int, default=5, help="length of one round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per server and workload")
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    args = parser.parse_args()
    load = with_python if args.python_client or not shutil.which("wrk") else with_wrk
    oxigraph = Path(sys.executable).parent / "oxigraph"
    binary = str(oxigraph) if oxigraph.exists() else "oxigraph"
    before = uptime()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.store or example_store(Path(scratch) / "store")
        script = Path(scratch) / "distinct.lua"
        script.write_text(DISTINCT_LUA)
        # The query ends in its LIMIT's number: the same one, or a new one each request.
        query = urllib.parse.urlencode({"query": QUERY.removesuffix("20")})
        ox_port, kg_port = free_port(), free_port()
        ox_url = f"http://127.0.0.1:{ox_port}/query?{query}"
        kg_url = f"http://127.0.0.1:{kg_port}/sparql?{query}"
        kg = start(["kg", "serve", "--store", str(folder), "--port", str(kg_port)], kg_url)
        ox = start([binary, "serve-read-only", "--location", str(folder), "--bind",
                    f"127.0.0.1:{ox_port}"], ox_url)  # fmt: skip
        kg_front = psutil.Process(kg.pid)
        measuring = {
            "oxigraph": (ox_url, [psutil.Process(ox.pid)]),
            "kg": (kg_url, [kg_front, *kg_front.children()]),
        }
        try:
            results: dict[tuple[str, bool], list[Round]] = {}
            memory = {"oxigraph": 0, "kg": 0}
            for distinct in (False, True):
                for _ in range(args.rounds):
                    for name, (url, processes) in measuring.items():
                        fixed = url if distinct else url + "20"
                        found = measured(load, fixed, processes, args.seconds, distinct,
                                         str(script))  # fmt: skip
                        results.setdefault((name, distinct), []).append(found)
                        memory[name] = max(memory[name], rss(processes[0]))
            split = [p.memory_info().rss / 2**20 for p in measuring["kg"][1]]
        finally:
            stop(kg)
            stop(ox)
    best = {key: max(found, key=lambda r: r.requests_per_second) for key, found in results.items()}
    print(f"load: {load.__name__.removeprefix('with_')}, concurrency {CONCURRENCY}, keep-alive, "
          f"{args.rounds} x {args.seconds}s rounds each, best kept; {os.cpu_count()} cores; "
          f"load average before {before}, after {uptime()}")  # fmt: skip
    print(f"{'measure':<34}{'kg serve':>12}{'oxigraph':>12}{'ratio':>9}  target")
    rows = []
    for distinct, label in ((False, ""), (True, ", distinct queries")):
        mine, theirs = best[("kg", distinct)], best[("oxigraph", distinct)]
        target = ">= 0.8" if not distinct else "(no target)"
        rows += [
            (f"requests/s{label}", mine.requests_per_second, theirs.requests_per_second,
             mine.requests_per_second / theirs.requests_per_second, target),
            (f"p50 latency (ms){label}", mine.p50_ms, theirs.p50_ms, theirs.p50_ms / mine.p50_ms,
             f"{target} (oxigraph/kg)"),
            (f"p99 latency (ms){label}", mine.p99_ms, theirs.p99_ms, theirs.p99_ms / mine.p99_ms,
             f"{target} (oxigraph/kg)"),
        ]  # fmt: skip
        if not distinct:
            rows.append(("memory (MB)", memory["kg"] / 2**20, memory["oxigraph"] / 2**20,
                         memory["kg"] / memory["oxigraph"], "<= 2"))  # fmt: skip
    for name, mine, theirs, ratio, target in rows:
        print(f"{name:<34}{mine:>12.2f}{theirs:>12.2f}{ratio:>9.2f}  {target}")
    print(f"kg serve's memory: front {split[0]:.1f} MB + its Oxigraph {split[1]:.1f} MB")
    for distinct, label in ((False, "one query"), (True, "distinct queries")):
        rounds_kg, rounds_ox = results[("kg", distinct)], results[("oxigraph", distinct)]
        front = min(r.cpu_us[0] for r in rounds_kg)
        behind = min(r.cpu_us[1] for r in rounds_kg)
        alone = min(r.cpu_us[0] for r in rounds_ox)
        print(
            f"CPU per request, {label} (us, least of the rounds): kg front {front:.0f} "
            f"+ its Oxigraph {behind:.0f} = {front + behind:.0f}; Oxigraph alone {alone:.0f}"
        )
    errors = {name: sum(r.errors for (n, _), rs in results.items() if n == name for r in rs)
              for name in ("kg", "oxigraph")}  # fmt: skip
    print(f"errors: kg {errors['kg']}, oxigraph {errors['oxigraph']}")


if __name__ == "__main__":
    main()
