"""Where a classroom's parts are and who its users are: :class:`Classroom`, saved as ``<state>/classroom.json``."""

from __future__ import annotations

import json
import pwd
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

DEFAULT_STATE = Path("/srv/nncourse-hub")
STATE_ENV = "NNCOURSE_HUB_DIR"            # where hub/jupyterhub_config.py finds classroom.json
EXCHANGE_ENV = "NNCOURSE_EXCHANGE"        # read by the course's nbgrader_config.py
DATA_ENV = "NNCOURSE_DATA_DIR"            # read by nncourse.datasets (the cat / non-cat files)
SETTINGS_FILE = "classroom.json"
SERVICE_NAME = "grading"                  # the on-submit grading service: /services/grading/
REPO = Path(__file__).resolve().parents[2]
HUB_FILES = REPO / "hub"

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
    service_port: int = 8002                 # the on-submit grading service (reached through the hub)
    data_dir: str = ""                       # NNCOURSE_DATA_DIR for every server ("" = unset)
    student_env: Path | None = None          # default: <state>/student-env
    instructor_env: Path = Path(sys.prefix)  # the instructor's tools: this repository's .venv
    created_users: list[str] = field(default_factory=list)   # made by setup; `remove` deletes only these
    # What each user's server may take, and what the hub keeps (grader/classroom/limits.py, docs/classroom.md
    # "Limits"); empty or 0: the default for this machine and this class's size.
    limits: str = "auto"                     # how: "auto" (systemd where it runs, else control groups), "systemd",
                                             # "cgroup", or "off" (no limits at all; the hub says so at start)
    memory_per_user: str = ""                # e.g. "2G": a user's server with its kernels and programs
    cpus_per_user: float = 0                 # at most this many cores per user
    processes_per_user: int = 0              # processes and threads per user
    disk_per_user: str = ""                  # the home's size, where its file system keeps user quotas
    reserved_memory: str = ""                # the grading service's memory (its own limit)
    reserved_cpus: float = 0                 # the grading service's CPU weight, in cores
    idle_minutes: int = 60                   # a server idle this long is stopped (0: never); files stay

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


def home_of(user: str) -> Path:
    """The home folder of ``user``."""
    return Path(pwd.getpwnam(user).pw_dir)
