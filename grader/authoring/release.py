"""Releasing an assignment and building its answer keys: nbgrader's generate_assignment, and the grader's keys.

Before nbgrader copies source/ to release/, the parts of source/ that are generated are brought up to
date: the helpers one assignment hands out from another's solutions (:mod:`grader.authoring.handouts`) and
each notebook's contents line (:mod:`grader.authoring.contents_line`); after it, release/index.ipynb
(:mod:`grader.authoring.assignment_index`). Answer keys are built in the sandbox from the instructor's
notebooks (:mod:`grader.grading.keys`) whenever a notebook changed since its key was built.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from ..course import Course
from ..errors import JobFailed
from ..grading.keys import build_key, key_is_current, write_key
from ..nbgrader_calls import last_line
from ..sandbox import SandboxUnavailable
from .assignment_index import write_index
from .contents_line import refresh_contents
from .handouts import write_handouts

Log = Callable[[str], None]


def refresh_handouts(course: Course, assignments: list[str] | None = None, log: Log = print) -> None:
    """Regenerate the files that one assignment hands out from another's solutions (grader.authoring.handouts)."""
    for path in write_handouts(course.root / "source", assignments):
        log("%s regenerated from its source" % path.relative_to(course.root))


def generate_release(course: Course, assignments: list[str] | None = None, log: Log = print) -> None:
    """Run nbgrader generate_assignment: source/ -> release/, and record the assignment in the gradebook.

    Before that, the generated parts of source/ are brought up to date (the handouts, and each notebook's
    contents line); after it, release/index.ipynb, the students' list of every assignment.
    """
    refresh_handouts(course, assignments, log)
    for assignment in assignments or course.assignments:
        for notebook in course.source_notebooks(assignment):
            if refresh_contents(notebook):
                log("%s: contents line updated" % notebook.relative_to(course.root))
    for assignment in assignments or course.assignments:
        result = course.api().generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise JobFailed("generate_assignment %s failed: %s" % (assignment, last_line(result.get("error"))))
        log("release/%s generated from source/%s" % (assignment, assignment))
    log("%s written: the index of the assignments" % write_index(course).relative_to(course.root))


def build_keys(course: Course, assignments: list[str] | None = None, force: bool = False,
               log: Log = print) -> list[Path]:
    """Build the answer key of every source notebook whose key is missing or out of date."""
    refresh_handouts(course, assignments, log)
    built = []
    for assignment in assignments or course.assignments:
        for notebook in course.source_notebooks(assignment):
            if not force and key_is_current(course.key_directory, notebook, assignment):
                log("answer key for %s/%s is up to date" % (assignment, notebook.name))
                continue
            start = time.perf_counter()
            try:
                key = build_key(notebook, assignment, course.config)
            except SandboxUnavailable as exc:
                raise JobFailed(str(exc)) from None
            path = write_key(key, course.key_directory)
            checks = sum(len(cell["records"]) for cell in key["cells"].values())
            log("answer key for %s/%s: %d graded cells, %d hidden checks (%.1f s)"
                % (assignment, notebook.name, len(key["cells"]), checks, time.perf_counter() - start))
            built.append(path)
    return built
