"""The on-submit service's durable memory: every submission it saw, where it stands, and what happened to it.

One SQLite database in write-ahead-log mode (``<course>/.nncourse/service/ledger.sqlite``), written by the
service alone, each change one transaction. A submission moves through these states::

    queued  ->  grading  ->  merging  ->  graded
       ^___________|  (the service stopped while grading: graded again from scratch, never twice)
    refused            (its folder cannot be taken: a link, another user's folder, an unreadable name)

``queued`` means its files are safe in the service's store; ``grading`` means a grading process has it;
``merging`` means the grading finished and its result is written here, so that a service killed during the
merge finishes the merge when it starts again instead of grading a second time. The ``event`` table keeps
one row per step, so that a test (or an instructor) can count how often each submission was graded.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS submission (
    id INTEGER PRIMARY KEY,
    inbound TEXT UNIQUE NOT NULL,       -- the folder's name in the exchange's inbound
    student TEXT NOT NULL,
    assignment TEXT NOT NULL,
    claimed TEXT NOT NULL DEFAULT '',   -- the time in the folder's name (the student's process chose it)
    received REAL NOT NULL,             -- when the course saw it (epoch seconds; the student cannot set it)
    state TEXT NOT NULL,                -- queued, grading, merging, graded, refused
    number INTEGER NOT NULL DEFAULT 0,  -- the student's n-th submission of the assignment
    started REAL,                       -- when its (first) grading began: what the rate limit counts
    finished REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    ok INTEGER,
    reason TEXT NOT NULL DEFAULT '',
    score REAL,
    max_score REAL,
    counted INTEGER NOT NULL DEFAULT 0, -- whether it is the one in the gradebook
    verdicts TEXT NOT NULL DEFAULT 'full',
    released REAL,                      -- when its verdict reached the exchange
    notes TEXT NOT NULL DEFAULT '[]',
    result TEXT NOT NULL DEFAULT ''     -- the GradeResult (JSON) while merging
);
CREATE INDEX IF NOT EXISTS submission_by_student ON submission (student, assignment);
CREATE INDEX IF NOT EXISTS submission_by_state ON submission (state);
CREATE TABLE IF NOT EXISTS event (
    id INTEGER PRIMARY KEY,
    submission INTEGER NOT NULL,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
"""

STATES = ("queued", "grading", "merging", "graded", "refused")


@dataclass
class Entry:
    """One row of the ledger."""

    id: int
    inbound: str
    student: str
    assignment: str
    claimed: str
    received: float
    state: str
    number: int
    started: float | None
    finished: float | None
    attempts: int
    ok: int | None
    reason: str
    score: float | None
    max_score: float | None
    counted: int
    verdicts: str
    released: float | None
    notes: str
    result: str

    @property
    def note_list(self) -> list[str]:
        return json.loads(self.notes or "[]")


_COLUMNS = [f.name for f in fields(Entry)]


class Ledger:
    """The ledger of one course (thread-safe: one connection, one lock)."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=60)
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ------------------------------------------------------------ reading
    def _rows(self, where: str = "", args: tuple = ()) -> list[Entry]:
        with self._lock:
            rows = self._db.execute("SELECT %s FROM submission %s ORDER BY id" % (", ".join(_COLUMNS), where),
                                    args).fetchall()
        return [Entry(*row) for row in rows]

    def get(self, entry_id: int) -> Entry:
        (entry,) = self._rows("WHERE id = ?", (entry_id,))
        return entry

    def known(self) -> set[str]:
        """The inbound folder names already in the ledger."""
        with self._lock:
            return {row[0] for row in self._db.execute("SELECT inbound FROM submission")}

    def in_state(self, *states: str) -> list[Entry]:
        return self._rows("WHERE state IN (%s)" % ", ".join("?" * len(states)), states)

    def of_student(self, student: str, assignment: str | None = None) -> list[Entry]:
        if assignment is None:
            return self._rows("WHERE student = ?", (student,))
        return self._rows("WHERE student = ? AND assignment = ?", (student, assignment))

    def all(self) -> list[Entry]:
        return self._rows()

    def events(self, entry_id: int | None = None) -> list[tuple[int, float, str, str]]:
        with self._lock:
            if entry_id is None:
                return self._db.execute("SELECT submission, at, kind, detail FROM event ORDER BY id").fetchall()
            return self._db.execute("SELECT submission, at, kind, detail FROM event WHERE submission = ? "
                                    "ORDER BY id", (entry_id,)).fetchall()

    # ------------------------------------------------------------ writing
    def add(self, inbound: str, student: str, assignment: str, claimed: str, received: float, state: str,
            reason: str = "", notes: list[str] | None = None) -> int:
        """A new submission (``state`` queued or refused); its number counts the student's earlier ones."""
        with self.transaction() as db:
            number = db.execute("SELECT COUNT(*) FROM submission WHERE student = ? AND assignment = ? AND "
                                "state != 'refused'", (student, assignment)).fetchone()[0] + 1
            cursor = db.execute(
                "INSERT INTO submission (inbound, student, assignment, claimed, received, state, number, reason, "
                "notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (inbound, student, assignment, claimed, received, state, number if state != "refused" else 0,
                 reason, json.dumps(notes or [])))
            entry_id = cursor.lastrowid
            self._event(db, entry_id, state, reason)
        return entry_id

    def update(self, entry_id: int, event: str, detail: str = "", **values) -> None:
        """Change some columns of one submission and log the step, in one transaction."""
        unknown = set(values) - set(_COLUMNS)
        if unknown:
            raise ValueError("no such columns: %s" % ", ".join(sorted(unknown)))
        with self.transaction() as db:
            if values:
                db.execute("UPDATE submission SET %s WHERE id = ?" % ", ".join("%s = ?" % k for k in values),
                           (*values.values(), entry_id))
            self._event(db, entry_id, event, detail)

    def uncount(self, student: str, assignment: str, but: int) -> None:
        """Only submission ``but`` counts for the student's assignment from now on."""
        with self.transaction() as db:
            db.execute("UPDATE submission SET counted = 0 WHERE student = ? AND assignment = ? AND id != ?",
                       (student, assignment, but))

    @staticmethod
    def _event(db: sqlite3.Connection, entry_id: int, kind: str, detail: str) -> None:
        db.execute("INSERT INTO event (submission, at, kind, detail) VALUES (?, ?, ?, ?)",
                   (entry_id, time.time(), kind, detail))
