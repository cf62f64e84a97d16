"""``schedule.toml``: every due date and extension of the course, in one file, with its time zone.

::

    timezone = "Europe/Berlin"            # an IANA name: dates below are wall-clock times there

    [due]                                 # assignment = its due date
    a1_numpy_basics = "2027-01-15 17:00"
    a2_logistic_regression = "2027-01-22 17:00"

    [extensions.ada]                      # a student id of the gradebook (the roster)
    a1_numpy_basics = "2027-01-17 12:00"  # a later due date for this student ...
    a2_logistic_regression = "48h"        # ... or a length added to the due date: 90min, 48h, 2d, 1d 6h

Everything is checked before anything is used (:func:`load_schedule`), and the first problem is one line that
names the file, the entry and what is wrong: a date that does not exist (``2027-02-30``, or a time the clocks
skip in the time zone), an unknown time zone, an assignment the course does not have, an extension for a
student who is not on the roster or for an assignment without a due date, or one that ends before the due
date. Without a ``schedule.toml`` nothing changes: the gradebook's due dates (the formgrader's) stay in force.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import JobFailed

SCHEDULE_FILE = "schedule.toml"
UTC = datetime.timezone.utc
_LENGTH = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(d|day|days|h|hour|hours|min|minute|minutes)\s*")
_UNITS = {"d": 86400, "day": 86400, "days": 86400, "h": 3600, "hour": 3600, "hours": 3600, "min": 60,
          "minute": 60, "minutes": 60}


class ScheduleError(JobFailed):
    """The schedule cannot be used (the message names the file, the entry and the problem)."""


@dataclass(frozen=True)
class Schedule:
    """The checked schedule: due dates and extensions as aware datetimes in the course's zone."""

    path: Path
    zone: ZoneInfo
    due: dict[str, datetime.datetime] = field(default_factory=dict)
    extended: dict[tuple[str, str], datetime.datetime] = field(default_factory=dict)   # (student, assignment)

    def due_of(self, assignment: str, student: str | None = None) -> datetime.datetime | None:
        """The due date of ``assignment`` (for ``student``, with their extension), or None."""
        if student is not None and (student, assignment) in self.extended:
            return self.extended[student, assignment]
        return self.due.get(assignment)

    def extension_of(self, student: str, assignment: str) -> datetime.timedelta | None:
        """How much later ``student``'s due date is than the assignment's, or None without an extension."""
        if (student, assignment) not in self.extended:
            return None
        return self.extended[student, assignment] - self.due[assignment]

    def show(self, when: datetime.datetime | None) -> str:
        """``when`` as the course says it: '2027-01-15 17:00 CET'."""
        if when is None:
            return "none"
        return when.astimezone(self.zone).strftime("%Y-%m-%d %H:%M %Z")

    def fingerprint(self, student: str, assignment: str) -> bytes:
        """What a submission's grade depends on in the schedule (the class grader's state hashes it)."""
        due = self.due_of(assignment, student)
        return b"" if due is None else b"\2due " + due.astimezone(UTC).isoformat().encode()


def utc_naive(when: datetime.datetime) -> datetime.datetime:
    """nbgrader's convention: a naive datetime in UTC."""
    return when.astimezone(UTC).replace(tzinfo=None)


def parse_length(text: str) -> datetime.timedelta | None:
    """'48h', '2d', '90min', '1d 6h' as a timedelta; None when ``text`` is not a length."""
    position, seconds = 0, 0.0
    while position < len(text):
        match = _LENGTH.match(text, position)
        if not match or match.end() == position:
            return None
        seconds += float(match[1]) * _UNITS[match[2]]
        position = match.end()
    return datetime.timedelta(seconds=seconds) if position and seconds > 0 else None


def _local(value, zone: ZoneInfo, where: str) -> datetime.datetime:
    """A wall-clock time in ``zone`` (a 'YYYY-MM-DD HH:MM' string, or a TOML date-time) as an aware datetime."""
    if isinstance(value, datetime.datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = datetime.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
        except ValueError:
            try:
                when = datetime.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
            except ValueError:
                raise ScheduleError("%s: %r is not a date and time that exists; write YYYY-MM-DD HH:MM, e.g. "
                                    "\"2027-01-15 17:00\"" % (where, value)) from None
    else:
        raise ScheduleError("%s: %r should be a date and time in quotes (\"YYYY-MM-DD HH:MM\")" % (where, value))
    if when.tzinfo is not None:          # a TOML date-time with an offset: a moment of its own
        return when.astimezone(zone)
    aware = when.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != when:
        raise ScheduleError("%s: %s does not exist in %s (the clocks skip it)" % (where, when, zone.key))
    return aware


def load_schedule(path: Path, assignments: list[str] | None, students: set[str] | None) -> Schedule:
    """Read and check ``path`` against the course's ``assignments`` and the roster's ``students`` (None: not
    checked; a grading workspace holds one assignment and no roster). Raises ScheduleError, naming the file, on the first problem."""
    name = path.name if path.parent == Path(".") else str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleError("%s: not valid TOML: %s" % (name, exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScheduleError("%s cannot be read: %s" % (name, exc)) from None
    unknown = sorted(set(data) - {"timezone", "due", "extensions"})
    if unknown:
        raise ScheduleError("%s: unknown entries %s (it holds timezone, [due] and [extensions.<student>])"
                            % (name, ", ".join(unknown)))
    if not isinstance(data.get("timezone"), str):
        raise ScheduleError("%s: timezone = \"...\" is missing (an IANA name such as \"Europe/Berlin\" or \"UTC\")"
                            % name)
    try:
        zone = ZoneInfo(data["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError("%s: timezone %r is not a time zone (an IANA name such as \"Europe/Berlin\")"
                            % (name, data["timezone"])) from None
    due = {}
    for assignment, value in (data.get("due") or {}).items():
        if assignments is not None and assignment not in assignments:
            raise ScheduleError("%s: due.%s: the course has no such assignment (it has %s)"
                                % (name, assignment, ", ".join(assignments)))
        due[assignment] = _local(value, zone, "%s: due.%s" % (name, assignment))
    extended = {}
    extensions = data.get("extensions") or {}
    if not isinstance(extensions, dict):
        raise ScheduleError("%s: extensions should be tables [extensions.<student>]" % name)
    for student, entries in extensions.items():
        where = "%s: extensions.%s" % (name, student)
        if students is not None and student not in students:
            raise ScheduleError("%s: %r is not a student of the course (import the roster first: python -m "
                                "grader roster)" % (where, student))
        if not isinstance(entries, dict):
            raise ScheduleError("%s: should be a table of assignment = date or length" % where)
        for assignment, value in entries.items():
            here = "%s.%s" % (where, assignment)
            if assignments is not None and assignment not in assignments:
                raise ScheduleError("%s: the course has no such assignment" % here)
            if assignment not in due:
                raise ScheduleError("%s: %s has no due date in [due] to extend" % (here, assignment))
            length = parse_length(value) if isinstance(value, str) else None
            new = due[assignment] + length if length else _local(value, zone, here)
            if new <= due[assignment]:
                raise ScheduleError("%s: %s is not after the due date %s" % (
                    here, new.strftime("%Y-%m-%d %H:%M"), due[assignment].strftime("%Y-%m-%d %H:%M")))
            extended[student, assignment] = new
    return Schedule(path, zone, due, extended)
