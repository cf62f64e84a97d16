"""The students' side of the classroom: their environment (the student wheel, nothing of the instructor's),
its nbgrader settings, their JupyterLab settings, and the index of the assignments in every home."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import stat
import time
from pathlib import Path

from ..authoring.assignment_index import INDEX_NAME
from ..course import Course
from .accounts import run_as, run_command, user_environment
from .bundle import STUDENT_SOURCES, build_wheel, create_student_env, student_folder
from .settings import LAB_SETTINGS, Classroom, home_of

#: What students never get in their JupyterLab: nbgrader's instructor side and the course list.
STUDENT_HIDDEN_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
#: The students' servers tell them, in the cell's output, when a limit of the hub stopped their work.
HUB_LIMITS_SERVER_CONFIG = {"ServerApp": {"kernel_websocket_connection_class":
                                          "nncourse.hublimits.LimitsAwareConnection"}}
STUDENT_HIDDEN_LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                              "@jupyter/nbgrader:course-list")


def student_sources_digest(student: Path) -> str:
    """A fingerprint of what the student wheel is built from (to rebuild the environment only when it changed)."""
    digest = hashlib.sha256()
    for name in STUDENT_SOURCES:
        path = student / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(student)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def build_student_env(classroom: Classroom, course: Course, log=print) -> Path:
    """The student environment from the student runtime wheel plus its `hub` extra (rebuilt only
    when student/ changed), then configured for this classroom."""
    student = student_folder(course)
    stamp = classroom.student_env / ".nncourse-sources.sha256"
    digest = student_sources_digest(student)
    if not (stamp.is_file() and stamp.read_text() == digest and (classroom.student_env / "bin" / "python").exists()):
        start = time.perf_counter()
        wheel = build_wheel(student, classroom.state / "dist")
        create_student_env(wheel, classroom.student_env, extras=("hub",), log=log)
        stamp.write_text(digest)
        log("student environment built in %.0f s: %s" % (time.perf_counter() - start, classroom.student_env))
    configure_student_env(classroom.student_env, classroom.course_id, classroom.exchange)
    return classroom.student_env


def student_nbgrader_config(course_id: str, exchange: Path) -> str:
    return "\n".join([
        '"""nbgrader settings of the students on this classroom hub (written by python -m grader hub)."""',
        "c = get_config()  # noqa: F821",
        "# The course's name in the exchange: the Assignments tab lists what its instructor released.",
        "c.CourseDirectory.course_id = %r" % course_id,
        "# The shared exchange: fetch from outbound/, submit to inbound/, feedback from feedback/.",
        "c.Exchange.root = %r" % str(exchange),
        "# Fetch Feedback also keeps <assignment>/feedback/<notebook>.html, the newest page, in one place.",
        "c.ExchangeFactory.fetch_feedback = 'nncourse.feedback.FetchFeedback'",
        "",
    ])


def configure_student_env(env: Path, course_id: str, exchange: Path) -> None:
    """Write the students' nbgrader settings into ``env``/etc/jupyter and turn off the formgrader,
    Create Assignment and the course list there (nbgrader's documented per-role setup)."""
    etc = env / "etc" / "jupyter"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "nbgrader_config.py").write_text(student_nbgrader_config(course_id, exchange))
    jupyter = str(env / "bin" / "jupyter")
    for extension in STUDENT_HIDDEN_SERVER_EXTENSIONS:
        run_command([jupyter, "server", "extension", "disable", "--sys-prefix", extension],
             "disabling %s in the student environment" % extension)
    for plugin in STUDENT_HIDDEN_LAB_PLUGINS:
        run_command([jupyter, "labextension", "disable", "--level=sys_prefix", plugin],
             "disabling %s in the student environment" % plugin)
    # At a limit of the hub, the cell's output says which and what to do (nncourse.hublimits). In the environment's
    # jupyter_server_config.json: the server reads nothing but extensions from jupyter_server_config.d/.
    server_config = etc / "jupyter_server_config.json"
    settings = json.loads(server_config.read_text()) if server_config.is_file() else {}
    settings.setdefault("ServerApp", {}).update(HUB_LIMITS_SERVER_CONFIG["ServerApp"])
    server_config.write_text(json.dumps(settings, indent=2) + "\n")
    overrides = env / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(json.dumps(LAB_SETTINGS, indent=2) + "\n")
    for path in [env, *env.rglob("*")]:   # readable (and runnable) by every student, writable by none
        if not path.is_symlink():
            mode = stat.S_IMODE(path.stat().st_mode)
            wanted = (mode | stat.S_IRGRP | stat.S_IROTH | (stat.S_IXGRP | stat.S_IXOTH if mode & stat.S_IXUSR else 0)) \
                & ~(stat.S_IWGRP | stat.S_IWOTH)
            if wanted != mode:
                os.chmod(path, wanted)


def configure_student_lab(classroom: Classroom, log=print) -> None:
    """Run ``python -m nncourse.labconfig`` as every student: their Validate dialog then says what is true
    (the visible checks pass; grading runs further checks), not nbgrader's "passes all the tests"."""
    env_bin = Path(classroom.student_env) / "bin"
    for student in classroom.students:
        run_as(student, [str(env_bin / "python"), "-m", "nncourse.labconfig"], home_of(student),
               user_environment(student, env_bin), timeout=120)
    log("students' JupyterLab configured (nncourse.labconfig)")


def place_index(classroom: Classroom, course: Course, log=print) -> None:
    """Put the list of the assignments (release/index.ipynb) in every student's home, where the exchange
    fetches each assignment into a folder of its name, so the index's links open them. nbgrader's exchange
    carries assignments only, so the hub hands the index out itself; a student's own copy is kept."""
    index = course.folder("release") / INDEX_NAME
    if not index.is_file():
        return
    text = index.read_bytes()
    for student in classroom.students:
        target = home_of(student) / INDEX_NAME
        info = pwd.getpwnam(student)
        try:   # a new file only: never through a link, never over what is there (the home is the student's)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(text)
            os.fchown(handle.fileno(), info.pw_uid, info.pw_gid)
        log("%s: the index of the assignments is in %s" % (student, target))
