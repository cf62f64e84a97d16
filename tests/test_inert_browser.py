"""Student content runs nothing in a real browser: the formgrader, the feedback pages, the class report.

One class of assignment 1 is graded for real: an honest student, a buggy one (so the class report
has failing checks to rank), and one whose notebook carries every script payload we know of, in
Markdown cells (``<script>``, ``<img onerror>``, ``<svg onload>``, ``javascript:`` links) and in
outputs (``display(HTML(...))``, ``display(Javascript(...))``, raw ``text/html``, Markdown and SVG
outputs with handlers, an image whose data breaks out of its attribute), saved in the submitted notebook:
the feedback shows a student's own saved outputs, inert. The grader drops the outputs of a grading run;
to check the formgrader's own defences as well, the payload outputs are then written into that student's
autograded notebook by hand, as an older grader or ``keep_student_outputs`` would leave them. The buggy
student's notebook was run first as a student runs it (its saved outputs hold its own plots), so its
feedback shows a failed check and the student's own plot.

Each payload, if it ran, would write a file into the course through ``/api/contents`` with the
instructor's ``_xsrf`` token and change the page (its title, an attribute). A positive control runs
the same payload code in the same page on purpose and sees both happen, so "no trace" means
"did not run". Chromium is Debian's (/usr/bin/chromium), driven by Playwright; JupyterLab starts
from the course root with the workbook's server extension (grader.outputs.formgrader) enabled.

Also read in the browser: a formula of the notebook, drawn as MathML (no MathJax, no network), in
the formgrader and in the feedback; the class report's exercises with their most failed checks and its links
to feedback. Screenshots go to reports/screenshots/inert_*.png.
"""

from __future__ import annotations


import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

from browser_support import CHROMIUM, UI_TIMEOUT, chromium_page, running_lab
from conftest import REPO, copy_course
from grader.authoring.release import build_keys, generate_release
from grader.authoring.solutions import instructor_solutions
from grader.example_class import PROFILES, fill_in
from grader.grading.keys import is_graded_test
from grader.outputs.report import write_class_report
from grader.run.classgrade import grade_class
from grader.sandbox import probe

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (CI installs it)"),
              pytest.mark.skipif(probe(200000) is not None, reason="no bubblewrap sandbox here")]

A1 = "a1_numpy_basics"
NB = "numpy_basics"
SCREENSHOTS = REPO / "reports" / "screenshots"


def payload(n: int) -> str:
    """JavaScript (single quotes only) that writes pwned_<n>.txt through the contents API with the
    page's _xsrf cookie, and marks the page."""
    return ("fetch('/api/contents/pwned_%d.txt',{method:'PUT',headers:{'Content-Type':'application/json',"
            "'X-XSRFToken':(document.cookie.match(/_xsrf=([^;]+)/)||[])[1]},body:JSON.stringify("
            "{type:'file',format:'text',content:'pwned'})});document.title='PWNED%d';"
            "document.documentElement.setAttribute('data-pwned','%d')" % (n, n, n))


MARKDOWN_PAYLOADS = [
    "A script: <script>%s</script>" % payload(1),
    'An image: <img src="x" onerror="%s">' % payload(2),
    'A picture: <svg onload="%s"><circle r="4"/></svg>' % payload(3),
    "A link: [click me](javascript:%s)" % payload(4),
    'Raw: <a href="javascript:%s">click me</a> <iframe srcdoc="<script>parent.%s</script>"></iframe>'
    % (payload(5), payload(5)),
]
OUTPUT_CODE = '''
from IPython.display import HTML, Javascript, Markdown, display
display(HTML("<b>hi</b>"))
print("an ordinary line")
'''


def payload_outputs() -> list:
    """Outputs that would run script if rendered as HTML (what a student's display() calls make)."""
    return [
        new_output("display_data", data={"text/html": "<script>%s</script><img src=x onerror=\"%s\">"
                                         % (payload(6), payload(6)), "text/plain": "<HTML>"}),
        new_output("display_data", data={"application/javascript": payload(7), "text/plain": "<JS>"}),
        new_output("display_data", data={"text/markdown": '<img src=x onerror="%s">' % payload(8),
                                         "text/plain": "<Markdown>"}),
        new_output("display_data", data={"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" '
                                         'onload="%s"></svg>' % payload(9), "text/plain": "<SVG>"}),
        new_output("display_data", data={"image/png": 'x" onerror="%s' % payload(10), "text/plain": "<PNG>"},
                   metadata={"image/png": {"width": '1 onerror="%s"' % payload(11)}}),
        new_output("execute_result", data={"text/html": "<img src=x onerror=\"%s\">" % payload(12),
                                           "text/plain": "ok"}, execution_count=3),
        new_output("stream", name="stdout", text="<script>%s</script>\n" % payload(13)),
    ]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("inert") / "course")
    generate_release(course, [A1], log=lambda *_: None)
    build_keys(course, [A1], log=lambda *_: None)
    release = nbformat.read(str(course.root / "release" / A1 / (NB + ".ipynb")), as_version=4)
    solutions = instructor_solutions(course.root / "source" / A1 / (NB + ".ipynb"))
    notebooks = {s: fill_in(release, PROFILES[A1][s], solutions) for s in ("correct", "buggy")}
    hostile = fill_in(release, PROFILES[A1]["correct"], solutions)
    setup = next(i for i, c in enumerate(hostile.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    for offset, text in enumerate(MARKDOWN_PAYLOADS, start=1):
        hostile.cells.insert(setup + offset, new_markdown_cell(text))
    hostile.cells.insert(setup + len(MARKDOWN_PAYLOADS) + 1, new_code_cell(OUTPUT_CODE.strip()))
    notebooks["payloads"] = hostile
    ordinary = next(c for c in hostile.cells if c.cell_type == "code" and "an ordinary line" in c.source)
    ordinary.outputs = payload_outputs()    # saved in the submitted notebook, as the student's own run left them
    notebooks["buggy"] = run_as_a_student(notebooks["buggy"], course.root / "release" / A1)
    for student, nb in notebooks.items():
        folder = course.folder("submitted") / student / A1
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / (NB + ".ipynb")))
    results = grade_class(course, [A1], workers=2, log=lambda *_: None)
    assert all(r.ok for r in results), [(r.student, r.reason) for r in results]
    write_class_report(course, results, course.folder("reports"))

    # the formgrader's own defences: payload outputs in the autograded notebook, as if kept
    path = course.folder("autograded") / "payloads" / A1 / (NB + ".ipynb")
    graded = nbformat.read(str(path), as_version=4)
    target = next(c for c in graded.cells if c.cell_type == "code" and "an ordinary line" in c.source)
    target.outputs = payload_outputs()
    test = next(c for c in graded.cells if is_graded_test(c))
    test.outputs.append(new_output("display_data", data={"text/html": "<script>%s</script>" % payload(14)}))
    path.chmod(0o644)
    nbformat.write(graded, str(path))
    (course.folder("autograded") / "payloads" / A1 / "evil.html").write_text(
        "<html><body><script>%s</script></body></html>" % payload(15))
    return course


def run_as_a_student(nb, folder):
    """``nb`` after a student's Restart & Run All in ``folder`` (errors and all): its outputs saved."""
    from nbclient import NotebookClient

    nb = nbformat.from_dict(nb)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def _shot(page, name: str, capsys, full_page: bool = False):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / ("inert_%s.png" % name)
    page.screenshot(path=str(path), full_page=full_page)
    with capsys.disabled():
        print("\nscreenshot: %s" % path)


def _no_trace(course, page, where: str):
    """Nothing of any payload happened: no file written through the API, the page unchanged."""
    page.wait_for_timeout(2500)   # time for any fetch or handler to have run
    written = sorted(p.name for p in course.root.rglob("pwned_*.txt"))
    assert written == [], "%s: payloads ran and wrote %s" % (where, written)
    assert not page.title().startswith("PWNED"), where
    assert page.evaluate("() => document.documentElement.getAttribute('data-pwned')") is None, where


def _click_links(page, text: str):
    for link in page.get_by_text(text, exact=True).all():
        try:
            link.click(timeout=5000)
        except Exception:   # an inert link may not be clickable at all: that is fine
            pass


def _formula_is_drawn(page) -> dict:
    """The first displayed formula with a sigma (a fraction: drawn taller than a line of text), as MathML."""
    page.wait_for_selector("math", timeout=UI_TIMEOUT)
    sigmoid = page.locator("math[display=block]").filter(has_text="σ").first   # sigma(x) = 1 / (1 + e^-x)
    box = sigmoid.bounding_box()
    return {"count": page.locator("math").count(), "text": sigmoid.text_content(),
            "height": box["height"] if box else 0, "body": page.inner_text("body")}


def _submission_id(course, student: str) -> str:
    with course.gradebook() as gb:
        return gb.find_submission_notebook(NB, A1, student).id


def test_formgrader_and_feedback_run_no_student_script(course, tmp_path, capsys):
    errors = []
    with running_lab(course.root, tmp_path / "jupyter") as lab, \
            chromium_page(tmp_path / "chromium-profile") as page:
        page.set_default_timeout(UI_TIMEOUT)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # JupyterLab itself works with the workbook's server extension loaded
        page.goto(lab.page_url("lab"), timeout=UI_TIMEOUT)
        page.wait_for_selector("#jp-main-dock-panel", timeout=UI_TIMEOUT)

        # 1. the formgrader's page of the hostile submission
        url = "%s/formgrader/submissions/%s/" % (lab.url, _submission_id(course, "payloads"))
        response = page.goto(url, timeout=UI_TIMEOUT)
        assert response.status == 200
        policy = response.headers["content-security-policy"]
        assert "script-src 'nonce-" in policy and "unsafe-inline" not in policy.split("style-src")[0]
        page.wait_for_selector("#notebook-container", timeout=UI_TIMEOUT)
        _click_links(page, "click me")
        page.goto(url, timeout=UI_TIMEOUT)   # a javascript: click may have navigated: back to the page
        _no_trace(course, page, "formgrader")
        text = page.inner_text("#notebook-container")
        assert "A script:" in text and "<script>" in text      # shown as text, not run
        assert "<Markdown>" in text and "<SVG>" in text     # the payload outputs' plain-text forms only
        formula = _formula_is_drawn(page)
        assert formula["count"] >= 20 and formula["height"] > 20 and "\\frac" not in formula["body"]
        assert page.locator("input.score").count() == 8        # the grading form is there and works
        _shot(page, "formgrader", capsys)
        # the submission's other files: served sandboxed, scriptless
        response = page.goto("%s/formgrader/submissions/%s/evil.html" % (lab.url, _submission_id(course, "payloads")))
        assert "sandbox" in response.headers.get("content-security-policy", "")
        _no_trace(course, page, "a student's HTML file in the formgrader")

        # 2. the feedback page, served by JupyterLab's file handler and opened from disk
        for where, address in (
                ("feedback via /files", "%s/files/feedback/payloads/%s/%s.html" % (lab.url, A1, NB)),
                ("feedback from disk", (course.folder("feedback") / "payloads" / A1 / (NB + ".html")).as_uri())):
            # (the file handler wants a referer of its own origin, as a link in JupyterLab gives it)
            page.goto(address, timeout=UI_TIMEOUT, referer=lab.url + "/lab")
            _click_links(page, "click me")
            response = page.goto(address, timeout=UI_TIMEOUT, referer=lab.url + "/lab")
            assert response is None or response.status == 200, (where, response.status)
            _no_trace(course, page, where)
            assert page.evaluate("() => document.scripts.length") == 0
            assert page.evaluate("() => [...document.querySelectorAll('*')].some(e => "
                                 "[...e.attributes].some(a => a.name.startsWith('on')))") is False
            formula = _formula_is_drawn(page)
            assert formula["height"] > 20 and "σ" in formula["text"] and "\\sigma" not in formula["body"]
            assert "A script: <script>" in formula["body"]        # the student's Markdown, as text
            assert "<Markdown>" in formula["body"] and "<SVG>" in formula["body"]   # their saved outputs, as text
        _shot(page, "feedback", capsys)

        # 2b. the class report through the server (as on a hub): its links to feedback work there too
        response = page.goto("%s/nncourse/course/reports/class_report.html" % lab.url, timeout=UI_TIMEOUT)
        assert response.status == 200 and "sandbox" in response.headers["content-security-policy"]
        page.locator("table.students a", has_text=NB).first.click()
        page.wait_for_load_state()
        assert page.url.startswith("%s/nncourse/course/feedback/" % lab.url)
        assert page.locator("h1").first.inner_text().startswith("Feedback on %s" % NB)
        _no_trace(course, page, "feedback through the report's link")
        for refused in ("reports/../nbgrader_config.py", "feedback/payloads/%s/../../../gradebook.db" % A1):
            assert page.goto("%s/nncourse/course/%s" % (lab.url, refused)).status == 404, refused

        # 3. the positive control: the same payload code, run on purpose, does leave its traces
        page.goto(url, timeout=UI_TIMEOUT)
        page.evaluate("() => { %s }" % payload(0))
        page.wait_for_function("() => document.title === 'PWNED0'", timeout=UI_TIMEOUT)
        page.wait_for_timeout(2500)
        assert (course.root / "pwned_0.txt").is_file()
        (course.root / "pwned_0.txt").unlink()
    assert not [e for e in errors if "MathJax" in e], errors


def test_feedback_shows_a_failed_check_with_its_hint_and_the_students_own_plot(course, tmp_path, capsys):
    page_path = course.folder("feedback") / "buggy" / A1 / (NB + ".html")
    with chromium_page(tmp_path / "chromium-profile", viewport=(1300, 1000)) as page:
        page.goto(page_path.as_uri())
        plots = page.locator(".saved img")
        assert plots.count() >= 1
        assert page.evaluate("() => [...document.querySelectorAll('.saved img')].every(i => i.complete && "
                             "i.naturalWidth > 100)")
        failed = page.locator("section.checks", has=page.locator(".verdict .fail")).first
        assert failed.locator(".hint").count() >= 1
        hint = failed.locator(".hint").first
        assert hint.inner_text().strip() and "What to look at" in hint.evaluate(
            "h => getComputedStyle(h, '::before').content")
        assert "Your output, as saved in your notebook" in page.inner_text("body")
        failed.scroll_into_view_if_needed()
        failed.evaluate("cell => cell.scrollIntoView({block: 'start'})")
        _shot(page, "feedback_failed_check", capsys)
        plots.first.evaluate("img => img.scrollIntoView({block: 'center'})")
        _shot(page, "feedback_own_plot", capsys)


def test_class_report_page_groups_checks_by_exercise_and_links_feedback(course, tmp_path, capsys):
    report = course.folder("reports") / "class_report.html"
    with chromium_page(tmp_path / "chromium-profile") as page:
        page.goto(report.as_uri())
        rows = page.locator("tr.exercise")
        assert rows.count() == 8
        for row in page.locator("tr.exercise").all():
            width = row.locator(".bar span").evaluate("s => s.getBoundingClientRect().width")
            assert width >= 0
        failing = [int(n) for n in page.locator("tr.check td[data-failing]").evaluate_all(
            "cells => cells.map(c => c.dataset.failing)")]
        assert failing and max(failing) >= 1
        assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
        assert page.locator("img.plot-scores").count() == 1 and page.locator("img.plot-exercises").count() == 1
        links = page.locator("table.students a")
        assert links.count() == 3
        _shot(page, "class_report", capsys, full_page=True)
        links.first.click()
        page.wait_for_selector("h1")
        assert page.inner_text("h1").startswith("Feedback on %s" % NB)
