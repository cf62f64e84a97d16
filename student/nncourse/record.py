"""Recording API for hidden tests.

A hidden test never judges anything inside the student's kernel. It only calls
the student's function on inputs of its own choosing and *records* what came
back::

    record_call("sigmoid of a (4, 7) array", sigmoid, x)

Each record leaves the kernel as a display output of MIME type
:data:`RECORD_MIME`. The trusted grader (``nncourse.grading``) collects those
outputs after execution and compares them with the answer key, which was built
by running the instructor's solution through the same cells.

Nothing here needs to be trustworthy: a student who tampers with this module
can only change what gets recorded, and the right values exist nowhere the
student's code can reach. What matters is that honest records are exact, so
values travel as raw bytes (base64) rather than as printed decimals.

The encoding of a value (a JSON-able dict, key ``"t"`` names the kind):

========== ===================================================================
``none``   ``None``
``bool``   ``{"v": true}``
``int``    ``{"v": 3}`` (Python int)
``float``  ``{"v": "0x1.8p+1"}`` (``float.hex``; keeps NaN, inf and every bit)
``str``    ``{"v": "text"}``
``scalar`` a NumPy scalar: ``{"dtype": "<f8", "b64": ...}``
``array``  a NumPy array: ``{"dtype": "<f8", "shape": [3, 1], "b64": ...}``
``tuple``  ``{"items": [...]}`` (likewise ``list``)
``dict``   ``{"items": [[key, value], ...]}`` with encoded keys and values
``object`` anything else, by type name only: ``{"type": "mod.Name"}``
``raised`` the call raised: ``{"type": "ValueError", "message": "..."}``
========== ===================================================================

Only *exact* types are encoded by value: a ``float`` subclass, an ``ndarray``
subclass or a NumPy scalar subclass becomes an ``object`` record and can never
match a key.
"""

from __future__ import annotations

import base64
import copy
from typing import Any, Callable

import numpy as np

RECORD_MIME = "application/vnd.nncourse.record+json"
FORMAT_VERSION = 1

#: Default tolerances, used unless a hidden test states its own.
DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9

#: Largest array (in elements) a record carries; larger ones are recorded as
#: ``object`` so that a runaway result cannot flood the notebook.
MAX_ELEMENTS = 1_000_000
_MAX_DEPTH = 20
_MESSAGE_CHARS = 200
_NUMERIC_KINDS = "biufc"


def _type_name(value: Any) -> str:
    cls = type(value)
    module = getattr(cls, "__module__", "?")
    name = getattr(cls, "__qualname__", getattr(cls, "__name__", "?"))
    return name if module == "builtins" else f"{module}.{name}"


def _is_exact_numpy_scalar(value: Any) -> bool:
    if not isinstance(value, np.generic):
        return False
    try:
        return type(value) is np.dtype(type(value)).type
    except TypeError:
        return False


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def encode(value: Any, _depth: int = 0) -> dict:
    """Encode ``value`` as a JSON-able description (see the module docstring)."""
    if _depth > _MAX_DEPTH:
        return {"t": "object", "type": "nesting deeper than %d levels" % _MAX_DEPTH}
    cls = type(value)
    if value is None:
        return {"t": "none"}
    if cls is bool:
        return {"t": "bool", "v": value}
    if cls is int:
        return {"t": "int", "v": value}
    if cls is float:
        return {"t": "float", "v": float.hex(value)}
    if cls is str:
        return {"t": "str", "v": value[:10_000]}
    if cls is np.ndarray and value.dtype.kind in _NUMERIC_KINDS and value.size <= MAX_ELEMENTS:
        return {"t": "array", "dtype": value.dtype.str, "shape": list(value.shape),
                "b64": _b64(value.tobytes(order="C"))}
    if _is_exact_numpy_scalar(value) and value.dtype.kind in _NUMERIC_KINDS:
        return {"t": "scalar", "dtype": value.dtype.str, "b64": _b64(np.asarray(value).tobytes())}
    if cls is tuple or cls is list:
        return {"t": cls.__name__, "items": [encode(item, _depth + 1) for item in value]}
    if cls is dict:
        return {"t": "dict",
                "items": [[encode(k, _depth + 1), encode(v, _depth + 1)] for k, v in value.items()]}
    return {"t": "object", "type": _type_name(value)}



def _emit(name: str, value: dict, rtol: float, atol: float, exact: bool, weight: float,
          explain: str) -> None:
    from IPython.display import display

    payload = {"format": FORMAT_VERSION, "name": str(name), "value": value,
               "spec": {"rtol": float(rtol), "atol": float(atol), "exact": bool(exact),
                        "weight": float(weight), "explain": str(explain)}}
    display({RECORD_MIME: payload, "text/plain": "<recorded: %s>" % payload["name"]}, raw=True)


def record(name: str, value: Any, *, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL,
           exact: bool = True, weight: float = 1, explain: str = "") -> None:
    """Record ``value`` under ``name`` for the grader.

    Args:
        name: what was checked, in words a student understands when the check
            fails ("softmax of a 1-row input"); unique within its test cell.
        value: what the student's code produced.
        rtol, atol: tolerances for floating-point values; an entry passes when
            ``|actual - expected| <= atol + rtol * |expected|``.
        exact: when True (the default) types must match exactly (a Python
            float is not a NumPy float64, an int array is not a float array).
            When False any real number matches any real number, and arrays
            match on shape and values whatever their numeric dtype.
        weight: this record's share of the cell's points (see the grader).
        explain: shown under the check in the student's feedback after grading
            (e.g. why a quiz answer is right); empty for none.

    Only the answer key's copy of ``rtol``, ``atol``, ``exact``, ``weight`` and
    ``explain`` is used when grading; the student's copy is ignored.
    """
    _emit(name, encode(value), rtol, atol, exact, weight, explain)


def record_call(name: str, func: Callable, *args: Any, rtol: float = DEFAULT_RTOL,
                atol: float = DEFAULT_ATOL, exact: bool = True, weight: float = 1,
                explain: str = "", **kwargs: Any) -> Any:
    """Call ``func(*args, **kwargs)`` on deep copies of the inputs and record the result.

    If the call raises, the exception's type and the first line of its message
    are recorded instead, so the remaining checks of the cell still run. The
    return value (or None after an exception) is returned for further use.
    """
    args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    try:
        result = func(*args, **kwargs)
    except Exception as exc:  # a student's bug must not stop the other checks
        message = str(exc).splitlines()[0] if str(exc) else ""
        value = {"t": "raised", "type": _type_name(exc), "message": message[:_MESSAGE_CHARS]}
        _emit(name, value, rtol, atol, exact, weight, explain)
        return None
    record(name, result, rtol=rtol, atol=atol, exact=exact, weight=weight, explain=explain)
    return result
