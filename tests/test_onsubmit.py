"""The on-submit grading service for real: ``python -m grader serve`` in a copy of the course, submissions written
into the exchange the way nbgrader's submit writes them (grader.example_class.exchange), graded in the sandbox
against built answer keys, verdicts read back where the students' Fetch Feedback finds them.

* on arrival: every submission is graded and its verdict released; the gradebook, submitted/ and the class
  grader's state agree, so the instructor's ``grade`` run beside it grades nothing twice;
* the limit: a submission over it waits for its slot, the student is told when, and it is graded then;
* faults: the service killed with SIGKILL mid-queue and started again; hostile, broken, hanging and huge
  submissions; a full disk; in each, every submission is graded exactly once (one "graded" event in the
  ledger), nothing is lost, the others keep their scores, and the queue drains;
* load: the queue serves students in a fair order; the service sends its jobs to a Dask cluster.

The hub starting, restarting and stopping the service, its page through the hub's OAuth and the students'
browsers are tested in tests/test_classroom.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import copy_course
from grader.authoring.release import build_keys, generate_release
from grader.course import Course
from grader.example_class import PROFILES
from grader.example_class.exchange import HandedIn, feedback_page, hand_in
from grader.example_class.model import Submission
from grader.onsubmit.ledger import Ledger
from grader.outputs.pages import PROVISIONAL
from grader.onsubmit.service import STATE_FOLDER
from grader.outputs.results import exercise_scores
from grader.run.scratch import RUN_PREFIX
from grader.sandbox import probe

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(probe(200000) is not None, reason="grading needs the bubblewrap sandbox")]

A1, NB = "a1_numpy_basics", "numpy_basics"
EXPECTED = {name: sum(student.expected.values()) for name, student in PROFILES[A1].items()}
SETTINGS = ("c.Execute.timeout = 10\nc.GraderLimits.time_floor_seconds = 40\n"
            "c.GradingService.poll_seconds = 0.1\nc.GradingService.workers = 2\n")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A course with assignment 1 released and its answer key built, copied by each test."""
    course = copy_course(tmp_path_factory.mktemp("onsubmit") / "course")
    generate_release(course, [A1], log=lambda *_: None)
    build_keys(course, [A1], log=lambda *_: None)
    return course


class Running:
    """``python -m grader serve`` on a copy of the prepared course, with an exchange of its own."""

    def __init__(self, prepared: Course, base: Path, settings: str = ""):
        shutil.copytree(prepared.root, base / "course", symlinks=True)
        self.course = Course(base / "course")
        with open(self.course.root / "nbgrader_config.py", "a") as config:
            config.write("\n" + SETTINGS + settings)
        self.exchange = base / "exchange"
        self.log = base / "service.log"
        self.process: subprocess.Popen | None = None
        self.course_id = self.course.config.CourseDirectory.course_id

    def start(self) -> "Running":
        env = dict(os.environ, NNCOURSE_EXCHANGE=str(self.exchange))
        with open(self.log, "a") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "grader", "serve", "--no-web"],
                                            cwd=self.course.root, env=env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def kill(self, how: int = signal.SIGKILL) -> None:
        """Stop the service with a signal (SIGKILL: its workers notice and end) and wait until it has gone."""
        self.process.send_signal(how)
        self.process.wait(120)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def hand_in(self, student: str, profile: str | Submission) -> HandedIn:
        return hand_in(self.course, self.exchange, student, A1, profile)

    def ledger(self) -> Ledger:
        return Ledger(self.course.root / STATE_FOLDER / "ledger.sqlite")

    def feedback(self, handed: HandedIn) -> str | None:
        return feedback_page(self.exchange, self.course_id, handed, NB)

    def wait(self, condition, timeout: float = 600, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("the service exited:\n" + self.log.read_text()[-3000:])
            if condition():
                return
            time.sleep(0.2)
        raise AssertionError("timed out waiting for %s\n%s" % (what, self.log.read_text()[-3000:]))

    def graded(self, handed: list[HandedIn]) -> bool:
        """Whether every submission's final verdict (a feedback page, or a final 'not graded' page) is out."""
        return all((page := self.feedback(h)) is not None and PROVISIONAL not in page for h in handed)

    def graded_events(self) -> dict[str, int]:
        ledger = self.ledger()
        try:
            names = {e.id: e.inbound for e in ledger.all()}
            counts = {name: 0 for name in names.values()}
            for entry_id, _, kind, _ in ledger.events():
                counts[names[entry_id]] += kind == "graded"
            return counts
        finally:
            ledger.close()


@pytest.fixture
def running(prepared, tmp_path):
    made = []

    def make(settings: str = "") -> Running:
        made.append(Running(prepared, tmp_path, settings).start())
        return made[-1]

    yield make
    for service in made:
        service.stop()


def score_of(page: str) -> str:
    return page.split("Score: ", 1)[1].split("<", 1)[0]


def exactly_once(service: Running, handed: list[HandedIn]) -> None:
    events = service.graded_events()
    assert {h.folder.name: events.get(h.folder.name) for h in handed} == {h.folder.name: 1 for h in handed}


# ---------------------------------------------------------------- on arrival
def test_each_submission_is_graded_as_it_arrives_and_the_instructors_grade_keeps_it(running):
    service = running()
    handed = [service.hand_in(student, student) for student in ("correct", "buggy", "partial", "cheat_allclose")]
    service.wait(lambda: service.graded(handed), what="the verdicts")
    for h in handed:
        page = service.feedback(h)
        assert score_of(page) == "%g / 80" % EXPECTED[h.student], h.student
        assert "your submission 1 of a1_numpy_basics" in page and "Graded submissions left" in page
    scores = exercise_scores(service.course, A1)[1]
    assert {s: sum(scores[s].values()) for s in scores} == {h.student: EXPECTED[h.student] for h in handed}
    for h in handed:   # the counted submission is in submitted/, as collect would have put it
        assert (service.course.folder("submitted") / h.student / A1 / (NB + ".ipynb")).is_file()

    # the instructor grades by hand beside the service: nothing graded twice, then new work meanwhile
    later = [service.hand_in(student, student) for student in ("buggy", "untouched")]
    done = subprocess.run([sys.executable, "-m", "grader", "grade", "--only", A1], cwd=service.course.root,
                          capture_output=True, text=True, timeout=900,
                          env=dict(os.environ, NNCOURSE_EXCHANGE=str(service.exchange)))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "NOT GRADED" not in done.stdout
    for h in handed:
        assert "%s / %s: unchanged since last graded: kept" % (h.student, A1) in done.stdout \
            or "%s / %s: graded" % (h.student, A1) not in done.stdout, done.stdout
    service.wait(lambda: service.graded(later), what="the later verdicts")
    exactly_once(service, handed + later)
    scores = exercise_scores(service.course, A1)[1]
    assert sum(scores["buggy"].values()) == EXPECTED["buggy"] and sum(scores["untouched"].values()) == 0


# ---------------------------------------------------------------- the limit
def test_a_submission_over_the_limit_waits_for_its_slot_and_the_student_is_told_when(running):
    service = running("c.SubmitPolicy.graded_per_period = 2\nc.SubmitPolicy.period_minutes = 0.75\n")
    first = [service.hand_in("ann", "buggy"), service.hand_in("ann", "partial")]
    service.wait(lambda: service.graded(first), what="the first two verdicts")
    third = service.hand_in("ann", "correct")
    service.wait(lambda: service.feedback(third) is not None, what="the third's status page")
    waiting = service.feedback(third)
    assert "Waiting for a free grading slot: it will be graded at" in waiting, waiting
    assert "You get 2 graded submissions of this assignment in any 0.75 minutes" in waiting
    assert "left in this 0.75 minutes: 0 of 2" in service.feedback(first[1])
    service.wait(lambda: service.graded([third]), timeout=300, what="the third verdict")
    ledger = service.ledger()
    try:
        entries = {e.inbound: e for e in ledger.all()}
    finally:
        ledger.close()
    started = sorted(entries[h.folder.name].started for h in first + [third])
    assert started[2] - started[0] >= 45 - 1, started   # the third waited for the first to leave the period
    assert score_of(service.feedback(third)) == "80 / 80"
    assert sum(exercise_scores(service.course, A1)[1]["ann"].values()) == 80   # the newest counts
    exactly_once(service, first + [third])


# ---------------------------------------------------------------- faults
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "stopped by the hub"])
def test_a_service_stopped_mid_queue_starts_again_and_grades_every_submission_exactly_once(running, how):
    """SIGKILL: the out-of-memory killer, an administrator; SIGTERM: what the hub sends when it stops or restarts."""
    service = running()
    handed = [service.hand_in("k%d" % i, profile) for i, profile in
              enumerate(["correct", "buggy", "partial", "correct", "buggy", "partial"])]

    def grading():
        ledger = service.ledger()
        try:
            return any(e.state == "grading" for e in ledger.all())
        finally:
            ledger.close()

    service.wait(grading, what="a grading to start")
    service.kill(how)
    service.start()
    service.wait(lambda: service.graded(handed), what="every verdict after the restart")
    exactly_once(service, handed)
    ledger = service.ledger()
    try:
        kinds = [kind for _, _, kind, _ in ledger.events()]
    finally:
        ledger.close()
    assert "requeued" in kinds   # what was being graded when the service died was graded again, from scratch
    for h in handed:
        assert score_of(service.feedback(h)) == "%g / 80" % EXPECTED[PROFILE_OF[h.student]]
    assert not [p for p in service.course.root.iterdir() if p.name.startswith(RUN_PREFIX) and p.is_dir()]


PROFILE_OF = {"k%d" % i: p for i, p in enumerate(["correct", "buggy", "partial", "correct", "buggy", "partial"])}

HANGS = Submission("sigmoid never returns", answers={"basic_sigmoid": "def basic_sigmoid(x):\n    while True:\n"
                                                                      "        pass\n"}, expected={})
DIES = Submission("the kernel exits in the first answer", answers={"hello_world": "import os\nos._exit(3)"},
                  expected={})
HUGE = Submission("a notebook of 30 MiB", raw_text='{"cells": [], "metadata": {"pad": "%s"}, "nbformat": 4, '
                                                   '"nbformat_minor": 5}' % ("x" * (30 << 20)), expected={})


def test_hostile_broken_hanging_and_huge_submissions_earn_nothing_leak_nothing_and_others_are_unaffected(running):
    service = running()
    honest = service.hand_in("honest", "correct")
    hostile = {"cheat": service.hand_in("cheat", "cheat_transformer"),
               "broken": service.hand_in("broken", "broken_json"),
               "hangs": service.hand_in("hangs", HANGS),
               "dies": service.hand_in("dies", DIES),
               "huge": service.hand_in("huge", HUGE)}
    link = service.exchange / service.course_id / "inbound" / ("linked+%s+2026-01-01 00:00:00 UTC+x" % A1)
    os.symlink(service.course.key_directory, link)
    service.wait(lambda: service.graded([honest, *hostile.values()]), timeout=900, what="every verdict")
    assert score_of(service.feedback(honest)) == "80 / 80"
    assert score_of(service.feedback(hostile["cheat"])) == "0 / 80"
    for name in ("broken", "huge"):
        page = service.feedback(hostile[name])
        assert "could not be graded" in page and "Score" not in page, (name, page)
    assert "notebook file the grader can read" in service.feedback(hostile["broken"])
    assert "larger than the grader takes" in service.feedback(hostile["huge"])
    for name in ("hangs", "dies"):   # stopped by the cell's time limit, or the kernel gone: nothing earned
        page = service.feedback(hostile[name])
        assert "could not be graded" in page or score_of(page) == "0 / 80", (name, page)
    for page in map(service.feedback, [honest, *hostile.values()]):
        assert "record_call" not in page and "answer_keys" not in page   # no hidden test, no path of the grader
    ledger = service.ledger()
    try:
        entries = {e.inbound: e for e in ledger.all()}
    finally:
        ledger.close()
    assert entries[link.name].state == "refused" and "symbolic link" in entries[link.name].reason
    assert entries[hostile["huge"].folder.name].state == "refused"
    assert "numpy_basics.ipynb is too large" in entries[hostile["huge"].folder.name].reason
    exactly_once(service, [honest, hostile["cheat"], hostile["broken"], hostile["hangs"], hostile["dies"]])


def test_what_a_killed_grade_run_leaves_is_removed_by_the_next(prepared, tmp_path):
    """``python -m grader grade`` killed with SIGKILL leaves its workspaces and scratch folders; the next run
    (or the service) removes them, and grades the class."""
    from grader.example_class import write_class

    course = Running(prepared, tmp_path).course
    write_class(course, [A1])
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch))
    run = subprocess.Popen([sys.executable, "-m", "grader", "grade", "--only", A1], cwd=course.root, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list(scratch.glob("nncourse-run-*")):
        time.sleep(0.1)
    run.send_signal(signal.SIGKILL)
    run.wait()
    left = [p for p in course.root.iterdir() if p.name.startswith(RUN_PREFIX) and p.is_dir()]
    left += list(scratch.glob("nncourse-run-*"))
    assert left, "the killed run left nothing to clean (it was killed too early or too late)"
    time.sleep(2)   # its workers notice that it is gone and end
    done = subprocess.run([sys.executable, "-m", "grader", "grade", "--only", A1], cwd=course.root, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    for folder in left:
        assert not folder.exists() and "removed %s" % folder in done.stdout, (folder, done.stdout[:2000])
    assert not list(scratch.glob("nncourse-run-*"))


@pytest.mark.skipif(os.geteuid() != 0, reason="a full disk is made with a small tmpfs, which needs root")
def test_a_full_disk_delays_submissions_but_loses_none(prepared, tmp_path):
    service = Running(prepared, tmp_path)
    store = service.course.root / STATE_FOLDER / "store"
    store.mkdir(parents=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(store)]).returncode != 0:
        pytest.skip("this machine does not let the test mount a tmpfs")
    try:
        filler = store / "filler"
        with open(filler, "wb") as handle:
            try:
                handle.write(b"\0" * (1 << 20))
            except OSError:   # full: what the test wants
                pass
        service.start()
        handed = [service.hand_in("disk%d" % i, "correct") for i in range(2)]
        service.wait(lambda: "could not be taken yet" in service.log.read_text(), what="the full disk to show")
        assert all(service.feedback(h) is None for h in handed)
        filler.unlink()
        service.wait(lambda: service.graded(handed), what="the verdicts once there is room")
        exactly_once(service, handed)
        assert all(score_of(service.feedback(h)) == "80 / 80" for h in handed)
    finally:
        service.stop()
        subprocess.run(["umount", "-l", str(store)])


# ---------------------------------------------------------------- load
def test_at_a_deadline_the_queue_serves_students_in_a_fair_order(running):
    service = running("c.GradingService.workers = 1\nc.SubmitPolicy.graded_per_period = 0\n")
    burst = [service.hand_in("burst", "correct") for _ in range(4)]
    others = [service.hand_in(name, "correct") for name in ("fair1", "fair2", "fair3")]
    service.wait(lambda: service.graded(burst + others), timeout=900, what="every verdict")
    ledger = service.ledger()
    try:
        students = {e.id: e.student for e in ledger.all()}
        order = [students[entry] for entry, _, kind, _ in ledger.events() if kind == "grading"]
    finally:
        ledger.close()
    assert order[0] == "burst" and set(order[1:4]) == {"fair1", "fair2", "fair3"}, order
    exactly_once(service, burst + others)


def test_the_service_sends_its_jobs_to_a_dask_cluster(prepared, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        service = Running(prepared, tmp_path, 'c.GradingService.dask_scheduler = "%s"\n' % cluster.scheduler_address)
        service.start()
        try:
            handed = [service.hand_in("dask1", "correct"), service.hand_in("dask2", "buggy")]
            service.wait(lambda: service.graded(handed), what="the verdicts from the cluster")
            assert [score_of(service.feedback(h)) for h in handed] == ["80 / 80", "%g / 80" % EXPECTED["buggy"]]
            exactly_once(service, handed)
        finally:
            service.stop()
