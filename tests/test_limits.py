"""The grader's own limits live in c.GraderLimits; a configuration that still sets them under c.Sandbox is
refused by every part that reads it, with a message that names the new setting."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from traitlets.config import Config

from conftest import REPO
from grader.course import Course
from grader.grading.keys import KEY_FORMAT, key_path
from grader.limits import RENAMED, GraderLimits, RenamedSetting
from grader.run.bounds import time_bound
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


def _course_with_key_seconds(tmp_path, seconds):
    """A copy of the course whose assignment 1 key says its instructor notebook ran ``seconds`` (None: no key)."""
    course = Course(REPO).copy_to(tmp_path / "course")
    if seconds is not None:
        for notebook in course.source_notebooks("a1_numpy_basics"):
            path = key_path(course.key_directory, "a1_numpy_basics", notebook.stem)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"format": KEY_FORMAT, "seconds": seconds, "cells": {}}))
    return course


@pytest.mark.parametrize("seconds, bound", [(None, 600), (2.5, 60), (20.3, 203), (250.0, 600)])
def test_a_submissions_time_bound_follows_from_its_assignment(tmp_path, seconds, bound):
    """10 x the instructor notebook's sandboxed run, at least 60 s and at most 600 s (no key: 600 s)."""
    assert time_bound(_course_with_key_seconds(tmp_path, seconds), "a1_numpy_basics") == bound


def test_the_time_bound_follows_the_configuration(tmp_path):
    course = _course_with_key_seconds(tmp_path, 3.0)
    config = Config()
    config.GraderLimits.time_factor = 4.0
    config.GraderLimits.time_floor_seconds = 5
    assert time_bound(course, "a1_numpy_basics", GraderLimits(config=config)) == 12
