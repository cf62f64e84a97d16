"""What the service tells a student, in its own words: never a word of what their code printed or raised.

A reason why a submission could not be graded is written for the instructor and may end with text from the
grading run (the last line a dying process wrote, which the student's code may have chosen). The student
reads :func:`student_reason` instead: one sentence per kind of failure, made from the grader's words only.
"""

from __future__ import annotations

import re
import time

from .ledger import Entry
from .policy import Rules

#: The grader's own reasons, by how they start, and what the student reads for each.
_REASONS = [
    (re.compile(r"exceeded the time limit of (\d+) s"),
     "Grading it took longer than its time limit ({0} s), so it was stopped. Look for a loop that does not end or "
     "work far larger than the exercises ask for, then run all cells yourself before you submit again."),
    (re.compile(r".*too large to grade"),
     "It is too large to grade: its outputs, or what it made the grader hold, went past the grader's limits. "
     "Clear the outputs (Edit > Clear Outputs of All Cells) and look for a cell that prints or keeps far too much."),
    (re.compile(r".*is too large"),
     "A notebook of it is larger than the grader takes. Clear its outputs and submit again."),
    (re.compile(r".*is not valid notebook JSON|.*does not follow the notebook format"),
     "A notebook of it is not a notebook file the grader can read. Submit the notebook you worked in, as "
     "JupyterLab saves it."),
    (re.compile(r".*holds none of the assignment's notebooks"),
     "It holds none of the assignment's notebooks (their names must stay as they were handed out)."),
    (re.compile(r".*(is a symbolic link|is a FIFO|is a character device|is a block device|is a socket|"
                r"has another name)"),
     "It holds a link or a special file instead of a notebook. Submit the notebook file itself."),
    (re.compile(r".*is a folder, not a notebook"),
     "A notebook's name in it belongs to a folder. Submit the notebook file itself."),
]
GENERIC = ("It could not be graded. Your instructor sees why; try again after checking that every cell runs "
           "(Kernel > Restart Kernel and Run All Cells).")


def student_reason(reason: str) -> str:
    """The student's sentence for the instructor's reason ``reason``."""
    for pattern, text in _REASONS:
        match = pattern.match(reason or "")
        if match:
            return text.format(*match.groups())
    return GENERIC


def utc(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


def limit_line(rules: Rules) -> str:
    """The assignment's limit in one sentence."""
    if rules.graded_per_period <= 0:
        return "There is no limit on graded submissions of this assignment."
    return ("You get %d graded submission%s of this assignment in any %s%s." % (
        rules.graded_per_period, "" if rules.graded_per_period == 1 else "s", _period(rules.period_seconds),
        "; after the due date (%s) there is no limit" % utc(rules.due_seconds()) if rules.due else ""))


def _period(seconds: float) -> str:
    minutes = seconds / 60
    if minutes >= 60 and minutes % 60 == 0:
        hours = int(minutes // 60)
        return "hour" if hours == 1 else "%d hours" % hours
    return "%g minutes" % minutes


def about_lines(entry: Entry, rules: Rules, now: float, used: int, next_slot: float) -> tuple[str, ...]:
    """The lines a feedback page shows under its title: when it was graded, which submission it is, and how
    many graded submissions remain (``used``: gradings of this assignment in the period, this one included;
    ``next_slot``: when the next one can start)."""
    lines = ["Graded %s: your submission %d of %s, received %s." % (utc(now), entry.number, entry.assignment,
                                                                    utc(entry.received))]
    if rules.graded_per_period <= 0 or rules.due_passed(now):
        lines.append("There is no limit on further graded submissions.")
    else:
        left = max(0, rules.graded_per_period - used)
        next_free = "now" if next_slot <= now + 1 else "at %s" % utc(next_slot)
        lines.append("Graded submissions left in this %s: %d of %d; the next can be graded %s." % (
            _period(rules.period_seconds), left, rules.graded_per_period, next_free))
    if rules.counts == "best":
        lines.append("Your best graded submission counts for your grade.")
    else:
        lines.append("Your newest submission received before the due date counts for your grade.")
    return tuple(lines)
