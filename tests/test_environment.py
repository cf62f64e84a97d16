"""The pip path (requirements.txt) and the conda path (environment.yml) describe one environment."""

import re
import tomllib

from conftest import REPO


def requirement_pins(lines, base=REPO):
    """{(name, environment marker): version} of pinned requirement lines; ``-r FILE`` lines (relative
    to ``base``) are followed."""
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            included = base / line[3:].strip()
            pins.update(requirement_pins(included.read_text().splitlines(), included.parent))
        elif line and not line.startswith("-"):
            spec, _, marker = line.partition(";")
            name, _, version = spec.partition("==")
            assert version, "unpinned requirement: %r" % line
            pins[name.strip().lower(), " ".join(marker.split())] = version.strip()
    return pins


def environment_yml():
    """(conda dependencies, pip dependencies) of environment.yml, read without a YAML library."""
    conda, pip, in_pip, in_deps = [], [], False, False
    for raw in (REPO / "environment.yml").read_text().splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if re.match(r"^\w", line):
            in_deps = line == "dependencies:"
        item = re.match(r"^(\s*)- (.+)$", line)
        if not item or not in_deps:
            continue
        indent, value = len(item.group(1)), item.group(2).strip()
        if value == "pip:":
            in_pip = True
        elif in_pip and indent > 2:
            pip.append(value)
        else:
            in_pip = False
            conda.append(value)
    return conda, pip


def test_environment_yml_pins_exactly_the_requirements():
    conda, pip = environment_yml()
    pip_pins = requirement_pins(pip)
    assert pip_pins == requirement_pins((REPO / "requirements.txt").read_text().splitlines())
    assert "-e ." in pip and "-e ./student" in pip, "environment.yml must install both packages of the workbook"
    assert sorted(conda) == ["pip", "python=3.11"]


def test_python_version_agrees_with_pyproject():
    for pyproject in (REPO / "pyproject.toml", REPO / "student" / "pyproject.toml"):
        project = tomllib.loads(pyproject.read_text())["project"]
        assert project["requires-python"] == ">=3.11,<3.12", pyproject
    assert "python=3.11" in environment_yml()[0]


def test_the_student_runtime_depends_on_the_student_pins_only():
    """The student package's dependencies are student/requirements.txt (one list, read by setuptools),
    and every one of them is also in the instructor's environment, at the same version."""
    student = tomllib.loads((REPO / "student" / "pyproject.toml").read_text())
    dynamic = student["tool"]["setuptools"]["dynamic"]
    assert dynamic["dependencies"] == {"file": ["requirements.txt"]}
    assert student["project"].get("dependencies") is None
    student_pins = requirement_pins((REPO / "student" / "requirements.txt").read_text().splitlines())
    instructor_pins = requirement_pins((REPO / "requirements.txt").read_text().splitlines())
    assert student_pins and all(instructor_pins.get(k) == v for k, v in student_pins.items())
    for instructor_only in ("pytest", "nbval", "playwright", "dask", "mlxtend"):
        assert not any(name == instructor_only for name, _ in student_pins), instructor_only


def test_the_installed_environment_is_the_pinned_one():
    from importlib.metadata import version

    from packaging.markers import Marker

    for (name, marker), pinned in requirement_pins((REPO / "requirements.txt").read_text().splitlines()).items():
        if not marker or Marker(marker).evaluate():   # skip the pins of other platforms
            assert version(name) == pinned, name
