"""The concept quizzes' helpers: format checks for answer cells, and what their hidden tests use.

A quiz question is answered in a code cell, either with one letter (single choice)::

    q1_answer = "d"

or with the set of every letter chosen (multiple choice, each option judged on its own)::

    q2_answers = {"a", "c"}

* :func:`assert_choice` and :func:`assert_choices` are the visible checks under each answer cell. They
  check the *format* only (one of the allowed letters? a set of letters?) and say nothing about whether
  the answer is right: that is decided when the notebook is graded, against the answer key.
* :func:`letters_chosen` and :func:`feedback_note` are used by the hidden tests of a quiz to record the
  student's choice, and the explanation the feedback shows.

Nothing here knows an answer: the answers and their explanations live in the instructor's solution
cells only (the grader reads them from the answer key).
"""

from __future__ import annotations

import sys
from typing import Any

from .checks import PASS_MARK, CheckFailed, with_article

__all__ = ["CheckFailed", "assert_choice", "assert_choices", "feedback_note", "letters_chosen"]

_COLLECTIONS = (set, frozenset, list, tuple)


def _a_type(value: Any) -> str:
    """'a set', 'an int', 'None': how the format checks name what they were given."""
    return "None" if value is None else with_article(type(value).__name__)


def letters_chosen(answers: Any) -> set[str] | None:
    """The letters of a multiple-choice answer, lower-case and without spaces, as a set.

    Args:
        answers: what the answer cell assigned; should be a set (a list, tuple or frozenset is
            accepted too) of one-letter strings such as {"a", "c"}.

    Returns:
        a set of str, or None when ``answers`` is not a collection of strings (for example one
        string "ac", a number, or None).
    """
    if type(answers) not in _COLLECTIONS or any(type(a) is not str for a in answers):
        return None
    return {a.strip().lower() for a in answers}


def feedback_note(name: str, option: str | None = None) -> str:
    """The explanation stored under ``name`` in the notebook that calls this (a text, or a dict with
    one text per option, then ``option`` picks one).

    The instructor's copy of a quiz defines these explanations in its solution cells, so the answer
    key carries them and the feedback shows them after grading. A student's notebook has none, and
    this returns "".
    """
    note = sys._getframe(1).f_globals.get(name)   # the calling cell's namespace: the notebook's
    if option is not None:
        note = note.get(option) if type(note) is dict else None
    return note if type(note) is str else ""


def assert_choice(answer: Any, letters: str, name: str) -> None:
    """Format check of a single-choice answer: one of ``letters`` (a str such as "abcd"), in quotes.

    Prints a ✔ line when the format is right; raises CheckFailed saying what to change otherwise.
    It says nothing about whether the answer is right: that is decided at grading.
    """
    __tracebackhide__ = True
    options = ", ".join('"%s"' % letter for letter in letters)
    if answer is None:
        raise CheckFailed("%s is None: assign one of %s." % (name, options))
    if not isinstance(answer, str):
        raise CheckFailed("%s should be one letter in quotes (one of %s), but it is %s. This question "
                          "has exactly one right answer, so write e.g. %s = \"%s\"."
                          % (name, options, _a_type(answer), name, letters[0]))
    if answer.strip().lower() not in letters:
        raise CheckFailed("%s is %r, which is not one of the options %s." % (name, answer, options))
    print("%s %s = %r is one of the options (it is judged when your notebook is graded)"
          % (PASS_MARK, name, answer.strip().lower()))


def assert_choices(answers: Any, letters: str, name: str) -> None:
    """Format check of a multiple-choice answer: a set of letters from ``letters``, each in quotes.

    Prints a ✔ line listing the letters chosen when the format is right; raises CheckFailed saying
    what to change otherwise. It says nothing about whether the choice is right: that is decided at
    grading, option by option.
    """
    __tracebackhide__ = True
    example = "%s = {\"%s\", \"%s\"}" % (name, letters[0], letters[2])
    if isinstance(answers, str):
        raise CheckFailed("%s is one string, %r; write a set with one string per letter, e.g. %s."
                          % (name, answers, example))
    if type(answers) not in _COLLECTIONS:
        raise CheckFailed("%s should be a set of letters in quotes, e.g. %s, but it is %s."
                          % (name, example, _a_type(answers)))
    for item in answers:
        if type(item) is not str or item.strip().lower() not in letters:
            raise CheckFailed("%s contains %r, which is not one of the options %s (each a letter in quotes)."
                              % (name, item, ", ".join('"%s"' % letter for letter in letters)))
    chosen = sorted(letters_chosen(answers))
    print("%s %s chooses %s (judged option by option when your notebook is graded)"
          % (PASS_MARK, name, "{%s}" % ", ".join('"%s"' % c for c in chosen) if chosen else "no option"))
