"""Quiz versions at grading: the answer key of a quiz question in the letters of the student being graded.

Every student sees a quiz's options in an order of their own (:mod:`nncourse.quiz_versions`, the one place the
order is computed). The student's records speak in their letters; the key speaks in the notebook's. Before a
quiz cell is judged, :func:`student_key` renames the key's options into the student's letters, so the verdict,
its explanations and the feedback all speak the student's letters, and :func:`version_record` keeps the order
in the verdict for the class report (which counts answers per original option).

Which order: always the one of the student id the course knows (nbgrader's submission id, the folder
``submitted/<student>/`` that intake, the exchange and the on-submit service make), never an id the notebook
names. The notebook's metadata (``nncourse.quiz_version``, written by the quiz buttons) only says which version
was *shown*; :func:`grader.grading.structure.reconcile` keeps that claim (strings only, :func:`claimed_version`)
as ``nncourse.quiz_version_shown`` when it removes the student's own ``nncourse`` metadata, and:

* ``own``: it names this course and this student;
* ``common``: it names no student, or nothing was recorded: the session had no student id or no quiz buttons,
  so the notebook's own order was shown (an LMS download run at home): graded in the notebook's order, and
  flagged in the class report, since everyone answering that way shares one version;
* ``other``: it names another student or course: graded in this student's version all the same (copied
  letters then score what they score there), and flagged.
"""

from __future__ import annotations

import copy

from nncourse.quiz_versions import VERSION_KEY, option_order, question_letters, shown_letter

#: Where the grader keeps, in a graded notebook's ``nncourse`` metadata, the version its student claims was shown.
SHOWN = "quiz_version_shown"

#: What the class report and the feedback say of each kind of version (the grader's words only).
VERSION_NOTES = {
    "own": "",
    "common": "answered in the quiz's common order (no student id where it ran): graded in that order",
    "other": "answered in another student's version of the quiz: graded in this student's own version",
}


def claimed_version(notebook_metadata: dict) -> dict | None:
    """The version a submitted notebook's metadata says was shown, ``{"course": str | None, "student": str |
    None}`` (anything but a short string read as None), or None when it says nothing."""
    own = notebook_metadata.get("nncourse")
    claim = own.get(VERSION_KEY) if isinstance(own, dict) else None
    if not isinstance(claim, dict):
        return None
    return {k: v if isinstance(v, str) and 0 < len(v) <= 200 else None
            for k, v in ((k, claim.get(k)) for k in ("course", "student"))}


def shown_kind(notebook_metadata: dict, course: str, student: str) -> str:
    """``own``, ``common`` or ``other``: which version a graded notebook (its ``nncourse`` metadata as
    :func:`grader.grading.structure.reconcile` left it) says it was answered in (see the module)."""
    own = notebook_metadata.get("nncourse")
    shown = own.get(SHOWN) if isinstance(own, dict) else None
    if not isinstance(shown, dict) or not shown.get("student"):
        return "common"
    return "own" if shown.get("student") == student and shown.get("course") == course else "other"


def student_order(test_source: str, grade_id: str, course: str, student: str, kind: str) -> tuple[str, str] | None:
    """(letters, order) of a quiz test cell for this student (the notebook's order for a ``common`` notebook),
    or None when the cell is not a quiz question."""
    found = question_letters(test_source)
    if found is None:
        return None
    letters = found[1]
    return letters, (letters if kind == "common" else option_order(course, student, grade_id, letters))


def _option_name(letter: str) -> str:
    return "whether option %s is selected" % letter


def student_key(key_cell: dict, letters: str, order: str) -> dict:
    """A copy of ``key_cell`` (a quiz cell's key: ``records`` of "answer to question N", a letter, or of
    "whether option x is selected", one per original option) in the student's letters."""
    key = copy.deepcopy(key_cell)
    for rec in key["records"]:
        name, value = rec.get("name", ""), rec.get("value")
        if name.startswith("answer to question ") and isinstance(value, dict) and value.get("t") == "str":
            rec["value"] = dict(value, v=shown_letter(order, letters, str(value.get("v"))) or value.get("v"))
        elif name.startswith("whether option ") and name.endswith(" is selected"):
            original = name[len("whether option "):-len(" is selected")]
            rec["name"] = _option_name(shown_letter(order, letters, original) or original)
    by_name = {rec["name"]: rec for rec in key["records"]}
    if all(_option_name(letter) in by_name for letter in letters):   # options listed in the student's order
        key["records"] = [by_name[_option_name(letter)] for letter in letters] + [
            rec for rec in key["records"] if rec["name"] not in {_option_name(x) for x in letters}]
    return key


def version_record(letters: str, order: str, kind: str) -> dict:
    """What the verdict keeps of the version: the letters, the order (``order[i]`` shown as ``letters[i]``), and
    which version the notebook was answered in."""
    return {"letters": letters, "order": order, "shown": kind, "note": VERSION_NOTES[kind]}
