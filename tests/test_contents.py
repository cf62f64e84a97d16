"""Ways around the workbook, and conventions every notebook's text keeps.

* Every source notebook opens with its title, then a contents line linking to each of its sections, exactly
  what grader.contents makes of its headings today, through an ASCII anchor before each heading (JupyterLab
  does not follow links to its own ids of headings holding "·"; tests/test_browser.py clicks one).
* release/index.ipynb lists every notebook with its week, what it teaches and its points (the points being the
  sum of its test cells'), each linked to its released notebook (tests/test_release.py checks it is fresh).
* One notation for sums over examples, features and units: from 1 (``\\sum_{i=1}^{m}``), never from 0.
* Setup cells are short: imports and settings, no helper definitions. No cell a student reads holds a grading
  switch or a data flag: the cells that grading must not run (the data set, long trainings) carry the tag
  nncourse.grading_run.SKIP_TAG, which grading, the answer keys and Validate skip.
* Every statement of how long a cell takes says where it was measured (benchmarks/long_cells.py measures it).
* Long trainings show progress: every ungraded cell that trains on the real data does it inside
  training_progress or loops over progress(...).
"""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import REPO
from grader.authoring.assignment_index import INDEX_NAME, index_rows
from grader.authoring.contents_line import CONTENTS_ID, ContentsError, anchor, contents_source, with_anchors
from grader.course import Course
from nncourse.grading_run import SKIP_TAG

COURSE = Course(REPO)
SOURCES = [nb for a in COURSE.assignments for nb in COURSE.source_notebooks(a)]
ids = lambda path: path.parent.name  # noqa: E731


def _read(path):
    return nbformat.read(str(path), as_version=4)


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_every_notebook_opens_with_its_title_then_a_current_contents_line(source):
    nb = _read(source)
    assert nb.cells[0].source.startswith("# ")
    assert nb.cells[1].get("id") == CONTENTS_ID and nb.cells[1].cell_type == "markdown"
    assert nb.cells[1].source == contents_source(nb), "run `make release` to refresh the contents line"
    assert "[Setup](#setup)" in nb.cells[1].source


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_every_section_heading_has_its_ascii_anchor_right_before_it(source):
    for cell in _read(source).cells:
        if cell.cell_type == "markdown" and cell.get("id") != CONTENTS_ID:
            assert cell.source == with_anchors(cell.source), "run `make release` to refresh the anchors"
            lines = cell.source.splitlines()
            for index, line in enumerate(lines):
                if line.startswith("## "):
                    assert lines[index - 2:index] == ['<a id="%s"></a>' % anchor(line[3:]), ""], line


def test_anchor_names_are_ascii_words_of_the_heading():
    assert anchor("1 · The data set") == "1-the-data-set"
    assert anchor("Exercise 3.1 · `layer_sizes` (10 points)") == "exercise-3-1-layer-sizes"
    assert anchor("8 · Broadcasting, the rule behind `+ b`") == "8-broadcasting-the-rule-behind-b"
    assert anchor("**Bold** and *italic* and [a link](http://x)") == "bold-and-italic-and-a-link"


def test_the_contents_line_lists_sections_outside_code_blocks_and_refuses_twins():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title\n## One (2 points)\n```\n## not\n```"),
                                         nbformat.v4.new_markdown_cell("## Two `code`")])
    assert contents_source(nb) == "**In this notebook:** [One](#one) | [Two code](#two-code)"
    assert with_anchors(nb.cells[1].source) == '<a id="two-code"></a>\n\n## Two `code`'
    assert with_anchors(with_anchors(nb.cells[1].source)) == with_anchors(nb.cells[1].source)
    nb.cells.append(nbformat.v4.new_markdown_cell("## Two code (4 points)"))
    with pytest.raises(ContentsError, match=r"share the anchor two-code"):
        contents_source(nb, "x.ipynb")


def test_the_index_lists_every_notebook_with_its_week_summary_and_points():
    rows = index_rows(COURSE)
    assert [row["link"] for row in rows] == ["%s/%s" % (p.parent.name, p.name) for p in SOURCES]
    for row, source in zip(rows, SOURCES):
        nb = _read(source)
        assert row["points"] == sum(_nbgrader(c)["points"] for c in nb.cells if _nbgrader(c).get("grade"))
        assert row["title"] == nb.cells[0].source.splitlines()[0][2:]
        assert len(row["teaches"]) > 40 and row["week"] in (1, 2, 3, 4, "extra")
        assert (REPO / "release" / row["link"]).is_file()
    weeks = [row["week"] for row in rows]
    assert weeks == sorted(weeks, key=lambda w: 99 if w == "extra" else w), "the folders sort in week order"
    index = (REPO / "release" / INDEX_NAME).read_text()
    for row in rows:
        assert "](%s)" % row["link"] in index


# ---------------------------------------------------------------- conventions of the text
def _markdown(source):
    return [c.source for c in _read(source).cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_sums_run_from_1_and_say_where_to(source):
    for text in _markdown(source):
        for total in re.findall(r"\\sum\S*", text):
            assert re.match(r"\\sum_\{\w=1\}\^\{?\w", total), "write every sum as \\sum_{i=1}^{m}: %s" % total


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_setup_cells_are_short_and_hide_the_grading_switch(source):
    setup = next(c.source for c in _read(source).cells if _nbgrader(c).get("grade_id") == "setup")
    assert len(setup.splitlines()) <= 22 and "def " not in setup, setup
    assert "NBGRADER_EXECUTION" not in setup and "GRADING" not in setup
    for cell in _read(source).cells:
        if cell.cell_type == "code" and not _nbgrader(cell).get("grade"):
            assert "NBGRADER_EXECUTION" not in cell.source and not re.search(r"\bGRADING\b", cell.source)


#: What a grading switch or a data flag looks like in a student's code: none of it in any cell they read.
TOOLING = re.compile(r"\bgrading\(\)|\bHAVE_DATA\b|try_load_catvnoncat|nncourse\.grading_run|NBGRADER_EXECUTION")


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_no_cell_a_student_reads_holds_a_grading_switch_or_a_data_flag(source):
    release = REPO / "release" / source.parent.name / source.name
    for cell in _read(release).cells:
        assert not TOOLING.search(cell.source), cell.source[:300]


def _needs_skipping(code: str) -> bool:
    """Cells grading must not run: the data set, and trainings of thousands of iterations or many epochs."""
    return bool(re.search(r"\bload_catvnoncat\(|\btrain_x\b|\btrain_x_orig\b|num_iterations=\d{4,}|"
                          r"\.fit\(|epochs=", code))


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_cells_with_the_data_set_or_a_long_training_are_skipped_when_graded(source):
    """They carry the tag that grading, the answer keys and Validate skip; graded cells never need them."""
    for cell in _read(source).cells:
        if cell.cell_type != "code":
            continue
        tagged = SKIP_TAG in cell.metadata.get("tags", [])
        if _nbgrader(cell).get("grade") or _nbgrader(cell).get("solution") or _nbgrader(cell).get("locked"):
            assert not tagged, cell.source[:200]
        elif _needs_skipping(cell.source.split("### END HIDDEN TESTS")[-1]):
            assert tagged, cell.source[:300]


def test_grading_and_validate_skip_the_tagged_cells():
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config

    namespace = {"get_config": Config, "__file__": str(REPO / "nbgrader_config.py")}
    exec(compile((REPO / "nbgrader_config.py").read_text(), "nbgrader_config.py", "exec"), namespace)
    assert Execute(config=namespace["c"]).skip_cells_with_tag == SKIP_TAG


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_every_timing_statement_says_where_it_was_measured(source):
    timing = re.compile(r"\b(?:about|takes?|took|needs?)\b[^.]{0,60}?(?:\b\d+½?\s*(?:s|seconds?|minutes?)|\ba minute|"
                        r"\bhalf a minute|\ba few (?:seconds|minutes)|\bten seconds)\b", re.I)
    found = 0
    for text in _markdown(source):
        for paragraph in text.split("\n\n"):
            if timing.search(paragraph):
                found += 1
                assert re.search(r"2-core\s+server|on a laptop|same server", paragraph), paragraph
    assert found or source.parent.name not in LONG, "the notebook no longer says how long its long cells take"


#: notebooks with cells that take longer than a few seconds (benchmarks/long_cells.py)
LONG = {"a2_logistic_regression", "a3_planar_data", "a5_deep_application", "a6_digits"}


def _trains_on_real_data(code: str) -> bool:
    return bool(re.search(r"\b(?:model|nn_model|two_layer_model|L_layer_model)\((?:train_x|X), ", code)
                and re.search(r"num_iterations=\d{4,}", code))


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_long_trainings_show_progress(source):
    for cell in _read(source).cells:
        info = _nbgrader(cell)
        if cell.cell_type == "code" and not info.get("grade") and not info.get("solution"):
            if _trains_on_real_data(cell.source):
                assert "training_progress(" in cell.source or "progress(" in cell.source, cell.source
