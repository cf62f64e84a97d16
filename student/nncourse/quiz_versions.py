"""Quiz versions: every student sees the options of each quiz question in an order of their own.

The order is a permutation of the question's letters, the same every time for one student of one course,
computed here and only here (:func:`option_order`): the quiz buttons (the lab extension asks the kernel for
:func:`versions`) show it, and the grader uses the same function, with the course's own student id, to map a
student's letters back to the options of the answer key. Nothing here knows which option is right.

Orders are strings of letters: for the letters ``"abcd"`` and the order ``"cadb"``, the option a student sees
as a) is the original option c, their b) is the original a, and so on (``order[i]`` is shown as
``letters[i]``).

Where the student id comes from, on the student's side: ``JUPYTERHUB_USER`` (on the course's hub the same name
nbgrader's exchange hands in), with the course id of nbgrader's settings in the student's Jupyter
configuration (``c.CourseDirectory.course_id``, which the hub writes). Without either (a notebook downloaded
from an LMS and run at home), the options stay in the notebook's own order for everyone, and the notebook says
so in its metadata (``nncourse.quiz_version``, :data:`VERSION_KEY`): graded in that order.
"""

from __future__ import annotations

import hashlib
import json
import os
import re

__all__ = ["VERSION_KEY", "option_order", "original_letter", "shown_letter", "question_letters",
           "course_and_student", "versions"]

#: Where a notebook records the version its quiz was shown in: ``metadata["nncourse"][VERSION_KEY]``, a dict
#: ``{"course": str | None, "student": str | None}`` (student None: the notebook's own order was shown).
VERSION_KEY = "quiz_version"

#: The visible check under a quiz answer cell: ``assert_choice(q1_answer, "abcd", "q1_answer")`` (single
#: choice) or ``assert_choices(q2_answers, "abcdef", "q2_answers")`` (multiple); group 3 is the letters.
CHECK_LINE = re.compile(r'^assert_choice(s?)\((q\d+_answers?),\s*"([a-z]+)",\s*"\2"\)\s*$', re.M)


def option_order(course: str | None, student: str | None, question: str, letters: str) -> str:
    """The original letters in the order one student sees them (a permutation of ``letters``).

    Args:
        course: the course id (nbgrader's ``CourseDirectory.course_id``).
        student: the student id as the course knows it; None or "" gives ``letters`` unchanged.
        question: the question's test cell ``grade_id`` (``"q2_network_types_test"``).
        letters: the question's letters in order, e.g. ``"abcd"``.

    Returns:
        a str of the same letters; shown letter ``letters[i]`` is original option ``order[i]``.
    """
    if not student:
        return letters

    def rank(letter: str) -> str:
        return hashlib.sha256("\0".join([course or "", student, question, letter]).encode()).hexdigest()

    return "".join(sorted(letters, key=rank))


def original_letter(order: str, letters: str, shown: str) -> str | None:
    """The original option a student's letter ``shown`` stands for (None when it is not one of ``letters``)."""
    return order[letters.index(shown)] if len(shown) == 1 and shown in letters else None


def shown_letter(order: str, letters: str, original: str) -> str | None:
    """The letter under which a student sees the original option ``original`` (None when it is not one)."""
    return letters[order.index(original)] if len(original) == 1 and original in order else None


def question_letters(test_source: str) -> tuple[bool, str] | None:
    """(multiple choice?, the letters) that a quiz test cell's visible check accepts, or None when the cell
    holds no such check."""
    found = CHECK_LINE.search(test_source)
    return (found.group(1) == "s", found.group(3)) if found else None


def _course_id() -> str | None:
    """The course id of nbgrader's settings in the Jupyter configuration folders (the first that sets one)."""
    try:
        from jupyter_core.paths import jupyter_config_path
        from traitlets.config.loader import PyFileConfigLoader
    except ImportError:
        return None
    for folder in jupyter_config_path():
        if not os.path.isfile(os.path.join(folder, "nbgrader_config.py")):
            continue
        try:
            config = PyFileConfigLoader("nbgrader_config.py", path=folder).load_config()
        except Exception:  # noqa: BLE001 (a broken settings file: no version)
            continue
        course = config.CourseDirectory.get("course_id")
        if isinstance(course, str) and course:
            return course
    return None


def course_and_student() -> tuple[str | None, str | None]:
    """(course id, student id) of this Jupyter session, or (None, None) when either is unknown."""
    student = os.environ.get("JUPYTERHUB_USER") or None
    course = _course_id() if student else None
    return (course, student) if course and student else (None, None)


class _Json:
    """A value whose ``repr`` is its JSON text (what the lab extension reads from the kernel's reply)."""

    def __init__(self, value):
        self.value = value

    def __repr__(self) -> str:
        return json.dumps(self.value, sort_keys=True)


def versions(questions: dict[str, str] | str) -> _Json:
    """The version of this session for the lab extension.

    Args:
        questions: ``{test cell grade_id: letters}`` of the notebook's quiz questions (or that dict as JSON text).

    Returns:
        (as JSON text) ``{"course": str | None, "student": str | None, "orders": {grade_id: order}}``.
    """
    if isinstance(questions, str):
        questions = json.loads(questions)
    course, student = course_and_student()
    return _Json({"course": course, "student": student,
                  "orders": {q: option_order(course, student, q, letters) for q, letters in questions.items()
                             if isinstance(q, str) and isinstance(letters, str)}})
