"""The deployment as `deploy/run` starts it: nginx in front of real replicas of the app and a real PostgreSQL,
all on 127.0.0.1 — a hundred users at once, a 1,000-question soak, a replica killed mid-load, a flood.

Each simulated user connects from its own loopback address (127.0.0.x), so nginx and the app see distinct
clients as they would on the internet; nginx replaces any X-Forwarded-For a client sends.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from planqa.feedback import PostgresFeedbackStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy"))
from bench import ask  # noqa: E402  (the benchmark's client: one way to ask through nginx)

ROOT = Path(__file__).resolve().parents[1]
RUN = [sys.executable, str(ROOT / "deploy" / "run")]
QUESTIONS = [  # the tests' own wordings (eval-set questions stay out of tests)
    "AI法の目的は何ですか", "人工知能戦略本部の本部長は誰？", "AI法に罰則はありますか", "基本計画は誰が作るの？",
    "国民の責務って何？", "地方公共団体は何をするの", "AIセーフティ・インスティテュートの担当は？", "3原則を教えて",
    "ガバメントAIはどこが進める？", "AI法はいつ施行された？", "研究開発機関の責務は", "活用事業者は何に協力するの",
    "偽情報への対策は計画にある？", "基本計画の見直しはどうなっている", "AI人材の育成について知りたい",
    "データセンターの整備は？", "人工知能関連技術の定義は", "本部の事務はどこが処理する？", "国際協力について教えて",
    "学校でのAI教育は計画にある？",
]
HIGH_LIMITS = ("--rate", "100000/minute", "--nginx-rate", "1000r/s", "--nginx-burst", "1000")  # load, not limits
THANKS = "ご意見ありがとうございました"
FLOODER, NORMAL_USER = "127.0.0.2", "127.0.0.3"


def _user(n: int) -> str:
    """The loopback address of simulated user ``n`` (0–239)."""
    return f"127.0.0.{10 + n}"


@contextmanager
def deployment(run_dir: Path, *options: str):
    """`deploy/run start` with ``options``, nginx on a free port; its state (ports, pids, database URL); always
    stopped."""
    out = subprocess.run([*RUN, "start", "--dir", str(run_dir), "--port", "0", *options],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    try:
        yield json.loads((run_dir / "state.json").read_text())
    finally:
        subprocess.run([*RUN, "stop", "--dir", str(run_dir)], capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two replicas behind nginx, limits set high: these tests measure load, not limits."""
    with deployment(tmp_path_factory.mktemp("cluster"), "--replicas", "2", *HIGH_LIMITS) as state:
        yield state


def upstreams(state: dict, path: str) -> dict[str, set[str]]:
    """Route key (nginx's cookie) → the replicas that served ``path`` for it, from nginx's access log."""
    log, found = Path(state["replicas"][0]["log"]).parent / "nginx-access.log", {}
    time.sleep(1.2)  # the log is flushed every second
    for line in log.read_text().splitlines():  # time "request" status seconds upstream(s) route
        requested, upstream, route = re.fullmatch(r'\S+ "\S+ (\S+) [^"]*" \d+ \S+ (.+) (\S+)', line).groups()
        if requested.startswith(path):
            found.setdefault(route, set()).add(upstream)
    return found


class SessionError(Exception):
    """An event of a chat session failed (its replica is gone); a browser would reload the page."""


class ChatSession:
    """One browser tab, speaking Gradio's own protocol as the page does: it loads /config (and so gets nginx's
    route cookie), then sends each event as POST /gradio_api/queue/join and reads its result from the event
    stream GET /gradio_api/queue/data (SSE). State (the answers to rate) lives in the replica that served it."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address, self.cookie, self.session = port, address, "", uuid.uuid4().hex
        config = json.loads(self._open("GET", "/config")[1].read())
        ids = {c["props"]["elem_id"]: c["id"] for c in config["components"] if c.get("props", {}).get("elem_id")}
        self.send, self.up = ids["planqa-send"], ids["planqa-up"]
        self.fn = {(target, event): dep["id"] for dep in config["dependencies"] for target, event in dep["targets"]}

    def _open(self, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(self.address, 0))
        headers = {"Content-Type": "application/json", **({"Cookie": self.cookie} if self.cookie else {})}
        conn.request(method, path, json.dumps(body).encode() if body is not None else None, headers)
        response = conn.getresponse()
        if cookie := response.getheader("Set-Cookie"):
            self.cookie = cookie.split(";", 1)[0]
        return conn, response

    def _event(self, button: int, data: list) -> list:
        conn, response = self._open("POST", "/gradio_api/queue/join", {
            "data": data, "event_data": None, "fn_index": self.fn[(button, "click")], "trigger_id": button,
            "session_hash": self.session})
        with closing(conn):
            if response.status != 200:
                raise SessionError(f"join: {response.status}")
            event_id = json.loads(response.read())["event_id"]
        conn, response = self._open("GET", f"/gradio_api/queue/data?session_hash={self.session}")
        with closing(conn):
            for line in response:
                message = json.loads(line[5:]) if line.startswith(b"data:") else {}
                if message.get("msg") == "process_completed" and message.get("event_id") == event_id:
                    if not message.get("success"):
                        raise SessionError(f"event failed: {message}")
                    return message["output"]["data"]
        raise SessionError("the event stream ended before the event completed")

    def ask(self, question: str) -> list:
        return self._event(self.send, [question, [], None, ""])  # question, chat, answers (state), document

    def thumbs_up(self, comment: str) -> str:
        """Press 👍 on the last answer; returns the status line the page shows."""
        return self._event(self.up, [None, comment])[0]  # answers (state), comment


def test_a_hundred_users_asking_at_once_are_all_answered_alike_by_both_replicas(cluster):
    barrier = threading.Barrier(100)

    def user(n: int) -> tuple[int, dict, float]:
        barrier.wait()
        return ask(cluster["port"], QUESTIONS[n % 20], _user(n))

    with ThreadPoolExecutor(100) as pool:
        results = list(pool.map(user, range(100)))
    assert [status for status, _, _ in results] == [200] * 100
    answers: dict[str, set] = {}
    for n, (_, body, _) in enumerate(results):
        answers.setdefault(QUESTIONS[n % 20], set()).add((body["answer"], json.dumps(body["citations"])))
    assert all(len(same) == 1 for same in answers.values())  # either replica gives the same answer
    served = set().union(*upstreams(cluster, "/api/v1/ask").values())
    assert served == {f"127.0.0.1:{r['port']}" for r in cluster["replicas"]}


def test_a_soak_of_a_thousand_questions_has_no_error(cluster):
    def user(n: int) -> list[int]:
        return [ask(cluster["port"], QUESTIONS[(n * 20 + i) % len(QUESTIONS)], _user(n))[0] for i in range(20)]

    with ThreadPoolExecutor(50) as pool:
        statuses = [status for per_user in pool.map(user, range(50)) for status in per_user]
    assert len(statuses) == 1000 and statuses.count(200) == 1000


def test_gradio_sessions_stay_on_their_replica(cluster):
    """gradio_client and the page: queue/join and its event stream must reach the replica holding the session."""
    from gradio_client import Client

    def user(n: int) -> list[bool]:
        client = Client(f"http://127.0.0.1:{cluster['port']}/", verbose=False)
        return [client.predict(QUESTIONS[n * 3 + i], api_name="/ask")["answer"] != "" for i in range(3)]

    with ThreadPoolExecutor(6) as pool:
        assert all(all(answered) for answered in pool.map(user, range(6)))
    page = ChatSession(cluster["port"], _user(0))
    page.ask("AI法の目的は？")
    assert page.thumbs_up("わかりやすい").startswith(THANKS)  # the answer was found in the same replica's state
    routes = upstreams(cluster, "/gradio_api/queue/")
    assert len(routes) >= 7 and all(len(replicas) == 1 for replicas in routes.values())


def test_a_killed_replica_loses_no_answer_and_no_acknowledged_feedback(tmp_path):
    with deployment(tmp_path, "--replicas", "2", *HIGH_LIMITS) as state:
        port, stop = state["port"], threading.Event()
        acknowledged: list[tuple[float, str]] = []  # (when, comment) of every 👍 the app thanked for
        answers: list[tuple[float, int | str]] = []  # (when, status or error) of every REST question
        reloads: list[str] = []  # why a chat user reloaded the page

        def chat_user(n: int) -> None:
            count = 0
            while not stop.is_set():
                try:
                    page = ChatSession(port, _user(n))
                    while not stop.is_set():
                        page.ask(QUESTIONS[(n + count) % len(QUESTIONS)])
                        comment, count = f"u{n}-{count}", count + 1
                        if page.thumbs_up(comment).startswith(THANKS):
                            acknowledged.append((time.monotonic(), comment))
                except (OSError, http.client.HTTPException, SessionError) as exc:
                    reloads.append(repr(exc))  # the session's replica was killed: reload, as a browser user would
                    time.sleep(0.1)

        def api_user(n: int) -> None:
            for i in range(10_000):
                if stop.is_set():
                    return
                try:
                    status = ask(port, QUESTIONS[(n * 50 + i) % len(QUESTIONS)], _user(n))[0]
                except (OSError, http.client.HTTPException) as exc:
                    status = repr(exc)
                answers.append((time.monotonic(), status))

        users = [threading.Thread(target=chat_user, args=(n,)) for n in range(10)]
        users += [threading.Thread(target=api_user, args=(n,)) for n in range(10, 18)]
        for t in users:
            t.start()
        time.sleep(3)
        os.kill(state["replicas"][0]["pid"], signal.SIGKILL)
        killed = time.monotonic()
        time.sleep(4)
        stop.set()
        for t in users:
            t.join(timeout=60)
        stored = {row.comment for row in PostgresFeedbackStore(state["database_url"]).export()}
    # nginx resent every question in flight, except a reply the killed replica had begun to send (nginx relays the
    # head at once and cannot resend after that; it logs each such cut): those, and only as lost connections (0)
    cut = sum("while reading upstream" in line and "/api/v1/ask" in line
              for line in (tmp_path / "nginx-error.log").read_text().splitlines())
    failed = [status for _, status in answers if status != 200]
    assert set(failed) <= {0} and len(failed) <= cut, (failed, cut)
    assert sum(when > killed + 0.5 for when, _ in answers) >= 20  # the other replica kept answering
    assert sum(when > killed + 0.5 for when, _ in acknowledged) >= 10  # chats went on there
    assert {comment for _, comment in acknowledged} <= stored  # not one acknowledged 👍 lost
    assert len(reloads) <= 20, reloads  # only the sessions of the killed replica had to start again


def test_a_flooding_client_does_not_keep_a_normal_user_waiting(tmp_path):
    """One replica, limits as on a public server (10 questions a minute per client, nginx 5/s with a burst of 10);
    the flooder writes a new X-Forwarded-For on every request, which nginx replaces."""
    limits = ("--replicas", "1", "--rate", "10/minute", "--nginx-rate", "5r/s", "--nginx-burst", "10")
    with deployment(tmp_path, *limits) as state:
        stop, flood = threading.Event(), []

        def flooder() -> None:
            while not stop.is_set():
                try:
                    flood.append(ask(state["port"], "AI法の目的は？", FLOODER, f"198.51.100.{len(flood) % 250}")[0])
                except (OSError, http.client.HTTPException) as exc:
                    flood.append(repr(exc))

        threads = [threading.Thread(target=flooder) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(1)
        normal = []
        for question in QUESTIONS[:5]:
            normal.append(ask(state["port"], question, NORMAL_USER))
            time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert [status for status, _, _ in normal] == [200] * 5 and max(seconds for _, _, seconds in normal) < 5
    assert len(flood) > 200 and set(flood) == {200, 429} and flood.count(200) <= 10  # the app's own limit held
