"""Grading workers: import the grader once, grade every submission in a fresh process of its own.

Starting Python and importing nbgrader, nbconvert, jsonschema and SQLAlchemy takes longer than
running the cells of a short notebook (about 2 s on a quiet 2-core machine, more on a busy one).
A *worker* (``python -m grader.workers``, started by :class:`WorkerPool`) pays that once: it
imports everything grading needs, warms the caches that every submission would fill again (the
notebook schema, the Markdown renderer, the Python lexer), then waits for jobs. For each job it
**forks a fresh grading process** that grades that one submission (:func:`grader.grade_one.grade`:
nbgrader's autograde in the submission's workspace, then its feedback) and exits. Student code
runs, as before, only in the fresh sandboxed kernel that this process starts.

Why one submission still cannot affect another:

* every submission is graded by a process of its own, forked from a worker that has run no
  submission, opened no course file, database or socket and started no thread: nothing a grading
  process does (to its memory, its modules, its files) reaches the worker or any other submission;
* before anything else runs in it, the grading process gets a process group of its own, the
  address-space limit ``c.Sandbox.grader_memory_bytes`` (past it an allocation fails, and the
  submission is reported as too large to grade), and the environment and working directory the
  caller gave for the job, as a subprocess would: the class grader gives each job its own scratch
  folder (``TMPDIR``, ``NNCOURSE_SCRATCH``, ``JUPYTER_RUNTIME_DIR``), where the kernel's folders,
  Jupyter's connection files and the process's own log go, and removes it afterwards
  (:func:`grader.classgrade.grade_workspace`);
* the worker enforces the outer time limit (``c.Sandbox.submission_seconds``): past it, the
  grading process and its process group get SIGKILL, and its sandboxed kernel dies with it
  (bubblewrap's ``--die-with-parent``); the job is reported as over the limit;
* a grading process that dies (a crash, the out-of-memory killer) is reported with how it died
  and the last line it wrote;
* the worker itself only forks and waits. If it dies or stops answering anyway, the caller kills
  it (its grading process dies with it: parent-death signal), reports the submission it was
  grading as not graded, and the next job starts a new worker. A worker whose caller dies kills
  its grading process and exits.

Protocol: one JSON line per job on the worker's standard input (:meth:`Worker.grade` writes it),
one JSON line per outcome on the file descriptor named by ``--answer-fd`` (standard output);
nothing else is written there.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time

from .memlimit import limit_address_space
from .safefiles import size_text

#: How long the caller waits for a worker beyond the submission's own limit (a worker starting on a
#: busy machine, the kill and report of a grading process) before it gives up on the worker.
WORKER_GRACE = 120
PR_SET_PDEATHSIG = 1


class WorkerFailed(RuntimeError):
    """A worker died or stopped answering (the message says how)."""


# ---------------------------------------------------------------- inside the worker
def _preload() -> None:
    """Import what grading uses and fill the caches every grading process would fill again."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # no native thread pool in a process that forks
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    import grader.grade_one  # noqa: F401  (nbgrader's API, the converters, the feedback)
    import grader.grading.preprocessor  # noqa: F401
    import grader.grading.structure  # noqa: F401
    import grader.intake  # noqa: F401  (the course config imports it)
    import grader.sandbox.kernel  # noqa: F401
    import nbgrader.converters  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401
    from grader.feedback import Grades, render_feedback

    nb = new_notebook(cells=[new_markdown_cell("Warm-up: $x^2$ and *text*"),
                             new_code_cell("def f(x):\n    return x + 1\n")])
    nbformat.validate(nb)
    render_feedback(nb, nb, nb, Grades(), student="-", assignment="-", notebook="-")
    _warm_gradebook()


def _warm_gradebook() -> None:
    """Work once with a throwaway gradebook of nbgrader's (never a course's), so that SQLAlchemy's
    mappers are configured and its modules loaded before any fork (about 0.4 s per submission)."""
    import shutil

    import sqlalchemy
    from nbgrader.api import Base, Gradebook

    from grader.pipeline import _quiet_gradebook

    folder = tempfile.mkdtemp(prefix="nncourse-warm-")
    try:
        url = "sqlite:///%s" % os.path.join(folder, "gradebook.db")
        engine = sqlalchemy.create_engine(url)
        Base.metadata.create_all(engine)   # so that nbgrader does not stamp it with alembic
        engine.dispose()
        with _quiet_gradebook(), Gradebook(url, "warm-up") as gb:
            gb.add_assignment("a")
            gb.add_student("s")
            gb.update_or_create_notebook("n", "a")
            gb.add_grade_cell("t", "n", "a", max_score=1, cell_type="code")
            gb.add_solution_cell("f", "n", "a")
            gb.add_source_cell("t", "n", "a", cell_type="code", locked=True, source="pass", checksum="0")
            gb.add_submission("a", "s")
            gb.find_grade("t", "n", "a", "s").auto_score = 1
            gb.db.commit()
            gb.find_submission_notebook("n", "a", "s").score   # noqa: B018 (a query, for its warm-up)
            gb.remove_submission("a", "s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _die_with_parent() -> None:
    """SIGKILL this process when the one that started it dies (Linux; elsewhere a no-op)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _last_line(path: str) -> str:
    """The last line written to ``path`` (at most 300 printable characters: the kernel's own output
    lands there too, so the student's code may have chosen it)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, os.path.getsize(path) - 8192))
            lines = [l.strip() for l in handle.read().decode("utf-8", "replace").splitlines() if l.strip()]
    except OSError:
        return "no output"
    last = lines[-1] if lines else "no output"
    return "".join(ch if ch.isprintable() else "?" for ch in last[:300])


def _child(job: dict, answer_fd: int, log_path: str, worker: int) -> None:
    """The grading process of one job (never returns)."""
    status = 1
    try:
        os.setsid()   # a process group of its own, so that a time-out kills it whole
        _die_with_parent()
        if os.getppid() != worker:   # the worker died before the line above
            os._exit(1)
        if job.get("memory"):
            limit_address_space(job["memory"])
        log = os.open(log_path, os.O_WRONLY | os.O_APPEND)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(devnull)
        # Python's own streams on those descriptors, whatever the forking process had made of them
        sys.stdout = open(1, "w", buffering=1, closefd=False)
        sys.stderr = open(2, "w", buffering=1, errors="backslashreplace", closefd=False)
        os.environ.clear()
        os.environ.update(job["env"])
        tempfile.tempdir = None   # the worker's choice is cached: this job's TMPDIR decides
        os.chdir(job["cwd"])
        from pathlib import Path

        from grader import sandbox
        from grader.grade_one import grade

        sandbox.trust_probes({(uid, bwrap): outcome for uid, bwrap, outcome in job.get("probes", [])})
        outcome = grade(Path(job["root"]), job["assignment"], job["student"])
        data = json.dumps(outcome).encode()
        with os.fdopen(answer_fd, "wb") as answer:
            answer.write(data)
        status = 0
    except BaseException:   # anything at all: report it through the log, never to the worker
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        os._exit(status)


def _ran_out_of_memory(path: str) -> bool:
    """Whether the log at ``path`` shows a MemoryError (what the address-space limit causes)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, os.path.getsize(path) - (1 << 16)))
            return b"MemoryError" in handle.read()
    except OSError:
        return False


def _how_it_died(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "signal %d" % number
        return "killed by %s" % name
    return "exit code %d" % os.WEXITSTATUS(status)


def run_job(job: dict, caller: int | None = None) -> dict:
    """Fork a grading process for ``job``, wait for it under ``job["limit"]`` seconds, and return
    its outcome (or why there is none). ``caller``: the pid of the process that hands out jobs; if
    it dies meanwhile, the grading process is killed and the worker exits."""
    limit = job["limit"]
    read_fd, write_fd = os.pipe()   # both close on exec: no kernel inherits the answer's pipe
    # the log goes to the job's own temporary folder (the class grader removes it, whatever happens)
    folder = job["env"].get("TMPDIR")
    log_fd, log_path = tempfile.mkstemp(prefix="nncourse-grading-", suffix=".log",
                                        dir=folder if folder and os.path.isdir(folder) else None)
    os.close(log_fd)
    worker = os.getpid()
    try:
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            _child(job, write_fd, log_path, worker)
        os.close(write_fd)
        answer, status = _wait(pid, read_fd, time.monotonic() + limit, caller)
        if status is None:
            return {"success": False, "reason": "exceeded the time limit of %d s for one submission "
                                                "(c.Sandbox.submission_seconds)" % limit}
        try:
            outcome = json.loads(answer.decode()) if answer else None
        except ValueError:
            outcome = None
        if not isinstance(outcome, dict) or status != 0:
            if job.get("memory") and _ran_out_of_memory(log_path):
                return {"success": False, "reason": "too large to grade: the grading process ran out of its %s "
                                                    "of memory (c.Sandbox.grader_memory_bytes)"
                                                    % size_text(job["memory"])}
            return {"success": False, "reason": "the grading process died (%s): %s"
                                                % (_how_it_died(status), _last_line(log_path))}
        return outcome
    finally:
        os.close(read_fd)
        try:
            os.unlink(log_path)
        except OSError:   # the caller removed the job's folder already
            pass


def _wait(pid: int, read_fd: int, deadline: float, caller: int | None) -> tuple[bytes, int | None]:
    """What the grading process ``pid`` answers on ``read_fd``, and its exit status; at the
    deadline it is killed with its process group, and the status is None. If the worker's caller
    dies meanwhile, the grading process is killed and the worker exits."""
    chunks, ended = [], False

    def read(timeout: float) -> bool:
        nonlocal ended
        if ended or not select.select([read_fd], [], [], timeout)[0]:
            return False
        chunk = os.read(read_fd, 65536)
        chunks.append(chunk)
        ended = not chunk
        return True

    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:   # it wrote its answer before it exited: what is left is in the pipe
            while read(0):
                pass
            return b"".join(chunks), status
        left = deadline - time.monotonic()
        orphaned = caller is not None and os.getppid() != caller
        if left <= 0 or orphaned:   # not reaped yet, so its pid (and group id) cannot have been reused
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            os.waitpid(pid, 0)
            if orphaned:
                os._exit(1)
            return b"", None
        if ended:   # answered and closing: wait for it to exit
            time.sleep(min(left, 0.01))
        else:
            read(min(left, 1.0))


def serve(answer_fd: int) -> None:
    """The worker's loop: one job per line on standard input, one outcome per line on ``answer_fd``.
    It ends when standard input does (the caller closed it, or died)."""
    caller = os.getppid()
    answers = os.fdopen(answer_fd, "w", buffering=1)
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            outcome = run_job(job, caller)
        except Exception as exc:   # the worker keeps serving; the caller reports this job
            outcome = {"success": False, "reason": "the grading worker failed: %s: %s"
                                                   % (type(exc).__name__, exc)}
        answers.write(json.dumps(outcome) + "\n")


def main(argv: list[str]) -> int:
    # the protocol's descriptor is a copy of standard output; standard output itself goes to
    # standard error, so that nothing printed while importing can garble an answer
    answer_fd = os.dup(1)
    os.dup2(2, 1)
    _preload()
    serve(answer_fd)
    return 0


# ---------------------------------------------------------------- the caller's side
class Worker:
    """One worker process, seen from the process that hands it jobs (one job at a time)."""

    def __init__(self):
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([sys.executable, "-m", "grader.workers"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self._log, start_new_session=True)
        self._buffer = b""

    def grade(self, root: str, assignment: str, student: str, limit: int, memory: int | None = None,
              env: dict[str, str] | None = None) -> dict:
        """Grade one submission (its workspace at ``root``) in a grading process limited to ``limit``
        seconds and ``memory`` bytes of address space (None: no limit), with the environment ``env``
        (default: this process's); raises WorkerFailed if the worker dies or does not answer within
        ``limit`` + WORKER_GRACE seconds."""
        from . import sandbox

        job = {"root": root, "assignment": assignment, "student": student, "limit": limit, "memory": memory,
               "env": dict(os.environ if env is None else env), "cwd": os.getcwd(),
               "probes": [[uid, bwrap, outcome] for (uid, bwrap), outcome in sandbox.probed().items()]}
        try:
            self.process.stdin.write(json.dumps(job).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            raise WorkerFailed("the grading worker is gone (%s)" % self._why()) from None
        start = time.perf_counter()
        line = self._read_line(time.monotonic() + limit + WORKER_GRACE)
        try:
            outcome = json.loads(line)
        except ValueError:
            raise WorkerFailed("the grading worker answered nonsense: %r" % line[:200]) from None
        phases = outcome.setdefault("phases", {})
        # what the grading process did not time itself: the fork, handing the job over and back
        # (and, for a worker's first job, the rest of its own start)
        phases["start of the grading process"] = max(0.0, time.perf_counter() - start - sum(phases.values()))
        return outcome

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

    def grade(self, root: str, assignment: str, student: str, limit: int, memory: int | None = None,
              env: dict[str, str] | None = None) -> dict:
        """:meth:`Worker.grade` on a free worker; a worker's failure is this submission's outcome."""
        worker = self._checkout()
        try:
            outcome = worker.grade(root, assignment, student, limit, memory=memory, env=env)
        except WorkerFailed as exc:
            self._discard(worker)
            return {"success": False, "reason": str(exc)}
        except BaseException:
            self._discard(worker)
            raise
        self._checkin(worker)
        return outcome

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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
