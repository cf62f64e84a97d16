"""What a grading run leaves for the instructor, in numbers: scores per exercise, nbgrader's grades CSV and
the per-exercise CSV with a status column.

Scores come from the course gradebook (which holds the instructor's manual changes too); the results of the
run (:class:`~grader.run.jobs.GradeResult`) say which submissions could not be graded and why.
"""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..course import Course
from ..errors import JobFailed
from ..grading.metadata import submission_notes
from ..nbgrader_calls import last_line
from ..run.jobs import GradeResult


def exercise_name(grade_id: str) -> str:
    """'softmax' for the test cell 'softmax_test'."""
    return grade_id[:-5] if grade_id.endswith("_test") else grade_id


def export_grades(course: Course, path: Path) -> Path:
    """Write nbgrader's grades CSV (one row per student and assignment) with its own CLI."""
    path.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", str(path)],
                          cwd=course.root, capture_output=True, text=True)
    if done.returncode != 0:
        raise JobFailed("nbgrader export failed: %s" % last_line(done.stderr))
    return path


def write_exercise_csv(course: Course, results: list[GradeResult], path: Path) -> Path:
    """One row per graded cell of each submission: status, reason, score, and the changes the student
    made to the notebook's structure (``notes``, the same on every row of a submission)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assignment", "student", "status", "reason", "exercise", "score", "max_score",
                         "notes", "submitted_utc", "due_utc", "minutes_late", "late_penalty"])
        for assignment in sorted({r.assignment for r in results}):
            columns, scores, maxima = exercise_scores(course, assignment)
            lateness = submission_lateness(course, assignment)
            for result in sorted((r for r in results if r.assignment == assignment),
                                 key=lambda r: r.student):
                if not result.ok:
                    writer.writerow([assignment, result.student, "not graded", result.reason, "", "", "", "",
                                     "", "", "", ""])
                    continue
                late = lateness.get(result.student, Lateness())
                row = scores.get(result.student, {})
                status = "graded UNSANDBOXED" if result.unsandboxed else "graded"
                notes = " | ".join(submission_notes(course.folder("autograded") / result.student / assignment))
                remark = "; ".join(([result.unsandboxed] if result.unsandboxed else []) + result.notes)
                for grade_id in columns:
                    writer.writerow([assignment, result.student, status, remark, grade_id,
                                     "%g" % (row.get(grade_id) or 0), "%g" % maxima[grade_id], notes,
                                     late.submitted, late.due, late.minutes, late.penalty])
    return path


@dataclass
class Lateness:
    """When a submission came, its student's due date, how late it was and the points its late policy took
    off (grader.schedule.late), as the CSV and the class report write them."""

    submitted: str = ""    # '2027-01-15 20:10:00' (UTC)
    due: str = ""          # the student's due date, with their extension (UTC)
    minutes: str = ""      # '190' ('' when in time or without a due date)
    penalty: str = ""      # points taken off the whole submission ('' when none)


def submission_lateness(course: Course, assignment: str) -> dict[str, Lateness]:
    """Per student, the lateness of their submission of ``assignment`` in the gradebook."""
    from nbgrader.api import MissingEntry

    out = {}
    with course.gradebook() as gb:
        try:
            record = gb.find_assignment(assignment)
        except MissingEntry:
            return {}
        for submission in record.submissions:
            stamp, due = submission.timestamp, submission.duedate
            seconds = submission.total_seconds_late or 0.0
            penalty = sum(nb.late_submission_penalty or 0.0 for nb in submission.notebooks)
            out[submission.student.id] = Lateness(
                stamp.strftime("%Y-%m-%d %H:%M:%S") if stamp else "", due.strftime("%Y-%m-%d %H:%M:%S") if due else "",
                "%d" % math.ceil(seconds / 60) if seconds > 0 else "", "%g" % penalty if penalty else "")
    return out


def exercise_scores(course: Course, assignment: str) -> tuple[list[str], dict[str, dict[str, float]], dict[str, float]]:
    """Per-exercise autograded scores of every graded student of one assignment.

    Returns (grade_ids in notebook order, {student: {grade_id: score}}, {grade_id: max points}).
    """
    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        try:
            record = gb.find_assignment(assignment)
        except MissingEntry:
            return [], {}, {}
        maxima: dict[str, float] = {}
        order = grade_cell_order(course, assignment)
        scores: dict[str, dict[str, float]] = {}
        for submission in record.submissions:
            row = {}
            for nb_sub in submission.notebooks:
                for grade in nb_sub.grades:
                    row[grade.name] = grade.score
                    maxima[grade.name] = grade.max_score
            scores[submission.student.id] = row
        columns = [g for g in order if g in maxima] + sorted(set(maxima) - set(order))
    return columns, scores, maxima


def grade_cell_order(course: Course, assignment: str) -> list[str]:
    order = []
    for path in course.source_notebooks(assignment):
        for cell in nbformat.read(str(path), as_version=4).cells:
            info = cell.metadata.get("nbgrader", {})
            if info.get("grade"):
                order.append(info["grade_id"])
    return order
