"""Fair grading (tests/fairness.py), with the grader's own code on the notebooks' hidden checks:

* right answers written in other forms and styles keep full marks, or, where only their form differs from
  the one the exercise asks for, the documented share (and cost nothing in the exercises that call them);
* every check of every assignment says how it treats another form (``form=``), and the why where a
  share is kept;
* a constant in another form earns nothing, like any constant;
* every stand-in for an earlier exercise depends on every argument it is given (its place, its shape, its
  values), so that a wrong call is charged in the exercise that makes it; the wrong calls themselves are
  bugs of tests/catalogue.py, checked by tests/test_check_catalogue.py.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import io
import json

import nbformat
import numpy as np
import pytest

import hidden_checks
import nncourse.record as record_module
from catalogue import CALLERS, CATALOGUE, catalogued
from conftest import selected
from fairness import CATALOGUED_FORMS, FULL, RIGHT_ANYWAY, SHARE, WRONG_CALLS
from grader.grading.verdict import FORM_SHARE
from test_check_catalogue import SLOW
from trivial_answers import commonest_value, constant_answer, graded_functions


def _param(assignment, *rest):
    marks = [pytest.mark.slow] if assignment in SLOW else []
    return pytest.param(assignment, *rest, marks=marks, id="-".join([assignment, *map(str, rest)]))


def _answers():
    """(assignment, function, label, code, keeps) of every right answer of fairness.py and every
    catalogued bug that is a right value in another form."""
    for assignment in selected(RIGHT_ANYWAY):
        for function, answers in RIGHT_ANYWAY[assignment].items():
            for label, (code, keeps) in answers.items():
                yield assignment, function, label, code, keeps
        for function, labels in CATALOGUED_FORMS.get(assignment, {}).items():
            for label in labels:
                yield assignment, function, label, catalogued(assignment, function, label), SHARE


ANSWERS = {(a, f, label): (code, keeps) for a, f, label, code, keeps in _answers()}


def test_every_graded_function_has_a_right_answer_written_another_way():
    for assignment in RIGHT_ANYWAY:
        assert set(RIGHT_ANYWAY[assignment]) == set(graded_functions(assignment)), assignment


def test_every_wrong_call_is_a_bug_of_the_catalogue():
    for assignment, functions in WRONG_CALLS.items():
        for function, calls in functions.items():
            bugs = CATALOGUE[assignment][function]["bugs"]
            assert all(bugs.get(label) == code for label, code in calls.items()), (assignment, function)


@pytest.mark.parametrize("assignment, function, label", [_param(*key) for key in ANSWERS])
def test_a_right_answer_keeps_its_points_or_the_share_for_another_form(assignment, function, label):
    code, keeps = ANSWERS[assignment, function, label]
    callers = CALLERS[assignment].get(function, [])
    cells = {function + "_test"} | {caller + "_test" for caller in callers}
    verdicts = hidden_checks.verdicts(assignment, {function: code}, only=cells)
    own = verdicts[function + "_test"]
    assert own.fatal is None and all(c.passed and c.counted for c in own.checks), own.summary()
    if keeps == FULL:
        assert own.score == own.points and not own.form_notes, own.summary()
    else:
        assert any(c.form for c in own.checks) and len(own.form_notes) == 1, own.summary()
        assert FORM_SHARE * own.points <= own.score < own.points, own.summary()
    for caller in callers:
        verdict = verdicts[caller + "_test"]
        assert verdict.score == verdict.points, "%s charged for %s:\n%s" % (caller, label, verdict.summary())


def test_the_form_note_says_once_what_was_asked_and_why_and_never_the_expected_value():
    code = catalogued("a1_numpy_basics", "basic_sigmoid", CATALOGUED_FORMS["a1_numpy_basics"]["basic_sigmoid"][0])
    verdict = hidden_checks.verdicts("a1_numpy_basics", {"basic_sigmoid": code},
                                     only={"basic_sigmoid_test"})["basic_sigmoid_test"]
    text = verdict.summary()
    (note,) = verdict.form_notes
    assert "80 %" in note and "math.exp" in note and "Python float" in note
    assert text.count(note) == 1
    lines = [line for line in text.splitlines() if "right value, 80 %" in line]
    assert len(lines) == 5 and all("NumPy float64" in line and "Python float" in line for line in lines)
    key = hidden_checks.key("a1_numpy_basics")["basic_sigmoid_test"]
    for record in key["records"]:
        if record["value"]["t"] == "float":
            assert "%.5f" % float.fromhex(record["value"]["v"]) not in text


# ---------------------------------------------------------------- every check states its form
def _hidden_calls(notebook):
    """(grade_id, ast.Call) of every record / record_call in the hidden blocks of ``notebook``."""
    for cell in nbformat.read(str(notebook), as_version=4).cells:
        info = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not info.get("grade") or "### BEGIN HIDDEN TESTS" not in cell.source:
            continue
        hidden = cell.source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
        for node in ast.walk(ast.parse(hidden)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("record", "record_call"):
                yield info["grade_id"], node


@pytest.mark.parametrize("assignment", list(RIGHT_ANYWAY))
def test_every_check_says_how_it_treats_another_form_and_why_where_a_share_is_kept(assignment):
    (notebook,) = hidden_checks.COURSE.source_notebooks(assignment)
    missing = []
    for grade_id, call in _hidden_calls(notebook):
        keywords = {k.arg: k.value for k in call.keywords}
        form = keywords.get("form")
        if not isinstance(form, ast.Constant) or form.value not in record_module.FORMS or "exact" in keywords:
            missing.append("%s, line %d: form= is missing (or exact= is given too)" % (grade_id, call.lineno))
        elif form.value == "share" and "type_hint" not in keywords:
            missing.append("%s, line %d: a share without type_hint= (the why)" % (grade_id, call.lineno))
    assert not missing, "\n".join(missing)


# ---------------------------------------------------------------- a constant in another form
def in_another_form(value):
    """``value`` in another form with the same shape: Python and NumPy numbers swapped, ints and booleans
    as floats, boolean and integer arrays as float arrays, tuples as lists and lists as tuples."""
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, np.integer)):
        return float(value)
    if isinstance(value, float) and type(value) is float:
        return np.float64(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.astype(float) if value.dtype.kind in "biu" else value
    if isinstance(value, tuple):
        return [in_another_form(v) for v in value]
    if isinstance(value, list):
        return tuple(in_another_form(v) for v in value)
    if isinstance(value, dict):
        return {k: in_another_form(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("assignment", [_param(a) for a in selected(CATALOGUE)])
def test_a_constant_in_another_form_earns_nothing(assignment):
    key = hidden_checks.key(assignment)
    answers = {f: constant_answer(f, in_another_form(commonest_value(key[f + "_test"])))
               for f in graded_functions(assignment)}
    verdicts = hidden_checks.verdicts(assignment, answers)
    assert {g: v.score for g, v in verdicts.items()} == {g: 0 for g in verdicts}, \
        "\n".join(v.summary() for v in verdicts.values() if v.score)


# ---------------------------------------------------------------- stand-ins notice wrong calls
#: Stand-ins whose real function reads only the shapes of its arguments: their values must not matter.
SHAPES_ONLY = {("a3_planar_data", "layer_sizes")}
STAND_IN_ASSIGNMENTS = [a for a in CALLERS if any(CALLERS[a].values())]


def stand_in_calls(assignment: str, monkeypatch) -> dict:
    """{(name, stand-in): [(args, kwargs), ...]}: the first three calls each stand-in of ``assignment``'s
    hidden checks gets from the instructor's own functions (copies of what it was given)."""
    seen: dict = {}
    original = record_module.stand_ins

    def recorder(name, function):
        def call(*args, **kwargs):
            calls = seen.setdefault((name, function), [])
            if len(calls) < 3:
                calls.append(copy.deepcopy((args, kwargs)))
            return function(*args, **kwargs)
        return call

    @contextlib.contextmanager
    def recording(namespace, replacements):
        with original(namespace, {name: recorder(name, f) for name, f in replacements.items()}):
            yield

    monkeypatch.setattr(record_module, "stand_ins", recording)
    hidden_checks.run(assignment)
    return seen


def outcome(function, args, kwargs) -> str:
    """What a call returns and prints (or the type it raises), as comparable text; the global generator
    is seeded first, for stand-ins that draw from it as the real functions do."""
    args, kwargs = copy.deepcopy((args, kwargs))
    np.random.seed(0)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), np.errstate(all="ignore"):
            result = function(*args, **kwargs)
    except Exception as exc:
        return "raised " + type(exc).__name__
    return _encoded(result) + printed.getvalue()


def _encoded(value) -> str:
    return json.dumps(record_module.encode(value), sort_keys=True)


def variants(value, shapes_only: bool = False) -> list[tuple[str, object]]:
    """(how, changed value) of the changes a stand-in must notice in an argument: its numbers (or, with
    ``shapes_only``, its shapes); for a string also a misspelling (an activation the stand-in must refuse,
    as the real function does)."""
    found = [("changed", perturbed(value, shapes_only))]
    if isinstance(value, str):
        found.append(("misspelt as %r" % value.capitalize(), value.capitalize()))
    return found


def perturbed(value, shapes_only: bool = False):
    """``value`` with every number changed (or, ``shapes_only``, every array one row longer); a string
    names the other activation; a function is scaled and shifted."""
    if isinstance(value, np.ndarray):
        if shapes_only:
            return np.concatenate([value, value[:1]], axis=0)
        if value.dtype == bool:
            return ~value
        return value + 1 if value.dtype.kind in "iu" else value * 1.5 + 0.5
    if isinstance(value, (bool, np.bool_)):
        return not value
    if isinstance(value, (int, np.integer)):
        return value + 1
    if isinstance(value, (float, np.floating)):
        return value * 1.5 + 0.5
    if isinstance(value, str):
        return {"relu": "sigmoid", "sigmoid": "relu"}.get(value, value + "?")
    if isinstance(value, dict):
        return {k: perturbed(v, shapes_only) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(perturbed(v, shapes_only) for v in value)
    if callable(value):
        return lambda z, g=value: 0.5 * g(z) + 0.25
    return value


def blind_spots(name: str, function, made: list, shapes_only: bool) -> set[str]:
    """The arguments of a stand-in that none of its calls ``made`` notices: changed (its numbers, or with
    ``shapes_only`` its shapes), or swapped with another argument (unless both are equal)."""
    changes: dict[str, bool] = {}
    for args, kwargs in made:
        before = outcome(function, args, kwargs)

        def notices(what: str, new_args, new_kwargs) -> None:
            changes[what] = changes.get(what, False) or outcome(function, new_args, new_kwargs) != before

        for i in range(len(args)):
            for how, value in variants(args[i], shapes_only):
                notices("argument %d %s" % (i + 1, how), args[:i] + (value,) + args[i + 1:], kwargs)
            for j in range(i + 1, len(args)):
                if _encoded(args[i]) != _encoded(args[j]):   # equal arguments: their order cannot show
                    swapped = list(args)
                    swapped[i], swapped[j] = args[j], args[i]
                    notices("arguments %d and %d swapped" % (i + 1, j + 1), tuple(swapped), kwargs)
        for key in kwargs:
            for how, value in variants(kwargs[key], shapes_only):
                notices("argument %s %s" % (key, how), args, dict(kwargs, **{key: value}))
    return {"%s: %s" % (name, what) for what, noticed in changes.items() if not noticed}


@pytest.mark.parametrize("assignment", [_param(a) for a in selected(STAND_IN_ASSIGNMENTS)])
def test_every_stand_in_depends_on_every_argument_its_place_shape_and_values(assignment, monkeypatch):
    calls = stand_in_calls(assignment, monkeypatch)
    assert {name for name, _ in calls} == set(CALLERS[assignment]), "a stand-in was never called, or one is missing"
    blind = set()
    for (name, function), made in calls.items():
        blind |= blind_spots(name, function, made, (assignment, name) in SHAPES_ONLY)
    assert not blind, "what a stand-in does not notice:\n" + "\n".join(sorted(blind))
