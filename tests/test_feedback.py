"""The feedback store, the same tests on both backends (SQLite and a real PostgreSQL): concurrent writers in
threads and processes, crash safety, exports; then what only SQLite has (WAL, file permissions)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

import pytest
from click.testing import CliRunner

from planqa.feedback import DB_NAME, FeedbackStore, PostgresFeedbackStore, SQLiteFeedbackStore, open_feedback_store


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path) -> tuple[str, str]:
    """(data dir, database URL) of an empty store: SQLite in a fresh folder (no URL), or a fresh schema in the
    session's PostgreSQL (cheaper than a database each)."""
    if request.param == "sqlite":
        return str(tmp_path), ""
    import psycopg

    server = request.getfixturevalue("postgres_url")
    schema = f"feedback_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return str(tmp_path), f"{server}?options=-csearch_path%3D{schema}"


@pytest.fixture
def store(location):
    return open_feedback_store(*location)


def test_the_url_chooses_the_backend(location):
    expected = PostgresFeedbackStore if location[1] else SQLiteFeedbackStore
    assert type(open_feedback_store(*location)) is expected


def test_add_then_export_returns_the_row(store):
    row_id = store.add("AI法の目的は？", "この法律は…[AI法 第1条第1項]", ["ai_act:1.1"], 1, "わかりやすい")
    [row] = store.export()
    assert (row.id, row.question, row.citation_ids, row.rating, row.comment) == \
        (row_id, "AI法の目的は？", ("ai_act:1.1",), 1, "わかりやすい")
    assert row.timestamp.endswith("+00:00")


def test_rating_must_be_plus_or_minus_one(store):
    with pytest.raises(ValueError, match="rating must be"):
        store.add("q", "a", [], 0)
    assert store.export() == []


def test_lone_surrogates_nul_and_long_comments_are_stored_safely(store):
    store.add("質問\ud800", "回答\x00です", [], -1, "x" * 5000)
    [row] = store.export()
    assert (row.question, row.answer, len(row.comment), row.rating) == ("質問?", "回答?です", 2000, -1)


def test_eight_threads_times_hundred_writes_are_all_stored(store):
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(100):
                store.add(f"q{n}-{i}", "a", [f"plan:{n}"], 1 if i % 2 else -1)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    questions = {r.question for r in store.export()}
    assert questions == {f"q{n}-{i}" for n in range(8) for i in range(100)}


_WRITER = """
import sys
from planqa.feedback import open_feedback_store
store = open_feedback_store(sys.argv[1], sys.argv[2])
name, count = sys.argv[3], int(sys.argv[4])
i = 0
while i != count:
    store.add(f"{name}{i}", "a", ["ai_act:1"], 1)
    print(i, flush=True)
    i += 1
"""


def _writer(location: tuple[str, str], name: str, count: int = -1) -> subprocess.Popen:
    """A process adding rows ``<name>0``, ``<name>1`` … (forever when count is -1), printing each number after
    its add returned."""
    return subprocess.Popen([sys.executable, "-c", _WRITER, *location, name, str(count)], stdout=subprocess.PIPE,
                            text=True)


def test_four_processes_writing_at_once_lose_no_row(location):
    """Four processes open the same new store at once (the table is created once) and write 50 rows each."""
    procs = [_writer(location, f"p{n}-", 50) for n in range(4)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0, 0]
    questions = [r.question for r in open_feedback_store(*location).export()]
    assert sorted(questions) == sorted(f"p{n}-{i}" for n in range(4) for i in range(50))


def test_killed_writer_leaves_every_committed_row(location):
    proc = _writer(location, "q")
    committed = -1
    deadline = time.monotonic() + 30
    while committed < 200 and time.monotonic() < deadline:
        committed = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    ids = {r.question for r in open_feedback_store(*location).export()}
    assert {f"q{i}" for i in range(committed + 1)} <= ids  # printed only after COMMIT
    if not location[1]:
        conn = sqlite3.connect(os.path.join(location[0], DB_NAME))
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


def test_exports_as_json_lines_and_csv(store):
    store.add("質問, \"引用\"", "回答\n2行目", ["plan:3.1.3.1", "ai_act:18.1"], 1, "")
    [line] = store.export_jsonl().splitlines()
    assert json.loads(line)["citation_ids"] == ["plan:3.1.3.1", "ai_act:18.1"]
    csv_text = store.export_csv()
    assert csv_text.startswith("id,timestamp,question,answer,citation_ids,rating,comment")
    assert '"質問, ""引用"""' in csv_text and "plan:3.1.3.1 ai_act:18.1" in csv_text


def test_csv_export_keeps_formulas_as_text(store):
    """A comment that a spreadsheet would run as a formula is exported as text (CSV injection)."""
    store.add("=1+1", "回答", ["ai_act:1"], -1, '=HYPERLINK("http://evil.example","x")')
    store.add("質問", "回答", [], 1, "@SUM(A1)")
    rows = list(csv.reader(io.StringIO(store.export_csv())))
    assert rows[1][2] == "'=1+1" and rows[1][6] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert rows[2][6] == "'@SUM(A1)" and rows[2][2] == "質問"
    assert store.export()[0].comment.startswith("=HYPERLINK")  # the stored text is unchanged


def test_cli_exports_the_store_the_url_names(location, store):
    from planqa.cli import main

    store.add("AI法の目的は？", "回答", ["ai_act:1.1"], 1, "=1+1")
    args = ["feedback", "export", "--csv", "--data-dir", location[0]]
    result = CliRunner().invoke(main, args, env={"PLANQA_DATABASE_URL": location[1]})
    assert result.exit_code == 0 and result.output.splitlines()[1].endswith(",AI法の目的は？,回答,ai_act:1.1,1,'=1+1")


def test_a_wrong_url_or_an_unreachable_database_says_what_to_check(tmp_path):
    with pytest.raises(ValueError, match="must start with postgresql://"):
        open_feedback_store(tmp_path, "mysql://planqa:secret@db/planqa")
    for malformed in ("postgresql://db:port/planqa", "postgresql://127.0.0.1/planqa?colour=blue"):
        with pytest.raises(ValueError, match="the database URL is not valid"):
            open_feedback_store(tmp_path, malformed)
    with socket.socket() as unused:  # bound, never listening: connections are refused
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
        with pytest.raises(ConnectionError) as caught:
            open_feedback_store(tmp_path, f"postgresql://planqa:secret@127.0.0.1:{port}/planqa")
    message = str(caught.value)
    assert f"127.0.0.1:{port}/planqa" in message and "PLANQA_DATABASE_URL" in message and "secret" not in message


def test_database_uses_wal_journal(tmp_path):
    FeedbackStore(tmp_path)
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_feedback_database_is_private_to_the_server_user(tmp_path):
    store = FeedbackStore(tmp_path / "data")
    store.add("質問", "回答", [], 1, "")
    assert os.stat(store.path).st_mode & 0o777 == 0o600
    assert os.stat(tmp_path / "data").st_mode & 0o777 == 0o700
    assert all(os.stat(p).st_mode & 0o077 == 0 for p in (tmp_path / "data").iterdir())
