"""Benchmark of the deployment (`deploy/run`): throughput and latency through nginx with 1 and 2 replicas (and 1
replica whose numeric libraries may use both cores), a flood against the public limits, and each replica's
memory; prints a Markdown table.

Questions are those of eval/gold.jsonl and eval/dev.jsonl in one fixed shuffled order, asked through the
REST API (POST /api/v1/ask) by concurrent users, each from its own loopback address (127.0.0.x). The load
generator, nginx and PostgreSQL run on the same machine as the replicas and take their share of its cores.

Example usage::

    python deploy/bench.py          # 600 questions by 8 users: 1 replica, 2, 1 with 2 threads; then the flood
    python deploy/bench.py --questions 200 --users 4
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = [sys.executable, str(ROOT / "deploy" / "run")]
HIGH_LIMITS = ("--rate", "100000/minute", "--nginx-rate", "1000r/s", "--nginx-burst", "1000")
FLOOD_LIMITS = ("--rate", "10/minute", "--nginx-rate", "5r/s", "--nginx-burst", "10")
WARM_UP = 60
FLOOD_S = 10.0
FLOODERS = 4


@dataclass(frozen=True)
class LoadResult:
    """One load run: questions answered, errors, wall time, latencies and memory."""

    replicas: int
    threads: int  # of each replica's numeric libraries
    answered: int
    errors: int
    wall_s: float
    p50_ms: float
    p95_ms: float
    cpu_s: float  # the replicas' CPU time during the run (user + system)
    rss_mib: tuple[float, ...]  # per replica, after the run

    @property
    def throughput(self) -> float:
        return self.answered / self.wall_s


@dataclass(frozen=True)
class FloodResult:
    """A flooding client against a normal one, both through nginx."""

    flood_requests: int
    flood_answered: int
    flood_refused: int
    normal_ms: tuple[float, ...]
    normal_answered: int


def questions() -> list[str]:
    found = [json.loads(line)["question"] for name in ("gold.jsonl", "dev.jsonl")
             for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    random.Random(14).shuffle(found)
    return found


def ask(port: int, question: str, address: str, forwarded_for: str = "") -> tuple[int, dict | None, float]:
    """POST /api/v1/ask through nginx from ``address``: (status, JSON body, seconds); status 0 and no body when the
    connection failed. tests/test_deploy.py asks through this too."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(address, 0))
    headers = {"Content-Type": "application/json", **({"X-Forwarded-For": forwarded_for} if forwarded_for else {})}
    started = time.perf_counter()
    try:
        conn.request("POST", "/api/v1/ask", json.dumps({"question": question}).encode(), headers)
        response = conn.getresponse()
        body = response.read()
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None  # nginx's own 429 / 502 pages
        return response.status, parsed, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return 0, None, time.perf_counter() - started
    finally:
        conn.close()


@contextmanager
def deployment(*options: str, threads: int = 1):
    """`deploy/run start` in a temporary folder, ``threads`` for each replica's numeric libraries; yields its state;
    always stopped."""
    env = {**os.environ, **{name: str(threads) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}}
    with tempfile.TemporaryDirectory(prefix="planqa-bench-") as run_dir:
        out = subprocess.run([*RUN, "start", "--dir", run_dir, "--port", "0", *options], capture_output=True, text=True,
                             env=env)
        if out.returncode != 0:
            raise SystemExit(out.stderr)
        try:
            yield json.loads(Path(run_dir, "state.json").read_text())
        finally:
            subprocess.run([*RUN, "stop", "--dir", run_dir], capture_output=True)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load(replicas: int, asked: list[str], users: int, threads: int = 1) -> LoadResult:
    with deployment("--replicas", str(replicas), *HIGH_LIMITS, threads=threads) as state:
        port = state["port"]
        for question in asked[:WARM_UP]:  # first calls load lazy parts (tokenizer, caches) in each replica
            ask(port, question, "127.0.0.9")
        share = [asked[n::users] for n in range(users)]
        cpu_before = sum(cpu_seconds(r["pid"]) for r in state["replicas"])
        started = time.perf_counter()
        with ThreadPoolExecutor(users) as pool:
            results = [r for per_user in pool.map(lambda n: [ask(port, q, f"127.0.0.{10 + n}") for q in share[n]],
                                                  range(users)) for r in per_user]
        wall = time.perf_counter() - started
        cpu = sum(cpu_seconds(r["pid"]) for r in state["replicas"]) - cpu_before
        memory = tuple(rss_mib(r["pid"]) for r in state["replicas"])
    latencies = sorted(seconds * 1000 for status, _, seconds in results if status == 200)
    return LoadResult(replicas, threads, len(latencies), len(results) - len(latencies), wall, statistics.median(latencies),
                      latencies[int(0.95 * (len(latencies) - 1))], cpu, memory)


def flood(asked: list[str]) -> FloodResult:
    """FLOODERS threads from 127.0.0.2 ask as fast as they can for FLOOD_S seconds (each with a new
    X-Forwarded-For, which nginx replaces) while a normal user at 127.0.0.3 asks one question every 0.5 s."""
    with deployment("--replicas", "2", *FLOOD_LIMITS) as state:
        stop, statuses = threading.Event(), []

        def flooder() -> None:
            while not stop.is_set():
                statuses.append(ask(state["port"], "AI法の目的は？", "127.0.0.2", f"198.51.100.{len(statuses) % 250}")[0])

        threads = [threading.Thread(target=flooder) for _ in range(FLOODERS)]
        for t in threads:
            t.start()
        normal, ends = [], time.monotonic() + FLOOD_S - 0.5
        for question in asked:
            if time.monotonic() > ends:
                break
            normal.append(ask(state["port"], question, "127.0.0.3"))
            time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join()
    return FloodResult(len(statuses), statuses.count(200), statuses.count(429),
                       tuple(seconds * 1000 for _, _, seconds in normal), sum(status == 200 for status, _, _ in normal))


def table(runs: list[LoadResult], flooded: FloodResult) -> str:
    base = runs[0].throughput
    rows = ["| | " + " | ".join(f"{r.replicas} replica{'s' * (r.replicas > 1)}, {r.threads} thread{'s' * (r.threads > 1)}"
                                for r in runs) + " |",
            "|---|" + "---|" * len(runs),
            "| throughput (questions/s) | " + " | ".join(f"{r.throughput:.1f} ({r.throughput / base:.2f}×)"
                                                        for r in runs) + " |",
            "| latency p50 / p95 (ms) | " + " | ".join(f"{r.p50_ms:.0f} / {r.p95_ms:.0f}" for r in runs) + " |",
            "| answered / errors | " + " | ".join(f"{r.answered} / {r.errors}" for r in runs) + " |",
            "| replicas' CPU: cores busy, ms per question | " + " | ".join(
                f"{r.cpu_s / r.wall_s:.2f}, {1000 * r.cpu_s / max(r.answered, 1):.0f}" for r in runs) + " |",
            "| RSS per replica (MiB) | " + " | ".join(" + ".join(f"{m:.0f}" for m in r.rss_mib) for r in runs) + " |"]
    f = flooded
    rows.append(f"\nFlood (2 replicas; per client 10 questions/minute in the app, 5/s with a burst of 10 at nginx): "
                f"{FLOODERS} connections from one address sent {f.flood_requests} questions in {FLOOD_S:.0f} s "
                f"({f.flood_requests / FLOOD_S:.0f}/s): {f.flood_refused} refused (429), {f.flood_answered} answered. "
                f"A normal user meanwhile: {f.normal_answered}/{len(f.normal_ms)} answered, p50 "
                f"{statistics.median(f.normal_ms):.0f} ms, slowest {max(f.normal_ms):.0f} ms.")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=600, help="questions per load run [600]")
    parser.add_argument("--users", type=int, default=8, help="concurrent users [8]")
    args = parser.parse_args()
    asked = questions()
    asked = (asked * (args.questions // len(asked) + 1))[:args.questions]
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", file=sys.stderr)
    runs = [load(1, asked, args.users), load(2, asked, args.users), load(1, asked, args.users, threads=2)]
    print(table(runs, flood(asked)))


if __name__ == "__main__":
    main()
