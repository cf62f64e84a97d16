"""The grader's own limits live in c.GraderLimits; a configuration that still sets them under c.Sandbox is
refused by every part that reads it, with a message that names the new setting."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from traitlets.config import Config

from conftest import REPO
from grader.course import Course
from grader.limits import RENAMED, GraderLimits, RenamedSetting
from grader.sandbox import Sandbox


def test_the_limits_have_their_defaults_and_help():
    limits = GraderLimits()
    assert (limits.notebook_bytes, limits.grader_memory_bytes, limits.submission_seconds) == (20 << 20, 4 << 30, 600)
    for name in ("notebook_bytes", "grader_memory_bytes", "submission_seconds"):
        assert GraderLimits.class_traits()[name].help


def test_the_limits_are_read_from_the_configuration():
    config = Config()
    config.GraderLimits.notebook_bytes = 1234
    assert GraderLimits(config=config).notebook_bytes == 1234


@pytest.mark.parametrize("old", sorted(RENAMED), ids=lambda old: "%s.%s" % old)
def test_an_old_name_is_refused_naming_the_new_one(old):
    section, name = old
    config = Config()
    config[section][name] = 1
    message = "c.%s.%s is now c.%s" % (section, name, RENAMED[old])
    for make in (GraderLimits, Sandbox):
        with pytest.raises(RenamedSetting, match=message.replace(".", r"\.")):
            make(config=config)


def test_the_command_line_says_which_setting_to_rename(tmp_path):
    course = Course(REPO).copy_to(tmp_path / "course")
    with open(course.root / "nbgrader_config.py", "a") as config:
        config.write("\nc.Sandbox.notebook_bytes = 1000\n")
    done = subprocess.run([sys.executable, "-m", "grader", "keys", "--only", "a1_numpy_basics"], cwd=course.root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert ("error: c.Sandbox.notebook_bytes is now c.GraderLimits.notebook_bytes: rename it in nbgrader_config.py"
            in done.stderr), done.stderr
    shutil.rmtree(course.root)
