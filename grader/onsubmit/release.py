"""What a student gets back through nbgrader's feedback exchange: the feedback pages, or a page on where their
submission stands until those are ready.

Each submission's folder in the service's store is laid out as a course folder of its own
(``submitted/<student>/<assignment>/`` and ``feedback/<student>/<assignment>/``), so nbgrader's own
``release_feedback`` releases it: each page lands in the exchange under the hash of the submission's secret
and the notebook's name, where the student's *Fetch Feedback* looks for exactly that submission; a page
released again replaces the one before (nbgrader moves it in place).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..course import Course
from ..nbgrader_calls import last_line
from ..outputs.feedback import BOOKKEEPING
from ..outputs.pages import submission_status
from ..run.workspace import MERGED
from ..safefiles import copy_tree


class ReleaseFailed(RuntimeError):
    """nbgrader's release_feedback failed (the message says why)."""


def feedback_folder(folder: Path, student: str, assignment: str) -> Path:
    return folder / "feedback" / student / assignment


def release(course: Course, folder: Path, student: str, assignment: str) -> None:
    """Release the pages of ``<folder>/feedback/<student>/<assignment>/`` with nbgrader's release_feedback."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory

    coursedir = CourseDirectory(config=course.config)
    coursedir.root = str(folder)
    coursedir.assignment_id, coursedir.student_id = assignment, student
    factory = ExchangeFactory(config=course.config)
    app = factory.ReleaseFeedback(coursedir=coursedir, authenticator=Authenticator(config=course.config),
                                  config=course.config)
    try:
        app.start()
    except Exception as exc:   # nbgrader raises ExchangeError, OSError, ... with its own message
        raise ReleaseFailed("release_feedback of %s/%s failed: %s" % (student, assignment, last_line(str(exc))))


def keep_feedback(workspace: Path, folder: Path, student: str, assignment: str) -> bool:
    """Copy the feedback pages a grading wrote in ``workspace`` to the submission's store ``folder`` (regular
    files only); False when the grading wrote none."""
    source = feedback_folder(workspace, student, assignment)
    if not source.is_dir():
        return False
    target = feedback_folder(folder, student, assignment)
    shutil.rmtree(target, ignore_errors=True)
    copy_tree(workspace / "feedback", Path(student) / assignment, target, MERGED)
    return any(target.glob("*.html"))


def write_status(course: Course, folder: Path, student: str, assignment: str, *, headline: str, state: str,
                 tone: str, lines: list[str], final: bool = False) -> None:
    """Write a status page in place of the feedback of each notebook of the submission in ``folder``."""
    submitted = folder / "submitted" / student / assignment
    target = feedback_folder(folder, student, assignment)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in BOOKKEEPING:
        if (submitted / name).is_file() and not (submitted / name).is_symlink():
            shutil.copyfile(submitted / name, target / name)
    course_id = course.config.CourseDirectory.get("course_id", "")
    # the assignment's notebooks (a refused one is not in the copy, but the student submitted it) and any other
    notebooks = {p.stem for p in course.source_notebooks(assignment)}
    notebooks |= {p.stem for p in submitted.glob("*.ipynb") if p.is_file() and not p.is_symlink()}
    for notebook in sorted(notebooks):
        page = submission_status(course=course_id, assignment=assignment, student=student, notebook=notebook,
                                 headline=headline, state=state, tone=tone, lines=lines, final=final)
        (target / ("%s.html" % notebook)).write_text(page, encoding="utf-8")
