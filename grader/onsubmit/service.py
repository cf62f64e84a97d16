"""The on-submit grading service: every submission graded as it arrives, within limits, none lost.

``python -m grader serve`` (the JupyterHub classroom runs it as a managed service, as the course's instructor)
keeps doing, a few times a second (:meth:`Service.step`):

1. take the new complete folders of the exchange's inbound (:mod:`grader.onsubmit.inbox`), each into the
   service's store and its ledger (:mod:`grader.onsubmit.ledger`), and give the student a page that says it
   was received and when it will be graded (released like feedback);
2. start the waiting submissions that may start (:mod:`grader.onsubmit.schedule`: the rate limit, one
   submission per student at a time, the fewest recent gradings first), each as a :class:`~grader.run.jobs.Job`
   run by the class grader's own engine (``grade_job``: a workspace, a grading worker, the sandbox, the answer
   key), within its assignment's time bound;
3. finish the gradings that ended: the result is written to the ledger first (``merging``), then the counted
   submission is merged into the course under the course's lock (gradebook, autograded/, feedback/,
   submitted/ and the class grader's state file, so that ``python -m grader grade`` keeps it), and the
   verdict is released through nbgrader's feedback exchange (or held until the due date).

A service that is killed starts again where it stopped (:meth:`Service.recover`): a submission it was grading
is graded again from scratch (its grading never finished), one it was merging is merged from the kept result,
and the folders of killed runs are removed. Nothing is graded twice and nothing is lost: every folder that
reached the inbound is in the ledger, as graded or refused with its reason.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from traitlets import Float, Integer, Unicode
from traitlets.config import Configurable

from ..course import Course
from ..errors import JobFailed
from ..grading.keys import key_is_current
from ..limits import GraderLimits
from ..nbgrader_calls import last_line
from ..outputs.results import exercise_scores
from ..run.bounds import time_bound
from ..run.classgrade import merge_result
from ..run.engines import grade_job
from ..run.jobs import GradeResult, Job
from ..run.pool import pool
from ..run.scratch import remove_stale
from ..run.state import course_lock, grader_fingerprint, inputs_fingerprint, record
from ..run.workspace import MERGED, snapshot_gradebook
from ..safefiles import copy_tree
from ..sandbox import SandboxUnavailable, check as check_sandbox
from .inbox import Inbox
from .ledger import Entry, Ledger
from .policy import Rules, SubmitPolicy
from .release import ReleaseFailed, keep_feedback, release, write_status
from .schedule import next_entries, plan, slots
from .wording import about_lines, limit_line, student_reason, utc

STATE_FOLDER = Path(".nncourse") / "service"
#: How often a submission is graded again after a failure that was not its doing (a full disk, a lost worker)
#: before it is reported as not graded.
MAX_ATTEMPTS = 5


class ServiceError(JobFailed):
    """The service cannot run (the message says why and what to do)."""


class GradingService(Configurable):
    """How the on-submit grading service runs (``c.GradingService.*`` in nbgrader_config.py)."""

    workers = Integer(0, help="Submissions graded at once (0: one per core of this machine)").tag(config=True)
    poll_seconds = Float(0.2, help="How often the exchange's inbound folder is looked at, in seconds"
                         ).tag(config=True)
    quiet_seconds = Float(2.0, help="A submission folder not made by nbgrader's submit (no submission_secret.txt) "
                                    "is taken once nothing in it changed for this long").tag(config=True)
    dask_scheduler = Unicode("", help="The address of a Dask scheduler (tcp://host:8786) whose workers grade; "
                                      "empty: grade on this machine").tag(config=True)


class Service:
    """The on-submit grading service of one course."""

    def __init__(self, course: Course, log: Callable[[str], None] = print, now: Callable[[], float] = time.time):
        self.course, self.log, self.now = course, log, now
        self.settings = GradingService(config=course.config)
        self.policy = SubmitPolicy(config=course.config)
        self.limits = GraderLimits(config=course.config)
        self.folder = course.root / STATE_FOLDER
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder.parent, 0o700)
        self._lock_fd = os.open(self.folder / "service.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            raise ServiceError("another grading service runs for the course %s" % course.root) from None
        self.ledger = Ledger(self.folder / "ledger.sqlite")
        self.inbox = Inbox(course, self.ledger, self.folder / "store", self.settings.quiet_seconds, log)
        self.work = self.folder / "work"
        self.work.mkdir(exist_ok=True)
        self.workers = self.settings.workers or os.cpu_count() or 1
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="grading")
        self._running: dict[int, tuple[Future, Job]] = {}
        self._pages = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pages")
        self._telling: dict[int, Future] = {}
        self._stop = threading.Event()
        self._rules: dict[str, tuple[float, Rules]] = {}
        self._bounds: dict[str, int] = {}
        self._status_refreshed = 0.0
        self._keys_checked: dict[str, tuple[float, bool]] = {}
        self._merge_tried: dict[int, float] = {}
        self._last_failure = ""
        self.problems: dict[str, str] = {}   # what holds submissions back, for the instructor
        self.grade = self._runner()
        self.grader = grader_fingerprint()   # the code this process runs: what the class grader's state records

    # ------------------------------------------------------------ set-up
    def _runner(self) -> Callable[[Job], GradeResult]:
        """How a job is graded: by this machine's grading workers, or by a Dask cluster's."""
        if not self.settings.dask_scheduler:
            return grade_job
        from distributed import Client

        client = Client(self.settings.dask_scheduler)
        return lambda job: client.submit(grade_job, job, pure=False).result()

    def rules(self, assignment: str) -> Rules:
        """The assignment's policy (its due date read from the gradebook at most every 30 s)."""
        cached = self._rules.get(assignment)
        if cached is None or self.now() - cached[0] > 30:
            cached = (self.now(), self.policy.rules(self.course, assignment))
            self._rules[assignment] = cached
        return cached[1]

    def recover(self) -> None:
        """Carry on from where a stopped service left: see the module's docstring."""
        warning = check_sandbox(self.course.config)
        if warning:
            self.log("WARNING: %s" % warning)
        for folder in remove_stale(self.course.root):
            self.log("removed %s, left by a grading run that was stopped" % folder)
        if not self.settings.dask_scheduler:
            pool().prestart(self.workers)   # ready before the first submission arrives
        for entry in self.ledger.in_state("grading"):
            shutil.rmtree(self.work / str(entry.id), ignore_errors=True)
            self.ledger.update(entry.id, "requeued", "the service stopped while it was graded", state="queued",
                               started=None)
        for entry in self.ledger.in_state("merging"):
            self.complete(entry.id)
        from ..lms.passback import passback   # scores not sent to the LMS before the service stopped

        self._attempt("posting the scores not sent to the LMS", passback, self.course, None, None, None, self.log,
                      True)
        for folder in self.work.iterdir():
            if folder.name.isdigit() and self.ledger.get(int(folder.name)).state != "grading":
                shutil.rmtree(folder, ignore_errors=True)

    # ------------------------------------------------------------ the loop
    def run(self) -> None:
        """Step until :meth:`stop`; a failing step is logged and tried again (nothing is dropped)."""
        try:
            self.recover()
        except SandboxUnavailable as exc:
            raise ServiceError(str(exc)) from None
        while not self._stop.is_set():
            try:
                self.step()
            except Exception as exc:   # a full disk, a busy database: log it and go on
                self.log("the grading service's step failed, tried again: %s: %s" % (type(exc).__name__, exc))
                self._stop.wait(1.0)
            self._stop.wait(self.settings.poll_seconds)

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        """Stop grading (a grading still running is graded again at the next start) and let go of the course."""
        self.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._pages.shutdown(wait=False, cancel_futures=True)
        pool().close()
        self.ledger.close()
        os.close(self._lock_fd)

    def step(self) -> None:
        """One pass: take, finish, start, release. Each part that fails (a full disk, say) is logged and tried
        again at the next pass; what it was doing stays where it was in the ledger."""
        now = self.now()
        arrived = self._attempt("taking new submissions", self.inbox.scan, now) or []
        for entry_id, (future, job) in list(self._running.items()):
            if future.done() and self._attempt("finishing submission %d" % entry_id, self.finish, entry_id, job,
                                               future, ok=True):
                del self._running[entry_id]
        for entry in self.ledger.in_state("merging"):   # a merge that failed before (a full disk): again
            if entry.id not in self._running and now - self._merge_tried.get(entry.id, 0.0) > 5:
                self._merge_tried[entry.id] = now
                self._attempt("merging submission %d" % entry.id, self.complete, entry.id)
        entries = self.ledger.all()
        ready = [e for e in entries if e.state != "queued" or self.keys_ready(e.assignment, now)]
        for entry in next_entries(ready, self.rules, now, self.workers - len(self._running)):
            self._attempt("starting submission %d" % entry.id, self.dispatch, entry, entries, now)
        for entry_id in arrived:   # after starting what can start: a submission that waits is told so
            entry = self.ledger.get(entry_id)
            if entry.state == "queued":
                self._attempt("telling submission %d it was received" % entry_id, self.tell_waiting, entry, now)
            elif entry.state == "refused" and (self.submission_folder(entry) / "submitted").is_dir():
                self._attempt("telling submission %d it was refused" % entry_id, self.tell_refused, entry)
        self._attempt("releasing verdicts held until a due date", self.release_due, now)
        if now - self._status_refreshed > 30:   # waiting students see expected times that follow the queue
            self._status_refreshed = now
            for entry in self.ledger.in_state("queued"):
                self._attempt("telling submission %d where it stands" % entry.id, self.tell_waiting, entry, now)

    def _attempt(self, what: str, action, *args, ok=None):
        """``action(*args)``; a failure is logged (once per kind of message) and answered with None."""
        try:
            result = action(*args)
        except Exception as exc:
            message = "%s failed, tried again: %s: %s" % (what, type(exc).__name__, exc)
            if message != self._last_failure:
                self.log(message)
                self._last_failure = message
            return None
        return True if ok else result

    def keys_ready(self, assignment: str, now: float) -> bool:
        """Whether the assignment's answer keys are current, building them (as ``python -m grader keys`` does)
        when they are not. A key that cannot be built holds the assignment's submissions in the queue (the
        instructor is told, in the log and on the service's page) and is tried again a minute later."""
        checked = self._keys_checked.get(assignment)
        if checked is not None and now - checked[0] < (10 if checked[1] else 60):
            return checked[1]
        current = all(key_is_current(self.course.key_directory, notebook, assignment)
                      for notebook in self.course.source_notebooks(assignment))
        if not current:
            self.log("building the answer keys of %s" % assignment)
            done = subprocess.run([sys.executable, "-m", "grader", "keys", "--only", assignment],
                                  cwd=self.course.root, capture_output=True, text=True)
            current = done.returncode == 0
            self._bounds.pop(assignment, None)   # the new keys say how long the instructor notebook runs
            if not current:
                self.problems[assignment] = ("the answer keys of %s could not be built, so its submissions wait: "
                                             "%s" % (assignment, last_line(done.stderr or done.stdout)))
                self.log(self.problems[assignment])
        if current:
            self.problems.pop(assignment, None)
        self._keys_checked[assignment] = (now, current)
        return current

    # ------------------------------------------------------------ one submission
    def submission_folder(self, entry: Entry) -> Path:
        return self.inbox.submission_folder(entry.inbound)

    def job(self, entry: Entry, about: tuple[str, ...] = ()) -> Job:
        rules = self.rules(entry.assignment)
        if entry.assignment not in self._bounds:
            self._bounds[entry.assignment] = time_bound(self.course, entry.assignment, self.limits)
        workspaces = self.work / str(entry.id)
        return Job(str(self.course.root), entry.student, entry.assignment, str(workspaces / "snapshot.db"),
                   str(workspaces), self._bounds[entry.assignment], self.limits.grader_memory_bytes,
                   submitted=str(self.submission_folder(entry) / "submitted"),
                   verdicts="score" if rules.verdicts == "score" else "full", about=about)

    def dispatch(self, entry: Entry, entries: list[Entry], now: float) -> None:
        rules = self.rules(entry.assignment)
        started = [e.started for e in entries if e.student == entry.student and e.assignment == entry.assignment
                   and e.started is not None and e.state != "queued"] + [now]
        used = sum(1 for t in started if t > now - rules.period_seconds)
        job = self.job(entry, about_lines(entry, rules, now, used, slots(started, 1, rules, now)[0]))
        shutil.rmtree(job.workspaces, ignore_errors=True)
        Path(job.workspaces).mkdir(parents=True)
        snapshot_gradebook(self.course, Path(job.snapshot))
        self.ledger.update(entry.id, "grading", "attempt %d" % (entry.attempts + 1), state="grading",
                           started=entry.started or now, attempts=entry.attempts + 1, verdicts=rules.verdicts)
        # the page "being graded" is written beside the grading, never in its way; complete() waits for it
        self._telling[entry.id] = self._pages.submit(self.tell_grading, entry)
        self._running[entry.id] = (self._executor.submit(self.grade, job), job)
        self.log("grading submission %d: %s / %s" % (entry.id, entry.student, entry.assignment))

    def tell_grading(self, entry: Entry) -> None:
        """A page saying the submission is being graded (written while the grading runs, in a thread of its own)."""
        try:
            write_status(self.course, self.submission_folder(entry), entry.student, entry.assignment,
                         headline="being graded", state="Being graded now: your verdict comes in a few seconds.",
                         tone="waiting", lines=["Received %s: your submission %d of %s." % (
                             utc(entry.received), entry.number, entry.assignment)])
            release(self.course, self.submission_folder(entry), entry.student, entry.assignment)
        except (OSError, ReleaseFailed) as exc:
            self.log("submission %d: the page 'being graded' was not released: %s" % (entry.id, exc))

    def finish(self, entry_id: int, job: Job, future: Future) -> None:
        """A grading ended: keep its result in the ledger, then bring it into the course."""
        try:
            result = future.result()
        except Exception as exc:   # the engine itself failed (a Dask worker lost, say): graded again
            result = GradeResult.failed(job, "the grading engine failed: %s: %s" % (type(exc).__name__, exc),
                                        retry=True)
        attempts = self.ledger.get(entry_id).attempts
        if not result.ok and result.reason.startswith(("autograde failed", "feedback failed")) \
                and "No space left on device" in result.reason:
            result.retry = True   # nbgrader could not write (the grader's disk is full)
        if result.retry and attempts < MAX_ATTEMPTS:   # not the submission's doing: graded again, a bit later
            self.log("submission %d was not graded (%s): graded again" % (entry_id, result.reason))
            self.ledger.update(entry_id, "requeued", result.reason, state="queued", started=None)
            shutil.rmtree(job.workspaces, ignore_errors=True)
            return
        score = maximum = None
        if result.ok:
            try:
                columns, scores, maxima = exercise_scores(Course(job.workspace), job.assignment)
                row = scores.get(job.student, {})
                score = float(sum(row.get(c) or 0 for c in columns))
                maximum = float(sum(maxima.values()))
            except Exception as exc:   # an unreadable workspace gradebook: not graded, and why
                result.ok, result.reason = False, "its scores could not be read: %s" % exc
        self.ledger.update(entry_id, "graded", result.reason, state="merging", result=json.dumps(result.to_json()),
                           ok=int(result.ok), reason=result.reason, score=score, max_score=maximum,
                           finished=self.now(), notes=json.dumps(self.ledger.get(entry_id).note_list + result.notes))
        self.complete(entry_id)

    def counts(self, entry: Entry, rules: Rules) -> bool:
        """Whether this graded submission is the one the gradebook holds, by the assignment's policy."""
        others = [e for e in self.ledger.of_student(entry.student, entry.assignment)
                  if e.id != entry.id and e.state == "graded"]
        counted = next((e for e in others if e.counted), None)
        if rules.counts == "best":
            if not entry.ok:
                return counted is None and not any(e.ok for e in others)
            return counted is None or not counted.ok or (entry.score or 0) > (counted.score or 0)
        due = rules.due_seconds(entry.student)   # with the student's extension (grader.schedule)
        in_time = due is None or entry.received <= due
        if counted is not None and counted.received > entry.received:
            return False
        if in_time:
            return True
        return counted is None or (due is not None and counted.received > due)

    def complete(self, entry_id: int) -> None:
        """Merge a graded submission into the course when it counts, and release (or hold) its verdict. Safe to
        run again after a stop: every step replaces what an earlier run of it made."""
        telling = self._telling.pop(entry_id, None)
        if telling is not None:
            telling.result()   # the page "being graded" is out before the verdict replaces it
        entry = self.ledger.get(entry_id)
        result = GradeResult.from_json(json.loads(entry.result))
        rules = self.rules(entry.assignment)
        job = self.job(entry)
        folder = self.submission_folder(entry)
        counted = self.counts(entry, rules)
        workspace = Path(job.workspace)
        if counted and (workspace.is_dir() or not result.ok):
            with course_lock(self.course):
                merge_result(self.course, job, result)
                target = self.course.folder("submitted") / entry.student / entry.assignment
                shutil.rmtree(target, ignore_errors=True)
                copy_tree(folder / "submitted", Path(entry.student) / entry.assignment, target, MERGED)
                record(self.course, entry.student, entry.assignment, {
                    "inputs": inputs_fingerprint(self.course, entry.student, entry.assignment, self.grader),
                    "ok": result.ok, "reason": result.reason, "notes": result.notes})
        has_pages = result.ok and workspace.is_dir() and keep_feedback(workspace, folder, entry.student,
                                                                        entry.assignment)
        if not has_pages:
            write_status(self.course, folder, entry.student, entry.assignment, headline="not graded",
                         state="Your submission could not be graded.", tone="problem",
                         lines=[student_reason(result.reason), "Received %s; your submission %d of %s."
                                % (utc(entry.received), entry.number, entry.assignment)], final=True)
        hold = rules.verdicts == "after_due" and not rules.due_passed(self.now(), entry.student) and has_pages
        released = None if hold else self._release(entry, folder)
        if hold:
            write_status(self.course, folder, entry.student, entry.assignment, headline="graded, verdict later",
                         state="Graded; your verdict comes back at the due date.", tone="waiting",
                         lines=["The due date: %s." % utc(rules.due_seconds(entry.student)),
                                "Received %s; your submission %d of %s." % (utc(entry.received), entry.number,
                                                                               entry.assignment)])
            self._release(entry, folder)
            keep_feedback(workspace, folder, entry.student, entry.assignment)   # the pages, back for the due date
        self.ledger.update(entry_id, "merged" if counted else "kept", "counted" if counted else "not counted",
                           state="graded", counted=int(counted), released=released, result="")
        if counted:
            self.ledger.uncount(entry.student, entry.assignment, but=entry_id)
            if not hold:   # the counted score to the LMS, when the course has an LTI registration (grader.lms)
                self._attempt("posting submission %d's score to the LMS" % entry_id, self.post_score, entry)
        shutil.rmtree(job.workspaces, ignore_errors=True)
        self.log("submission %d of %s / %s: %s%s" % (entry_id, entry.student, entry.assignment,
                                                     "graded" if result.ok else "NOT GRADED: " + result.reason,
                                                     ", counted" if counted else ""))

    def _release(self, entry: Entry, folder: Path) -> float | None:
        try:
            release(self.course, folder, entry.student, entry.assignment)
        except ReleaseFailed as exc:
            self.log("submission %d: %s" % (entry.id, exc))
            return None
        return self.now()

    def release_due(self, now: float) -> None:
        """Release the verdicts held until a due date that has now passed."""
        for entry in self.ledger.in_state("graded"):
            if entry.released is None and entry.verdicts == "after_due" and entry.ok \
                    and self.rules(entry.assignment).due_passed(now, entry.student):
                released = self._release(entry, self.submission_folder(entry))
                if released is not None:
                    self.ledger.update(entry.id, "released", "the due date passed", released=released)
                    if entry.counted:
                        self._attempt("posting submission %d's score to the LMS" % entry.id, self.post_score, entry)

    def post_score(self, entry: Entry) -> None:
        """Post the student's counted score of the assignment to the LMS (LTI AGS; grader.lms.passback): sent
        once, and what could not be sent is sent at the next counted submission or start of the service."""
        from ..lms.passback import passback

        passback(self.course, [entry.assignment], {entry.student}, log=self.log)

    def tell_refused(self, entry: Entry) -> None:
        """Release a page saying that the submission cannot be graded, and why (in the grader's words)."""
        write_status(self.course, self.submission_folder(entry), entry.student, entry.assignment,
                     headline="not graded", state="Your submission could not be graded.", tone="problem",
                     lines=[student_reason(entry.reason), "Received %s." % utc(entry.received)], final=True)
        self._release(entry, self.submission_folder(entry))

    def tell_waiting(self, entry: Entry, now: float) -> None:
        """Release a page saying that the submission was received, and when it will be graded."""
        rules = self.rules(entry.assignment)
        entries = self.ledger.all()
        start = plan(entries, self.rules, now).get(entry.id, now)
        ahead = sum(1 for e in entries if e.state == "queued" and (e.received, e.id) < (entry.received, entry.id))
        lines = ["Received %s: your submission %d of %s." % (utc(entry.received), entry.number, entry.assignment),
                 limit_line(rules)]
        if start > now + 1:
            state = "Waiting for a free grading slot: it will be graded at %s." % utc(start)
        else:
            wait = math.ceil((ahead // max(1, self.workers) + 1) * self._typical_seconds())
            state = "In the queue: %d submission%s ahead of it; graded in about %d s." % (
                ahead, "" if ahead == 1 else "s", wait)
        write_status(self.course, self.submission_folder(entry), entry.student, entry.assignment,
                     headline="received, not graded yet", state=state, tone="waiting", lines=lines)
        self._release(entry, self.submission_folder(entry))

    def _typical_seconds(self) -> float:
        done = [e.finished - e.started for e in self.ledger.in_state("graded")[-20:]
                if e.finished is not None and e.started is not None]
        return sorted(done)[len(done) // 2] if done else 10.0

    # ------------------------------------------------------------ for the web page
    def waiting_until(self, now: float | None = None) -> dict[int, float]:
        return plan(self.ledger.all(), self.rules, self.now() if now is None else now)
