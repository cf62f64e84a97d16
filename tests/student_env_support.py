"""The student environment as students get it, built once per test session and shared.

`python -m grader bundle` writes the student runtime wheel and the assignment zips; a fresh virtual
environment of the system's Python gets the wheel installed with its `hub` extra (from PyPI or pip's
cache, as a student's install command does). tests/test_bundle.py checks it as a download-and-install
student would use it; tests/test_classroom.py serves it to the students of a JupyterHub.

It lives under /var/tmp, mode 0755: the classroom's student users must read it (pytest's own
temporary folders are private to root).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from conftest import REPO

BUILD_TIMEOUT = 1800   # seconds: pip installs TensorFlow and JupyterLab on a loaded machine


@dataclass
class StudentEnv:
    root: Path        # the folder that holds both (removed at the end of the session)
    dist: Path        # what `python -m grader bundle` wrote: the wheel and one zip per assignment
    wheel: Path
    env: Path         # the virtual environment
    build_seconds: float

    @property
    def python(self) -> Path:
        return self.env / "bin" / "python"

    def zip_of(self, assignment: str) -> Path:
        return self.dist / ("%s.zip" % assignment)


def build_student_env() -> StudentEnv:
    """Bundle (wheel + zips) and a fresh environment with the wheel and its `hub` extra."""
    from grader.classroom.bundle import create_student_env

    root = Path(tempfile.mkdtemp(prefix="nncourse-student-", dir="/var/tmp"))
    os.chmod(root, 0o755)
    dist = root / "dist"
    done = subprocess.run([sys.executable, "-m", "grader", "bundle", "--dist", str(dist)], cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    wheels = sorted(dist.glob("nncourse-*-py3-none-any.whl"))
    assert len(wheels) == 1, wheels
    start = time.perf_counter()
    env = create_student_env(wheels[0], root / "env", extras=("hub",), log=lambda _: None)
    return StudentEnv(root, dist, wheels[0], env, time.perf_counter() - start)


def remove_student_env(student_env: StudentEnv) -> None:
    shutil.rmtree(student_env.root, ignore_errors=True)


def run_python(python: Path, code: str, cwd: Path | None = None, home: Path | None = None) -> subprocess.CompletedProcess:
    """``code`` run by ``python`` in ``cwd``, with an environment that has nothing of this repository in
    it and, when given, a private ``home`` (so that no Jupyter setting of the user running the tests is read)."""
    if home:
        home.mkdir(parents=True, exist_ok=True)
    env = {"PATH": "%s:/usr/bin:/bin" % python.parent, "HOME": str(home or cwd or python.parent), "LANG": "C.UTF-8"}
    return subprocess.run([str(python), "-c", code], cwd=cwd or python.parent, env=env, capture_output=True,
                          text=True, timeout=600)


# What the environment says about itself: where nncourse comes from, whether the instructor's tools import,
# every file the nncourse distribution installed, and every .pth file (an editable install leaves one).
INSPECT = r"""
import importlib.metadata, importlib.util, json, pathlib, site, sys
dist = importlib.metadata.distribution("nncourse")
import nncourse
print(json.dumps({
    "nncourse": nncourse.__file__,
    "grader_importable": importlib.util.find_spec("grader") is not None,
    "files": [str(f.locate()) for f in dist.files if str(f).endswith(".py")],
    "direct_url": dist.read_text("direct_url.json"),
    "pth": {str(p): p.read_text() for d in site.getsitepackages() for p in pathlib.Path(d).glob("*.pth")},
    "sys_path": sys.path,
}))
"""


def inspect_env(python: Path, cwd: Path | None = None, runner=run_python) -> dict:
    done = runner(python, INSPECT, cwd)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def course_code_problems(facts: dict, graded: set[str], defined_functions) -> list[str]:
    """What is wrong with a student environment, from :func:`inspect_env`'s facts: the instructor's
    tools importable, the runtime installed editable or from this repository, or any file of it
    defining a graded function."""
    problems = []
    if facts["grader_importable"]:
        problems.append("`import grader` works: the instructor's tools are importable")
    repo = str(REPO)
    if facts["nncourse"].startswith(repo) or any(p.startswith(repo) for p in facts["sys_path"]):
        problems.append("nncourse is imported from the course repository (%s)" % facts["nncourse"])
    if facts["direct_url"] and json.loads(facts["direct_url"]).get("dir_info", {}).get("editable"):
        problems.append("nncourse is installed editable: %s" % facts["direct_url"])
    for path, text in facts["pth"].items():
        if repo in text:
            problems.append("%s points into the course repository" % path)
    if not facts["files"]:
        problems.append("the nncourse distribution lists no Python files")
    for path in facts["files"]:
        clash = defined_functions(Path(path).read_text()) & graded
        if clash:
            problems.append("%s defines graded functions %s" % (path, sorted(clash)))
    return problems
