"""The students' side in a real browser: JupyterLab with nbgrader's extensions, driven by Chromium.

One test walks the path a student (and then the instructor) takes, in a private copy of the course:

1. JupyterLab starts from the course root (so nbgrader reads nbgrader_config.py) on 127.0.0.1 with a
   free port and a token; release/a1_numpy_basics is generated first so the gradebook knows it.
2. Debian's Chromium (headless, driven by Playwright, no browser download) opens
   release/a1_numpy_basics/numpy_basics.ipynb and the kernel starts.
3. The setup cell runs; the sigmoid exercise is typed in place of its `raise NotImplementedError()`;
   the check cell under it prints its ✔ line.
4. nbgrader's Validate button saves and validates the notebook: its dialog lists, one plain line each, the
   exercises still to do, and not the one just solved (the lab settings of nncourse.labconfig installed).
5. The Nbgrader menu opens the formgrader, which lists every assignment of the course.

Screenshots of each step go to reports/screenshots/ (git-ignored) for a person to look at after CI;
their paths are printed. Skipped only when /usr/bin/chromium is missing (CI installs it).

A second test says plainly what the browser test needs from the environment: nbgrader's lab and
server extensions, enabled and not marked incompatible (it needs no browser).

A third shows the course as students see it, in reports/screenshots/course_*.png: every figure that a released
notebook shows (the SVG files of its images/ folder, rendered by JupyterLab), the first page of every quiz, a
contents link followed to its section, a quiz question answered by typing (the option buttons follow it) and one
answered with the mouse, each with its format check, and a progress bar caught mid-run in the instructor's copy of
assignment 3.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from browser_support import (CHROMIUM, UI_TIMEOUT, VALIDATE_TIMEOUT, chromium_page, code_cell, lab_environment,
                             released_copy, run_cell, running_lab, type_answer, wait_for_idle_kernel)
from conftest import REPO
from nncourse import labconfig
from nncourse.checks import FAIL_MARK, PASS_MARK

pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: install Debian's "
                                                                  "package `chromium` (CI does, in .ci/run)")

ASSIGNMENT = "a1_numpy_basics"
NOTEBOOK = "release/%s/numpy_basics.ipynb" % ASSIGNMENT
SCREENSHOTS = REPO / "reports" / "screenshots"
SOLUTION_LINE = "s = 1 / (1 + np.exp(-x))"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A private copy of the course with release/a1_numpy_basics generated (and in the gradebook)."""
    course = released_copy(tmp_path_factory.mktemp("browser"), ASSIGNMENT)
    assert (course.root / NOTEBOOK).is_file()
    return course


class Screenshots:
    """Numbered screenshots in reports/screenshots/ (<prefix>_NN_<what>.png), each path printed as it is
    written; a test's earlier screenshots of the same prefix are removed first."""

    def __init__(self, page, capsys, prefix: str = "browser"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("%s_*.png" % prefix):
            old.unlink()
        self.page, self.capsys, self.count, self.prefix = page, capsys, 0, prefix

    def take(self, what: str, element=None):
        """The page, or only ``element`` (a Playwright locator), as it is now."""
        self.count += 1
        path = SCREENSHOTS / ("%s_%02d_%s.png" % (self.prefix, self.count, what))
        (element or self.page).screenshot(path=str(path))
        with self.capsys.disabled():
            print("\nscreenshot: %s" % path)
        return path








def _jupyter(args: list[str], cwd, env) -> str:
    done = subprocess.run([sys.executable, "-m", "jupyter", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)   # without colour codes


def test_nbgrader_extensions_are_enabled_and_compatible(course, tmp_path):
    """What the browser test needs, said plainly if it is missing: nbgrader's lab extension (the
    Validate button, the Nbgrader menu) and its server extensions, enabled and not incompatible."""
    env = lab_environment(tmp_path / "jupyter")
    lab = _jupyter(["labextension", "list"], course.root, env)
    assert re.search(r"@jupyter/nbgrader v\S+ enabled OK", lab), lab
    assert "incompatible" not in lab and "outdated" not in lab, lab
    server = _jupyter(["server", "extension", "list"], course.root, env)
    for extension in ("formgrader", "validate_assignment"):
        assert re.search(r"nbgrader\.server_extensions\.%s +OK" % extension, server), server


@needs_chromium
def test_student_solves_an_exercise_validates_and_instructor_sees_formgrader(course, tmp_path, capsys):
    from playwright.sync_api import expect

    errors = []
    labconfig.install(tmp_path / "jupyter" / "config")   # the student's lab settings (the config dir running_lab uses)
    with running_lab(course.root, tmp_path / "jupyter") as lab, \
            chromium_page(tmp_path / "chromium-profile") as page:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_default_timeout(UI_TIMEOUT)
        shots = Screenshots(page, capsys)

        # 2. the student opens the released notebook; its kernel starts
        page.goto(lab.page_url("lab/tree/" + NOTEBOOK), timeout=UI_TIMEOUT)
        page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=UI_TIMEOUT)
        wait_for_idle_kernel(page)
        expect(page.locator(".jp-NotebookPanel-toolbar")).to_contain_text("Python 3 (ipykernel)")
        shots.take("notebook_opened")

        # 3. the setup cell, then the sigmoid exercise and its check
        setup = code_cell(page, "from nncourse.checks import")
        run_cell(page, setup)
        assert "Error" not in setup.locator(".jp-Cell-outputWrapper").inner_text()
        shots.take("setup_ran")

        solution = code_cell(page, "def sigmoid(x):")
        type_answer(page, solution, SOLUTION_LINE)
        typed = solution.locator(".cm-content").inner_text()
        assert SOLUTION_LINE in typed and "raise NotImplementedError()" not in typed, typed
        shots.take("sigmoid_typed")

        run_cell(page, solution)
        check = code_cell(page, '"sigmoid([1, 2, 3])")')
        run_cell(page, check)
        output = check.locator(".jp-OutputArea").inner_text()
        assert "%s sigmoid([1, 2, 3])" % PASS_MARK in output, output
        check.scroll_into_view_if_needed()
        shots.take("sigmoid_check_passed")

        # 4. nbgrader's Validate button: it saves, runs the notebook in a fresh kernel, reports
        page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).click()
        dialog = page.locator(".jp-Dialog")
        expect(dialog.locator(".jp-Dialog-header")).to_have_text("Validation Results",
                                                                 timeout=VALIDATE_TIMEOUT)
        verdict = dialog.locator(".jp-Dialog-body").inner_text()
        shots.take("validate_dialog_failing_notebook")
        lines = [line for line in verdict.splitlines() if line.startswith(FAIL_MARK)]
        names = [line.split(":")[0][2:] for line in lines]
        assert names == ["basic_sigmoid", "sigmoid_derivative", "image2vector", "normalize_rows", "softmax", "L1",
                         "L2"], verdict[:2000]                          # one line each, sigmoid (solved) not there
        assert all("still raises NotImplementedError" in line for line in lines), lines
        assert "The following cell failed" not in verdict and "Traceback" not in verdict, verdict[:2000]
        assert "def " not in verdict and "assert_close(" not in verdict   # no cell source
        assert labconfig.FAILED_TEXT in page.locator("#validation-message").evaluate(
            "m => getComputedStyle(m, '::before').content")
        dialog.get_by_role("button", name="Ok").click()
        expect(dialog).to_have_count(0)

        # 5. the instructor's view: Nbgrader menu -> Formgrader lists the course's assignments
        page.locator("#jp-MainMenu").get_by_text("Nbgrader", exact=True).click()
        page.locator(".lm-Menu").get_by_text("Formgrader", exact=True).click()
        formgrader = page.frame_locator("iframe[src*='formgrader']")
        expect(formgrader.get_by_role("heading", name="Manage Assignments")).to_be_visible(timeout=UI_TIMEOUT)
        table = formgrader.locator("table")
        for assignment in course.assignments:
            expect(table.get_by_text(assignment, exact=True)).to_be_visible(timeout=UI_TIMEOUT)
        shots.take("formgrader")

    assert not errors, "errors in the page: %s" % errors
    assert "Traceback" not in lab.log.read_text(errors="replace"), lab.log_tail()


# ---------------------------------------------------------------- the course as students see it
def _figures_by_notebook() -> list[tuple[str, list[str]]]:
    """(release notebook, [figure file names in the order it shows them]) for every released notebook."""
    import nbformat

    pages = []
    for path in sorted((REPO / "release").glob("*/*.ipynb")):
        shown = [name for cell in nbformat.read(str(path), as_version=4).cells if cell.cell_type == "markdown"
                 for name in re.findall(r"!\[[^\]]*\]\(images/([^)\s]+)\)", cell.source)]
        pages.append((str(path.relative_to(REPO)), shown))
    return pages


QUIZ = "release/a3_shallow_networks_quiz/shallow_networks_quiz.ipynb"
TRAINING = "source/a3_planar_data/planar_data.ipynb"   # the instructor's copy: its trainings run


def _shut_down_kernels(lab) -> None:
    """End every session of the server (the notebooks opened so far), so that kernels do not pile up. A kernel
    still running cells (Run All) is interrupted and given time to answer first: a kernel shut down in the middle
    of a reply logs a traceback of its closed sockets."""
    import json
    import time
    import urllib.request

    headers = {"Authorization": "token " + lab.token}

    def call(path, method="GET"):
        request = urllib.request.Request(lab.url + path, headers=headers, method=method,
                                         data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    sessions = call("/api/sessions")
    for session in sessions:
        kernel = "/api/kernels/%s" % session["kernel"]["id"]
        idle_twice, deadline = 0, time.monotonic() + 60   # idle twice in a row: not between two queued cells
        while idle_twice < 2 and time.monotonic() < deadline:
            if call(kernel)["execution_state"] == "idle":
                idle_twice += 1
            else:
                idle_twice = 0
                call(kernel + "/interrupt", "POST")
            time.sleep(0.5)
    for session in sessions:
        urllib.request.urlopen(urllib.request.Request("%s/api/sessions/%s" % (lab.url, session["id"]),
                                                      headers=headers, method="DELETE")).close()


def _open(page, lab, path: str, workspace: str):
    """Open one notebook alone in a fresh workspace; returns the locator of its panel."""
    page.goto(lab.page_url("lab/workspaces/%s/tree/%s?reset" % (workspace, path)), timeout=UI_TIMEOUT)
    panel = page.locator(".jp-NotebookPanel:visible")
    panel.locator(".jp-Cell").first.wait_for(timeout=UI_TIMEOUT)
    return panel


@needs_chromium
def test_figures_contents_a_quiz_and_a_progress_bar_as_students_see_them(course, tmp_path, capsys):
    """Every drawn figure, rendered by JupyterLab from its assignment's images/ folder, and the first page of
    every quiz; a contents link that scrolls to its section; a quiz question answered and checked; a
    progress bar mid-run."""
    from playwright.sync_api import expect

    errors = []
    with running_lab(course.root, tmp_path / "jupyter") as lab, \
            chromium_page(tmp_path / "chromium-profile") as page:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_default_timeout(UI_TIMEOUT)
        shots = Screenshots(page, capsys, prefix="course")

        for number, (path, figures) in enumerate(_figures_by_notebook()):
            assignment = path.split("/")[1]
            panel = _open(page, lab, path, "page%d" % number)
            if assignment.endswith("_quiz"):   # every quiz: its first page, the questions and their points
                expect(panel.locator(".jp-RenderedMarkdown h1")).to_have_count(1, timeout=UI_TIMEOUT)
                shots.take("quiz_%s" % assignment)
            for figure in figures:
                cell = panel.locator(".jp-MarkdownCell").filter(has=page.locator("img[src*='/images/%s']" % figure))
                expect(cell).to_have_count(1, timeout=UI_TIMEOUT)
                image = cell.locator("img[src*='/images/%s']" % figure)
                image.scroll_into_view_if_needed()
                page.wait_for_function("(img) => img.complete && img.naturalWidth > 300",
                                       arg=image.element_handle(), timeout=UI_TIMEOUT)
                image.evaluate("img => img.scrollIntoView({block: 'center'})")
                shots.take("figure_%s_%s" % (assignment, figure[:-4]))
            if assignment == "a3_planar_data":   # the contents line: a link, then its section
                link = panel.locator(".jp-RenderedMarkdown a", has_text="5 · How many hidden units?")
                link.scroll_into_view_if_needed()
                link.click()
                heading = panel.locator("h2", has_text="5 · How many hidden units?")
                page.wait_for_function("(h) => { const top = h.getBoundingClientRect().top; "
                                       "return top > 0 && top < 300; }", arg=heading.element_handle())
                shots.take("contents_link_followed")
            wait_for_idle_kernel(page)   # a kernel stopped while it starts up writes a traceback to the log
            _shut_down_kernels(lab)

        # a quiz page: question 6 of week 3, its figure, an answer typed in and its format check; the option
        # buttons under the answer follow what was typed
        panel = _open(page, lab, QUIZ, "quiz")
        wait_for_idle_kernel(page)
        run_cell(page, code_cell(page, "from nncourse.quiz import"))
        answer = code_cell(page, "# Question 6: a set of letters")
        type_answer(page, answer, 'q6_answers = {"a", "b", "d"}')
        run_cell(page, answer)
        check = code_cell(page, 'assert_choices(q6_answers, "abcde", "q6_answers")')
        run_cell(page, check)
        expect(check.locator(".jp-OutputArea")).to_contain_text(
            '%s q6_answers chooses {"a", "b", "d"}' % PASS_MARK)
        pressed = answer.locator(".nncourse-quiz button[aria-pressed=true]")
        expect(pressed).to_have_count(3)
        assert [b.get_attribute("data-letter") for b in pressed.all()] == ["a", "b", "d"]
        question = panel.locator(".jp-MarkdownCell").filter(
            has=page.locator("h2", has_text="6 · Shapes of a network with one hidden layer"))
        question.scroll_into_view_if_needed()
        page.wait_for_function("(cell) => [...cell.querySelectorAll('img')].every(i => i.complete && "
                               "i.naturalWidth > 0)", arg=question.element_handle())
        question.evaluate("cell => cell.scrollIntoView({block: 'start'})")
        shots.take("quiz_question_typed")
        # question 7 answered with the mouse: the button writes the answer and its check runs at once
        answer = code_cell(page, "# Question 7: one letter")
        answer.locator(".nncourse-quiz button[data-letter=c]").click()
        check = code_cell(page, 'assert_choice(q7_answer, "abcd", "q7_answer")')
        expect(check.locator(".jp-OutputArea")).to_contain_text("%s q7_answer = 'c'" % PASS_MARK, timeout=UI_TIMEOUT)
        assert 'q7_answer = "c"' in answer.locator(".cm-content").inner_text()
        answer.evaluate("cell => cell.scrollIntoView({block: 'center'})")
        shots.take("quiz_question_clicked")
        _shut_down_kernels(lab)

        # a progress bar mid-run: Run All on assignment 3 (the instructor's copy), caught while the
        # loop over the seven hidden-layer sizes is between its first and its last network
        _open(page, lab, TRAINING, "training")
        wait_for_idle_kernel(page)
        page.locator("#jp-MainMenu").get_by_text("Run", exact=True).click()
        page.locator(".lm-Menu").get_by_text("Run All Cells", exact=True).click()
        sizes = code_cell(page, "hidden_sizes = [1, 2, 3, 4, 5, 20, 50]")
        sizes.scroll_into_view_if_needed()
        page.wait_for_function("(cell) => /hidden.layer.sizes:[\\s\\S]*\\b[1-6]\\/7\\b/.test(cell.innerText)",
                               arg=sizes.element_handle(), timeout=VALIDATE_TIMEOUT)
        # Run All made the last cell the active one and scrolled there: bring the loop's cell back
        sizes.evaluate("cell => cell.scrollIntoView({block: 'start'})")
        shots.take("progress_bar_mid_run")
        expect(sizes.locator(".jp-OutputArea")).to_contain_text("7/7", timeout=VALIDATE_TIMEOUT)
        training = code_cell(page, "Training on the flower: 4 hidden units")
        output = training.locator(".jp-OutputArea").inner_text()
        assert re.search(r"4.hidden.units:.*100%", output) and "Cost after iteration 9000" in output, output
        _shut_down_kernels(lab)

    assert not errors, "errors in the page: %s" % errors
    assert "Traceback" not in lab.log.read_text(errors="replace"), lab.log_tail()
