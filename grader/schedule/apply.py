"""The schedule in nbgrader's gradebook: due dates on the assignments, extensions on the submissions.

:func:`course_schedule` reads and checks a course's ``schedule.toml`` (None without one); :func:`apply_schedule`
writes it into the course's gradebook, which the formgrader, ``nbgrader export`` and the policy of the on-submit
service read. :class:`ApplySchedule`, one of the autograde preprocessors (nbgrader_config.py), does the same
for the one submission being graded, in the grading's own gradebook, right before nbgrader's
``AssignLatePenalties`` computes how late it is: nbgrader's lateness is the submission's timestamp minus the
assignment's due date plus the submission's extension.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor

from ..course import Course
from .dates import SCHEDULE_FILE, Schedule, load_schedule, utc_naive


def roster_ids(course: Course) -> set[str]:
    """The student ids of the course's gradebook."""
    from ..nbgrader_calls import quiet_gradebook

    with quiet_gradebook(), course.gradebook() as gb:
        return {student.id for student in gb.students}


def course_schedule(course: Course, check_students: bool = True) -> Schedule | None:
    """The course's checked schedule, or None when it has no schedule.toml (raises ScheduleError)."""
    path = course.root / SCHEDULE_FILE
    if not path.is_file():
        return None
    return load_schedule(path, course.assignments, roster_ids(course) if check_students else None)


def apply_schedule(course: Course, schedule: Schedule | None = None) -> list[str]:
    """Write the schedule's due dates and extensions into the course gradebook; return what changed, one line
    each. The schedule is the one place: an assignment it gives no date has none, and a submission of a
    student without an extension has none."""
    from ..nbgrader_calls import quiet_gradebook

    schedule = schedule or course_schedule(course)
    if schedule is None:
        return []
    changed = []
    with quiet_gradebook(), course.gradebook() as gb:
        for record in gb.assignments:
            due = schedule.due_of(record.name)
            value = utc_naive(due) if due else None
            if record.duedate != value:
                record.duedate = value
                changed.append("%s: due %s" % (record.name, schedule.show(due)))
            for submission in record.submissions:
                extension = schedule.extension_of(submission.student.id, record.name)
                if submission.extension != extension:
                    submission.extension = extension
                    changed.append("%s / %s: extension until %s" % (
                        submission.student.id, record.name,
                        schedule.show(schedule.due_of(record.name, submission.student.id))))
        gb.db.commit()
    return changed


class ApplySchedule(NbGraderPreprocessor):
    """Autograde step: the graded submission's due date and extension from the course's schedule.toml, written
    into the grading's gradebook before nbgrader's AssignLatePenalties reads them (no schedule: unchanged)."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        ids = resources["nbgrader"]
        root = Path(self.config.CourseDirectory.get("root") or ".")
        if not (root / SCHEDULE_FILE).is_file():
            return nb, resources
        schedule = load_schedule(root / SCHEDULE_FILE, None, None)
        assignment, student = ids["assignment"], ids["student"]
        due = schedule.due_of(assignment)
        with Gradebook(ids["db_url"]) as gb:
            record = gb.find_assignment(assignment)
            record.duedate = utc_naive(due) if due else None
            submission = gb.find_submission(assignment, student)
            submission.extension = schedule.extension_of(student, assignment)
            gb.db.commit()
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        return cell, resources


def late_seconds(timestamp: datetime.datetime | None, due: datetime.datetime | None) -> float:
    """How many seconds after ``due`` a submission made at ``timestamp`` came (both naive UTC); 0 when in time."""
    if timestamp is None or due is None:
        return 0.0
    return max(0.0, (timestamp - due).total_seconds())
