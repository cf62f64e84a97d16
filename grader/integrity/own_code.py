"""What each student wrote themselves in one assignment: their solution cells, minus what was given.

A solution cell of a release notebook holds given code (the signature, the docstring, the scaffolding around
``# YOUR CODE HERE``); a submitted cell keeps it. A line of a student's cell whose text (spaces at its ends
aside) is a line of the released cell is given, wherever it stands; every other line is the student's own. Only
the own lines' tokens are fingerprinted. Cells a student added, and every cell that is not a solution cell (the
instructor's checks, Markdown), are left out.

The submissions are read from ``submitted/<student>/<assignment>/<notebook>.ipynb``: regular files only, of at
most :data:`grader.safefiles.NOTEBOOK_BYTES` (:mod:`grader.safefiles`); a file that cannot be read as a notebook
is skipped with a one-line note naming it and the problem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..authoring.solutions import instructor_solutions
from ..course import Course
from ..safefiles import NOTEBOOK_BYTES, Refused, read_bytes
from .fingerprints import Fingerprint, cell_fingerprints
from .tokens import normalised_tokens


@dataclass
class OwnCode:
    """One author's solution cells of an assignment: ``cells`` {grade_id: source as handed in}, ``own``
    {grade_id: the 0-based lines they wrote}, and the ``fingerprints`` of those lines."""

    author: str
    cells: dict[str, str] = field(default_factory=dict)
    own: dict[str, set[int]] = field(default_factory=dict)
    fingerprints: list[Fingerprint] = field(default_factory=list)


@dataclass
class Template:
    """What a solution cell gives every student: per grade_id, the stripped lines of the released cell
    (``given``), in notebook order (``order``, for showing cells as the notebook does)."""

    given: dict[str, set[str]]
    order: list[str]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def solution_cells(notebook: dict) -> dict[str, str]:
    """{grade_id: source} of the code solution cells of a notebook (as JSON), first of each grade_id."""
    cells = {}
    for cell in notebook.get("cells", []) if isinstance(notebook, dict) else []:
        info = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if isinstance(info, dict) and info.get("solution") and cell.get("cell_type") == "code":
            grade_id = info.get("grade_id")
            if isinstance(grade_id, str) and grade_id not in cells:
                cells[grade_id] = _source(cell)
    return cells


def load_template(course: Course, assignment: str) -> Template:
    """The released solution cells of ``assignment`` (release/ must be generated)."""
    given: dict[str, set[str]] = {}
    order: list[str] = []
    for notebook in course.source_notebooks(assignment):
        path = course.folder("release") / assignment / notebook.name
        for grade_id, source in solution_cells(json.loads(path.read_text())).items():
            given[grade_id] = {line.strip() for line in source.splitlines()}
            order.append(grade_id)
    return Template(given, order)


def own_code(author: str, cells: dict[str, str], template: Template) -> OwnCode:
    """``cells`` ({grade_id: source}) reduced to what ``author`` wrote, with its fingerprints."""
    code = OwnCode(author)
    for grade_id in template.order:
        if grade_id not in cells:
            continue
        source = cells[grade_id]
        given = template.given[grade_id]
        own = {i for i, line in enumerate(source.splitlines()) if line.strip() and line.strip() not in given}
        code.cells[grade_id], code.own[grade_id] = source, own
        tokens = [t for t in normalised_tokens(source) if t.line in own]
        code.fingerprints += cell_fingerprints(grade_id, tokens)
    return code


def instructor_code(course: Course, assignment: str, template: Template) -> OwnCode:
    """The instructor's solution cells (source/, markers removed) reduced the same way."""
    cells: dict[str, str] = {}
    for notebook in course.source_notebooks(assignment):
        cells.update(instructor_solutions(notebook))
    return own_code("instructor", cells, template)


def read_submission(course: Course, student: str, assignment: str) -> tuple[dict[str, str], list[str]]:
    """A student's solution cells of ``assignment`` ({grade_id: source}) and one line per notebook that could
    not be read ('submitted/s1/a1/nb.ipynb: not valid notebook JSON (...)')."""
    base = course.folder("submitted")
    cells, problems = {}, []
    for notebook in course.source_notebooks(assignment):
        path = base / student / assignment / notebook.name
        shown = path.relative_to(course.root)
        if not path.exists() and not path.is_symlink():
            continue
        try:
            data = json.loads(read_bytes(path, NOTEBOOK_BYTES, base=base))
        except Refused as exc:
            problems.append("submitted/%s: %s" % (exc.name, exc.why))
            continue
        except (OSError, ValueError) as exc:
            problems.append("%s: not valid notebook JSON (%s)" % (shown, str(exc).splitlines()[0][:120]))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            problems.append("%s: not a notebook (no list of cells)" % shown)
            continue
        cells.update(solution_cells(data))
    return cells, problems


def submitted_students(course: Course, assignment: str) -> list[str]:
    """The students with a folder for ``assignment`` in submitted/, sorted."""
    folder = course.folder("submitted")
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.is_symlink()
                  and (p / assignment).is_dir() and not (p / assignment).is_symlink())


def read_class(course: Course, assignment: str, template: Template) -> tuple[list[OwnCode], list[str]]:
    """Every submitting student's own code of ``assignment``, and the problems met reading them."""
    codes, problems = [], []
    for student in submitted_students(course, assignment):
        cells, trouble = read_submission(course, student, assignment)
        problems += trouble
        if cells:
            codes.append(own_code(student, cells, template))
    return codes, problems

