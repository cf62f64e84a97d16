"""What the grader writes into a graded notebook's metadata, and how it is read back.

Everything the grader keeps in a notebook lives under one key, ``nncourse`` (:data:`META`); a student's
own ``nncourse`` metadata is removed before grading (:mod:`grader.grading.structure`), so only the grader
writes there:

* ``notebook.metadata.nncourse.structure_notes``: one line per change the student made to the notebook's
  structure (written by :func:`grader.grading.structure.reconcile`);
* ``notebook.metadata.nncourse.submitted_sha256``: the file that was graded (``RestoreStructure``);
* ``cell.metadata.nncourse.restored``: a locked cell the grader put back;
* ``cell.metadata.nncourse.verdict``: the verdict of a graded test cell (``CompareWithKey``).

The feedback pages and the class report read them through the functions here.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

META = "nncourse"


def structure_notes(nb) -> list[str]:
    """The notes :func:`grader.grading.structure.reconcile` left in a (graded) notebook."""
    meta = nb.metadata.get(META, {})
    notes = meta.get("structure_notes", []) if isinstance(meta, dict) else []
    return [str(n) for n in notes] if isinstance(notes, list) else []


def is_restored(cell) -> bool:
    """Whether the grader put this cell back (the student had deleted it)."""
    meta = cell.metadata.get(META)
    return isinstance(meta, dict) and meta.get("restored") is True


def verdict_of(cell) -> dict | None:
    """The verdict the grader kept in a graded test cell (None when there is none)."""
    meta = cell.metadata.get(META)
    verdict = meta.get("verdict") if isinstance(meta, dict) else None
    return verdict if isinstance(verdict, dict) else None


def submission_notes(folder) -> list[str]:
    """The structure notes of every graded notebook in an autograded submission folder (each
    prefixed with its notebook's name when the assignment has several)."""
    paths = sorted(Path(folder).glob("*.ipynb"))
    notes = []
    for path in paths:
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception:  # an unreadable autograded notebook has no notes to give
            continue
        prefix = "%s: " % path.stem if len(paths) > 1 else ""
        notes += [prefix + note for note in structure_notes(nb)]
    return notes
