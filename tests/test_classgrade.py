"""Grading a class: parallel isolated runs merged into one gradebook, idempotent re-runs, reports."""

from __future__ import annotations

import re

import os
import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from conftest import copy_course
from grader.authoring.release import build_keys, generate_release
from grader.example_class import PROFILES, write_class
from grader.example_class.synthetic import write_synthetic_class
from grader.outputs.report import write_class_report
from grader.outputs.results import exercise_scores
from grader.run import gradebook_rows
from grader.run.classgrade import grade_class
from grader.run.jobs import Job
from grader.run.pool import WorkerPool
from grader.run.workspace import prepare_workspace, snapshot_gradebook

pytestmark = pytest.mark.slow
A1 = "a1_numpy_basics"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("class") / "course")
    generate_release(course, [A1], log=lambda *_: None)
    build_keys(course, [A1], log=lambda *_: None)
    write_class(course, [A1])
    write_synthetic_class(course, 3, seed=1, assignments=[A1])
    lines = []
    results = grade_class(course, [A1], workers=2, log=lines.append)
    return course, results, lines


def scores(course):
    return exercise_scores(course, A1)[1]


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
    cells = len(exercise_scores(course, A1)[0])
    assert {student for student, _, _ in rows} == ok
    assert all(n_sub == 1 and n_grades == cells for _, n_sub, n_grades in rows), rows
    assert all(None not in row.values() for student, row in scores(course).items())


def test_one_worker_and_two_workers_agree(graded):
    course, results, _ = graded
    parallel = scores(course)
    again = grade_class(course, [A1], workers=1, force=True, log=lambda *_: None)
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
    results = grade_class(course, [A1], workers=2, log=lambda *_: None)
    assert {r.student for r in results if r.skipped} == {r.student for r in results if r.ok}
    assert scores(course) == before

    path = course.folder("submitted") / "partial" / A1 / "numpy_basics.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    source = nbformat.read(str(course.root / "source" / A1 / "numpy_basics.ipynb"), as_version=4)
    solution = next(c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "softmax")
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "softmax")
    cell.source = "\n".join(l for l in solution.splitlines() if "SOLUTION" not in l)
    nbformat.write(nb, str(path))
    results = grade_class(course, [A1], workers=2, log=lambda *_: None)
    regraded = {r.student for r in results if r.ok and not r.skipped}
    assert regraded == {"partial"}
    after = scores(course)
    assert after["partial"]["softmax_test"] == 10
    assert {s: r for s, r in after.items() if s != "partial"} == {s: r for s, r in before.items() if s != "partial"}


def test_class_report_has_plots_rates_and_the_failures(graded, tmp_path):
    course, results, _ = graded
    report = write_class_report(course, results, tmp_path)
    text = report.read_text()
    assert "## a1_numpy_basics" in text and re.search(r"^\| softmax \| \d+ % \| [\d.]+ / 10 \| ", text, re.M)
    assert re.search(r"^\* not graded \(1\): submitted/<student>/a1_numpy_basics/numpy_basics\.ipynb is not valid "
                     r"notebook JSON.*`broken_json`$", text, re.M)
    assert "Discuss in class:" in text
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


# ---------------------------------------------------------------- grading workers
def _workspace(course, student, base, seconds=600):
    """A workspace holding ``student``'s submission, and the job that grades it within ``seconds``."""
    base.mkdir(parents=True, exist_ok=True)
    snapshot = snapshot_gradebook(course, base / "snapshot.db")
    workspace, notes = prepare_workspace(course, snapshot, student, A1, base)
    return workspace, Job(str(course.root), student, A1, str(snapshot), str(base), seconds, 4 << 30)


def _processes_in(folder):
    """Processes whose working directory is inside ``folder`` (a grading process, a kernel launcher)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink("/proc/%s/cwd" % pid).startswith(str(folder)):
                found.append(int(pid))
        except OSError:
            pass
    return found


def _gone(folder, seconds=30):
    deadline = time.monotonic() + seconds
    while _processes_in(folder) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not _processes_in(folder)


def _grading_process(worker, seconds=120):
    """The grading process a worker forked for its current job (its only child)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for task in os.listdir("/proc/%d/task" % worker.process.pid):
            children = open("/proc/%d/task/%s/children" % (worker.process.pid, task)).read().split()
            if children:
                return int(children[0])
        time.sleep(0.05)
    raise AssertionError("the worker forked no grading process")


def _busy_worker(pool):
    deadline = time.monotonic() + 60
    while not pool._busy and time.monotonic() < deadline:
        time.sleep(0.05)
    return next(iter(pool._busy))


def test_the_feedback_is_the_same_as_nbgrader_generate_feedback_makes(graded):
    course, _, _ = graded
    folder = course.folder("feedback") / "partial" / A1

    def files():
        return {p.name: (p.read_bytes(), p.stat().st_mode & 0o777) for p in sorted(folder.iterdir())}

    ours = files()
    assert "numpy_basics.html" in ours and ours["numpy_basics.html"][1] == 0o644
    result = course.api().generate_feedback(A1, "partial", force=True)
    assert result["success"], result.get("error")
    assert files() == ours


@pytest.fixture
def pool():
    """Grading workers of the test's own, closed after it."""
    pool = WorkerPool()
    yield pool
    pool.close()


def test_a_submission_past_its_time_limit_is_killed_with_its_kernel_and_the_next_is_graded(graded, tmp_path, pool):
    course, _, _ = graded
    workspace, job = _workspace(course, "correct", tmp_path, seconds=1)
    outcome = pool.grade(job)
    assert not outcome.ok
    assert outcome.reason.startswith("exceeded the time limit of 1 s"), outcome.reason
    assert _gone(workspace.root), "a process of the stopped submission is still running"
    (survivor,) = pool._idle
    workspace, job = _workspace(course, "correct", tmp_path / "again")
    outcome = pool.grade(job)
    assert outcome.ok, outcome.reason
    assert pool._idle == [survivor]   # the same worker, unharmed


def test_a_grading_process_that_dies_is_reported_and_its_kernel_stopped(graded, tmp_path, pool):
    course, _, _ = graded
    workspace, job = _workspace(course, "correct", tmp_path)
    with ThreadPoolExecutor(1) as run:
        future = run.submit(pool.grade, job)
        os.kill(_grading_process(_busy_worker(pool)), signal.SIGKILL)   # as the OOM killer would
        outcome = future.result(timeout=300)
    assert not outcome.ok
    assert outcome.reason.startswith("the grading process died (killed by SIGKILL)"), outcome.reason
    assert _gone(workspace.root)


def test_a_worker_that_dies_is_replaced_and_its_submission_reported(graded, tmp_path, pool):
    course, _, _ = graded
    workspace, job = _workspace(course, "correct", tmp_path)
    with ThreadPoolExecutor(1) as run:
        future = run.submit(pool.grade, job)
        dead = _busy_worker(pool)
        _grading_process(dead)
        os.kill(dead.process.pid, signal.SIGKILL)
        outcome = future.result(timeout=300)
    assert not outcome.ok and outcome.reason.startswith("the grading worker died"), outcome
    assert _gone(workspace.root), "the grading process outlived its worker"
    assert not pool._idle and not pool._busy
    workspace, job = _workspace(course, "buggy", tmp_path / "next")
    outcome = pool.grade(job)
    assert outcome.ok, outcome.reason
    assert pool._idle[0] is not dead


def test_every_submission_says_where_its_time_went(graded):
    _, results, _ = graded
    for result in (r for r in results if r.ok):
        assert {"workspace", "kernel start", "execution", "comparison", "feedback", "merge"} <= set(result.phases)
        assert all(seconds >= 0 for seconds in result.phases.values())
        assert sum(result.phases.values()) <= result.seconds + result.phases["merge"] \
            + result.phases["class bookkeeping"] + 1


def test_a_submission_is_copied_whole_or_not_at_all(graded, tmp_path):
    course, _, _ = graded
    url = course.api().coursedir.db_url
    source = snapshot_gradebook(course, tmp_path / "copy.db")

    def rows(path):
        db = sqlite3.connect(str(path))
        try:
            return {table: sorted(db.execute("select * from %s" % table).fetchall())
                    for table in ("student", "submitted_assignment", "submitted_notebook", "grade", "comment")}
        finally:
            db.close()

    before = rows(course.root / "gradebook.db")
    gradebook_rows.copy_submission("sqlite:///%s" % source, url, "partial", A1)   # the same rows again
    assert rows(course.root / "gradebook.db") == before

    # every column comes across: the student's fields, flags and late penalty, manual scores and comments
    changed = tmp_path / "changed.db"
    snapshot_gradebook(course, changed)
    db = sqlite3.connect(str(changed))
    with db:
        db.execute("update student set first_name = 'Ada', last_name = 'L', email = 'ada@example.org', "
                   "lms_user_id = 'lms-7' where id = 'partial'")
        notebooks = "(select n.id from submitted_notebook n join submitted_assignment s on n.assignment_id = s.id " \
                    "where s.student_id = 'partial')"
        db.execute("update submitted_notebook set flagged = 1, late_submission_penalty = 0.5 where id in " + notebooks)
        db.execute("update grade set manual_score = 0.25, extra_credit = 1, needs_manual_grade = 1 "
                   "where notebook_id in " + notebooks)
        db.execute("update comment set manual_comment = 'see me' where notebook_id in " + notebooks)
    db.close()
    gradebook_rows.copy_submission("sqlite:///%s" % changed, url, "partial", A1)
    assert rows(course.root / "gradebook.db") == rows(changed)
    gradebook_rows.copy_submission("sqlite:///%s" % source, url, "partial", A1)   # back as graded
    assert rows(course.root / "gradebook.db") == before

    db = sqlite3.connect(str(source))
    with db:
        db.execute("update grade set cell_id = 'not-a-cell' where id = (select g.id from grade g join "
                   "submitted_notebook n on g.notebook_id = n.id join submitted_assignment s on "
                   "n.assignment_id = s.id where s.student_id = 'partial' limit 1)")
    db.close()
    with pytest.raises(gradebook_rows.MergeError, match="base_cell rows changed since grading began"):
        gradebook_rows.copy_submission("sqlite:///%s" % source, url, "partial", A1)
    assert rows(course.root / "gradebook.db") == before
