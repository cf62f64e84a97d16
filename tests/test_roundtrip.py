"""Autograde round trips, for real: nbgrader, kernels, the answer key and the example class."""

import csv
import json
import shutil

import pytest

from conftest import REPO, copy_course, selected
from grader.authoring.release import build_keys, generate_release
from grader.course import Course
from grader.example_class import PROFILES, write_class
from grader.outputs.results import exercise_scores
from grader.run.classgrade import autograde

pytestmark = pytest.mark.slow


def cell_scores(course, assignment, student):
    _, scores, _ = exercise_scores(course, assignment)
    return scores.get(student)


@pytest.mark.parametrize("assignment, student",
                         [(a, s) for a in selected(PROFILES) for s in PROFILES[a]])
def test_example_student_gets_exactly_the_documented_scores(demo_run, assignment, student):
    course, _ = demo_run
    profile = PROFILES[assignment][student]
    scores = cell_scores(course, assignment, student)
    if not profile.gradable:
        assert scores is None, "an ungradable submission must have no scores at all"
        return
    expected = {cell: profile.expected.get(cell, 0) for cell in scores}
    assert scores == expected, profile.description


@pytest.mark.parametrize("assignment", selected(PROFILES))
def test_demo_prints_the_table_and_names_broken_submissions(demo_run, assignment):
    course, done = demo_run
    table = done.stdout.split("Scores for %s" % assignment, 1)[1].split("\n\n", 1)[0]
    _, _, maxima = exercise_scores(course, assignment)
    for student, profile in PROFILES[assignment].items():
        total = sum(profile.expected.values())
        line = next(l for l in table.splitlines() if l.startswith(student + " "))
        assert line.endswith(("%g / %g" % (total, sum(maxima.values())))
                             if profile.gradable else "not graded"), line
        if not profile.gradable:
            assert "%s / %s: submitted/%s/%s/" % (student, assignment, student, assignment) in done.stdout


def test_demo_exports_grades_and_feedback_without_hidden_tests(demo_run):
    course, _ = demo_run
    with open(course.root / "reports" / "grades.csv") as handle:
        rows = {(r["assignment"], r["student_id"]): float(r["score"]) for r in csv.DictReader(handle)}
    for assignment in selected(PROFILES):
        for student, profile in PROFILES[assignment].items():
            if profile.gradable:
                assert rows[assignment, student] == sum(profile.expected.values())
    for assignment in selected(PROFILES):
        for student, profile in PROFILES[assignment].items():
            if not profile.gradable:
                continue
            pages = list((course.root / "feedback" / student / assignment).glob("*.html"))
            assert pages, (student, assignment)
            for page in pages:
                html = page.read_text()
                for secret in ("BEGIN HIDDEN TESTS", "record_call", "hidden_rng", "vnd.nncourse.record"):
                    assert secret not in html, (student, assignment, secret)
    if "a1_numpy_basics" in selected(PROFILES):
        html = (course.root / "feedback/buggy/a1_numpy_basics/numpy_basics.html").read_text()
        assert ("normalize_rows of a 1-column array: the result has shape (4, 4), but it should have shape "
                "(4, 1)." in html)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course copy with release/, gradebook and keys ready, for tests that change things."""
    course = copy_course(tmp_path_factory.mktemp("grading") / "course")
    generate_release(course, log=lambda *_: None)
    build_keys(course, selected(course.assignments), log=lambda *_: None)
    return course


def submit(course, student, assignment, notebook_text):
    folder = course.folder("submitted") / student / assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "numpy_basics.ipynb").write_text(notebook_text)


@pytest.mark.parametrize("assignment", selected(Course(REPO).assignments))
def test_the_instructor_solution_scores_full_marks(course, assignment):
    folder = course.folder("submitted") / "instructor" / assignment
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(course.root / "source" / assignment, folder)
    assert autograde(course, "instructor", assignment).ok
    _, scores, maxima = exercise_scores(course, assignment)
    assert scores["instructor"] == maxima


def test_a_failed_regrade_never_shows_earlier_scores(course):
    if "a1_numpy_basics" not in selected(course.assignments):
        pytest.skip("works on assignment 1, which NNCOURSE_ONLY leaves out")
    write_class(course)
    assert autograde(course, "correct", "a1_numpy_basics").ok
    assert sum(cell_scores(course, "a1_numpy_basics", "correct").values()) == 80
    submit(course, "correct", "a1_numpy_basics", "truncated {")
    result = autograde(course, "correct", "a1_numpy_basics")
    assert not result.ok and "not valid notebook JSON" in result.reason
    assert cell_scores(course, "a1_numpy_basics", "correct") is None
    assert not (course.folder("autograded") / "correct" / "a1_numpy_basics").exists()


def test_a_stale_or_missing_key_stops_grading_with_a_clear_reason(course):
    if "a1_numpy_basics" not in selected(course.assignments):
        pytest.skip("works on assignment 1, which NNCOURSE_ONLY leaves out")
    write_class(course)
    path = course.key_directory / "a1_numpy_basics" / "numpy_basics.json"
    good = path.read_text()
    try:
        key = json.loads(good)
        key["cells"]["softmax_test"]["fingerprint"] = "0" * 64
        path.write_text(json.dumps(key))
        result = autograde(course, "correct", "a1_numpy_basics")
        assert not result.ok and "does not match test cell 'softmax_test'" in result.reason
        assert cell_scores(course, "a1_numpy_basics", "correct") is None
        path.unlink()
        result = autograde(course, "correct", "a1_numpy_basics")
        assert not result.ok and "no answer key for a1_numpy_basics/numpy_basics" in result.reason
    finally:
        path.write_text(good)
    assert autograde(course, "correct", "a1_numpy_basics").ok
