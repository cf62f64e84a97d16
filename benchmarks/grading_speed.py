"""How fast grading is: one submission against the sandboxed run of its notebook, where its time
goes, and a whole class with 1 and with 2 workers.

    .venv/bin/python benchmarks/grading_speed.py [--only a1_numpy_basics,...] [--repeat 3]
                                                 [--students 40] [--no-class]

On a temporary copy of the course (release, answer keys, the example class), it prints:

1. per assignment: the sandboxed execution of the instructor notebook (what building its answer key
   takes: the same sandbox, kernel start to shutdown), the autograde of one correct submission
   (everything `python -m grader grade` does for it: workspace, grading process, nbgrader,
   comparison, feedback, merge into the course), and their ratio. Target: ratio <= 1.3. Both are
   measured in turns, `--repeat` times, with the grading workers already started; the median is
   shown and the minimum in brackets;
2. where the time of that submission goes, phase by phase (median of the repeats);
3. a synthetic class (`python -m grader synthetic-class`, seed 0) of `--students` students x every
   assignment, graded with 1 worker and then with 2 (each run starts its own workers): wall time,
   time per submission, speed-up (target >= 1.8 on 2 cores), and whether both runs gave every
   submission the same scores.

The machine's load average is printed before and after each part: on a shared machine, compare
numbers measured under similar load only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from grader.authoring.release import build_keys, generate_release
from grader.course import Course
from grader.example_class import PROFILES, write_class
from grader.example_class.synthetic import write_synthetic_class
from grader.grading.keys import build_key
from grader.outputs.results import exercise_scores
from grader.run.classgrade import autograde, grade_submissions
from grader.run.submission import submissions

from grader.run.pool import pool
from grader.timing import ordered


def load() -> str:
    return "load average %.2f %.2f %.2f on %d cores" % (*os.getloadavg(), os.cpu_count())


def seconds(values: list[float]) -> str:
    return "%6.2f (%5.2f)" % (statistics.median(values), min(values))


def key_run(course: Course, assignment: str) -> float:
    """Seconds to execute every instructor notebook of ``assignment`` in the sandbox (as the answer
    keys are built)."""
    start = time.perf_counter()
    for notebook in course.source_notebooks(assignment):
        build_key(notebook, assignment, course.config)
    return time.perf_counter() - start


def one_submission(course: Course, assignments: list[str], repeat: int) -> None:
    write_class(course, assignments)
    print("\n1. One correct submission per assignment (median (min) of %d, in turns)" % repeat)
    if pool is not None:
        pool().prestart(1)
    cold = {}
    for assignment in assignments:   # a first submission of each: start-up, not counted
        start = time.perf_counter()
        result = autograde(course, "correct", assignment)
        cold[assignment] = time.perf_counter() - start
        if not result.ok:
            sys.exit("%s: autograde failed: %s" % (assignment, result.reason))
    runs = {a: [] for a in assignments}
    grades = {a: [] for a in assignments}
    phases = {a: [] for a in assignments}
    expected = {a: sum(PROFILES[a]["correct"].expected.values()) for a in assignments}
    for _ in range(repeat):
        for assignment in assignments:
            runs[assignment].append(key_run(course, assignment))
            start = time.perf_counter()
            result = autograde(course, "correct", assignment)
            grades[assignment].append(time.perf_counter() - start)
            phases[assignment].append(getattr(result, "phases", {}))
            scored = sum(exercise_scores(course, assignment)[1]["correct"].values())
            if not result.ok or abs(scored - expected[assignment]) > 1e-9:
                sys.exit("%s: the correct submission scored %s, not %s (%s)"
                         % (assignment, scored, expected[assignment], result.reason))
    print("%-22s %18s %18s %7s %12s" % ("assignment", "sandboxed run s", "autograde s", "ratio",
                                        "first s"))
    worst = 0.0
    for assignment in assignments:
        ratio = statistics.median(grades[assignment]) / statistics.median(runs[assignment])
        worst = max(worst, ratio)
        print("%-22s %18s %18s %7.2f %12.2f" % (assignment, seconds(runs[assignment]),
                                                seconds(grades[assignment]), ratio, cold[assignment]))
    print("highest ratio %.2f (target <= 1.3); every correct submission got its full score" % worst)
    print("('first': the first submission of the benchmark, including the start of the grading worker)")
    print(load())
    if ordered is not None:
        profile(phases, grades)


def profile(phases: dict[str, list[dict]], totals: dict[str, list[float]]) -> None:
    assignments = list(phases)
    names = [name for name, _ in ordered({n: 0 for runs in phases.values() for run in runs for n in run})]
    print("\n2. Where the time of one submission goes (seconds, median of the runs above)")
    print("%-32s" % "phase" + "".join("%9s" % a[:8] for a in assignments))
    for name in names:
        print("%-32s" % name + "".join("%9.2f" % statistics.median(run.get(name, 0.0) for run in phases[a])
                                       for a in assignments))
    print("%-32s" % "sum of the phases" + "".join(
        "%9.2f" % statistics.median(sum(run.values()) for run in phases[a]) for a in assignments))
    print("%-32s" % "wall time" + "".join("%9.2f" % statistics.median(totals[a]) for a in assignments))
    print("(the autograde's wall time also holds the class grader's checks of the sandbox and the inputs)")


def whole_class(course: Course, assignments: list[str], students: int) -> None:
    ids = set(write_synthetic_class(course, students, seed=0, assignments=assignments))
    todo = [(s, a) for s, a in submissions(course) if s in ids and a in assignments]
    print("\n3. A synthetic class: %d students x %d assignments = %d submissions"
          % (students, len(assignments), len(todo)))
    times, outcomes = {}, {}
    for workers in (1, 2):
        if pool is not None:
            pool().close()   # each run starts its own workers
        print(load())
        start = time.perf_counter()
        results = grade_submissions(course, todo, workers=workers, force=True, log=lambda *_: None)
        times[workers] = time.perf_counter() - start
        scores = {a: exercise_scores(course, a)[1] for a in assignments}
        outcomes[workers] = ({a: {s: row for s, row in by.items() if s in ids} for a, by in scores.items()},
                             sorted((r.student, r.assignment, r.ok) for r in results))
        print("%d worker%s: %7.1f s in all, %5.2f s per submission, %d submissions, %d not graded"
              % (workers, "" if workers == 1 else "s", times[workers], times[workers] / len(results),
                 len(results), sum(not r.ok for r in results)))
    print("speed-up with 2 workers: %.2f (target >= 1.8)" % (times[1] / times[2]))
    print("same scores with 1 and 2 workers: %s" % (outcomes[1] == outcomes[2]))
    print(load())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated assignments (default: all with an example class)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each single-submission measurement")
    parser.add_argument("--students", type=int, default=40, help="students of the synthetic class")
    parser.add_argument("--no-class", action="store_true", help="skip the whole-class part")
    args = parser.parse_args()
    course = Course.find(Path(__file__).resolve().parents[1])
    assignments = args.only.split(",") if args.only else [a for a in course.assignments if a in PROFILES]
    print(load())
    with tempfile.TemporaryDirectory() as tmp:
        copy = course.copy_to(Path(tmp) / "course")
        quiet = lambda *_: None  # noqa: E731
        generate_release(copy, assignments, log=quiet)
        build_keys(copy, assignments, log=quiet)
        one_submission(copy, assignments, args.repeat)
        if not args.no_class:
            whole_class(copy, assignments, args.students)
    return 0


if __name__ == "__main__":
    sys.exit(main())
