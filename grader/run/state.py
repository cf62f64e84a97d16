"""The class grader's memory between runs: what each submission's grade depended on, hashed.

A submission whose inputs (its files, the assignment's source and keys, the config and the grader's code)
are unchanged since it was last graded successfully is kept, and said to be kept; anything else is graded
again from scratch. The fingerprints live in ``.grading-state.json`` in the course folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..course import CONFIG_FILE, Course
from ..safefiles import hash_tree
from ..schedule.dates import SCHEDULE_FILE

STATE_FILE = ".grading-state.json"
LOCK_FILE = ".grading.lock"
#: The grader's own package: a change to any of its .py files regrades everything.
GRADER_PACKAGE = Path(__file__).resolve().parents[1]


def _hash_tree(digest, folder: Path, pattern: str = "*") -> None:
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")


def grader_fingerprint() -> str:
    """Hash of the grader's own code (its .py files)."""
    digest = hashlib.sha256()
    _hash_tree(digest, GRADER_PACKAGE, "*.py")
    return digest.hexdigest()


def inputs_fingerprint(course: Course, student: str, assignment: str, grader: str) -> str:
    """Everything a submission's grade depends on, hashed."""
    digest = hashlib.sha256(grader.encode())
    digest.update((course.root / CONFIG_FILE).read_bytes())
    schedule = course.root / SCHEDULE_FILE   # the student's due date (a changed one changes the late penalty)
    if schedule.is_file():
        digest.update(b"\2" + schedule.read_bytes())
    # the student's folder: never followed through a link, special files never opened
    hash_tree(digest, course.folder("submitted"), Path(student) / assignment)
    for folder in (course.root / "source" / assignment, course.key_directory / assignment):
        digest.update(b"\1" + folder.name.encode())
        if folder.is_dir():
            _hash_tree(digest, folder)
    return digest.hexdigest()


@contextmanager
def course_lock(course: Course) -> Iterator[None]:
    """Held while a result is merged into the course (its gradebook rows, autograded/, feedback/, submitted/
    and the state file), so that the class grader and the on-submit service never merge at the same time."""
    fd = os.open(course.root / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def record(course: Course, student: str, assignment: str, entry: dict | None) -> None:
    """Write one submission's entry in the state file (None removes it), keeping everything else another
    process wrote there meanwhile. Call it under :func:`course_lock`."""
    state = load_state(course)
    if entry is None:
        state.pop("%s/%s" % (assignment, student), None)
    else:
        state["%s/%s" % (assignment, student)] = entry
    save_state(course, state)


def load_state(course: Course) -> dict:
    try:
        return json.loads((course.root / STATE_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def save_state(course: Course, state: dict) -> None:
    tmp = course.root / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True))
    os.replace(tmp, course.root / STATE_FILE)


def still_graded(course: Course, student: str, assignment: str) -> bool:
    """Whether the course still holds the results of the submission (its autograded folder and gradebook rows)."""
    from nbgrader.api import MissingEntry

    if not (course.folder("autograded") / student / assignment).is_dir():
        return False
    with course.gradebook() as gb:
        try:
            gb.find_submission(assignment, student)
        except MissingEntry:
            return False
    return True
