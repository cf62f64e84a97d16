"""What runs the jobs of a class: :func:`grade_job` runs one; an engine runs many.

An engine takes the jobs as they are found and yields each result as it finishes; the class grader
(:mod:`grader.run.classgrade`) merges the results, so an engine never writes the course.

* :func:`local_engine`: ``workers`` jobs at a time on this machine (threads handing one submission at a
  time to a grading worker of this process, :mod:`grader.run.pool`);
* :func:`grader.run.dask_engine.dask_engine`: the same jobs on a Dask cluster.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..course import Course
from ..safefiles import Refused
from ..timing import collect, phase
from .jobs import GradeResult, Job
from .pool import pool as worker_pool
from .scratch import SCRATCH_PREFIX, held_folder
from .workspace import prepare_workspace

#: Errors of the grader's own machine, not of the submission: a job that meets one can be run again.
GRADER_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EMFILE, errno.ENFILE, errno.ENOMEM}
#: Runs jobs (given as they are found: an engine may start the first before the last is known) and
#: yields each one's result as it finishes.
Engine = Callable[[Iterable[Job]], Iterator[GradeResult]]


def grade_workspace(job: Job) -> GradeResult:
    """nbgrader autograde + feedback for the job's workspace, in a grading process of its own (forked from
    a ready worker, :mod:`grader.run.pool`) under the job's time and memory limits.

    On time-out the grading process's whole process group is killed; a sandboxed kernel dies with
    it (bubblewrap's --die-with-parent). Every temporary folder of the run (the kernels' folders,
    Jupyter's connection files, the grading process's log) is made in one scratch folder that is
    removed here, however the grading process (or its worker) ended.
    """
    with held_folder(Path(tempfile.gettempdir()), SCRATCH_PREFIX, mode=0o711) as scratch:
        # 0o711: the sandbox's uid passes through to its kernel's folder
        env = dict(os.environ, NNCOURSE_SCRATCH=str(scratch), TMPDIR=str(scratch),
                   JUPYTER_RUNTIME_DIR=str(scratch / "runtime"))
        return worker_pool().grade(job, env=env)


def grade_job(job: Job) -> GradeResult:
    """One job: prepare a workspace for one submission and grade it there.

    A plain function of a plain argument, so that any engine can run it: a local thread here, a
    Dask worker (:mod:`grader.run.dask_engine`), or a batch job elsewhere that shares the course folder.
    The caller merges the workspace (``job.workspace``) and then removes it.
    """
    start = time.perf_counter()
    try:
        with phase("workspace"):
            workspace, notes = prepare_workspace(Course(Path(job.course)), Path(job.snapshot), job.student,
                                                 job.assignment, Path(job.workspaces),
                                                 Path(job.submitted) if job.submitted else None)
    except Refused as refusal:
        result = GradeResult.failed(job, str(refusal))
    except OSError as exc:   # the student's folder unreadable, or the grader's disk full: the latter is retried
        where = Path(job.submitted).name if job.submitted else "submitted"
        result = GradeResult.failed(job, "%s/%s/%s could not be read: %s" % (where, job.student, job.assignment, exc),
                                    retry=exc.errno in GRADER_ERRNOS)
    else:
        result = grade_workspace(job)
        result.notes = notes
    result.phases = {**collect(), **result.phases}
    result.seconds = time.perf_counter() - start
    return result


def local_engine(workers: int) -> Engine:
    """Run jobs on this machine, ``workers`` at a time."""
    def run(jobs: Iterable[Job]) -> Iterator[GradeResult]:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for future in as_completed([pool.submit(grade_job, job) for job in jobs]):
                yield future.result()
    return run
