"""How long the similarity report of one assignment takes for a class of 300, and whether it finds the copies.

    .venv/bin/python benchmarks/similarity_speed.py [--only a4_deep_network] [--students 300] [--seeds 0,1,2]

On a temporary copy of the course, for each seed: a synthetic class (grader.example_class.synthetic.
write_similarity_class: honest students who each write their own version of every exercise, and two planted
copies of each kind: renamed variables, reordered statements, one function changed) is written into submitted/;
then ``python -m grader similarity``'s work (grader.integrity.similarity.compare_class and the side-by-side pages)
is timed. It prints per seed: the time, each planted pair's score and rank, the best honest pair's score, and
whether the targets hold: every planted pair reported, no honest pair at or above the threshold, under
TARGET_SECONDS (on 2 cores; the work uses one).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from grader.course import Course
from grader.example_class.synthetic import write_similarity_class
from grader.integrity.similarity import compare_class
from grader.outputs.similarity_page import write_pair_pages

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60.0


def load() -> str:
    return "load average %.2f %.2f %.2f on %d cores" % (*os.getloadavg(), os.cpu_count())


def run(course: Course, assignment: str, students: int, seed: int) -> bool:
    planted = write_similarity_class(course, assignment, students, seed)
    start = time.perf_counter()
    similarity = compare_class(course, assignment)
    write_pair_pages(similarity, course.folder("reports"))
    seconds = time.perf_counter() - start
    ranks = {(p.first, p.second): rank for rank, p in enumerate(similarity.scored, start=1)}
    scores = {(p.first, p.second): p.score for p in similarity.scored}
    copies = {tuple(sorted(pair[:2])): pair[2] for pair in planted}
    reported = {(p.first, p.second) for p in similarity.pairs}
    honest = [p for p in similarity.scored if (p.first, p.second) not in copies]
    print("seed %d: %s, %d students, %.1f s (target < %.0f s)" % (seed, assignment, similarity.students, seconds,
                                                                  TARGET_SECONDS))
    for pair, kind in sorted(copies.items(), key=lambda item: item[1]):
        print("  planted %-22s %s, %s: score %.2f, rank %s" % (kind, *pair, scores.get(pair, 0.0),
                                                                ranks.get(pair, "-")))
    print("  best honest pair: %s" % (("%s, %s: score %.2f" % (honest[0].first, honest[0].second, honest[0].score))
                                      if honest else "none sharing enough to be scored"))
    ok = set(copies) <= reported and not reported - set(copies) and seconds < TARGET_SECONDS
    print("  every planted pair found: %s; honest pairs at or above %.2f: %d; %s"
          % (set(copies) <= reported, similarity.threshold, len(reported - set(copies)),
             "TARGETS MET" if ok else "TARGETS MISSED"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="a4_deep_network", help="the assignment (default a4_deep_network)")
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated generator seeds (default 0,1,2)")
    args = parser.parse_args()
    print(load())
    with tempfile.TemporaryDirectory() as tmp:
        course = Course(REPO).copy_to(Path(tmp) / "course")
        results = [run(course, args.only, args.students, int(seed)) for seed in args.seeds.split(",")]
    print(load())
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
