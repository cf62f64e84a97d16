"""Grading on a Dask cluster: the same per-submission job, on more machines.

    from distributed import Client
    from grader.run.classgrade import grade_class
    from grader.run.dask_engine import dask_engine
    with Client("tcp://scheduler:8786") as client:          # or Client(LocalCluster(...))
        grade_class(course, engine=dask_engine(client))

Each task is :func:`grader.run.engines.grade_job`: it builds a workspace for one submission and grades
it there, in the sandbox, under the outer time limit. The client merges finished workspaces into the course
gradebook one at a time, exactly as with local workers. Workers therefore need the course folder at the
same path (a shared file system) and the same environment; see docs/scaling.md.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from .engines import Engine, grade_job
from .jobs import GradeResult, Job


def dask_engine(client) -> Engine:
    """An engine for :func:`grader.run.classgrade.grade_submissions` that runs jobs on ``client``'s cluster."""
    from distributed import as_completed

    def run(jobs: Iterable[Job]) -> Iterator[GradeResult]:
        futures = [client.submit(grade_job, job, pure=False) for job in jobs]
        for future in as_completed(futures):
            yield future.result()
    return run
