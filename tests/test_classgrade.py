"""Grading a class: parallel isolated runs merged into one gradebook, idempotent re-runs, reports."""

from __future__ import annotations

import sqlite3

import nbformat
import pytest

from conftest import copy_course
from grader import classgrade, pipeline
from grader.example_class import PROFILES, write_class
from grader.report import write_class_report
from grader.synthetic import write_synthetic_class

pytestmark = pytest.mark.slow
A1 = "a1_numpy_basics"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("class") / "course")
    pipeline.generate_release(course, [A1], log=lambda *_: None)
    pipeline.build_keys(course, [A1], log=lambda *_: None)
    write_class(course, [A1])
    write_synthetic_class(course, 3, seed=1, assignments=[A1])
    lines = []
    results = classgrade.grade_class(course, [A1], workers=2, log=lines.append)
    return course, results, lines


def scores(course):
    return pipeline.exercise_scores(course, A1)[1]


def test_parallel_grading_gives_every_example_student_its_scores(graded):
    course, results, _ = graded
    got = scores(course)
    for student, profile in PROFILES[A1].items():
        if profile.gradable:
            assert got[student] == {c: profile.expected.get(c, 0) for c in got[student]}, student
        else:
            assert student not in got


def test_no_score_is_lost_or_duplicated(graded):
    course, results, _ = graded
    ok = {r.student for r in results if r.ok}
    db = sqlite3.connect(str(course.root / "gradebook.db"))
    rows = db.execute("select student.id, count(distinct submitted_assignment.id), count(grade.id) "
                      "from submitted_assignment join student on student.id = submitted_assignment.student_id "
                      "join submitted_notebook on submitted_notebook.assignment_id = submitted_assignment.id "
                      "join grade on grade.notebook_id = submitted_notebook.id group by student.id").fetchall()
    cells = len(pipeline.exercise_scores(course, A1)[0])
    assert {student for student, _, _ in rows} == ok
    assert all(n_sub == 1 and n_grades == cells for _, n_sub, n_grades in rows), rows
    assert all(None not in row.values() for student, row in scores(course).items())


def test_one_worker_and_two_workers_agree(graded):
    course, results, _ = graded
    parallel = scores(course)
    again = classgrade.grade_class(course, [A1], workers=1, force=True, log=lambda *_: None)
    assert scores(course) == parallel
    assert [(r.student, r.ok) for r in again] == [(r.student, r.ok) for r in results]


def test_progress_shows_a_bar_the_count_failures_and_eta(graded):
    _, results, lines = graded
    progress = [l for l in lines if l.startswith("[")]
    assert len(progress) == len(results)
    assert progress[-1].startswith("[%s] %d/%d, 1 failed, ETA 0s" % ("#" * 20, len(results), len(results)))


def test_rerunning_keeps_unchanged_submissions_and_regrades_an_updated_one(graded):
    course, _, _ = graded
    before = scores(course)
    results = classgrade.grade_class(course, [A1], workers=2, log=lambda *_: None)
    assert {r.student for r in results if r.skipped} == {r.student for r in results if r.ok}
    assert scores(course) == before

    path = course.folder("submitted") / "partial" / A1 / "numpy_basics.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    source = nbformat.read(str(course.root / "source" / A1 / "numpy_basics.ipynb"), as_version=4)
    solution = next(c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "softmax")
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "softmax")
    cell.source = "\n".join(l for l in solution.splitlines() if "SOLUTION" not in l)
    nbformat.write(nb, str(path))
    results = classgrade.grade_class(course, [A1], workers=2, log=lambda *_: None)
    regraded = {r.student for r in results if r.ok and not r.skipped}
    assert regraded == {"partial"}
    after = scores(course)
    assert after["partial"]["softmax_test"] == 10
    assert {s: r for s, r in after.items() if s != "partial"} == {s: r for s, r in before.items() if s != "partial"}


def test_class_report_has_plots_rates_and_the_failures(graded, tmp_path):
    course, results, _ = graded
    report = write_class_report(course, results, tmp_path)
    text = report.read_text()
    assert "## a1_numpy_basics" in text and "| softmax |" in text
    assert "`broken_json`: submitted/broken_json" in text
    for image in ("a1_numpy_basics_scores.png", "a1_numpy_basics_exercises.png"):
        assert "(%s)" % image in text and (tmp_path / image).read_bytes()[:4] == b"\x89PNG"


def test_synthetic_classes_are_deterministic(tmp_path):
    first = copy_course(tmp_path / "one")
    second = copy_course(tmp_path / "two")
    third = copy_course(tmp_path / "three")
    for course, seed in ((first, 5), (second, 5), (third, 6)):
        write_synthetic_class(course, 12, seed=seed, assignments=[A1])

    def files(course):
        return {p.relative_to(course.root): p.read_bytes()
                for p in course.folder("submitted").rglob("*.ipynb")}

    assert len(files(first)) == 12
    assert files(first) == files(second)
    assert files(first) != files(third)
