"""The feedback store: WAL, concurrent writers, crash safety, exports."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from planqa.feedback import DB_NAME, FeedbackStore


def test_add_then_export_returns_the_row(tmp_path):
    store = FeedbackStore(tmp_path)
    row_id = store.add("AI法の目的は？", "この法律は…[AI法 第1条第1項]", ["ai_act:1.1"], 1, "わかりやすい")
    [row] = store.export()
    assert (row.id, row.question, row.citation_ids, row.rating, row.comment) == \
        (row_id, "AI法の目的は？", ("ai_act:1.1",), 1, "わかりやすい")
    assert row.timestamp.endswith("+00:00")


def test_database_uses_wal_journal(tmp_path):
    FeedbackStore(tmp_path)
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_rating_must_be_plus_or_minus_one(tmp_path):
    store = FeedbackStore(tmp_path)
    with pytest.raises(ValueError, match="rating must be"):
        store.add("q", "a", [], 0)
    assert store.export() == []


def test_lone_surrogates_and_long_comments_are_stored_safely(tmp_path):
    store = FeedbackStore(tmp_path)
    store.add("質問\ud800", "回答", [], -1, "x" * 5000)
    [row] = store.export()
    assert row.question == "質問?" and len(row.comment) == 2000 and row.rating == -1


def test_eight_threads_times_hundred_writes_are_all_stored(tmp_path):
    store = FeedbackStore(tmp_path)
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
from planqa.feedback import FeedbackStore
store = FeedbackStore(sys.argv[1])
i = 0
while True:
    store.add(f"q{i}", "a", ["ai_act:1"], 1)
    print(i, flush=True)
    i += 1
"""


def test_killed_writer_leaves_every_committed_row(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    committed = -1
    deadline = time.monotonic() + 30
    while committed < 200 and time.monotonic() < deadline:
        committed = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    rows = FeedbackStore(tmp_path).export()
    ids = {r.question for r in rows}
    assert {f"q{i}" for i in range(committed + 1)} <= ids  # printed only after COMMIT
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_exports_as_json_lines_and_csv(tmp_path):
    store = FeedbackStore(tmp_path)
    store.add("質問, \"引用\"", "回答\n2行目", ["plan:3.1.3.1", "ai_act:18.1"], 1, "")
    [line] = store.export_jsonl().splitlines()
    assert json.loads(line)["citation_ids"] == ["plan:3.1.3.1", "ai_act:18.1"]
    csv_text = store.export_csv()
    assert csv_text.startswith("id,timestamp,question,answer,citation_ids,rating,comment")
    assert '"質問, ""引用"""' in csv_text and "plan:3.1.3.1 ai_act:18.1" in csv_text


def test_csv_export_keeps_formulas_as_text(tmp_path):
    """A comment that a spreadsheet would run as a formula is exported as text (CSV injection)."""
    store = FeedbackStore(tmp_path)
    store.add("=1+1", "回答", ["ai_act:1"], -1, '=HYPERLINK("http://evil.example","x")')
    store.add("質問", "回答", [], 1, "@SUM(A1)")
    rows = list(csv.reader(io.StringIO(store.export_csv())))
    assert rows[1][2] == "'=1+1" and rows[1][6] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert rows[2][6] == "'@SUM(A1)" and rows[2][2] == "質問"
    assert store.export()[0].comment.startswith("=HYPERLINK")  # the stored text is unchanged


def test_feedback_database_is_private_to_the_server_user(tmp_path):
    store = FeedbackStore(tmp_path / "data")
    store.add("質問", "回答", [], 1, "")
    assert os.stat(store.path).st_mode & 0o777 == 0o600
    assert os.stat(tmp_path / "data").st_mode & 0o777 == 0o700
    assert all(os.stat(p).st_mode & 0o077 == 0 for p in (tmp_path / "data").iterdir())
