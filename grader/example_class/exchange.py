"""Example students handing in through nbgrader's exchange, the way nbgrader's ``submit`` writes a submission.

nbgrader's submit copies the assignment into ``<exchange>/<course>/inbound/<student>+<assignment>+<timestamp>+
<random>/``, writes ``timestamp.txt`` and then ``submission_secret.txt``, and opens the folder's mode last; the
student's *Fetch Feedback* finds each notebook's feedback in ``<exchange>/<course>/feedback/`` under
``notebook_hash(secret, notebook)``. :func:`hand_in` does the same for an example student (with nbgrader's own
timestamp format and hash), so that tests and benchmarks can drive the on-submit service with many students
from one account; :func:`feedback_page` reads back what that student would fetch.
"""

from __future__ import annotations

import datetime
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..authoring.solutions import instructor_solutions
from ..course import Course
from . import PROFILES, fill_in
from .model import Submission


@dataclass(frozen=True)
class HandedIn:
    """One submission in the exchange: its folder, and what finds its feedback."""

    student: str
    assignment: str
    folder: Path
    secret: str
    notebooks: tuple[str, ...]
    written: float            # when the folder was complete (time.time())


def _timestamp() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")


def hand_in(course: Course, exchange: Path, student: str, assignment: str, profile: str | Submission,
            timestamp: str | None = None) -> HandedIn:
    """Write ``student``'s submission of ``assignment``, answered as the example student ``profile`` (a name of
    the example class, or a Submission), into the exchange's inbound folder."""
    import time

    submission = PROFILES[assignment][profile] if isinstance(profile, str) else profile
    course_id = course.config.CourseDirectory.get("course_id", "")
    name = "%s+%s+%s+%s" % (student, assignment, timestamp or _timestamp(), secrets.token_hex(6))
    folder = exchange / course_id / "inbound" / name
    folder.mkdir(parents=True)
    notebooks = []
    for notebook in course.source_notebooks(assignment):
        target = folder / notebook.name
        if submission.raw_text is not None:
            target.write_text(submission.raw_text)
        else:
            release_nb = nbformat.read(str(course.folder("release") / assignment / notebook.name), as_version=4)
            nbformat.write(fill_in(release_nb, submission, instructor_solutions(notebook)), str(target))
        notebooks.append(notebook.stem)
    secret = secrets.token_hex(64)
    (folder / "timestamp.txt").write_text(name.split("+")[2])
    (folder / "submission_secret.txt").write_text(secret)
    os.chmod(folder, 0o777)
    return HandedIn(student, assignment, folder, secret, tuple(notebooks), time.time())


def feedback_page(exchange: Path, course_id: str, handed: HandedIn, notebook: str) -> str | None:
    """What the student's Fetch Feedback would get for ``notebook`` of the submission (None: nothing yet)."""
    from nbgrader.utils import notebook_hash

    path = exchange / course_id / "feedback" / ("%s.html" % notebook_hash(secret=handed.secret,
                                                                        notebook_id=notebook))
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
