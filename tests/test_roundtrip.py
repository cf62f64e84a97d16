"""Autograde round trips, for real: nbgrader, kernels, the answer key and the example class."""

import csv
import json
import shutil

import pytest

from conftest import copy_course
from nncourse import pipeline
from nncourse.example_class import PROFILES, write_class

pytestmark = pytest.mark.slow


def cell_scores(course, assignment, student):
    _, scores, _ = pipeline.exercise_scores(course, assignment)
    return scores.get(student)


@pytest.mark.parametrize("assignment, student", [(a, s) for a, p in PROFILES.items() for s in p])
def test_example_student_gets_exactly_the_documented_scores(demo_run, assignment, student):
    course, _ = demo_run
    profile = PROFILES[assignment][student]
    scores = cell_scores(course, assignment, student)
    if not profile.gradable:
        assert scores is None, "an ungradable submission must have no scores at all"
        return
    expected = {cell: profile.expected.get(cell, 0) for cell in scores}
    assert scores == expected, profile.description


def test_demo_prints_the_table_and_names_the_broken_submission(demo_run):
    course, done = demo_run
    out = done.stdout
    assert "Scores for a1_numpy_basics" in out
    for student, profile in PROFILES["a1_numpy_basics"].items():
        total = sum(profile.expected.values())
        line = next(l for l in out.splitlines() if l.startswith(student + " "))
        assert line.endswith(("%g / 80" % total) if profile.gradable else "not graded"), line
    assert "broken_json / a1_numpy_basics: submitted/broken_json/a1_numpy_basics/numpy_basics.ipynb " \
           "is not valid notebook JSON" in out


def test_demo_exports_grades_and_feedback_without_hidden_tests(demo_run):
    course, _ = demo_run
    with open(course.root / "reports" / "grades.csv") as handle:
        rows = {r["student_id"]: float(r["score"]) for r in csv.DictReader(handle)}
    for student, profile in PROFILES["a1_numpy_basics"].items():
        if profile.gradable:
            assert rows[student] == sum(profile.expected.values())
    key = json.loads((course.key_directory / "a1_numpy_basics" / "numpy_basics.json").read_text())
    names = [r["name"] for cell in key["cells"].values() for r in cell["records"]]
    for student, profile in PROFILES["a1_numpy_basics"].items():
        if not profile.gradable:
            continue
        html = (course.root / "feedback" / student / "a1_numpy_basics" / "numpy_basics.html").read_text()
        for secret in ("BEGIN HIDDEN TESTS", "record_call", "hidden_rng", "vnd.nncourse.record"):
            assert secret not in html, (student, secret)
        if student == "buggy":
            assert "normalize_rows of a 1-column array: has shape (4, 4), but shape (4, 1) was expected" in html
            assert any(name in html for name in names)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course copy with release/, gradebook and keys ready, for tests that change things."""
    course = copy_course(tmp_path_factory.mktemp("grading") / "course")
    pipeline.generate_release(course, log=lambda *_: None)
    pipeline.build_keys(course, log=lambda *_: None)
    return course


def submit(course, student, assignment, notebook_text):
    folder = course.folder("submitted") / student / assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "numpy_basics.ipynb").write_text(notebook_text)


def test_the_instructor_solution_scores_full_marks(course):
    source = (course.root / "source" / "a1_numpy_basics" / "numpy_basics.ipynb").read_text()
    submit(course, "instructor", "a1_numpy_basics", source)
    assert pipeline.autograde(course, "instructor", "a1_numpy_basics").ok
    assert set(cell_scores(course, "a1_numpy_basics", "instructor").values()) == {10}


def test_a_failed_regrade_never_shows_earlier_scores(course):
    write_class(course)
    assert pipeline.autograde(course, "correct", "a1_numpy_basics").ok
    assert sum(cell_scores(course, "a1_numpy_basics", "correct").values()) == 80
    submit(course, "correct", "a1_numpy_basics", "truncated {")
    result = pipeline.autograde(course, "correct", "a1_numpy_basics")
    assert not result.ok and "not valid notebook JSON" in result.reason
    assert cell_scores(course, "a1_numpy_basics", "correct") is None
    assert not (course.folder("autograded") / "correct" / "a1_numpy_basics").exists()


def test_a_stale_or_missing_key_stops_grading_with_a_clear_reason(course):
    write_class(course)
    path = course.key_directory / "a1_numpy_basics" / "numpy_basics.json"
    good = path.read_text()
    try:
        key = json.loads(good)
        key["cells"]["softmax_test"]["fingerprint"] = "0" * 64
        path.write_text(json.dumps(key))
        result = pipeline.autograde(course, "correct", "a1_numpy_basics")
        assert not result.ok and "does not match test cell 'softmax_test'" in result.reason
        assert cell_scores(course, "a1_numpy_basics", "correct") is None
        path.unlink()
        result = pipeline.autograde(course, "correct", "a1_numpy_basics")
        assert not result.ok and "no answer key for a1_numpy_basics/numpy_basics" in result.reason
    finally:
        path.write_text(good)
    assert pipeline.autograde(course, "correct", "a1_numpy_basics").ok
