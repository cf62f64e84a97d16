"""Grading a synthetic class with 1 and with 2 workers, and nbgrader's overhead per notebook.

    .venv/bin/python benchmarks/class_grading.py [--students 40] [--only a1_numpy_basics,...]

On a temporary copy of the course: release, answer keys, a synthetic class (seed 0), then
1. the whole class graded with 1 worker and again (forced) with 2 workers: total time, time per
   submission, the speed-up, and a check that both runs gave every submission the same scores;
2. for one correct submission per assignment: nbgrader's autograde time against a bare execution
   of the same notebook with nbclient in the same sandboxed kernel, and the overhead in percent.
Targets (issue 8): speed-up >= 1.7 with 2 workers on 2 cores; overhead per notebook <= 30 %.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from grader import classgrade, pipeline
from grader.classgrade import prepare_workspace, snapshot_gradebook
from grader.course import Course
from grader.example_class import PROFILES, write_class
from grader.synthetic import write_synthetic_class


def scores_of(course: Course, assignments: list[str]) -> dict:
    return {a: pipeline.exercise_scores(course, a)[1] for a in assignments}


def bare_execution(course: Course, student: str, assignment: str) -> float:
    """Seconds for nbclient alone to run the submission in the sandbox kernel, as autograde would."""
    from nbclient import NotebookClient
    from nbgrader.utils import setenv

    from grader.sandbox.kernel import SandboxKernelManager

    total = 0.0
    for path in sorted((course.folder("submitted") / student / assignment).glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        start = time.perf_counter()
        with setenv(NBGRADER_EXECUTION="autograde"):
            NotebookClient(nb, timeout=600, kernel_name="nncourse-sandbox", allow_errors=True,
                           kernel_manager_class=SandboxKernelManager, config=course.config,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        total += time.perf_counter() - start
    return total


def nbgrader_autograde(course: Course, student: str, assignment: str) -> float:
    """Seconds for nbgrader's autograde alone (in this process, in a private workspace)."""
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = snapshot_gradebook(course, Path(tmp) / "snapshot.db")
        workspace, _ = prepare_workspace(course, snapshot, student, assignment, Path(tmp))
        start = time.perf_counter()
        result = workspace.api().autograde(assignment, student, force=True, create=True)
        seconds = time.perf_counter() - start
    if not result["success"]:
        raise RuntimeError("autograde failed for %s / %s" % (student, assignment))
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--only", help="comma-separated assignments (default: all with an example class)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the overhead measurement")
    args = parser.parse_args()
    course = Course.find(Path(__file__).resolve().parents[1])
    assignments = args.only.split(",") if args.only else [a for a in course.assignments if a in PROFILES]
    quiet = lambda *_: None  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        copy = course.copy_to(Path(tmp) / "course")
        pipeline.generate_release(copy, assignments, log=quiet)
        pipeline.build_keys(copy, assignments, log=quiet)
        write_synthetic_class(copy, args.students, seed=0, assignments=assignments)
        total = len(pipeline.submissions(copy))
        print("synthetic class: %d students x %d assignments = %d submissions; %d cores"
              % (args.students, len(assignments), total, os.cpu_count()))
        times, outcomes = {}, {}
        for workers in (1, 2):
            start = time.perf_counter()
            results = classgrade.grade_class(copy, assignments, workers=workers, force=True, log=quiet)
            times[workers] = time.perf_counter() - start
            outcomes[workers] = (scores_of(copy, assignments), sorted((r.student, r.assignment, r.ok) for r in results))
            print("%d worker%s: %7.1f s in all, %5.2f s per submission (%d not graded)"
                  % (workers, "" if workers == 1 else "s", times[workers], times[workers] / total,
                     sum(not r.ok for r in results)))
        print("speed-up with 2 workers: %.2f (target >= 1.7)" % (times[1] / times[2]))
        print("same scores with 1 and 2 workers: %s" % (outcomes[1] == outcomes[2]))

        write_class(copy, assignments)   # the example class's `correct` student, for the overhead
        print("\n%-24s %9s %9s %9s   (median of %d; the 'correct' submission)"
              % ("assignment", "bare s", "nbgrader s", "overhead", args.repeat))
        for assignment in assignments:
            bare = statistics.median(bare_execution(copy, "correct", assignment) for _ in range(args.repeat))
            full = statistics.median(nbgrader_autograde(copy, "correct", assignment) for _ in range(args.repeat))
            print("%-24s %9.2f %9.2f %8.0f %%" % (assignment, bare, full, 100 * (full - bare) / bare))
    return 0


if __name__ == "__main__":
    sys.exit(main())
