"""The score table that ``python -m grader grade`` prints: a student x exercise table per assignment, then the
notes (structure changes, submissions not graded, files refused or not used)."""

from __future__ import annotations

from ..course import Course
from ..grading.metadata import submission_notes
from ..run.jobs import GradeResult
from .results import exercise_name, exercise_scores


def score_table(course: Course, results: list[GradeResult]) -> str:
    """A student x exercise table per assignment, then one line per submission not graded."""
    lines = []
    unsandboxed = next((r.unsandboxed for r in results if r.unsandboxed), "")
    if unsandboxed:
        lines += ["", "WARNING: these submissions were graded WITHOUT the sandbox (%s)." % unsandboxed]
    failed = {(r.student, r.assignment): r.reason for r in results if not r.ok}
    for assignment in sorted({r.assignment for r in results}):
        columns, scores, maxima = exercise_scores(course, assignment)
        students = sorted({r.student for r in results if r.assignment == assignment})
        if not students:
            continue
        headers = ["student"] + [exercise_name(c) for c in columns] + ["total"]
        rows = []
        for student in students:
            if (student, assignment) in failed:
                rows.append([student] + ["-"] * len(columns) + ["not graded"])
                continue
            row = scores.get(student, {})
            total = sum(row.get(c) or 0 for c in columns)
            rows.append([student] + ["%g" % (row.get(c) or 0) for c in columns]
                        + ["%g / %g" % (total, sum(maxima.values()))])
        widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
        fmt = "  ".join(("%%-%ds" if i == 0 else "%%%ds") % w for i, w in enumerate(widths))
        lines.append("")
        lines.append("Scores for %s (points per exercise)" % assignment)
        lines.append(fmt % tuple(headers))
        lines.append(fmt % tuple("-" * w for w in widths))
        lines.extend(fmt % tuple(r) for r in rows)
    changed = [(r.student, r.assignment, note) for r in results if r.ok
               for note in submission_notes(course.folder("autograded") / r.student / r.assignment)]
    if changed:
        lines.append("")
        lines.append("Notebooks whose structure the student changed (graded from the instructor's cells):")
        lines.extend("  %s / %s: %s" % entry for entry in changed)
    if failed:
        lines.append("")
        lines.append("Submissions that could not be graded:")
        for (student, assignment), reason in sorted(failed.items()):
            lines.append("  %s / %s: %s" % (student, assignment, reason))
    noted = sorted((r for r in results if r.notes), key=lambda r: (r.student, r.assignment))
    if noted:
        lines.append("")
        lines.append("Files of submissions refused or not used (only the notebooks are graded):")
        for result in noted:
            lines += ["  %s / %s: %s" % (result.student, result.assignment, note) for note in result.notes]
    return "\n".join(lines)
