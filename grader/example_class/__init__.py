"""An example class: submissions made from release/, each with the scores it must get.

Every example student is described per assignment by a :class:`Submission`:
which solution cells they filled in and with what, any extra cells they added
(the cheats), and the score each graded cell must receive. The notebooks are
written from the current release/ at demo or test time, so they can never
drift from the assignment.

``SOLUTION`` stands for the instructor's own solution cell (taken from source/
with its solution markers removed).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil

import nbformat
from nbformat.v4 import new_code_cell

from ..authoring.solutions import instructor_solutions
from ..course import Course
from .model import SOLUTION, Submission


def _discover() -> dict[str, dict[str, Submission]]:
    """Each module of this package named after an assignment (``a<N>_...``) holds that assignment's STUDENTS."""
    profiles = {}
    for info in pkgutil.iter_modules(__path__):
        if not re.match(r"a\d+_", info.name):
            continue   # model.py, synthetic.py
        module = importlib.import_module("%s.%s" % (__name__, info.name))
        if hasattr(module, "STUDENTS"):
            profiles[info.name] = module.STUDENTS
    return dict(sorted(profiles.items()))


#: assignment -> {student: Submission}
PROFILES: dict[str, dict[str, Submission]] = _discover()


def fill_in(release_nb, submission: Submission, solutions: dict[str, str]):
    """A copy of a release notebook answered as ``submission`` says."""
    nb = nbformat.from_dict(json.loads(json.dumps(release_nb)))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in submission.answers and cell.metadata.nbgrader.get("solution"):
            answer = submission.answers[grade_id]
            cell.source = solutions[grade_id] if answer is SOLUTION else answer.strip("\n")
    if submission.extra_cells:
        setup_at = next(i for i, c in enumerate(nb.cells)
                        if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
        for offset, code in enumerate(submission.extra_cells, start=1):
            nb.cells.insert(setup_at + offset, new_code_cell(code.strip("\n")))
    return nb


def write_class(course: Course, assignments: list[str] | None = None) -> dict[str, dict[str, Submission]]:
    """Write the example class into submitted/, replacing earlier copies of its students.

    Returns {assignment: {student: Submission}} for what was written.
    """
    written = {}
    for assignment in assignments or course.assignments:
        profiles = PROFILES.get(assignment, {})
        if not profiles:
            continue
        for notebook in course.source_notebooks(assignment):
            release_path = course.folder("release") / assignment / notebook.name
            release_nb = nbformat.read(str(release_path), as_version=4)
            solutions = instructor_solutions(notebook)
            for student, submission in profiles.items():
                folder = course.folder("submitted") / student / assignment
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                target = folder / notebook.name
                if submission.raw_text is not None:
                    target.write_text(submission.raw_text)
                else:
                    nbformat.write(fill_in(release_nb, submission, solutions), str(target))
        written[assignment] = profiles
    return written
