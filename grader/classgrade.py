"""Grading a whole class: isolated per-submission runs in parallel, merged into one gradebook.

nbgrader's SQLite gradebook is not safe for concurrent writers, so no two
processes ever write the same database:

1. the course's gradebook is snapshot once (it holds the assignments and their
   cells after ``generate_assignment``);
2. each submission is graded in a *workspace* of its own: a folder with the
   course config, links to source/ and the answer keys, a copy of the snapshot
   and that one submission. ``grader.grade_one`` runs nbgrader's autograde and
   writes the feedback there, in a process of its own under the outer time limit,
   forked from a grading worker that has imported the grader once
   (:mod:`grader.workers`);
3. the main process merges finished workspaces one at a time: the submission's
   grades, comments and flags into the course gradebook, and its autograded/ and
   feedback/ folders into the course. Merges are sequential, so the course
   gradebook has a single writer.

A submission whose inputs (its files, the assignment's source and keys, the
config and the grader's code) are unchanged since it was last graded
successfully is kept, and said to be kept; anything else is graded again from
scratch, and a failure removes its earlier results instead of showing them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .course import CONFIG_FILE, Course
from .gradebook_rows import MergeError, copy_submission
from .pipeline import GradeResult, JobFailed, forget_submission, submissions, unreadable_notebooks
from .safefiles import FILE_BYTES, TREE_BYTES, Policy, Refused, copy_tree, hash_tree
from .sandbox import Sandbox, SandboxUnavailable, check as check_sandbox
from .phases import collect, phase
from .workers import pool as worker_pool

STATE_FILE = ".grading-state.json"
Log = Callable[[str], None]


# ---------------------------------------------------------------- inputs and state
def _hash_tree(digest, folder: Path, pattern: str = "*") -> None:
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")


def grader_fingerprint() -> str:
    """Hash of the grader's own code (its .py files): a change to it regrades everything."""
    digest = hashlib.sha256()
    _hash_tree(digest, Path(__file__).resolve().parent, "*.py")
    return digest.hexdigest()


def inputs_fingerprint(course: Course, student: str, assignment: str, grader: str) -> str:
    """Everything a submission's grade depends on, hashed."""
    digest = hashlib.sha256(grader.encode())
    digest.update((course.root / CONFIG_FILE).read_bytes())
    # the student's folder: never followed through a link, special files never opened
    hash_tree(digest, course.folder("submitted"), Path(student) / assignment)
    for folder in (course.root / "source" / assignment, course.key_directory / assignment):
        digest.update(b"\1" + folder.name.encode())
        if folder.is_dir():
            _hash_tree(digest, folder)
    return digest.hexdigest()


def load_state(course: Course) -> dict:
    try:
        return json.loads((course.root / STATE_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def save_state(course: Course, state: dict) -> None:
    tmp = course.root / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True))
    os.replace(tmp, course.root / STATE_FILE)


def _still_there(course: Course, student: str, assignment: str) -> bool:
    from nbgrader.api import MissingEntry

    if not (course.folder("autograded") / student / assignment).is_dir():
        return False
    with course.gradebook() as gb:
        try:
            gb.find_submission(assignment, student)
        except MissingEntry:
            return False
    return True


# ---------------------------------------------------------------- one submission
def snapshot_gradebook(course: Course, dest: Path) -> Path:
    """A consistent copy of the course gradebook (SQLite's online backup)."""
    source = sqlite3.connect(str(course.root / "gradebook.db"))
    target = sqlite3.connect(str(dest))
    with target:
        source.backup(target)
    source.close()
    target.close()
    return dest


#: What grading needs of a submission folder besides the assignment's notebooks: nbgrader's record of when
#: it was submitted, and the secret that names the student's feedback file in the exchange (release_feedback
#: reads it). The assignment's own helper files come from source/, copied by nbgrader.
KEPT_FILES = {"timestamp.txt": 1024, "submission_secret.txt": 1024}
#: Names skipped without a word (nbgrader's CourseDirectory.ignore defaults).
IGNORED = (".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback")


def take_submission(course: Course, student: str, assignment: str, dest: Path) -> list[str]:
    """Copy what grading needs of one submission folder to ``dest``; return the notes for the
    instructor (files refused, files not used).

    Only the assignment's notebooks (each at most c.Sandbox.notebook_bytes) and timestamp.txt are
    taken, as regular files (grader.safefiles): a link, FIFO, device or hard link is refused by
    name. Anything else a student puts in the folder (a numpy.py, another assignment's helpers) is
    not used, and said so. Raises Refused when the folder or one of its notebooks cannot be graded.
    """
    limit = Sandbox(config=course.config).notebook_bytes
    notebooks = {p.name for p in course.source_notebooks(assignment)}
    # the files the assignment hands out come back with every submission: nbgrader puts the course's own
    # copies in place, so the student's are neither taken nor worth a note
    handed_out = tuple(sorted(p.name for p in (course.root / "source" / assignment).iterdir()
                              if p.name not in notebooks))
    policy = Policy(limit=lambda name: limit if name in notebooks else KEPT_FILES.get(name),
                    descend=False, ignore=IGNORED + handed_out, total_bytes=len(notebooks) * limit + 8192)
    shown = "submitted/%s/%s" % (student, assignment)
    try:
        taken = copy_tree(course.folder("submitted"), Path(student) / assignment, dest, policy)
    except Refused as refusal:
        raise Refused("submitted/" + refusal.name, refusal.why) from None
    for notebook in sorted(notebooks - set(taken.files)):
        refusal = taken.refusal_of(notebook)
        if refusal:
            why = refusal.why + (" (c.Sandbox.notebook_bytes)" if refusal.why.startswith("is too large") else "")
            raise Refused("%s/%s" % (shown, notebook), why)
        if notebook + "/" in taken.unused:
            raise Refused("%s/%s" % (shown, notebook), "is a folder, not a notebook")
    if not notebooks & set(taken.files):
        raise Refused(shown, "holds none of the assignment's notebooks (%s)" % ", ".join(sorted(notebooks)))
    return taken.notes()


def prepare_workspace(course: Course, snapshot: Path, student: str, assignment: str,
                      base: Path) -> tuple[Course, list[str]]:
    """A private course folder holding one submission, for one grading run, and the notes on what
    of the submission was refused or not used. Raises Refused when it cannot be graded."""
    root = base / ("%s--%s" % (student, assignment))
    shutil.rmtree(root, ignore_errors=True)
    (root / "source").mkdir(parents=True)
    shutil.copy2(course.root / CONFIG_FILE, root / CONFIG_FILE)
    os.symlink(course.root / "source" / assignment, root / "source" / assignment)
    os.symlink(course.key_directory, root / "answer_keys")
    shutil.copy2(snapshot, root / "gradebook.db")
    notes = take_submission(course, student, assignment, root / "submitted" / student / assignment)
    problem = unreadable_notebooks(root / "submitted" / student / assignment, root)
    if problem:
        raise Refused(problem)
    return Course(root), notes


def grade_workspace(workspace: Course, student: str, assignment: str, limit: int) -> dict:
    """nbgrader autograde + feedback for the workspace's submission, in a grading process of its own
    (forked from a ready worker, :mod:`grader.workers`) under ``limit`` seconds and
    c.Sandbox.grader_memory_bytes of address space. Returns {"success", "reason", "phases"}.

    On time-out the grading process's whole process group is killed; a sandboxed kernel dies with
    it (bubblewrap's --die-with-parent). Every temporary folder of the run (the kernels' folders,
    Jupyter's connection files, the grading process's log) is made in one scratch folder that is
    removed here, however the grading process (or its worker) ended.
    """
    memory = Sandbox(config=workspace.config).grader_memory_bytes
    scratch = tempfile.mkdtemp(prefix="nncourse-run-")
    os.chmod(scratch, 0o711)    # the sandbox's uid passes through to its kernel's folder
    env = dict(os.environ, NNCOURSE_SCRATCH=scratch, TMPDIR=scratch,
               JUPYTER_RUNTIME_DIR=os.path.join(scratch, "runtime"))
    try:
        return worker_pool().grade(str(workspace.root), assignment, student, limit, memory=memory, env=env)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_in_workspace(workspace: Course, student: str, assignment: str, limit: int) -> str | None:
    """Like :func:`grade_workspace`: None on success, else the reason."""
    outcome = grade_workspace(workspace, student, assignment, limit)
    return None if outcome["success"] else outcome["reason"]


#: Merging nbgrader's outputs back: regular files only, every file of the graded folder used.
MERGED = Policy(limit=lambda path: FILE_BYTES, total_bytes=TREE_BYTES)


def merge_workspace(course: Course, workspace: Course, student: str, assignment: str) -> list[str]:
    """Copy one graded submission (gradebook rows, autograded/ and feedback/) into the course;
    return notes on anything refused on the way (links or special files are never copied)."""
    forget_submission(course, student, assignment)
    # the submission's rows (grades, comments, flags and late penalties, the student's names, email and
    # LMS id, the submission's timestamp and extension), in one transaction
    copy_submission(workspace.api().coursedir.db_url, course.api().coursedir.db_url, student, assignment)
    notes = []
    for folder in ("autograded", "feedback"):
        if (workspace.folder(folder) / student / assignment).is_dir():
            taken = copy_tree(workspace.folder(folder), Path(student) / assignment,
                              course.folder(folder) / student / assignment, MERGED)
            notes += ["%s/: %s" % (folder, note) for note in taken.notes()]
    return notes


# ---------------------------------------------------------------- progress
class Progress:
    """One line per finished submission: a bar, done / total, failures so far, ETA."""

    def __init__(self, total: int, log: Log, width: int = 20):
        self.total, self.log, self.width = total, log, width
        self.done = self.failed = 0
        self.start = time.perf_counter()

    def update(self, result: GradeResult) -> None:
        self.done += 1
        self.failed += not result.ok
        elapsed = time.perf_counter() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        filled = int(self.width * self.done / max(self.total, 1))
        if result.skipped:
            status = "unchanged since last graded: kept"
        elif result.ok:
            status = "graded"
        else:
            status = "NOT GRADED: " + result.reason
        if result.notes:
            status += "; " + "; ".join(result.notes)
        self.log("[%s%s] %d/%d, %d failed, ETA %ds | %s / %s: %s (%.1f s)"
                 % ("#" * filled, "." * (self.width - filled), self.done, self.total, self.failed,
                    round(eta), result.student, result.assignment, status, result.seconds))


# ---------------------------------------------------------------- engines
def grade_in_workspace(root: str, snapshot: str, student: str, assignment: str, base: str,
                       limit: int) -> tuple[GradeResult, str]:
    """One job: prepare a workspace for one submission and grade it there.

    A plain function of plain arguments, so that any engine can run it: a local thread here, a
    Dask worker (grader.distributed), or a batch job elsewhere that shares the course folder.
    Returns the result and the workspace folder, which the caller merges and then removes.
    """
    start = time.perf_counter()
    folder = Path(base) / ("%s--%s" % (student, assignment))
    try:
        with phase("workspace"):
            workspace, notes = prepare_workspace(Course(Path(root)), Path(snapshot), student, assignment,
                                                 Path(base))
    except Refused as refusal:
        outcome, notes = {"success": False, "reason": str(refusal)}, []
    except OSError as exc:
        outcome, notes = {"success": False,
                          "reason": "submitted/%s/%s could not be read: %s" % (student, assignment, exc)}, []
    else:
        outcome = grade_workspace(workspace, student, assignment, limit)
    phases = {**collect(), **outcome.get("phases", {})}
    return (GradeResult(student, assignment, bool(outcome["success"]), outcome["reason"] or "",
                        time.perf_counter() - start, notes=notes, phases=phases),
            str(folder))


Job = tuple  # the arguments of grade_in_workspace
#: Runs jobs (given as they are found: an engine may start the first before the last is known) and
#: yields each one's result as it finishes.
Engine = Callable[[Iterable[Job]], Iterator[tuple[GradeResult, str]]]


def local_engine(workers: int) -> Engine:
    """Run jobs on this machine, ``workers`` at a time (threads that each hand one submission at a
    time to a grading worker of this process, :mod:`grader.workers`)."""
    def run(jobs: Iterable[Job]) -> Iterator[tuple[GradeResult, str]]:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for future in as_completed([pool.submit(grade_in_workspace, *job) for job in jobs]):
                yield future.result()
    return run


# ---------------------------------------------------------------- the class
def grade_submissions(course: Course, todo: list[tuple[str, str]], workers: int = 1, force: bool = False,
                      log: Log = print, engine: Engine | None = None) -> list[GradeResult]:
    """Grade (student, assignment) submissions; merge each into the course as it finishes.

    ``engine`` runs the jobs (default: ``workers`` local ones at a time); merging always happens
    here, one submission at a time, so the course gradebook has a single writer.
    """
    try:
        warning = check_sandbox(course.config)
    except SandboxUnavailable as exc:
        raise JobFailed(str(exc)) from None
    log("WARNING: %s" % warning if warning else "student code runs in the bubblewrap sandbox")
    limit = Sandbox(config=course.config).submission_seconds
    grader = grader_fingerprint()
    state = load_state(course)
    progress = Progress(len(todo), log)
    results: list[GradeResult] = []

    def finish(result: GradeResult, fingerprint: str) -> None:
        result.unsandboxed = warning or ""
        state["%s/%s" % (result.assignment, result.student)] = {
            "inputs": fingerprint, "ok": result.ok, "reason": result.reason, "notes": result.notes}
        save_state(course, state)
        results.append(result)
        progress.update(result)

    pending: dict[tuple[str, str], tuple[str, float]] = {}
    base = Path(tempfile.mkdtemp(prefix=".grading-", dir=course.root))   # next to the course: shared
    #                                                                  with remote workers, if any

    def jobs() -> Iterator[Job]:
        """The submissions to grade, each as soon as it is known to need grading (the engine starts
        on the first while the others are checked). Whether a submission can be read at all is
        checked on its workspace's copy (:func:`prepare_workspace`), never on the student's folder."""
        snapshot = None
        for student, assignment in todo:
            start = time.perf_counter()
            fingerprint = inputs_fingerprint(course, student, assignment, grader)
            before = state.get("%s/%s" % (assignment, student), {})
            if not force and before.get("ok") and before.get("inputs") == fingerprint \
                    and _still_there(course, student, assignment):
                finish(GradeResult(student, assignment, True, skipped=True, notes=before.get("notes", [])),
                       fingerprint)
                continue
            if snapshot is None:
                if engine is None:
                    worker_pool().prestart(min(max(1, workers), len(todo)))
                snapshot = snapshot_gradebook(course, base / "snapshot.db")
            pending[student, assignment] = (fingerprint, time.perf_counter() - start)
            yield (str(course.root), str(snapshot), student, assignment, str(base), limit)

    try:
        for result, workspace in (engine or local_engine(workers))(jobs()):
            start = time.perf_counter()
            if result.ok:
                try:
                    result.notes += merge_workspace(course, Course(Path(workspace)), result.student,
                                                    result.assignment)
                except MergeError as exc:
                    result.ok, result.reason = False, "could not be merged into the course: %s" % exc
            if not result.ok:
                forget_submission(course, result.student, result.assignment)
            shutil.rmtree(workspace, ignore_errors=True)
            merged = time.perf_counter()
            fingerprint, checked = pending[result.student, result.assignment]
            finish(result, fingerprint)
            result.phases["merge"] = merged - start
            result.phases["class bookkeeping"] = checked + time.perf_counter() - merged
    finally:
        shutil.rmtree(base, ignore_errors=True)
    order = {pair: i for i, pair in enumerate(todo)}
    return sorted(results, key=lambda r: order[r.student, r.assignment])


def autograde(course: Course, student: str, assignment: str) -> GradeResult:
    """Autograde one submission from scratch (with feedback); never leaves stale scores behind."""
    (result,) = grade_submissions(course, [(student, assignment)], force=True, log=lambda *_: None)
    return result


def grade_class(course: Course, assignments: list[str] | None = None, workers: int = 1,
                force: bool = False, log: Log = print, engine: Engine | None = None) -> list[GradeResult]:
    """Grade every submission in submitted/ (of the given assignments)."""
    todo = [(s, a) for s, a in submissions(course) if not assignments or a in assignments]
    return grade_submissions(course, todo, workers=workers, force=force, log=log, engine=engine)
