"""Autograde one submission and write its feedback: what the grading process of one job does.

:func:`grade` runs in a process of its own for every submission, forked from a ready grading worker
(:mod:`grader.run.worker`), so that a submission that hangs or crashes the grader costs only itself. It runs
nbgrader's autograde in the job's workspace (the sandboxed kernel, the comparison with the answer key:
``c.Autograde`` in nbgrader_config.py), then writes the feedback pages from the autograded notebook just
saved (:func:`grader.outputs.feedback.write_feedback`, the same pages as nbgrader's ``generate_feedback``).
"""

from __future__ import annotations

from ..course import Course
from ..nbgrader_calls import failure_reason, quiet_gradebook
from ..outputs.feedback import FeedbackError, write_feedback
from ..timing import collect, phase
from .jobs import GradeResult, Job

#: Longest failure reason handed back (the rest of a long traceback helps nobody in a table).
MAX_REASON = 2000


def grade(job: Job) -> GradeResult:
    """Autograde the submission in ``job.workspace`` and write its feedback. The result says why it
    failed, if it did, and where the time went (:mod:`grader.timing`)."""
    course = Course(job.workspace)
    with quiet_gradebook():
        with phase("nbgrader setup and saving"):
            outcome = course.api().autograde(job.assignment, job.student, force=True, create=True)
        reason = "" if outcome["success"] else "autograde failed: %s" % failure_reason(outcome)
        if not reason:
            with phase("feedback"):
                try:
                    write_feedback(course, job.student, job.assignment, job.verdicts, job.about)
                except (FeedbackError, OSError, ValueError) as exc:
                    reason = "feedback failed: %s" % exc
    return GradeResult(job.student, job.assignment, not reason, reason[:MAX_REASON], phases=collect())
