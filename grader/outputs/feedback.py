"""Feedback pages made from trusted parts only, written where nbgrader's ``release_feedback`` looks for them.

nbgrader's own feedback is an HTML export of the *autograded* notebook: every output of the grading run
included. A student's code runs beside the hidden tests in that run, so whatever it printed, displayed or
raised (the hidden tests' source read from ``In``, hooks or audit events, the hidden inputs caught with
``sys.setprofile``) came back in the feedback, and any HTML or script it displayed ran in the reader's
browser. Here a page is made (:mod:`grader.outputs.feedback_page`) from:

* the notebook **as the student submitted it** (the file whose SHA-256 the grader recorded): its cells'
  sources, and under each code cell the outputs the student saved in it (their own run; text and checked
  PNG/JPEG only, :mod:`grader.outputs.saved_outputs`), never an output of the grading run;
* the **grader's verdict** of each graded cell, in its own words, kept in the autograded notebook's
  metadata by ``CompareWithKey``, and the scores and comments of the gradebook (which include the
  instructor's manual changes);
* the exercise names, the points, the late penalty, and one line per change the student made to the
  notebook's structure (``RestoreStructure``).

One writer, two callers: :func:`feedback_html` makes the page of one notebook, for the grading process of
each submission (:func:`write_feedback`, right after autograde) and for nbgrader's ``generate_feedback``
and the formgrader's "Generate Feedback" button (:class:`FeedbackExporter`, set as
``GenerateFeedback.exporter_class`` in nbgrader_config.py). Both leave the same folder:
``feedback/<student>/<assignment>/<notebook>.html`` beside the ``timestamp.txt`` and
``submission_secret.txt`` that nbgrader's ``release_feedback`` needs, and nothing else.
"""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path
from typing import Sequence

import nbformat
from nbconvert.exporters import Exporter
from traitlets import default

from ..grading.metadata import META
from ..grading.structure import file_sha256, instructor_notebook
from .feedback_page import Grades, render_feedback
from .images import image_resolver

#: Files of a feedback folder besides the pages: nbgrader's release_feedback reads them.
BOOKKEEPING = ("timestamp.txt", "submission_secret.txt")


class FeedbackError(RuntimeError):
    """Feedback cannot be made (the message says why and what to do)."""


def gradebook_grades(db_url: str, course_id: str, student: str, assignment: str, notebook: str,
                     config=None) -> Grades:
    from nbgrader.api import Gradebook, MissingEntry

    grades = Grades()
    with Gradebook(db_url, course_id) as gb:
        try:
            submitted = gb.find_submission_notebook(notebook, assignment, student)
        except MissingEntry:
            raise FeedbackError("%s/%s of %s is not in the gradebook: autograde it first"
                                % (assignment, notebook, student)) from None
        for grade in submitted.grades:
            grades.scores[grade.name] = float(grade.score or 0)
            grades.maxima[grade.name] = float(grade.max_score or 0)
        for comment in submitted.comments:
            if comment.manual_comment:
                grades.comments[comment.name] = comment.manual_comment
        grades.penalty = float(submitted.late_submission_penalty or 0)
        stamp = submitted.assignment.timestamp
        grades.timestamp = stamp.strftime("%Y-%m-%d %H:%M UTC") if stamp else ""
        grades.due, grades.late, shown = due_and_lateness(submitted.assignment, config)
        grades.timestamp = shown or grades.timestamp
    return grades


def due_and_lateness(submission, config) -> tuple[str, str, str]:
    """The feedback's due-date line ('due 2027-01-15 17:00 CET (with your extension)'), its lateness line
    ('submitted 3 h 10 min after the due date: -10 %') and the submission's time in the course's zone, from the
    gradebook's submission (its due date includes the student's extension) and the course's late policy
    (grader.schedule.late)."""
    from ..schedule.late import LatePolicy, late_notice

    due = submission.duedate
    if due is None:
        return "", "", ""
    zone = None
    root = Path((config.CourseDirectory.get("root") if config is not None else None) or ".")
    try:
        from ..schedule.dates import SCHEDULE_FILE, load_schedule

        if (root / SCHEDULE_FILE).is_file():
            zone = load_schedule(root / SCHEDULE_FILE, None, None).zone
    except Exception:   # a schedule that cannot be read shows the date in UTC
        zone = None
    aware = due.replace(tzinfo=datetime.timezone.utc)
    shown = aware.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if zone else aware.strftime("%Y-%m-%d %H:%M UTC")
    text = "due %s%s" % (shown, " (with your extension)" if submission.extension else "")
    seconds = submission.total_seconds_late or 0.0
    policy = LatePolicy(config=config) if config is not None else LatePolicy()
    stamp = submission.timestamp
    when = "" if stamp is None or zone is None else \
        stamp.replace(tzinfo=datetime.timezone.utc).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    return text, late_notice(seconds, policy.percent(seconds)), when


def _coursedir(configurable):
    owner = configurable
    while owner is not None and getattr(owner, "coursedir", None) is None:
        owner = getattr(owner, "parent", None)
    if owner is None:
        raise FeedbackError("FeedbackExporter runs inside nbgrader's GenerateFeedback only")
    return owner.coursedir


def submitted_notebook(coursedir, student: str, assignment: str, notebook: str, autograded):
    """The submitted notebook that ``autograded`` was graded from (checked by its SHA-256)."""
    path = os.path.join(coursedir.format_path(coursedir.submitted_directory, student, assignment),
                        "%s.ipynb" % notebook)
    label = os.path.relpath(path, coursedir.root)
    expected = autograded.metadata.get(META, {}).get("submitted_sha256")
    if not expected:
        raise FeedbackError("the autograded %s.ipynb of %s/%s was not graded by this grader (no record "
                            "of the submitted file): autograde it again" % (notebook, student, assignment))
    if not os.path.isfile(path) or os.path.islink(path):
        raise FeedbackError("%s is missing: feedback is made from the submitted notebook" % label)
    if file_sha256(path) != expected:
        raise FeedbackError("%s changed after it was autograded: autograde it again" % label)
    return nbformat.read(path, as_version=4)


def clean_feedback_folder(folder: Path, notebooks: list[str]) -> None:
    """Leave only the feedback pages and nbgrader's bookkeeping files in ``folder``: nbgrader copies
    every other file of the autograded folder there (whatever the student handed in)."""
    keep = set(BOOKKEEPING) | {"%s.html" % n for n in notebooks}
    for entry in list(folder.iterdir()) if folder.is_dir() else []:
        if entry.name in keep and entry.is_file() and not entry.is_symlink():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _source_folder(coursedir, assignment: str) -> Path:
    return Path(coursedir.format_path(coursedir.source_directory, ".", assignment))


def _notebooks(coursedir, assignment: str) -> list[str]:
    """The names of the assignment's notebooks: the only ones graded, and so the only ones given feedback."""
    return sorted(p.stem for p in _source_folder(coursedir, assignment).glob("*.ipynb"))


def feedback_html(coursedir, student: str, assignment: str, notebook: str, autograded, verdicts: str = "full",
                  about: Sequence[str] = ()) -> str:
    """The feedback page of one autograded notebook (``autograded``, an nbformat node): the submitted file it
    was graded from, the instructor's notebook, the gradebook's grades and the assignment's pictures
    (``verdicts`` and ``about``: see :func:`grader.outputs.feedback_page.render_feedback`)."""
    submitted = submitted_notebook(coursedir, student, assignment, notebook, autograded)
    instructor = instructor_notebook(coursedir, assignment, notebook)
    grades = gradebook_grades(coursedir.db_url, coursedir.course_id, student, assignment, notebook, coursedir.config)
    return render_feedback(submitted, autograded, instructor, grades, student=student, assignment=assignment,
                           notebook=notebook, images=image_resolver(_source_folder(coursedir, assignment)),
                           verdicts=verdicts, about=about)


def write_feedback(course, student: str, assignment: str, verdicts: str = "full",
                   about: Sequence[str] = ()) -> list[Path]:
    """The feedback pages of one autograded submission of ``course``, in ``feedback/<student>/<assignment>/``.

    The same folder nbgrader's ``generate_feedback`` makes with :class:`FeedbackExporter`: one page per
    autograded notebook of the assignment, nbgrader's bookkeeping files (``timestamp.txt``,
    ``submission_secret.txt``; regular files only), nothing else; files mode 644 (664 in a group-shared
    course, or ``GenerateFeedback.permissions``). Raises FeedbackError when a page cannot be made.
    """
    coursedir = course.api().coursedir
    autograded = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    destination = Path(coursedir.format_path(coursedir.feedback_directory, student, assignment))
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    for name in BOOKKEEPING:
        path = autograded / name
        if path.is_file() and not path.is_symlink():
            shutil.copyfile(path, destination / name)
    known = _notebooks(coursedir, assignment)
    pages = []
    for path in sorted(autograded.glob("*.ipynb")):
        if path.stem not in known:
            continue
        page = feedback_html(coursedir, student, assignment, path.stem, nbformat.read(str(path), as_version=4),
                             verdicts, about)
        pages.append(destination / ("%s.html" % path.stem))
        pages[-1].write_text(page, encoding="utf-8")
    clean_feedback_folder(destination, known)
    configured = course.config.GenerateFeedback.get("permissions")
    mode = int(str(configured or (664 if coursedir.groupshared else 644)), 8)
    for entry in destination.iterdir():
        os.chmod(entry, mode)
    return pages


class FeedbackExporter(Exporter):
    """nbgrader's GenerateFeedback exporter: an autograded notebook in, a feedback page out."""

    output_mimetype = "text/html"

    @default("file_extension")
    def _file_extension_default(self):
        return ".html"

    def from_notebook_node(self, nb, resources=None, **kw):
        nb, resources = super().from_notebook_node(nb, resources, **kw)
        ids = resources["nbgrader"]
        coursedir = _coursedir(self)
        page = feedback_html(coursedir, ids["student"], ids["assignment"], ids["notebook"], nb)
        destination = Path(coursedir.format_path(coursedir.feedback_directory, ids["student"], ids["assignment"]))
        clean_feedback_folder(destination, _notebooks(coursedir, ids["assignment"]))
        resources["output_extension"] = ".html"
        return page, resources
