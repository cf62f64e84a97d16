"""A submission's workspace: a private course folder in which it is graded, and how it is merged back.

nbgrader's SQLite gradebook is not safe for concurrent writers, so no two processes ever write the same
database. Each submission is graded in a *workspace* of its own: a folder with the course config, links to
source/ and the answer keys, a copy of a gradebook snapshot and that one submission. The class grader then
merges finished workspaces one at a time: the submission's rows into the course gradebook (in one
transaction, :mod:`grader.run.gradebook_rows`), its autograded/ and feedback/ folders into the course.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from ..course import CONFIG_FILE, Course
from ..schedule.dates import SCHEDULE_FILE
from ..safefiles import FILE_BYTES, TREE_BYTES, Policy, Refused, copy_tree
from .gradebook_rows import copy_submission, delete_submission
from .submission import take_submission, unreadable_notebooks

#: Merging nbgrader's outputs back: regular files only, every file of the graded folder used.
MERGED = Policy(limit=lambda path: FILE_BYTES, total_bytes=TREE_BYTES)


def snapshot_gradebook(course: Course, dest: Path) -> Path:
    """A consistent copy of the course gradebook (SQLite's online backup)."""
    source = sqlite3.connect(str(course.root / "gradebook.db"))
    target = sqlite3.connect(str(dest))
    with target:
        source.backup(target)
    source.close()
    target.close()
    return dest


def prepare_workspace(course: Course, snapshot: Path, student: str, assignment: str, base: Path,
                      submitted: Path | None = None) -> tuple[Course, list[str]]:
    """A private course folder holding one submission (``<submitted>/<student>/<assignment>``, by default the
    course's submitted/), for one grading run, and the notes on what of the submission was refused or not
    used. Raises Refused when it cannot be graded."""
    root = base / ("%s--%s" % (student, assignment))
    shutil.rmtree(root, ignore_errors=True)
    (root / "source").mkdir(parents=True)
    shutil.copy2(course.root / CONFIG_FILE, root / CONFIG_FILE)
    if (course.root / SCHEDULE_FILE).is_file():   # the due dates and extensions (grader.schedule.apply)
        shutil.copy2(course.root / SCHEDULE_FILE, root / SCHEDULE_FILE)
    os.symlink(course.root / "source" / assignment, root / "source" / assignment)
    os.symlink(course.key_directory, root / "answer_keys")
    shutil.copy2(snapshot, root / "gradebook.db")
    notes = take_submission(course, student, assignment, root / "submitted" / student / assignment, submitted)
    problem = unreadable_notebooks(root / "submitted" / student / assignment, root)
    if problem:
        raise Refused(problem)
    return Course(root), notes


def forget_submission(course: Course, student: str, assignment: str) -> None:
    """Remove earlier grading results of one submission: gradebook rows and output folders."""
    delete_submission(course.api().coursedir.db_url, student, assignment)
    for folder in ("autograded", "feedback"):
        shutil.rmtree(course.folder(folder) / student / assignment, ignore_errors=True)


def merge_workspace(course: Course, workspace: Course, student: str, assignment: str) -> list[str]:
    """Copy one graded submission (gradebook rows, autograded/ and feedback/) into the course;
    return notes on anything refused on the way (links or special files are never copied)."""
    forget_submission(course, student, assignment)
    # the submission's rows (grades, comments, flags and late penalties, the student's names, email and
    # LMS id, the submission's timestamp and extension), in one transaction
    copy_submission(workspace.api().coursedir.db_url, course.api().coursedir.db_url, student, assignment)
    notes = []
    for folder in ("autograded", "feedback"):
        if (workspace.folder(folder) / student / assignment).is_dir():
            taken = copy_tree(workspace.folder(folder), Path(student) / assignment,
                              course.folder(folder) / student / assignment, MERGED)
            notes += ["%s/: %s" % (folder, note) for note in taken.notes()]
    return notes
