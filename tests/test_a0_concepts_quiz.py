"""The week-1 concept quiz (assignment 0): grading case by case, and the format checks students see.

What every quiz shares (structure, secrecy of the key, explanations in the feedback) is tested for all of them
in tests/test_quizzes.py. Here, on this quiz's questions:

* Grading: accepted spellings, wrong formats, and per-option partial credit, judged by the grader's own code
  (grader.grading.verdict.judge) on records made by the hidden blocks run in this process.
* The visible format checks of nncourse.quiz: what they say about a wrong format, and that they never tell a
  right answer from a wrong one.
* The instructor notebook draws its three pictures, and the feedback of the example class shows the
  explanations (from the demo run).
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout

import matplotlib
import pytest

from conftest import selected
from quiz_support import Quiz, run

matplotlib.use("Agg")

ASSIGNMENT = "a0_concepts_quiz"
QUIZ = Quiz(ASSIGNMENT)


# ---------------------------------------------------------------- grading
SINGLE_CASES = {   # answer code -> fraction of the points (question 1, key "d")
    'q1_answer = "d"': 1, 'q1_answer = "D"': 1, 'q1_answer = " d "': 1,
    'q1_answer = "a"': 0, 'q1_answer = "d)"': 0, 'q1_answer = "d, a"': 0,
    'q1_answer = {"d"}': 0, 'q1_answer = ["d"]': 0, "q1_answer = None": 0, "q1_answer = 4": 0,
    "pass  # never answered": 0,
}


@pytest.mark.parametrize("answer", list(SINGLE_CASES))
def test_single_choice_grading(answer, monkeypatch):
    assert QUIZ.score("q1_relu_neuron", answer, monkeypatch) == 2 * SINGLE_CASES[answer]


MULTI_CASES = {   # answer code -> points (question 2: key {a, c, e, f} of a..f, 1 point per option)
    'q2_answers = {"a", "c", "e", "f"}': 6,
    'q2_answers = ["A", " c", "e ", "f"]': 6,
    'q2_answers = ("a", "c", "e", "f")': 6,
    'q2_answers = frozenset("acef")': 6,
    'q2_answers = {"a", "c", "e"}': 5,              # misses one right option
    'q2_answers = {"a", "b", "c", "e", "f"}': 5,    # one wrong option too many
    'q2_answers = {"a", "b", "c", "d", "e", "f"}': 0,   # every option: right only where the key says yes
    "q2_answers = set()": 0,                        # no option: right only where the key says no
    'q2_answers = {"b", "d"}': 0,
    'q2_answers = "a, c, e, f"': 0,                 # one string, not a set of letters
    'q2_answers = "acef"': 0,
    'q2_answers = {"a", "c", "e", "f", 1}': 0,      # not all strings
    "q2_answers = None": 0,
    "pass  # never answered": 0,
}


@pytest.mark.parametrize("answer", list(MULTI_CASES))
def test_multiple_choice_grading_per_option(answer, monkeypatch):
    assert QUIZ.score("q2_network_types", answer, monkeypatch) == MULTI_CASES[answer]


def test_an_extra_letter_outside_the_options_costs_nothing_at_grading(monkeypatch):
    # the visible check rejects it (see below); the grader judges the listed options only
    assert QUIZ.score("q3_unstructured_data", 'q3_answers = {"b", "d", "z"}', monkeypatch) == 4


# ---------------------------------------------------------------- the visible format checks
@pytest.fixture(scope="module")
def checks():
    namespace = {"__name__": "__main__"}
    run(namespace, QUIZ.setup)
    return namespace


def _output(func, *args) -> str:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        func(*args)
    return buffer.getvalue()


@pytest.mark.parametrize("answer, message", [
    (None, 'q1_answer is None: assign one of "a", "b", "c", "d".'),
    ({"b"}, 'q1_answer should be one letter in quotes (one of "a", "b", "c", "d"), but it is a set.'),
    (2, "but it is an int."),
    (["b"], "but it is a list."),
    ("e", "q1_answer is 'e', which is not one of the options"),
    ("b)", "q1_answer is 'b)', which is not one of the options"),
])
def test_assert_choice_explains_a_wrong_format(checks, answer, message):
    with pytest.raises(checks["CheckFailed"], match=re.escape(message)):
        checks["assert_choice"](answer, "abcd", "q1_answer")


@pytest.mark.parametrize("answers, message", [
    ("a, c", "q2_answers is one string, 'a, c'; write a set with one string per letter, "
             'e.g. q2_answers = {"a", "c"}.'),
    (None, 'q2_answers should be a set of letters in quotes, e.g. q2_answers = {"a", "c"}, but it is None.'),
    (3, "but it is an int."),
    ({"a", "g"}, "q2_answers contains 'g', which is not one of the options"),
    ({"a", 1}, "q2_answers contains 1, which is not one of the options"),
])
def test_assert_choices_explains_a_wrong_format(checks, answers, message):
    with pytest.raises(checks["CheckFailed"], match=re.escape(message)):
        checks["assert_choices"](answers, "abcdef", "q2_answers")


def test_the_format_checks_never_tell_right_from_wrong(checks):
    right, wrong = (_output(checks["assert_choice"], letter, "abcd", "q1_answer") for letter in "da")
    assert right.replace("'d'", "'a'") == wrong
    assert right == "\u2714 q1_answer = 'd' is one of the options (it is judged when your notebook is graded)\n"
    right, wrong = (_output(checks["assert_choices"], answer, "abcdef", "q2_answers")
                    for answer in ({"a", "c", "e", "f"}, {"b", "c", "d", "f"}))
    assert right == ('\u2714 q2_answers chooses {"a", "c", "e", "f"} (judged option by option when your '
                     "notebook is graded)\n")
    assert wrong == right.replace('"a", "c", "e"', '"b", "c", "d"')
    assert "no option" in _output(checks["assert_choices"], set(), "abcdef", "q2_answers")


def test_feedback_note_reads_the_calling_notebooks_explanations(checks):
    namespace = dict(checks, q1_why="an explanation", q2_why={"a": "option a's note"})
    run(namespace, 'one = feedback_note("q1_why"); two = feedback_note("q2_why", "a")\n'
                   'none = feedback_note("q2_why", "b"); missing = feedback_note("q9_why")')
    assert (namespace["one"], namespace["two"], namespace["none"], namespace["missing"]) == \
        ("an explanation", "option a's note", "", "")


# ---------------------------------------------------------------- the notebook and its feedback
@pytest.mark.slow
@pytest.mark.skipif(ASSIGNMENT not in selected([ASSIGNMENT]), reason="NNCOURSE_ONLY leaves this assignment out")
def test_the_instructor_notebook_draws_three_figures(executed_source):
    _, nb = executed_source(QUIZ.source)
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 3


@pytest.mark.slow
@pytest.mark.skipif(ASSIGNMENT not in selected([ASSIGNMENT]), reason="NNCOURSE_ONLY leaves this assignment out")
def test_feedback_shows_the_verdicts_and_the_notes(demo_run):
    course, _ = demo_run
    html = (course.root / "feedback" / "partial" / ASSIGNMENT / "concepts_quiz.html").read_text()
    assert "You chose a) −20 and 60: not the right answer." in html           # question 1, option a
    question2 = html.split('id="q2_network_types_test"', 1)[1].split("</section>", 1)[0]
    assert "5 of 6 options judged right." in question2
    chosen = re.findall(r'<tr class="(chosen)?"><td class="mark"><span class="(ok|fail)">.</span></td>'
                        r'<td class="letter">([a-f])\)</td>', question2)
    assert [(c, letter) for c, _, letter in chosen] == [("chosen", "a"), ("", "b"), ("chosen", "c"), ("", "d"),
                                                      ("chosen", "e"), ("", "f")]
    assert [mark for _, mark, _ in chosen] == ["ok"] * 5 + ["fail"]             # f: left out, but it fits
    assert "the positions of the other cars around a self-driving car" in question2   # the option's text
    assert "For 40 m2 the weighted sum is 2 * 40 - 100 = -20" in html          # question 1's note
    assert "Camera images and radar readings are different kinds of input" in html
    assert "whether option" not in html and "the other way round" not in html   # no checker's words
