"""Shared fixtures: a private copy of the course, graded once per test session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nncourse.course import Course

REPO = Path(__file__).resolve().parents[1]
COURSE_FILES = ["nbgrader_config.py", "source", "release"]


def copy_course(dest: Path) -> Course:
    """Copy the course's committed files to ``dest`` (no gradebook, keys or submissions)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)
    return Course(dest)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The README's main job, `python -m nncourse demo`, run for real in a copy of the course.

    Returns (course, completed process).
    """
    course = copy_course(tmp_path_factory.mktemp("demo") / "course")
    done = subprocess.run([sys.executable, "-m", "nncourse", "demo"], cwd=course.root,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return course, done
