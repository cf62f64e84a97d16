"""Run an assignment's hidden checks in this process and score them with the grader's own code.

The notebook is replayed in order, as a grading kernel would run it: the setup cell, the plain code
cells that only define functions or import, every solution cell (the instructor's, or the code a test
puts in its place), and the hidden block of every test cell. The records each hidden block makes are
collected (``nncourse.record._emit`` is replaced for the run) and judged against the records of the
instructor's own run with :func:`grader.grading.verdict.judge`, exactly as CompareWithKey judges a
submission against the answer key. Visible checks and long demonstrations are not run.

This is what the tests use to show, for every graded function, that plausible bugs lose points in
their own cell only and that correct answers written another way keep full marks. Grading for real
(nbgrader, the sandbox, the answer key on disk) is tested separately, on generated submissions.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import io
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np

from conftest import REPO
from grader.authoring.solutions import instructor_solutions
from grader.course import Course
from grader.grading.keys import key_record
from grader.grading.verdict import CellVerdict, judge

COURSE = Course(REPO)


@dataclass
class Program:
    """The parts of a source notebook that a grading run executes, in notebook order."""

    folder: Path
    steps: list            # [(kind, grade_id or None, code)], kind in setup / plain / solution / hidden
    points: dict           # test grade_id -> points

    @property
    def solutions(self) -> list[str]:
        return [grade_id for kind, grade_id, _ in self.steps if kind == "solution"]

    @property
    def tests(self) -> list[str]:
        return [grade_id for kind, grade_id, _ in self.steps if kind == "hidden"]


def _only_definitions(code: str) -> bool:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    allowed = (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
    return bool(tree.body) and all(isinstance(node, allowed) for node in tree.body)


def _without_magics(code: str) -> str:
    return "\n".join(line for line in code.splitlines() if not line.startswith(("%", "!")))


_PROGRAMS: dict[str, Program] = {}


def program(assignment: str) -> Program:
    """The executable parts of ``assignment``'s (single) source notebook."""
    if assignment not in _PROGRAMS:
        (notebook,) = COURSE.source_notebooks(assignment)
        solutions = instructor_solutions(notebook)
        steps, points = [], {}
        for cell in nbformat.read(str(notebook), as_version=4).cells:
            if cell.cell_type != "code":
                continue
            info = cell.metadata.get("nbgrader", {})
            grade_id = info.get("grade_id")
            if grade_id == "setup":
                steps.append(("setup", None, _without_magics(cell.source)))
            elif info.get("solution"):
                steps.append(("solution", grade_id, solutions[grade_id]))
            elif info.get("grade"):
                hidden = cell.source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
                steps.append(("hidden", grade_id, hidden))
                points[grade_id] = float(info["points"])
            elif _only_definitions(_without_magics(cell.source)):
                steps.append(("plain", None, _without_magics(cell.source)))
        _PROGRAMS[assignment] = Program(notebook.parent, steps, points)
    return _PROGRAMS[assignment]


def run(assignment: str, replacements: dict[str, str] | None = None, solutions_kept: set[str] | None = None,
        only: set[str] | None = None) -> dict[str, list]:
    """Replay ``assignment`` with some solution cells replaced; return {test grade_id: payloads}.

    ``replacements`` maps a solution grade_id to the code that stands in its place (the student's
    answer). ``solutions_kept`` (default: all) limits which solution cells run at all: a solution
    cell left out is an exercise the student did not attempt (its name stays undefined). ``only``
    limits which hidden blocks run (default: all).
    """
    import nncourse.record as record_module

    replacements = replacements or {}
    prog = program(assignment)
    collected: dict[str, list] = {}
    current: list = []
    saved_emit = record_module._emit
    saved_path = list(sys.path)
    siblings = {p.stem for p in prog.folder.glob("*.py")}
    saved_modules = {name: sys.modules.pop(name) for name in list(sys.modules) if name in siblings}
    saved_env = os.environ.get("NBGRADER_EXECUTION")
    saved_cwd = os.getcwd()
    record_module._emit = lambda payload: current.append(copy.deepcopy(payload))
    sys.path.insert(0, str(prog.folder))
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    os.chdir(prog.folder)
    namespace: dict = {"__name__": "__main__"}
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            for kind, grade_id, code in prog.steps:
                if kind == "solution":
                    if solutions_kept is not None and grade_id not in solutions_kept \
                            and grade_id not in replacements:
                        continue
                    code = replacements.get(grade_id, code)
                if kind == "hidden":
                    if only is not None and grade_id not in only:
                        continue
                    current = []
                try:
                    exec(compile(code, "<%s %s>" % (kind, grade_id), "exec"), namespace)
                except Exception:   # a broken answer cell or hidden block: the records made so far count
                    if kind in ("setup", "plain"):
                        raise
                if kind == "hidden":
                    collected[grade_id] = current
    finally:
        record_module._emit = saved_emit
        sys.path[:] = saved_path
        for name in siblings:
            sys.modules.pop(name, None)
        sys.modules.update(saved_modules)
        os.chdir(saved_cwd)
        if saved_env is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = saved_env
    return collected


_KEYS: dict[str, dict] = {}


def key(assignment: str) -> dict:
    """{test grade_id: key cell} from the instructor's own run (cached)."""
    if assignment not in _KEYS:
        prog = program(assignment)
        _KEYS[assignment] = {grade_id: {"points": prog.points[grade_id],
                                        "records": [key_record(p) for p in payloads]}
                             for grade_id, payloads in run(assignment).items()}
    return _KEYS[assignment]


def verdicts(assignment: str, replacements: dict[str, str] | None = None,
             solutions_kept: set[str] | None = None, only: set[str] | None = None) -> dict[str, CellVerdict]:
    """{test grade_id: verdict} of a submission made of the instructor's solutions with some replaced
    (for the test cells in ``only``, or all)."""
    records = run(assignment, replacements, solutions_kept=solutions_kept, only=only)
    return {grade_id: judge(grade_id, cell, records.get(grade_id, []), None)
            for grade_id, cell in key(assignment).items() if only is None or grade_id in only}


def scores(assignment: str, replacements: dict[str, str] | None = None,
           solutions_kept: set[str] | None = None, only: set[str] | None = None) -> dict[str, float]:
    return {g: v.score for g, v in verdicts(assignment, replacements, solutions_kept, only).items()}
