"""The LMS path: what a student downloads (the runtime wheel, an assignment's zip) and installs with one
command, without the course repository.

* The zip of an assignment is its release folder under a folder of its name, with a README.txt that
  gives the install command and says how to start (fast tests, no wheel built).
* Slow, on the session's student environment (tests/student_env_support.py: `python -m grader bundle`,
  then the wheel installed into a fresh venv of the system's Python from PyPI or pip's cache):
  the wheel requires exactly the pins of student/requirements.txt; `import nncourse` works from the
  installed copy and `import grader` fails; no installed file defines a graded function of any
  assignment; and a released notebook's setup, one solved exercise and its visible check run in a
  kernel of that environment, from the unzipped folder, and print the check's ✔ line.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import REPO, copy_course
from grader.classroom.bundle import copy_index, install_command, readme, zip_assignment
from nncourse.checks import PASS_MARK
from student_env_support import course_code_problems, inspect_env, run_python
from test_audiences import COURSE, defined_functions, graded_functions

WHEEL = "nncourse-0.2.0-py3-none-any.whl"


def test_an_assignment_zip_holds_its_release_folder_and_how_to_start(tmp_path):
    course = copy_course(tmp_path / "course")
    for assignment in ("a1_numpy_basics", "a6_digits"):
        path = zip_assignment(course, assignment, tmp_path / "dist", WHEEL)
        names = zipfile.ZipFile(path).namelist()
        released = sorted("%s/%s" % (assignment, p.relative_to(course.root / "release" / assignment).as_posix())
                          for p in (course.root / "release" / assignment).rglob("*") if p.is_file())
        assert sorted(n for n in names if not n.endswith("README.txt")) == released
        readme = zipfile.ZipFile(path).read("%s/README.txt" % assignment).decode()
        assert install_command(WHEEL) in readme
        for notebook in (course.root / "release" / assignment).glob("*.ipynb"):
            assert notebook.name in readme
    assert "a6_digits/data/digits_0_1.npz" in zipfile.ZipFile(tmp_path / "dist" / "a6_digits.zip").namelist()


def test_the_index_of_the_assignments_goes_with_the_download(tmp_path):
    course = copy_course(tmp_path / "course")
    index = copy_index(course, tmp_path / "dist")
    assert index.read_bytes() == (course.root / "release" / "index.ipynb").read_bytes()
    assert "next to index.ipynb" in readme("a1_numpy_basics", ["numpy_basics.ipynb"], WHEEL)


def test_the_install_command_is_one_line_with_the_wheel():
    assert install_command(WHEEL) == ("python3.11 -m venv ~/nn && ~/nn/bin/pip install %s"
                                      " && ~/nn/bin/python -m nncourse.labconfig" % WHEEL)


def test_a_missing_release_folder_is_named(tmp_path):
    course = copy_course(tmp_path / "course")
    import shutil

    shutil.rmtree(course.root / "release" / "a1_numpy_basics")
    with pytest.raises(RuntimeError, match=r"release/a1_numpy_basics does not exist: run `python -m grader release`"):
        zip_assignment(course, "a1_numpy_basics", tmp_path / "dist", WHEEL)


@pytest.mark.slow
def test_the_wheel_requires_exactly_the_student_pins(student_env):
    metadata = zipfile.ZipFile(student_env.wheel).read("nncourse-0.2.0.dist-info/METADATA").decode()
    required = sorted(line.split(": ", 1)[1] for line in metadata.splitlines()
                      if line.startswith("Requires-Dist: ") and "extra ==" not in line)
    pins = sorted(line.split("#")[0].strip() for line in (REPO / "student" / "requirements.txt").read_text().splitlines()
                  if line.split("#")[0].strip())
    assert [r.replace(" ", "") for r in required] == [p.replace(" ", "") for p in pins]
    assert "Requires-Dist: jupyterhub==6.1.1; extra == \"hub\"" in metadata


@pytest.mark.slow
def test_the_installed_runtime_has_no_solutions_and_no_instructor_tools(student_env, tmp_path, capsys):
    with capsys.disabled():
        print("\nstudent environment (wheel + hub extra) installed in %.0f s" % student_env.build_seconds)
    facts = inspect_env(student_env.python, tmp_path)
    site = student_env.env / "lib" / "python3.11" / "site-packages"
    assert Path(facts["nncourse"]).is_relative_to(site), facts["nncourse"]
    assert any(Path(f).name == "record.py" for f in facts["files"]), facts["files"]
    every_graded = set().union(*(graded_functions(a) for a in COURSE.assignments))
    assert course_code_problems(facts, every_graded, defined_functions) == []
    done = run_python(student_env.python, "import grader", tmp_path)
    assert done.returncode != 0 and "ModuleNotFoundError: No module named 'grader'" in done.stderr


# Runs in the student's environment: the setup cell, the sigmoid exercise solved, its visible check.
RUN_ONE_CHECK = r"""
import json, sys
import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

nb = nbformat.read("numpy_basics.ipynb", as_version=4)
def cell(text):
    found = [c for c in nb.cells if c.cell_type == "code" and text in c.source]
    assert len(found) == 1, (text, len(found))
    return found[0]
setup, solution, check = cell("from nncourse.checks import"), cell("def sigmoid(x):"), cell('"sigmoid([1, 2, 3])")')
solution.source = solution.source.replace("raise NotImplementedError()", "s = 1 / (1 + np.exp(-x))")
where = new_code_cell("import sys; print(sys.executable)")
nb.cells = [setup, solution, check, where]
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
print(json.dumps({"kernel": where.outputs[0]["text"].strip(),
                  "check": "".join(o.get("text", "") for o in check.outputs if o.output_type == "stream")}))
"""


@pytest.mark.slow
def test_a_released_notebook_runs_in_the_installed_environment(student_env, tmp_path):
    with zipfile.ZipFile(student_env.zip_of("a1_numpy_basics")) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / "a1_numpy_basics"
    assert (folder / "numpy_basics.ipynb").is_file() and (folder / "README.txt").is_file()
    assert nbformat.read(str(folder / "numpy_basics.ipynb"), as_version=4).cells
    done = run_python(student_env.python, RUN_ONE_CHECK, folder, home=tmp_path / "home")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["kernel"] == str(student_env.python)
    assert "%s sigmoid([1, 2, 3])" % PASS_MARK in result["check"], result["check"]
