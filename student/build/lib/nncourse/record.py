"""Recording API for hidden tests.

A hidden test never judges anything inside the student's kernel. It only calls
the student's function on inputs of its own choosing and *records* what came
back::

    record_call("sigmoid of a (4, 7) array", sigmoid, x)
    record_printed("what optimize prints with print_cost=True", optimize, w, b, X, Y, print_cost=True)
    record_inputs_after("the arrays optimize is given, after the call", optimize, w, b, X, Y)

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
``raised`` the call raised: ``{"type": "mod.Name", "base": "TypeError"}`` (no message)
========== ===================================================================

Only *exact* types are encoded by value: a ``float`` subclass, an ``ndarray``
subclass or a NumPy scalar subclass becomes an ``object`` record and can never
match a key.
"""

from __future__ import annotations

import base64
import builtins
import contextlib
import copy
import io
import sys
from typing import Any, Callable

import numpy as np

RECORD_MIME = "application/vnd.nncourse.record+json"
FORMAT_VERSION = 1

#: Default tolerances, used unless a hidden test states its own.
DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9

#: How a check treats a right value in another form than the one asked for (a NumPy float64 where the
#: exercise asks for a Python float, 0 for 0.0, 0/1 numbers for booleans, a 0-d array for a number, a
#: list for a tuple); see :func:`record`.
FORMS = ("strict", "share", "any")

#: Largest array (in elements) a record carries; larger ones are recorded as
#: ``object`` so that a runaway result cannot flood the notebook.
MAX_ELEMENTS = 1_000_000
_MAX_DEPTH = 20
_MAX_PRINTED = 10_000
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


# ---------------------------------------------------------------- what a call did
def _builtin_base(exc: BaseException) -> str:
    """The name of the nearest built-in exception class of ``exc`` (``TypeError`` for NumPy's
    ``_UFuncOutputCastingError``), so that the grader can name the kind of error in its own words."""
    for cls in type(exc).__mro__:
        if getattr(cls, "__module__", None) == "builtins" and getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return "Exception"


def encode_raised(exc: BaseException) -> dict:
    """A ``raised`` record: the exception's type and its nearest built-in base, never its message
    (the message is text the student's code wrote, and may carry anything)."""
    return {"t": "raised", "type": _type_name(exc), "base": _builtin_base(exc)}


def _call(func: Callable, args: tuple, kwargs: dict, capture: bool = False) -> tuple[dict, Any, str]:
    """Call ``func`` on deep copies of ``args`` and ``kwargs``.

    Returns (the encoded result or raised record, the arguments as the call left them, the text the
    call printed to stdout when ``capture``).
    """
    args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed) if capture else contextlib.nullcontext():
            result = func(*args, **kwargs)
    except Exception as exc:  # a student's bug must not stop the other checks
        return encode_raised(exc), (args, kwargs), printed.getvalue()
    return encode(result), (args, kwargs), printed.getvalue()


@contextlib.contextmanager
def stand_ins(namespace: dict, replacements: dict[str, Callable]):
    """Bind each name of ``replacements`` to its stand-in in ``namespace`` for the duration of the
    block, then restore what was there (also when the block raises)."""
    missing = object()
    saved = {name: namespace.get(name, missing) for name in replacements}
    namespace.update(replacements)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def _mutable_arguments(args: tuple, kwargs: dict) -> dict:
    """The arguments a function could change in place (arrays, lists, dicts and tuples holding them),
    keyed "argument 1", "argument 2", ... by position and by keyword name."""
    def mutable(value: Any) -> bool:
        if isinstance(value, (np.ndarray, list, dict)):
            return True
        return isinstance(value, tuple) and any(mutable(item) for item in value)

    kept = {"argument %d" % (i + 1): a for i, a in enumerate(args) if mutable(a)}
    kept.update({"argument %s" % k: v for k, v in kwargs.items() if mutable(v)})
    return kept


def _emit(payload: dict) -> None:
    """Send one record to the grader, as a display output of the record MIME type."""
    from IPython.display import display

    display({RECORD_MIME: payload, "text/plain": "<recorded: %s>" % payload["name"]}, raw=True)


def form_of(exact: bool, form: str | None) -> str:
    """The form setting of a check: ``form`` when given (one of :data:`FORMS`), else "strict" for an
    ``exact`` check and "any" for the others."""
    if form is None:
        return "strict" if exact else "any"
    if form not in FORMS:
        raise ValueError("form must be one of %s, not %r" % (", ".join(FORMS), form))
    return form


def _send(name: str, value: dict, *, rtol: float, atol: float, exact: bool, weight: float, explain: str,
          guard: bool = False, compare: str = "value", alt: dict | None = None, type_hint: str = "",
          form: str | None = None) -> None:
    form = form_of(exact, form)
    payload = {"format": FORMAT_VERSION, "name": str(name), "value": value,
               "spec": {"rtol": float(rtol), "atol": float(atol), "exact": form != "any",
                        "weight": float(weight), "explain": str(explain), "guard": bool(guard),
                        "compare": str(compare), "type_hint": str(type_hint), "form": form}}
    if alt is not None:
        payload["alt"] = alt
    _emit(payload)


def record(name: str, value: Any, *, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL,
           exact: bool = True, form: str | None = None, weight: float = 1, explain: str = "",
           guard: bool = False, type_hint: str = "") -> None:
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
        form: how a value that is right but in another form is scored; it
            replaces ``exact`` when given. Form means the type of a number
            (Python or NumPy, int or float, a bool for 0/1, a 0-d array) and
            the kind of a sequence (list or tuple); shapes, lengths and dict
            keys are never a matter of form and always count.
            "strict": the form is what the exercise teaches, so another form
            fails (``exact=True``); "share": the form is asked for but is not
            the point, so a right value in another form keeps a share of the
            check (80 %, set by the grader) and the feedback says once what
            form was asked for and why (say why in ``type_hint``); "any": the
            form does not matter (``exact=False``).
        weight: this record's share of the cell's points (see the grader).
        explain: shown under the check in the student's feedback after grading
            (e.g. why a quiz answer is right, or why a dtype matters); empty for none.
        guard: the check is one that a function doing no real work could pass (it
            expects a constant any trivial function returns, or an input left
            alone): it counts only when a check of real work in the same cell
            passes. Checks that expect an exception or an empty printout are
            guards without saying so.
        type_hint: where the type or dtype matters to the exercise, what it asks
            for and why (said only when the value is right but its form is
            not), e.g. "the exercise asks for 0.0 and 1.0 as floats, like the
            labels Y".

    Only the answer key's copy of these settings is used when grading; the
    student's copy is ignored.
    """
    _send(name, encode(value), rtol=rtol, atol=atol, exact=exact, weight=weight, explain=explain,
          guard=guard, type_hint=type_hint, form=form)


def record_call(name: str, func: Callable, *args: Any, rtol: float = DEFAULT_RTOL,
                atol: float = DEFAULT_ATOL, exact: bool = True, form: str | None = None, weight: float = 1,
                explain: str = "", guard: bool = False, type_hint: str = "",
                stand_in: dict | None = None, **kwargs: Any) -> None:
    """Call ``func(*args, **kwargs)`` on deep copies of the inputs and record the result.

    If the call raises, the exception's type is recorded instead (never its
    message), so the remaining checks of the cell still run. The settings are
    those of :func:`record`.

    ``stand_in`` ({name: function}) charges a bug where it is: the call is made a
    second time with those names of the notebook (the earlier exercises that
    ``func`` calls) bound to the given stand-ins, functions that return
    synthetic values of the right shapes (never a reference implementation, never
    an expected value) that depend on every argument they get (its position,
    shape and values), so that a wrong call shows. The check passes when either
    call matches the key's: a right function passes even when the earlier
    exercise it calls is wrong (the second call), or when it does the earlier
    work itself (the first).

    Returns None: a hidden test never judges anything itself.
    """
    namespace = sys._getframe(1).f_globals   # the notebook's namespace: where the graded names live
    value, _, _ = _call(func, args, kwargs)
    alt = None
    if stand_in:
        with stand_ins(namespace, stand_in):
            alt, _, _ = _call(func, args, kwargs)
    _send(name, value, rtol=rtol, atol=atol, exact=exact, weight=weight, explain=explain, guard=guard,
          alt=alt, type_hint=type_hint, form=form)


def record_printed(name: str, func: Callable, *args: Any, rtol: float = DEFAULT_RTOL,
                   atol: float = 0.0, weight: float = 1, explain: str = "",
                   stand_in: dict | None = None, **kwargs: Any) -> None:
    """Call ``func(*args, **kwargs)`` on deep copies and record what it printed (its stdout).

    The grader compares the printout line by line with the key's: the words
    must be the same (case and spacing aside), integers equal, and other numbers
    equal to the digits the key printed (or within ``rtol``). A call that raises
    records the exception instead. A printout that the key expects to be empty
    is a guard check (see :func:`record`). ``stand_in`` works as in
    :func:`record_call`.
    """
    namespace = sys._getframe(1).f_globals

    def printout(run_args, run_kwargs):
        value, _, text = _call(func, run_args, run_kwargs, capture=True)
        return value if value["t"] == "raised" else encode(text[:_MAX_PRINTED])

    value = printout(args, kwargs)
    alt = None
    if stand_in:
        with stand_ins(namespace, stand_in):
            alt = printout(args, kwargs)
    _send(name, value, rtol=rtol, atol=atol, exact=True, weight=weight, explain=explain,
          compare="printed", alt=alt)


def record_inputs_after(name: str, func: Callable, *args: Any, weight: float = 1, explain: str = "",
                        stand_in: dict | None = None, **kwargs: Any) -> None:
    """Call ``func(*args, **kwargs)`` on deep copies and record the arrays, lists and dicts it was
    given, as the call left them: the key holds them unchanged, so a function that changes its
    caller's data fails this check. It is a guard check (a function that does nothing passes it),
    compared exactly; a call that raises records the exception (and fails). ``stand_in`` works as
    in :func:`record_call` (so that an earlier exercise that raises does not hide this one's
    behaviour).
    """
    namespace = sys._getframe(1).f_globals

    def inputs_after():
        value, (after_args, after_kwargs), _ = _call(func, args, kwargs)
        return value if value["t"] == "raised" else encode(_mutable_arguments(after_args, after_kwargs))

    value = inputs_after()
    alt = None
    if stand_in:
        with stand_ins(namespace, stand_in):
            alt = inputs_after()
    _send(name, value, rtol=0.0, atol=0.0, exact=True, weight=weight, explain=explain, guard=True,
          compare="inputs", alt=alt)
