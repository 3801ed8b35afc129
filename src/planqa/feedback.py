"""Citizens' 👍/👎 on answers, kept in SQLite under the data folder or in a shared PostgreSQL database.

Both backends give the same guarantees: ``add`` returns only after its row is committed, each write is
its own transaction on its own short-lived connection, and writers in several threads and processes
(replicas of the app) never lose each other's rows. A process killed mid-way loses at most the write in
flight; every acknowledged row stays readable. No client address is stored.

    store = open_feedback_store(Path("data"))                          # SQLite: data/feedback.sqlite3
    store = open_feedback_store(database_url="postgresql://planqa@127.0.0.1:5432/planqa")
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
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, TypeVar
from urllib.parse import urlsplit

__all__ = ["FeedbackRow", "FeedbackBackend", "SQLiteFeedbackStore", "PostgresFeedbackStore", "FeedbackStore",
           "open_feedback_store", "DB_NAME", "DEFAULT_DATA_DIR", "MAX_COMMENT_CHARS"]

DB_NAME = "feedback.sqlite3"
DEFAULT_DATA_DIR = Path("data")
MAX_COMMENT_CHARS = 2000
MAX_TEXT_CHARS = 20000
BUSY_TIMEOUT_S = 2.0
CONNECT_TIMEOUT_S = 5
RETRIES = 5
_T = TypeVar("_T")
_COLUMNS = ("id", "timestamp", "question", "answer", "citation_ids", "rating", "comment")
_INSERT = "INSERT INTO feedback (timestamp, question, answer, citation_ids, rating, comment) VALUES ({})"
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM feedback ORDER BY id"
_SQLITE_SCHEMA = """
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
_POSTGRES_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    timestamp TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citation_ids TEXT NOT NULL,
    rating SMALLINT NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT ''
)
"""
_SCHEMA_LOCK = 0x706C616E7161  # "planqa": replicas starting together create the table once


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
    """Text both databases store alike: lone surrogates and NUL (which PostgreSQL refuses) replaced, length capped."""
    return str(text).encode("utf-8", "replace").decode("utf-8").replace("\x00", "?")[:limit]


class FeedbackBackend(ABC):
    """Where ratings are kept. A backend implements ``_insert`` (one committed row) and ``_select`` (every row)."""

    @abstractmethod
    def _insert(self, row: tuple) -> int:
        """Commit one row (timestamp, question, answer, citation IDs as JSON, rating, comment); return its id."""

    @abstractmethod
    def _select(self) -> list[tuple]:
        """Every row as a tuple in ``_COLUMNS`` order, oldest first."""

    def add(self, question: str, answer: str, citation_ids: Iterable[str], rating: int,
            comment: str = "", timestamp: str | None = None) -> int:
        """Store one rating (+1 or -1) in its own transaction; returns the row id once it is committed."""
        if rating not in (1, -1):
            raise ValueError(f"rating must be +1 or -1, not {rating!r}")
        return self._insert((timestamp or datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                             _clean(question, MAX_TEXT_CHARS), _clean(answer, MAX_TEXT_CHARS),
                             json.dumps([str(c) for c in citation_ids], ensure_ascii=False), int(rating),
                             _clean(comment or "", MAX_COMMENT_CHARS)))

    def export(self) -> list[FeedbackRow]:
        """Every stored row, oldest first."""
        return [FeedbackRow(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], r[6]) for r in self._select()]

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


class SQLiteFeedbackStore(FeedbackBackend):
    """The feedback table in ``<data_dir>/feedback.sqlite3`` (embedded, the default); safe to share between
    threads and processes: WAL journal, ``BEGIN IMMEDIATE`` per write, a busy timeout plus a few retries."""

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
            conn.execute(_SQLITE_SCHEMA)
        finally:
            conn.close()

    @staticmethod
    def _retry(action: Callable[[], _T]) -> _T:
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

    def _insert(self, row: tuple) -> int:
        def write() -> int:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    cur = conn.execute(_INSERT.format(", ".join("?" * len(row))), row)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                return int(cur.lastrowid)
            finally:
                conn.close()

        return self._retry(write)

    def _select(self) -> list[tuple]:
        def read() -> list[tuple]:
            conn = self._connect()
            try:
                return conn.execute(_SELECT).fetchall()
            finally:
                conn.close()

        return self._retry(read)


FeedbackStore = SQLiteFeedbackStore  # the embedded default, under the name callers have always used


class PostgresFeedbackStore(FeedbackBackend):
    """The feedback table in a PostgreSQL database that every replica of the app shares.

    One connection and one transaction per write: ``add`` returns after COMMIT, which PostgreSQL makes
    durable (``synchronous_commit`` on, its default). Connecting is retried with back-off; a failure after
    the row was sent is raised, never retried, so no row is stored twice.

        store = PostgresFeedbackStore("postgresql://planqa@127.0.0.1:5432/planqa")
    """

    def __init__(self, url: str) -> None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ImportError("PostgreSQL support is not installed: pip install 'planqa[pg]'") from None
        self.url = url
        try:
            parts = urlsplit(url)
            self.where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path}"  # never the password
        except ValueError as exc:
            raise ValueError(f"the database URL is not valid: {exc}") from None
        with self._connect() as conn:  # commits on leaving the block
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            conn.execute(_POSTGRES_SCHEMA)

    def _connect(self):
        import psycopg

        for attempt in range(RETRIES):
            try:
                return psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_S)
            except psycopg.ProgrammingError as exc:  # a malformed URL: retrying will not help
                raise ValueError(f"the database URL is not valid: {exc}") from None
            except psycopg.OperationalError as exc:
                if attempt == RETRIES - 1:
                    raise ConnectionError(f"cannot connect to the feedback database at {self.where}: "
                                          f"{' '.join(str(exc).split())} (check PLANQA_DATABASE_URL)") from None
                time.sleep(0.1 * 2 ** attempt)
        raise AssertionError("unreachable")

    def _insert(self, row: tuple) -> int:
        with self._connect() as conn:
            return int(conn.execute(_INSERT.format(", ".join(["%s"] * len(row))) + " RETURNING id",
                                    row).fetchone()[0])

    def _select(self) -> list[tuple]:
        with self._connect() as conn:
            return conn.execute(_SELECT).fetchall()


def open_feedback_store(data_dir: Path | str = DEFAULT_DATA_DIR, database_url: str | None = None) -> FeedbackBackend:
    """PostgreSQL when ``database_url`` is a ``postgresql://`` URL, else SQLite under ``data_dir``."""
    if not database_url:
        return SQLiteFeedbackStore(data_dir)
    if database_url.startswith(("postgresql://", "postgres://")):
        return PostgresFeedbackStore(database_url)
    scheme = database_url.split(":", 1)[0][:20]  # the rest may hold a password
    raise ValueError(f"the database URL must start with postgresql:// (not {scheme}:…); "
                     "leave PLANQA_DATABASE_URL unset to keep feedback in SQLite")
