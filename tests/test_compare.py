"""The comparison rules of the grader: for each, a case that must pass and one that must fail."""

import base64

import numpy as np
import pytest

from grader.grading.compare import MalformedRecord, compare_record
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
    assert compare_record(encode(1.0), raised_value, STRICT) == ["raised ValueError"]   # never the message


def test_nested_problems_name_the_path():
    expected = ({"dw": np.zeros((2, 1)), "db": 0.0}, [0.1, 0.2])
    actual = ({"dw": np.zeros(2), "db": 0.0}, [0.1, 0.2])
    (problem,) = problems(expected, actual)
    assert problem.startswith("[0]['dw']: has shape (2,)")


def test_messages_never_reveal_expected_values():
    secret = np.array([[0.123456789, 9.87654321]])
    for wrong in (np.array([[0.5, 0.5]]), np.array([[np.nan, 1.0]]), np.array([0.5, 0.5])):
        for problem in problems(secret, wrong):
            assert "0.123" not in problem and "9.87" not in problem, problem
    for problem in problems(0.123456789, 0.5):
        assert "0.123" not in problem, problem
    assert "relative error" in problems(0.123456789, 0.5)[0]


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
    assert "largest absolute error 0.5" in problem
