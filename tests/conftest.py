"""Shared fixtures: private copies of the course, graded or executed once per test session.

Set NNCOURSE_ONLY=a1_numpy_basics,a3_planar (comma-separated) to limit the notebook and grading
tests to some assignments while working on them; CI runs them all.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader.course import Course

REPO = Path(__file__).resolve().parents[1]
ONLY = [a for a in os.environ.get("NNCOURSE_ONLY", "").split(",") if a]

# -- the cat / non-cat data (assignments 2 and 5) ------------------------------------------------
# nncourse.datasets reads the two HDF5 files from the folder NNCOURSE_DATA_DIR names. Where a copy
# sits next to the repository (../shared/data/catvnoncat, as on CI), point the variable at it now,
# at import time, so that every notebook kernel a test starts inherits it. A value set by the user
# wins. Without the copy nothing is set: the data tests then use the download cache if it holds the
# files, and skip otherwise (the files are never committed).
_CATVNONCAT_COPY = REPO.parent / "shared" / "data" / "catvnoncat"
if _CATVNONCAT_COPY.is_dir() and not os.environ.get("NNCOURSE_DATA_DIR"):
    os.environ["NNCOURSE_DATA_DIR"] = str(_CATVNONCAT_COPY)


# -- running in parallel (pytest-xdist, `make test`) ----------------------------------------------
# `make test` runs `pytest -n auto --dist loadgroup`: each group below runs whole in one worker, so an
# expensive fixture is built once per run, as in a serial run. Groups: every test that uses the
# `demo_run` session fixture; each assignment's notebook tests (the `executed_source` notebook is
# shared by tests/test_notebooks.py and tests/test_<assignment>.py); every other module on its own
# (its module fixtures), except that the two browser modules share one group (one JupyterLab and one
# Chromium at a time). A test that names its own xdist_group keeps it.
def xdist_group(item) -> str:
    if "demo_run" in getattr(item, "fixturenames", ()):
        return "demo"
    module = item.module.__name__ if getattr(item, "module", None) else item.nodeid.split("::")[0]
    if module in ("test_browser", "test_inert_browser"):
        return "browser"
    if module == "test_notebooks" and hasattr(item, "callspec"):
        return "assignment " + item.callspec.params["source"].parent.name
    if re.fullmatch(r"test_a\d+_\w+", module):
        return "assignment " + module[len("test_"):]
    return module


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not any(item.iter_markers("xdist_group")):
            item.add_marker(pytest.mark.xdist_group(xdist_group(item)))


def handout(assignment: str, module: str):
    """Import ``module`` from source/<assignment>/, the helper files that the assignment hands out, as a
    fresh module object (its siblings are importable while it loads, as they are next to the notebook)."""
    import importlib
    import sys as _sys

    folder = str(REPO / "source" / assignment)
    siblings = {p.stem for p in (REPO / "source" / assignment).glob("*.py")}
    saved = {name: _sys.modules.pop(name) for name in list(_sys.modules) if name in siblings}
    _sys.path.insert(0, folder)
    try:
        return importlib.import_module(module)
    finally:
        _sys.path.remove(folder)
        for name in siblings:
            _sys.modules.pop(name, None)
        _sys.modules.update(saved)


def selected(assignments):
    """The assignments the session works on (all of them unless NNCOURSE_ONLY says otherwise)."""
    return [a for a in assignments if not ONLY or a in ONLY]


def copy_course(dest: Path) -> Course:
    """Copy the course's committed files to ``dest`` (no gradebook, keys or submissions)."""
    return Course(REPO).copy_to(dest)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The README's main job, `python -m grader demo`, run for real in a copy of the course.

    Returns (course, completed process).
    """
    course = copy_course(tmp_path_factory.mktemp("demo") / "course")
    command = [sys.executable, "-m", "grader", "demo"]
    if ONLY:
        command += ["--only", ",".join(ONLY)]
    done = subprocess.run(command, cwd=course.root, capture_output=True, text=True, timeout=3000)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return course, done


@pytest.fixture(scope="session")
def executed_source(tmp_path_factory):
    """execute(source_path) -> executed notebook (a copy of its assignment folder runs in a
    fresh kernel once per session; later calls reuse the result)."""
    from nbclient import NotebookClient

    cache = {}

    def execute(source: Path):
        if source not in cache:
            folder = tmp_path_factory.mktemp("executed") / source.parent.name
            shutil.copytree(source.parent, folder)
            target = folder / source.name
            nb = nbformat.read(str(target), as_version=4)
            NotebookClient(nb, timeout=1200, kernel_name="python3",
                           resources={"metadata": {"path": str(folder)}}).execute()
            nbformat.write(nb, str(target))
            cache[source] = (target, nb)
        return cache[source]

    return execute
