"""The instructor's command line: python -m grader VERB [options] (or nncourse-grader VERB).

Run it from the course folder or any folder below it; python -m grader VERB --help lists a verb's own
options. Each verb's code lives in the folder of its concept (grader/__init__.py maps them).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .authoring.release import build_keys, generate_release
from .course import Course
from .errors import JobFailed
from .outputs.report import write_class_report
from .outputs.report_pages import PREFIX as REPORT_PREFIX
from .outputs.results import export_grades, write_exercise_csv
from .outputs.score_table import score_table
from .run.classgrade import grade_class

VERBS = {
    "demo": "release, answer keys, the example class, autograde, feedback, grades CSV, table",
    "release": "generate release/ from source/ with nbgrader",
    "keys": "build the answer keys that are missing or out of date",
    "example-class": "write the example class into submitted/",
    "synthetic-class": "write a synthetic class into submitted/",
    "intake": "check an LMS download and collect it into submitted/ with nbgrader zip_collect",
    "grade": "autograde everything in submitted/, make feedback, export grades, print the table",
    "similarity": "find pairs of submissions too alike to be written apart; a side-by-side page for each",
    "bundle": "for courses without a hub: the student runtime wheel and one zip per assignment in dist/",
    "serve": "the on-submit grading service: grade each submission as it reaches the exchange (the hub runs it)",
    "hub": "the JupyterHub classroom, as root: demo|setup|start|remove (docs/classroom.md)",
    "schedule": "check schedule.toml (due dates, extensions) and write it into the gradebook",
    "roster": "import the class list from a Canvas or Moodle CSV export into the gradebook",
    "lms-export": "write the grades as files Canvas's or Moodle's gradebook import takes",
    "lti-keys": "make the LTI tool's key pair and print its public JWK for the LMS's registration",
    "lti-passback": "post the counted scores to the LMS (LTI Advantage AGS); retries what was not sent",
}


def cmd_schedule(course: Course, check_only: bool = False) -> int:
    from .schedule.apply import apply_schedule, course_schedule

    schedule = course_schedule(course)
    if schedule is None:
        print("no schedule.toml in %s: the gradebook's due dates stay as they are" % course.root)
        return 0
    print("%s: time zone %s" % (schedule.path.name, schedule.zone.key))
    for assignment in course.assignments:
        print("  %-32s due %s" % (assignment, schedule.show(schedule.due_of(assignment))))
    for (student, assignment), when in sorted(schedule.extended.items()):
        print("  extension: %s / %s until %s" % (student, assignment, schedule.show(when)))
    if not check_only:
        changed = apply_schedule(course, schedule)
        print("gradebook: %s" % ("; ".join(changed) if changed else "already up to date"))
    return 0


def cmd_grade(course: Course, assignments: list[str] | None = None, workers: int = 1,
              force: bool = False) -> int:
    from .schedule.apply import apply_schedule

    for line in apply_schedule(course):   # the dates grading applies are the schedule's (grader.schedule)
        print("schedule.toml -> gradebook: %s" % line)
    results = grade_class(course, assignments, workers=workers, force=force)
    apply_schedule(course)   # submissions new in the gradebook get their extensions
    csv_path = export_grades(course, course.folder("reports") / "grades.csv")
    detail = write_exercise_csv(course, results, course.folder("reports") / "exercise_scores.csv")
    report = write_class_report(course, results, course.folder("reports"))
    print("grades CSV (nbgrader export): %s" % csv_path.relative_to(course.root))
    print("class report: %s (open %s in a browser, or <jupyter server>/%sreports/class_report.html)"
          % (report.relative_to(course.root), report.with_suffix(".html").relative_to(course.root), REPORT_PREFIX))
    print("per-exercise CSV with status: %s" % detail.relative_to(course.root))
    print("feedback HTML: feedback/<student>/<assignment>/*.html")
    print(score_table(course, results))
    return 0


def cmd_similarity(course: Course, assignments: list[str] | None = None) -> int:
    from .integrity.similarity import compare_class
    from .outputs.similarity_page import write_pair_pages

    reports = course.folder("reports")
    for assignment in assignments or course.assignments:
        if not (course.folder("release") / assignment).is_dir():
            raise JobFailed("release/%s is missing: run python -m grader release first" % assignment)
        similarity = compare_class(course, assignment)
        written = write_pair_pages(similarity, reports)
        print("%s: %d students compared, %d pair%s scoring %.2f or more"
              % (assignment, similarity.students, len(similarity.pairs), "" if len(similarity.pairs) == 1 else "s",
                 similarity.threshold))
        for line in similarity.problems:
            print("  not compared: %s" % line)
        for rank, pair in enumerate(similarity.pairs, start=1):
            print("  %2d. %-14s %-14s score %.2f, %3d shared  %s" % (
                rank, pair.first, pair.second, pair.score, pair.shared,
                written[pair.first, pair.second].relative_to(course.root)))
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


def _only(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", metavar="A1,A2", help="work on these assignments only")


def _workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="submissions graded at once (default: the number of cores, %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per verb, each with its own options and --help."""
    from .classroom.cli import add_arguments as add_hub_arguments

    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    add = {name: verbs.add_parser(name, help=text, description=text[:1].upper() + text[1:] + ".")
           for name, text in VERBS.items()}
    for name in ("demo", "release", "keys", "example-class", "synthetic-class", "grade", "bundle", "similarity"):
        _only(add[name])
    for name in ("demo", "grade"):
        _workers(add[name])
    add["keys"].add_argument("--force", action="store_true", help="rebuild every key, even when up to date")
    add["grade"].add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    add["synthetic-class"].add_argument("--students", type=int, default=40, help="how many (default 40)")
    add["synthetic-class"].add_argument("--seed", type=int, default=0, help="the generator's seed (default 0)")
    add["intake"].add_argument("--assignment", required=True, help="the assignment the download belongs to")
    add["intake"].add_argument("--from", dest="download", type=Path, required=True,
                               help="the folder (or zip) of the LMS download")
    add["intake"].add_argument("--roster", type=Path, help="a roster CSV with an 'id' column")
    add["bundle"].add_argument("--dist", type=Path, help="where to write (default: dist/ of the course)")
    add["serve"].add_argument("--no-web", action="store_true",
                              help="no status page, even when started by the hub")
    add["schedule"].add_argument("--check", action="store_true",
                                 help="only check schedule.toml; write nothing into the gradebook")
    add["roster"].add_argument("--from", dest="export", type=Path, required=True,
                               help="the LMS's CSV export of the class")
    add["roster"].add_argument("--lms", choices=["canvas", "moodle"], required=True, help="which LMS wrote it")
    add["roster"].add_argument("--id-column", help="the column holding the student ids (default: Canvas's "
                                                   "'SIS Login ID', Moodle's 'Username')")
    add["lms-export"].add_argument("--lms", choices=["canvas", "moodle"], required=True,
                                   help="whose gradebook import the files are for")
    add["lms-export"].add_argument("--to", dest="folder", type=Path,
                                   help="where to write (default: reports/lms/ of the course)")
    _only(add["lms-export"])
    add["lti-keys"].add_argument("--key-id", default="nncourse-1", help="the key's id (kid) (default nncourse-1)")
    _only(add["lti-passback"])
    add_hub_arguments(add["hub"])
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.verb == "hub":   # the classroom finds its course itself, and needs root
        from .classroom.cli import run as run_hub

        return run_hub(args, parser)
    course = Course.find()
    only = args.only.split(",") if getattr(args, "only", None) else None
    unknown = sorted(set(only or []) - set(course.assignments))
    if unknown:
        parser.error("unknown assignment(s) %s; the course has %s"
                     % (", ".join(unknown), ", ".join(course.assignments)))
    try:
        if args.verb == "demo":
            return cmd_demo(course, only, args.workers)
        if args.verb == "release":
            from .schedule.apply import apply_schedule

            generate_release(course, only)
            for line in apply_schedule(course):
                print("schedule.toml -> gradebook: %s" % line)
        elif args.verb == "schedule":
            return cmd_schedule(course, args.check)
        elif args.verb == "roster":
            from .intake.roster import import_roster

            report = import_roster(course, args.export, args.lms, args.id_column)
            print("\n".join(report.lines()))
            return 1 if report.problems else 0
        elif args.verb == "lti-keys":
            import json

            from .lms.registration import registration_path, write_keys

            path, jwk = write_keys(registration_path(course).parent, args.key_id)
            print("private key: %s (mode 0600; name it in %s as private_key)" % (path, registration_path(course)))
            print("the tool's public key for the LMS's registration (JWK):")
            print(json.dumps(jwk, indent=1))
        elif args.verb == "lti-passback":
            from .lms.passback import passback
            from .lms.registration import load_registration, registration_path

            if load_registration(registration_path(course)) is None:
                print("error: no LTI registration at %s (see grader/lms/registration.py)" % registration_path(course),
                      file=sys.stderr)
                return 1
            outcome = passback(course, only)
            print("\n".join(outcome.lines()))
            return 1 if outcome.failed else 0
        elif args.verb == "lms-export":
            from .outputs.lms_files import export_lms_files

            for path in export_lms_files(course, args.lms, only, args.folder):
                print("written: %s" % path)
        elif args.verb == "keys":
            build_keys(course, only, force=args.force)
        elif args.verb == "example-class":
            from .example_class import write_class

            write_class(course, only)
        elif args.verb == "synthetic-class":
            from .example_class.synthetic import write_synthetic_class

            ids = write_synthetic_class(course, args.students, args.seed, only)
            print("wrote %d synthetic students (%s ... %s) into submitted/" % (len(ids), ids[0], ids[-1]))
        elif args.verb == "intake":
            from .intake.lms import intake

            print("\n".join(intake(course, args.assignment, args.download, args.roster).lines()))
        elif args.verb == "grade":
            return cmd_grade(course, only, args.workers, args.force)
        elif args.verb == "similarity":
            return cmd_similarity(course, only)
        elif args.verb == "serve":
            from .onsubmit.main import serve

            return serve(course, web=not args.no_web)
        elif args.verb == "bundle":
            from .classroom.bundle import bundle

            bundle(course, (args.dist or course.folder("dist")).resolve(), only)
    except JobFailed as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
