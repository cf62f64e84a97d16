"""Compare a recorded value with the answer key's value.

This runs in the trusted grader, outside the student's kernel. Both sides are
encodings made by :func:`nncourse.record.encode`; nothing of the student's is
ever executed here, only decoded from JSON and base64.

The rules (``spec`` always comes from the answer key, never from the student):

* **Types.** With ``exact`` (the default) the kinds must agree: a Python float
  is not a NumPy float64, which is not a 0-d array; a tuple is not a list; a
  float subclass is an ``object`` and never matches. Without ``exact`` only the
  values count, not their form: any single number (bool, int, float, NumPy
  scalar, 0-d array; a bool counts as 0 or 1) matches any single number, an
  array matches an array of any numeric dtype with the same shape, and a list
  matches a tuple with the same items. The grader compares both ways to tell
  "the values are right" from "the form is the one asked for"
  (:mod:`grader.grading.verdict`).
* **Shapes** must be equal: ``(n,)`` is not ``(n, 1)``.
* **Dtype kind** (bool, integer, floating, complex) must agree under ``exact``;
  float32 and float64 are both floating.
* **Values**: booleans and integers exactly; floats entry by entry with
  ``|actual - expected| <= atol + rtol * |expected|``. NaN matches only NaN and
  an infinity only the same infinity.
* **Dicts** need the same keys; **tuples and lists** the same length; then
  every item is compared recursively.
* **Exceptions**: when the key says the call raises, the student's call must
  raise the same exception type.
* **Printouts** (``spec["compare"] == "printed"``): the same lines, ignoring
  blank lines, case and runs of spaces; numbers in them are compared as numbers,
  to the digits the key printed.

Problems are phrased for a first-year student, one plain clause each (the
verdict puts the check's name in front), each a :class:`Problem` that carries a
hint of what to look at: they say what is wrong (type, shape, which key, how
many values and how far off, in words: "slightly", "by up to 30 %", "far off"),
never the expected value, and never repeat anything the student's code produced
(no text, no key name it invented, no type name of its own classes, no exception
message; an exception is named only when it is one of Python's built-in ones).
"""

from __future__ import annotations

import base64
import binascii
import builtins
import re
from typing import Any

import numpy as np

_KIND_WORDS = {"b": "booleans", "i": "integers", "u": "integers", "f": "floating-point numbers",
               "c": "complex numbers"}
_KIND_GROUP = {"b": "b", "i": "i", "u": "i", "f": "f", "c": "c"}
_REAL_SCALAR_TAGS = ("bool", "int", "float", "scalar")
#: Type names an ``object`` record may be called by in a message: Python's and NumPy's own.
_NAMEABLE_TYPES = {name for name, value in vars(builtins).items() if isinstance(value, type)} | {
    "numpy.matrix", "numpy.ma.MaskedArray", "numpy.ma.core.MaskedArray", "function",
    "builtin_function_or_method", "generator", "method", "module", "NoneType"}


class MalformedRecord(ValueError):
    """A record that is not a well-formed encoding (tampered with or truncated)."""


# ---------------------------------------------------------------- decoding
def _bytes_to_array(enc: dict, shape: list) -> np.ndarray:
    try:
        dtype = np.dtype(enc["dtype"])
        raw = base64.b64decode(enc["b64"], validate=True)
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise MalformedRecord("bad array encoding") from None
    if dtype.kind not in _KIND_GROUP:
        raise MalformedRecord("unsupported dtype")
    if not all(type(n) is int and n >= 0 for n in shape):
        raise MalformedRecord("bad shape")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if count * dtype.itemsize != len(raw):
        raise MalformedRecord("array bytes do not match its shape and dtype")
    return np.frombuffer(raw, dtype=dtype).reshape(shape)


def as_array(enc: dict) -> np.ndarray:
    """The NumPy array a numeric record stands for (0-d for scalars)."""
    tag = enc.get("t")
    if tag == "array":
        shape = enc.get("shape")
        if not isinstance(shape, list):
            raise MalformedRecord("array without a shape")
        return _bytes_to_array(enc, shape)
    if tag == "scalar":
        return _bytes_to_array(enc, [])
    if tag == "float":
        try:
            return np.array(float.fromhex(enc["v"]))
        except (KeyError, TypeError, ValueError):
            raise MalformedRecord("bad float encoding") from None
    if tag == "int":
        if type(enc.get("v")) is not int:
            raise MalformedRecord("bad int encoding")
        return np.array(enc["v"], dtype=object if abs(enc["v"]) >= 2**63 else np.int64)
    if tag == "bool":
        if type(enc.get("v")) is not bool:
            raise MalformedRecord("bad bool encoding")
        return np.array(enc["v"])
    raise MalformedRecord("not a number")


def validate(enc: Any, depth: int = 0) -> None:
    """Check that ``enc`` is a well-formed encoding, decoding every array in it.

    Raises MalformedRecord otherwise, so that a tampered record fails its whole
    cell instead of passing for an ordinary wrong answer.
    """
    if depth > 50 or not isinstance(enc, dict) or not isinstance(enc.get("t"), str):
        raise MalformedRecord("a value without a kind")
    tag = enc["t"]
    if tag in ("array", "scalar", "float", "int"):
        as_array(enc)
    elif tag in ("bool", "str"):
        if type(enc.get("v")).__name__ != tag:
            raise MalformedRecord("bad %s encoding" % tag)
    elif tag in ("tuple", "list"):
        if not isinstance(enc.get("items"), list):
            raise MalformedRecord("a %s without items" % tag)
        for item in enc["items"]:
            validate(item, depth + 1)
    elif tag == "dict":
        items = enc.get("items")
        if not isinstance(items, list) or not all(isinstance(p, list) and len(p) == 2 for p in items):
            raise MalformedRecord("a dict without key/value pairs")
        for key, value in items:
            validate(key, depth + 1)
            validate(value, depth + 1)
    elif tag in ("raised", "object"):
        if not isinstance(enc.get("type"), str):
            raise MalformedRecord("a record without a type name")
    elif tag != "none":
        raise MalformedRecord("an unknown kind of record")


# ---------------------------------------------------------------- problems, in plain words
class Problem(str):
    """One problem of a check, a clause in plain words, with ``hint``: what to look at, in a sentence
    that never holds the expected value (empty when there is nothing better to say than the clause)."""

    hint: str
    clause: str   # the clause without the part of the result it is about ("1 of 4 values are wrong")
    where: tuple  # that part: a path of labels ("[0]", "['dw']"), () for the whole result

    def __new__(cls, text: str, hint: str = "", clause: str = "", where: tuple = ()):
        problem = super().__new__(cls, text)
        problem.hint, problem.clause, problem.where = hint, clause or text, where
        return problem


def hint_of(problem: Any) -> str:
    return getattr(problem, "hint", "")


#: Hints said with a problem, by kind (the verdict shows the hint of a check's first problem).
HINTS = {
    "raised": "Call your function yourself on an input like the one the check names, and read the error "
              "and the line it points to.",
    "raise_other": "The exercise says which error to raise, and for which input: check that case first.",
    "should_raise": "Check the input first, and raise the error the exercise names when it asks you to.",
    "printed_nothing_expected": "Print only when the exercise says so (for example only when print_cost "
                                "is True).",
    "printed_nothing": "Print the lines the exercise asks for, with print(...).",
    "printed_count": "Check when your function prints: every how many iterations, and whether the last "
                     "one too.",
    "printed_words": "Write the line exactly as the exercise shows it; only the numbers may differ.",
    "printed_number": "That number is computed differently, or printed at another moment (before or after "
                      "the update).",
    "type_none": "Your function returns nothing (None): did it forget its return statement?",
    "type_python_float": "float(...) turns a NumPy number into a Python float.",
    "type_array": "Build the result with NumPy (np.array, np.dot, ...), not as a Python list or number.",
    "type_sequence": "Return the values as the exercise lists them: return a, b gives a tuple.",
    "type": "Check what your function returns: print(type(result)) in your notebook.",
    "shape_rank1": "An array of shape (n,) is neither a row nor a column: keep the dimension (keepdims=True "
                   "in a sum, or reshape).",
    "shape_transposed": "The shape is the other way round: check the order of the factors of each product "
                        "(np.dot(W, A) is not np.dot(A, W)) and any .T.",
    "shape": "Print the shape of each step of your computation and compare it with the shapes in the "
             "exercise.",
    "length": "Return every value the exercise lists, in its order.",
    "keys_missing": "Return every key the exercise names, spelled exactly the same way.",
    "keys_extra": "Return only the keys the exercise names.",
    "kind_int": "Integers in give integers out for some operations: divide by a float, or convert with "
                ".astype(float).",
    "kind_float": "The exercise asks for whole numbers here (counts or labels): convert with .astype(int).",
    "kind_bool": "A comparison (such as A > threshold) gives True/False values.",
    "kind": "Check the type of the values: print(result.dtype).",
    "slightly": "A difference this small comes from a different order of the operations or a rounding "
                "step: compare each step with the formula, and make sure nothing is rounded or made float32.",
    "off": "The formula is close but not the same: check each term, the axis of every sum or mean, and "
           "the factor 1/m.",
    "far_off": "Values this far off usually come from a wrong formula (an exponent, a minus sign, a "
               "division instead of a multiplication) or from an overflow.",
    "nan": "NaN comes from 0/0, inf - inf or the log of a negative number: check every division and "
           "logarithm.",
    "nan_expected": "Here the right result is not a number (NaN): do not replace or skip it.",
    "inf": "np.exp of a large number overflows to infinity: check the sign inside exp, and divisions by "
           "numbers close to 0.",
    "wrong_values": "Compare your function with the exercise's formula, step by step, on a small input.",
    "bool": "Check the condition and its direction (> or >=, < or <=).",
    "text": "Check the text the exercise asks for, letter by letter.",
    "changed_dict": "Build a new dictionary (copy.deepcopy of the one you were given) and return it: "
                    "W = W - ... makes a new array, W -= ... changes the caller's.",
    "changed_array": "Work on a copy: W = W - ... makes a new array, while W -= ... or W[...] = ... change "
                     "the one you were given.",
    "changed_list": "Build a new list (or copy the one you were given) and return it.",
    "unreadable": "",
}


# ---------------------------------------------------------------- describing
def exception_words(enc: dict) -> str:
    """How a ``raised`` record is named to the student: the exception's type when it is one of
    Python's built-in exceptions, else only the built-in family it belongs to."""
    name, base = enc.get("type"), enc.get("base")
    if _is_builtin_exception(name):
        return name
    if _is_builtin_exception(base) and base not in ("Exception", "BaseException"):
        return "an exception (a kind of %s)" % base
    return "an exception"


def _is_builtin_exception(name: Any) -> bool:
    value = getattr(builtins, name, None) if isinstance(name, str) else None
    return isinstance(value, type) and issubclass(value, BaseException)


def shown_shape(shape: Any, expected: Any = None) -> str:
    """The student's ``shape`` as a verdict may show it: in full when it is plausible next to the
    ``expected`` shape (at most two more dimensions, none more than ten times the largest expected
    one, plus ten), else only how many dimensions it has. So a made-up shape cannot carry text or
    a hidden input out of the grading kernel."""
    if not isinstance(shape, (list, tuple)) or not all(type(n) is int for n in shape):
        return "an unreadable shape"
    reference = list(expected) if isinstance(expected, (list, tuple)) else []
    limit = 10 * max(reference + [1]) + 10
    if len(shape) <= len(reference) + 2 and all(0 <= n <= limit for n in shape):
        return str(tuple(shape))
    return "%s dimensions" % (len(shape) if len(shape) <= len(reference) + 4 else "many")


def shown_count(count: int, expected: int, noun: str) -> str:
    """How many items the student's value has, as a verdict may show it (bounded like shown_shape)."""
    return _count(count, noun) if count <= 10 * expected + 10 else "far more than %s" % _count(expected, noun)


def describe(enc: dict, like: dict | None = None) -> str:
    """A short phrase for what a record holds, e.g. 'a NumPy array of shape (3, 1)'.

    ``like`` is the expected value when ``enc`` is the student's: its shape and length are then shown
    only within bounds (see :func:`shown_shape`)."""
    tag = enc.get("t")
    if tag == "none":
        return "None"
    if tag in ("bool", "int", "float", "str"):
        return "a Python %s" % tag
    if tag == "scalar":
        return "a NumPy %s scalar" % np.dtype(enc["dtype"]).name
    if tag == "array":
        if like is None:
            return "a NumPy array of shape %s" % (tuple(enc["shape"]),)
        return "a NumPy array of shape %s" % shown_shape(enc["shape"], like.get("shape") if like.get("t") == "array"
                                                         else None)
    if tag in ("tuple", "list"):
        if like is None:
            return "a %s of %s" % (tag, _count(len(enc["items"]), "item"))
        expected = len(like["items"]) if like.get("t") in ("tuple", "list") else 1
        return "a %s of %s" % (tag, shown_count(len(enc["items"]), expected, "item"))
    if tag == "dict":
        return "a dict"
    if tag == "raised":
        return "an exception"
    if tag == "object":
        name = enc.get("type")
        return "a %s object" % name if name in _NAMEABLE_TYPES else "an object of another type"
    raise MalformedRecord("an unknown kind of record")


def _count(n: int, noun: str) -> str:
    return "%d %s%s" % (n, noun, "" if n == 1 else "s")


def _is_single_number(enc: dict) -> bool:
    """A single real number in any form: a Python bool, int or float, a NumPy scalar or a 0-d array
    (of booleans, integers or floats)."""
    if enc.get("t") in _REAL_SCALAR_TAGS:
        return enc.get("t") != "scalar" or np.dtype(enc["dtype"]).kind in "buif"
    return enc.get("t") == "array" and enc.get("shape") == [] and np.dtype(enc["dtype"]).kind in "buif"


def _type_hint(expected: dict, actual: dict) -> str:
    """What to look at when the result is of another type than expected."""
    e_tag, a_tag = expected.get("t"), actual.get("t")
    if a_tag == "none":
        return HINTS["type_none"]
    if e_tag == "float" and _is_single_number(actual):
        return HINTS["type_python_float"]
    if e_tag == "array" and a_tag not in ("scalar",):
        return HINTS["type_array"]
    if e_tag in ("tuple", "list"):
        return HINTS["type_sequence"]
    return HINTS["type"]


def _shape_hint(expected: list, actual: Any) -> str:
    if not isinstance(actual, list):
        return HINTS["shape"]
    if len(actual) == 1 and len(expected) == 2 and 1 in expected and max(expected) == actual[0]:
        return HINTS["shape_rank1"]
    if len(actual) == len(expected) == 2 and actual == expected[::-1]:
        return HINTS["shape_transposed"]
    return HINTS["shape"]


# a path inside a result, as Python writes it: ("[0]", "['dW1']") for result[0]['dW1']
Path = tuple


def _subject(path: Path, root: str = "result") -> str:
    """What a problem is about: 'the result', "result['dW1']", "result[0]['dw']"."""
    return root + "".join(path) if path else "the " + root


def _at(path: Path, predicate: str, hint: str) -> Problem:
    """A problem about the part ``path`` of the result: its subject, then ``predicate`` ('has shape ...')."""
    return Problem("%s %s" % (_subject(path), predicate), hint, "it " + predicate if path else "", path)


def _about(path: Path, problem: Problem | None) -> list[Problem]:
    """A value clause ('1 of 4 values are wrong ...') said about the part ``path`` of the result."""
    if problem is None:
        return []
    return [problem if not path else Problem("in %s, %s" % (_subject(path), problem), problem.hint, str(problem),
                                             path)]


# ---------------------------------------------------------------- values
def _how_far(relative: float) -> tuple[str, str]:
    """How far off the wrong values are, in words (from the largest relative error), and its hint."""
    if relative < 1e-3:
        return "slightly off (by less than 0.1 %)", HINTS["slightly"]
    if relative < 10:
        percent = 100 * relative
        return "off by up to %s %%" % ("%d" % round(percent) if percent >= 10 else "%.2g" % percent), \
            HINTS["off" if relative <= 0.5 else "wrong_values"]
    return "far off (more than %d times too large or too small)" % (10 if relative < 100 else 100), HINTS["far_off"]


def compare_values(expected: np.ndarray, actual: np.ndarray, rtol: float, atol: float,
                   exact_kind: bool, changed: bool = False) -> Problem | None:
    """Compare two arrays of equal shape; return a problem or None.

    The problem is a clause that stands on its own: '1 of 4 values are wrong, by up to 31 %',
    'the value is off by up to 10 %', 'the values are whole numbers (int64), but they should be
    floating-point numbers'. ``changed`` words it for inputs that a call should have left alone
    ('3 of 12 values were changed').
    """
    e_kind, a_kind = _KIND_GROUP[expected.dtype.kind], _KIND_GROUP[actual.dtype.kind]
    total = expected.size
    if exact_kind and e_kind != a_kind:
        hint = {"f": HINTS["kind_int"] if a_kind in "bi" else HINTS["kind"], "i": HINTS["kind_float"],
                "b": HINTS["kind_bool"]}.get(e_kind, HINTS["kind"])
        return Problem("the %s %s (%s), but %s should be %s" % (
            "value is one of the" if total == 1 else "values are", _KIND_WORDS[actual.dtype.kind],
            actual.dtype.name, "it" if total == 1 else "they", _KIND_WORDS[expected.dtype.kind]), hint)

    def count(n: int, what: str, hint: str) -> Problem:
        if total == 1:
            return Problem("the value %s" % ("was changed" if changed else "is " + what), hint)
        verb = ("was" if n == 1 else "were") if changed else ("is" if n == 1 else "are")
        return Problem("%d of %d values %s %s" % (n, total, verb, "changed" if changed else what), hint)

    if e_kind in "bi" and a_kind in "bi":
        wrong = int(np.count_nonzero(expected != actual))
        return count(wrong, "wrong", HINTS["bool"] if e_kind == "b" else HINTS["wrong_values"]) if wrong else None
    e = expected.astype(np.complex128 if "c" in (e_kind, a_kind) else np.float64)
    a = actual.astype(e.dtype)
    e_nan, a_nan = np.isnan(e), np.isnan(a)
    if np.any(a_nan & ~e_nan):
        return count(int(np.count_nonzero(a_nan & ~e_nan)), "NaN (not a number)", HINTS["nan"])
    if np.any(e_nan & ~a_nan):
        return count(int(np.count_nonzero(e_nan & ~a_nan)), "a number where NaN (not a number) is right",
                     HINTS["nan_expected"])
    e_inf, a_inf = np.isinf(e), np.isinf(a)
    if np.any(a_inf & ~e_inf):
        return count(int(np.count_nonzero(a_inf & ~e_inf)), "infinite (an overflow)", HINTS["inf"])
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(a - e)
        close = (a == e) | (diff <= atol + rtol * np.abs(e)) | (e_nan & a_nan)
    ok = np.where(e_inf, a == e, close)  # an infinity matches only the same infinity
    wrong = int(np.count_nonzero(~ok))
    if not wrong:
        return None
    finite = ~ok & ~e_inf
    nonzero = finite & (e != 0)
    if changed:   # how far off a changed input is does not matter: it should not change at all
        return count(wrong, "", "")
    if np.any(nonzero):
        what, hint = _how_far(float(np.max(diff[nonzero] / np.abs(e[nonzero]))))
    elif np.any(finite):   # where the result is 0, only an absolute error means something
        what, hint = "off by up to %s" % ("%.2g" % float(np.max(diff[finite]))), HINTS["wrong_values"]
    else:
        what, hint = "wrong", HINTS["wrong_values"]
    return count(wrong, what.replace("off by up to", "off by") if total == 1 else what, hint)


# ---------------------------------------------------------------- printouts
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)\b", re.IGNORECASE)


def _printed_lines(text: str) -> list[tuple[str, list[str]]]:
    """Each non-blank line as (its words with every number replaced by '#', its numbers)."""
    lines = []
    for line in text.splitlines():
        if not line.strip():
            continue
        numbers = _NUMBER.findall(line)
        words = " ".join(_NUMBER.sub("#", line).lower().split())
        lines.append((words, numbers))
    return lines


def _number_matches(expected: str, actual: str, rtol: float, atol: float) -> bool:
    if re.fullmatch(r"[-+]?\d+", expected):   # a count (an iteration number) is printed as an integer
        return bool(re.fullmatch(r"[-+]?\d+", actual)) and int(expected) == int(actual)
    try:
        e, a = float(expected), float(actual)
    except ValueError:
        return False
    if np.isnan(e) or np.isnan(a) or np.isinf(e) or np.isinf(a):
        return (np.isnan(e) and np.isnan(a)) or e == a
    mantissa = expected.lower().split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(expected.lower().split("e")[1]) if "e" in expected.lower() else 0
    # one unit of the last digit the key printed (a bare power of ten such as 1e-05 is exact: no rounding)
    printed_digits = 0.0 if "e" in expected.lower() and "." not in mantissa else 10.0 ** (exponent - decimals)
    return abs(a - e) <= max(atol + rtol * abs(e), printed_digits * (1 + 1e-9))


def compare_printed(expected: str, actual: str, rtol: float, atol: float) -> list[Problem]:
    """Compare two printouts line by line (see the module docstring)."""
    e_lines, a_lines = _printed_lines(expected), _printed_lines(actual)
    if not e_lines:
        return [] if not a_lines else [Problem("it prints %s, but it should print nothing here"
                                               % _count(len(a_lines), "line"), HINTS["printed_nothing_expected"])]
    if not a_lines:
        return [Problem("it prints nothing, but it should print %s here" % _count(len(e_lines), "line"),
                        HINTS["printed_nothing"])]
    if len(e_lines) != len(a_lines):
        return [Problem("it prints %s, but it should print %d" % (_count(len(a_lines), "line"), len(e_lines)),
                        HINTS["printed_count"])]
    for number, ((e_words, e_nums), (a_words, a_nums)) in enumerate(zip(e_lines, a_lines), start=1):
        if e_words != a_words or len(e_nums) != len(a_nums):
            return [Problem("line %d of what it prints is not worded as the exercise says" % number,
                            HINTS["printed_words"])]
        for position, (e_num, a_num) in enumerate(zip(e_nums, a_nums), start=1):
            if not _number_matches(e_num, a_num, rtol, atol):
                return [Problem("line %d of what it prints has a wrong number (the %s number on the line)"
                                % (number, _ordinal(position)), HINTS["printed_number"])]
    return []


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth"}.get(n, "%dth" % n)


# ---------------------------------------------------------------- structure
def compare_record(expected: dict, actual: Any, spec: dict) -> list[Problem]:
    """Compare a student's encoded value with the key's; return the problems found.

    An empty list means the values match. Raises MalformedRecord when
    ``actual`` is not a well-formed encoding, whatever is wrong with it.
    """
    try:
        validate(actual)
        if spec.get("compare") == "inputs":
            return _compare_inputs(expected, actual, spec)
        return compare(expected, actual, spec)
    except MalformedRecord:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        raise MalformedRecord("a record that cannot be read") from None


def compare(expected: dict, actual: dict, spec: dict, path: Path = ()) -> list[Problem]:
    """Compare two encodings recursively (see :func:`compare_record`)."""
    if not isinstance(actual, dict) or "t" not in actual:
        raise MalformedRecord("a value without a kind")
    exact = bool(spec.get("exact", True))
    rtol, atol = float(spec.get("rtol", 0.0)), float(spec.get("atol", 0.0))
    changed = spec.get("compare") == "inputs"
    e_tag, a_tag = expected["t"], actual["t"]

    if e_tag == "raised" or a_tag == "raised":
        if e_tag == a_tag:
            if expected.get("type") == actual.get("type"):
                return []
            return [Problem("your function raised %s, but on this input it should raise %s"
                            % (exception_words(actual), exception_words(expected)), HINTS["raise_other"])]
        if a_tag == "raised":
            return [Problem("your function stopped with an error (%s) on this input" % exception_words(actual),
                            HINTS["raised"])]
        return [Problem("your function returned %s, but on this input it should raise %s"
                        % (describe(actual, like=expected), exception_words(expected)), HINTS["should_raise"])]

    if spec.get("compare") == "printed" and not path:
        if e_tag != "str" or a_tag != "str":
            return [Problem("what it prints could not be read")]
        return compare_printed(expected["v"], actual["v"], rtol, atol)

    if not exact and (e_tag, a_tag) != ("bool", "bool") and _is_single_number(expected) \
            and _is_single_number(actual):
        return _about(path, compare_values(as_array(expected), as_array(actual), rtol, atol, exact_kind=False,
                                           changed=changed))

    sequences = {e_tag, a_tag} <= {"tuple", "list"}
    if e_tag != a_tag and not (sequences and not exact):
        return [_at(path, "is %s, but it should be %s" % (describe(actual, like=expected), describe(expected)),
                    _type_hint(expected, actual))]

    if e_tag == "none":
        return []
    if e_tag == "bool":
        return [] if actual.get("v") is expected["v"] else [
            _at(path, "is the other way round (True where False is right, or False where True is right)",
                HINTS["bool"])]
    if e_tag == "str":
        return [] if actual.get("v") == expected["v"] else [_at(path, "is not the expected text", HINTS["text"])]
    if e_tag in ("int", "float", "scalar"):
        return _about(path, compare_values(as_array(expected), as_array(actual), rtol, atol, exact_kind=exact,
                                           changed=changed))
    if e_tag == "array":
        if actual.get("shape") != expected["shape"]:
            got = actual.get("shape")
            return [_at(path, "has shape %s, but it should have shape %s" % (
                shown_shape(got, expected["shape"]), tuple(expected["shape"])), _shape_hint(expected["shape"], got))]
        return _about(path, compare_values(as_array(expected), as_array(actual), rtol, atol, exact_kind=exact,
                                           changed=changed))
    if e_tag in ("tuple", "list"):
        items = actual.get("items")
        if not isinstance(items, list):
            raise MalformedRecord("a sequence without items")
        if len(items) != len(expected["items"]):
            return [_at(path, "has %s, but it should have %d" % (
                shown_count(len(items), len(expected["items"]), "item"), len(expected["items"])), HINTS["length"])]
        problems = []
        for i, (e_item, a_item) in enumerate(zip(expected["items"], items)):
            problems += compare(e_item, a_item, spec, path + ("[%d]" % i,))
        return problems
    if e_tag == "dict":
        return _compare_dicts(expected, actual, spec, path)
    if e_tag == "object":   # never in a key (keys refuse them); fail closed
        return [_at(path, "cannot be compared", "")]
    raise MalformedRecord("an unknown kind of record")


def _key_label(enc: Any) -> str:
    """A dict key as the key file writes it: repr of a str/int/bool key (only labels of the
    answer key's own keys ever reach a message)."""
    if isinstance(enc, dict) and enc.get("t") in ("str", "int", "bool"):
        return repr(enc.get("v"))
    return "<%s>" % (describe(enc) if isinstance(enc, dict) else "?")


def _dict_items(enc: dict) -> dict:
    items = enc.get("items")
    if not isinstance(items, list) or not all(isinstance(p, list) and len(p) == 2 for p in items):
        raise MalformedRecord("a dict without key/value pairs")
    mapping = {}
    for k, v in items:
        label = _key_label(k)
        if label in mapping:
            raise MalformedRecord("a dict with a repeated key")
        mapping[label] = v
    return mapping


def _compare_dicts(expected: dict, actual: dict, spec: dict, path: Path) -> list[Problem]:
    e_map, a_map = _dict_items(expected), _dict_items(actual)
    problems = []
    missing = [k for k in e_map if k not in a_map]
    extra = [k for k in a_map if k not in e_map]
    if missing:
        problems.append(_at(path, "has no key%s %s" % ("s" if len(missing) > 1 else "", ", ".join(missing)),
                            HINTS["keys_missing"]))
    if extra:   # never named: a key the student's code made up is its text, not ours
        problems.append(_at(path, "has %s that should not be there" % (
            _count(len(extra), "extra key") if len(extra) <= 10 else "many extra keys"), HINTS["keys_extra"]))
    for k in e_map:
        if k in a_map:
            problems += compare(e_map[k], a_map[k], spec, path + ("[%s]" % k,))
    return problems


_CONTAINERS = {"dict": ("dictionary", "changed_dict"), "list": ("list", "changed_list"),
               "tuple": ("arrays", "changed_array"), "array": ("array", "changed_array")}


def _compare_inputs(expected: dict, actual: dict, spec: dict) -> list[Problem]:
    """The arguments a call was given, as it left them, against the same arguments untouched: one
    sentence per argument the call changed ("your function changed the dictionary it was given as
    argument 1 (in its 'W1', 6 of 6 values were changed)"), with the hint for that kind of argument."""
    if expected.get("t") != "dict" or actual.get("t") != "dict":
        return compare(expected, actual, spec)
    e_map, a_map = _dict_items(expected), _dict_items(actual)
    if set(e_map) != set(a_map):
        return [Problem("the arguments your function was given could not be compared after the call")]
    problems = []
    for label, before in e_map.items():
        found = compare(before, a_map[label], spec)
        if not found:
            continue
        kind, hint = _CONTAINERS.get(before.get("t"), ("value", "changed_array"))
        first = found[0]
        part = first.where[0][1:-1] + "".join(first.where[1:]) if first.where else ""
        if not part:
            detail = first.clause
        elif first.clause.startswith("it "):
            detail = "its %s %s" % (part, first.clause[3:])
        else:
            detail = "in its %s, %s" % (part, first.clause)
        problems.append(Problem("your function changed the %s it was given as %s (%s)" % (
            kind, label.strip("'"), detail), HINTS[hint]))
    return problems
