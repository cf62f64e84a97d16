"""The comparison rules of the grader: for each, a case that must pass and one that must fail."""

import base64
import re

import numpy as np
import pytest

from grader.grading.compare import HINTS, MalformedRecord, compare_record
from nncourse.record import encode

STRICT = {"rtol": 1e-6, "atol": 1e-9, "exact": True}
LOOSE = {"rtol": 1e-6, "atol": 1e-9, "exact": False}


def problems(expected, actual, spec=STRICT):
    return compare_record(encode(expected), encode(actual), spec)


class AlwaysEqualFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class AlwaysEqualArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)


@pytest.mark.parametrize("expected, good, bad", [
    # Python float is not a NumPy float64, nor a 0-d array
    (0.5, 0.5, np.float64(0.5)),
    (0.5, 0.5, np.array(0.5)),
    (np.float64(0.5), np.float64(0.5), 0.5),
    # shape: (n,) is not (n, 1)
    (np.zeros((3, 1)), np.zeros((3, 1)), np.zeros(3)),
    (np.zeros(3), np.zeros(3), np.zeros((1, 3))),
    # dtype kind: floats are not integers, integers are not booleans
    (np.array([1.0, 2.0]), np.array([1.0, 2.0], dtype=np.float32), np.array([1, 2])),
    (np.array([True, False]), np.array([True, False]), np.array([1, 0])),
    # tuple structure: a tuple is not a list, and lengths must agree
    ((1.0, 2.0), (1.0, 2.0), [1.0, 2.0]),
    ((1.0, 2.0), (1.0, 2.0), (1.0, 2.0, 3.0)),
    # dict keys
    ({"dw": np.zeros((2, 1)), "db": 0.0}, {"db": 0.0, "dw": np.zeros((2, 1))}, {"dw": np.zeros((2, 1))}),
    ({"dw": 1.0}, {"dw": 1.0}, {"dw": 1.0, "extra": 2.0}),
    ({"dw": 1.0}, {"dw": 1.0}, {"dW": 1.0}),
    # NaN matches only NaN; an infinity only the same infinity
    (np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), np.array([0.0, 1.0])),
    (np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([np.nan, 1.0])),
    (np.array([np.inf, 1.0]), np.array([np.inf, 1.0]), np.array([-np.inf, 1.0])),
    (np.array([1e300, 1.0]), np.array([1e300, 1.0]), np.array([np.inf, 1.0])),
    # exotic types never match, whatever their __eq__ says
    (0.5, 0.5, AlwaysEqualFloat(0.5)),
    (np.zeros(2), np.zeros(2), np.zeros(2).view(AlwaysEqualArray)),
    (None, None, 0.0),
    (True, True, False),
    ("cat", "cat", "dog"),
    (3, 3, 4),
])
def test_rule_accepts_the_match_and_rejects_the_mismatch(expected, good, bad):
    assert problems(expected, good) == []
    assert problems(expected, bad) != []


@pytest.mark.parametrize("actual, ok", [
    (1.0 + 0.9e-6, True),     # inside rtol * |expected|
    (1.0 + 1.1e-6, False),    # just outside
    (1.0 - 1.1e-6, False),
])
def test_relative_tolerance_boundary(actual, ok):
    assert (problems(np.array([1.0]), np.array([actual])) == []) is ok


def test_absolute_tolerance_matters_near_zero():
    spec = {"rtol": 1e-6, "atol": 1e-9, "exact": True}
    assert compare_record(encode(np.array([0.0])), encode(np.array([5e-10])), spec) == []
    assert compare_record(encode(np.array([0.0])), encode(np.array([5e-9])), spec) != []


def test_tolerances_come_from_the_key_not_from_the_student():
    # The spec passed in is the key's; whatever the student's record claims is not even read.
    assert problems(1.0, 1.5, {"rtol": 0.0, "atol": 0.0, "exact": True}) != []
    assert problems(1.0, 1.5, {"rtol": 1.0, "atol": 0.0, "exact": True}) == []


def test_loose_numbers_accept_any_real_scalar_but_not_arrays_of_size_one():
    for actual in (2.0, np.float64(2.0), np.float32(2.0), np.array(2.0), 2):
        assert problems(2.0, actual, LOOSE) == [], actual
    assert problems(2.0, np.array([2.0]), LOOSE) != []
    assert problems(2.0, 2.5, LOOSE) != []
    assert problems(2.0, AlwaysEqualFloat(2.0), LOOSE) != []


def test_loose_arrays_ignore_dtype_but_not_shape():
    assert problems(np.array([1.0, 0.0]), np.array([1, 0]), LOOSE) == []
    assert problems(np.array([1.0, 0.0]), np.array([[1, 0]]), LOOSE) != []


def test_exceptions_must_be_of_the_expected_type():
    raised_type = {"t": "raised", "type": "TypeError", "message": "bad operand"}
    raised_value = {"t": "raised", "type": "ValueError", "message": "nope"}
    assert compare_record(raised_type, dict(raised_type, message="other words"), STRICT) == []
    assert compare_record(raised_type, raised_value, STRICT) != []
    assert compare_record(raised_type, encode(1.0), STRICT) != []
    assert compare_record(encode(1.0), raised_value, STRICT) == [
        "your function stopped with an error (ValueError) on this input"]


def test_nested_problems_name_the_path():
    expected = ({"dw": np.zeros((2, 1)), "db": 0.0}, [0.1, 0.2])
    actual = ({"dw": np.zeros(2), "db": 0.0}, [0.1, 0.2])
    (problem,) = problems(expected, actual)
    assert problem == "result[0]['dw'] has shape (2,), but it should have shape (2, 1)"


def test_messages_never_reveal_expected_values():
    secret = np.array([[0.123456789, 9.87654321]])
    for wrong in (np.array([[0.5, 0.5]]), np.array([[np.nan, 1.0]]), np.array([0.5, 0.5])):
        for problem in problems(secret, wrong):
            assert "0.123" not in problem and "9.87" not in problem, problem
    for problem in problems(0.123456789, 0.5):
        assert "0.123" not in problem, problem
    assert "off by" in problems(0.123456789, 0.5)[0]


@pytest.mark.parametrize("tampered", [
    {"t": "array", "dtype": "<f8", "shape": [2], "b64": base64.b64encode(b"\0" * 8).decode()},
    {"t": "array", "dtype": "<f8", "shape": [2], "b64": "not base64!"},
    {"t": "array", "dtype": "|O", "shape": [1], "b64": ""},
    {"t": "array", "dtype": "<f8", "shape": "2", "b64": ""},
    {"t": "array", "dtype": "<f8", "shape": [-1], "b64": ""},
    {"t": "array", "shape": [2]},
    {"t": "float", "v": "zero point five"},
    {"no kind": True},
    "not even a dict",
])
def test_malformed_records_raise(tampered):
    with pytest.raises(MalformedRecord):
        compare_record(encode(np.zeros(2)), tampered, STRICT)


def test_errors_against_zero_are_absolute():
    (problem,) = problems(np.array([0.0, 1.0]), np.array([0.5, 1.0]))
    assert problem == "1 of 2 values is off by up to 0.5"


# ---------------------------------------------------------------- one plain sentence per problem
@pytest.mark.parametrize("expected, actual, sentence, hint", [
    (np.ones(4), np.array([1.0, 1.0, 1.0, 1.5]), "1 of 4 values is off by up to 50 %", "off"),
    (np.ones(4), np.array([2.0, 1.0, 1.0, 1.5]), "2 of 4 values are off by up to 100 %", "wrong_values"),
    (np.ones(4), np.array([1.0, 1.0, 1.0, 1.00001]), "1 of 4 values is slightly off (by less than 0.1 %)",
     "slightly"),
    (np.ones(4), np.array([1.0, 1.0, 1.0, 1e304]),
     "1 of 4 values is far off (more than 100 times too large or too small)", "far_off"),
    (np.ones(4), np.array([1.0, 1.0, 1.0, 31.0]),
     "1 of 4 values is far off (more than 10 times too large or too small)", "far_off"),
    (np.array([[True, False]]), np.array([[True, True]]), "1 of 2 values is wrong", "bool"),
    (0.25, 0.5, "the value is off by 100 %", "wrong_values"),
    (np.array([[0.25]]), np.array([[0.5]]), "the value is off by 100 %", "wrong_values"),
    (np.ones(3), np.arange(3), "the values are integers (int64), but they should be floating-point numbers",
     "kind_int"),
    ((1.0, 2.0), (1.0,), "the result has 1 item, but it should have 2", "length"),
    ((1.0,), (1.0, 2.0), "the result has 2 items, but it should have 1", "length"),
    (np.ones((3, 1)), np.ones(3), "the result has shape (3,), but it should have shape (3, 1)", "shape_rank1"),
    (np.ones((3, 2)), np.ones((2, 3)), "the result has shape (2, 3), but it should have shape (3, 2)",
     "shape_transposed"),
    ({"dW1": np.ones(2), "db1": 0.0}, {"dW1": np.ones(2)}, "the result has no key 'db1'", "keys_missing"),
    ({"a": (np.ones(2), 1.0)}, {"a": (np.array([1.0, 3.0]), 1.0)},
     "in result['a'][0], 1 of 2 values is off by up to 200 %", "wrong_values"),
    (np.ones(2), np.array([np.nan, 1.0]), "1 of 2 values is NaN (not a number)", "nan"),
    (np.ones(2), np.array([np.inf, 1.0]), "1 of 2 values is infinite (an overflow)", "inf"),
    (0.5, np.float64(0.5), "the result is a NumPy float64 scalar, but it should be a Python float",
     "type_python_float"),
    (np.ones(2), None, "the result is None, but it should be a NumPy array of shape (2,)", "type_none"),
    (True, False, "the result is the other way round (True where False is right, or False where True is right)",
     "bool"),
])
def test_each_problem_is_one_plain_clause_with_a_hint(expected, actual, sentence, hint):
    found = problems(expected, actual)
    assert found == [sentence] and found[0].hint == HINTS[hint]


@pytest.mark.parametrize("hint", list(HINTS))
def test_no_hint_holds_a_number_that_could_be_an_answer(hint):
    assert not re.search(r"\d\.\d", HINTS[hint]), HINTS[hint]


def test_no_numpy_internal_path_and_no_student_words_in_exception_problems():
    casting = {"t": "raised", "type": "numpy._core._exceptions._UFuncOutputCastingError", "base": "TypeError"}
    own = {"t": "raised", "type": "__main__.SecretHiddenInput_0_123", "base": "Exception"}
    assert compare_record(encode(1.0), casting, STRICT) == [
        "your function stopped with an error (an exception (a kind of TypeError)) on this input"]
    assert compare_record(encode(1.0), own, STRICT) == ["your function stopped with an error (an exception) on this input"]
    forged_base = {"t": "raised", "type": "x.Y", "base": "<script>alert(1)</script>"}
    assert compare_record(encode(1.0), forged_base, STRICT) == [
        "your function stopped with an error (an exception) on this input"]
    expected_type = {"t": "raised", "type": "TypeError", "base": "TypeError"}
    assert compare_record(expected_type, encode(np.zeros(3)), STRICT) == [
        "your function returned a NumPy array of shape (3,), but on this input it should raise TypeError"]


def test_what_the_student_made_up_is_never_repeated():
    class Mine:
        pass

    text = " ".join(problems({"dW1": 1.0}, {"dW1": 1.0, "the_hidden_X_is_0.5": 2.0}))
    assert "the_hidden" not in text and "1 extra key" in text
    text = " ".join(problems(1.0, Mine()))
    assert "Mine" not in text and "an object of another type" in text
    assert problems("cat", "my secret words") == ["the result is not the expected text"]
    assert problems(np.ones(2), {1, 2}) == ["the result is a set object, but it should be a NumPy array of shape (2,)"]


def test_inputs_left_alone_are_worded_as_changes_with_what_to_do():
    spec = dict(STRICT, compare="inputs", rtol=0.0, atol=0.0)
    before = {"argument 1": {"W1": np.ones((2, 2))}, "argument 2": np.zeros(3)}
    after = {"argument 1": {"W1": np.array([[1.0, 0.5], [1.0, 1.0]])}, "argument 2": np.zeros(3)}
    (problem,) = compare_record(encode(before), encode(after), spec)
    assert problem == ("your function changed the dictionary it was given as argument 1 "
                       "(in its 'W1', 1 of 4 values was changed)")
    assert problem.hint == HINTS["changed_dict"] and "new dictionary" in problem.hint
    after = {"argument 1": {"W1": np.ones((2, 2))}, "argument 2": np.array([0.0, 1.0, 0.0])}
    (problem,) = compare_record(encode(before), encode(after), spec)
    assert problem == "your function changed the array it was given as argument 2 (1 of 3 values was changed)"
    assert problem.hint == HINTS["changed_array"]


PRINTED = dict(STRICT, compare="printed")


@pytest.mark.parametrize("actual, ok", [
    ("Cost after iteration 0: 0.693147\nCost after iteration 100: 0.584508\n", True),
    ("cost after   iteration 0: 0.6931472\n\nCost after iteration 100: 0.58450812\n", True),  # case, spaces
    ("Cost after iteration 0: 0.69315\nCost after iteration 100: 0.584508\n", False),   # rounded away
    ("Cost after iteration 100: 0.584508\nCost after iteration 0: 0.693147\n", False),  # swapped
    ("Cost after iteration 0: 0.693147\n", False),
    ("", False),
    ("Cost at iteration 0: 0.693147\nCost after iteration 100: 0.584508\n", False),
    ("Cost after iteration 0.0: 0.693147\nCost after iteration 100: 0.584508\n", False),
])
def test_printouts_compare_words_and_numbers(actual, ok):
    expected = "Cost after iteration 0: 0.693147\nCost after iteration 100: 0.584508\n"
    assert (compare_record(encode(expected), encode(actual), PRINTED) == []) is ok


def test_printout_problems_never_quote_either_text():
    expected = "Cost after iteration 0: 0.693147\n"
    assert compare_record(encode(""), encode("secret 42\n"), PRINTED) == [
        "it prints 1 line, but it should print nothing here"]
    assert compare_record(encode(expected), encode(""), PRINTED) == [
        "it prints nothing, but it should print 1 line here"]
    (problem,) = compare_record(encode(expected), encode("Cost after iteration 0: 0.5\n"), PRINTED)
    assert problem == "line 1 of what it prints has a wrong number (the second number on the line)"
    assert "0.69" not in problem
