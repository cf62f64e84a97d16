"""The grading workers of this process, seen from the side that hands them jobs.

A :class:`Worker` is one ``python -m grader.run.worker`` process (see :mod:`grader.run.worker` for what it
does and why one submission cannot affect another); the :class:`WorkerPool` keeps ready workers for every
thread that grades, one job per worker at a time, and replaces a worker that dies or stops answering.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time

from .jobs import GradeResult, Job

#: How long the caller waits for a worker beyond the submission's own limit (a worker starting on a
#: busy machine, the kill and report of a grading process) before it gives up on the worker.
WORKER_GRACE = 120


class WorkerFailed(RuntimeError):
    """A worker died or stopped answering (the message says how)."""


class Worker:
    """One worker process, seen from the process that hands it jobs (one job at a time)."""

    def __init__(self):
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([sys.executable, "-m", "grader.run.worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self._log, start_new_session=True)
        self._buffer = b""

    def grade(self, job: Job, env: dict[str, str] | None = None) -> GradeResult:
        """Grade one submission (its workspace ``job.workspace``) in a grading process limited to the job's
        seconds and memory, with the environment ``env`` (default: this process's); raises WorkerFailed if
        the worker dies or does not answer within the job's seconds + WORKER_GRACE."""
        from .. import sandbox

        request = {"job": job.to_json(), "env": dict(os.environ if env is None else env), "cwd": os.getcwd(),
                   "probes": [[uid, bwrap, outcome] for (uid, bwrap), outcome in sandbox.probed().items()]}
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            raise WorkerFailed("the grading worker is gone (%s)" % self._why()) from None
        start = time.perf_counter()
        line = self._read_line(time.monotonic() + job.seconds + WORKER_GRACE)
        try:
            result = GradeResult.from_json(json.loads(line))
        except ValueError:
            raise WorkerFailed("the grading worker answered nonsense: %r" % line[:200]) from None
        # what the grading process did not time itself: the fork, handing the job over and back
        # (and, for a worker's first job, the rest of its own start)
        result.phases["start of the grading process"] = max(0.0, time.perf_counter() - start
                                                            - sum(result.phases.values()))
        return result

    def _read_line(self, deadline: float) -> bytes:
        out = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WorkerFailed("the grading worker stopped answering")
            ready, _, _ = select.select([out], [], [], left)
            if ready:
                chunk = os.read(out, 65536)
                if not chunk:
                    raise WorkerFailed("the grading worker died (%s)" % self._why())
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def _why(self) -> str:
        code = self.process.poll()
        self._log.seek(0)
        lines = [l.strip() for l in self._log.read()[-8192:].decode("utf-8", "replace").splitlines() if l.strip()]
        state = "still running" if code is None else ("exit code %d" % code if code >= 0
                                                       else "killed by signal %d" % -code)
        return "%s: %s" % (state, lines[-1] if lines else "no output")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Kill the worker (its grading process, if any, dies with it)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except OSError:
            pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self._log):
            try:
                stream.close()
            except OSError:
                pass


class WorkerPool:
    """Ready workers for this process, shared by every thread that grades (one job per worker at a
    time; a new worker starts when none is free). Workers that fail are stopped and replaced."""

    def __init__(self):
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._lock = threading.Lock()

    def prestart(self, count: int) -> None:
        """Have at least ``count`` workers (they import while the caller does other things)."""
        with self._lock:
            self._idle = [w for w in self._idle if w.alive]
            missing = count - len(self._idle) - len(self._busy)
            self._idle += [Worker() for _ in range(max(0, missing))]

    def grade(self, job: Job, env: dict[str, str] | None = None) -> GradeResult:
        """:meth:`Worker.grade` on a free worker; a worker's failure is this submission's result."""
        worker = self._checkout()
        try:
            result = worker.grade(job, env=env)
        except WorkerFailed as exc:   # the worker's death is not the submission's doing: it may be graded again
            self._discard(worker)
            return GradeResult.failed(job, str(exc), retry=True)
        except BaseException:
            self._discard(worker)
            raise
        self._checkin(worker)
        return result

    def _checkout(self) -> Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop(0)
                if worker.alive:
                    break
                worker.stop()
            else:
                worker = Worker()
            self._busy.add(worker)
            return worker

    def _checkin(self, worker: Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            self._idle.append(worker)

    def _discard(self, worker: Worker) -> None:
        worker.stop()
        with self._lock:
            self._busy.discard(worker)

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers, self._idle = self._idle + list(self._busy), []
            self._busy.clear()
        for worker in workers:
            worker.stop()


_POOL: WorkerPool | None = None
_POOL_LOCK = threading.Lock()


def pool() -> WorkerPool:
    """This process's worker pool (created on first use, stopped when the process exits)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = WorkerPool()
            atexit.register(_POOL.close)
        return _POOL
