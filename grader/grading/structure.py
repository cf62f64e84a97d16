"""Grade a submission from the cells the instructor wrote, whatever the student did to them.

nbgrader identifies the cells it grades by their metadata (``metadata.nbgrader``),
which lives in the student's file. Students delete, copy, split and retype cells,
and a hostile one edits the metadata; plain nbgrader then fails the whole
submission (``KeyError: 'grade_id'``, "Inconsistent checksums") or grades the
wrong thing. :class:`RestoreStructure` runs first, before nbgrader's own
sanitising steps, and puts the instructor's structure back:

=========================================  ==================================================
what the student did                       what grading does
=========================================  ==================================================
deleted a graded (test) cell               put back where it was; scores 0
deleted a locked cell (the setup cell)     put back where it was
deleted an answer cell                     nothing to put back: its tests run on whatever the
                                           notebook defines
copied a cell with nbgrader metadata       the first copy keeps its role; later copies run as
                                           ordinary cells and are not graded
added a cell claiming grade metadata       runs as an ordinary cell, not graded
(or an id the assignment does not have)
changed a cell's flags (grade, solution,   the instructor's flags come back (nbgrader then
locked, points, task) or its type          restores a locked cell's source)
wrote hidden-test markers in its own cell  runs as ordinary code (the markers are comments)
=========================================  ==================================================

Each change is one line in ``notebook.metadata.nncourse.structure_notes``: the
feedback and the instructor's reports show them. Any ``nncourse`` metadata the
student wrote is removed first, so only the grader writes there.
"""

from __future__ import annotations

import copy
import hashlib
import os
from dataclasses import dataclass, field

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell
from nbgrader.preprocessors import NbGraderPreprocessor

from .metadata import META
from .versions import SHOWN, claimed_version

HIDDEN_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
_FLAGS = ("grade", "solution", "locked", "task", "points")


def _label(grade_id: object) -> str:
    """A grade_id as the notes quote it (the student may have typed it: short, printable)."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(grade_id))
    return repr(text[:40] + ("..." if len(text) > 40 else ""))


def _role(info: dict) -> str:
    if info.get("grade") and not info.get("solution"):
        return "graded cell"
    if info.get("solution"):
        return "answer cell"
    return "locked cell" if info.get("locked") else "cell"


def _claims(meta: object) -> bool:
    return isinstance(meta, dict) and any(meta.get(flag) for flag in ("grade", "solution", "locked", "task"))


@dataclass
class Reconciled:
    """The outcome of :func:`reconcile`: what was changed, and what each cell is now."""

    notes: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)     # grade_ids put back
    roles: list[str | None] = field(default_factory=list)  # per submitted cell: its grade_id or None


def reconcile(nb, instructor_cells: list) -> Reconciled:
    """Restore the instructor's structure in ``nb`` (in place); see the module docstring.

    ``instructor_cells`` are the cells of the instructor's notebook (source/) in order; only
    those with nbgrader metadata matter. ``roles`` of the result lists, for each cell of the
    notebook *as submitted*, the grade_id it is graded as (None for an ordinary cell).
    """
    out = Reconciled()
    instructor = {}
    order = []
    for cell in instructor_cells:
        info = cell.get("metadata", {}).get("nbgrader")
        if isinstance(info, dict) and isinstance(info.get("grade_id"), str):
            instructor[info["grade_id"]] = cell
            order.append(info["grade_id"])

    shown = claimed_version(nb.metadata)   # the quiz version the student's session showed (a claim, kept apart)
    nb.metadata.pop(META, None)
    seen: set[str] = set()
    for cell in nb.cells:
        cell.metadata.pop(META, None)
        meta = cell.metadata.get("nbgrader")
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        role = None
        if meta is not None and (not isinstance(grade_id, str) or grade_id not in instructor):
            if _claims(meta):
                out.notes.append("An added cell claims to be an nbgrader cell%s: it ran as an ordinary cell "
                                 "and was not graded." % (
                                     " (id %s)" % _label(grade_id) if grade_id is not None else ""))
            del cell.metadata["nbgrader"]
        elif meta is not None and grade_id in seen:
            out.notes.append("The %s %s appears more than once: the first copy was used, the others ran "
                             "as ordinary cells and were not graded." % (
                                 _role(instructor[grade_id].metadata.nbgrader), _label(grade_id)))
            del cell.metadata["nbgrader"]
        elif meta is not None:
            seen.add(grade_id)
            role = grade_id
            _restore_flags(cell, instructor[grade_id], out)
        if role is None or not instructor[role].metadata.nbgrader.get("grade"):
            if cell.cell_type == "code" and any(m in cell.source for m in HIDDEN_MARKERS):
                out.notes.append("A cell of the submission contains a hidden-test marker (### BEGIN/END "
                                 "HIDDEN TESTS): it ran as ordinary code.")
        out.roles.append(role)

    _put_back_missing(nb, instructor, order, seen, out)
    if out.notes:
        nb.metadata[META] = {"structure_notes": out.notes}
    if shown is not None:
        nb.metadata.setdefault(META, {})[SHOWN] = shown
    return out


def _restore_flags(cell, original, out: Reconciled) -> None:
    """Give a recognised cell the instructor's nbgrader metadata and cell type back."""
    grade_id = original.metadata.nbgrader["grade_id"]
    want = original.metadata.nbgrader
    have = cell.metadata.nbgrader
    changed = [flag for flag in _FLAGS
               if bool(have.get(flag)) != bool(want.get(flag))
               or (flag == "points" and want.get("grade") and have.get(flag) != want.get(flag))]
    if cell.cell_type != original.cell_type:
        changed.append("cell type")
        _set_type(cell, original.cell_type)
    if changed:
        out.notes.append("The %s %s had its nbgrader metadata changed (%s): it was graded as the "
                         "instructor wrote it." % (_role(want), _label(grade_id), ", ".join(changed)))
    cell.metadata.nbgrader = copy.deepcopy(dict(want))


def _set_type(cell, cell_type: str) -> None:
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.outputs, cell.execution_count = [], None
        cell.pop("attachments", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _put_back_missing(nb, instructor: dict, order: list[str], seen: set[str], out: Reconciled) -> None:
    """Insert missing graded and locked cells after the instructor cell before them."""
    for index, grade_id in enumerate(order):
        if grade_id in seen:
            continue
        original = instructor[grade_id]
        info = original.metadata.nbgrader
        if info.get("solution") and not info.get("locked"):
            out.notes.append("The answer cell %s was deleted: its checks ran on whatever the rest of the "
                             "notebook defines." % _label(grade_id))
            continue
        if not (info.get("grade") or info.get("locked")):
            continue
        make = new_code_cell if original.cell_type == "code" else new_markdown_cell
        cell = make(original.source, metadata={"nbgrader": copy.deepcopy(dict(info)), META: {"restored": True}})
        before = [g for g in order[:index] if g in seen]
        at = 0
        if before:
            at = 1 + next(i for i, c in enumerate(nb.cells)
                          if c.metadata.get("nbgrader", {}).get("grade_id") == before[-1])
        nb.cells.insert(at, cell)
        seen.add(grade_id)
        out.restored.append(grade_id)
        if info.get("grade"):
            out.notes.append("The %s %s was deleted: it was put back and scores 0." % (_role(info),
                                                                                      _label(grade_id)))
        else:
            out.notes.append("The %s %s was deleted: it was put back." % (_role(info), _label(grade_id)))


def instructor_notebook(coursedir, assignment: str, notebook: str):
    """The instructor's notebook (source/) of a graded notebook."""
    path = os.path.join(coursedir.format_path(coursedir.source_directory, ".", assignment),
                        "%s.ipynb" % notebook)
    return nbformat.read(path, as_version=4)


def file_sha256(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


class RestoreStructure(NbGraderPreprocessor):
    """nbgrader step (first of ``Autograde.sanitize_preprocessors``): :func:`reconcile` against
    the instructor's notebook, and remember which file was graded (its SHA-256), so that the
    feedback is made from exactly that file."""

    def preprocess(self, nb, resources):
        ids = resources["nbgrader"]
        owner = self.parent   # the exporter, whose parent is nbgrader's Autograde converter
        while getattr(owner, "coursedir", None) is None:
            owner = owner.parent
        coursedir = owner.coursedir
        original = instructor_notebook(coursedir, ids["assignment"], ids["notebook"])
        result = reconcile(nb, original.cells)
        for note in result.notes:
            self.log.warning("%s: %s", ids["student"], note)
        submitted = os.path.join(resources["metadata"]["path"], "%s.ipynb" % ids["notebook"])
        if os.path.isfile(submitted):
            nb.metadata.setdefault(META, {})["submitted_sha256"] = file_sha256(submitted)
        return nb, resources
