"""Two audiences, two kinds of code: what students receive never holds a solution of their work.

* The graded functions of every assignment are read from source/ (the functions that its solution cells
  define); nothing that a student receives or installs (the student runtime ``student/nncourse``, and the
  helper files released with an assignment) defines a graded function of that assignment or of a later one.
* The files that assignment 5 hands out from assignment 4's solutions are exactly what grader.handouts
  makes of them today (one source of truth, like release/ is of source/).
* Imports point from the instructor's tools to the student runtime, never back, and the instructor's
  package has no import circle.
* The grading sandbox exposes the student runtime, never the instructor's package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from conftest import REPO
from grader.authoring.handouts import HANDOUTS, render
from grader.course import Course

COURSE = Course(REPO)
RUNTIME = REPO / "student" / "nncourse"
GRADER = REPO / "grader"


def defined_functions(code: str) -> set[str]:
    """Names that ``code`` binds to a function: def statements anywhere, and names assigned a lambda."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def graded_functions(assignment: str) -> set[str]:
    """The functions that the solution cells of ``assignment``'s source notebooks define."""
    names = set()
    for notebook in COURSE.source_notebooks(assignment):
        for cell in nbformat.read(str(notebook), as_version=4).cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
                code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
                names |= defined_functions(code)
    return names


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def test_graded_functions_are_found_in_source():
    assert {"sigmoid", "softmax", "L1", "L2"} <= graded_functions("a1_numpy_basics")
    assert {"L_model_forward", "L_model_backward", "update_parameters"} <= graded_functions("a4_deep_network")
    assert {"two_layer_model", "L_layer_model"} <= graded_functions("a5_deep_application")
    assert "my_dense" in graded_functions("a6_digits")


@pytest.mark.parametrize("index, assignment", list(enumerate(COURSE.assignments)))
def test_nothing_a_student_receives_defines_a_graded_function_of_its_assignment_or_a_later_one(index, assignment):
    forbidden = set().union(*(graded_functions(a) for a in COURSE.assignments[index:]))
    received = python_files(RUNTIME) + python_files(REPO / "release" / assignment)
    assert python_files(RUNTIME), "the student runtime is missing"
    for path in received:
        clash = defined_functions(path.read_text()) & forbidden
        assert not clash, "%s defines %s, graded in %s or later" % (path.relative_to(REPO), sorted(clash), assignment)


def test_the_student_runtime_defines_no_graded_function_of_any_assignment():
    every = set().union(*(graded_functions(a) for a in COURSE.assignments))
    for path in python_files(RUNTIME):
        assert not defined_functions(path.read_text()) & every, path


@pytest.mark.parametrize("handout", HANDOUTS, ids=lambda h: "%s/%s" % (h.assignment, h.name))
def test_generated_handouts_are_in_sync_with_their_source(handout):
    committed = REPO / "source" / handout.assignment / handout.name
    assert committed.read_text() == render(handout, REPO / "source"), (
        "%s is out of date: run `make release` and commit source/ and release/" % committed.relative_to(REPO))


def test_assignment_5_gets_assignment_4s_solutions_and_assignment_4_does_not():
    blocks = REPO / "release" / "a5_deep_application" / "dnn_blocks.py"
    assert {"L_model_forward", "L_model_backward", "update_parameters"} <= defined_functions(blocks.read_text())
    for path in python_files(REPO / "source" / "a4_deep_network") + python_files(REPO / "release" / "a4_deep_network"):
        assert not defined_functions(path.read_text()) & graded_functions("a4_deep_network"), path


def _module_name(path: Path) -> str:
    """grader/grading/keys.py -> grader.grading.keys; student/nncourse/checks.py -> nncourse.checks."""
    parts = list(path.relative_to(RUNTIME.parent if path.is_relative_to(RUNTIME) else REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, package: str) -> set[str]:
    """The modules of ``package`` that ``path`` imports, anywhere in the file (absolute names)."""
    own = _module_name(path).split(".")
    if path.name != "__init__.py":
        own = own[:-1]                      # the package that holds the module
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = own[:len(own) - (node.level - 1)] if node.level else []
            prefix = ".".join(base + ([node.module] if node.module else []))
            found.add(prefix)
            found.update("%s.%s" % (prefix, a.name) for a in node.names)
    return {name for name in found if name == package or name.startswith(package + ".")}


def test_the_student_runtime_never_imports_the_instructors_tools():
    for path in python_files(RUNTIME):
        assert not _imports(path, "grader"), path


def test_the_instructors_package_has_no_import_circle():
    modules = {_module_name(p): p for p in python_files(GRADER)}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path, "grader"):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and not name.startswith(imported + "."):
                targets.add(imported)
        graph[name] = targets
    state: dict[str, int] = {}

    def visit(node, trail):
        if state.get(node) == 1:
            raise AssertionError("import circle: %s" % " -> ".join(trail + [node]))
        if state.get(node) == 2:
            return
        state[node] = 1
        for target in sorted(graph[node]):
            visit(target, trail + [node])
        state[node] = 2

    for node in sorted(graph):
        visit(node, [])
    assert "grader.run.classgrade" in graph["grader.__main__"]
    assert "grader.run.workspace" in graph["grader.run.classgrade"]


#: The modules at the top of grader/ that every folder may use; they use no folder of grader/ themselves.
GROUND = {"grader.course", "grader.errors", "grader.limits", "grader.nbgrader_calls", "grader.processes",
          "grader.safefiles", "grader.timing"}


def test_the_trusted_core_and_the_ground_modules_import_nothing_above_them():
    """grading/ and sandbox/ (the trusted core) use each other and the ground modules only; the ground modules
    use no folder: the path of a submission reads top to bottom (run/ -> sandbox/ -> grading/ -> outputs/)."""
    modules = {_module_name(p): p for p in python_files(GRADER)}
    for name, path in modules.items():
        imported = {i for i in _imports(path, "grader") if i != "grader"}
        if name in GROUND:
            assert all(any(i == g or i.startswith(g + ".") for g in GROUND) for i in imported), (name, imported)
        elif name.startswith(("grader.grading", "grader.sandbox")):
            allowed = GROUND | {"grader.grading", "grader.sandbox"}
            assert all(any(i == a or i.startswith(a + ".") for a in allowed) for i in imported), (name, imported)


def test_the_grading_sandbox_exposes_the_student_runtime_and_not_the_instructors_package():
    from grader.sandbox import exposed_paths

    paths = [Path(p) for p in exposed_paths()]
    assert any(p == RUNTIME or RUNTIME.is_relative_to(p) for p in paths)
    assert not any(GRADER == p or GRADER.is_relative_to(p) for p in paths), paths
    assert not any((REPO / "source").is_relative_to(p) for p in paths), paths


def test_every_folder_of_the_instructors_package_is_a_package_that_an_install_takes():
    """A folder without __init__.py imports from a checkout but is left out of a wheel (setuptools' find)."""
    from setuptools import find_packages

    folders = {p.parent for p in python_files(GRADER)}
    found = set(find_packages(str(GRADER.parent), include=["grader*"]))
    assert {".".join(f.relative_to(GRADER.parent).parts) for f in folders} == found
