"""The instructor's side of the classroom: their copy of the course (readable by them only), their nbgrader
settings, and the check that students cannot read the solutions in the repository the hub runs from."""

from __future__ import annotations

import json
import os
import pwd
import stat
import subprocess
from pathlib import Path

from ..course import Course
from .accounts import run_as, user_environment
from .settings import DATA_ENV, EXCHANGE_ENV, LAB_SETTINGS, Classroom, ClassroomError, home_of


def instructor_env_vars(classroom: Classroom) -> dict:
    extra = {EXCHANGE_ENV: str(classroom.exchange)}
    if classroom.data_dir:
        extra[DATA_ENV] = classroom.data_dir
    return extra


def as_instructor(classroom: Classroom, arguments: list[str], timeout: float | None = None,
                  check: bool = True) -> subprocess.CompletedProcess:
    """``python -m grader ARGUMENTS`` as the instructor, in the instructor's course folder."""
    env = user_environment(classroom.instructor, classroom.instructor_env / "bin", instructor_env_vars(classroom))
    return run_as(classroom.instructor, [str(classroom.instructor_env / "bin" / "python"), "-m", "grader", *arguments],
                  classroom.course_folder, env, timeout=timeout, check=check)


def copy_course_to_instructor(classroom: Classroom, course: Course, assignments: list[str] | None = None,
                              log=print) -> Path:
    """The course (config, source/, release/) in the instructor's home, owned by the instructor, every
    assignment generated into its gradebook. An existing copy is kept as it is: it holds the class's work."""
    target = classroom.course_folder
    if (target / "nbgrader_config.py").is_file():
        log("kept the instructor's course folder %s" % target)
        return target
    course.copy_to(target)
    account = pwd.getpwnam(classroom.instructor)
    for path in [target, *target.rglob("*")]:
        os.lchown(path, account.pw_uid, account.pw_gid)
    os.chmod(target, 0o700)
    command = ["release"] + (["--only", ",".join(assignments)] if assignments else [])
    as_instructor(classroom, command, timeout=1800)
    log("course copied to %s and released into its gradebook (as %s)" % (target, classroom.instructor))
    return target


def write_instructor_config(classroom: Classroom) -> Path:
    """~<instructor>/.jupyter/nbgrader_config.py loads the course folder's own nbgrader_config.py, so
    that nbgrader finds the course wherever it starts: the formgrader reads its configuration from
    the server's working directory (the home folder) and the user's Jupyter config folder."""
    account = pwd.getpwnam(classroom.instructor)
    folder = home_of(classroom.instructor) / ".jupyter"
    folder.mkdir(exist_ok=True)
    path = folder / "nbgrader_config.py"
    path.write_text("\n".join([
        '"""The course of this classroom for nbgrader, wherever it runs (written by python -m grader hub setup)."""',
        "c = get_config()  # noqa: F821",
        "load_subconfig(%r)  # noqa: F821" % str(classroom.course_folder / "nbgrader_config.py"),
        ""]))
    settings = folder / "lab" / "user-settings"
    for plugin, values in LAB_SETTINGS.items():
        package, name = plugin.split(":")
        target = settings / package / ("%s.jupyterlab-settings" % name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_text(json.dumps(values))
    for item in [folder, *folder.rglob("*")]:
        os.lchown(item, account.pw_uid, account.pw_gid)
    return path


#: What the course repository holds that students must never read (solutions, keys, grades, work).
PRIVATE_FOLDERS = ("source", "answer_keys", "gradebook.db", "submitted", "autograded", "feedback", "reports")


def readable_by_others(path: Path) -> bool:
    """Can a user who is neither the owner nor in the group read ``path`` (every folder above it
    searchable by others, the path itself readable)?"""
    for folder in path.resolve().parents:
        if not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return bool(path.stat().st_mode & stat.S_IROTH)


def exposed_to_students(repository: Path) -> list[Path]:
    """The private folders of the course repository that the students' accounts can read."""
    return [repository / name for name in PRIVATE_FOLDERS
            if (repository / name).exists() and readable_by_others(repository / name)]


def repository_warning(repository: Path) -> str:
    """A warning when students could read the solutions in the repository that the hub runs from."""
    exposed = exposed_to_students(repository)
    if not exposed:
        return ""
    return ("WARNING: users of this machine, students included, can read %s (solutions, keys or grades).\n"
            "  Fine for a demo; for a real class make the repository readable by root and the instructor only:\n"
            "  chgrp -R %s %s && chmod -R o-rwx %s (docs/classroom.md)"
            % (", ".join(str(p) for p in exposed), "<instructor>", repository, repository))


def check_instructor_env(classroom: Classroom) -> None:
    """The instructor's server runs the repository's .venv: the instructor must be able to read it."""
    python = classroom.instructor_env / "bin" / "python"
    env = user_environment(classroom.instructor, classroom.instructor_env / "bin")
    done = run_as(classroom.instructor, [str(python), "-c", "import grader, nbgrader, jupyterhub"],
                  home_of(classroom.instructor), env, check=False)
    if done.returncode != 0:
        raise ClassroomError("the instructor %s cannot use the instructor environment %s (is the course "
                             "repository readable by other users, e.g. not under /root?):\n%s"
                             % (classroom.instructor, classroom.instructor_env, done.stderr[-1500:]))
