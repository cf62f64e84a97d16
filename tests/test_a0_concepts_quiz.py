"""Assignment 0 (the concept quiz): its structure, the format checks students see, and grading.

* Structure: 5 to 8 questions; the points in each heading, the intro table and the test cell's metadata
  agree; the letters each check accepts are the options the question lists; every key answer is one
  of them.
* The key stays out of the student's kernel: hidden blocks only record what the student chose. The
  explanations shown in the feedback live in the instructor's solution cells (stripped from the
  release), so the hidden source a grading kernel runs holds neither an answer nor an explanation.
* Grading: the hidden blocks run in this process, on the instructor's answers (the key) and on a
  student's, and the records are judged with the grader's own code (grader.grading.verdict.judge):
  accepted spellings, wrong formats, and per-option partial credit.
* The feedback of the example class shows the explanations (from the demo run).
"""

from __future__ import annotations

import ast
import io
import re
from contextlib import redirect_stdout

import matplotlib
import nbformat
import pytest

from conftest import REPO, selected
from nncourse import record as record_module
from grader.grading.verdict import judge

matplotlib.use("Agg")

ASSIGNMENT = "a0_concepts_quiz"
SOURCE = REPO / "source" / ASSIGNMENT / "concepts_quiz.ipynb"
RELEASE = REPO / "release" / ASSIGNMENT / "concepts_quiz.ipynb"
CELLS = nbformat.read(str(SOURCE), as_version=4).cells


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _hidden_block(source: str) -> str:
    return source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]


SETUP = next(c.source for c in CELLS if _nbgrader(c).get("grade_id") == "setup")
SOLUTIONS = {_nbgrader(c)["grade_id"]: c.source for c in CELLS if _nbgrader(c).get("solution")}
TESTS = {_nbgrader(c)["grade_id"]: c for c in CELLS if _nbgrader(c).get("grade")}


def _question_text(question: str) -> str:
    """The markdown between the previous answer cell and this question's answer cell."""
    at = next(i for i, c in enumerate(CELLS) if _nbgrader(c).get("grade_id") == question)
    start = max([i for i in range(at) if _nbgrader(CELLS[i]).get("grade")] + [0])
    return "\n".join(c.source for c in CELLS[start:at] if c.cell_type == "markdown")


def _checked_letters(grade_id: str) -> tuple[str, str]:
    """('single' or 'multi', the letters the visible check accepts) of a test cell."""
    kind, letters = re.search(r'^assert_choice(s?)\(\w+, "([a-z]+)", ', TESTS[grade_id].source, re.M).groups()
    return ("multi" if kind else "single"), letters


# ---------------------------------------------------------------- running cells in this process
def _run(namespace: dict, source: str) -> None:
    code = "\n".join(line for line in source.splitlines() if not line.startswith("%"))  # no magics
    exec(code, namespace)


def _records(question: str, answer_code: str | None, monkeypatch) -> tuple[list, str | None]:
    """Run the setup cell, then ``answer_code`` (None: the instructor's solution cell), then the
    hidden block of the question's test cell; return its records and the error it stopped with."""
    payloads = []
    monkeypatch.setattr(record_module, "_emit", payloads.append)
    namespace = {"__name__": "__main__"}
    _run(namespace, SETUP)
    _run(namespace, SOLUTIONS[question] if answer_code is None else answer_code)
    try:
        _run(namespace, _hidden_block(TESTS[question + "_test"].source))
    except Exception as exc:  # noqa: BLE001 (the grader sees the same: records stop)
        return payloads, type(exc).__name__
    return payloads, None


def _score(question: str, answer_code: str | None, monkeypatch) -> float:
    points = _nbgrader(TESTS[question + "_test"])["points"]
    key = {"points": points, "records": _records(question, None, monkeypatch)[0]}
    payloads, error = _records(question, answer_code, monkeypatch)
    return judge(question + "_test", key, payloads, error).score


def _key_answer(question: str):
    namespace = {}
    exec(re.sub(r"^#.*$", "", SOLUTIONS[question], flags=re.M), namespace)
    return next(v for k, v in namespace.items() if re.fullmatch(r"q\d_answers?", k))


# ---------------------------------------------------------------- structure
def test_five_to_eight_questions_each_with_an_answer_and_a_test_cell():
    assert 5 <= len(SOLUTIONS) <= 8
    assert sorted(TESTS) == sorted(q + "_test" for q in SOLUTIONS)
    order = [_nbgrader(c)["grade_id"] for c in CELLS if _nbgrader(c).get("grade_id", "setup") != "setup"]
    assert order == [g for q in SOLUTIONS for g in (q, q + "_test")], "each test cell follows its answer"
    kinds = {_checked_letters(q + "_test")[0] for q in SOLUTIONS}
    assert kinds == {"single", "multi"}


@pytest.mark.parametrize("question", list(SOLUTIONS))
def test_points_in_heading_table_and_metadata_agree(question):
    kind, letters = _checked_letters(question + "_test")
    points = _nbgrader(TESTS[question + "_test"])["points"]
    text = _question_text(question)
    number = int(re.match(r"q(\d)_", question).group(1))
    heading = re.search(r"^## %d · (.+) \((\d+) points\)$" % number, text, re.M)
    assert heading and int(heading.group(2)) == points, question
    intro = CELLS[0].source
    row = re.search(r"^\| %d · %s \| (.+) \| (\d+) \|$" % (number, re.escape(heading.group(1))), intro, re.M)
    assert row and int(row.group(2)) == points, question
    if kind == "single":
        assert points == 2 and row.group(1) == "single choice"
    else:   # one point per option
        assert points == len(letters) and row.group(1) == "multiple choice, %d options" % len(letters)


def test_the_intro_table_adds_up():
    total = int(re.search(r"\*\*total\*\* \| \| \*\*(\d+)\*\*", CELLS[0].source).group(1))
    assert total == sum(_nbgrader(c)["points"] for c in TESTS.values())


@pytest.mark.parametrize("question", list(SOLUTIONS))
def test_the_options_listed_are_the_letters_checked_and_graded(question):
    kind, letters = _checked_letters(question + "_test")
    listed = "".join(re.findall(r"^\* \*\*([a-z])\)\*\* ", _question_text(question), re.M))
    assert listed == letters
    hidden = _hidden_block(TESTS[question + "_test"].source)
    if kind == "multi":
        assert 'for option in "%s":' % letters in hidden
        answer = _key_answer(question)
        assert type(answer) is set and answer <= set(letters)
    else:
        assert _key_answer(question) in letters


@pytest.mark.parametrize("question", list(SOLUTIONS))
def test_hidden_blocks_hold_no_answer_and_no_explanation(question):
    """Only names, the option letters and the feedback-note variable's name are quoted there."""
    kind, letters = _checked_letters(question + "_test")
    hidden = _hidden_block(TESTS[question + "_test"].source)
    strings = {node.value for node in ast.walk(ast.parse(hidden))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    number = question[1]
    allowed = {"answer to question %s" % number, "whether option %s is selected", letters,
               "q%s_why" % number}
    assert strings <= allowed, strings - allowed
    assert "_why =" not in hidden and "_answer =" not in hidden and "_answers =" not in hidden


def test_the_explanations_reach_the_key_but_not_a_students_records(monkeypatch):
    for question in SOLUTIONS:
        key_records, error = _records(question, None, monkeypatch)
        assert error is None and key_records
        for rec in key_records:
            assert len(rec["spec"]["explain"]) > 40, (question, rec["name"])
        student = re.sub(r"(?s)### BEGIN SOLUTION.*### END SOLUTION",
                         lambda m: "\n".join(l for l in m.group(0).splitlines() if "_answer" in l),
                         SOLUTIONS[question])
        student_records, _ = _records(question, student, monkeypatch)
        assert [r["value"] for r in student_records] == [r["value"] for r in key_records]
        assert all(r["spec"]["explain"] == "" for r in student_records)


def test_release_shows_the_answer_format_but_no_answer_or_explanation():
    cells = nbformat.read(str(RELEASE), as_version=4).cells
    assert not re.search(r"q\d_why\b", RELEASE.read_text())
    for cell in cells:
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id in SOLUTIONS:
            number = grade_id[1]
            kind, _ = _checked_letters(grade_id + "_test")
            first = cell.source.splitlines()[0]
            example = ('q%s_answer = "a"' if kind == "single" else 'q%s_answers = {"a", "b"}') % number
            assert first.startswith("# Question %s: " % number) and first.endswith(example), first
            assert cell.source.splitlines()[1:] == ["# YOUR CODE HERE", "raise NotImplementedError()"]


# ---------------------------------------------------------------- grading
SINGLE_CASES = {   # answer code -> fraction of the points (question 1, key "d")
    'q1_answer = "d"': 1, 'q1_answer = "D"': 1, 'q1_answer = " d "': 1,
    'q1_answer = "a"': 0, 'q1_answer = "d)"': 0, 'q1_answer = "d, a"': 0,
    'q1_answer = {"d"}': 0, 'q1_answer = ["d"]': 0, "q1_answer = None": 0, "q1_answer = 4": 0,
    "pass  # never answered": 0,
}


@pytest.mark.parametrize("answer", list(SINGLE_CASES))
def test_single_choice_grading(answer, monkeypatch):
    assert _score("q1_relu_neuron", answer, monkeypatch) == 2 * SINGLE_CASES[answer]


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
    assert _score("q2_network_types", answer, monkeypatch) == MULTI_CASES[answer]


def test_an_extra_letter_outside_the_options_costs_nothing_at_grading(monkeypatch):
    # the visible check rejects it (see below); the grader judges the listed options only
    assert _score("q3_unstructured_data", 'q3_answers = {"b", "d", "z"}', monkeypatch) == 4


@pytest.mark.parametrize("question", list(SOLUTIONS))
def test_the_instructor_answers_score_full_marks(question, monkeypatch):
    assert _score(question, None, monkeypatch) == _nbgrader(TESTS[question + "_test"])["points"]


# ---------------------------------------------------------------- the visible format checks
@pytest.fixture(scope="module")
def checks():
    namespace = {"__name__": "__main__"}
    _run(namespace, SETUP)
    return namespace


def _output(func, *args) -> str:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        func(*args)
    return buffer.getvalue()


@pytest.mark.parametrize("answer, message", [
    (None, 'q1_answer is None: assign one of "a", "b", "c", "d".'),
    ({"b"}, 'q1_answer should be one letter in quotes (one of "a", "b", "c", "d"), but it is a set.'),
    (2, "but it is a int"),
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
    (3, "but it is a int"),
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


# ---------------------------------------------------------------- the notebook and its feedback
@pytest.mark.slow
def test_the_instructor_notebook_prints_every_format_check_and_draws_three_figures(executed_source):
    _, nb = executed_source(SOURCE)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream")
    assert text.count("\u2714 ") == len(SOLUTIONS)
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 3


@pytest.mark.slow
@pytest.mark.skipif(ASSIGNMENT not in selected([ASSIGNMENT]), reason="NNCOURSE_ONLY leaves this assignment out")
def test_feedback_explains_every_question(demo_run):
    course, _ = demo_run
    html = (course.root / "feedback" / "partial" / ASSIGNMENT / "concepts_quiz.html").read_text()
    assert "answer to question 1: the result is not the expected text." in html
    assert "whether option f is selected: the result is the other way round." in html
    assert "whether option c is selected: the result is the other way round." in html   # question 4
    assert "For 40 m2 the weighted sum is 2 * 40 - 100 = -20" in html          # question 1's note
    assert "Camera images and radar readings are different kinds of input" in html
    assert html.count("Hidden checks:") == len(SOLUTIONS)
    for secret in ("BEGIN HIDDEN TESTS", "nncourse.record", "letters_chosen(q"):
        assert secret not in html
