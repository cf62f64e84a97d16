"""Building answer keys from real notebooks in a real kernel, and refusing unusable ones."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from conftest import REPO
from grader.course import Course
from grader.grading.keys import KeyBuildError, build_key, fingerprint

pytestmark = pytest.mark.slow
CONFIG = Course(REPO).config


def notebook(tmp_path, *cells):
    nb = new_notebook(cells=[new_code_cell("import numpy as np")])
    for source, grade_id in cells:
        cell = new_code_cell(source)
        if grade_id:
            cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                         "points": 5, "grade_id": grade_id, "schema_version": 3}
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "demo.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_key_holds_records_fingerprints_and_points(tmp_path):
    path = notebook(tmp_path, (
        "from nncourse.record import record, record_call\n"
        "record_call('sqrt of 4', np.sqrt, 4.0)\n"
        "record_call('int of a word', int, 'cat')\n"
        "record('a tuple', (np.zeros((2, 1)), 3), rtol=0.5, exact=False, weight=2)", "demo_test"))
    key = build_key(path, "demo_assignment", CONFIG)
    cell = key["cells"]["demo_test"]
    assert cell["points"] == 5
    assert cell["fingerprint"] == fingerprint(nbformat.read(str(path), 4).cells[1].source)
    names = [r["name"] for r in cell["records"]]
    assert names == ["sqrt of 4", "int of a word", "a tuple"]
    assert cell["records"][1]["value"] == {"t": "raised", "type": "ValueError", "base": "ValueError"}
    assert cell["records"][2]["spec"] == {"rtol": 0.5, "atol": 1e-9, "exact": False, "weight": 2.0,
                                          "explain": "", "guard": False, "compare": "value", "type_hint": "",
                                          "form": "any"}
    json.dumps(key)  # a key is plain JSON


def test_record_call_works_on_copies_of_its_inputs(tmp_path):
    path = notebook(tmp_path, (
        "from nncourse.record import record, record_call\n"
        "x = np.ones(3)\n"
        "def clobber(a):\n    a[:] = 0\n    return a.sum()\n"
        "record_call('clobber', clobber, x)\n"
        "record('x after the call', x)", "copy_test"))
    records = build_key(path, "a", CONFIG)["cells"]["copy_test"]["records"]
    assert records[1]["value"]["t"] == "array"
    from grader.grading.compare import as_array
    assert as_array(records[1]["value"]).tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("cells, message", [
    ([("1 / 0", None), ("from nncourse.record import record\nrecord('r', 1.0)", "t_test")],
     "cell 1 raised ZeroDivisionError"),
    ([("x = 1", "t_test")], "records nothing"),
    ([("from nncourse.record import record\nrecord('r', 1.0)\nrecord('r', 2.0)", "t_test")], "twice"),
    ([("from nncourse.record import record\nrecord('r', object())", "t_test")], "cannot be compared"),
    ([("x = 1", None)], "no graded test cells"),
])
def test_unusable_instructor_notebooks_are_refused(tmp_path, cells, message):
    with pytest.raises(KeyBuildError, match=message):
        build_key(notebook(tmp_path, *cells), "a", CONFIG)
