"""Submissions generated from source/ and graded for real (nbgrader, the sandbox, the answer key on disk),
one class run for all the assignments with graded functions:

* ``constant``: every graded function returns, whatever its inputs, the value its checks expect most
  often (read from the answer key) - 0 in every cell;
* ``raising``: every graded function raises (the exception a check of its cell expects, if one does,
  else a ValueError whose message repeats its inputs) - 0 in every cell, and the message is nowhere in
  the feedback;
* ``bugs``: every graded function has a plausible bug of tests/catalogue.py - below full marks in every
  cell (each cell's bug is its own: the later exercises are also checked with stand-ins);
* ``variants``: every graded function is a correct answer written another way - full marks everywhere.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from catalogue import CATALOGUE
from conftest import copy_course, selected
from grader.authoring.release import build_keys, generate_release
from grader.authoring.solutions import instructor_solutions
from grader.example_class import fill_in
from grader.example_class.model import SOLUTION, Submission
from grader.outputs.results import exercise_scores
from grader.run.classgrade import grade_class
from grader.sandbox import probe
from trivial_answers import LEAK_MARK, trivial_submissions

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(probe(200000) is not None, reason="no bubblewrap sandbox here: %s"
                                 % probe(200000))]
ASSIGNMENTS = selected(list(CATALOGUE))
STUDENTS = ("constant", "raising", "bugs", "variants")


def _answers(course, assignment: str) -> dict[str, dict[str, str]]:
    (notebook,) = course.source_notebooks(assignment)
    key = json.loads((course.key_directory / assignment / (notebook.stem + ".json")).read_text())
    answers = trivial_submissions(assignment, key["cells"])
    answers["bugs"] = {f: next(iter(e["bugs"].values())) for f, e in CATALOGUE[assignment].items()}
    answers["variants"] = {f: next(iter(e["right"].values())) for f, e in CATALOGUE[assignment].items()}
    return answers


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if not ASSIGNMENTS:
        pytest.skip("NNCOURSE_ONLY leaves out every assignment with graded functions")
    course = copy_course(tmp_path_factory.mktemp("trivial") / "course")
    generate_release(course, ASSIGNMENTS, log=lambda *_: None)
    build_keys(course, ASSIGNMENTS, log=lambda *_: None)
    for assignment in ASSIGNMENTS:
        (notebook,) = course.source_notebooks(assignment)
        release = nbformat.read(str(course.folder("release") / assignment / notebook.name), as_version=4)
        solutions = instructor_solutions(notebook)
        for student, answers in _answers(course, assignment).items():
            submission = Submission(student, answers={**{g: SOLUTION for g in solutions}, **answers})
            folder = course.folder("submitted") / student / assignment
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(fill_in(release, submission, solutions), str(folder / notebook.name))
    results = grade_class(course, ASSIGNMENTS, workers=2, log=lambda *_: None)
    failed = [r for r in results if not r.ok]
    assert not failed, failed
    return course


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_constant_and_always_raising_functions_earn_nothing(graded, assignment):
    _, scores, _ = exercise_scores(graded, assignment)
    for student in ("constant", "raising"):
        assert scores[student] == {cell: 0 for cell in scores[student]}, (student, scores[student])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_what_an_exception_said_is_in_no_verdict(graded, assignment):
    """The verdicts (the graded cells' outputs, in the grader's words) never repeat an exception's message.
    (What the rest of the feedback shows is the business of tests/test_sandbox.py and the feedback tests.)"""
    (notebook,) = graded.source_notebooks(assignment)
    autograded = nbformat.read(str(graded.folder("autograded") / "raising" / assignment / notebook.name),
                               as_version=4)
    verdicts = [json.dumps(c.outputs) for c in autograded.cells
                if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]
    assert verdicts and all("Hidden checks" in v for v in verdicts)
    assert not any(LEAK_MARK in v for v in verdicts)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_bug_in_every_function_costs_points_in_every_cell(graded, assignment):
    _, scores, maxima = exercise_scores(graded, assignment)
    assert all(scores["bugs"][cell] < maxima[cell] for cell in maxima), scores["bugs"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_correct_answers_written_another_way_get_full_marks(graded, assignment):
    _, scores, maxima = exercise_scores(graded, assignment)
    assert scores["variants"] == maxima
