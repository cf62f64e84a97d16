"""How long one submission may take to grade: a bound that follows from its assignment.

A notebook of 100,000 trivial cells must not hold a grading worker for the ten minutes that the slowest
assignment might need. So a submission's bound is ``c.GraderLimits.time_factor`` times the sandboxed run of
the assignment's instructor notebooks (kept in their answer keys when the keys are built), never less than
``time_floor_seconds`` and never more than ``submission_seconds``. A key built before the run time was kept
gives the most, ``submission_seconds``.
"""

from __future__ import annotations

import math

from ..course import Course
from ..grading.keys import AnswerKeyError, load_key
from ..limits import GraderLimits


def key_seconds(course: Course, assignment: str) -> float | None:
    """The sandboxed run time of the assignment's instructor notebooks, from their keys (None if unknown)."""
    total = 0.0
    for notebook in course.source_notebooks(assignment):
        try:
            seconds = load_key(course.key_directory, assignment, notebook.stem).get("seconds")
        except AnswerKeyError:
            return None
        if not isinstance(seconds, (int, float)) or seconds < 0:
            return None
        total += seconds
    return total


def time_bound(course: Course, assignment: str, limits: GraderLimits | None = None) -> int:
    """Seconds the grading process of one submission of ``assignment`` may take."""
    limits = limits or GraderLimits(config=course.config)
    measured = key_seconds(course, assignment)
    if measured is None:
        return limits.submission_seconds
    return int(min(limits.submission_seconds, max(limits.time_floor_seconds, math.ceil(limits.time_factor * measured))))
