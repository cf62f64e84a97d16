"""Values first, then form: how a right value in another form than the one asked for is scored, per the
check's ``form`` ("strict", "share" or "any"), and that shapes, lengths and keys are never a matter of
form. The rule itself; tests/test_fairness.py applies it to the notebooks."""

import numpy as np
import pytest

from grader.grading.compare import compare_record
from grader.grading.preprocessor import verdict_record
from grader.grading.verdict import FORM_SHARE, check_line, judge
from nncourse.record import FORMAT_VERSION, encode, form_of

HINT = "the exercise asks for a Python float, as math gives"


def payload(name, value, form="strict", type_hint=HINT, alt=None, **spec):
    spec = dict({"rtol": 1e-6, "atol": 1e-9, "exact": form != "any", "weight": 1.0, "form": form,
                 "type_hint": type_hint}, **spec)
    record = {"format": FORMAT_VERSION, "name": name, "value": encode(value), "spec": spec}
    if alt is not None:
        record["alt"] = encode(alt)
    return record


def key_cell(*records, points=10):
    return {"points": points, "records": [{k: r[k] for k in ("name", "value", "spec", "alt") if k in r}
                                          for r in records]}


def answer(name, value, alt=None):
    return payload(name, value, alt=alt)


@pytest.mark.parametrize("expected, other_form", [
    (0.5, np.float64(0.5)),                                   # a NumPy float64 (a float subclass) for a float
    (0.5, np.array(0.5)),                                     # a 0-d array for a number
    (0.0, 0),                                                 # an int equal to the float asked for
    (np.array([[True, False]]), np.array([[1.0, 0.0]])),      # 0/1 numbers for booleans
    (np.array([[True, False]]), np.array([[1, 0]])),
    (np.array([[1.0, 0.0]]), np.array([[True, False]])),      # booleans for 0/1 numbers
    (True, 1),
    ((3, 4, 1), [3, 4, 1]),                                   # a list for a tuple
    ((np.zeros((2, 1)), 0.0), (np.zeros((2, 1)), 0)),         # inside a structure
])
def test_a_right_value_in_another_form_keeps_the_share_of_a_share_check(expected, other_form):
    spec = {"rtol": 1e-6, "atol": 1e-9, "exact": True, "form": "share"}
    assert compare_record(encode(expected), encode(other_form), spec) != []       # not the form asked for
    assert compare_record(encode(expected), encode(other_form), dict(spec, exact=False)) == []   # right values
    verdict = judge("x", key_cell(payload("a", expected, form="share"), payload("b", 7.5, form="share")),
                    [answer("a", other_form), answer("b", 7.5)], None)
    a, b = verdict.checks
    assert a.passed and a.form and a.credit == FORM_SHARE and b.passed and not b.form
    assert verdict.score == 10 * (FORM_SHARE + 1) / 2


@pytest.mark.parametrize("expected, wrong", [
    (np.zeros((3, 1)), np.zeros(3)),            # shape: a rank-1 array is not a column
    (np.zeros((3, 1)), np.zeros((1, 3))),
    ((1.0, 2.0), [1.0, 2.0, 3.0]),              # length
    ({"dw": 1.0}, {"dW": 1.0}),                 # dict keys
    (0.5, np.array([0.5])),                     # a (1,) array is not a number
    (0.5, 0.6),                                 # a wrong value in any form
    (np.array([[True, False]]), np.array([[0.9, 0.1]])),
])
def test_shapes_lengths_keys_and_values_are_never_a_matter_of_form(expected, wrong):
    verdict = judge("x", key_cell(payload("a", expected, form="share")), [answer("a", wrong)], None)
    assert not verdict.checks[0].passed and verdict.score == 0 and not verdict.form_notes


def test_strict_fails_another_form_and_says_why_any_passes_it_in_full():
    strict = judge("x", key_cell(payload("a", 0.5), payload("b", 1.5), payload("c", 2.5)),
                   [answer("a", np.float64(0.5)), answer("b", 1.5), answer("c", 2.5)], None)
    assert strict.score == 6.6 and not strict.checks[0].passed and HINT in strict.checks[0].problem
    loose = judge("x", key_cell(payload("a", 0.5, form="any"), payload("b", 1.5, form="any")),
                  [answer("a", np.float64(0.5)), answer("b", np.array(1.5))], None)
    assert loose.score == 10 and not loose.form_notes and not any(c.form for c in loose.checks)


def test_the_form_is_said_on_each_check_and_why_once_under_them():
    verdict = judge("x", key_cell(*(payload(n, v, form="share") for n, v in (("a", 0.5), ("b", 1.5), ("c", 2.5)))),
                    [answer("a", np.float64(0.5)), answer("b", np.float64(1.5)), answer("c", 2.5)], None)
    text = verdict.summary()
    assert verdict.score == 8.6   # (0.8 + 0.8 + 1) / 3 of 10, rounded down
    assert text.count(HINT) == 1 and "80 %" in verdict.form_notes[0] and "2 checks" in verdict.form_notes[0]
    assert check_line("a", True, None, True, verdict.checks[0].form) in text
    assert "NumPy float64" in verdict.checks[0].form and "0.5" not in text and "1.5" not in text
    record = verdict_record(verdict, key_cell(payload("a", 0.5), payload("b", 1.5), payload("c", 2.5)))
    assert [c["credit"] for c in record["checks"]] == [FORM_SHARE, FORM_SHARE, 1.0]
    assert record["uncounted"] == verdict.form_notes   # the feedback shows the notes under the checks


def test_stand_ins_a_full_match_in_either_call_goes_before_another_form():
    key = key_cell(payload("a", 0.5, form="share", alt=0.25), payload("b", 1.5, form="share", alt=0.75))
    own_right_in_form = judge("x", key, [answer("a", np.float64(0.5), alt=0.9), answer("b", 1.5, alt=0.9)], None)
    assert own_right_in_form.checks[0].form and own_right_in_form.score == 9
    alt_right_in_full = judge("x", key, [answer("a", np.float64(0.5), alt=0.25), answer("b", 1.5, alt=0.75)],
                              None)
    assert alt_right_in_full.score == 10 and not alt_right_in_full.form_notes
    alt_right_in_form = judge("x", key, [answer("a", 0.9, alt=np.float64(0.25)), answer("b", 1.5, alt=0.9)], None)
    assert alt_right_in_form.checks[0].form and alt_right_in_form.score == 9


def test_a_constant_earns_nothing_in_any_form():
    """Two checks that one answer passes, one in full and one in another form, are one case: a constant
    that passes both (and fails the third) earns nothing, as it would without forms."""
    key = key_cell(payload("a", 1.0, form="share"), payload("b", np.int64(1), form="share"),
                   payload("c", 2.0, form="share"))
    verdict = judge("x", key, [answer("a", 1.0), answer("b", 1.0), answer("c", 1.0)], None)
    assert verdict.checks[0].passed and verdict.checks[1].passed and verdict.checks[1].form
    assert verdict.score == 0 and not any(c.counted for c in verdict.checks[:2])


def test_the_form_setting_of_a_record():
    assert form_of(True, None) == "strict" and form_of(False, None) == "any"
    assert form_of(True, "share") == "share" and form_of(False, "strict") == "strict"
    with pytest.raises(ValueError):
        form_of(True, "lenient")
