"""What students download when a course has no JupyterHub: the student runtime wheel and one zip
per assignment.

``python -m grader bundle [--only A] [--dist DIR]`` writes into ``dist/`` (git-ignored):

* ``nncourse-<version>-py3-none-any.whl``: the student runtime (``student/``, package ``nncourse``),
  built with ``pip wheel --no-deps``. Installing it installs the pinned libraries of
  ``student/requirements.txt`` and nothing of the instructor's tools;
* ``<assignment>.zip`` for each assignment: its ``release/<assignment>/`` folder (notebook, helper
  files, data) and a ``README.txt`` that says how to start.

A student installs once, with one command (:func:`install_command`), and the classroom on
JupyterHub builds its students' environment with the same wheel (:func:`create_student_env`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from ..authoring.assignment_index import INDEX_NAME as INDEX
from ..course import Course
from ..errors import JobFailed

#: What the wheel is built from, inside student/ (never build debris such as *.egg-info/).
STUDENT_SOURCES = ("pyproject.toml", "requirements.txt", "requirements-hub.txt", "nncourse")
#: The Python the student runtime supports (student/pyproject.toml: requires-python).
PYTHON = "python3.11"


class BundleError(JobFailed):
    """The bundle or a student environment cannot be made (the message says why)."""


def student_folder(course: Course) -> Path:
    """student/ of the repository that holds ``course``."""
    folder = course.root / "student"
    if not (folder / "pyproject.toml").is_file():
        raise BundleError("%s/pyproject.toml not found: run the bundle from the course repository, which holds "
                          "the student runtime in student/" % folder)
    return folder


def build_wheel(student: Path, dist: Path) -> Path:
    """Build the student runtime's wheel from ``student`` into ``dist`` and return its path.

    The sources are copied to a scratch folder first, so that the build leaves nothing (build/,
    *.egg-info/) in the repository; pip builds in an isolated environment, as it does for anyone.
    """
    dist.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nncourse-wheel-") as scratch:
        copy = Path(scratch) / "student"
        copy.mkdir()
        for name in STUDENT_SOURCES:
            source = student / name
            if source.is_dir():
                shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif source.is_file():
                shutil.copy2(source, copy / name)
        out = Path(scratch) / "out"
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                               "--wheel-dir", str(out), str(copy)], capture_output=True, text=True)
        if done.returncode != 0:
            raise BundleError("pip wheel of %s failed:\n%s" % (student, (done.stdout + done.stderr)[-3000:]))
        wheels = sorted(out.glob("nncourse-*.whl"))
        if len(wheels) != 1:
            raise BundleError("pip wheel of %s made %s, expected one nncourse wheel" % (student, wheels))
        target = dist / wheels[0].name
        shutil.copy2(wheels[0], target)
    return target


def install_command(wheel_name: str, venv: str = "~/nn") -> str:
    """The one command a student types to install the course environment (Linux and macOS): the venv, the
    wheel, and nncourse.labconfig (Validate's dialog then says what is true)."""
    return "%s -m venv %s && %s/bin/pip install %s && %s/bin/python -m nncourse.labconfig" % (
        PYTHON, venv, venv, wheel_name, venv)


def readme(assignment: str, notebooks: list[str], wheel_name: str) -> str:
    """README.txt of an assignment's zip: how a student starts."""
    first = notebooks[0] if notebooks else "the notebook"
    return "\n".join([
        "Neural networks from scratch - assignment %s" % assignment,
        "",
        "1. Once for the whole course, install the course environment (Python 3.11 is needed).",
        "   Download %s next to this archive, then run:" % wheel_name,
        "",
        "     Linux, macOS:  %s" % install_command(wheel_name),
        "     Windows:       py -3.11 -m venv %%USERPROFILE%%\\nn && %%USERPROFILE%%\\nn\\Scripts\\pip install %s"
        " && %%USERPROFILE%%\\nn\\Scripts\\python -m nncourse.labconfig" % wheel_name,
        "",
        "2. Unzip this archive (next to index.ipynb, the list of the assignments, if your course page has it)",
        "   and start JupyterLab in its folder:",
        "",
        "     cd %s && ~/nn/bin/jupyter lab %s" % (assignment, first),
        "     (Windows: cd %s, then %%USERPROFILE%%\\nn\\Scripts\\jupyter lab %s)" % (assignment, first),
        "",
        "3. Run the setup cell first, then work through the exercises in order: write your code where a cell",
        "   says YOUR CODE HERE and delete its `raise NotImplementedError()` line. The check cell under each",
        "   exercise shows whether the visible example works; grading uses further inputs you do not see.",
        "",
        "4. Before you hand in: Kernel > Restart Kernel and Run All Cells (or the Validate button).",
        "   Upload %s as your course page says. Keep its name; do not add or delete cells." % ", ".join(notebooks),
        "",
    ])


def zip_assignment(course: Course, assignment: str, dist: Path, wheel_name: str) -> Path:
    """``dist/<assignment>.zip``: release/<assignment>/ under a top folder of that name, and a README.txt."""
    folder = course.folder("release") / assignment
    if not folder.is_dir():
        raise BundleError("%s does not exist: run `python -m grader release` first" % folder.relative_to(course.root))
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and ".ipynb_checkpoints" not in p.parts)
    notebooks = [p.name for p in files if p.suffix == ".ipynb" and p.parent == folder]
    target = dist / ("%s.zip" % assignment)
    dist.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("%s/README.txt" % assignment, readme(assignment, notebooks, wheel_name))
        for path in files:
            archive.write(path, "%s/%s" % (assignment, path.relative_to(folder).as_posix()))
    return target


def copy_index(course: Course, dist: Path) -> Path | None:
    """``dist/index.ipynb``, the list of the assignments (release/index.ipynb), when there is one: students
    keep it next to the unzipped assignment folders, and its links open each one."""
    index = course.folder("release") / INDEX
    if not index.is_file():
        return None
    dist.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(index, dist / INDEX)
    return dist / INDEX


def bundle(course: Course, dist: Path, assignments: list[str] | None = None, log=print) -> list[Path]:
    """The wheel, then one zip per assignment, then the index; returns their paths (wheel first)."""
    wheel = build_wheel(student_folder(course), dist)
    log("student runtime: %s" % wheel)
    written = [wheel]
    for assignment in assignments or course.assignments:
        written.append(zip_assignment(course, assignment, dist, wheel.name))
        log("assignment %s: %s" % (assignment, written[-1]))
    index = copy_index(course, dist)
    if index:
        written.append(index)
        log("index of the assignments: %s (students keep it next to the unzipped folders)" % index)
    log("a student installs with: %s" % install_command(wheel.name))
    return written


def system_python() -> str:
    """A Python 3.11 that every user can run: a student environment's interpreter must be readable by
    the students (a Python under /root, like pyenv's, is not)."""
    for candidate in ("/usr/bin/python3.11", "/usr/local/bin/python3.11", shutil.which(PYTHON) or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BundleError("no %s found: install it (Debian/Ubuntu: apt-get install python3.11 python3.11-venv)" % PYTHON)


def create_student_env(wheel: Path, target: Path, extras: tuple[str, ...] = (), python: str | None = None,
                       log=print) -> Path:
    """A fresh virtual environment at ``target`` with the student runtime ``wheel`` installed (not
    editable) with ``extras``, exactly as a student's install command does. Returns ``target``."""
    python = python or system_python()
    if target.exists():
        shutil.rmtree(target)
    done = subprocess.run([python, "-m", "venv", str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        raise BundleError("%s -m venv %s failed (Debian/Ubuntu: apt-get install python3-venv):\n%s"
                          % (python, target, done.stderr[-2000:]))
    requirement = "%s[%s]" % (wheel, ",".join(extras)) if extras else str(wheel)
    log("installing %s into %s" % (requirement, target))
    done = subprocess.run([str(target / "bin" / "python"), "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", requirement], capture_output=True, text=True)
    if done.returncode != 0:
        raise BundleError("installing %s into %s failed:\n%s" % (wheel.name, target, (done.stdout + done.stderr)[-3000:]))
    return target
