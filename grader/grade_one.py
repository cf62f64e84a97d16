"""Autograde one submission and write its feedback: what one grading process does.

:func:`grade` runs in a process of its own for every submission, forked from a ready grading
worker (:mod:`grader.workers`), so that a submission that hangs or crashes the grader costs only
itself. ``python -m grader.grade_one ROOT ASSIGNMENT STUDENT`` does the same in a fresh
interpreter and prints one JSON line: {"success": bool, "reason": str, "phases": {...}}.

Feedback is written here, from the autograded notebook just saved, with the same pages and files
as nbgrader's ``generate_feedback`` (whose exporter is :class:`grader.feedback.FeedbackExporter`),
without running nbgrader's second conversion over the notebook.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import nbformat

from .course import Course
from .feedback import (BOOKKEEPING, FeedbackError, clean_feedback_folder, gradebook_grades, image_resolver,
                       render_feedback, submitted_notebook)
from .grading.structure import instructor_notebook
from .phases import collect, phase
from .pipeline import _failure_reason, _quiet_gradebook

#: Longest failure reason handed back (the rest of a long traceback helps nobody in a table).
MAX_REASON = 2000


def write_feedback(course: Course, student: str, assignment: str) -> list[Path]:
    """The feedback pages of one autograded submission, in ``feedback/<student>/<assignment>/``.

    The same folder nbgrader's ``generate_feedback`` makes with this course's exporter: one page per
    autograded notebook that the gradebook knows, nbgrader's bookkeeping files (``timestamp.txt``,
    ``submission_secret.txt``; regular files only), nothing else; files mode 644 (664 in a
    group-shared course). Raises FeedbackError when a page cannot be made.
    """
    coursedir = course.api().coursedir
    autograded = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    destination = Path(coursedir.format_path(coursedir.feedback_directory, student, assignment))
    source_folder = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    for name in BOOKKEEPING:
        path = autograded / name
        if path.is_file() and not path.is_symlink():
            shutil.copyfile(path, destination / name)
    known = sorted(p.stem for p in source_folder.glob("*.ipynb"))
    images = image_resolver(source_folder)
    pages = []
    for path in sorted(autograded.glob("*.ipynb")):
        notebook = path.stem
        if notebook not in known:
            continue   # nbgrader grades only the notebooks of the assignment, and so gives feedback
        graded = nbformat.read(str(path), as_version=4)
        submitted = submitted_notebook(coursedir, student, assignment, notebook, graded)
        instructor = instructor_notebook(coursedir, assignment, notebook)
        grades = gradebook_grades(coursedir.db_url, coursedir.course_id, student, assignment, notebook)
        page = render_feedback(submitted, graded, instructor, grades, student=student, assignment=assignment,
                               notebook=notebook, images=images)
        pages.append(destination / ("%s.html" % notebook))
        pages[-1].write_text(page, encoding="utf-8")
    clean_feedback_folder(destination, known)
    configured = course.config.GenerateFeedback.get("permissions")
    mode = int(str(configured or (664 if coursedir.groupshared else 644)), 8)
    for entry in destination.iterdir():
        os.chmod(entry, mode)
    return pages


def grade(root: Path, assignment: str, student: str) -> dict:
    """Autograde the submission of the workspace at ``root`` and write its feedback.

    Returns {"success", "reason", "phases"}: the reason says why it failed, the phases where the
    time went (:mod:`grader.phases`).
    """
    course = Course(Path(root))
    with _quiet_gradebook():
        with phase("nbgrader setup and saving"):
            result = course.api().autograde(assignment, student, force=True, create=True)
        reason = "" if result["success"] else "autograde failed: %s" % _failure_reason(result)
        if not reason:
            with phase("feedback"):
                try:
                    write_feedback(course, student, assignment)
                except (FeedbackError, OSError, ValueError) as exc:
                    reason = "feedback failed: %s" % exc
    return {"success": not reason, "reason": reason[:MAX_REASON], "phases": collect()}


def main(argv: list[str]) -> int:
    root, assignment, student = argv
    print(json.dumps(grade(Path(root), assignment, student)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
