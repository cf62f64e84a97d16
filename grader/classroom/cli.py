"""``python -m grader hub ACTION``: the JupyterHub classroom from the command line, as root.

demo = setup + start; setup makes the users, the exchange, the student environment and the instructor's
course; start runs JupyterHub for a classroom set up before; remove deletes the users setup created and
the state folder. docs/classroom.md is the instructor's guide.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..course import Course
from .accounts import require_root
from .hub_process import hub_command
from .limits import MECHANISMS
from .settings import DATA_ENV, DEFAULT_STATE, SETTINGS_FILE, STATE_ENV, Classroom, ClassroomError
from .setup import describe, remove, setup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The hub verb's own options."""
    parser.add_argument("action", choices=["demo", "setup", "start", "remove"],
                        help="demo = setup + start; remove deletes the users setup created and the state folder")
    parser.add_argument("--state", type=Path, default=Path(os.environ.get(STATE_ENV, DEFAULT_STATE)),
                        help="the classroom's folder (default $%s or %s)" % (STATE_ENV, DEFAULT_STATE))
    parser.add_argument("--instructor", default="nnc-teacher", help="the instructor's user name (default %(default)s)")
    parser.add_argument("--students", help="comma-separated user names (default: nnc-student1,nnc-student2 "
                                           "unless --students-file is given)")
    parser.add_argument("--students-file", type=Path, help="one student user name per line (adds to --students)")
    parser.add_argument("--ip", default="127.0.0.1", help="where the hub listens (put HTTPS in front of it)")
    parser.add_argument("--port", type=int, default=8000, help="the hub's public port (default %(default)s)")
    parser.add_argument("--data-dir", default=os.environ.get(DATA_ENV, ""),
                        help="a folder with the cat / non-cat files, readable by the students "
                             "(sets %s in every server)" % DATA_ENV)
    parser.add_argument("--only", metavar="A1,A2", help="generate only these assignments into the gradebook")
    limits = parser.add_argument_group("limits per user (docs/classroom.md, Limits; default: from this machine's "
                                       "size and the class's)")
    limits.add_argument("--limits", choices=MECHANISMS, default="auto",
                        help="how they are enforced: systemd where it runs, else control groups (auto); off: none")
    limits.add_argument("--memory-per-user", default="", metavar="SIZE", help="e.g. 2G: a user's server and kernels")
    limits.add_argument("--cpus-per-user", type=float, default=0, metavar="CORES", help="at most this many cores")
    limits.add_argument("--processes-per-user", type=int, default=0, metavar="N", help="processes and threads")
    limits.add_argument("--disk-per-user", default="", metavar="SIZE",
                        help="the home's size (only where its file system keeps user quotas)")
    limits.add_argument("--reserved-memory", default="", metavar="SIZE", help="the grading service's memory")
    limits.add_argument("--reserved-cpus", type=float, default=0, metavar="CORES",
                        help="the grading service's CPU weight, in cores")
    limits.add_argument("--idle-minutes", type=int, default=60, metavar="MIN",
                        help="stop servers idle this long (0: never; files stay; default %(default)s)")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Carry out ``args.action``; ``start`` and ``demo`` replace this process with JupyterHub."""
    try:
        require_root()
        if args.action in ("start", "remove"):
            classroom = Classroom.load(args.state)
            if args.action == "remove":
                remove(classroom)
                return 0
        else:
            course = Course.find()
            default = None if args.students_file else "nnc-student1,nnc-student2"
            students = [s for s in (args.students or default or "").split(",") if s]
            if args.students_file:
                students += [line.strip() for line in args.students_file.read_text().splitlines() if line.strip()]
            if not students:
                parser.error("no students: give --students or --students-file")
            previous = Classroom.load(args.state) if (args.state / SETTINGS_FILE).is_file() else None
            classroom = Classroom(state=args.state.resolve(), instructor=args.instructor, students=students,
                                  course_id=course.config.CourseDirectory.course_id, ip=args.ip, port=args.port,
                                  data_dir=args.data_dir, limits=args.limits,
                                  memory_per_user=args.memory_per_user, cpus_per_user=args.cpus_per_user,
                                  processes_per_user=args.processes_per_user, disk_per_user=args.disk_per_user,
                                  reserved_memory=args.reserved_memory, reserved_cpus=args.reserved_cpus,
                                  idle_minutes=args.idle_minutes,
                                  created_users=previous.created_users if previous else [])
            only = args.only.split(",") if args.only else None
            passwords = setup(classroom, course, only)
            print(describe(classroom, passwords, course.root))
            if args.action == "setup":
                return 0
        command, env = hub_command(classroom)
        print("starting JupyterHub on %s (Ctrl+C stops it)" % classroom.url, flush=True)
        os.chdir(classroom.private)
        os.execve(command[0], command, env)
    except ClassroomError as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 1
    return 0
