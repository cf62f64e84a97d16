"""Visible checks for students: friendly, in the kernel, and never graded.

These run in the student's own kernel next to the exercises. They teach: a
failure says what is wrong in plain words (type, shape, how far off), and the
expected values they use are the public examples printed in the notebook.
Grading never relies on them (it uses other inputs, and compares outside the
kernel: see the grader's documentation).

Importing this module in IPython (every notebook's setup cell does) also makes
a failed check *read* like one: instead of a traceback through this module's
source, the cell shows the check's message first and then only the line of the
notebook that failed (:func:`show_failed_check`). Any ``AssertionError`` is
shown that way, so a student's own ``assert`` reads the same. While nbgrader's
Validate runs the notebook, every error of a cell is one line naming the
exercise (:func:`validate_line`), so that Validate's dialog lists one plain line
per exercise whose visible checks fail. It also makes NumPy print its scalars as
plain numbers (:func:`print_plain_numbers`).
"""

from __future__ import annotations

import ast
import linecache
import os
import re
from typing import Any

import numpy as np

PASS_MARK = "\u2714"  # heavy check mark
FAIL_MARK = "\u2718"  # heavy ballot X
_RED, _BOLD, _RESET = "\x1b[31m", "\x1b[1m", "\x1b[0m"


class CheckFailed(AssertionError):
    """A visible check did not pass; the message says what to look at."""


def with_article(name: str) -> str:
    """'a float', 'an int', 'an ndarray': a type (or any word) with its indefinite article."""
    return ("an %s" if name[:1].lower() in "aeiou" else "a %s") % name


def _kind(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return "a NumPy array of shape %s and dtype %s" % (value.shape, value.dtype)
    if value is None:
        return "None (did the function forget to `return` its result?)"
    return with_article(type(value).__name__)


def assert_close(actual: Any, expected: Any, what: str, *, rtol: float = 1e-6,
                 atol: float = 1e-8) -> None:
    """Check that ``actual`` has the type and shape of ``expected`` and close values.

    ``expected`` is a Python float (then ``actual`` must be a real number) or
    anything NumPy turns into an array (then ``actual`` must be an ndarray of
    the same shape).
    """
    __tracebackhide__ = True
    if isinstance(expected, float):
        if not isinstance(actual, (float, np.floating)) or isinstance(actual, np.ndarray):
            raise CheckFailed("%s should be a single real number (a float), but it is %s."
                              % (what, _kind(actual)))
        if not np.isclose(float(actual), expected, rtol=rtol, atol=atol):
            raise CheckFailed("%s is %r, but %r was expected." % (what, float(actual), expected))
    else:
        want = np.asarray(expected)
        if not isinstance(actual, np.ndarray):
            raise CheckFailed("%s should be a NumPy array of shape %s, but it is %s."
                              % (what, want.shape, _kind(actual)))
        if actual.shape != want.shape:
            raise CheckFailed("%s has shape %s, but shape %s was expected."
                              % (what, actual.shape, want.shape))
        if not np.allclose(actual, want, rtol=rtol, atol=atol):
            raise CheckFailed("%s has the right shape but wrong values.\n  got:      %s\n  expected: %s"
                              % (what, np.array2string(actual, precision=8),
                                 np.array2string(want, precision=8)))
    print("%s %s" % (PASS_MARK, what))


def assert_type(actual: Any, expected_type: type, what: str) -> None:
    """Check that ``type(actual)`` is exactly ``expected_type``."""
    __tracebackhide__ = True
    if type(actual) is not expected_type:
        raise CheckFailed("%s should be of type %s, but it is %s."
                          % (what, expected_type.__name__, _kind(actual)))
    print("%s %s is %s" % (PASS_MARK, what, with_article(expected_type.__name__)))


def assert_raises(exc_type: type, func, *args: Any, what: str) -> None:
    """Check that ``func(*args)`` raises ``exc_type``."""
    __tracebackhide__ = True
    try:
        func(*args)
    except exc_type as exc:
        print("%s %s raises %s (%s)" % (PASS_MARK, what, exc_type.__name__, exc))
        return
    except Exception as exc:  # report what it raised instead
        raise CheckFailed("%s should raise %s, but raised %s: %s"
                          % (what, exc_type.__name__, type(exc).__name__, exc)) from None
    raise CheckFailed("%s should raise %s, but it returned normally." % (what, exc_type.__name__))


# ---------------------------------------------------------------- how a failed check reads
def _notebook_line(tb, namespace: dict) -> tuple[str, int, str] | None:
    """Where the failure is in the notebook: (where, line number, source line) of the innermost frame
    that runs notebook code (its globals are the notebook's namespace) and does not hide itself
    (``__tracebackhide__``, as the helpers of this module and of the notebooks set)."""
    found, outermost = None, None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_globals is namespace and not frame.f_locals.get("__tracebackhide__"):
            if outermost is None:
                outermost = frame
            found = (frame, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return None
    frame, number = found
    text = linecache.getline(frame.f_code.co_filename, number).strip()
    where = "this cell" if frame is outermost else "%s(), in the cell that defines it" % frame.f_code.co_name
    return where, number, text


def show_failed_check(shell, etype, value, tb, tb_offset=None) -> list[str]:
    """IPython's handler for a failed check (an AssertionError): the message first, then the one line
    of the notebook that failed; no traceback through library code. Returns what it showed."""
    message = str(value).strip() or "%s (a check failed without a message)" % etype.__name__
    lines = message.splitlines()
    shown = ["%s%s%s %s%s" % (_RED, _BOLD, FAIL_MARK, lines[0], _RESET)] + lines[1:]
    place = _notebook_line(tb, shell.user_ns)
    if place is not None:
        where, number, text = place
        shown.append("%s(line %d of %s: %s)%s" % (_RED, number, where, text, _RESET))
    shell._showtraceback(etype, value, shown)
    return shown


def _notebook_frames(tb, namespace: dict) -> list:
    """The frames of ``tb`` that run notebook code, outermost first."""
    frames = []
    while tb is not None:
        if tb.tb_frame.f_globals is namespace:
            frames.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    return frames


def exercise_of(cell_source: str) -> str:
    """What a check cell is called in one line: 'Question 2' for a quiz question, the function a check cell's
    docstring starts with ('softmax'), or the docstring's first line; '' when the cell has none."""
    try:
        doc = ast.get_docstring(ast.parse(cell_source)) or ""
    except SyntaxError:
        return ""
    first = doc.strip().splitlines()[0] if doc.strip() else ""
    found = re.match(r"(Question \d+)\b", first) or re.match(r"([A-Za-z_]\w*) ", first)
    return found.group(1) if found else first


def validate_line(shell, etype, value, tb) -> str:
    """The one line Validate's dialog shows for a cell that failed: which exercise, and what to do."""
    frames = _notebook_frames(tb, shell.user_ns)
    cell = "".join(linecache.getlines(frames[0][0].f_code.co_filename)) if frames else ""
    name = exercise_of(cell) or "a check cell"
    inner = frames[-1][0].f_code.co_name if frames else "<module>"
    message = str(value).strip().splitlines()[0] if str(value).strip() else ""
    if issubclass(etype, AssertionError):
        what = message or "a check failed"
    elif issubclass(etype, NotImplementedError):
        what = ("not done yet: %s() still raises NotImplementedError; replace that line with your code" % inner
                if inner != "<module>" else "not answered yet: replace raise NotImplementedError() with your answer")
    elif issubclass(etype, NameError):
        missing = getattr(value, "name", None) or message
        what = ("%s is not defined: answer or solve the exercise above it, and run its cell" % missing)
    else:
        number = frames[-1][1] if frames else 0
        text = linecache.getline(frames[-1][0].f_code.co_filename, number).strip() if frames else ""
        where = "" if not text else " (line %d of %s: %s)" % (
            number, "this cell" if inner == "<module>" else "%s()" % inner, text)
        what = "%s%s%s" % (etype.__name__, ": " + message if message else "", where)
    return "%s %s: %s" % (FAIL_MARK, name, what)


def show_validate_line(shell, etype, value, tb, tb_offset=None) -> list[str]:
    """IPython's handler for any error while Validate runs the notebook: :func:`validate_line`, alone."""
    shown = ["%s%s%s" % (_RED, validate_line(shell, etype, value, tb), _RESET)]
    shell._showtraceback(etype, value, shown)
    return shown


def validating() -> bool:
    """True while nbgrader's Validate runs the notebook (it sets NBGRADER_EXECUTION to "validate")."""
    return os.environ.get("NBGRADER_EXECUTION") == "validate"


def install_failure_display(shell=None) -> bool:
    """Show failed checks with :func:`show_failed_check` in ``shell`` (the running IPython, by default), or,
    while Validate runs the notebook, every error as one line (:func:`show_validate_line`). Returns whether
    there was a shell to install it in."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    if validating():
        shell.set_custom_exc((Exception,), show_validate_line)
    else:
        shell.set_custom_exc((AssertionError,), show_failed_check)
    return True


def print_plain_numbers() -> None:
    """Print NumPy scalars as plain numbers, ``[0.693, -0.04]`` rather than NumPy 2's
    ``[np.float64(0.693), np.float64(-0.04)]``: what the course's printouts show and what a student
    expects to read. Arrays print as before."""
    np.set_printoptions(legacy="1.25")


install_failure_display()
print_plain_numbers()
