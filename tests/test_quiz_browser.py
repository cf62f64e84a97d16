"""A quiz answered with the mouse, all the way to its feedback (JupyterLab and Debian's Chromium).

In a private copy of the course with the week-1 quiz released and its answer key built:

0. the student "mouse" works on the course's hub (JUPYTERHUB_USER, and the course id in nbgrader's settings):
   every question lists its options in mouse's own order (nncourse.quiz_versions), and the clicks below name
   options by their place in the notebook, clicked under mouse's own letters;
1. the student opens the quiz and clicks an answer to every question: question 1's option a (a wrong answer),
   question 2's options a, c, e and f, question 3's b, then d, and so on. Each click writes the answer into the answer cell and runs its format check
   (the setup cell first, the first time), whose ✔ line shows at once. Nothing says whether a choice is right;
2. the notebook is saved; *Restart Kernel and Run All Cells* then prints the same format checks from the
   answers the clicks wrote (the cells, not the buttons, hold the choice);
3. the saved notebook, handed in, is graded by the course's grader: every click counts as if typed
   (question 1 scores 0, questions 2 and 3 full points);
4. its feedback page shows question 1 with the option chosen, the verdict and the explanation, and the
   student's own plots saved by their run; screenshots of both.

Screenshots: reports/screenshots/quiz_NN_*.png. Skipped without /usr/bin/chromium or the sandbox.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from browser_support import (CHROMIUM, UI_TIMEOUT, ScreenshotSeries, chromium_page, code_cell, released_copy,
                             running_lab, wait_for_idle_kernel)
from conftest import REPO
from grader.authoring.release import build_keys
from grader.run.classgrade import grade_class
from grader.sandbox import probe
from nncourse.checks import PASS_MARK
from nncourse.quiz_versions import option_order

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (CI installs it)"),
              pytest.mark.skipif(probe(200000) is not None, reason="no bubblewrap sandbox here")]

QUIZ = "a0_concepts_quiz"
NOTEBOOK = "release/%s/concepts_quiz.ipynb" % QUIZ
STUDENT, COURSE = "mouse", "nn-workbook"
#: question -> (its test cell, its letters): the clicks below name the notebook's options; mouse sees them elsewhere
QUESTIONS = {"q1": ("q1_relu_neuron_test", "abcd"), "q2": ("q2_network_types_test", "abcdef"),
             "q3": ("q3_unstructured_data_test", "abcd"), "q4": ("q4_why_now_test", "abcd"),
             "q5": ("q5_relu_vs_sigmoid_test", "abcd"), "q6": ("q6_scale_test", "abcd"),
             "q7": ("q7_iteration_speed_test", "abcd")}


def mine(question: str, original: str) -> str:
    """The letter under which mouse sees the notebook's option ``original`` of ``question``."""
    test, letters = QUESTIONS[question]
    return letters[option_order(COURSE, STUDENT, test, letters).index(original)]


def mine_all(question: str, originals) -> list[str]:
    return sorted(mine(question, o) for o in originals)


CLICKS = [("# Question 1: one letter", ["a"]), ("# Question 2: a set of letters", ["a", "c", "e", "f"]),
          ("# Question 3: a set of letters", ["b", "d"]), ("# Question 4: a set of letters", ["a", "b"]),
          ("# Question 5: one letter", ["b"]), ("# Question 6: a set of letters", ["a"]),
          ("# Question 7: one letter", ["c"])]
CHECKS = {"q1": "%s q1_answer = '%s' is one of the options" % (PASS_MARK, mine("q1", "a")),
          "q2": '%s q2_answers chooses {%s}' % (PASS_MARK, ", ".join('"%s"' % x for x in mine_all("q2", "acef"))),
          "q3": '%s q3_answers chooses {%s}' % (PASS_MARK, ", ".join('"%s"' % x for x in mine_all("q3", "bd")))}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = released_copy(tmp_path_factory.mktemp("quiz"), QUIZ)
    build_keys(course, [QUIZ], log=lambda *_: None)
    return course


def _check_cell(page, question: str):
    variable = "%s_answer%s" % (question, "" if question == "q1" else "s")
    return code_cell(page, 'assert_choice%s(%s, ' % ("" if question == "q1" else "s", variable))


def _checks_say(page) -> None:
    from playwright.sync_api import expect

    for question, line in CHECKS.items():
        expect(_check_cell(page, question).locator(".jp-OutputArea")).to_contain_text(line, timeout=UI_TIMEOUT)


def _pictures(nb) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def _printed(nb, line: str) -> bool:
    return any(line in o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def _save(page, path, saved) -> None:
    """Save the open notebook with the toolbar's button and wait until the file on disk is as ``saved`` says."""
    import time

    page.locator(".jp-NotebookPanel:visible .jp-NotebookPanel-toolbar [data-command='docmanager:save']").click()
    deadline = time.monotonic() + UI_TIMEOUT / 1000
    while time.monotonic() < deadline:
        try:
            if saved(nbformat.read(str(path), as_version=4)):
                return
        except (ValueError, OSError):   # read while JupyterLab writes it
            pass
        page.wait_for_timeout(500)
    raise AssertionError("the notebook was not saved as expected: %s" % path)


def test_a_quiz_answered_with_the_mouse_is_what_run_all_and_the_grader_see(course, tmp_path, capsys, monkeypatch):
    from playwright.sync_api import expect

    shots = ScreenshotSeries(REPO / "reports" / "screenshots", "quiz", capsys)
    errors = []
    monkeypatch.setenv("JUPYTERHUB_USER", STUDENT)          # as on the hub: the server and its kernels know mouse
    (tmp_path / "jupyter" / "config").mkdir(parents=True)
    (tmp_path / "jupyter" / "config" / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = %r\n" % COURSE)
    with running_lab(course.root, tmp_path / "jupyter") as lab, chromium_page(tmp_path / "chromium") as page:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_default_timeout(UI_TIMEOUT)
        page.goto(lab.page_url("lab/tree/" + NOTEBOOK), timeout=UI_TIMEOUT)
        page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=UI_TIMEOUT)
        wait_for_idle_kernel(page)
        expect(page.locator(".nncourse-quiz")).to_have_count(7)
        # 0. question 1's options in mouse's order and letters: the notebook's d) "0 and 60" under mouse's letter
        option = page.locator(".jp-RenderedMarkdown li", has_text="0 and 60").filter(has_not_text="20 and 60")
        expect(option.locator("strong")).to_have_text("%s)" % mine("q1", "d"))
        assert "your own order" in page.locator(".nncourse-quiz").first.inner_text()

        # 1. clicks; each one writes the cell and runs the format check
        for marker, letters in CLICKS:
            answer = code_cell(page, marker)
            question = "q%s" % marker.split()[2].rstrip(":")
            for letter in mine_all(question, letters):
                answer.locator(".nncourse-quiz button[data-letter=%s]" % letter).click()
                expect(answer.locator("button[data-letter=%s]" % letter)).to_have_attribute("aria-pressed", "true")
                wait_for_idle_kernel(page)
        _checks_say(page)
        sources = {q: code_cell(page, m).locator(".cm-content").inner_text() for q, (m, _) in zip(CHECKS, CLICKS)}
        assert sources["q1"].splitlines()[-1] == 'q1_answer = "%s"' % mine("q1", "a")
        assert "NotImplementedError" not in sources["q1"]
        assert sources["q2"].splitlines()[-1] == 'q2_answers = {%s}' % ", ".join('"%s"' % x for x in mine_all("q2", "acef"))
        assert sources["q2"].splitlines()[0].startswith("# Question 2: ")          # the question's own line kept
        assert "right" not in page.locator(".nncourse-quiz").first.inner_text().lower()
        code_cell(page, CLICKS[1][0]).evaluate("cell => cell.scrollIntoView({block: 'center'})")
        shots.take(page, "answered_with_the_mouse")

        # 2. saved, then Restart Kernel and Run All Cells: the same checks, from what the cells now say
        _save(page, course.root / NOTEBOOK, lambda nb: any('q7_answer = "%s"' % mine("q7", "c") in c.source
                                                           for c in nb.cells))
        page.locator("#jp-MainMenu").get_by_text("Kernel", exact=True).click()
        page.locator(".lm-Menu").get_by_text("Restart Kernel and Run All Cells…", exact=True).click()
        page.locator(".jp-Dialog").get_by_role("button", name="Confirm Kernel Restart").click()
        last = page.locator(".jp-NotebookPanel:visible .jp-CodeCell").last
        expect(last.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]:"), timeout=UI_TIMEOUT)
        wait_for_idle_kernel(page)
        _checks_say(page)
        _save(page, course.root / NOTEBOOK, lambda nb: _pictures(nb) >= 3 and all(
            _printed(nb, line) for line in CHECKS.values()))
    assert not errors, errors

    # 3. the saved notebook, handed in and graded
    saved = nbformat.read(str(course.root / NOTEBOOK), as_version=4)
    assert saved.metadata["nncourse"]["quiz_version"] == {"course": COURSE, "student": STUDENT}
    folder = course.folder("submitted") / STUDENT / QUIZ
    folder.mkdir(parents=True)
    nbformat.write(saved, str(folder / "concepts_quiz.ipynb"))
    (result,) = grade_class(course, [QUIZ], workers=1, log=lambda *_: None)
    assert result.ok, result.reason
    with course.gradebook() as gb:
        scores = {g.name: g.score for g in gb.find_submission_notebook("concepts_quiz", QUIZ, "mouse").grades}
    assert (scores["q1_relu_neuron_test"], scores["q2_network_types_test"], scores["q3_unstructured_data_test"]) \
        == (0, 6, 4)

    # 4. its feedback: the option chosen, the verdict, the explanation, and the student's own plots
    feedback = course.folder("feedback") / "mouse" / QUIZ / "concepts_quiz.html"
    text = feedback.read_text()
    assert "You chose %s) −20 and 60: not the right answer." % mine("q1", "a") in text
    assert "<strong>%s)</strong> 0 and 60" % mine("q1", "d") in text     # the question, listed in mouse's order
    assert text.count("<img src=\"data:image/png;base64,") >= 3          # the quiz's three plots, as saved
    with chromium_page(tmp_path / "chromium-feedback", viewport=(1300, 1000)) as page:
        page.goto(feedback.as_uri())
        question = page.locator("section#q1_relu_neuron_test")
        question.evaluate("cell => cell.scrollIntoView({block: 'start'})")
        shots.take(page, "feedback_of_a_clicked_answer")
        page.locator(".saved img").first.evaluate("img => img.scrollIntoView({block: 'center'})")
        shots.take(page, "feedback_with_the_students_own_plot")
