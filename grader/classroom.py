"""The JupyterHub classroom: one Linux machine, local users, nbgrader's exchange, two environments.

``python -m grader hub demo`` (``make hub``) sets everything up as root and starts the hub;
docs/classroom.md is the instructor's guide. What :func:`setup` makes:

* local system users (an instructor and students, homes mode 0700), created when missing, with
  random passwords that are printed and kept in ``<state>/hub/logins.txt`` (mode 0600);
* nbgrader's exchange in ``<state>/exchange``: the root world-writable with the sticky bit (every
  nbgrader command checks that it can write there), and the course's folders in it made now, owned
  by the instructor, with the modes nbgrader gives them (outbound 0755, inbound 2733, feedback 0711),
  so that no student can claim the course's name in the exchange before the first release;
* the STUDENT environment in ``<state>/student-env``: a virtual environment of the system's Python
  with the student runtime wheel (``student/``, not editable) and its ``hub`` extra, nothing of the
  instructor's tools. Its ``etc/jupyter`` holds the students' nbgrader settings (course id,
  exchange) and turns off what students must not see: the formgrader, Create Assignment and the
  course list (the Assignments tab and Validate stay);
* the instructor's copy of the course in ``~<instructor>/course`` (config, source/, release/), owned
  by the instructor, with every assignment generated into its gradebook. The instructor's server
  runs the instructor's environment (this repository's ``.venv``) there.

Everything of the hub itself (its database, cookie secret, logs, the logins) lives in
``<state>/hub`` (mode 0700), so that removing ``<state>`` (and the demo users) removes the
classroom: ``python -m grader hub remove``. ``hub/jupyterhub_config.py`` reads ``<state>/classroom.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .contents import INDEX_NAME
from .course import Course

DEFAULT_STATE = Path("/srv/nncourse-hub")
STATE_ENV = "NNCOURSE_HUB_DIR"            # where hub/jupyterhub_config.py finds classroom.json
EXCHANGE_ENV = "NNCOURSE_EXCHANGE"        # read by the course's nbgrader_config.py
DATA_ENV = "NNCOURSE_DATA_DIR"            # read by nncourse.datasets (the cat / non-cat files)
SETTINGS_FILE = "classroom.json"
REPO = Path(__file__).resolve().parents[1]
HUB_FILES = REPO / "hub"

#: What students never get in their JupyterLab: nbgrader's instructor side and the course list.
STUDENT_HIDDEN_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
STUDENT_HIDDEN_LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                              "@jupyter/nbgrader:course-list")
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
#: JupyterLab settings of the classroom: no pop-up asking whether to fetch Jupyter's news from the internet.
LAB_SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}


class ClassroomError(RuntimeError):
    """The classroom cannot be set up or started (the message says why and what to do)."""


@dataclass
class Classroom:
    """Where the classroom's parts are and who its users are; saved as ``<state>/classroom.json``."""

    state: Path
    instructor: str
    students: list[str]
    course_id: str
    ip: str = "127.0.0.1"
    port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    data_dir: str = ""                       # NNCOURSE_DATA_DIR for every server ("" = unset)
    student_env: Path | None = None          # default: <state>/student-env
    instructor_env: Path = Path(sys.prefix)  # the instructor's tools: this repository's .venv
    created_users: list[str] = field(default_factory=list)   # made by setup; `remove` deletes only these

    def __post_init__(self):
        self.state = Path(self.state)
        self.student_env = Path(self.student_env) if self.student_env else self.state / "student-env"
        self.instructor_env = Path(self.instructor_env)

    @property
    def exchange(self) -> Path:
        return self.state / "exchange"

    @property
    def private(self) -> Path:
        """The hub's own files (database, cookie secret, logs, logins): root only."""
        return self.state / "hub"

    @property
    def users(self) -> list[str]:
        return [self.instructor, *self.students]

    @property
    def course_folder(self) -> Path:
        return home_of(self.instructor) / "course"

    @property
    def url(self) -> str:
        return "http://%s:%d/" % (self.ip, self.port)

    def save(self) -> Path:
        data = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
        path = self.state / SETTINGS_FILE
        path.write_text(json.dumps(data, indent=2) + "\n")
        return path

    @classmethod
    def load(cls, state: str | Path) -> "Classroom":
        path = Path(state) / SETTINGS_FILE
        if not path.is_file():
            raise ClassroomError("%s not found: set the classroom up first (python -m grader hub setup)" % path)
        return cls(**json.loads(path.read_text()))


# ---------------------------------------------------------------- system helpers
def require_root() -> None:
    if os.geteuid() != 0:
        raise ClassroomError("the classroom is set up and started as root (it creates users and starts "
                             "their servers): run it with sudo")


def home_of(user: str) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


def user_exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def _run(command: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise ClassroomError("%s failed (%s):\n%s" % (what, " ".join(command[:3]), (done.stdout + done.stderr)[-2000:]))
    return done


def user_environment(user: str, env_bin: Path, extra: dict | None = None) -> dict:
    """A clean login-like environment for ``user`` with ``env_bin`` first on PATH."""
    account = pwd.getpwnam(user)
    env = {"HOME": account.pw_dir, "USER": user, "LOGNAME": user, "SHELL": account.pw_shell or "/bin/sh",
           "PATH": "%s:%s" % (env_bin, SAFE_PATH), "LANG": os.environ.get("LANG", "C.UTF-8")}
    env.update(extra or {})
    return env


def run_as(user: str, command: list[str], cwd: Path, env: dict, timeout: float | None = None,
           check: bool = True) -> subprocess.CompletedProcess:
    """Run ``command`` as ``user`` (uid, primary group, no supplementary groups), as a login would."""
    account = pwd.getpwnam(user)
    done = subprocess.run(command, cwd=cwd, env=env, user=account.pw_uid, group=account.pw_gid, extra_groups=[],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        raise ClassroomError("%s, as %s in %s, failed:\n%s"
                             % (" ".join(command), user, cwd, (done.stdout + done.stderr)[-3000:]))
    return done


def ensure_node(log=print) -> str:
    """npm, installed with apt when missing (Debian/Ubuntu's nodejs is recent enough: >= 18)."""
    if shutil.which("npm") and shutil.which("node"):
        return shutil.which("npm")
    log("installing nodejs and npm with apt-get (configurable-http-proxy runs on Node.js)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["apt-get", "update", "-qq"], "apt-get update", env=env)
    _run(["apt-get", "install", "-y", "-qq", "nodejs", "npm"], "apt-get install nodejs npm", env=env)
    return shutil.which("npm")


def proxy_command() -> Path:
    return HUB_FILES / "node_modules" / ".bin" / "configurable-http-proxy"


def install_proxy(log=print) -> Path:
    """configurable-http-proxy from hub/package-lock.json (`npm ci`), again whenever the lock changes."""
    npm = ensure_node(log)
    lock = HUB_FILES / "package-lock.json"
    stamp = HUB_FILES / "node_modules" / ".nncourse-lock.sha256"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if proxy_command().exists() and stamp.is_file() and stamp.read_text() == digest:
        return proxy_command()
    log("installing configurable-http-proxy with npm ci (hub/package-lock.json)")
    _run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], "npm ci in hub/", cwd=HUB_FILES)
    stamp.write_text(digest)
    return proxy_command()


# ---------------------------------------------------------------- users
def ensure_user(user: str, log=print) -> str | None:
    """Create ``user`` (home mode 0700) with a random password when missing; return the password,
    or None for an account that already existed (its password is left alone)."""
    created = None
    if not user_exists(user):
        _run(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash", user], "useradd %s" % user)
        created = secrets.token_urlsafe(9)
        _run(["chpasswd"], "chpasswd %s" % user, input="%s:%s\n" % (user, created))
        log("created user %s" % user)
    os.chmod(home_of(user), 0o700)   # nobody reads anybody's work
    return created


def processes_of(uid: int) -> list[int]:
    """Process ids owned by ``uid`` (read from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                continue
    return pids


def remove_user(user: str, log=print) -> None:
    """End the processes of ``user`` (by pid) and delete the account with its home."""
    if not user_exists(user):
        return
    uid = pwd.getpwnam(user).pw_uid
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in processes_of(uid):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while processes_of(uid) and time.monotonic() < deadline:
            time.sleep(0.2)
    _run(["userdel", "--remove", user], "userdel %s" % user)
    log("removed user %s" % user)


# ---------------------------------------------------------------- exchange
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


# ---------------------------------------------------------------- the student environment
def student_sources_digest(student: Path) -> str:
    """A fingerprint of what the student wheel is built from (to rebuild the environment only when it changed)."""
    from .bundle import STUDENT_SOURCES

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
    from .bundle import build_wheel, create_student_env, student_folder

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
        _run([jupyter, "server", "extension", "disable", "--sys-prefix", extension],
             "disabling %s in the student environment" % extension)
    for plugin in STUDENT_HIDDEN_LAB_PLUGINS:
        _run([jupyter, "labextension", "disable", "--level=sys_prefix", plugin],
             "disabling %s in the student environment" % plugin)
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


# ---------------------------------------------------------------- the instructor's course
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


# ---------------------------------------------------------------- setup, start, remove
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


def hub_command(classroom: Classroom) -> tuple[list[str], dict]:
    """The command line and environment that start JupyterHub for ``classroom`` (as root)."""
    env = dict(os.environ)
    env[STATE_ENV] = str(classroom.state)
    env["PATH"] = "%s:%s" % (classroom.instructor_env / "bin", env.get("PATH", SAFE_PATH))
    return [str(classroom.instructor_env / "bin" / "jupyterhub"), "-f", str(HUB_FILES / "jupyterhub_config.py")], env


def start(classroom: Classroom, log_file: Path | None = None) -> subprocess.Popen:
    """Start JupyterHub (and, through it, the proxy) in a process group of its own."""
    require_root()
    command, env = hub_command(classroom)
    output = open(log_file, "w") if log_file else None
    try:
        return subprocess.Popen(command, cwd=classroom.private, env=env, stdout=output, stderr=subprocess.STDOUT
                                if output else None, stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        if output:
            output.close()


def wait_until_up(classroom: Classroom, process: subprocess.Popen, timeout: float = 300,
                  log_file: Path | None = None) -> None:
    """Wait until the hub answers through the proxy (its API's version endpoint)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_file.read_text(errors="replace")[-3000:] if log_file and log_file.exists() else ""
            raise ClassroomError("JupyterHub exited with code %s\n%s" % (process.returncode, tail))
        try:
            with urllib.request.urlopen(classroom.url + "hub/api/", timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise ClassroomError("JupyterHub did not answer at %s within %d s" % (classroom.url, timeout))


def stop(process: subprocess.Popen, timeout: float = 60) -> None:
    """Stop the hub (SIGTERM: it stops the user servers and the proxy it started), then its group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def remove(classroom: Classroom, log=print) -> None:
    """Delete what setup made: the users it created (with their homes) and the state folder."""
    require_root()
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
    if not passwords:
        lines.append("  passwords of the users made by setup: %s" % logins)
    lines += ["",
              "As %s: open %suser/%s/formgrader in its own browser tab (JupyterHub forbids it in a frame)"
              % (classroom.instructor, classroom.url, classroom.instructor),
              "  and press Release for an assignment; students fetch it in Nbgrader > Assignment List.",
              "After the deadline: Collect, then in a terminal of the instructor's JupyterLab (~/course):",
              "  python -m grader keys && python -m grader grade",
              "and Release Feedback in the formgrader. Stop with Ctrl+C; remove it all with",
              "  %s -m grader hub remove --state %s" % (classroom.instructor_env / "bin" / "python", classroom.state),
              ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader hub", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["demo", "setup", "start", "remove"],
                        help="demo = setup + start; remove deletes the users setup created and the state folder")
    parser.add_argument("--state", type=Path, default=Path(os.environ.get(STATE_ENV, DEFAULT_STATE)),
                        help="the classroom's folder (default $%s or %s)" % (STATE_ENV, DEFAULT_STATE))
    parser.add_argument("--instructor", default="nnc-teacher")
    parser.add_argument("--students", help="comma-separated user names (default: nnc-student1,nnc-student2 "
                                           "unless --students-file is given)")
    parser.add_argument("--students-file", type=Path, help="one student user name per line (adds to --students)")
    parser.add_argument("--ip", default="127.0.0.1", help="where the hub listens (put HTTPS in front of it)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", default=os.environ.get(DATA_ENV, ""),
                        help="a folder with the cat / non-cat files, readable by the students "
                             "(sets %s in every server)" % DATA_ENV)
    parser.add_argument("--only", metavar="A1,A2", help="generate only these assignments into the gradebook")
    args = parser.parse_args(argv)
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
                                  data_dir=args.data_dir,
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
