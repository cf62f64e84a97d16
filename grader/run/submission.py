"""The submissions of submitted/, and what grading takes of one: the assignment's notebooks, as regular files.

A student's folder is student material: it is listed and copied with :mod:`grader.safefiles` (links, FIFOs,
devices and hard links refused by name, sizes bounded), and what is refused or not used becomes a note for the
instructor. Whether a notebook can be read at all is decided on the grader's own copy, never on the student's
file.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..course import Course
from ..intake.exchange import course_time
from ..limits import GraderLimits
from ..nbgrader_calls import last_line
from ..safefiles import Policy, Refused, copy_tree

#: What grading needs of a submission folder besides the assignment's notebooks: nbgrader's record of when
#: it was submitted, and the secret that names the student's feedback file in the exchange (release_feedback
#: reads it). The assignment's own helper files come from source/, copied by nbgrader.
KEPT_FILES = {"timestamp.txt": 1024, "submission_secret.txt": 1024}
#: Names skipped without a word (nbgrader's CourseDirectory.ignore defaults).
IGNORED = (".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback")


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


def take_submission(course: Course, student: str, assignment: str, dest: Path,
                    submitted: Path | None = None) -> list[str]:
    """Copy what grading needs of one submission folder, ``<submitted>/<student>/<assignment>`` (by default
    the course's submitted/), to ``dest``; return the notes for the instructor (files refused, files not used).

    Only the assignment's notebooks (each at most c.GraderLimits.notebook_bytes) and timestamp.txt are
    taken, as regular files (grader.safefiles): a link, FIFO, device or hard link is refused by
    name. Anything else a student puts in the folder (a numpy.py, another assignment's helpers) is
    not used, and said so. Raises Refused when the folder or one of its notebooks cannot be graded.
    """
    limit = GraderLimits(config=course.config).notebook_bytes
    notebooks = {p.name for p in course.source_notebooks(assignment)}
    # the files the assignment hands out come back with every submission: nbgrader puts the course's own
    # copies in place, so the student's are neither taken nor worth a note
    handed_out = tuple(sorted(p.name for p in (course.root / "source" / assignment).iterdir()
                              if p.name not in notebooks))
    policy = Policy(limit=lambda name: limit if name in notebooks else KEPT_FILES.get(name),
                    descend=False, ignore=IGNORED + handed_out, total_bytes=len(notebooks) * limit + 8192)
    base = submitted or course.folder("submitted")
    label = base.name if submitted else "submitted"
    shown = "%s/%s/%s" % (label, student, assignment)
    try:
        taken = copy_tree(base, Path(student) / assignment, dest, policy)
    except Refused as refusal:
        raise Refused("%s/%s" % (label, refusal.name), refusal.why) from None
    for notebook in sorted(notebooks - set(taken.files)):
        refusal = taken.refusal_of(notebook)
        if refusal:
            why = refusal.why + (" (c.GraderLimits.notebook_bytes)" if refusal.why.startswith("is too large") else "")
            raise Refused("%s/%s" % (shown, notebook), why)
        if notebook + "/" in taken.unused:
            raise Refused("%s/%s" % (shown, notebook), "is a folder, not a notebook")
    if not notebooks & set(taken.files):
        raise Refused(shown, "holds none of the assignment's notebooks (%s)" % ", ".join(sorted(notebooks)))
    if "timestamp.txt" not in taken.files:
        # no record of when it came (a folder put into submitted/ by hand): the course's time is when its
        # notebooks last changed here (their change time, which their owner cannot set back)
        changed = max((base / student / assignment / name).lstat().st_ctime for name in notebooks & set(taken.files))
        (dest / "timestamp.txt").write_text(course_time(changed))
    return taken.notes()


def unreadable_notebooks(folder: Path, root: Path) -> str | None:
    """Why the notebooks of a submission folder cannot be graded, or None if they can."""
    for path in sorted(folder.glob("*.ipynb")):
        label = path.relative_to(root)
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception as exc:  # nbformat raises several unrelated types for bad files
            return "%s is not valid notebook JSON (%s)" % (label, last_line(str(exc)))
        try:
            nbformat.validate(nb)
        except nbformat.ValidationError as exc:
            return "%s does not follow the notebook format (%s)" % (label, last_line(exc.message))
    return None
