"""release/ is exactly what nbgrader makes from source/ today, and it leaks nothing."""

import json
import re

import nbformat
import pytest

from pathlib import Path

from conftest import REPO, selected
from grader.authoring.assignment_index import INDEX_NAME, index_notebook
from grader.course import Course

COURSE = Course(REPO)
SOURCE_NOTEBOOKS = [(a, nb) for a in COURSE.assignments for nb in COURSE.source_notebooks(a)]
DEMOED = [(a, nb) for a, nb in SOURCE_NOTEBOOKS if a in selected(COURSE.assignments)]


@pytest.mark.slow
@pytest.mark.parametrize("assignment, source", DEMOED, ids=lambda x: getattr(x, "name", x))
def test_release_matches_a_fresh_generation(demo_run, assignment, source):
    course, _ = demo_run   # the demo regenerated release/ in its copy of the course
    fresh = (course.root / "release" / assignment / source.name).read_text()
    committed = (REPO / "release" / assignment / source.name).read_text()
    assert fresh == committed, "release/ is out of date: run `make release` and commit release/"


def test_release_holds_only_generated_files():
    """Every assignment's files as nbgrader copies them from source/, and the index grader.contents writes."""
    released = {p.relative_to(REPO / "release") for p in (REPO / "release").rglob("*") if p.is_file()}
    sourced = {p.relative_to(REPO / "source") for p in (REPO / "source").rglob("*") if p.is_file()}
    assert released == sourced | {Path(INDEX_NAME)}


def test_the_index_matches_a_fresh_generation():
    committed = (REPO / "release" / INDEX_NAME).read_text()
    assert committed == nbformat.writes(index_notebook(COURSE)) + "\n", (
        "release/%s is out of date: run `make release` and commit release/" % INDEX_NAME)


@pytest.mark.slow
def test_the_demo_writes_the_same_index(demo_run):
    course, _ = demo_run
    assert (course.root / "release" / INDEX_NAME).read_text() == (REPO / "release" / INDEX_NAME).read_text()


def _solution_lines(cell_source):
    inside, lines = False, []
    for line in cell_source.splitlines():
        if "BEGIN SOLUTION" in line or "BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


@pytest.mark.parametrize("assignment, source", SOURCE_NOTEBOOKS, ids=lambda x: getattr(x, "name", x))
def test_release_leaks_no_solution_hidden_test_or_key(assignment, source):
    released = REPO / "release" / assignment / source.name
    text = released.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                   "nncourse.record", "record_call", "application/vnd.nncourse"):
        assert marker not in text, marker
    release_lines = {line.strip() for c in nbformat.read(str(released), as_version=4).cells
                     if c.cell_type == "code" for line in c.source.splitlines()}
    for cell in nbformat.read(str(source), as_version=4).cells:
        for line in _solution_lines(cell.source):
            # short generic lines ("return s") may stand in the template outside the solution
            if len(line) > 12 and not re.fullmatch(r"return \w+", line):
                assert line not in release_lines, "solution or hidden-test line leaked: %r" % line
    assert not any(p.suffix == ".json" for p in released.parent.rglob("*")), "no keys in release/"


@pytest.mark.parametrize("assignment, source", SOURCE_NOTEBOOKS, ids=lambda x: getattr(x, "name", x))
def test_sources_are_committed_without_outputs(assignment, source):
    nb = json.loads(source.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("assignment, source", SOURCE_NOTEBOOKS, ids=lambda x: getattr(x, "name", x))
def test_every_test_cell_hides_records_before_its_visible_checks(assignment, source):
    for cell in nbformat.read(str(source), as_version=4).cells:
        info = cell.metadata.get("nbgrader", {})
        if info.get("grade") and not info.get("solution"):
            lines = cell.source.splitlines()
            begin = next(i for i, l in enumerate(lines) if "BEGIN HIDDEN TESTS" in l)
            assert lines[0].startswith('"""') and begin == 1, info["grade_id"]
            assert info["grade_id"].endswith("_test") and info["points"] > 0
