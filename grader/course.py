"""Where a course's folders are, and nbgrader's API bound to them."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .limits import refuse_renamed

CONFIG_FILE = "nbgrader_config.py"
COMMITTED_FOLDERS = ("source", "release")


def _put_interpreter_on_path() -> None:
    """nbgrader runs helper commands (alembic) by name: make the ones of this interpreter's
    environment found even when that environment is not activated."""
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


class CourseNotFound(RuntimeError):
    """No nbgrader_config.py with a source/ folder was found."""


@dataclass
class Course:
    """A course directory: nbgrader_config.py next to source/, release/, submitted/, ..."""

    root: Path
    _api: object = field(default=None, repr=False)

    @classmethod
    def find(cls, start: str | Path | None = None) -> "Course":
        """The course whose root is ``start`` or its nearest parent holding nbgrader_config.py."""
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG_FILE).is_file() and (folder / "source").is_dir():
                return cls(folder)
        raise CourseNotFound("no %s with a source/ folder in %s or its parents" % (CONFIG_FILE, here))

    @cached_property
    def config(self):
        """The traitlets Config loaded from the course's nbgrader_config.py."""
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader(CONFIG_FILE, path=str(self.root)).load_config()
        refuse_renamed(config)
        config.CourseDirectory.root = str(self.root)
        return config

    def folder(self, name: str) -> Path:
        return self.root / name

    @property
    def key_directory(self) -> Path:
        configured = self.config.CompareWithKey.get("key_directory", "answer_keys")
        return (self.root / configured).resolve()

    @property
    def assignments(self) -> list[str]:
        """Assignment names: the folders of source/ that hold notebooks, in order."""
        return sorted(p.name for p in (self.root / "source").iterdir()
                      if p.is_dir() and any(p.glob("*.ipynb")))

    def source_notebooks(self, assignment: str) -> list[Path]:
        return sorted((self.root / "source" / assignment).glob("*.ipynb"))

    def api(self):
        """nbgrader's Python API for this course (one instance, reused)."""
        if self._api is None:
            _put_interpreter_on_path()
            from nbgrader.apps import NbGraderAPI
            from nbgrader.coursedir import CourseDirectory

            coursedir = CourseDirectory(config=self.config)
            self._api = NbGraderAPI(coursedir=coursedir, config=self.config)
        return self._api

    def copy_to(self, dest: str | Path) -> "Course":
        """A new course at ``dest`` with this one's committed files only (no gradebook, keys,
        submissions or outputs): for tests and benchmarks that must not touch this one."""
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.root / CONFIG_FILE, dest / CONFIG_FILE)
        for name in COMMITTED_FOLDERS:
            if (self.root / name).is_dir():
                shutil.copytree(self.root / name, dest / name)
        return Course(dest)

    def gradebook(self):
        from nbgrader.api import Gradebook

        coursedir = self.api().coursedir
        return Gradebook(coursedir.db_url, coursedir.course_id)
