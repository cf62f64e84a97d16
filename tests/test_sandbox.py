"""Hostile submissions, each autograded for real in the sandbox, beside an honest student.

Every attack is a cell inserted after the setup cell of an otherwise untouched (or wrong) assignment 1
notebook. One class run grades them all; then, for each: no unearned points, nothing changed outside
its own copy, a clear status, and the honest student still graded correctly.
"""

from __future__ import annotations

import os
import socket
import threading

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from conftest import copy_course
import grader
from grader.authoring.release import build_keys, generate_release
from grader.authoring.solutions import instructor_solutions
from grader.errors import JobFailed
from grader.example_class import PROFILES, fill_in
from grader.example_class.a1_numpy_basics import SIGMOID_SIGN_ERROR
from grader.example_class.model import CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER
from grader.example_class.model import Submission
from grader.outputs.results import exercise_scores
from grader.run.classgrade import grade_class
from grader.sandbox import probe

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(probe(200000) is not None, reason="no bubblewrap sandbox here: %s"
                                 % probe(200000))]

A1 = "a1_numpy_basics"
SECRET = "grader-secret-7f3a9"
OUTER_LIMIT = 90   # c.GraderLimits.submission_seconds of the hostile class
WRONG_SIGMOID = {"sigmoid": SIGMOID_SIGN_ERROR}


def _attacks(course, port):
    root = str(course.root)
    key = str(course.key_directory / A1 / "numpy_basics.json")
    source = root + "/source/%s/numpy_basics.ipynb" % A1
    other = root + "/submitted/correct/%s/numpy_basics.ipynb" % A1
    probe_paths = {"source": source, "key": key, "gradebook": root + "/gradebook.db", "other": other,
                   "config": root + "/nbgrader_config.py"}
    return {
        "snoop": (r'''
import os
found = {}
for label, path in %r.items():
    try:
        with open(path, "rb") as handle:
            found[label] = "READ %%d bytes" %% len(handle.read())
    except OSError as exc:
        found[label] = "blocked: " + type(exc).__name__
found["environ"] = "%s" in repr(dict(os.environ))
try:
    found["pid1"] = "%s" in open("/proc/1/environ", "rb").read().decode("latin-1")
except OSError as exc:
    found["pid1"] = "blocked: " + type(exc).__name__
print("SNOOP", found)
''' % (probe_paths, SECRET, SECRET), {}),
        "writer": (r'''
import os
results = {}
targets = {"source": %r, "course": %r, "package": %r}
for label, path in targets.items():
    try:
        with open(path, "w") as handle:
            handle.write("pwned")
        results[label] = "WROTE"
    except OSError as exc:
        results[label] = "blocked: " + type(exc).__name__
try:
    os.symlink(%r, "/home/student/submission/evil_link")
    results["symlink"] = "PLANTED"
except OSError as exc:
    results["symlink"] = "blocked: " + type(exc).__name__
print("WRITER", results)
''' % (root + "/source/%s/pwned.txt" % A1, root + "/pwned.txt",
       os.path.dirname(grader.__file__) + "/pwned.py", root + "/gradebook.db"), {}),
        "network": (r'''
import socket
try:
    socket.create_connection(("127.0.0.1", %d), timeout=3)
    print("NETWORK connected")
except OSError as exc:
    print("NETWORK blocked:", type(exc).__name__)
''' % port, {}),
        "resources": (r'''
import os, time
outcome = {}
children = 0
try:
    for _ in range(2000):
        pid = os.fork()
        if pid == 0:
            time.sleep(3)
            os._exit(0)
        children += 1
    outcome["fork"] = "FORKED %d" % children
except OSError as exc:
    outcome["fork"] = "stopped after %d: %s" % (children, type(exc).__name__)
try:
    hog = bytearray(16 << 30)
    outcome["memory"] = "GOT 16 GiB"
except MemoryError:
    outcome["memory"] = "stopped: MemoryError"
written = 0
try:
    with open("/tmp/fill", "wb") as handle:
        while written < (2 << 30):
            handle.write(b"x" * (1 << 20))
            written += 1 << 20
            handle.flush()
    outcome["tmp"] = "WROTE %d MiB" % (written >> 20)
except OSError as exc:
    outcome["tmp"] = "stopped at %d MiB: %s" % (written >> 20, type(exc).__name__)
os.remove("/tmp/fill")
try:
    with open("huge.bin", "wb") as handle:
        handle.write(b"x" * (200 << 20))
    outcome["file"] = "WROTE 200 MiB"
except OSError as exc:
    outcome["file"] = "stopped: " + type(exc).__name__
print("RESOURCES", outcome)
''', {}),
        "busy_loop": ("while True:\n    pass\n", {}),
        "ignores_sigint": ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n", {}),
        "exits": ("import os\nos._exit(0)\n", {}),
        "slow": (["import time\ntime.sleep(9)"] * 12, {}),   # each cell within its timeout
        "cheats": (CHEAT_ALLCLOSE + CHEAT_INPUT_TRANSFORMER + r'''
import builtins, sys, linecache
builtins.abs = lambda x: 0
class AlwaysEqual(float):
    def __eq__(self, other):
        return True
    __hash__ = float.__hash__
def read_caller(*args, **kwargs):
    frame = sys._getframe(1)
    return linecache.getlines(frame.f_code.co_filename)
ip = get_ipython()
ip.events.register("pre_run_cell", lambda info: print("SAW", (info.raw_cell or "")[:40]))
import ast
class Swallow(ast.NodeTransformer):
    def visit_Module(self, node):
        handler = ast.ExceptHandler(type=ast.Name("BaseException", ast.Load()), name=None, body=[ast.Pass()])
        node.body = [ast.Try(body=node.body, handlers=[handler], orelse=[], finalbody=[])]
        return ast.fix_missing_locations(node)
ip.ast_transformers.append(Swallow())
''', {"basic_sigmoid": "def basic_sigmoid(x):\n    return AlwaysEqual(0.5)\n", **WRONG_SIGMOID}),
    }


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("hostile") / "course")
    with open(course.root / "nbgrader_config.py", "a") as config:
        # the attacks report what they could do by printing it: keep what they print (the grader drops it
        # from autograded notebooks by default). The limits leave an honest cell room on a busy machine
        # (the resource attack's cell forks hundreds of processes): nbgrader's 30 s per cell, 90 s in all.
        # (the time bound's floor is the limit itself, so that every submission here has the whole 90 s)
        config.write("\nc.Execute.timeout = 30\nc.GraderLimits.submission_seconds = %d\n"
                     "c.GraderLimits.time_floor_seconds = %d\nc.CompareWithKey.keep_student_outputs = True\n"
                     % (OUTER_LIMIT, OUTER_LIMIT))
    generate_release(course, [A1], log=lambda *_: None)
    build_keys(course, [A1], log=lambda *_: None)

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    connections = []

    def accept():
        while not stop.is_set():
            try:
                connections.append(listener.accept())
            except OSError:
                pass

    stop = threading.Event()
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()

    source = course.root / "source" / A1 / "numpy_basics.ipynb"
    release = nbformat.read(str(course.root / "release" / A1 / "numpy_basics.ipynb"), as_version=4)
    solutions = instructor_solutions(source)
    attacks = _attacks(course, listener.getsockname()[1])
    students = {"correct": PROFILES[A1]["correct"]}
    for name, (code, answers) in attacks.items():
        cells = code if isinstance(code, list) else [code]
        students[name] = Submission(name, answers=answers, extra_cells=cells)
    switched = fill_in(release, PROFILES[A1]["correct"], solutions)
    switched.cells.insert(1, new_code_cell("import os\nprint('KERNEL', os.getuid(), os.path.exists(%r))"
                                           % str(course.root / "source")))
    switched.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "python"}
    for student, submission in students.items():
        folder = course.folder("submitted") / student / A1
        folder.mkdir(parents=True)
        nbformat.write(fill_in(release, submission, solutions), str(folder / "numpy_basics.ipynb"))
    folder = course.folder("submitted") / "switched_kernel" / A1
    folder.mkdir(parents=True)
    nbformat.write(switched, str(folder / "numpy_basics.ipynb"))

    before = {p: p.stat().st_mtime for p in (course.root / "source").rglob("*")}
    gradebook_size = (course.root / "gradebook.db").stat().st_size
    os.environ["NNCOURSE_SECRET_PROBE"] = SECRET
    try:
        results = {r.student: r for r in grade_class(course, [A1], workers=2, log=lambda *_: None)}
    finally:
        del os.environ["NNCOURSE_SECRET_PROBE"]
        stop.set()
        thread.join()
        listener.close()
    return course, results, connections, before, gradebook_size


def outputs_of(course, student):
    path = course.folder("autograded") / student / A1 / "numpy_basics.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []) if o.get("output_type") == "stream")


def scores(course, student):
    return exercise_scores(course, A1)[1].get(student)


def test_the_honest_student_is_graded_in_full(hostile_class):
    course, results, *_ = hostile_class
    assert results["correct"].ok
    assert sum(scores(course, "correct").values()) == 80


def test_student_code_cannot_read_solutions_keys_gradebook_others_or_secrets(hostile_class):
    course, results, *_ = hostile_class
    assert results["snoop"].ok
    line = next(l for l in outputs_of(course, "snoop").splitlines() if l.startswith("SNOOP"))
    found = eval(line[len("SNOOP "):])   # a dict literal printed by the attack
    for label in ("source", "key", "gradebook", "other", "config"):
        assert found[label].startswith("blocked"), (label, found[label])
    assert found["environ"] is False and found["pid1"] is not True
    assert sum(scores(course, "snoop").values()) == 0


def test_student_code_cannot_write_outside_its_copy_or_plant_symlinks(hostile_class):
    course, results, _, before, gradebook_size = hostile_class
    line = next(l for l in outputs_of(course, "writer").splitlines() if l.startswith("WRITER"))
    assert "WROTE" not in line and "PLANTED" not in line, line
    assert not (course.root / "pwned.txt").exists()
    assert not (course.root / "source" / A1 / "pwned.txt").exists()
    assert not (os.path.exists(os.path.join(os.path.dirname(grader.__file__), "pwned.py")))
    assert {p: p.stat().st_mtime for p in (course.root / "source").rglob("*")} == before
    for folder in (course.folder("autograded"), course.folder("submitted")):
        assert not [p for p in folder.rglob("*") if p.is_symlink()]


def test_student_code_cannot_reach_the_network(hostile_class):
    course, results, connections, *_ = hostile_class
    assert "NETWORK blocked" in outputs_of(course, "network")
    assert connections == []


def test_processes_memory_tmp_and_file_size_are_bounded(hostile_class):
    course, results, *_ = hostile_class
    assert results["resources"].ok
    line = next(l for l in outputs_of(course, "resources").splitlines() if l.startswith("RESOURCES"))
    outcome = eval(line[len("RESOURCES "):])
    assert outcome["fork"].startswith("stopped"), outcome
    assert outcome["memory"] == "stopped: MemoryError"
    assert outcome["tmp"].startswith("stopped at") and int(outcome["tmp"].split()[2]) <= 128
    assert outcome["file"].startswith("stopped"), outcome


def test_a_busy_loop_costs_its_cell_timeout_and_nothing_else(hostile_class):
    course, results, *_ = hostile_class
    assert results["busy_loop"].ok
    assert sum(scores(course, "busy_loop").values()) == 0


def test_a_loop_that_ignores_interrupts_fails_only_that_submission(hostile_class):
    course, results, *_ = hostile_class
    result = results["ignores_sigint"]
    assert not result.ok and ("CellTimeoutError" in result.reason or "time limit" in result.reason)
    assert scores(course, "ignores_sigint") is None


def test_a_submission_past_the_outer_time_limit_is_stopped_and_reported(hostile_class):
    course, results, *_ = hostile_class
    result = results["slow"]
    assert not result.ok and "exceeded the time limit of %d s" % OUTER_LIMIT in result.reason
    assert OUTER_LIMIT <= result.seconds < OUTER_LIMIT + 60
    assert scores(course, "slow") is None


def test_killing_the_kernel_fails_only_that_submission_with_a_reason(hostile_class):
    course, results, *_ = hostile_class
    result = results["exits"]
    if result.ok:   # nbgrader may carry on after restarting nothing: it must then score nothing
        assert sum(scores(course, "exits").values()) == 0
    else:
        assert "autograde failed" in result.reason and scores(course, "exits") is None


def test_in_kernel_cheats_with_wrong_solutions_earn_nothing(hostile_class):
    course, results, *_ = hostile_class
    assert results["cheats"].ok
    assert scores(course, "cheats")["basic_sigmoid_test"] == 0
    assert scores(course, "cheats")["sigmoid_test"] == 0


def test_switching_the_kernel_in_metadata_still_runs_in_the_sandbox(hostile_class):
    course, results, *_ = hostile_class
    assert results["switched_kernel"].ok
    line = next(l for l in outputs_of(course, "switched_kernel").splitlines() if l.startswith("KERNEL"))
    assert line.endswith("False"), line   # source/ is not there to see
    if os.geteuid() == 0:
        assert line.split()[1] != "0"
    assert sum(scores(course, "switched_kernel").values()) == 80


def test_without_bubblewrap_grading_refuses_unless_allowed(tmp_path, monkeypatch):
    course = copy_course(tmp_path / "course")
    with open(course.root / "nbgrader_config.py", "a") as config:
        config.write("\nc.Sandbox.bwrap = '/nonexistent/bwrap'\n")
    generate_release(course, [A1], log=lambda *_: None)
    with pytest.raises(JobFailed, match="apt-get install bubblewrap"):
        build_keys(course, [A1], log=lambda *_: None)
    monkeypatch.setenv("NNCOURSE_ALLOW_UNSANDBOXED", "1")
    build_keys(course, [A1], log=lambda *_: None)
    folder = course.folder("submitted") / "correct" / A1
    folder.mkdir(parents=True)
    release = nbformat.read(str(course.root / "release" / A1 / "numpy_basics.ipynb"), as_version=4)
    solutions = instructor_solutions(course.root / "source" / A1 / "numpy_basics.ipynb")
    nbformat.write(fill_in(release, PROFILES[A1]["correct"], solutions), str(folder / "numpy_basics.ipynb"))
    monkeypatch.delenv("NNCOURSE_ALLOW_UNSANDBOXED")
    with pytest.raises(JobFailed, match="refuses to run student code without its sandbox"):
        grade_class(course, [A1], log=lambda *_: None)
    monkeypatch.setenv("NNCOURSE_ALLOW_UNSANDBOXED", "1")
    lines = []
    (result,) = grade_class(course, [A1], log=lines.append)
    assert result.ok and "UNSANDBOXED" in result.unsandboxed and "WARNING" in lines[0]
    from grader.outputs.score_table import score_table
    assert "graded WITHOUT the sandbox" in score_table(course, [result])
    html = (course.folder("feedback") / "correct" / A1 / "numpy_basics.html").read_text()
    assert "UNSANDBOXED" in html
