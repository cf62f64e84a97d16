"""Nothing gets in: what a submission can make the grader read, write or wait for.

One class of assignment 1 arrives the three ways a real class does, each with hostile material:
an LMS download taken in by ``grader intake`` (real zips), the exchange collected by a real
``nbgrader collect``, and folders placed in submitted/. Then one class run grades everything, with
honest students beside the hostile ones (``correct``; ``bob`` through intake; ``erin`` through the
exchange), who must keep their exact scores. For every case: no unearned points, a clear line in
the instructor's table, CSV and log, nothing written outside the student's own copy (the course
folder hashed before and after; the host's /tmp searched), and no temporary folder left behind.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import copy_course
from grader.authoring.release import build_keys, generate_release
from grader.authoring.solutions import instructor_solutions
from grader.example_class import PROFILES, fill_in
from grader.example_class.model import Submission
from grader.intake.lms import intake
from grader.outputs.results import exercise_scores, write_exercise_csv
from grader.outputs.score_table import score_table
from grader.run.classgrade import grade_class
from grader.run.state import LOCK_FILE, STATE_FILE
from grader.sandbox import probe

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(probe(200000) is not None, reason="no bubblewrap sandbox here: %s"
                                 % probe(200000))]

A1 = "a1_numpy_basics"
NB = "numpy_basics.ipynb"
SECRET = "perimeter-secret-5d1c"
MARK = "PERIMETER-MARK-9e2f"
TS = "2026-11-20 10:00:00.000000 UTC"
ROOT = os.geteuid() == 0
OUTPUTS = {"autograded", "feedback", "gradebook.db", STATE_FILE, LOCK_FILE}   # what the grader writes

# hostile cells, each inserted after the setup cell of a notebook
WRITES_EVERYWHERE = r'''
import os
written = 0
try:
    with open("/nncourse-kernel-ipc/%(mark)s", "wb") as handle:
        while written < (1 << 30):
            handle.write(b"z" * (1 << 16))
            handle.flush()
            written += 1 << 16
except OSError:
    pass
print("IPC", written)
for place in ("/tmp", os.path.expanduser("~"), os.getcwd()):
    try:
        open(os.path.join(place, "%(mark)s"), "w").write("x")
    except OSError:
        pass
''' % {"mark": MARK}
FLOOD = "import sys\nfor _ in range(100):\n    sys.stdout.write('x' * (1 << 20))\n    sys.stdout.flush()\n"
ONE_BIG_MESSAGE = "print('y' * (100 << 20))\n"
KILLS_ITS_KERNEL = WRITES_EVERYWHERE + "os._exit(1)\n"


def _device(path: Path) -> None:
    os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 5))     # /dev/zero's numbers


def _socket(path: Path) -> None:
    """A Unix socket file at ``path``: bound in a short folder of /tmp (socket paths are short), then moved."""
    short = Path(tempfile.mkdtemp(prefix="sock-", dir="/tmp"))
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(short / "s"))
        os.rename(short / "s", path)
    finally:
        sock.close()
        short.rmdir()


def _plant_everything(folder: Path, course, secret: Path) -> None:
    """Links (to a key, to a root-only file, to a folder, dangling), a hard link to the key, a FIFO,
    a device, a socket, and modules that would shadow numpy and assignment 5's blocks."""
    key = course.key_directory / A1 / "numpy_basics.json"
    os.symlink(key, folder / "key.txt")
    os.symlink(secret, folder / "secret.txt")
    os.symlink(course.root / "source", folder / "src")
    os.symlink("/nonexistent/answers", folder / "dangling")
    os.link(key, folder / "copy.json")
    os.mkfifo(folder / "pipe")
    _socket(folder / "sock")
    if ROOT:
        _device(folder / "zero")
    (folder / "numpy.py").write_text("raise SystemExit('the shadowing numpy.py was imported')\n")
    (folder / "dnn_blocks.py").write_text("def L_model_forward(X, parameters):\n    return 'solved'\n")


def _zip_bomb(path: Path, member: str, size: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(member, "w", force_zip64=True) as handle:
            zeros = bytes(16 << 20)
            for _ in range(size // len(zeros)):
                handle.write(zeros)


def _tree_state(root: Path, skip: set[str]) -> dict[str, tuple]:
    """Every name under ``root`` (links not followed): kind, size and the hash of regular files."""
    state = {}
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root)
        if rel.parts and rel.parts[0] in skip:
            continue
        for name in dirs + files:
            path = Path(folder) / name
            if not rel.parts and name in skip:
                continue
            info = path.lstat()
            digest = ""
            if stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISLNK(info.st_mode):
                digest = os.readlink(path)
            state[str(rel / name)] = (stat.S_IFMT(info.st_mode), info.st_size, digest)
    return state


def _files_named(root: Path, name: str) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root, onerror=lambda exc: None):
        found += [os.path.join(folder, n) for n in dirs + files if n == name]
    return found


@pytest.fixture(scope="module")
def perimeter(tmp_path_factory):
    base = tmp_path_factory.mktemp("perimeter")
    # the grader's temporary folders go here, to be counted (reachable by the sandbox's uid)
    private_tmp = Path(tempfile.mkdtemp(prefix="perimeter-tmp-"))
    private_tmp.chmod(0o711)
    saved_tmpdir = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(private_tmp)
    tempfile.tempdir = None
    try:
        yield _build_and_grade(base, private_tmp)
    finally:
        if saved_tmpdir is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = saved_tmpdir
        tempfile.tempdir = None
        shutil.rmtree(private_tmp, ignore_errors=True)


def _build_and_grade(base: Path, private_tmp: Path) -> dict:
    course = copy_course(base / "course")
    with open(course.root / "nbgrader_config.py", "a") as config:
        # the attacks report what they managed by printing: keep their outputs in autograded/ (never in feedback)
        config.write("\nc.Execute.timeout = 10\nc.GraderLimits.submission_seconds = 60\n"
                     "c.CompareWithKey.keep_student_outputs = True\n")
    generate_release(course, [A1], log=lambda *_: None)
    build_keys(course, [A1], log=lambda *_: None)
    source_nb = course.root / "source" / A1 / NB
    release = nbformat.read(str(course.root / "release" / A1 / NB), as_version=4)
    solutions = instructor_solutions(source_nb)
    correct, partial = PROFILES[A1]["correct"], PROFILES[A1]["partial"]

    def notebook(submission: Submission, *cells: str) -> str:
        nb = fill_in(release, submission, solutions)
        for code in reversed(cells):
            nb.cells.insert(1, nbformat.v4.new_code_cell(code))
        return nbformat.writes(nb)

    untouched = notebook(Submission("untouched"))
    secret = base / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    secret.chmod(0o600)

    # ---- 1. an LMS download, taken in by grader intake
    download = base / "download"
    download.mkdir()
    (download / ("bob_20261120100000_" + NB)).write_text(notebook(partial))
    (download / ("bob_２０２６１１３０１０００００_" + NB)).write_text(untouched)    # full-width digits
    (download / ("bob_20261340100000_" + NB)).write_text(untouched)                  # month 13
    with zipfile.ZipFile(download / "amy_20261120110000_work.zip", "w") as archive:
        archive.writestr("bob_20991231235959_" + NB, untouched)     # speaks for bob: ignored
        archive.writestr("README.md", "my work")
        archive.writestr("inner.zip", b"PK\x05\x06" + bytes(18))    # a nested archive: not opened
    _zip_bomb(download / "eve_20261120100000_results.zip", NB, 2 << 30)
    os.mkfifo(download / ("ivy_" + NB))
    if ROOT:
        _device(download / ("jon_" + NB))
    os.symlink(source_nb, download / ("kim_" + NB))
    os.link(source_nb, download / ("lou_" + NB))
    os.symlink(course.root / "source", download / "linkdir")
    (download / "notes.txt").write_text("not a submission")
    start = time.perf_counter()
    report = intake(course, A1, download)
    intake_seconds = time.perf_counter() - start
    bob_uploaded = (download / ("bob_20261120100000_" + NB)).read_bytes()

    # ---- 2. the exchange, collected by a real `nbgrader collect`
    exchange = course.root / "exchange"
    inbound = exchange / "nn-workbook" / "inbound"
    inbound.mkdir(parents=True)
    for folder in (exchange, exchange / "nn-workbook"):
        folder.chmod(0o777)
    inbound.chmod(0o733)
    erin = inbound / ("erin+%s+%s+r1" % (A1, TS))
    erin.mkdir()
    (erin / NB).write_text(notebook(correct))
    (erin / "timestamp.txt").write_text(TS)
    _plant_everything(erin, course, secret)
    impostor = inbound / ("erin+%s+2026-11-21 10:00:00.000000 UTC+r2" % A1)
    impostor.mkdir()
    (impostor / NB).write_text(untouched)
    if ROOT:
        for path in (impostor, impostor / NB):
            os.chown(path, 65534, 65534)    # made by another account (nobody), in erin's name
    os.symlink(course.root / "source" / A1, inbound / ("finn+%s+%s+r3" % (A1, TS)))
    gail = inbound / ("gail+%s+%s+r4" % (A1, TS))
    gail.mkdir()
    os.symlink(source_nb, gail / NB)
    hugo = inbound / ("hugo+%s+garbage+r5" % A1)
    hugo.mkdir()
    (hugo / NB).write_text(notebook(correct))
    collect = subprocess.run([sys.executable, "-m", "nbgrader", "collect", A1], cwd=course.root,
                             capture_output=True, text=True, timeout=300)
    assert collect.returncode == 0, collect.stderr[-3000:]

    # ---- 3. folders in submitted/
    submitted = course.folder("submitted")

    def folder(student: str) -> Path:
        path = submitted / student / A1
        path.mkdir(parents=True)
        return path

    (folder("correct") / NB).write_text(notebook(correct))
    planted = folder("planted")
    (planted / NB).write_text(notebook(correct, WRITES_EVERYWHERE))
    _plant_everything(planted, course, secret)
    os.symlink(source_nb, folder("nb_link") / NB)
    os.link(source_nb, folder("nb_hardlink") / NB)
    os.mkfifo(folder("nb_fifo") / NB)
    if ROOT:
        _device(folder("nb_device") / NB)
    (submitted / "linked_folder").mkdir()
    os.symlink(submitted / "correct" / A1, submitted / "linked_folder" / A1)
    os.symlink(submitted / "correct", submitted / "linked_student")
    (submitted / "dangling_folder").mkdir()
    os.symlink("/nonexistent/folder", submitted / "dangling_folder" / A1)
    with open(folder("too_large") / NB, "w") as handle:     # valid notebook JSON, 200 MiB
        text = notebook(Submission("untouched"))
        handle.write(text[:text.rindex("}")] + ', "padding": "')
        handle.write("a" * (200 << 20))
        handle.write('"}')
    (folder("flood") / NB).write_text(notebook(Submission("flood"), FLOOD))
    (folder("one_message") / NB).write_text(notebook(Submission("one message"), ONE_BIG_MESSAGE))
    (folder("kills_kernel") / NB).write_text(notebook(Submission("kills"), KILLS_ITS_KERNEL))
    (folder("slow") / NB).write_text(notebook(Submission("slow"), *["import time\ntime.sleep(9)"] * 8))

    # ---- grade the whole class once
    course_before = _tree_state(course.root, OUTPUTS)
    secret_before = secret.read_bytes()
    host_tmp_marks = _files_named(Path("/tmp"), MARK)
    lines: list[str] = []
    start = time.perf_counter()
    results = grade_class(course, [A1], workers=2, log=lines.append)
    grade_seconds = time.perf_counter() - start
    table = score_table(course, results)
    exported = write_exercise_csv(course, results, base / "exercise_scores.csv")
    with open(exported, newline="") as handle:
        rows = list(csv.DictReader(handle))
    print("\nperimeter class: intake %.1f s, grading %d submissions %.1f s"
          % (intake_seconds, len(results), grade_seconds))
    return dict(course=course, base=base, private_tmp=private_tmp, report=report, collect=collect,
                results={r.student: r for r in results}, lines=lines, table=table, rows=rows,
                course_before=course_before, secret=secret, secret_before=secret_before,
                host_tmp_marks=host_tmp_marks, bob_uploaded=bob_uploaded)


def scores(course, student):
    return exercise_scores(course, A1)[1].get(student)


def expected(course, profile: str) -> dict:
    """The score of every graded cell for an example profile."""
    return {cell: PROFILES[A1][profile].expected.get(cell, 0) for cell in exercise_scores(course, A1)[0]}


# ------------------------------------------------------------------ the honest students
@pytest.mark.parametrize("student, profile", [("correct", "correct"), ("bob", "partial"), ("erin", "correct"),
                                              ("planted", "correct")])
def test_honest_notebooks_keep_their_exact_scores(perimeter, student, profile):
    """planted's notebook is correct too: everything else in its folder is refused or not used."""
    assert perimeter["results"][student].ok, perimeter["results"][student].reason
    assert scores(perimeter["course"], student) == expected(perimeter["course"], profile)


# ------------------------------------------------------------------ what cannot be graded
REFUSED = {
    "nb_link": "submitted/nb_link/a1_numpy_basics/numpy_basics.ipynb is a symbolic link",
    "nb_hardlink": "submitted/nb_hardlink/a1_numpy_basics/numpy_basics.ipynb is a hard link",
    "nb_fifo": "submitted/nb_fifo/a1_numpy_basics/numpy_basics.ipynb is a FIFO (named pipe)",
    "nb_device": "submitted/nb_device/a1_numpy_basics/numpy_basics.ipynb is a character device",
    "linked_folder": "submitted/linked_folder/a1_numpy_basics is a symbolic link",
    "linked_student": "submitted/linked_student is a symbolic link",
    "dangling_folder": "submitted/dangling_folder/a1_numpy_basics is a symbolic link",
    "too_large": "numpy_basics.ipynb is too large: 200 MiB, more than the limit of 20 MiB "
                 "(c.GraderLimits.notebook_bytes)",
    "flood": "numpy_basics.ipynb is too large to grade: its cell 2 sent outputs beyond the limit, more than 64 MiB",
    "one_message": "numpy_basics.ipynb is too large to grade: its cell 2 sent a single message larger than the "
                   "limit, more than 64 MiB",
    "kills_kernel": "Kernel died",
    "slow": "exceeded the time limit of 60 s",
    "gail": "submitted/gail/a1_numpy_basics holds none of the assignment's notebooks (numpy_basics.ipynb)",
}


@pytest.mark.parametrize("student", sorted(REFUSED))
def test_what_cannot_be_graded_earns_nothing_and_says_why_everywhere(perimeter, student):
    if student == "nb_device" and not ROOT:
        pytest.skip("making a device node needs root")
    result = perimeter["results"][student]
    assert not result.ok and REFUSED[student] in result.reason, result.reason
    assert scores(perimeter["course"], student) is None
    assert "  %s / %s: %s" % (student, A1, result.reason) in perimeter["table"]
    assert any(line.endswith("%s / %s: NOT GRADED: %s (%.1f s)" % (student, A1, result.reason, result.seconds))
               for line in perimeter["lines"])
    rows = [r for r in perimeter["rows"] if r["student"] == student]
    assert [(r["status"], r["reason"]) for r in rows] == [("not graded", result.reason)]
    for folder in ("autograded", "feedback"):
        assert not (perimeter["course"].folder(folder) / student).exists()


def test_refusals_before_grading_cost_no_kernel(perimeter):
    for student in ("nb_link", "nb_hardlink", "nb_fifo", "linked_folder", "too_large", "gail"):
        assert perimeter["results"][student].seconds < 5


# ------------------------------------------------------------------ files refused inside a folder
def test_every_refused_or_unused_file_is_named_in_the_table_csv_and_log(perimeter):
    notes = perimeter["results"]["planted"].notes
    refused = ["copy.json is a hard link (one of 3 names of the same file; submit a copy instead)",
               "dangling is a symbolic link", "key.txt is a symbolic link", "pipe is a FIFO (named pipe)",
               "secret.txt is a symbolic link", "sock is a socket", "src is a symbolic link"]
    if ROOT:
        refused.append("zero is a character device")
    assert notes == ["refused: " + line for line in refused] + ["not used: dnn_blocks.py, numpy.py"]
    for note in notes:
        assert "  planted / %s: %s" % (A1, note) in perimeter["table"]
    remarks = {r["reason"] for r in perimeter["rows"] if r["student"] == "planted"}
    assert remarks == {"; ".join(notes)}
    assert any("planted / %s: graded; %s" % (A1, "; ".join(notes)) in line for line in perimeter["lines"])


def test_the_sandbox_space_for_the_kernels_sockets_is_capped(perimeter):
    path = perimeter["course"].folder("autograded") / "planted" / A1 / NB
    outputs = "".join(o.get("text", "") for c in nbformat.read(str(path), as_version=4).cells
                      if c.cell_type == "code" for o in c.get("outputs", []))
    written = int(outputs.split("IPC ")[1].split()[0])
    assert written <= 1 << 20


# ------------------------------------------------------------------ intake of an LMS download
def test_intake_takes_each_upload_for_its_owner_only(perimeter):
    report, course = perimeter["report"], perimeter["course"]
    assert report.collected == {"bob": [NB]}
    assert (course.folder("submitted") / "bob" / A1 / NB).read_bytes() == perimeter["bob_uploaded"]
    assert report.others == ["amy_20261120110000_work.zip:bob_20991231235959_numpy_basics.ipynb: inside amy's "
                             "upload but named for student 'bob'; ignored"]
    text = "\n".join(report.lines())
    assert "bob_２０２６１１３０１０００００_numpy_basics.ipynb: timestamp '２０２６１１３０１０００００' is not 14 ASCII digits" in text
    assert "bob_20261340100000_numpy_basics.ipynb: timestamp 20261340100000 is not a real date" in text
    assert "amy_20261120110000_work.zip:inner.zip: an archive inside amy's upload; not opened" in text
    assert "amy_20261120110000_work.zip:README.md" in report.unused
    assert ("eve_20261120100000_results.zip: archive rejected as a whole: it would unpack to 2 GiB, more than "
            "the limit of 200 MiB; nothing in it was extracted") in text
    for line in ("ivy_numpy_basics.ipynb is a FIFO (named pipe)", "kim_numpy_basics.ipynb is a symbolic link",
                 "lou_numpy_basics.ipynb is a hard link", "linkdir is a symbolic link",
                 "notes.txt: does not follow"):
        assert line in text
    if ROOT:
        assert "jon_numpy_basics.ipynb is a character device" in text
    kept = sum(p.stat().st_size for p in course.folder("downloaded").rglob("*") if p.is_file())
    assert kept < 1 << 20


# ------------------------------------------------------------------ nbgrader collect from the exchange
def test_collect_takes_regular_files_and_refuses_folders_that_speak_for_others(perimeter):
    log, course = perimeter["collect"].stderr, perimeter["course"]
    erin = course.folder("submitted") / "erin" / A1
    # collect takes every regular file (grading then uses the notebooks only)
    assert sorted(p.name for p in erin.iterdir()) == sorted(["dnn_blocks.py", NB, "numpy.py", "timestamp.txt"])
    # its time is when the course received the folder, not the earlier time its name claims, which is logged
    received = datetime.datetime.strptime((erin / "timestamp.txt").read_text(), "%Y-%m-%d %H:%M:%S.%f %Z")
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    assert abs(received - now) < datetime.timedelta(hours=2), received
    assert "erin / %s: its name claims %s, but the course received it at " % (A1, TS) in log
    for name in ("copy.json is a hard link", "dangling is a symbolic link", "key.txt is a symbolic link",
                 "pipe is a FIFO", "secret.txt is a symbolic link", "sock is a socket", "src is a symbolic link"):
        assert "erin / %s: refused: %s" % (A1, name) in log
    assert "erin / %s: not used" not in log      # collect takes every regular file; grading picks
    assert "refused: inbound/finn+%s+%s+r3 is a symbolic link; not collected" % (A1, TS) in log
    assert "refused: inbound/hugo+%s+garbage+r5 its timestamp 'garbage' is not a date; not collected" % A1 in log
    assert "gail / %s: refused: numpy_basics.ipynb is a symbolic link" % A1 in log
    if ROOT:
        assert ("refused: inbound/erin+%s+2026-11-21 10:00:00.000000 UTC+r2 is owned by nobody, not by erin: "
                "it does not speak for erin; not collected" % A1) in log
    for student in ("finn", "hugo"):
        assert not (course.folder("submitted") / student).exists()


# ------------------------------------------------------------------ nothing read or written outside
def test_nothing_outside_a_students_own_copy_was_written(perimeter):
    course = perimeter["course"]
    assert _tree_state(course.root, OUTPUTS) == perimeter["course_before"]
    assert perimeter["secret"].read_bytes() == perimeter["secret_before"]
    assert _files_named(course.root, MARK) == []
    assert _files_named(Path("/tmp"), MARK) == perimeter["host_tmp_marks"] == []


def test_no_course_file_reached_an_output_folder(perimeter):
    course = perimeter["course"]
    key = (course.key_directory / A1 / "numpy_basics.json").read_bytes()
    for folder in ("autograded", "feedback"):
        for path in course.folder(folder).rglob("*"):
            info = path.lstat()
            assert stat.S_ISDIR(info.st_mode) or (stat.S_ISREG(info.st_mode) and info.st_nlink == 1), path
            if stat.S_ISREG(info.st_mode):
                data = path.read_bytes()
                assert SECRET.encode() not in data and key[:400] not in data, path
                if folder == "feedback":    # autograded/ is the instructor's: it holds the hidden tests
                    assert b"BEGIN SOLUTION" not in data and b"BEGIN HIDDEN TESTS" not in data, path
    names = {p.name for p in course.folder("autograded").rglob("*")}
    assert not names & {"key.txt", "secret.txt", "copy.json", "numpy.py", "dnn_blocks.py", "pipe", "sock"}


def test_every_temporary_folder_of_the_run_is_removed(perimeter):
    """Success, a dead kernel, a time-out (the grading child killed) alike."""
    assert list(perimeter["private_tmp"].iterdir()) == []
    assert not [p for p in perimeter["course"].root.iterdir() if p.name.startswith(".grading-") and p.is_dir()]


def test_a_kernel_that_cannot_start_leaves_nothing_behind(tmp_path, monkeypatch):
    from traitlets.config import Config

    from grader.sandbox.kernel import SandboxedExecute

    scratch = Path(tempfile.mkdtemp(prefix="perimeter-scratch-"))
    scratch.chmod(0o711)
    monkeypatch.setenv("NNCOURSE_SCRATCH", str(scratch))
    config = Config()
    config.Sandbox.memory_bytes = 24 << 20      # too little for Python to start in the sandbox
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    executor = SandboxedExecute(config=config, startup_timeout=60)
    try:
        with pytest.raises(RuntimeError, match="Kernel died before replying to kernel_info"):
            executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
        assert list(scratch.iterdir()) == []
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
