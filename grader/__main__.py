"""Command line of the workbook: ``python -m grader COMMAND`` (or ``nncourse-grader COMMAND``).

Commands (run from the course folder or any folder below it):

  demo           release, answer keys, the example class, autograde, feedback, grades CSV, table
  release        generate release/ from source/ with nbgrader
  keys           build the answer keys that are missing or out of date (--force: all)
  example-class  write the example class into submitted/
  synthetic-class  write a synthetic class (--students N, --seed S) into submitted/
  intake         check an LMS download (--assignment A --from DIR [--roster CSV]) and collect it
                 into submitted/ with nbgrader zip_collect
  grade          autograde everything in submitted/, make feedback, export grades, print the table
  bundle         for courses without a hub: the student runtime wheel and one zip per assignment of
                 release/ in dist/ (--dist DIR), for students to download
  hub ACTION     the JupyterHub classroom, as root: demo|setup|start|remove (users, the exchange, the
                 student environment, the instructor's course; see docs/classroom.md and `hub --help`)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
import time

from .course import Course
from .grading.structure import submission_notes
from .report import write_class_report
from .classgrade import grade_class
from .pipeline import (GradeResult, JobFailed, build_keys, export_grades, exercise_scores,
                       generate_release, write_exercise_csv)


def _short(grade_id: str) -> str:
    return grade_id[:-5] if grade_id.endswith("_test") else grade_id


def score_table(course: Course, results: list[GradeResult]) -> str:
    """A student x exercise table per assignment, then one line per submission not graded."""
    lines = []
    unsandboxed = next((r.unsandboxed for r in results if r.unsandboxed), "")
    if unsandboxed:
        lines += ["", "WARNING: these submissions were graded WITHOUT the sandbox (%s)." % unsandboxed]
    failed = {(r.student, r.assignment): r.reason for r in results if not r.ok}
    for assignment in sorted({r.assignment for r in results}):
        columns, scores, maxima = exercise_scores(course, assignment)
        students = sorted({r.student for r in results if r.assignment == assignment})
        if not students:
            continue
        headers = ["student"] + [_short(c) for c in columns] + ["total"]
        rows = []
        for student in students:
            if (student, assignment) in failed:
                rows.append([student] + ["-"] * len(columns) + ["not graded"])
                continue
            row = scores.get(student, {})
            total = sum(row.get(c) or 0 for c in columns)
            rows.append([student] + ["%g" % (row.get(c) or 0) for c in columns]
                        + ["%g / %g" % (total, sum(maxima.values()))])
        widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
        fmt = "  ".join(("%%-%ds" if i == 0 else "%%%ds") % w for i, w in enumerate(widths))
        lines.append("")
        lines.append("Scores for %s (points per exercise)" % assignment)
        lines.append(fmt % tuple(headers))
        lines.append(fmt % tuple("-" * w for w in widths))
        lines.extend(fmt % tuple(r) for r in rows)
    changed = [(r.student, r.assignment, note) for r in results if r.ok
               for note in submission_notes(course.folder("autograded") / r.student / r.assignment)]
    if changed:
        lines.append("")
        lines.append("Notebooks whose structure the student changed (graded from the instructor's cells):")
        lines.extend("  %s / %s: %s" % entry for entry in changed)
    if failed:
        lines.append("")
        lines.append("Submissions that could not be graded:")
        for (student, assignment), reason in sorted(failed.items()):
            lines.append("  %s / %s: %s" % (student, assignment, reason))
    noted = sorted((r for r in results if r.notes), key=lambda r: (r.student, r.assignment))
    if noted:
        lines.append("")
        lines.append("Files of submissions refused or not used (only the notebooks are graded):")
        for result in noted:
            lines += ["  %s / %s: %s" % (result.student, result.assignment, note) for note in result.notes]
    return "\n".join(lines)


def cmd_grade(course: Course, assignments: list[str] | None = None, workers: int = 1,
              force: bool = False) -> int:
    results = grade_class(course, assignments, workers=workers, force=force)
    csv_path = export_grades(course, course.folder("reports") / "grades.csv")
    detail = write_exercise_csv(course, results, course.folder("reports") / "exercise_scores.csv")
    report = write_class_report(course, results, course.folder("reports"))
    print("grades CSV (nbgrader export): %s" % csv_path.relative_to(course.root))
    print("class report: %s (open %s in a browser)" % (report.relative_to(course.root),
                                                         report.with_suffix(".html").relative_to(course.root)))
    print("per-exercise CSV with status: %s" % detail.relative_to(course.root))
    print("feedback HTML: feedback/<student>/<assignment>/*.html")
    print(score_table(course, results))
    return 0


def cmd_demo(course: Course, assignments: list[str] | None = None, workers: int = 1) -> int:
    from .example_class import write_class

    start = time.perf_counter()
    generate_release(course, assignments)
    build_keys(course, assignments)
    written = write_class(course, assignments)
    print("example class written to submitted/: %s"
          % ", ".join(sorted({s for profiles in written.values() for s in profiles})))
    status = cmd_grade(course, assignments, workers)
    print("\ndemo finished in %.0f s" % (time.perf_counter() - start))
    return status


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["hub"]:   # the classroom has options of its own
        from .classroom import main as hub_main

        return hub_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["demo", "release", "keys", "example-class", "synthetic-class",
                                            "intake", "grade", "bundle"])
    parser.add_argument("--assignment", help="intake: the assignment the download belongs to")
    parser.add_argument("--from", dest="download", type=Path, help="intake: the folder of the LMS download")
    parser.add_argument("--roster", type=Path, help="intake: a roster CSV with an 'id' column")
    parser.add_argument("--students", type=int, default=40, help="synthetic-class: how many (default 40)")
    parser.add_argument("--seed", type=int, default=0, help="synthetic-class: the generator's seed")
    parser.add_argument("--force", action="store_true",
                        help="keys: rebuild even when up to date; grade: regrade unchanged submissions too")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="submissions graded at once (default: the number of cores, %(default)s)")
    parser.add_argument("--only", metavar="A1,A2", help="work on these assignments only")
    parser.add_argument("--dist", type=Path, help="bundle: where to write (default: dist/ of the course)")
    args = parser.parse_args(argv)
    course = Course.find()
    only = args.only.split(",") if args.only else None
    unknown = sorted(set(only or []) - set(course.assignments))
    if unknown:
        parser.error("unknown assignment(s) %s; the course has %s"
                     % (", ".join(unknown), ", ".join(course.assignments)))
    try:
        if args.command == "demo":
            return cmd_demo(course, only, args.workers)
        if args.command == "release":
            generate_release(course, only)
        elif args.command == "keys":
            build_keys(course, only, force=args.force)
        elif args.command == "example-class":
            from .example_class import write_class

            write_class(course, only)
        elif args.command == "synthetic-class":
            from .synthetic import write_synthetic_class

            ids = write_synthetic_class(course, args.students, args.seed, only)
            print("wrote %d synthetic students (%s ... %s) into submitted/" % (len(ids), ids[0], ids[-1]))
        elif args.command == "intake":
            from .intake import intake

            if not args.assignment or not args.download:
                parser.error("intake needs --assignment NAME --from FOLDER")
            print("\n".join(intake(course, args.assignment, args.download, args.roster).lines()))
        elif args.command == "grade":
            return cmd_grade(course, only, args.workers, args.force)
        elif args.command == "bundle":
            from .bundle import bundle

            bundle(course, (args.dist or course.folder("dist")).resolve(), only)
    except JobFailed as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
