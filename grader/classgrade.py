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
    for folder in (course.folder("submitted") / student / assignment, course.root / "source" / assignment,
                   course.key_directory / assignment):
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


def prepare_workspace(course: Course, snapshot: Path, student: str, assignment: str, base: Path) -> Course:
    """A private course folder holding one submission, for one grading run."""
    root = base / ("%s--%s" % (student, assignment))
    shutil.rmtree(root, ignore_errors=True)
    (root / "source").mkdir(parents=True)
    shutil.copy2(course.root / CONFIG_FILE, root / CONFIG_FILE)
    os.symlink(course.root / "source" / assignment, root / "source" / assignment)
    os.symlink(course.key_directory, root / "answer_keys")
    shutil.copy2(snapshot, root / "gradebook.db")
    shutil.copytree(course.folder("submitted") / student / assignment,
                    root / "submitted" / student / assignment, symlinks=True)
    return Course(root)


def grade_workspace(workspace: Course, student: str, assignment: str, limit: int) -> dict:
    """nbgrader autograde + feedback for the workspace's submission, in a grading process of its own
    (forked from a ready worker, :mod:`grader.workers`) under ``limit`` seconds. Returns
    {"success", "reason", "phases"}. On time-out the grading process's whole process group is
    killed; a sandboxed kernel dies with it (bubblewrap's --die-with-parent)."""
    return worker_pool().grade(str(workspace.root), assignment, student, limit)


def run_in_workspace(workspace: Course, student: str, assignment: str, limit: int) -> str | None:
    """Like :func:`grade_workspace`: None on success, else the reason."""
    outcome = grade_workspace(workspace, student, assignment, limit)
    return None if outcome["success"] else outcome["reason"]


def merge_workspace(course: Course, workspace: Course, student: str, assignment: str) -> None:
    """Copy one graded submission (gradebook rows, autograded/ and feedback/) into the course."""
    forget_submission(course, student, assignment)
    # the submission's rows (grades, comments, flags, the student), in one transaction
    copy_submission(workspace.api().coursedir.db_url, course.api().coursedir.db_url, student, assignment)
    for folder in ("autograded", "feedback"):
        src = workspace.folder(folder) / student / assignment
        if src.is_dir():
            dest = course.folder(folder) / student / assignment
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(src, dest, symlinks=True)


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
    with phase("workspace"):
        workspace = prepare_workspace(Course(Path(root)), Path(snapshot), student, assignment, Path(base))
    outcome = grade_workspace(workspace, student, assignment, limit)
    phases = {**collect(), **outcome.get("phases", {})}
    return (GradeResult(student, assignment, bool(outcome["success"]), outcome["reason"] or "",
                        time.perf_counter() - start, phases=phases),
            str(workspace.root))


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
            "inputs": fingerprint, "ok": result.ok, "reason": result.reason}
        save_state(course, state)
        results.append(result)
        progress.update(result)

    pending: dict[tuple[str, str], tuple[str, float]] = {}
    base = Path(tempfile.mkdtemp(prefix=".grading-", dir=course.root))   # next to the course: shared
    #                                                                  with remote workers, if any

    def jobs() -> Iterator[Job]:
        """The submissions to grade, each as soon as it is known to need grading (the engine starts
        on the first while the others are checked)."""
        snapshot = None
        for student, assignment in todo:
            start = time.perf_counter()
            fingerprint = inputs_fingerprint(course, student, assignment, grader)
            before = state.get("%s/%s" % (assignment, student), {})
            if not force and before.get("ok") and before.get("inputs") == fingerprint \
                    and _still_there(course, student, assignment):
                finish(GradeResult(student, assignment, True, skipped=True), fingerprint)
                continue
            problem = unreadable_notebooks(course.folder("submitted") / student / assignment, course.root)
            if problem:
                forget_submission(course, student, assignment)
                finish(GradeResult(student, assignment, False, problem), fingerprint)
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
                    merge_workspace(course, Course(Path(workspace)), result.student, result.assignment)
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
