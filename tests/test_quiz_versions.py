"""Quiz versions (issue 23): each student's options in an order of their own, mapped back at grading.

* The order: one function (nncourse.quiz_versions.option_order), a permutation, stable for one student of one
  course, different between students; the student runtime finds the id in JUPYTERHUB_USER and the course in
  nbgrader's settings, and shows the notebook's order without them.
* The key in the student's letters (grader.grading.versions), the feedback's option lists in them, the class
  report counting per original option (grader.outputs.quiz_view).
* Through the real grading path (slow): two students handing in the SAME letters get different scores where
  their versions differ; a student answering in their own letters gets full points; copying another student's
  notebook (metadata and all) is graded in the copier's own version and flagged; a notebook run without an id
  is graded in the notebook's order and flagged.
* The other ways submissions arrive (slow): a copied quiz handed in through nbgrader's exchange to the on-submit
  service (``python -m grader serve``) is graded in the copier's version and his fetched feedback says so; an LMS
  download without a version (``python -m grader intake``) is graded in the common order and flagged.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import nbformat
import pytest

from conftest import REPO
from grader.course import Course
from grader.grading.versions import SHOWN, claimed_version, shown_kind, student_key
from grader.outputs.quiz_view import Question, in_version, markdown_in_version, original_option
from nncourse.quiz_versions import VERSION_KEY, course_and_student, option_order, question_letters, versions
from quiz_support import Quiz

QUIZ = "a0_concepts_quiz"
NOTEBOOK = "concepts_quiz.ipynb"
COURSE = "nn-workbook"


def test_an_order_is_a_permutation_stable_for_a_student_and_different_between_students():
    order = option_order(COURSE, "ada", "q2_network_types_test", "abcdef")
    assert sorted(order) == list("abcdef")
    assert order == option_order(COURSE, "ada", "q2_network_types_test", "abcdef")
    orders = {option_order(COURSE, "s%d" % i, "q2_network_types_test", "abcdef") for i in range(40)}
    assert len(orders) > 30
    assert order != option_order("another-course", "ada", "q2_network_types_test", "abcdef")
    assert option_order(COURSE, None, "q1", "abcd") == option_order(COURSE, "", "q1", "abcd") == "abcd"


def test_the_student_runtime_finds_its_id_on_the_hub_and_none_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = %r\n" % COURSE)
    assert course_and_student() == (None, None)
    assert json.loads(repr(versions({"q1_relu_neuron_test": "abcd"})))["orders"] == {"q1_relu_neuron_test": "abcd"}
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    assert course_and_student() == (COURSE, "ada")
    shown = json.loads(repr(versions(json.dumps({"q1_relu_neuron_test": "abcd"}))))
    assert shown == {"course": COURSE, "student": "ada",
                     "orders": {"q1_relu_neuron_test": option_order(COURSE, "ada", "q1_relu_neuron_test", "abcd")}}


def test_the_key_speaks_the_students_letters():
    single = {"points": 2, "records": [{"name": "answer to question 1", "spec": {}, "value": {"t": "str", "v": "d"}}]}
    assert student_key(single, "abcd", "dabc")["records"][0]["value"]["v"] == "a"
    multi = {"points": 3, "records": [{"name": "whether option %s is selected" % x, "spec": {"explain": x},
                                       "value": {"t": "bool", "v": x == "b"}} for x in "abc"]}
    key = student_key(multi, "abc", "bca")          # their a) is option b
    assert [(r["name"][15], r["value"]["v"], r["spec"]["explain"]) for r in key["records"]] == [
        ("a", True, "b"), ("b", False, "c"), ("c", False, "a")]
    assert multi["records"][0]["name"] == "whether option a is selected"   # the key itself is left alone


def test_which_version_a_notebook_says_it_was_answered_in():
    def meta(student, course=COURSE):      # as the grader keeps the student's claim (grading.structure)
        return {"nncourse": {SHOWN: claimed_version({"nncourse": {VERSION_KEY: {"course": course, "student": student}}})}}
    assert shown_kind(meta("ada"), COURSE, "ada") == "own"
    assert shown_kind(meta("bob"), COURSE, "ada") == "other"
    assert shown_kind(meta("ada", "elsewhere"), COURSE, "ada") == "other"
    assert shown_kind(meta(None), COURSE, "ada") == shown_kind({}, COURSE, "ada") == "common"
    assert claimed_version({"nncourse": {VERSION_KEY: {"student": ["ada"], "course": "x" * 500}}}) == {
        "course": None, "student": None}


def test_feedback_and_report_read_options_in_the_students_order():
    version = {"letters": "abc", "order": "cab", "shown": "own"}
    question = Question("q9_test", 9, {"a": "one", "b": "two", "c": "three"}, multiple=True)
    assert in_version(question, version).options == {"a": "three", "b": "one", "c": "two"}
    assert original_option(version, "a") == "c" and original_option(None, "a") == "a"
    markdown = "**Question 9.**\n\n* **a)** one\n* **b)** two,\n  continued\n* **c)** three\n\nAfter."
    assert markdown_in_version(markdown, version) == (
        "**Question 9.**\n\n* **a)** three\n* **b)** one\n* **c)** two,\n  continued\n\nAfter.")
    assert question_letters('assert_choices(q9_answers, "abc", "q9_answers")') == (True, "abc")


# -- through the real grading path -------------------------------------------------------------------


def _letters(quiz: Quiz, question: str, student: str | None) -> tuple[bool, str, str]:
    """(multiple?, letters, order) of one question for ``student`` (None: the notebook's order)."""
    multiple, letters = question_letters(quiz.tests[question + "_test"].source)
    return multiple, letters, option_order(COURSE, student, question + "_test", letters)


def _answer(quiz: Quiz, question: str, student: str | None) -> str:
    """The right answer to ``question`` typed in ``student``'s own letters."""
    multiple, letters, order = _letters(quiz, question, student)
    key = quiz.key_answer(question)
    variable = "%s_answer%s" % (question.split("_")[0], "s" if multiple else "")
    if multiple:
        shown = sorted(letters[order.index(x)] for x in key)
        return "%s = {%s}" % (variable, ", ".join('"%s"' % x for x in shown))
    return '%s = "%s"' % (variable, letters[order.index(key)])


def _answered(course: Course, answers: dict[str, str], shown_as: str | None) -> nbformat.NotebookNode:
    """The release notebook with ``answers`` typed in, recording ``shown_as``'s version as shown (None: no
    student id; "nothing": no record at all, as a notebook run outside the quiz buttons)."""
    nb = nbformat.read(str(course.folder("release") / QUIZ / NOTEBOOK), as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    if shown_as != "nothing":
        nb.metadata.setdefault("nncourse", {})[VERSION_KEY] = {"course": COURSE if shown_as else None,
                                                              "student": shown_as}
    return nb


def _hand_in(course: Course, student: str, answers: dict[str, str], shown_as: str | None) -> None:
    folder = course.folder("submitted") / student / QUIZ
    folder.mkdir(parents=True)
    nbformat.write(_answered(course, answers, shown_as), str(folder / NOTEBOOK))


@pytest.mark.slow
def test_the_same_letters_score_differently_in_different_versions_through_python_m_grader_grade(tmp_path):
    course = Course(REPO).copy_to(tmp_path / "course")
    assert course.config.CourseDirectory.course_id == COURSE
    for verb in ("release", "keys"):       # as an instructor does: the release in the gradebook, then the key
        done = subprocess.run([sys.executable, "-m", "grader", verb, "--only", QUIZ], cwd=course.root,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    quiz = Quiz(QUIZ)
    questions = list(quiz.solutions)
    ada = {q: _answer(quiz, q, "ada") for q in questions}          # right, in ada's letters
    _hand_in(course, "ada", ada, "ada")
    _hand_in(course, "bob", ada, "bob")                             # ada's letters, bob's version shown
    _hand_in(course, "eve", ada, "ada")                             # ada's notebook, metadata and all
    _hand_in(course, "cyd", {q: _answer(quiz, q, "cyd") for q in questions}, "cyd")
    _hand_in(course, "dan", {q: _answer(quiz, q, None) for q in questions}, None)   # no id: notebook's order
    done = subprocess.run([sys.executable, "-m", "grader", "grade", "--only", QUIZ, "--workers", "1"],
                          cwd=course.root, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0 and "not graded" not in done.stdout, done.stdout[-3000:] + done.stderr[-3000:]
    scores = {}
    with course.gradebook() as gb:
        for student in ("ada", "bob", "cyd", "dan", "eve"):
            scores[student] = {g.name[:-5]: g.score
                               for g in gb.find_submission_notebook(NOTEBOOK[:-6], QUIZ, student).grades}
    full = {q: quiz.points(q) for q in questions}
    assert scores["ada"] == scores["cyd"] == scores["dan"] == full
    for copier in ("bob", "eve"):     # same letters, other version: a question scores full only where they agree
        assert sum(scores[copier].values()) < sum(full.values()) / 2, scores[copier]
        for q in questions:
            same = _letters(quiz, q, copier)[2] == _letters(quiz, q, "ada")[2]
            assert same <= (scores[copier][q] == full[q]), q

    # ada's feedback speaks her letters: question 1's right option under the letter she typed
    page = (course.folder("feedback") / "ada" / QUIZ / NOTEBOOK.replace(".ipynb", ".html")).read_text()
    multiple, letters, order = _letters(quiz, "q1_relu_neuron", "ada")
    mine = letters[order.index("d")]
    assert "You chose %s) 0 and 60: the right answer." % mine in page
    assert "<strong>%s)</strong> 0 and 60" % mine in page          # the question's own list, in her order
    eve = (course.folder("feedback") / "eve" / QUIZ / NOTEBOOK.replace(".ipynb", ".html")).read_text()
    assert "another student&#39;s version" in eve or "another student's version" in eve

    # the class report: answers counted per original option, the other and common versions flagged
    report = (course.root / "reports" / "class_report.md").read_text()
    assert "answered in another student's version of the quiz" in report and "eve" in report
    assert "common order" in report and "dan" in report
    line = next(x for x in report.splitlines() if x.startswith("* d) 0 and 60: chosen by"))
    copiers = sum(_letters(quiz, "q1_relu_neuron", c)[2][letters.index(mine)] == "d" for c in ("bob", "eve"))
    assert line == "* d) 0 and 60: chosen by %d (right)" % (3 + copiers)   # ada, cyd, dan and lucky copiers


# -- the other ways submissions arrive: the on-submit service, and an LMS download --------------------


@pytest.fixture(scope="module")
def quiz_course(tmp_path_factory):
    """A course with the quiz released and its answer key built, copied by each test."""
    from grader.authoring.release import build_keys, generate_release

    course = Course(REPO).copy_to(tmp_path_factory.mktemp("versions") / "course")
    generate_release(course, [QUIZ], log=lambda *_: None)
    build_keys(course, [QUIZ], log=lambda *_: None)
    return course


@pytest.mark.slow
def test_a_copied_quiz_handed_in_through_the_exchange_is_graded_in_the_copiers_version(quiz_course, tmp_path):
    from grader.example_class.exchange import feedback_page, hand_in
    from grader.example_class.model import Submission
    from grader.outputs.pages import PROVISIONAL
    from grader.outputs.results import exercise_scores
    from test_onsubmit import Running, score_of

    service = Running(quiz_course, tmp_path).start()
    try:
        quiz = Quiz(QUIZ)
        questions = list(quiz.solutions)
        ada = _answered(service.course, {q: _answer(quiz, q, "ada") for q in questions}, "ada")
        handed = [hand_in(service.course, service.exchange, student, QUIZ,
                          Submission("ada's notebook", raw_text=nbformat.writes(ada))) for student in ("ada", "bob")]

        def fetched():   # what each student's Fetch Feedback gets
            return {h.student: feedback_page(service.exchange, service.course_id, h, NOTEBOOK[:-6]) for h in handed}

        service.wait(lambda: all(p and PROVISIONAL not in p for p in fetched().values()), what="the verdicts")
        pages = fetched()
        scores = {s: {g[:-5]: x for g, x in by_cell.items()}
                  for s, by_cell in exercise_scores(service.course, QUIZ)[1].items()}
    finally:
        service.stop()
    full = {q: quiz.points(q) for q in questions}
    assert scores["ada"] == full and score_of(pages["ada"]) == "%g / %g" % (sum(full.values()), sum(full.values()))
    assert sum(scores["bob"].values()) < sum(full.values()) / 2, scores["bob"]   # the same letters, his version
    for q in questions:   # full points exactly where ada's letters name the right options in bob's order too
        ada_order, bob_order, key = _letters(quiz, q, "ada")[2], _letters(quiz, q, "bob")[2], quiz.key_answer(q)
        right = {bob_order[ada_order.index(x)] for x in key} == set(key)   # ada's letter for x, read as bob's
        assert right == (scores["bob"][q] == full[q]), q
    assert score_of(pages["bob"]) == "%g / %g" % (sum(scores["bob"].values()), sum(full.values()))

    # bob's page, the one his Fetch Feedback gets: his letters, and the version he answered in named
    _, letters, ada_order = _letters(quiz, "q1_relu_neuron", "ada")
    bob_order = _letters(quiz, "q1_relu_neuron", "bob")[2]
    typed, his = letters[ada_order.index("d")], letters[bob_order.index("d")]
    assert typed != his                                             # else question 1 shows nothing
    assert "<strong>%s)</strong> 0 and 60" % his in pages["bob"]    # the right option under his own letter
    assert "<strong>%s)</strong> 0 and 60" % typed in pages["ada"]
    assert "You chose %s)" % typed in pages["bob"] and "0 and 60: the right answer" not in pages["bob"]
    assert "another student&#39;s version of the quiz" in pages["bob"]
    assert "another student" not in pages["ada"]


@pytest.mark.slow
def test_an_lms_download_without_a_version_is_graded_in_the_common_order_and_flagged(quiz_course, tmp_path):
    shutil.copytree(quiz_course.root, tmp_path / "course", symlinks=True)   # the gradebook and keys with it
    course = Course(tmp_path / "course")
    quiz = Quiz(QUIZ)
    questions = list(quiz.solutions)
    assert any(_letters(quiz, q, "dan")[2] != _letters(quiz, q, None)[2] for q in questions)  # dan's own differs
    download = tmp_path / "download"
    download.mkdir()
    common = _answered(course, {q: _answer(quiz, q, None) for q in questions}, "nothing")   # run at home
    nbformat.write(common, str(download / ("dan_20261121090000_" + NOTEBOOK)))
    for verb, said in ((["intake", "--assignment", QUIZ, "--from", str(download)], "collected 1 files for 1 students"),
                       (["grade", "--only", QUIZ, "--workers", "1"], "dan / %s: graded" % QUIZ)):
        done = subprocess.run([sys.executable, "-m", "grader", *verb], cwd=course.root,
                              capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0 and said in done.stdout, done.stdout[-3000:] + done.stderr[-3000:]
    with course.gradebook() as gb:
        scores = {g.name[:-5]: g.score for g in gb.find_submission_notebook(NOTEBOOK[:-6], QUIZ, "dan").grades}
    assert scores == {q: quiz.points(q) for q in questions}
    report = (course.root / "reports" / "class_report.md").read_text()
    flagged = [line for line in report.splitlines() if "common order" in line]
    assert flagged and "dan" in flagged[0], report[:3000]
    page = (course.folder("feedback") / "dan" / QUIZ / NOTEBOOK.replace(".ipynb", ".html")).read_text()
    assert "showed the options in the quiz&#39;s common order" in page
