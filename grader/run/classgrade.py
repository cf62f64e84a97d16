"""Grading a whole class: isolated per-submission runs in parallel, merged into one gradebook.

The path of one submission, in the order it happens:

1. :func:`grade_submissions` checks the sandbox once, snapshots the course gradebook (it holds the
   assignments and their cells after ``generate_assignment``) and makes a :class:`~grader.run.jobs.Job` for
   every submission that needs grading (:mod:`grader.run.state` keeps the ones whose inputs are unchanged);
2. an engine (:mod:`grader.run.engines`) runs ``grade_job`` for each: it prepares the submission's
   workspace (:mod:`grader.run.workspace`, taking its notebooks with :mod:`grader.run.submission`) and
   hands it to a grading worker (:mod:`grader.run.pool`), which forks a grading process for it
   (:mod:`grader.run.worker`) that runs nbgrader's autograde in the sandbox and writes the feedback
   (:mod:`grader.run.grade_one`), within its time bound (:mod:`grader.run.bounds`) and memory limit;
3. back here, finished workspaces are merged one at a time: the submission's grades, comments and flags
   into the course gradebook, its autograded/ and feedback/ folders into the course. Merges are sequential,
   so the course gradebook has a single writer. A failure removes the submission's earlier results
   instead of showing them.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Callable, Iterator

from ..course import Course
from ..errors import JobFailed
from ..limits import GraderLimits
from ..sandbox import SandboxUnavailable, check as check_sandbox
from .engines import Engine, local_engine
from .bounds import time_bound
from .gradebook_rows import MergeError
from .jobs import GradeResult, Job
from .pool import pool as worker_pool
from .progress_line import Progress
from .scratch import RUN_PREFIX, held_folder, remove_stale
from .state import course_lock, grader_fingerprint, inputs_fingerprint, load_state, record, still_graded
from .submission import submissions
from .workspace import forget_submission, merge_workspace, snapshot_gradebook

Log = Callable[[str], None]


def grade_submissions(course: Course, todo: list[tuple[str, str]], workers: int = 1, force: bool = False,
                      log: Log = print, engine: Engine | None = None) -> list[GradeResult]:
    """Grade (student, assignment) submissions; merge each into the course as it finishes.

    ``engine`` runs the jobs (default: ``workers`` local ones at a time); merging always happens
    here, one submission at a time and under the course's lock, so the course gradebook has a single
    writer even when the on-submit service grades beside this run. What killed runs left behind is
    removed first (:mod:`grader.run.scratch`).
    """
    try:
        warning = check_sandbox(course.config)
    except SandboxUnavailable as exc:
        raise JobFailed(str(exc)) from None
    log("WARNING: %s" % warning if warning else "student code runs in the bubblewrap sandbox")
    for folder in remove_stale(course.root):
        log("removed %s, left by a grading run that was stopped" % folder)
    limits = GraderLimits(config=course.config)
    grader = grader_fingerprint()
    state = load_state(course)
    progress = Progress(len(todo), log)
    results: list[GradeResult] = []

    def finish(result: GradeResult, fingerprint: str | None) -> None:
        """Count the result; ``fingerprint``: the inputs it was graded from (None: keep the state file's entry)."""
        result.unsandboxed = warning or ""
        if fingerprint is not None:
            record(course, result.student, result.assignment, {
                "inputs": fingerprint, "ok": result.ok, "reason": result.reason, "notes": result.notes})
        results.append(result)
        progress.update(result)

    pending: dict[tuple[str, str], tuple[Job, str, float]] = {}
    bounds: dict[str, int] = {}

    def jobs(base: Path) -> Iterator[Job]:
        """The submissions to grade, each as soon as it is known to need grading (the engine starts
        on the first while the others are checked). Whether a submission can be read at all is
        checked on its workspace's copy (``prepare_workspace``), never on the student's folder."""
        snapshot = None
        for student, assignment in todo:
            start = time.perf_counter()
            fingerprint = inputs_fingerprint(course, student, assignment, grader)
            before = state.get("%s/%s" % (assignment, student), {})
            if not force and before.get("ok") and before.get("inputs") == fingerprint \
                    and still_graded(course, student, assignment):
                with course_lock(course):
                    finish(GradeResult(student, assignment, True, skipped=True, notes=before.get("notes", [])),
                           fingerprint)
                continue
            if snapshot is None:
                if engine is None:
                    worker_pool().prestart(min(max(1, workers), len(todo)))
                snapshot = snapshot_gradebook(course, base / "snapshot.db")
            if assignment not in bounds:
                bounds[assignment] = time_bound(course, assignment, limits)
            job = Job(str(course.root), student, assignment, str(snapshot), str(base), bounds[assignment],
                      limits.grader_memory_bytes)
            pending[student, assignment] = (job, fingerprint, time.perf_counter() - start)
            yield job

    # next to the course: shared with remote workers, if any
    with held_folder(course.root, RUN_PREFIX) as base:
        for result in (engine or local_engine(workers))(jobs(base)):
            start = time.perf_counter()
            job, fingerprint, checked = pending[result.student, result.assignment]
            with course_lock(course):
                if inputs_fingerprint(course, result.student, result.assignment, grader) != fingerprint:
                    # another grader (the on-submit service) merged a newer submission meanwhile, or the
                    # files changed: the course keeps what it has, and the state file its entry
                    result.ok, result.skipped = True, True
                    result.notes.append("changed while it was graded: the course keeps the newer result")
                    fingerprint = None
                else:
                    merge_result(course, job, result)
                shutil.rmtree(job.workspace, ignore_errors=True)
                merged = time.perf_counter()
                finish(result, fingerprint)
            result.phases["merge"] = merged - start
            result.phases["class bookkeeping"] = checked + time.perf_counter() - merged
    order = {pair: i for i, pair in enumerate(todo)}
    return sorted(results, key=lambda r: order[r.student, r.assignment])


def merge_result(course: Course, job: Job, result: GradeResult) -> None:
    """Bring a finished job into the course (call it under the course's lock): a graded submission's rows and
    folders are merged; a submission that could not be graded loses its earlier results, never shown again
    as current."""
    if result.ok:
        try:
            result.notes += merge_workspace(course, Course(job.workspace), result.student, result.assignment)
        except MergeError as exc:
            result.ok, result.reason = False, "could not be merged into the course: %s" % exc
    if not result.ok:
        forget_submission(course, result.student, result.assignment)


def autograde(course: Course, student: str, assignment: str) -> GradeResult:
    """Autograde one submission from scratch (with feedback); never leaves stale scores behind."""
    (result,) = grade_submissions(course, [(student, assignment)], force=True, log=lambda *_: None)
    return result


def grade_class(course: Course, assignments: list[str] | None = None, workers: int = 1,
                force: bool = False, log: Log = print, engine: Engine | None = None) -> list[GradeResult]:
    """Grade every submission in submitted/ (of the given assignments)."""
    todo = [(s, a) for s, a in submissions(course) if not assignments or a in assignments]
    return grade_submissions(course, todo, workers=workers, force=force, log=log, engine=engine)
