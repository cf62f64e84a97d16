"""Visible checks for students: friendly, in the kernel, and never graded.

These run in the student's own kernel next to the exercises. They teach: a
failure says what is wrong in plain words (type, shape, how far off), and the
expected values they use are the public examples printed in the notebook.
Grading never relies on them (see nncourse.grading).
"""

from __future__ import annotations

from typing import Any

import numpy as np

PASS_MARK = "\u2714"  # heavy check mark


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
