"""Every Python file of the project parses and names nothing that is undefined or imported for nothing
(pyflakes). A line that says ``# noqa`` is deliberate (a name bound at run time) and is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyflakes.api import check
from pyflakes.reporter import Reporter

from conftest import REPO

FOLDERS = ("grader", "student", "tests", "benchmarks", "scripts", "hub", "source")


def python_files() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (REPO / folder).rglob("*.py")
                  if "__pycache__" not in p.parts and "node_modules" not in p.parts)


class Collect(Reporter):
    def __init__(self):
        self.found: list[str] = []

    def unexpectedError(self, filename, message):
        self.found.append("%s: %s" % (filename, message))

    def syntaxError(self, filename, msg, lineno, offset, text):
        self.found.append("%s:%s: %s" % (filename, lineno, msg))

    def flake(self, message):
        self.found.append(message)


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_pyflakes_finds_nothing(path):
    reporter = Collect()
    text = path.read_text()
    check(text, str(path), reporter)
    lines = text.splitlines()
    problems = [str(m) for m in reporter.found
                if isinstance(m, str) or "# noqa" not in lines[m.lineno - 1]]
    assert not problems, "\n".join(problems)
