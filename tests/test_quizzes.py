"""The concept quizzes, one per week (every assignment named *_quiz): structure, secrecy, grading, feedback.

* Structure: 5 to 8 questions; the points in each heading, the intro table and the test cell's metadata
  agree; the letters each check accepts are the options the question lists; every key answer is one of them;
  single choice is worth 2 points, multiple choice 1 point per option.
* The key stays out of the student's kernel: hidden blocks only record what the student chose. The
  explanations shown in the feedback live in the instructor's solution cells (stripped from the release), so
  the hidden source a grading kernel runs holds neither an answer nor an explanation, and the setup cell
  imports its helpers from the student runtime (nncourse.quiz), which knows no answer.
* Grading: the instructor's answers score full marks, a student's answer is judged like the key's.
* The notebook runs, prints every format check, and the feedback of the example class explains every question.

Question-by-question grading cases (accepted spellings, wrong formats, partial credit) are in
tests/test_a0_concepts_quiz.py, on the week-1 quiz; every quiz shares its hidden-test code, which the
structure tests here hold to one form.
"""

from __future__ import annotations

import ast
import re
from html import unescape

import nbformat
import pytest

from conftest import REPO, selected
from grader.outputs.feedback_page import MULTIPLE_CHOICE_RULE
from quiz_support import QUIZZES, Quiz, nbgrader, hidden_block

QUIZ = {name: Quiz(name) for name in QUIZZES}
QUESTIONS = [(name, question) for name, quiz in QUIZ.items() for question in quiz.solutions]
ids = lambda value: value if isinstance(value, str) else None  # noqa: E731


def test_there_is_a_quiz_for_each_of_the_four_weeks():
    weeks = sorted(nbformat.read(str(QUIZ[name].source), as_version=4).metadata["nncourse"]["week"]
                   for name in QUIZZES)
    assert weeks == [1, 2, 3, 4]


@pytest.mark.parametrize("name", QUIZZES)
def test_five_to_eight_questions_each_with_an_answer_and_a_test_cell(name):
    quiz = QUIZ[name]
    assert 5 <= len(quiz.solutions) <= 8
    assert sorted(quiz.tests) == sorted(q + "_test" for q in quiz.solutions)
    order = [nbgrader(c)["grade_id"] for c in quiz.cells if nbgrader(c).get("grade_id", "setup") != "setup"]
    assert order == [g for q in quiz.solutions for g in (q, q + "_test")], "each test cell follows its answer"
    kinds = {quiz.checked_letters(q)[0] for q in quiz.solutions}
    assert kinds == {"single", "multi"}


@pytest.mark.parametrize("name", QUIZZES)
def test_the_setup_cell_is_short_and_imports_its_helpers_from_the_student_runtime(name):
    setup = QUIZ[name].setup
    assert len(setup.splitlines()) <= 6, setup
    assert "from nncourse.quiz import" in setup and "def " not in setup


@pytest.mark.parametrize("name, question", QUESTIONS, ids=ids)
def test_points_in_heading_table_and_metadata_agree(name, question):
    quiz = QUIZ[name]
    kind, letters = quiz.checked_letters(question)
    points = quiz.points(question)
    number = int(re.match(r"q(\d)_", question).group(1))
    heading = re.search(r"^## %d · (.+) \((\d+) points\)$" % number, quiz.question_text(question), re.M)
    assert heading and int(heading.group(2)) == points, question
    row = re.search(r"^\| %d · %s \| (.+) \| (\d+) \|$" % (number, re.escape(heading.group(1))), quiz.intro, re.M)
    assert row and int(row.group(2)) == points, question
    if kind == "single":
        assert points == 2 and row.group(1) == "single choice"
    else:   # one point per option
        assert points == len(letters) and row.group(1) == "multiple choice, %d options" % len(letters)


@pytest.mark.parametrize("name", QUIZZES)
def test_the_page_says_how_to_click_an_answer_and_the_multiple_choice_rule_in_the_feedbacks_words(name):
    intro = " ".join(QUIZ[name].intro.split())
    assert " ".join(MULTIPLE_CHOICE_RULE.split()) in intro
    assert "click your choice" in intro and "q1_answer = \"a\"" in intro


@pytest.mark.parametrize("name", QUIZZES)
def test_the_intro_table_adds_up(name):
    quiz = QUIZ[name]
    total = int(re.search(r"\*\*total\*\* \| \| \*\*(\d+)\*\*", quiz.intro).group(1))
    assert total == sum(nbgrader(c)["points"] for c in quiz.tests.values())


@pytest.mark.parametrize("name, question", QUESTIONS, ids=ids)
def test_the_options_listed_are_the_letters_checked_and_graded(name, question):
    quiz = QUIZ[name]
    kind, letters = quiz.checked_letters(question)
    listed = "".join(re.findall(r"^\* \*\*([a-z])\)\*\* ", quiz.question_text(question), re.M))
    assert listed == letters
    hidden = hidden_block(quiz.tests[question + "_test"].source)
    if kind == "multi":
        assert 'for option in "%s":' % letters in hidden
        answer = quiz.key_answer(question)
        assert type(answer) is set and answer <= set(letters)
    else:
        assert quiz.key_answer(question) in letters


@pytest.mark.parametrize("name, question", QUESTIONS, ids=ids)
def test_hidden_blocks_hold_no_answer_and_no_explanation(name, question):
    """Only names, the option letters and the feedback-note variable's name are quoted there."""
    quiz = QUIZ[name]
    kind, letters = quiz.checked_letters(question)
    hidden = hidden_block(quiz.tests[question + "_test"].source)
    strings = {node.value for node in ast.walk(ast.parse(hidden))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    number = question[1]
    allowed = {"answer to question %s" % number, "whether option %s is selected", letters, "q%s_why" % number}
    assert strings <= allowed, strings - allowed
    assert "_why =" not in hidden and "_answer =" not in hidden and "_answers =" not in hidden


@pytest.mark.parametrize("name", QUIZZES)
def test_the_explanations_reach_the_key_but_not_a_students_records(name, monkeypatch):
    quiz = QUIZ[name]
    for question in quiz.solutions:
        key_records, error = quiz.records(question, None, monkeypatch)
        assert error is None and key_records
        for rec in key_records:
            assert len(rec["spec"]["explain"]) > 40, (question, rec["name"])
        student = re.sub(r"(?s)### BEGIN SOLUTION.*### END SOLUTION",
                         lambda m: "\n".join(l for l in m.group(0).splitlines() if "_answer" in l),
                         quiz.solutions[question])
        student_records, _ = quiz.records(question, student, monkeypatch)
        assert [r["value"] for r in student_records] == [r["value"] for r in key_records]
        assert all(r["spec"]["explain"] == "" for r in student_records)


@pytest.mark.parametrize("name", QUIZZES)
def test_release_shows_the_answer_format_but_no_answer_or_explanation(name):
    quiz = QUIZ[name]
    assert not re.search(r"q\d_why\b", quiz.release.read_text())
    for cell in nbformat.read(str(quiz.release), as_version=4).cells:
        grade_id = nbgrader(cell).get("grade_id")
        if grade_id in quiz.solutions:
            number = grade_id[1]
            kind, _ = quiz.checked_letters(grade_id)
            first = cell.source.splitlines()[0]
            example = ('q%s_answer = "a"' if kind == "single" else 'q%s_answers = {"a", "b"}') % number
            assert first.startswith("# Question %s: " % number) and first.endswith(example), first
            assert cell.source.splitlines()[1:] == ["# YOUR CODE HERE", "raise NotImplementedError()"]


@pytest.mark.parametrize("name, question", QUESTIONS, ids=ids)
def test_the_instructor_answers_score_full_marks(name, question, monkeypatch):
    quiz = QUIZ[name]
    assert quiz.score(question, None, monkeypatch) == quiz.points(question)


@pytest.mark.parametrize("name, question", QUESTIONS, ids=ids)
def test_a_wrong_or_missing_answer_loses_the_points(name, question, monkeypatch):
    quiz = QUIZ[name]
    kind, letters = quiz.checked_letters(question)
    number = question[1]
    assert quiz.score(question, "pass  # never answered", monkeypatch) == 0
    if kind == "single":
        wrong = next(letter for letter in letters if letter != quiz.key_answer(question))
        assert quiz.score(question, 'q%s_answer = "%s"' % (number, wrong), monkeypatch) == 0
    else:   # every option flipped: no point at all
        flipped = set(letters) - quiz.key_answer(question)
        code = "q%s_answers = {%s}" % (number, ", ".join('"%s"' % letter for letter in sorted(flipped)))
        assert quiz.score(question, code if flipped else "q%s_answers = set()" % number, monkeypatch) == 0


@pytest.mark.parametrize("name", QUIZZES)
def test_the_quiz_helpers_know_no_answer(name):
    """nncourse.quiz, imported by every quiz's setup cell, holds no key answer and no explanation."""
    runtime = (REPO / "student" / "nncourse" / "quiz.py").read_text()
    quiz = QUIZ[name]
    for question, source in quiz.solutions.items():
        why = re.search(r"q\d_why = [({]\s*([\"'])(.{30})", source, re.S)
        assert why and why.group(2) not in runtime, question


# ---------------------------------------------------------------- the notebook and its feedback
@pytest.mark.slow
@pytest.mark.parametrize("name", selected(QUIZZES))
def test_the_instructor_notebook_runs_and_prints_every_format_check(name, executed_source):
    quiz = QUIZ[name]
    _, nb = executed_source(quiz.source)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream")
    assert text.count("\u2714 ") == len(quiz.solutions)


@pytest.mark.slow
@pytest.mark.parametrize("name", selected(QUIZZES))
def test_feedback_explains_every_question(name, demo_run):
    course, _ = demo_run
    quiz = QUIZ[name]
    page = course.root / "feedback" / "partial" / name / quiz.source.with_suffix(".html").name
    html = unescape(page.read_text())
    assert html.count('<table class="quiz">') == len(quiz.solutions)     # each question with its options
    for question in quiz.solutions:   # every option's text, from the question's Markdown
        for letter in quiz.checked_letters(question)[1]:
            assert re.search(r'<td class="letter">%s\)</td><td>' % letter, html)
    for question, source in quiz.solutions.items():   # the first words of every explanation
        namespace = {}
        exec(re.sub(r"^#.*$", "", source, flags=re.M), namespace)
        why = namespace["q%s_why" % question[1]]
        first = why if isinstance(why, str) else next(iter(why.values()))
        assert first[:40] in html, (question, first[:40])
    for secret in ("BEGIN HIDDEN TESTS", "nncourse.record", "letters_chosen(q"):
        assert secret not in html
