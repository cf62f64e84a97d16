"""The per-submission job on a distributed engine: Dask's LocalCluster, with worker processes."""

import pytest

from conftest import copy_course
from grader.authoring.release import build_keys, generate_release
from grader.example_class import PROFILES, write_class
from grader.outputs.results import exercise_scores
from grader.run.classgrade import grade_submissions

pytestmark = pytest.mark.slow
A1 = "a1_numpy_basics"


def test_a_few_students_graded_on_a_dask_local_cluster(tmp_path):
    from distributed import Client, LocalCluster

    from grader.run.dask_engine import dask_engine

    course = copy_course(tmp_path / "course")
    generate_release(course, [A1], log=lambda *_: None)
    build_keys(course, [A1], log=lambda *_: None)
    write_class(course, [A1])
    todo = [(s, A1) for s in ("correct", "buggy", "partial")]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        results = grade_submissions(course, todo, engine=dask_engine(client), log=lambda *_: None)
    assert all(r.ok for r in results)
    got = exercise_scores(course, A1)[1]
    for student, _ in todo:
        expected = PROFILES[A1][student].expected
        assert got[student] == {c: expected.get(c, 0) for c in got[student]}, student
