"""When verdicts come back, how often, and which submission counts: ``c.SubmitPolicy`` in nbgrader_config.py.

The same rules for every assignment, with changes for some in ``c.SubmitPolicy.assignments``::

    c.SubmitPolicy.graded_per_period = 3          # graded submissions per student and assignment ...
    c.SubmitPolicy.period_minutes = 60            # ... in any 60 minutes
    c.SubmitPolicy.assignments = {"a5_deep_application": {"verdicts": "score", "graded_per_period": 2}}

The due date is the one of the course's schedule.toml (grader.schedule: a student's extension moves theirs), or
without a schedule the one nbgrader's gradebook holds (``nbgrader db assignment add --duedate`` or the
formgrader); an assignment without one has no due date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from traitlets import Dict, Enum, Float, Integer, TraitError
from traitlets.config import Configurable

from ..course import Course
from ..errors import JobFailed

VERDICTS = ("full", "score", "after_due")
COUNTS = ("latest", "best")


class PolicyError(JobFailed):
    """``c.SubmitPolicy`` says something that cannot be applied (the message says what and where)."""


@dataclass(frozen=True)
class Rules:
    """The policy of one assignment, resolved."""

    verdicts: str            # "full", "score" or "after_due"
    graded_per_period: int   # 0: no limit
    period_seconds: float
    counts: str              # "latest" or "best"
    due: datetime.datetime | None   # UTC, naive (nbgrader's convention), or None
    extended: tuple[tuple[str, float], ...] = ()   # (student, their due date in epoch seconds): extensions

    def due_passed(self, now: float, student: str | None = None) -> bool:
        due = self.due_seconds(student)
        return due is not None and now >= due

    def due_seconds(self, student: str | None = None) -> float | None:
        """The due date (of ``student``, with their extension) in epoch seconds, or None."""
        if student is not None:
            for who, seconds in self.extended:
                if who == student:
                    return seconds
        return None if self.due is None else self.due.replace(tzinfo=datetime.timezone.utc).timestamp()


class SubmitPolicy(Configurable):
    """What the on-submit grading service gives back, and when (``c.SubmitPolicy.*``)."""

    verdicts = Enum(
        list(VERDICTS), default_value="full",
        help="When a graded submission's verdict comes back: 'full' (on submit, with every check), 'score' (on "
             "submit, the scores only) or 'after_due' (graded on submit, the whole verdict released at the "
             "due date)").tag(config=True)
    graded_per_period = Integer(
        3, help="How many submissions of one assignment a student gets graded in any period (0: no limit); a "
                "submission over the limit is kept and graded at the next free slot, or at the due date, and "
                "the student is told when").tag(config=True)
    period_minutes = Float(60.0, help="The period of graded_per_period, in minutes").tag(config=True)
    counts = Enum(
        list(COUNTS), default_value="latest",
        help="Which graded submission counts in the gradebook: 'latest' (the newest received before the due "
             "date; after it, the newest of all when none came in time) or 'best' (the highest score)"
    ).tag(config=True)
    assignments = Dict(
        help="Changes for some assignments: {assignment: {setting: value}} with the settings above "
             "(verdicts, graded_per_period, period_minutes, counts)").tag(config=True)

    def rules(self, course: Course, assignment: str) -> Rules:
        """The rules of ``assignment``; raises PolicyError for a setting that does not exist or does not fit."""
        changes = self.assignments.get(assignment, {})
        if not isinstance(changes, dict):
            raise PolicyError("c.SubmitPolicy.assignments[%r] should be a dict of settings" % assignment)
        unknown = sorted(set(changes) - {"verdicts", "graded_per_period", "period_minutes", "counts"})
        if unknown:
            raise PolicyError("c.SubmitPolicy.assignments[%r] has unknown settings: %s"
                              % (assignment, ", ".join(unknown)))
        settings = {name: getattr(self, name) for name in ("verdicts", "graded_per_period", "period_minutes",
                                                            "counts")}
        settings.update(changes)
        try:   # the same checks as the settings for every assignment
            checked = SubmitPolicy(**{k: v for k, v in settings.items()})
        except TraitError as exc:
            raise PolicyError("c.SubmitPolicy.assignments[%r]: %s" % (assignment, exc)) from None
        if checked.graded_per_period < 0 or checked.period_minutes <= 0:
            raise PolicyError("c.SubmitPolicy for %s: graded_per_period must be >= 0 and period_minutes > 0"
                              % assignment)
        return Rules(checked.verdicts, checked.graded_per_period, checked.period_minutes * 60.0,
                     checked.counts, due_date(course, assignment), extensions(course, assignment))


def extensions(course: Course, assignment: str) -> tuple[tuple[str, float], ...]:
    """The students with an extension of ``assignment`` in schedule.toml, with their due dates (epoch s)."""
    from ..schedule.apply import course_schedule

    schedule = course_schedule(course, check_students=False)
    if schedule is None:
        return ()
    return tuple(sorted((student, when.timestamp()) for (student, name), when in schedule.extended.items()
                        if name == assignment))


def due_date(course: Course, assignment: str) -> datetime.datetime | None:
    """The assignment's due date (naive UTC) in schedule.toml when the course has one (grader.schedule), else
    in the gradebook; or None."""
    from nbgrader.api import MissingEntry

    from ..nbgrader_calls import quiet_gradebook
    from ..schedule.apply import course_schedule
    from ..schedule.dates import utc_naive

    schedule = course_schedule(course, check_students=False)
    if schedule is not None:
        due = schedule.due_of(assignment)
        return utc_naive(due) if due else None

    with quiet_gradebook(), course.gradebook() as gb:
        try:
            return gb.find_assignment(assignment).duedate
        except MissingEntry:
            return None
