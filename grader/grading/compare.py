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

Problems are phrased for the student, one plain clause each (the verdict puts
the check's name in front): they say what is wrong (type, shape, which key, how
many values and how far off), never the expected value, and never repeat
anything the student's code produced (no text, no key name it invented, no
type name of its own classes, no exception message; an exception is named
only when it is one of Python's built-in ones).
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


def _subject(path: str, spec: dict) -> str:
    """What a problem is about: 'the result', "result['dW1']", "argument 2['W1']"."""
    if spec.get("compare") == "inputs":
        found = re.match(r"\['([^']*)'\](.*)", path)
        return found.group(1) + found.group(2) if found else "the arguments"
    return "result" + path if path else "the result"


def _values_problem(subject: str, path: str, clause: str | None) -> list[str]:
    """A value clause ('1 of 4 values is wrong (...)') about ``subject``."""
    if clause is None:
        return []
    return [clause if not path else "in %s, %s" % (subject, clause)]


# ---------------------------------------------------------------- values
def compare_values(expected: np.ndarray, actual: np.ndarray, rtol: float, atol: float,
                   exact_kind: bool, changed: bool = False) -> str | None:
    """Compare two arrays of equal shape; return a problem or None.

    The problem is a clause that stands on its own: '1 of 4 values is wrong (largest relative
    error 0.31)', 'the value is wrong (relative error 0.1)', 'the values are integers (int64), but
    floating-point numbers were expected'. ``changed`` words it for inputs that a call should
    have left alone ('3 of 12 values were changed by the call').
    """
    e_kind, a_kind = _KIND_GROUP[expected.dtype.kind], _KIND_GROUP[actual.dtype.kind]
    total = expected.size
    if exact_kind and e_kind != a_kind:
        return "the %s %s (%s), but %s were expected" % (
            "value is one of the" if total == 1 else "values are", _KIND_WORDS[actual.dtype.kind],
            actual.dtype.name, _KIND_WORDS[expected.dtype.kind])

    def count(n: int, what: str, size: str = "") -> str:
        size = " (%s%s)" % ("largest " if total > 1 else "", size) if size else ""
        if total == 1:
            return "the value %s%s" % ("was" if changed else "is", " " + what) + size
        verb = ("was" if n == 1 else "were") if changed else ("is" if n == 1 else "are")
        return "%d of %d values %s %s%s" % (n, total, verb, what, size)

    wrong_words = "changed by the call" if changed else "wrong"
    if e_kind in "bi" and a_kind in "bi":
        wrong = int(np.count_nonzero(expected != actual))
        return count(wrong, wrong_words) if wrong else None
    e = expected.astype(np.complex128 if "c" in (e_kind, a_kind) else np.float64)
    a = actual.astype(e.dtype)
    e_nan, a_nan = np.isnan(e), np.isnan(a)
    if np.any(a_nan & ~e_nan):
        return count(int(np.count_nonzero(a_nan & ~e_nan)), "NaN (not a number)")
    if np.any(e_nan & ~a_nan):
        return count(int(np.count_nonzero(e_nan & ~a_nan)), "a number where NaN (not a number) is right")
    e_inf, a_inf = np.isinf(e), np.isinf(a)
    if np.any(a_inf & ~e_inf):
        return count(int(np.count_nonzero(a_inf & ~e_inf)), "infinite (an overflow)")
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
        size = ""
    elif np.any(nonzero):
        size = "relative error %.2g" % float(np.max(diff[nonzero] / np.abs(e[nonzero])))
    elif np.any(finite):   # where the result is 0, only an absolute error means something
        size = "error %.2g" % float(np.max(diff[finite]))
    else:
        size = ""
    return count(wrong, wrong_words, size)


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


def compare_printed(expected: str, actual: str, rtol: float, atol: float) -> list[str]:
    """Compare two printouts line by line (see the module docstring)."""
    e_lines, a_lines = _printed_lines(expected), _printed_lines(actual)
    if not e_lines:
        return [] if not a_lines else ["it prints %s, but it should print nothing here"
                                       % _count(len(a_lines), "line")]
    if not a_lines:
        return ["it prints nothing, but it should print %s here" % _count(len(e_lines), "line")]
    if len(e_lines) != len(a_lines):
        return ["it prints %s, but %d %s expected" % (_count(len(a_lines), "line"), len(e_lines),
                                                       "was" if len(e_lines) == 1 else "were")]
    for number, ((e_words, e_nums), (a_words, a_nums)) in enumerate(zip(e_lines, a_lines), start=1):
        if e_words != a_words or len(e_nums) != len(a_nums):
            return ["line %d of what it prints is not worded as the exercise says" % number]
        for position, (e_num, a_num) in enumerate(zip(e_nums, a_nums), start=1):
            if not _number_matches(e_num, a_num, rtol, atol):
                return ["line %d of what it prints has a wrong number (the %s number on the line)"
                        % (number, _ordinal(position))]
    return []


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth"}.get(n, "%dth" % n)


# ---------------------------------------------------------------- structure
def compare_record(expected: dict, actual: Any, spec: dict) -> list[str]:
    """Compare a student's encoded value with the key's; return the problems found.

    An empty list means the values match. Raises MalformedRecord when
    ``actual`` is not a well-formed encoding, whatever is wrong with it.
    """
    try:
        validate(actual)
        return compare(expected, actual, spec)
    except MalformedRecord:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        raise MalformedRecord("a record that cannot be read") from None


def compare(expected: dict, actual: dict, spec: dict, path: str = "") -> list[str]:
    """Compare two encodings recursively (see :func:`compare_record`)."""
    if not isinstance(actual, dict) or "t" not in actual:
        raise MalformedRecord("a value without a kind")
    exact = bool(spec.get("exact", True))
    rtol, atol = float(spec.get("rtol", 0.0)), float(spec.get("atol", 0.0))
    changed = spec.get("compare") == "inputs"
    subject = _subject(path, spec)
    e_tag, a_tag = expected["t"], actual["t"]

    if e_tag == "raised" or a_tag == "raised":
        if e_tag == a_tag:
            if expected.get("type") == actual.get("type"):
                return []
            return ["the call raised %s, but this input should make it raise %s"
                    % (exception_words(actual), exception_words(expected))]
        if a_tag == "raised":
            return ["the call raised %s" % exception_words(actual)]
        return ["the call returned %s, but this input should make it raise %s"
                % (describe(actual, like=expected), exception_words(expected))]

    if spec.get("compare") == "printed" and not path:
        if e_tag != "str" or a_tag != "str":
            return ["what it prints could not be read"]
        return compare_printed(expected["v"], actual["v"], rtol, atol)

    if not exact and (e_tag, a_tag) != ("bool", "bool") and _is_single_number(expected) \
            and _is_single_number(actual):
        return _values_problem(subject, path, compare_values(as_array(expected), as_array(actual), rtol,
                                                             atol, exact_kind=False, changed=changed))

    sequences = {e_tag, a_tag} <= {"tuple", "list"}
    if e_tag != a_tag and not (sequences and not exact):
        return ["%s is %s, but %s was expected" % (subject, describe(actual, like=expected), describe(expected))]

    if e_tag == "none":
        return []
    if e_tag == "bool":
        return [] if actual.get("v") is expected["v"] else ["%s is the other way round" % subject]
    if e_tag == "str":
        return [] if actual.get("v") == expected["v"] else ["%s is not the expected text" % subject]
    if e_tag in ("int", "float", "scalar"):
        return _values_problem(subject, path, compare_values(as_array(expected), as_array(actual), rtol,
                                                             atol, exact_kind=exact, changed=changed))
    if e_tag == "array":
        if actual.get("shape") != expected["shape"]:
            got = actual.get("shape")
            return ["%s has shape %s, but shape %s was expected"
                    % (subject, shown_shape(got, expected["shape"]), tuple(expected["shape"]))]
        return _values_problem(subject, path, compare_values(as_array(expected), as_array(actual), rtol,
                                                             atol, exact_kind=exact, changed=changed))
    if e_tag in ("tuple", "list"):
        items = actual.get("items")
        if not isinstance(items, list):
            raise MalformedRecord("a sequence without items")
        if len(items) != len(expected["items"]):
            return ["%s has %s, but %d %s expected" % (subject, shown_count(len(items), len(expected["items"]),
                                                                                "item"),
                                                        len(expected["items"]),
                                                        "was" if len(expected["items"]) == 1 else "were")]
        problems = []
        for i, (e_item, a_item) in enumerate(zip(expected["items"], items)):
            problems += compare(e_item, a_item, spec, "%s[%d]" % (path, i))
        return problems
    if e_tag == "dict":
        return _compare_dicts(expected, actual, spec, path)
    if e_tag == "object":   # never in a key (keys refuse them); fail closed
        return ["%s cannot be compared" % subject]
    raise MalformedRecord("an unknown kind of record")


def _key_label(enc: Any) -> str:
    """A dict key as the key file writes it: repr of a str/int/bool key (only labels of the
    answer key's own keys ever reach a message)."""
    if isinstance(enc, dict) and enc.get("t") in ("str", "int", "bool"):
        return repr(enc.get("v"))
    return "<%s>" % (describe(enc) if isinstance(enc, dict) else "?")


def _compare_dicts(expected: dict, actual: dict, spec: dict, path: str) -> list[str]:
    subject = _subject(path, spec)
    items = actual.get("items")
    if not isinstance(items, list) or not all(isinstance(p, list) and len(p) == 2 for p in items):
        raise MalformedRecord("a dict without key/value pairs")
    e_map = {_key_label(k): v for k, v in expected["items"]}
    a_map = {}
    for k, v in items:
        label = _key_label(k)
        if label in a_map:
            raise MalformedRecord("a dict with a repeated key")
        a_map[label] = v
    problems = []
    missing = [k for k in e_map if k not in a_map]
    extra = [k for k in a_map if k not in e_map]
    if missing:
        problems.append("%s has no key%s %s" % (subject, "s" if len(missing) > 1 else "",
                                                 ", ".join(missing)))
    if extra:   # never named: a key the student's code made up is its text, not ours
        problems.append("%s has %s that should not be there"
                        % (subject, _count(len(extra), "extra key") if len(extra) <= 10 else "many extra keys"))
    for k in e_map:
        if k in a_map:
            problems += compare(e_map[k], a_map[k], spec, "%s[%s]" % (path, k))
    return problems
