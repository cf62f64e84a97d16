"""The course's late policy, through nbgrader's late-submission plugin interface (``c.LatePolicy.*``).

nbgrader_config.py sets ``c.AssignLatePenalties.plugin_class = LatePolicy``; nbgrader calls
:meth:`LatePolicy.late_submission_penalty` for every notebook of a submission that came after its student's
due date (the schedule's, with the student's extension) and stores the points taken off in the gradebook, where
the feedback page, ``nbgrader export`` (grades.csv), ``reports/exercise_scores.csv``, the class report and the
LMS files read them. The settings, all in nbgrader_config.py::

    c.LatePolicy.grace_minutes = 15        # late by at most this much: no penalty
    c.LatePolicy.penalty_percent = 10      # past the grace: this much of the score ...
    c.LatePolicy.per = "day"               # ... per started day ("day") or hour ("hour") after the due date
    c.LatePolicy.cap_percent = 50          # never more than this much
    c.LatePolicy.zero_after_hours = 168    # later than this (hours after the due date): the score is 0 (0: never)

For example, 10 % per started day: submitted 3 h 10 min after the due date, -10 %; 25 h after it, -20 %.
The defaults take nothing off: a course without a late policy grades as nbgrader does by default.
"""

from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Enum, Float, TraitError, validate

PERIOD_SECONDS = {"hour": 3600.0, "day": 86400.0}


class LatePolicy(LateSubmissionPlugin):
    """Grace period, penalty per started hour or day, a cap, and zero after a limit."""

    grace_minutes = Float(0.0, help="Late by at most this many minutes: no penalty").tag(config=True)
    penalty_percent = Float(0.0, help="Percent of the score taken off per started period (per) after the due "
                                      "date, once past the grace").tag(config=True)
    per = Enum(["hour", "day"], default_value="day", help="The period of penalty_percent: 'hour' or 'day'"
               ).tag(config=True)
    cap_percent = Float(100.0, help="The most taken off, in percent of the score").tag(config=True)
    zero_after_hours = Float(0.0, help="Later than this many hours after the due date: the score is 0 (0: never)"
                             ).tag(config=True)

    @validate("grace_minutes", "penalty_percent", "zero_after_hours")
    def _not_negative(self, proposal):
        if proposal["value"] < 0:
            raise TraitError("c.LatePolicy.%s must be 0 or more, not %r" % (proposal["trait"].name,
                                                                           proposal["value"]))
        return proposal["value"]

    @validate("cap_percent")
    def _a_share(self, proposal):
        if not 0 <= proposal["value"] <= 100:
            raise TraitError("c.LatePolicy.cap_percent must be between 0 and 100, not %r" % proposal["value"])
        return proposal["value"]

    def percent(self, seconds_late: float) -> float:
        """The percent of the score taken off a submission ``seconds_late`` after its due date."""
        if seconds_late <= self.grace_minutes * 60:
            return 0.0
        if self.zero_after_hours and seconds_late > self.zero_after_hours * 3600:
            return 100.0
        periods = math.ceil(seconds_late / PERIOD_SECONDS[self.per])
        return min(self.cap_percent, periods * self.penalty_percent)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        """nbgrader's interface: the points taken off a notebook scoring ``score``."""
        return round((score or 0.0) * self.percent(total_seconds_late) / 100.0, 2)

    def describe(self) -> str:
        """The policy in one sentence (documentation, the feedback page)."""
        if not self.penalty_percent and not self.zero_after_hours:
            return "No penalty for late work."
        parts = []
        if self.penalty_percent:
            parts.append("%g %% per started %s after the due date%s" % (
                self.penalty_percent, self.per, ", at most %g %%" % self.cap_percent
                if self.cap_percent < 100 else ""))
        if self.zero_after_hours:
            parts.append("0 points when more than %s late" % duration(self.zero_after_hours * 3600))
        grace = " (%s of grace)" % duration(self.grace_minutes * 60) if self.grace_minutes else ""
        return "Late work: %s%s." % ("; ".join(parts), grace)


def duration(seconds: float) -> str:
    """'3 h 10 min', '2 d 4 h', '45 s'."""
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [("%d d" % days) if days else "", ("%d h" % hours) if hours else "",
             ("%d min" % minutes) if minutes and not days else ""]
    text = " ".join(p for p in parts if p)
    return text or "%d s" % secs


def late_notice(seconds_late: float, percent: float) -> str:
    """The feedback's line: 'submitted 3 h 10 min after the due date: -10 %'."""
    if seconds_late <= 0:
        return ""
    return "submitted %s after the due date: %s" % (duration(seconds_late),
                                                   "-%g %%" % percent if percent else "no penalty")
