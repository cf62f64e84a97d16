"""Autograde one submission and make its feedback, in a process of its own:
``python -m grader.grade_one ROOT ASSIGNMENT STUDENT``.

Run by :func:`grader.pipeline.autograde` under an outer time limit, so that a
submission that hangs or crashes the grader costs only itself. Prints one JSON
line: {"success": bool, "reason": str}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .course import Course
from .pipeline import _failure_reason, _quiet_gradebook


def main(argv: list[str]) -> int:
    root, assignment, student = argv
    course = Course(Path(root))
    with _quiet_gradebook():
        result = course.api().autograde(assignment, student, force=True, create=True)
        reason = "" if result["success"] else "autograde failed: %s" % _failure_reason(result)
        if not reason:
            result = course.api().generate_feedback(assignment, student, force=True)
            reason = "" if result["success"] else "feedback failed: %s" % _failure_reason(result)
    print(json.dumps({"success": not reason, "reason": reason}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
