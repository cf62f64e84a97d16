"""Which scores go to the LMS, and the record of what was sent: ``python -m grader lti-passback``.

A score goes when it counts: the gradebook's score of a student's submission (the instructor's manual changes
included, less the late penalty), for students who reached the course from the LMS (a launch record says who
they are there, :mod:`grader.lms.launches`). The batch path posts every counted score when the instructor
releases (``python -m grader lti-passback [--only A]``, after grading and releasing feedback); the on-submit
service posts a student's score as soon as a counted submission is merged and its verdict released.

``<course>/.nncourse/lti/passback.sqlite`` records each score before it is sent and what the platform answered:
a score is identified by (student, assignment, score, the submission's time), and one that was received
(``sent``) is never sent again; one that could not be sent (``pending``: the platform refused, was down or did
not answer) stays recorded and is sent at the next passback. A failure is one line naming the request.
"""

from __future__ import annotations

import datetime
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..course import Course
from .ags import AgsClient, AgsError
from .launches import read_launch
from .registration import load_registration, registration_path

RECORD = Path(".nncourse") / "lti" / "passback.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS score (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL, assignment TEXT NOT NULL,
    user_id TEXT NOT NULL,           -- the LMS's id of the student (the launch's sub)
    score_given REAL NOT NULL, score_maximum REAL NOT NULL,
    submitted TEXT NOT NULL,         -- the submission's time (the score's AGS timestamp)
    lineitem TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,             -- pending, sent
    attempts INTEGER NOT NULL DEFAULT 0,
    http_status INTEGER,
    detail TEXT NOT NULL DEFAULT '',
    recorded REAL NOT NULL, sent_at REAL,
    UNIQUE (student, assignment, score_given, submitted)
);
"""


@dataclass
class Outcome:
    sent: list[str]
    already: list[str]
    failed: list[str]
    no_launch: list[str]

    def lines(self) -> list[str]:
        out = ["LMS passback: %d score%s sent, %d already there, %d not sent" % (
            len(self.sent), "" if len(self.sent) == 1 else "s", len(self.already), len(self.failed))]
        out += ["  sent: %s" % line for line in self.sent]
        out += ["  NOT SENT (kept, sent at the next passback): %s" % line for line in self.failed]
        if self.no_launch:
            out.append("  never launched from the LMS (no LMS id known, nothing sent): %s"
                       % ", ".join(self.no_launch))
        return out


class PassbackRecord:
    """The durable record of scores sent (SQLite, one transaction per change)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def rows(self, where: str = "", args: tuple = ()) -> list[sqlite3.Row]:
        self.db.row_factory = sqlite3.Row
        return self.db.execute("SELECT * FROM score %s ORDER BY id" % where, args).fetchall()

    def record(self, student: str, assignment: str, user_id: str, given: float, maximum: float,
               submitted: str) -> sqlite3.Row:
        self.db.execute("INSERT OR IGNORE INTO score (student, assignment, user_id, score_given, score_maximum, "
                        "submitted, state, recorded) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                        (student, assignment, user_id, given, maximum, submitted, time.time()))
        return self.rows("WHERE student = ? AND assignment = ? AND score_given = ? AND submitted = ?",
                         (student, assignment, given, submitted))[0]

    def update(self, row_id: int, **values) -> None:
        self.db.execute("UPDATE score SET %s WHERE id = ?" % ", ".join("%s = ?" % k for k in values),
                        (*values.values(), row_id))


def counted_scores(course: Course, assignments: list[str], students: set[str] | None = None) -> list[dict]:
    """The gradebook's counted scores (less the late penalty) with their submissions' times."""
    from nbgrader.api import MissingEntry

    from ..nbgrader_calls import quiet_gradebook

    out = []
    with quiet_gradebook(), course.gradebook() as gb:
        for assignment in assignments:
            try:
                record = gb.find_assignment(assignment)
            except MissingEntry:
                continue
            for submission in record.submissions:
                student = submission.student.id
                if students is not None and student not in students:
                    continue
                if not (course.folder("autograded") / student / assignment).is_dir():
                    continue   # not graded (or could not be): nothing counts yet
                penalty = sum(nb.late_submission_penalty or 0.0 for nb in submission.notebooks)
                raw = sum(nb.score or 0.0 for nb in submission.notebooks)
                stamp = submission.timestamp or datetime.datetime(1970, 1, 1)
                out.append({"student": student, "assignment": assignment, "score": round(max(0.0, raw - penalty), 2),
                            "maximum": float(record.max_score or 0),
                            "submitted": stamp.replace(tzinfo=datetime.timezone.utc).isoformat(
                                timespec="milliseconds").replace("+00:00", "Z")})
    return out


def passback(course: Course, assignments: list[str] | None = None, students: set[str] | None = None,
             client: AgsClient | None = None, log: Callable[[str], None] = lambda line: None,
             retry_only: bool = False) -> Outcome:
    """Send the counted scores (of ``assignments`` and ``students``, default all) that the platform has not
    received yet, and the ones recorded earlier but not sent (``retry_only``: only those); see the module's
    docstring."""
    registration = load_registration(registration_path(course))
    outcome = Outcome([], [], [], [])
    if registration is None:
        return outcome
    client = client or AgsClient(registration)
    record = PassbackRecord(course.root / RECORD)
    lineitems: dict[tuple[str, str], str] = {}
    try:
        for score in [] if retry_only else counted_scores(course, assignments or course.assignments, students):
            launch = read_launch(course.root, score["student"])
            if not launch or not launch.get("sub") or not launch.get("lineitems"):
                outcome.no_launch.append(score["student"])
                continue
            record.record(score["student"], score["assignment"], str(launch["sub"]), score["score"],
                          score["maximum"], score["submitted"])
        pending = record.rows("WHERE state = 'pending'")
        if students is not None:
            pending = [row for row in pending if row["student"] in students]
        for row in pending:
            label = "%s / %s: %g of %g" % (row["student"], row["assignment"], row["score_given"],
                                           row["score_maximum"])
            launch = read_launch(course.root, row["student"]) or {}
            try:
                key = (launch.get("lineitems") or "", row["assignment"])
                if key not in lineitems:
                    lineitems[key] = client.line_item(key[0], row["assignment"], row["score_maximum"])
                status = client.post_score(lineitems[key], row["user_id"], row["score_given"], row["score_maximum"],
                                           row["submitted"])
            except AgsError as exc:
                if exc.status == 409:   # the platform has this score's timestamp already: it was received
                    record.update(row["id"], state="sent", http_status=409, detail="already there",
                                  attempts=row["attempts"] + 1, sent_at=time.time())
                    outcome.already.append(label)
                    continue
                record.update(row["id"], attempts=row["attempts"] + 1, http_status=exc.status, detail=str(exc))
                outcome.failed.append("%s: %s" % (label, exc))
                log("LMS passback of %s failed: %s" % (label, exc))
                continue
            record.update(row["id"], state="sent", attempts=row["attempts"] + 1, http_status=status,
                          lineitem=lineitems[key], detail="", sent_at=time.time())
            outcome.sent.append(label)
            log("LMS passback: %s sent (HTTP %d)" % (label, status))
    finally:
        record.close()
    return outcome
