"""nbval on the instructor notebooks: everything executes, and outputs repeat run after run.

Sources are committed without outputs, so each notebook is first executed once into a temporary
copy of its assignment folder (the `executed_source` fixture, shared with the parity tests); nbval
then re-executes that copy in a fresh kernel and compares every output except those of cells tagged
`nbval-ignore-output` (timings, training logs that vary in the last digits), images, and the hidden
tests' raw records (tests/nbval_records.py).
"""

import os
import re
import subprocess
import sys

import pytest

from conftest import REPO, selected
from grader.course import Course

COURSE = Course(REPO)
pytestmark = pytest.mark.slow
# NumPy 2 shows scalars as np.float64(0.69...): noise in what a student reads (print plain floats instead)
NUMPY_SCALAR_REPR = re.compile(r"\bnp\.(u?int|float|complex|bool)\w*\(")


@pytest.mark.parametrize("source", [nb for a in selected(COURSE.assignments)
                                    for nb in COURSE.source_notebooks(a)],
                         ids=lambda p: p.parent.name)
def test_source_notebook_runs_and_reproduces_its_outputs(source, executed_source):
    target, nb = executed_source(source)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, "%s: %s" % (errors[0].ename, errors[0].evalue)
    noisy = [cell.source.splitlines()[0] for cell in nb.cells for out in cell.get("outputs", [])
             if NUMPY_SCALAR_REPR.search(out.get("text", "") + out.get("data", {}).get("text/plain", ""))]
    assert not noisy, "a NumPy scalar shown as np.float64(...) in front of the student, by: %s" % noisy
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "tests"),
                                                                   os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-m", "pytest", "--nbval", str(target), "-q",
                           "-p", "no:cacheprovider", "-p", "nbval_records", "--nbval-cell-timeout=1200"],
                          cwd=target.parent, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout[-4000:]
