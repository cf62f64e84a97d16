"""nbval on the instructor notebooks: everything executes, and outputs repeat run after run.

Sources are committed without outputs, so each notebook is first executed once into a temporary
copy of its assignment folder; nbval then re-executes that copy in a fresh kernel and compares
every output except those of cells tagged `nbval-ignore-output` (timings) and images.
"""

import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO
from nncourse.course import Course

COURSE = Course(REPO)
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("source", [nb for a in COURSE.assignments for nb in COURSE.source_notebooks(a)],
                         ids=lambda p: p.parent.name)
def test_source_notebook_runs_and_reproduces_its_outputs(source, tmp_path):
    folder = tmp_path / source.parent.name
    shutil.copytree(source.parent, folder)
    target = folder / source.name
    nb = nbformat.read(str(target), as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    nbformat.write(nb, str(target))
    done = subprocess.run([sys.executable, "-m", "pytest", "--nbval", str(target), "-q",
                           "-p", "no:cacheprovider", "--nbval-cell-timeout=600"],
                          cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:]
