"""What every call into nbgrader needs: its gradebook's warnings silenced, its failures read.

nbgrader's API answers ``{"success": bool, "log": str, "error": str}`` and its commands print tracebacks;
:func:`failure_reason` finds the line that names the real cause in either.
"""

from __future__ import annotations

import re
import warnings
from contextlib import contextmanager


def last_line(text: str | None) -> str:
    """The last non-blank line of ``text`` ("unknown error" when there is none)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"


@contextmanager
def quiet_gradebook():
    """nbgrader 0.9.6's gradebook code trips SQLAlchemy 2's harmless autoflush warnings."""
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        yield


#: Messages that only wrap the real error (nbgrader's "Please see the the above traceback").
_GENERIC = ("Please see the", "There was an error processing")
_EXCEPTION_LINE = re.compile(r"^\s*([\w.]*(?:Error|Exception|MissingEntry|Exit|Interrupt))\b[^:]*: (.+)$")
#: What to do about the failures an instructor meets, by a phrase of their message.
_HINTS = {
    "exists in the database": "generate it first: python -m grader release",
    "No notebooks found": "generate it first: python -m grader release",
}


def failure_reason(result: dict) -> str:
    """The most specific error of a failed nbgrader API call (never its generic wrapper), with what
    to do about it when that is known."""
    lines = (result.get("log") or "").splitlines() + (result.get("error") or "").splitlines()
    errors = []
    for line in lines:
        match = _EXCEPTION_LINE.match(line)
        if match and not match.group(2).strip().startswith(_GENERIC):
            errors.append("%s: %s" % (match.group(1).rsplit(".", 1)[-1], match.group(2).strip()))
    if not errors:   # nbgrader's own error lines, "[ERROR] <message>", less the generic ones
        errors = [line.split("]", 1)[1].strip() for line in lines if line.startswith("[ERROR]")
                  and not line.split("]", 1)[1].strip().startswith(_GENERIC + ("Traceback",))]
    reason = errors[-1] if errors else last_line(result.get("error") or result.get("log"))
    hint = next((h for phrase, h in _HINTS.items() if phrase in reason), "")
    return reason + ("; %s" % hint if hint else "")
