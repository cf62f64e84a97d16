"""Answers that do no work, made from an assignment's answer key: for every graded function, a constant
function (it returns, whatever its inputs, the value its cell's checks expect most often) and a function
that always raises (the exception some check of its cell expects, if any, else a ValueError whose message
would leak an input if a verdict ever repeated it). Both must earn 0 in every cell.
"""

from __future__ import annotations

import base64
import collections
import json
import pickle

import numpy as np

from hidden_checks import program
from grader.grading.compare import as_array

LEAK_MARK = "LEAKED-INPUT-"   # what an always-raising answer puts in its message, followed by its input


def graded_functions(assignment: str) -> list[str]:
    """The solution cells of ``assignment`` that define a function graded by a test cell of its name."""
    prog = program(assignment)
    return [name for name in prog.solutions if name + "_test" in prog.tests]


def decode(enc: dict):
    """The Python value an encoding stands for (exact NumPy types, shapes and dtypes)."""
    tag = enc["t"]
    if tag == "none":
        return None
    if tag in ("bool", "int", "str"):
        return enc["v"]
    if tag == "float":
        return float.fromhex(enc["v"])
    if tag == "scalar":
        return as_array(enc)[()]
    if tag == "array":
        return as_array(enc).copy()
    if tag in ("tuple", "list"):
        items = [decode(item) for item in enc["items"]]
        return tuple(items) if tag == "tuple" else items
    if tag == "dict":
        return {decode(k): decode(v) for k, v in enc["items"]}
    raise ValueError("no Python value for a %r record" % tag)


def commonest_value(key_cell: dict):
    """The value the checks of a cell expect most often (the first of them on a tie), decoded."""
    values = [r["value"] for r in key_cell["records"] if r["value"]["t"] != "raised"]
    counts = collections.Counter(json.dumps(v, sort_keys=True) for v in values)
    best = max(values, key=lambda v: counts[json.dumps(v, sort_keys=True)])
    return decode(best)


def expected_exception(key_cell: dict) -> str:
    raised = [r["value"]["type"] for r in key_cell["records"] if r["value"]["t"] == "raised"]
    return raised[0] if raised else "ValueError"


def constant_answer(function: str, value) -> str:
    """The code of a solution cell whose ``function`` returns ``value`` whatever it is given."""
    blob = base64.b64encode(pickle.dumps(value)).decode("ascii")
    return ("import base64 as _base64, copy as _copy, pickle as _pickle\n"
            "_constant_of_%s = _pickle.loads(_base64.b64decode(%r))\n"
            "def %s(*args, **kwargs):\n"
            "    return _copy.deepcopy(_constant_of_%s)\n" % (function, blob, function, function))


def raising_answer(function: str, exception: str) -> str:
    """The code of a solution cell whose ``function`` always raises ``exception`` (a built-in type),
    with a message that repeats its inputs (after LEAK_MARK, which the cell's source spells in two
    pieces, so that only a message, never the source, can show it whole)."""
    head, tail = LEAK_MARK[:6], LEAK_MARK[6:]
    return ("def %s(*args, **kwargs):\n"
            "    raise %s(%r + %r + repr(args)[:60])\n" % (function, exception, head, tail))


def trivial_submissions(assignment: str, key: dict) -> dict[str, dict[str, str]]:
    """{"constant": {function: code}, "raising": {function: code}} for every graded function, from the
    answer key's cells ({test grade_id: key cell})."""
    constant, raising = {}, {}
    for function in graded_functions(assignment):
        cell = key[function + "_test"]
        constant[function] = constant_answer(function, commonest_value(cell))
        raising[function] = raising_answer(function, expected_exception(cell))
    return {"constant": constant, "raising": raising}


def as_plain(value):
    """For messages: a short description of a decoded value."""
    return type(value).__name__ + (str(np.shape(value)) if isinstance(value, np.ndarray) else "")
