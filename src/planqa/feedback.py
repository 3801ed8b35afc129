"""Citizens' 👍/👎 on answers, kept in SQLite under the data folder.

Safe under concurrent writers: WAL journal, one short-lived connection and one ``BEGIN IMMEDIATE``
transaction per write, a busy timeout plus a few retries. A process killed mid-way loses at most
the write in flight; every committed row stays readable.

    store = FeedbackStore(Path("data"))
    store.add("AI法の目的は？", "この法律は…[AI法 第1条第1項]", ["ai_act:1.1"], rating=1)
    rows = store.export()
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

__all__ = ["FeedbackRow", "FeedbackStore", "DB_NAME", "DEFAULT_DATA_DIR", "MAX_COMMENT_CHARS"]

DB_NAME = "feedback.sqlite3"
DEFAULT_DATA_DIR = Path("data")
MAX_COMMENT_CHARS = 2000
MAX_TEXT_CHARS = 20000
BUSY_TIMEOUT_S = 2.0
RETRIES = 5
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citation_ids TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT ''
)
"""
_COLUMNS = ("id", "timestamp", "question", "answer", "citation_ids", "rating", "comment")


@dataclass(frozen=True)
class FeedbackRow:
    """One stored rating of one answer."""

    id: int
    timestamp: str
    question: str
    answer: str
    citation_ids: tuple[str, ...]
    rating: int
    comment: str

    def to_json(self) -> dict:
        return {"id": self.id, "timestamp": self.timestamp, "question": self.question, "answer": self.answer,
                "citation_ids": list(self.citation_ids), "rating": self.rating, "comment": self.comment}


def csv_safe(value: object) -> object:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) would make it a live formula
    (「=HYPERLINK(…)」), so such text gets a leading apostrophe (OWASP CSV injection)."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _clean(text: str, limit: int) -> str:
    """Text SQLite can store: lone surrogates replaced, length capped."""
    return str(text).encode("utf-8", "replace").decode("utf-8")[:limit]


class FeedbackStore:
    """The feedback table in ``<data_dir>/feedback.sqlite3``; safe to share between threads."""

    def __init__(self, data_dir: Path | str = DEFAULT_DATA_DIR) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = self.data_dir / DB_NAME
        self.path.touch(mode=0o600, exist_ok=True)  # questions and comments: readable by the server's user only
        os.chmod(self.path, 0o600)  # SQLite creates its -wal and -shm files with the database's permissions
        self._retry(self._init_schema)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    def _init_schema(self) -> None:
        conn = self._connect()
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # persistent: stored in the database file
            conn.execute(_SCHEMA)
        finally:
            conn.close()

    @staticmethod
    def _retry(action):
        """Run ``action``; retry with back-off while another writer holds the lock."""
        for attempt in range(RETRIES):
            try:
                return action()
            except sqlite3.OperationalError as exc:
                transient = "locked" in str(exc) or "busy" in str(exc)
                if not transient or attempt == RETRIES - 1:
                    raise
                time.sleep(0.05 * 2 ** attempt)
        raise AssertionError("unreachable")

    def add(self, question: str, answer: str, citation_ids: Iterable[str], rating: int,
            comment: str = "", timestamp: str | None = None) -> int:
        """Store one rating (+1 or -1) in its own transaction; returns the row id."""
        if rating not in (1, -1):
            raise ValueError(f"rating must be +1 or -1, not {rating!r}")
        row = (timestamp or datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
               _clean(question, MAX_TEXT_CHARS), _clean(answer, MAX_TEXT_CHARS),
               json.dumps([str(c) for c in citation_ids], ensure_ascii=False), int(rating),
               _clean(comment or "", MAX_COMMENT_CHARS))

        def write() -> int:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    cur = conn.execute("INSERT INTO feedback (timestamp, question, answer, citation_ids, rating,"
                                       " comment) VALUES (?, ?, ?, ?, ?, ?)", row)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                return int(cur.lastrowid)
            finally:
                conn.close()

        return self._retry(write)

    def export(self) -> list[FeedbackRow]:
        """Every stored row, oldest first."""
        def read() -> list[tuple]:
            conn = self._connect()
            try:
                return conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM feedback ORDER BY id").fetchall()
            finally:
                conn.close()

        return [FeedbackRow(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], r[6]) for r in self._retry(read)]

    def export_csv(self) -> str:
        """All rows as CSV text (citation IDs joined with spaces)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(_COLUMNS)
        for row in self.export():
            writer.writerow([csv_safe(v) for v in (row.id, row.timestamp, row.question, row.answer,
                                                   " ".join(row.citation_ids), row.rating, row.comment)])
        return out.getvalue()

    def export_jsonl(self) -> str:
        """All rows as JSON lines."""
        return "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in self.export())
