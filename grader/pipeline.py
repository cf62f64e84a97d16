"""The instructor's jobs, each a thin layer over nbgrader's own API and CLI.

Every job takes a :class:`~grader.course.Course`. Grading is done one
submission at a time, so that one broken or hostile submission never stops the
others, and a submission that cannot be graded is *reported* as such: its old
scores are removed from the gradebook first, never shown again as if current.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

from .contents import refresh_contents, write_index
from .course import Course
from .grading.keys import build_key, key_is_current, write_key
from .grading.structure import submission_notes
from .handouts import write_handouts
from .sandbox import SandboxUnavailable

Log = Callable[[str], None]


class JobFailed(RuntimeError):
    """An instructor job that cannot go on (the message says why and what to do)."""


@dataclass
class GradeResult:
    """What happened to one student's submission of one assignment."""

    student: str
    assignment: str
    ok: bool
    reason: str = ""
    seconds: float = 0.0
    unsandboxed: str = ""   # why student code ran without the sandbox (allowed by the instructor)
    skipped: bool = False   # unchanged since it was last graded: the earlier result was kept
    notes: list[str] = field(default_factory=list)   # files of the submission refused or not used
    phases: dict = field(default_factory=dict)   # where the time went, seconds by phase (grader.phases)


def _last_line(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"


# ---------------------------------------------------------------- release and keys
def refresh_handouts(course: Course, assignments: list[str] | None = None, log: Log = print) -> None:
    """Regenerate the files that one assignment hands out from another's solutions (grader.handouts)."""
    for path in write_handouts(course.root / "source", assignments):
        log("%s regenerated from its source" % path.relative_to(course.root))


def generate_release(course: Course, assignments: list[str] | None = None, log: Log = print) -> None:
    """Run nbgrader generate_assignment: source/ -> release/, and record the assignment in the gradebook.

    Before that, the generated parts of source/ are brought up to date (the handouts, and each notebook's
    contents line); after it, release/index.ipynb, the students' list of every assignment (grader.contents).
    """
    refresh_handouts(course, assignments, log)
    for assignment in assignments or course.assignments:
        for notebook in course.source_notebooks(assignment):
            if refresh_contents(notebook):
                log("%s: contents line updated" % notebook.relative_to(course.root))
    for assignment in assignments or course.assignments:
        result = course.api().generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise JobFailed("generate_assignment %s failed: %s" % (assignment, _last_line(result.get("error"))))
        log("release/%s generated from source/%s" % (assignment, assignment))
    log("%s written: the index of the assignments" % write_index(course).relative_to(course.root))


def build_keys(course: Course, assignments: list[str] | None = None, force: bool = False,
               log: Log = print) -> list[Path]:
    """Build the answer key of every source notebook whose key is missing or out of date."""
    refresh_handouts(course, assignments, log)
    built = []
    for assignment in assignments or course.assignments:
        for notebook in course.source_notebooks(assignment):
            if not force and key_is_current(course.key_directory, notebook, assignment):
                log("answer key for %s/%s is up to date" % (assignment, notebook.name))
                continue
            start = time.perf_counter()
            try:
                key = build_key(notebook, assignment, course.config)
            except SandboxUnavailable as exc:
                raise JobFailed(str(exc)) from None
            path = write_key(key, course.key_directory)
            checks = sum(len(cell["records"]) for cell in key["cells"].values())
            log("answer key for %s/%s: %d graded cells, %d hidden checks (%.1f s)"
                % (assignment, notebook.name, len(key["cells"]), checks, time.perf_counter() - start))
            built.append(path)
    return built


# ---------------------------------------------------------------- grading
def submissions(course: Course) -> list[tuple[str, str]]:
    """(student, assignment) pairs found in submitted/, for assignments the course knows."""
    known = set(course.assignments)
    root = course.folder("submitted")
    if not root.is_dir():
        return []
    # a folder that is a link is listed too (by the names seen through it), so that grading
    # refuses it by name instead of passing over it in silence
    return [(s.name, a.name) for s in sorted(root.iterdir()) if s.is_dir()
            for a in sorted(s.iterdir()) if (a.is_dir() or a.is_symlink()) and a.name in known]


def unreadable_notebooks(folder: Path, root: Path) -> str | None:
    """Why the notebooks of a submission folder cannot be graded, or None if they can."""
    for path in sorted(folder.glob("*.ipynb")):
        label = path.relative_to(root)
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception as exc:  # nbformat raises several unrelated types for bad files
            return "%s is not valid notebook JSON (%s)" % (label, _last_line(str(exc)))
        try:
            nbformat.validate(nb)
        except nbformat.ValidationError as exc:
            return "%s does not follow the notebook format (%s)" % (label, _last_line(exc.message))
    return None


@contextmanager
def _quiet_gradebook():
    """nbgrader 0.9.6's gradebook code trips SQLAlchemy 2's harmless autoflush warnings."""
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        yield


#: Messages that only wrap the real error (nbgrader's "Please see the the above traceback").
_GENERIC = ("Please see the", "There was an error processing")
_EXCEPTION_LINE = re.compile(r"^\s*([\w.]*(?:Error|Exception|MissingEntry|Exit|Interrupt))\b[^:]*: (.+)$")
#: What to do about the failures an instructor meets, by a phrase of their message.
_HINTS = {
    "exists in the database": "generate it first: python -m grader release",
    "No notebooks found": "generate it first: python -m grader release",
}


def _failure_reason(result: dict) -> str:
    """The most specific error of a failed nbgrader API call (never its generic wrapper), with what
    to do about it when that is known."""
    lines = (result.get("log") or "").splitlines() + (result.get("error") or "").splitlines()
    errors = []
    for line in lines:
        match = _EXCEPTION_LINE.match(line)
        if match and not match.group(2).strip().startswith(_GENERIC):
            errors.append("%s: %s" % (match.group(1).rsplit(".", 1)[-1], match.group(2).strip()))
    if not errors:   # nbgrader's own error lines, "[ERROR] <message>", less the generic ones
        errors = [line.split("]", 1)[1].strip() for line in lines if line.startswith("[ERROR]")
                  and not line.split("]", 1)[1].strip().startswith(_GENERIC + ("Traceback",))]
    reason = errors[-1] if errors else _last_line(result.get("error") or result.get("log"))
    hint = next((h for phrase, h in _HINTS.items() if phrase in reason), "")
    return reason + ("; %s" % hint if hint else "")


def forget_submission(course: Course, student: str, assignment: str) -> None:
    """Remove earlier grading results of one submission: gradebook rows and output folders."""
    from .gradebook_rows import delete_submission

    delete_submission(course.api().coursedir.db_url, student, assignment)
    for folder in ("autograded", "feedback"):
        shutil.rmtree(course.folder(folder) / student / assignment, ignore_errors=True)


# ---------------------------------------------------------------- results
def export_grades(course: Course, path: Path) -> Path:
    """Write nbgrader's grades CSV (one row per student and assignment) with its own CLI."""
    path.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", str(path)],
                          cwd=course.root, capture_output=True, text=True)
    if done.returncode != 0:
        raise JobFailed("nbgrader export failed: %s" % _last_line(done.stderr))
    return path


def write_exercise_csv(course: Course, results: list[GradeResult], path: Path) -> Path:
    """One row per graded cell of each submission: status, reason, score, and the changes the student
    made to the notebook's structure (``notes``, the same on every row of a submission)."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assignment", "student", "status", "reason", "exercise", "score", "max_score",
                         "notes"])
        for assignment in sorted({r.assignment for r in results}):
            columns, scores, maxima = exercise_scores(course, assignment)
            for result in sorted((r for r in results if r.assignment == assignment),
                                 key=lambda r: r.student):
                if not result.ok:
                    writer.writerow([assignment, result.student, "not graded", result.reason, "", "", "", ""])
                    continue
                row = scores.get(result.student, {})
                status = "graded UNSANDBOXED" if result.unsandboxed else "graded"
                notes = " | ".join(submission_notes(course.folder("autograded") / result.student / assignment))
                remark = "; ".join(([result.unsandboxed] if result.unsandboxed else []) + result.notes)
                for grade_id in columns:
                    writer.writerow([assignment, result.student, status, remark, grade_id,
                                     "%g" % (row.get(grade_id) or 0), "%g" % maxima[grade_id], notes])
    return path


def exercise_scores(course: Course, assignment: str) -> tuple[list[str], dict[str, dict[str, float]], dict[str, float]]:
    """Per-exercise autograded scores of every graded student of one assignment.

    Returns (grade_ids in notebook order, {student: {grade_id: score}}, {grade_id: max points}).
    """
    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        try:
            record = gb.find_assignment(assignment)
        except MissingEntry:
            return [], {}, {}
        maxima: dict[str, float] = {}
        order = _grade_cell_order(course, assignment)
        scores: dict[str, dict[str, float]] = {}
        for submission in record.submissions:
            row = {}
            for nb_sub in submission.notebooks:
                for grade in nb_sub.grades:
                    row[grade.name] = grade.score
                    maxima[grade.name] = grade.max_score
            scores[submission.student.id] = row
        columns = [g for g in order if g in maxima] + sorted(set(maxima) - set(order))
    return columns, scores, maxima


def _grade_cell_order(course: Course, assignment: str) -> list[str]:
    order = []
    for path in course.source_notebooks(assignment):
        for cell in nbformat.read(str(path), as_version=4).cells:
            info = cell.metadata.get("nbgrader", {})
            if info.get("grade"):
                order.append(info["grade_id"])
    return order
