"""Autograde time of one submission per assignment: the example class's `correct` student.

    .venv/bin/python benchmarks/autograde_time.py [--only a1_numpy_basics,...] [--repeat 3]

Works on a temporary copy of the course. For each assignment it prints the time nbgrader's
autograde takes for one full, correct submission (kernel start, execution of every cell, the
comparison with the answer key, saving the grades), as the median and minimum of the repeats.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from grader import classgrade, pipeline
from grader.course import Course
from grader.example_class import PROFILES, write_class


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated assignments (default: all with an example class)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    course = Course.find(Path(__file__).resolve().parents[1])
    assignments = args.only.split(",") if args.only else [a for a in course.assignments if a in PROFILES]
    with tempfile.TemporaryDirectory() as tmp:
        copy = course.copy_to(Path(tmp) / "course")
        quiet = lambda *_: None  # noqa: E731
        pipeline.generate_release(copy, assignments, log=quiet)
        pipeline.build_keys(copy, assignments, log=quiet)
        write_class(copy, assignments)
        print("%-28s %10s %10s   (%d runs each, one submission, 'correct' student)"
              % ("assignment", "median s", "min s", args.repeat))
        for assignment in assignments:
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                result = classgrade.autograde(copy, "correct", assignment)
                times.append(time.perf_counter() - start)
                if not result.ok:
                    print("%s: autograde failed: %s" % (assignment, result.reason), file=sys.stderr)
                    return 1
            print("%-28s %10.1f %10.1f" % (assignment, statistics.median(times), min(times)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
