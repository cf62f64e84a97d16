"""The class report's parts for a large class, without grading (the slow tests grade whole classes for real:
tests/test_classgrade.py, tests/test_leaks.py, tests/test_report_browser.py for 300 students).

* colours follow the rate: red at low shares, green only near full, and 67 % is not green;
* flags of many students with one problem are one line; a submission whose checks never ran is flagged;
* "discuss in class" holds one item per exercise (its most failed check) and the quiz options most get wrong;
* a quiz question's answers are counted option by option, with the right option of a single choice found from
  the verdicts (nothing knows the key);
* the HTML page escapes what students and checks are called, and is inert.
"""

from __future__ import annotations

import colorsys
import re

from nbformat.v4 import new_code_cell, new_markdown_cell

from conftest import copy_course
from grader.outputs import report
from grader.outputs.class_summary import (AssignmentSummary, CheckFailures, ExerciseSummary, Flag, _discuss,
                                          _quiz_summary, grouped, recorded_nothing)
from grader.outputs.quiz_view import quiz_questions


def _hue(colour: str) -> float:
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(red, green, blue)[0] * 360


def test_colours_follow_the_rate_and_only_near_full_is_green():
    assert _hue(report.rate_colour(0.2)) < 10 and _hue(report.rate_colour(0.4)) < 10      # red
    assert 100 <= _hue(report.rate_colour(1.0)) <= 125                                      # green
    assert _hue(report.rate_colour(0.67)) < 70                                              # not green at 67 %
    hues = [_hue(report.rate_colour(r / 20)) for r in range(21)]
    assert hues == sorted(hues)


def test_many_students_with_one_problem_are_one_line():
    flags = [Flag("s%03d" % i, "not graded", "submitted/s%03d/a1/nb.ipynb is not valid notebook JSON" % i)
             for i in range(40)] + [Flag("s777", "structure changed", "a cell was deleted")]
    (first, second) = grouped(flags)
    assert first == ("not graded", "submitted/<student>/a1/nb.ipynb is not valid notebook JSON",
                     ["s%03d" % i for i in range(40)])
    assert second == ("structure changed", "a cell was deleted", ["s777"])


def test_a_submission_whose_checks_never_ran_is_flagged_and_one_with_results_is_not():
    never = {"f_test": {"checks": [{"name": "f(1)", "passed": False, "problem": "this check got no result"}]},
             "g_test": {"checks": [{"name": "g(1)", "passed": False,
                                    "problem": "this check got no result: the cell stopped earlier, with NameError"}]}}
    assert recorded_nothing(never)
    some = {"f_test": never["f_test"], "g_test": {"checks": [{"name": "g(1)", "passed": False,
                                                              "problem": "the value is off by 5 %"}]}}
    assert not recorded_nothing(some) and not recorded_nothing({})


QUIZ_CELLS = [
    new_markdown_cell("**Question 1.** Pick one.\n\n* **a)** first\n* **b)** second, which goes on\n  over two "
                      "lines\n* **c)** third"),
    new_code_cell('q1_answer = "b"', metadata={"nbgrader": {"grade_id": "q1_x", "solution": True, "grade": False}}),
    new_code_cell('### BEGIN HIDDEN TESTS\nrecord("answer to question 1", q1_answer)\n### END HIDDEN TESTS',
                  metadata={"nbgrader": {"grade_id": "q1_x_test", "grade": True, "solution": False, "points": 2}}),
    new_markdown_cell("**Question 2.** Pick all.\n\n* **a)** A\n* **b)** B"),
    new_code_cell('q2_answers = {"a"}', metadata={"nbgrader": {"grade_id": "q2_y", "solution": True, "grade": False}}),
    new_code_cell('### BEGIN HIDDEN TESTS\nfor option in "ab":\n    record("whether option %s is selected" % '
                  'option, None)\n### END HIDDEN TESTS',
                  metadata={"nbgrader": {"grade_id": "q2_y_test", "grade": True, "solution": False, "points": 2}}),
]


def test_quiz_questions_are_read_from_the_instructors_markdown():
    questions = quiz_questions(QUIZ_CELLS)
    assert list(questions) == ["q1_x_test", "q2_y_test"]
    assert questions["q1_x_test"].options == {"a": "first", "b": "second, which goes on over two lines", "c": "third"}
    assert not questions["q1_x_test"].multiple and questions["q2_y_test"].multiple


def test_a_quiz_questions_answers_are_counted_option_by_option():
    questions = quiz_questions(QUIZ_CELLS)
    single = [{"checks": [{"name": "answer to question 1", "passed": letter == "b", "answer": letter}]}
              for letter in "bbbaac"] + [{"checks": [{"name": "answer to question 1", "passed": False, "answer": None}]}]
    summary = _quiz_summary(questions["q1_x_test"], single, 2, [2, 2, 2, 0, 0, 0, 0])
    assert [(o.letter, o.chosen, o.judged_right) for o in summary.options] == [("a", 2, 0), ("b", 3, 3), ("c", 1, 0)]
    assert (summary.answered, summary.unreadable, summary.right) == (6, 1, 3)
    multi = [{"checks": [{"name": "whether option a is selected", "passed": True, "answer": True},
                         {"name": "whether option b is selected", "passed": passed, "answer": not passed}]}
             for passed in (True, True, False)]
    summary = _quiz_summary(questions["q2_y_test"], multi, 2, [2, 2, 1])
    assert [(o.letter, o.chosen, o.judged_right) for o in summary.options] == [("a", 3, 3), ("b", 1, 2)]
    assert summary.answers == {"a": 2, "a, b": 1}
    # a student's letters are counted per original option: in the version "bca", their a) is option b
    swapped = {"letters": "abc", "order": "bca", "shown": "own"}
    theirs = [{"version": swapped, "checks": [{"name": "answer to question 1", "passed": True, "answer": "a"}]}]
    summary = _quiz_summary(questions["q1_x_test"], single[:1] + theirs, 2, [2, 2])
    assert [(o.letter, o.chosen, o.judged_right) for o in summary.options] == [("a", 0, 0), ("b", 2, 2), ("c", 0, 0)]


def test_discuss_in_class_holds_one_item_per_exercise_most_failed_first():
    exercises = [ExerciseSummary("f_test", "f", 10, 50, 6.0, [("f(1)", 40), ("f(2)", 40), ("f(3)", 10)]),
                 ExerciseSummary("g_test", "g", 10, 90, 9.0, [("g(1)", 5)]),
                 ExerciseSummary("h_test", "h", 10, 30, 4.0, [("h(1)", 70), ("h(2)", 3)])]
    items = _discuss(exercises, 100)
    assert [what for what, _ in items] == ["h: h(1), failed by 70 of 100",
                                           "f: f(1) (and 1 more check as often), failed by 40 of 100"]


def test_the_page_escapes_names_and_runs_nothing(tmp_path):
    course = copy_course(tmp_path / "course")
    failures = CheckFailures(graded=2)
    summary = AssignmentSummary(
        "a1_numpy_basics", 3, ["<b>s1</b>", "s2"], {"<b>s1</b>": 80.0, "s2": 67.63}, 80,
        [ExerciseSummary("softmax_test", "softmax", 10, 1, 5.0, [("softmax of a <script>x</script>", 1)])],
        failures, [Flag("<img src=x onerror=alert(1)>", "not graded", "a <script> in the reason")],
        [("softmax: softmax of a <script>x</script>, failed by 1 of 2", 0.5)], {"s2": ["a <i>note</i>"]}, [])
    page = report._html(course, [summary], {"a1_numpy_basics": {}}, "", tmp_path)
    body = page.split("</style>", 1)[1]
    assert "<script" not in body and "<img" not in body and "<b>s1" not in body and "<i>note" not in body
    assert "&lt;script&gt;" in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "67.6 / 80" in body and re.search(r"Content-Security-Policy\" content=\"default-src 'none'", page)


def test_only_the_report_and_feedback_pages_are_served_through_jupyter(tmp_path):
    from grader.outputs.report_pages import page_path

    assert page_path(tmp_path, "reports/class_report.html") == tmp_path / "reports" / "class_report.html"
    assert page_path(tmp_path, "feedback/s1/a1_numpy_basics/numpy_basics.html") == \
        tmp_path / "feedback" / "s1" / "a1_numpy_basics" / "numpy_basics.html"
    for refused in ("reports/../nbgrader_config.py", "feedback/../../x/y.html", "feedback/s1/a1/../nb.html",
                    "reports/grades.csv", "source/a1/nb.ipynb", "feedback/s1/a1/nb.ipynb", "gradebook.db"):
        assert page_path(tmp_path, refused) is None, refused
