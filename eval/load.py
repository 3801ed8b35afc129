"""Load script (not a timed test): start the web app, send concurrent questions through gradio_client.

Phase 1 sends 50 questions at once; phase 2 is a soak of N questions (default 1,000) drawn from
eval/gold.jsonl and eval/dev.jsonl, 8 at a time. Reports sent / succeeded / failed (with the first
error messages), answers that differ from the first answer to the same question (the app is
deterministic without an LLM, so a difference means a mixed-up or lost response), p50/p95 latency,
and the server's resident memory (VmRSS of the app and its children) before, after phase 1 and
during the soak, with its growth. All traffic stays on 127.0.0.1; the app is always stopped.

Example usage::

    python eval/load.py
    python eval/load.py --soak 200 --json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION_FILES = (ROOT / "eval" / "gold.jsonl", ROOT / "eval" / "dev.jsonl")
BURST = 50
SOAK = 1000
SOAK_CONCURRENCY = 8
REQUEST_TIMEOUT_S = 120.0
STARTUP_TIMEOUT_S = 180.0
SAMPLE_EVERY_S = 5.0
SPEC_KEYS = {"answer", "abstained", "citations", "retrieved", "latency_ms"}


@dataclass
class PhaseResult:
    """Outcome of one phase of requests."""

    name: str
    sent: int = 0
    succeeded: int = 0
    failed: int = 0
    inconsistent: int = 0  # answered, but not as the same question was answered before
    errors: list[str] = field(default_factory=list)  # the first few, verbatim
    p50_ms: float = float("nan")
    p95_ms: float = float("nan")
    wall_s: float = 0.0
    server_ms_p50: float = float("nan")  # the app's own latency_ms


# ---- the server -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, data_dir: Path, log_path: Path) -> subprocess.Popen:
    """``python app.py`` on 127.0.0.1:port, extractive answers only (no LLM endpoint), logs to a file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANQA_LLM_")}
    env |= {"GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port), "PLANQA_DATA_DIR": str(data_dir),
            "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    log = open(log_path, "wb")
    return subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_until_up(proc: subprocess.Popen, url: str, log_path: Path, timeout: float = STARTUP_TIMEOUT_S) -> float:
    """Seconds until the app answers HTTP on ``url``; raise if it exits or never answers."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"app did not answer on {url} within {timeout:.0f} s")


def stop_app(proc: subprocess.Popen) -> None:
    """SIGTERM the app's process group (it was started in its own session), then SIGKILL."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)
    except ProcessLookupError:
        pass


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            out += [int(c) for c in task.read_text().split()]
        except OSError:
            continue
    return out


def rss_mib(pid: int) -> float:
    """VmRSS of a process and all of its descendants, in MiB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        todo += _children(p)
    return round(total / 1024, 1)


class MemorySampler:
    """Samples the server's RSS every few seconds on a background thread: (seconds, done, MiB)."""

    def __init__(self, pid: int, progress: callable, every: float = SAMPLE_EVERY_S) -> None:
        self.pid, self.progress, self.every = pid, progress, every
        self.samples: list[tuple[float, int, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.perf_counter()

    def _sample(self) -> None:
        self.samples.append((round(time.perf_counter() - self._started, 1), self.progress(), rss_mib(self.pid)))

    def _run(self) -> None:
        self._sample()
        while not self._stop.wait(self.every):
            self._sample()

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


# ---- requests ---------------------------------------------------------------------------------
def load_questions() -> list[str]:
    questions = []
    for path in QUESTION_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                questions.append(json.loads(line)["question"])
    return questions


def ask(client, question: str, timeout: float) -> tuple[dict, float]:
    """One /ask call bounded by ``timeout``; returns the SPEC §5 object and the client-side ms."""
    started = time.perf_counter()
    result = client.submit(question, api_name="/ask").result(timeout=timeout)
    elapsed = (time.perf_counter() - started) * 1000
    if not isinstance(result, dict) or not SPEC_KEYS <= set(result):
        raise ValueError(f"not a SPEC §5 object: {str(result)[:200]}")
    return result, elapsed


def _fingerprint(result: dict) -> tuple:
    return result["answer"], result["abstained"], tuple(c["id"] for c in result["citations"])


def run_phase(client, name: str, questions: list[str], workers: int, timeout: float,
              reference: dict[str, tuple], counter: list[int] | None = None) -> PhaseResult:
    """Send every question with ``workers`` in flight; compare each answer with ``reference``."""
    import numpy as np
    from tqdm import tqdm

    res, latencies, server_ms = PhaseResult(name, sent=len(questions)), [], []
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool, tqdm(total=len(questions), desc=name, file=sys.stderr) as bar:
        futures = {pool.submit(ask, client, q, timeout): q for q in questions}
        for fut in as_completed(futures):
            q = futures[fut]
            try:
                result, ms = fut.result()
            except Exception as exc:  # noqa: BLE001 — a load script counts every failure, whatever its type
                res.failed += 1
                if len(res.errors) < 5:
                    res.errors.append(f"{type(exc).__name__}: {exc}"[:300] + f" (question: {q[:40]})")
            else:
                res.succeeded += 1
                latencies.append(ms)
                server_ms.append(result["latency_ms"])
                if reference.setdefault(q, _fingerprint(result)) != _fingerprint(result):
                    res.inconsistent += 1
            bar.update()
            if counter is not None:
                counter[0] += 1
    res.wall_s = round(time.perf_counter() - started, 1)
    if latencies:
        res.p50_ms, res.p95_ms = (round(float(np.percentile(latencies, p)), 1) for p in (50, 95))
        res.server_ms_p50 = round(float(np.percentile(server_ms, 50)), 1)
    return res


def _slope_per_1000(samples: list[tuple[float, int, float]]) -> float | None:
    """Least-squares RSS growth in MiB per 1,000 requests over the second half of the soak."""
    import numpy as np

    half = [(done, mib) for _, done, mib in samples[len(samples) // 2:]]
    if len(half) < 3 or half[-1][0] == half[0][0]:
        return None
    done, mib = np.array(half, dtype=float).T
    return round(float(np.polyfit(done, mib, 1)[0] * 1000), 2)


# ---- main -------------------------------------------------------------------------------------
def run(soak: int, burst: int, concurrency: int, timeout: float, seed: int) -> dict:
    """Start the app, run both phases, stop the app; return every figure."""
    from gradio_client import Client

    questions = load_questions()
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="planqa-load-") as tmp:
        port, log_path = free_port(), Path(tmp) / "app.log"
        url = f"http://127.0.0.1:{port}/"
        proc = start_app(port, Path(tmp) / "data", log_path)
        try:
            startup_s = wait_until_up(proc, url, log_path)
            client = Client(url, verbose=False, max_workers=max(burst, concurrency) + 2, download_files=False,
                            analytics_enabled=False, httpx_kwargs={"timeout": timeout})
            reference: dict[str, tuple] = {}
            ask(client, "AI法の目的は？", timeout)  # warm-up
            memory = {"before_mib": rss_mib(proc.pid)}
            phase1 = run_phase(client, f"phase 1: {burst} at once", rng.sample(questions, burst), burst, timeout,
                               reference)
            memory["after_burst_mib"] = rss_mib(proc.pid)
            done = [0]
            with MemorySampler(proc.pid, lambda: done[0]) as sampler:
                soak_questions = [rng.choice(questions) for _ in range(soak)]
                phase2 = run_phase(client, f"phase 2: soak {soak} × {concurrency}", soak_questions, concurrency,
                                   timeout, reference, done)
            memory["after_soak_mib"] = rss_mib(proc.pid)
            memory["soak_samples"] = sampler.samples
            memory["growth_during_soak_mib"] = round(memory["after_soak_mib"] - memory["after_burst_mib"], 1)
            memory["growth_total_mib"] = round(memory["after_soak_mib"] - memory["before_mib"], 1)
            memory["soak_slope_mib_per_1000"] = _slope_per_1000(sampler.samples)
            alive = proc.poll() is None
        finally:
            stop_app(proc)
    return {"url": url, "startup_s": round(startup_s, 1), "server_alive_at_end": alive, "phases": [
        asdict(phase1), asdict(phase2)], "memory": memory, "distinct_questions": len(reference)}


def render(report: dict) -> str:
    lines = [f"planqa load test on {report['url']} (app ready in {report['startup_s']} s; "
             f"{report['distinct_questions']} distinct questions)", ""]
    header = f"{'phase':32s} {'sent':>5s} {'ok':>5s} {'failed':>6s} {'differ':>6s} {'p50 ms':>8s} {'p95 ms':>8s}" \
             f" {'app p50':>8s} {'wall s':>7s}"
    lines += [header, "-" * len(header)]
    for p in report["phases"]:
        lines.append(f"{p['name']:32s} {p['sent']:5d} {p['succeeded']:5d} {p['failed']:6d} {p['inconsistent']:6d} "
                     f"{p['p50_ms']:8.1f} {p['p95_ms']:8.1f} {p['server_ms_p50']:8.1f} {p['wall_s']:7.1f}")
        lines += [f"    error: {e}" for e in p["errors"]]
    m = report["memory"]
    lines += ["", f"server RSS (app + children): before {m['before_mib']} MiB → after phase 1 {m['after_burst_mib']} "
              f"MiB → after soak {m['after_soak_mib']} MiB",
              f"growth: {m['growth_during_soak_mib']:+} MiB during the soak, {m['growth_total_mib']:+} MiB in all; "
              f"trend over the soak's second half: {m['soak_slope_mib_per_1000']} MiB per 1,000 requests",
              "soak samples (s, requests done, MiB): "
              + ", ".join(f"({t:.0f}, {d}, {mib})" for t, d, mib in m["soak_samples"][:: max(1, len(m["soak_samples"])
                                                                                          // 12)])]
    sent = sum(p["sent"] for p in report["phases"])
    ok = sum(p["succeeded"] for p in report["phases"])
    lines.append(f"\nverdict: {ok}/{sent} answered, "
                 f"{sum(p['inconsistent'] for p in report['phases'])} differing answers, "
                 f"server {'still up' if report['server_alive_at_end'] else 'DIED'} at the end")
    return "\n".join(lines)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--soak", type=int, default=SOAK, help=f"soak requests (default {SOAK})")
    parser.add_argument("--burst", type=int, default=BURST, help=f"phase 1 concurrent requests (default {BURST})")
    parser.add_argument("--concurrency", type=int, default=SOAK_CONCURRENCY,
                        help=f"requests in flight during the soak (default {SOAK_CONCURRENCY})")
    parser.add_argument("--timeout", type=float, default=REQUEST_TIMEOUT_S, help="seconds allowed per request")
    parser.add_argument("--seed", type=int, default=0, help="question sampling seed")
    parser.add_argument("--json", action="store_true", help="also print the report as one JSON object")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    report = run(args.soak, args.burst, args.concurrency, args.timeout, args.seed)
    print(render(report))
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    phases = report["phases"]
    clean = all(p["failed"] == 0 and p["inconsistent"] == 0 for p in phases) and report["server_alive_at_end"]
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
