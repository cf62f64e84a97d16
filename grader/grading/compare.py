"""Compare a recorded value with the answer key's value.

This runs in the trusted grader, outside the student's kernel. Both sides are
encodings made by :func:`nncourse.record.encode`; nothing of the student's is
ever executed here, only decoded from JSON and base64.

The rules (``spec`` always comes from the answer key, never from the student):

* **Types.** With ``exact`` (the default) the kinds must agree: a Python float
  is not a NumPy float64, which is not a 0-d array; a tuple is not a list; a
  float subclass is an ``object`` and never matches. Without ``exact`` any real
  number (int, float, NumPy scalar, 0-d array) matches any real number, and an
  array matches an array of any numeric dtype with the same shape.
* **Shapes** must be equal: ``(n,)`` is not ``(n, 1)``.
* **Dtype kind** (bool, integer, floating, complex) must agree under ``exact``;
  float32 and float64 are both floating.
* **Values**: booleans and integers exactly; floats entry by entry with
  ``|actual - expected| <= atol + rtol * |expected|``. NaN matches only NaN and
  an infinity only the same infinity.
* **Dicts** need the same keys; **tuples and lists** the same length; then
  every item is compared recursively and problems are reported with a path
  such as ``['dW1']`` or ``[0]``.
* **Exceptions**: when the key says the call raises, the student's call must
  raise the same exception type.

Problems are phrased for the student: they name the shape, type, key or the
size of the error, never the expected value itself.

**Nothing the student's code produced is echoed** (leak safety): the records
come out of the student's kernel, where hidden test source and hidden inputs
can be seen, so any text copied from them into a verdict could carry those
out. An exception is named by its type only, and only when that type is one of
Python's built-in exceptions (or one of a few NumPy ones); no exception
message, type name of the student's own, dict key of the student's or string
value is repeated; the student's shapes and lengths are repeated only when
they are close to the expected ones (see :func:`shown_shape`).
"""

from __future__ import annotations

import base64
import binascii
import builtins
from typing import Any

import numpy as np

_KIND_WORDS = {"b": "booleans", "i": "integers", "u": "integers", "f": "floating-point numbers",
               "c": "complex numbers"}
_KIND_GROUP = {"b": "b", "i": "i", "u": "i", "f": "f", "c": "c"}
_REAL_SCALAR_TAGS = ("int", "float", "scalar")

#: Exception type names that a verdict may repeat: Python's built-in exceptions and a few of
#: NumPy's. Any other name in a record is student-controlled text (a class of their own can be
#: called anything) and is never shown.
SAFE_EXCEPTION_NAMES = frozenset(
    [name for name, value in vars(builtins).items()
     if isinstance(value, type) and issubclass(value, BaseException)]
    + ["numpy.exceptions.AxisError", "numpy.linalg.LinAlgError", "numpy.exceptions.ComplexWarning"])
#: Object type names that a verdict may repeat (a return value of the wrong kind).
SAFE_TYPE_NAMES = frozenset(
    [name for name, value in vars(builtins).items() if isinstance(value, type)]
    + ["numpy.ndarray", "numpy.matrix", "numpy.ma.MaskedArray", "numpy.ma.core.MaskedArray"])


def exception_name(name: object) -> str:
    """How a verdict names an exception type taken from a record (leak-safe)."""
    if isinstance(name, str) and name in SAFE_EXCEPTION_NAMES:
        return name
    return "an exception that is not one of Python's built-in exceptions"


def _type_name(name: object) -> str:
    if isinstance(name, str) and name in SAFE_TYPE_NAMES:
        return "type " + name
    return "a type that is not a number, array or built-in container"


def shown_shape(shape: object, expected: object = None) -> str:
    """The student's ``shape`` as a verdict may show it: in full when it is plausible next to the
    ``expected`` shape (at most two more dimensions, none more than ten times the largest
    expected one), else only its number of dimensions. So a made-up shape cannot carry text."""
    if not isinstance(shape, (list, tuple)) or not all(type(n) is int for n in shape):
        return "an unreadable shape"
    reference = list(expected) if isinstance(expected, (list, tuple)) else []
    limit = 10 * max(reference + [1]) + 10
    if len(shape) <= len(reference) + 2 and all(0 <= n <= limit for n in shape):
        return str(tuple(shape))
    return "%s dimensions" % (len(shape) if len(shape) <= len(reference) + 4 else "many")


def shown_count(count: int, expected: int) -> str:
    """A student's length as a verdict may show it (bounded, like :func:`shown_shape`)."""
    return "%d" % count if count <= 10 * expected + 10 else "far more than %d" % expected


class MalformedRecord(ValueError):
    """A record that is not a well-formed encoding (tampered with or truncated)."""


# ---------------------------------------------------------------- decoding
def _bytes_to_array(enc: dict, shape: list) -> np.ndarray:
    try:
        dtype = np.dtype(enc["dtype"])
        raw = base64.b64decode(enc["b64"], validate=True)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise MalformedRecord("bad array encoding: %s" % exc) from None
    if dtype.kind not in _KIND_GROUP:
        raise MalformedRecord("unsupported dtype %s" % dtype)
    if not all(type(n) is int and n >= 0 for n in shape):
        raise MalformedRecord("bad shape %r" % (shape,))
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
    raise MalformedRecord("not a number: %r" % tag)


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
            raise MalformedRecord("a %s record without a type name" % tag)
    elif tag != "none":
        raise MalformedRecord("unknown record kind %r" % tag)


# ---------------------------------------------------------------- describing
def describe(enc: dict, like: dict | None = None) -> str:
    """A short phrase for what a record holds, e.g. 'a NumPy array of shape (3, 1)'.

    ``like`` is the key's value when ``enc`` is the student's: shapes and lengths are then shown
    only as far as :func:`shown_shape` allows, and type names only when they are safe.
    """
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
        return "a NumPy array of shape %s" % shown_shape(enc["shape"], like.get("shape"))
    if tag in ("tuple", "list"):
        n = len(enc["items"])
        if like is not None:
            return "a %s of %s item%s" % (tag, shown_count(n, len(like.get("items", []))),
                                          "" if n == 1 else "s")
        return "a %s of %d item%s" % (tag, n, "" if n == 1 else "s")
    if tag == "dict":
        return "a dict"
    if tag == "raised":
        return "an exception (%s)" % exception_name(enc.get("type"))
    if tag == "object":
        return "an object of %s" % _type_name(enc.get("type"))
    raise MalformedRecord("unknown record kind %r" % (tag,))


def _is_real_number(enc: dict) -> bool:
    if enc.get("t") in _REAL_SCALAR_TAGS:
        return enc.get("t") != "scalar" or np.dtype(enc["dtype"]).kind in "iuf"
    return enc.get("t") == "array" and enc.get("shape") == [] and np.dtype(enc["dtype"]).kind in "iuf"


# ---------------------------------------------------------------- values
def compare_values(expected: np.ndarray, actual: np.ndarray, rtol: float, atol: float,
                   exact_kind: bool) -> str | None:
    """Compare two arrays of equal shape; return a problem or None."""
    e_kind, a_kind = _KIND_GROUP[expected.dtype.kind], _KIND_GROUP[actual.dtype.kind]
    if exact_kind and e_kind != a_kind:
        return "holds %s (%s) where %s were expected" % (
            _KIND_WORDS[actual.dtype.kind], actual.dtype.name, _KIND_WORDS[expected.dtype.kind])
    total = expected.size
    if e_kind in "bi" and a_kind in "bi":
        wrong = int(np.count_nonzero(expected != actual))
        if wrong:
            return "%d of %d entries are wrong" % (wrong, total)
        return None
    e = expected.astype(np.complex128 if "c" in (e_kind, a_kind) else np.float64)
    a = actual.astype(e.dtype)
    e_nan, a_nan = np.isnan(e), np.isnan(a)
    if np.any(a_nan & ~e_nan):
        return "has NaN in %d of %d entries" % (int(np.count_nonzero(a_nan & ~e_nan)), total)
    if np.any(e_nan & ~a_nan):
        return "has a number in %d of %d entries where the result is not a number (NaN)" % (
            int(np.count_nonzero(e_nan & ~a_nan)), total)
    e_inf, a_inf = np.isinf(e), np.isinf(a)
    if np.any(a_inf & ~e_inf):
        return "overflows to infinity in %d of %d entries" % (
            int(np.count_nonzero(a_inf & ~e_inf)), total)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(a - e)
        close = (a == e) | (diff <= atol + rtol * np.abs(e)) | (e_nan & a_nan)
    ok = np.where(e_inf, a == e, close)  # an infinity matches only the same infinity
    wrong = int(np.count_nonzero(~ok))
    if not wrong:
        return None
    finite = ~ok & ~e_inf
    nonzero = finite & (e != 0)
    if np.any(nonzero):
        size = "largest relative error %.2g" % float(np.max(diff[nonzero] / np.abs(e[nonzero])))
    elif np.any(finite):   # where the result is 0, only an absolute error means something
        size = "largest absolute error %.2g" % float(np.max(diff[finite]))
    else:
        size = "an infinite entry differs"
    allowed = "allowed: rtol=%g, atol=%g" % (rtol, atol)
    if expected.ndim == 0:
        return "is off (%s; %s)" % (size.replace("largest ", ""), allowed)
    return "%d of %d values are off (%s; %s)" % (wrong, total, size, allowed)


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
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise MalformedRecord("%s: %s" % (type(exc).__name__, exc)) from None


def compare(expected: dict, actual: dict, spec: dict, path: str = "") -> list[str]:
    """Compare two encodings recursively (see :func:`compare_record`)."""
    if not isinstance(actual, dict) or "t" not in actual:
        raise MalformedRecord("a value without a kind")
    exact = bool(spec.get("exact", True))
    rtol, atol = float(spec.get("rtol", 0.0)), float(spec.get("atol", 0.0))
    where = path + ": " if path else ""
    e_tag, a_tag = expected["t"], actual["t"]

    if e_tag == "raised" or a_tag == "raised":
        if e_tag == a_tag:
            if expected.get("type") == actual.get("type"):
                return []
            return [where + "raised %s, which is not the exception this input should raise"
                    % exception_name(actual.get("type"))]
        if a_tag == "raised":   # its message is the student's text: never shown
            return [where + "raised %s" % exception_name(actual.get("type"))]
        return [where + "returned %s, but this input should raise %s"
                % (describe(actual, expected), expected.get("type"))]

    if not exact and _is_real_number(expected) and _is_real_number(actual):
        problem = compare_values(as_array(expected), as_array(actual), rtol, atol, exact_kind=False)
        return [where + "the number " + problem] if problem else []  # e.g. "the number is off (...)"

    if e_tag != a_tag:
        return [where + "is %s, but %s was expected" % (describe(actual, expected), describe(expected))]

    if e_tag == "none":
        return []
    if e_tag == "bool":
        return [] if actual.get("v") is expected["v"] else [where + "has the wrong truth value"]
    if e_tag == "str":
        return [] if actual.get("v") == expected["v"] else [where + "is not the expected text"]
    if e_tag in ("int", "float", "scalar"):
        problem = compare_values(as_array(expected), as_array(actual), rtol, atol, exact_kind=exact)
        return [where + "the value " + problem] if problem else []
    if e_tag == "array":
        if actual.get("shape") != expected["shape"]:
            got = actual.get("shape")
            return [where + "has shape %s, but shape %s was expected"
                    % (shown_shape(got, expected["shape"]), tuple(expected["shape"]))]
        problem = compare_values(as_array(expected), as_array(actual), rtol, atol, exact_kind=exact)
        return [where + problem] if problem else []
    if e_tag in ("tuple", "list"):
        items = actual.get("items")
        if not isinstance(items, list):
            raise MalformedRecord("a %s without items" % e_tag)
        if len(items) != len(expected["items"]):
            return [where + "has %s items, but %d were expected"
                    % (shown_count(len(items), len(expected["items"])), len(expected["items"]))]
        problems = []
        for i, (e_item, a_item) in enumerate(zip(expected["items"], items)):
            problems += compare(e_item, a_item, spec, "%s[%d]" % (path, i))
        return problems
    if e_tag == "dict":
        return _compare_dicts(expected, actual, spec, path)
    raise MalformedRecord("unknown record kind %r" % e_tag)


def _key_label(enc: Any) -> str:
    if isinstance(enc, dict) and enc.get("t") in ("str", "int", "bool"):
        return repr(enc.get("v"))
    return "<%s>" % (describe(enc) if isinstance(enc, dict) else "?")


def _compare_dicts(expected: dict, actual: dict, spec: dict, path: str) -> list[str]:
    where = path + ": " if path else ""
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
        problems.append(where + "missing key%s %s" % ("s" if len(missing) > 1 else "", ", ".join(missing)))
    if extra:   # the student's own keys are never repeated
        problems.append(where + "%s unexpected key%s" % (shown_count(len(extra), len(e_map)),
                                                          "s" if len(extra) > 1 else ""))
    for k in e_map:
        if k in a_map:
            problems += compare(e_map[k], a_map[k], spec, "%s[%s]" % (path, k))
    return problems
