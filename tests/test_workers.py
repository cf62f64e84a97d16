"""The grading process that a worker forks for one submission: what it gets before anything runs.

These tests fork the test process itself with :func:`grader.run.worker.run_job` (what a worker does
for every job), with the grading step replaced by one that reports what the grading process sees:
no kernel, no nbgrader, a fraction of a second each. The whole path, a worker and a real
submission, is tested in tests/test_classgrade.py and tests/test_perimeter.py.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import tempfile
import time

from grader.run import grade_one
from grader.run import worker as workers
from grader.run.jobs import GradeResult, Job

MEMORY = 3 << 30


def _job(tmp_path, **extra):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch), NNCOURSE_SCRATCH=str(scratch),
               JUPYTER_RUNTIME_DIR=str(scratch / "runtime"))
    job = Job(course=str(tmp_path), student="s", assignment="a", snapshot="", workspaces=str(tmp_path),
              seconds=extra.pop("limit", 60), memory_bytes=MEMORY)
    return {"job": job.to_json(), "env": env, "cwd": str(tmp_path), **extra}


def _seen(outcome: GradeResult) -> dict:
    """What the replaced grading step reported (it travels back as the result's one note)."""
    return {"success": outcome.ok, **json.loads(outcome.notes[0])}


def test_the_grading_process_gets_its_limit_group_and_scratch_before_grading(tmp_path, monkeypatch):
    def report(job):
        seen = {"address_space": resource.getrlimit(resource.RLIMIT_AS)[0],
                "group_leader": os.getpgid(0) == os.getpid(), "session_leader": os.getsid(0) == os.getpid(),
                "tmp": tempfile.gettempdir(), "cwd": os.getcwd(),
                "env": {k: os.environ.get(k) for k in ("TMPDIR", "NNCOURSE_SCRATCH", "JUPYTER_RUNTIME_DIR")}}
        return GradeResult(job.student, job.assignment, True, notes=[json.dumps(seen)])

    monkeypatch.setattr(grade_one, "grade", report)
    tempfile.gettempdir()   # the forking process has its own choice cached: the child must not keep it
    job = _job(tmp_path)
    outcome = _seen(workers.run_job(job))
    assert outcome["success"], outcome
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    assert outcome["address_space"] == (MEMORY if hard == resource.RLIM_INFINITY else min(MEMORY, hard))
    assert outcome["group_leader"] and outcome["session_leader"]
    scratch = job["env"]["TMPDIR"]
    assert outcome["tmp"] == scratch and outcome["cwd"] == str(tmp_path)
    assert outcome["env"] == {"TMPDIR": scratch, "NNCOURSE_SCRATCH": scratch,
                              "JUPYTER_RUNTIME_DIR": os.path.join(scratch, "runtime")}
    assert os.listdir(scratch) == []   # its log is gone too
    assert resource.getrlimit(resource.RLIMIT_AS)[0] == hard   # the forking process keeps no limit


def test_a_grading_process_out_of_memory_is_reported_as_too_large_to_grade(tmp_path, monkeypatch):
    def hog(job):
        return GradeResult(job.student, job.assignment, True, notes=[str(bytearray(2 * MEMORY))])

    monkeypatch.setattr(grade_one, "grade", hog)
    outcome = workers.run_job(_job(tmp_path))
    assert (outcome.ok, outcome.reason) == (False, "too large to grade: the grading process ran out of its 3 GiB "
                                                   "of memory (c.GraderLimits.grader_memory_bytes)")


def test_a_grading_process_past_its_time_limit_is_killed_with_its_process_group(tmp_path, monkeypatch):
    marker = tmp_path / "child.pid"

    def hang(job):
        pid = os.fork()   # a process of the grading process's group, as a kernel launcher would be
        if pid == 0:
            while True:
                signal.pause()
        marker.write_text(str(pid))
        while True:
            signal.pause()

    monkeypatch.setattr(grade_one, "grade", hang)
    outcome = workers.run_job(_job(tmp_path, limit=2))
    assert outcome.reason.startswith("exceeded the time limit of 2 s"), outcome
    grandchild = int(marker.read_text())
    deadline = time.monotonic() + 10
    while _running(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(grandchild), "a process of the stopped grading process's group is still running"


def _running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie (a killed orphan waits for init to reap it)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
