"""What a student reads in JupyterLab (Debian's Chromium): a failed check, and the Validate dialog.

1. A wrong sigmoid is typed into the released assignment 1 and its check cell run: the output starts with
   the check's message and shows only the notebook line that failed, not nncourse.checks' source.
2. With the workbook's lab settings installed (``python -m nncourse.labconfig``), nbgrader's Validate on a
   notebook whose visible checks all pass no longer claims that the notebook "passes all the tests": the
   dialog says that the visible checks pass and that grading uses other inputs.

Screenshots go to reports/screenshots/ (messages_*.png). Skipped without /usr/bin/chromium.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from browser_support import (CHROMIUM, UI_TIMEOUT, VALIDATE_TIMEOUT, chromium_page, code_cell, released_copy, run_cell,
                             running_lab, type_answer, wait_for_idle_kernel)
from conftest import REPO
from grader.authoring.solutions import instructor_solutions
from grader.example_class import PROFILES, fill_in
from nncourse import labconfig

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (CI installs Debian's chromium)")]

ASSIGNMENT = "a1_numpy_basics"
RELEASED = "release/%s/numpy_basics.ipynb" % ASSIGNMENT
SOLVED = "release/%s/numpy_basics_solved.ipynb" % ASSIGNMENT
WRONG_LINE = "s = 1 / (1 + np.exp(x))"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = released_copy(tmp_path_factory.mktemp("messages"), ASSIGNMENT)
    release = nbformat.read(str(course.root / RELEASED), as_version=4)
    solutions = instructor_solutions(course.root / "source" / ASSIGNMENT / "numpy_basics.ipynb")
    nbformat.write(fill_in(release, PROFILES[ASSIGNMENT]["correct"], solutions), str(course.root / SOLVED))
    return course








def test_a_failed_check_and_the_validate_dialog_say_what_is_true(course, tmp_path):
    from playwright.sync_api import expect

    home = tmp_path / "jupyter"
    labconfig.install(home / "config")       # the folder running_lab gives JupyterLab as its config dir
    shots = REPO / "reports" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with running_lab(course.root, home) as lab, chromium_page(tmp_path / "profile") as page:
        page.set_default_timeout(UI_TIMEOUT)

        # 1. a wrong sigmoid, and its check
        page.goto(lab.page_url("lab/tree/" + RELEASED), timeout=UI_TIMEOUT)
        page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=UI_TIMEOUT)
        wait_for_idle_kernel(page)
        run_cell(page, code_cell(page, "from nncourse.checks import"))
        solution = code_cell(page, "def sigmoid(x):")
        type_answer(page, solution, WRONG_LINE)
        run_cell(page, solution)
        check = code_cell(page, '"sigmoid([1, 2, 3])")')
        run_cell(page, check)
        output = check.locator(".jp-OutputArea-output").last
        expect(output).to_contain_text("sigmoid([1, 2, 3]) has the right shape but wrong values")
        text = output.inner_text()
        assert text.lstrip().startswith("\u2718 sigmoid([1, 2, 3]) has the right shape but wrong values."), text
        assert re.search(r"\(line \d+ of this cell: assert_close\(sigmoid\(x\)", text), text
        assert "checks.py" not in text and "raise CheckFailed" not in text and "Traceback" not in text, text
        output.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "messages_1_failed_check.png"))

        # 2. Validate on a notebook whose visible checks all pass (alone in a fresh workspace)
        page.goto(lab.page_url("lab/tree/" + SOLVED + "?reset"), timeout=UI_TIMEOUT)
        page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=UI_TIMEOUT)
        wait_for_idle_kernel(page)
        expect(page.locator(".jp-NotebookPanel")).to_have_count(1)
        page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).click()
        message = page.locator("#validation-message")
        expect(message).to_have_class(re.compile("validation-success"), timeout=VALIDATE_TIMEOUT)
        shown = message.locator("p").evaluate(
            "p => [getComputedStyle(p, '::after').content, getComputedStyle(p).fontSize]")
        assert shown == ['"%s"' % labconfig.SUCCESS_TEXT, "0px"], shown
        page.screenshot(path=str(shots / "messages_2_validate.png"))
