"""Making the classroom (users, exchange, the two environments, the instructor's course) and removing it."""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

from ..course import Course
from .accounts import ensure_user, remove_user, require_root
from .instructor import check_instructor_env, copy_course_to_instructor, repository_warning, write_instructor_config
from .limits import plan_for, remove_tree
from .node import install_proxy
from .settings import Classroom
from .student_env import build_student_env, configure_student_env, configure_student_lab, place_index


def prepare_exchange(classroom: Classroom) -> Path:
    """nbgrader's exchange: root 1777; <course_id>/ 0755 with outbound 0755, inbound 2733 (students
    write, cannot list), feedback 0711 (students read their own file by its hash, cannot list); all
    of the course's folders owned by the instructor, as `nbgrader release_assignment` makes them."""
    root = classroom.exchange
    root.mkdir(parents=True, exist_ok=True)
    os.chown(root, 0, 0)
    os.chmod(root, 0o1777)
    account = pwd.getpwnam(classroom.instructor)
    course = root / classroom.course_id
    for folder, mode in ((course, 0o755), (course / "outbound", 0o755), (course / "inbound", 0o2733),
                         (course / "feedback", 0o711)):
        folder.mkdir(exist_ok=True)
        os.chown(folder, account.pw_uid, account.pw_gid)
        os.chmod(folder, mode)
    return root


def setup(classroom: Classroom, course: Course, assignments: list[str] | None = None, log=print,
          build_env: bool = True) -> dict[str, str]:
    """Everything the hub needs, idempotent. Returns the passwords of the users it created.

    ``build_env=False`` takes ``classroom.student_env`` as already installed from the student wheel
    (the tests share one) and only configures it for this classroom."""
    require_root()
    classroom.state.mkdir(parents=True, exist_ok=True)
    os.chmod(classroom.state, 0o755)
    classroom.private.mkdir(exist_ok=True)
    os.chmod(classroom.private, 0o700)
    install_proxy(log)
    passwords = {}
    for user in classroom.users:
        password = ensure_user(user, log)
        if password:
            passwords[user] = password
            if user not in classroom.created_users:
                classroom.created_users.append(user)
    if passwords:
        logins = classroom.private / "logins.txt"
        with open(logins, "a") as handle:
            os.chmod(logins, 0o600)
            handle.writelines("%s %s\n" % item for item in passwords.items())
    classroom.save()
    prepare_exchange(classroom)
    check_instructor_env(classroom)
    if build_env:
        build_student_env(classroom, course, log)
    else:
        configure_student_env(classroom.student_env, classroom.course_id, classroom.exchange)
    copy_course_to_instructor(classroom, course, assignments, log)
    write_instructor_config(classroom)
    place_index(classroom, course, log)
    configure_student_lab(classroom, log)
    classroom.save()
    return passwords


def remove(classroom: Classroom, log=print) -> None:
    """Delete what setup made: the users it created (with their homes) and the state folder."""
    require_root()
    remove_tree(classroom)
    for user in classroom.created_users:
        remove_user(user, log)
    shutil.rmtree(classroom.state, ignore_errors=True)
    log("removed %s" % classroom.state)


def describe(classroom: Classroom, passwords: dict[str, str], repository: Path | None = None) -> str:
    logins = classroom.private / "logins.txt"
    warning = repository_warning(repository) if repository else ""
    lines = ([""] + warning.replace("<instructor>", classroom.instructor).splitlines() if warning else []) + [
             "", "The classroom hub: %s" % classroom.url,
             "  instructor: %s   students: %s" % (classroom.instructor, ", ".join(classroom.students))]
    for user, password in passwords.items():
        lines.append("  login %-16s password %s" % (user, password))
    if classroom.limits == "off":
        lines.append("  limits: none (--limits off): any user's notebook can take the whole machine")
    else:
        lines += ["  limits on this machine (the hub says at start how they are enforced):"] + \
                 ["    " + line for line in plan_for(classroom).describe()]
    if not passwords:
        lines.append("  passwords of the users made by setup: %s" % logins)
    lines += ["",
              "As %s: open %suser/%s/formgrader in its own browser tab (JupyterHub forbids it in a frame)"
              % (classroom.instructor, classroom.url, classroom.instructor),
              "  and press Release for an assignment; students fetch it in Nbgrader > Assignment List.",
              "Each submission is graded as it arrives (the hub runs the grading service, as %s); students"
              % classroom.instructor,
              "  press Fetch Feedback, and see their submissions at %sservices/grading/." % classroom.url,
              "Reports: python -m grader grade in a terminal of the instructor's JupyterLab (~/course).",
              "Stop with Ctrl+C; remove it all with",
              "  %s -m grader hub remove --state %s" % (classroom.instructor_env / "bin" / "python", classroom.state),
              ""]
    return "\n".join(lines)
