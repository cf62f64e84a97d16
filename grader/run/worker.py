"""Grading workers: import the grader once, grade every submission in a fresh process of its own.

Starting Python and importing nbgrader, nbconvert, jsonschema and SQLAlchemy takes longer than
running the cells of a short notebook (about 2 s on a quiet 2-core machine, more on a busy one).
A *worker* (``python -m grader.run.worker``, started by :class:`grader.run.pool.WorkerPool`) pays that once: it
imports everything grading needs, warms the caches that every submission would fill again (the
notebook schema, the Markdown renderer, the Python lexer), then waits for jobs. For each job it
**forks a fresh grading process** that grades that one submission (:func:`grader.run.grade_one.grade`:
nbgrader's autograde in the submission's workspace, then its feedback) and exits. Student code
runs, as before, only in the fresh sandboxed kernel that this process starts.

Why one submission still cannot affect another:

* every submission is graded by a process of its own, forked from a worker that has run no
  submission, opened no course file, database or socket and started no thread: nothing a grading
  process does (to its memory, its modules, its files) reaches the worker or any other submission;
* before anything else runs in it, the grading process gets a process group of its own, the
  address-space limit ``c.GraderLimits.grader_memory_bytes`` (past it an allocation fails, and the
  submission is reported as too large to grade), and the environment and working directory the
  caller gave for the job, as a subprocess would: the class grader gives each job its own scratch
  folder (``TMPDIR``, ``NNCOURSE_SCRATCH``, ``JUPYTER_RUNTIME_DIR``), where the kernel's folders,
  Jupyter's connection files and the process's own log go, and removes it afterwards
  (:func:`grader.run.classgrade.grade_workspace`);
* the worker enforces the outer time limit (``c.GraderLimits.submission_seconds``): past it, the
  grading process and its process group get SIGKILL, and its sandboxed kernel dies with it
  (bubblewrap's ``--die-with-parent``); the job is reported as over the limit;
* a grading process that dies (a crash, the out-of-memory killer) is reported with how it died
  and the last line it wrote;
* the worker itself only forks and waits. If it dies or stops answering anyway, the caller kills
  it (its grading process dies with it: parent-death signal), reports the submission it was
  grading as not graded, and the next job starts a new worker. A worker whose caller dies kills
  its grading process and exits.

Protocol: one JSON line per request on the worker's standard input (:meth:`grader.run.pool.Worker.grade`
writes it): ``{"job": Job, "env": {...}, "cwd": "...", "probes": [...]}``; one JSON line per
:class:`~grader.run.jobs.GradeResult` on the worker's original standard output; nothing else is written there.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import tempfile
import time

from ..processes import die_with_parent, limit_address_space
from ..safefiles import size_text
from .jobs import GradeResult, Job


# ---------------------------------------------------------------- before any job
def _preload() -> None:
    """Import what grading uses and fill the caches every grading process would fill again."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # no native thread pool in a process that forks
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    import grader.grading.preprocessor  # noqa: F401
    import grader.grading.structure  # noqa: F401
    import grader.intake.lms  # noqa: F401  (the course config imports it)
    import grader.run.grade_one  # noqa: F401  (nbgrader's API, the converters, the feedback)
    import grader.sandbox.kernel  # noqa: F401
    import nbgrader.converters  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401
    from grader.outputs.feedback_page import Grades, render_feedback

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

    from grader.nbgrader_calls import quiet_gradebook

    folder = tempfile.mkdtemp(prefix="nncourse-warm-")
    try:
        url = "sqlite:///%s" % os.path.join(folder, "gradebook.db")
        engine = sqlalchemy.create_engine(url)
        Base.metadata.create_all(engine)   # so that nbgrader does not stamp it with alembic
        engine.dispose()
        with quiet_gradebook(), Gradebook(url, "warm-up") as gb:
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


# ---------------------------------------------------------------- the grading process of one job
def _last_log_line(path: str) -> str:
    """The last line written to the log at ``path`` (at most 300 printable characters: the kernel's own
    output lands there too, so the student's code may have chosen it)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, os.path.getsize(path) - 8192))
            lines = [l.strip() for l in handle.read().decode("utf-8", "replace").splitlines() if l.strip()]
    except OSError:
        return "no output"
    last = lines[-1] if lines else "no output"
    return "".join(ch if ch.isprintable() else "?" for ch in last[:300])


def _child(request: dict, answer_fd: int, log_path: str, worker: int) -> None:
    """The grading process of one job (never returns)."""
    status = 1
    try:
        os.setsid()   # a process group of its own, so that a time-out kills it whole
        die_with_parent()
        if os.getppid() != worker:   # the worker died before the line above
            os._exit(1)
        job = Job.from_json(request["job"])
        if job.memory_bytes:
            limit_address_space(job.memory_bytes)
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
        os.environ.update(request["env"])
        tempfile.tempdir = None   # the worker's choice is cached: this job's TMPDIR decides
        os.chdir(request["cwd"])
        from grader import sandbox
        from grader.run import grade_one

        sandbox.trust_probes({(uid, bwrap): outcome for uid, bwrap, outcome in request.get("probes", [])})
        result = grade_one.grade(job)
        data = json.dumps(result.to_json()).encode()
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


def run_job(request: dict, caller: int | None = None) -> GradeResult:
    """Fork a grading process for ``request["job"]``, wait for it within the job's time limit, and return its
    result (or why there is none). ``caller``: the pid of the process that hands out jobs; if it dies
    meanwhile, the grading process is killed and the worker exits."""
    job = Job.from_json(request["job"])
    read_fd, write_fd = os.pipe()   # both close on exec: no kernel inherits the answer's pipe
    # the log goes to the job's own temporary folder (the class grader removes it, whatever happens)
    folder = request["env"].get("TMPDIR")
    log_fd, log_path = tempfile.mkstemp(prefix="nncourse-grading-", suffix=".log",
                                        dir=folder if folder and os.path.isdir(folder) else None)
    os.close(log_fd)
    worker = os.getpid()
    try:
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            _child(request, write_fd, log_path, worker)
        os.close(write_fd)
        answer, status = _wait(pid, read_fd, time.monotonic() + job.seconds, caller)
        if status is None:
            return GradeResult.failed(job, "exceeded the time limit of %d s for one submission "
                                           "(c.GraderLimits.submission_seconds)" % job.seconds)
        try:
            result = GradeResult.from_json(json.loads(answer.decode())) if answer else None
        except ValueError:
            result = None
        if result is None or status != 0:
            if job.memory_bytes and _ran_out_of_memory(log_path):
                return GradeResult.failed(job, "too large to grade: the grading process ran out of its %s of "
                                               "memory (c.GraderLimits.grader_memory_bytes)"
                                               % size_text(job.memory_bytes))
            return GradeResult.failed(job, "the grading process died (%s): %s"
                                           % (_how_it_died(status), _last_log_line(log_path)))
        return result
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


# ---------------------------------------------------------------- the worker's loop
def serve(answer_fd: int) -> None:
    """The worker's loop: one request per line on standard input, one result per line on ``answer_fd``.
    It ends when standard input does (the caller closed it, or died)."""
    caller = os.getppid()
    answers = os.fdopen(answer_fd, "w", buffering=1)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            result = run_job(request, caller)
        except Exception as exc:   # the worker keeps serving; the caller reports this job
            result = GradeResult.failed(Job.from_json(request["job"]), "the grading worker failed: %s: %s"
                                        % (type(exc).__name__, exc))
        answers.write(json.dumps(result.to_json()) + "\n")


def main(argv: list[str]) -> int:
    # the protocol's descriptor is a copy of standard output; standard output itself goes to
    # standard error, so that nothing printed while importing can garble an answer
    answer_fd = os.dup(1)
    os.dup2(2, 1)
    _preload()
    serve(answer_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
