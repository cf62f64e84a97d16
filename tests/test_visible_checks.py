"""How a failed visible check reads: its message first, then only the line of the notebook that failed.

In IPython (every notebook imports nncourse.checks in its setup cell), a failed check is shown without a
traceback through nncourse.checks' source; a student's own `assert` reads the same way. The in-process
tests drive IPython's own InteractiveShell; the slow test runs a real kernel, as JupyterLab does, and
nbgrader's Validate on the same notebook.
"""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from nbformat.v4 import new_code_cell, new_notebook

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def shell():
    ip = InteractiveShell.instance()
    shown = []
    saved = ip._showtraceback
    ip._showtraceback = lambda etype, value, stb: shown.append([ANSI.sub("", line) for line in stb])
    ip.run_cell("import numpy as np\nfrom nncourse.checks import assert_close, assert_type, assert_raises")
    from nncourse.checks import install_failure_display

    install_failure_display(ip)   # done by the import in a fresh kernel; the module may be imported already
    try:
        yield ip, shown
    finally:
        ip._showtraceback = saved
        ip.set_custom_exc((), None)


def test_a_failed_check_shows_its_message_first_and_only_the_notebook_line(shell):
    ip, shown = shell
    result = ip.run_cell("def softmax(x):\n    return x\n\nx = np.ones((2, 5))\n"
                         "assert_close(softmax(x)[:, :4], np.ones((2, 5)), 'softmax(x)')\n")
    assert result.error_in_exec is not None   # the cell still fails (Validate and nbgrader see it)
    (lines,) = shown
    assert lines[0] == "\u2718 softmax(x) has shape (2, 4), but shape (2, 5) was expected."
    assert lines[-1] == "(line 5 of this cell: assert_close(softmax(x)[:, :4], np.ones((2, 5)), 'softmax(x)'))"
    text = "\n".join(lines)
    assert "checks.py" not in text and "raise CheckFailed" not in text and "Traceback" not in text


def test_a_students_own_assert_points_at_the_line_of_their_function(shell):
    ip, shown = shell
    ip.run_cell("def layer(n):\n    assert n > 0, 'n must be positive'\n    return n\n")
    ip.run_cell("layer(-1)")
    (lines,) = shown
    assert lines == ["\u2718 n must be positive",
                     "(line 2 of layer(), in the cell that defines it: assert n > 0, 'n must be positive')"]


def test_other_errors_keep_their_usual_traceback(shell):
    ip, shown = shell
    ip.run_cell("1 / 0")
    assert shown and any("ZeroDivisionError" in line for line in shown[0])


def test_after_the_setup_cells_import_numpy_scalars_print_as_plain_numbers():
    """NumPy 2 prints np.float64(0.5); the workbook's printouts (and the course's) read 0.5."""
    code = ("import numpy as np\nimport nncourse.checks\n"
            "print([np.float64(0.5), np.float32(-1.5), np.int64(3)], {'b': np.float64(2.0)}, np.array([1.5, 2.0]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[0.5, -1.5, 3] {'b': 2.0} [1.5 2. ]\n"


@pytest.mark.slow
def test_in_a_real_kernel_the_error_output_is_the_message_and_the_line(tmp_path):
    from nbclient import NotebookClient

    nb = new_notebook(cells=[
        new_code_cell("import numpy as np\nfrom nncourse.checks import assert_close"),
        new_code_cell("y = np.array([1.0, 2.0])\nassert_close(y, [1.0, 2.5], 'y')"),
    ])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    (error,) = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    lines = [ANSI.sub("", line) for line in error.traceback]
    assert lines[0] == "\u2718 y has the right shape but wrong values."
    assert lines[-1] == "(line 2 of this cell: assert_close(y, [1.0, 2.5], 'y'))"
    assert not any("checks.py" in line for line in lines)
    assert error.ename == "CheckFailed"
    nbformat.write(nb, str(tmp_path / "checked.ipynb"))


# ---------------------------------------------------------------- one line per exercise while Validate runs
@pytest.fixture
def validating(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    ip = InteractiveShell.instance()
    shown = []
    saved = ip._showtraceback
    ip._showtraceback = lambda etype, value, stb: shown.append([ANSI.sub("", line) for line in stb])
    ip.run_cell("import numpy as np\nfrom nncourse.checks import assert_close, install_failure_display")
    from nncourse.checks import install_failure_display

    install_failure_display(ip)
    try:
        yield ip, shown
    finally:
        ip._showtraceback = saved
        ip.set_custom_exc((), None)


@pytest.mark.parametrize("cells, line", [
    (["def softmax(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
      '"""softmax normalises exp(x) along each row."""\nassert_close(softmax(np.ones((1, 2))), [[0.5, 0.5]], "s")'],
     "\u2718 softmax: not done yet: softmax() still raises NotImplementedError; replace that line with your code"),
    (["def softmax(x):\n    return x",
      '"""softmax normalises exp(x) along each row."""\nassert_close(softmax(np.ones((1, 2))), [[0.5, 0.5]], "s")'],
     "\u2718 softmax: s has the right shape but wrong values."),
    (["# YOUR CODE HERE\nraise NotImplementedError()",
      '"""Question 1 (single choice, 2 points): the letter chosen."""\nprint(q1_answer)'],
     "\u2718 Question 1: q1_answer is not defined: answer or solve the exercise above it, and run its cell"),
    (["def L1(yhat, y):\n    return np.sum(yhat - y, axis=3)",
      '"""L1 sums the absolute differences into a single number."""\nL1(np.ones(2), np.zeros(2))'],
     "\u2718 L1: AxisError: axis 3 is out of bounds for array of dimension 1 "
     "(line 2 of L1(): return np.sum(yhat - y, axis=3))"),
])
def test_while_validating_every_failed_cell_is_one_line_naming_its_exercise(validating, cells, line):
    ip, shown = validating
    for cell in cells:
        ip.run_cell(cell)
    assert shown[-1] == [line]


@pytest.mark.slow
def test_nbgraders_validate_lists_one_plain_line_per_exercise_left_to_do(tmp_path):
    """nbgrader's own Validator (what the Validate button runs) on the released assignment 1, with one
    exercise solved: one line per other exercise, naming it, and nothing of nncourse.checks' source."""
    import shutil

    from nbgrader.validator import Validator

    from conftest import REPO

    folder = tmp_path / "a1"
    shutil.copytree(REPO / "release" / "a1_numpy_basics", folder)
    path = folder / "numpy_basics.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "basic_sigmoid")
    cell.source = cell.source.replace("# YOUR CODE HERE\n    raise NotImplementedError()", "s = 1 / (1 + math.exp(-x))")
    nbformat.write(nb, str(path))
    failed = Validator().validate(str(path))["failed"]
    errors = [ANSI.sub("", f["raw_error"]).strip() for f in failed]
    names = ["sigmoid", "sigmoid_derivative", "image2vector", "normalize_rows", "softmax", "L1", "L2"]
    assert [e.split(":")[0] for e in errors] == ["\u2718 %s" % n for n in names], errors
    assert all(len(e.splitlines()) == 1 and "still raises NotImplementedError" in e for e in errors), errors


# ---------------------------------------------------------------- the Validate dialog's text
def test_the_lab_settings_keep_what_is_already_there_and_can_be_installed_twice(tmp_path):
    import json

    from nncourse import labconfig

    (tmp_path / "custom").mkdir()
    (tmp_path / "custom" / "custom.css").write_text("body { margin: 0; }\n")
    (tmp_path / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"port": 9999}}))
    labconfig.install(tmp_path)
    labconfig.install(tmp_path)
    css = (tmp_path / "custom" / "custom.css").read_text()
    assert css.startswith("body { margin: 0; }") and css.count(labconfig.SUCCESS_TEXT) == 1
    assert "#validation-message.validation-success p::after" in css
    settings = json.loads((tmp_path / "jupyter_server_config.json").read_text())
    assert settings == {"ServerApp": {"port": 9999}, "LabApp": {"custom_css": True}}
    assert "#validation-message.validation-failed > div:nth-child(3n+2)" in css   # the failed cells' sources hidden
    viewer = tmp_path.joinpath("lab", "user-settings", *labconfig.HTML_VIEWER_SETTINGS)
    assert json.loads(viewer.read_text()) == {"toolbar": [{"name": "trust", "disabled": True}]}


def test_a_students_own_html_viewer_settings_are_kept(tmp_path):
    import json

    from nncourse import labconfig

    viewer = tmp_path.joinpath("lab", "user-settings", *labconfig.HTML_VIEWER_SETTINGS)
    viewer.parent.mkdir(parents=True)
    viewer.write_text(json.dumps({"trustByDefault": False, "toolbar": [{"name": "refresh", "rank": 5}]}))
    labconfig.install(tmp_path)
    assert json.loads(viewer.read_text()) == {"trustByDefault": False, "toolbar": [
        {"name": "refresh", "rank": 5}, {"name": "trust", "disabled": True}]}
    viewer.write_text("// my own comments\n{}")      # JSON5 of the student's: left alone
    assert viewer not in labconfig.install(tmp_path) and viewer.read_text().startswith("// my own")


def test_the_lab_settings_refuse_a_broken_config_file_and_say_which(tmp_path):
    from nncourse import labconfig

    (tmp_path / "jupyter_server_config.json").write_text("{not json")
    with pytest.raises(SystemExit, match="jupyter_server_config.json is not valid JSON"):
        labconfig.install(tmp_path)
