"""Grades as files the LMS's own gradebook import takes as they are: ``python -m grader lms-export``.

* **Canvas** (*Grades -> Import*): the columns of Canvas's own gradebook export, ``Student`` ("Last, First"),
  ``ID`` (Canvas's user id), ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per assignment,
  and a second row ``Points Possible``. Canvas matches a row to a student by ``ID`` (or the SIS ids); a column
  named like an existing Canvas assignment, ``Name (id)`` as its export names it, updates it, any other name
  creates an assignment. ``c.LmsExport.columns`` gives the Canvas name of an assignment (default: its folder
  name).
* **Moodle** (*Grades -> Import -> CSV file*): ``First name``, ``Last name``, ``ID number``, ``Email address``,
  then one column per assignment; in Moodle's import, map *Email address* to *Email address* under "Identify
  user by", and each assignment column to its grade item.

Each score is the gradebook's (the instructor's manual changes included) less the late penalty, to two
decimals; a student with no graded submission has an empty cell (both imports leave those grades alone).
``reports/lms/<lms>_grades.csv`` holds every assignment; ``reports/lms/<lms>_<assignment>.csv`` one each.
"""

from __future__ import annotations

import csv
from pathlib import Path

from traitlets import Dict
from traitlets.config import Configurable

from ..course import Course

LMS = ("canvas", "moodle")


class LmsExport(Configurable):
    """How the LMS files name the assignments (``c.LmsExport.*`` in nbgrader_config.py)."""

    columns = Dict(help="The LMS's name of each assignment's column, e.g. {'a1_numpy_basics': 'Python basics "
                        "(4021)'} (Canvas: the name and id its own export shows); default: the folder name"
                   ).tag(config=True)


def final_scores(course: Course, assignments: list[str]) -> tuple[list[dict], dict[str, dict[str, float]],
                                                                   dict[str, float]]:
    """(students as the gradebook knows them, {student: {assignment: score less late penalty}},
    {assignment: max score})."""
    from nbgrader.api import MissingEntry

    from ..nbgrader_calls import quiet_gradebook

    scores: dict[str, dict[str, float]] = {}
    maxima: dict[str, float] = {}
    with quiet_gradebook(), course.gradebook() as gb:
        students = [{"id": s.id, "first_name": s.first_name or "", "last_name": s.last_name or "",
                     "email": s.email or "", "lms_user_id": s.lms_user_id or ""} for s in gb.students]
        for assignment in assignments:
            try:
                record = gb.find_assignment(assignment)
            except MissingEntry:
                continue
            maxima[assignment] = float(record.max_score or 0)
            for submission in record.submissions:
                penalty = sum(nb.late_submission_penalty or 0.0 for nb in submission.notebooks)
                raw = sum(nb.score or 0.0 for nb in submission.notebooks)
                scores.setdefault(submission.student.id, {})[assignment] = round(max(0.0, raw - penalty), 2)
    return sorted(students, key=lambda s: s["id"]), scores, maxima


def _number(value: float | None) -> str:
    return "" if value is None else "%g" % value


def write_canvas(path: Path, students: list[dict], scores: dict, maxima: dict, names: dict[str, str]) -> Path:
    assignments = list(maxima)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
                        + [names.get(a, a) for a in assignments])
        writer.writerow(["Points Possible", "", "", "", ""] + [_number(maxima[a]) for a in assignments])
        for s in students:
            name = ", ".join(n for n in (s["last_name"], s["first_name"]) if n) or s["id"]
            writer.writerow([name, s["lms_user_id"], "", s["id"], ""]
                            + [_number(scores.get(s["id"], {}).get(a)) for a in assignments])
    return path


def write_moodle(path: Path, students: list[dict], scores: dict, maxima: dict, names: dict[str, str]) -> Path:
    assignments = list(maxima)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First name", "Last name", "ID number", "Email address"]
                        + [names.get(a, a) for a in assignments])
        for s in students:
            writer.writerow([s["first_name"], s["last_name"], s["lms_user_id"], s["email"]]
                            + [_number(scores.get(s["id"], {}).get(a)) for a in assignments])
    return path


def export_lms_files(course: Course, lms: str, assignments: list[str] | None = None,
                     folder: Path | None = None) -> list[Path]:
    """Write the course file and one file per assignment for ``lms`` ('canvas' or 'moodle'); return them."""
    assignments = assignments or course.assignments
    folder = folder or course.folder("reports") / "lms"
    folder.mkdir(parents=True, exist_ok=True)
    students, scores, maxima = final_scores(course, assignments)
    names = dict(LmsExport(config=course.config).columns)
    write = write_canvas if lms == "canvas" else write_moodle
    paths = [write(folder / ("%s_grades.csv" % lms), students, scores, maxima, names)]
    for assignment in maxima:
        paths.append(write(folder / ("%s_%s.csv" % (lms, assignment)), students, scores,
                           {assignment: maxima[assignment]}, names))
    return paths
