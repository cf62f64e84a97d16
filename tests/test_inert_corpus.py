"""A corpus of well-known XSS vectors (tests/xss_vectors.py) runs nothing in Chromium, wherever a
student can put it: the feedback page and the formgrader's submission page, each with its
Content-Security-Policy and without it (the sanitiser and the Markdown renderer alone), and a page
of the sanitiser's output for every vector.

One submission of assignment 1 carries every vector: each HTML vector in a Markdown cell on its own,
inline in a Markdown cell, as a code cell's source, with the same text in every kind of output (HTML,
SVG, Markdown, JavaScript, LaTeX, plain text, stream, error, a PNG that is not one), in a raw cell,
and each Markdown vector (links, images, LaTeX) in a Markdown cell; the student's names in the
gradebook are vectors too. The formgrader shows it as the autograded notebook (its outputs kept, as
``keep_student_outputs`` would); the feedback page is made from it as the grader makes it.

Each vector's script, if it ran, would log ``nncxss-<n>`` on the console, write ``nncxss_<n>.txt``
into the course through ``/api/contents``, and open a dialog; remote loads go to ``*.invalid``.
In every page: no dialog, no console message at all (neither a script's nor a Content-Security-Policy
refusal, which would mean that the sanitiser left something active), no script error, no request
but the page's own, no page opened, no file written in the course, and the document Chromium
built holds no event handler, no ``javascript:`` or ``data:text`` address, no frame, object, form or
SVG, and no script but the formgrader's own (with its nonce). Two positive controls: the same
script run in the page leaves all three traces, and the raw vectors, each in a frame of its own with
nothing removed, do run in this Chromium (so the corpus is live).
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output, new_raw_cell

from browser_support import CHROMIUM, UI_TIMEOUT, chromium_browser, running_lab
from conftest import copy_course
from grader.authoring.release import generate_release
from grader.outputs.feedback_page import Grades, render_feedback
from grader.outputs.images import image_resolver
from grader.outputs.safe_html import sanitize
from xss_vectors import MARKER, html_vectors, markdown_vectors, script

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (CI installs it)")]

A1 = "a1_numpy_basics"
NB = "numpy_basics"
STUDENT = "vectors"
SETTLE_MS = 3000   # time for any handler, timer, refresh or fetch of a vector to have happened


def _outputs(vector: str) -> list:
    return [
        new_output("display_data", data={"text/html": vector, "text/plain": vector}),
        new_output("display_data", data={"image/svg+xml": vector, "text/markdown": vector,
                                         "text/latex": vector}),
        new_output("display_data", data={"application/javascript": vector}),
        new_output("display_data", data={"image/png": vector}, metadata={"image/png": {"width": vector}}),
        new_output("execute_result", data={"text/html": vector, "text/plain": "ok"}, execution_count=1),
        new_output("stream", name="stdout", text=vector),
        new_output("error", ename="Error", evalue=vector, traceback=[vector]),
    ]


def corpus_notebook(release) -> nbformat.NotebookNode:
    """The release notebook with every vector added after its first cell, in every place a student
    controls."""
    nb = copy.deepcopy(release)
    cells = []
    for n, vector in html_vectors():
        cells += [new_markdown_cell(vector), new_markdown_cell("Vector %d inline: %s (end)" % (n, vector)),
                  new_code_cell(vector, outputs=_outputs(vector)), new_raw_cell(vector)]
    for n, vector in markdown_vectors():
        cells.append(new_markdown_cell("Vector %d: %s" % (n, vector)))
    svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="%s"/>' % script(900)
    attached = new_markdown_cell("Attached: ![a](attachment:a.svg) ![b](attachment:b.html)")
    attached["attachments"] = {"a.svg": {"image/svg+xml": svg},
                               "b.html": {"text/html": "<script>%s</script>" % script(901)}}
    cells.append(attached)
    nb.cells[1:1] = cells
    return nb


def shown_numbers() -> list[int]:
    """Every vector's number, each shown in the pages as 'Vector <n>'."""
    return [n for n, _ in html_vectors()] + [n for n, _ in markdown_vectors()]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("corpus") / "course")
    generate_release(course, [A1], log=lambda *_: None)
    release = nbformat.read(str(course.root / "release" / A1 / (NB + ".ipynb")), as_version=4)
    instructor = nbformat.read(str(course.root / "source" / A1 / (NB + ".ipynb")), as_version=4)
    nb = corpus_notebook(release)

    # the formgrader: the submission in the gradebook, its autograded notebook with every output
    first, last = html_vectors()[0][1], html_vectors()[64][1]
    with course.gradebook() as gb:
        gb.update_or_create_student(STUDENT, first_name=first, last_name=last)
        gb.add_submission(A1, STUDENT)
    for folder in ("submitted", "autograded"):
        path = course.folder(folder) / STUDENT / A1 / (NB + ".ipynb")
        path.parent.mkdir(parents=True)
        nbformat.write(nb, str(path))

    # the feedback page, as the grader makes it
    page = render_feedback(nb, nb, instructor, Grades(), student=STUDENT, assignment=A1, notebook=NB,
                           images=image_resolver(course.root / "source" / A1))
    feedback = course.folder("feedback") / STUDENT / A1 / (NB + ".html")
    feedback.parent.mkdir(parents=True)
    feedback.write_text(page)

    # the sanitiser alone: its output for every vector, in a page with no policy at all
    sections = ['<section id="v%d"><p>Vector %d</p>%s</section>' % (n, n, sanitize(v))
                for n, v in html_vectors() + markdown_vectors()]
    (course.root / "sanitised.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>sanitised</title></head><body>%s'
        "</body></html>" % "".join(sections))

    # the control: every raw vector in a frame of its own (same origin, nothing removed)
    frames = ['<iframe title="v%d" srcdoc="%s"></iframe>' % (n, html.escape(v))
              for n, v in html_vectors() + markdown_vectors()]
    (course.root / "raw.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>raw</title></head><body>%s'
        "</body></html>" % "".join(frames))
    return course


@pytest.fixture(scope="module")
def lab(course, tmp_path_factory):
    with running_lab(course.root, tmp_path_factory.mktemp("corpus-jupyter")) as lab:
        yield lab


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as browser:
        yield browser


class Visit:
    """One page in a fresh Chromium context, with everything it does recorded."""

    def __init__(self, browser, *, bypass_csp: bool):
        self.context = browser.new_context(bypass_csp=bypass_csp)
        self.dialogs, self.console, self.requests, self.popups, self.errors = [], [], [], [], []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.on("page", lambda page: self.popups.append(page.url))
        self.page = self.context.new_page()
        self.page.set_default_timeout(UI_TIMEOUT)
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.popups.clear()   # new_page() itself is not a popup

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, address: str, referer: str | None = None, wait_until: str = "load"):
        response = self.page.goto(address, timeout=UI_TIMEOUT, referer=referer, wait_until=wait_until)
        assert response is None or response.status == 200, (address, response.status)
        self.page.wait_for_timeout(SETTLE_MS)
        return response

    def serve(self, address: str, path: Path) -> str:
        """Answer ``address`` (on the course's origin) with the file at ``path``, as a plain page: no
        policy, no sandbox (JupyterLab's /files would sandbox it), the instructor's cookies at hand."""
        self.context.route(address, lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=path.read_text()))
        return address

    def log_in(self, lab) -> None:
        """Open JupyterLab: the instructor's cookies, ``_xsrf`` included, are then set."""
        self.open(lab.page_url("lab"))
        self.page.wait_for_selector("#jp-main-dock-panel", timeout=UI_TIMEOUT)
        self.requests.clear()
        self.console.clear()

    def close(self):
        self.context.close()


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if ".ipynb_checkpoints" not in p.parts}


AUDIT = """(content) => {
  const bad = [];
  const scopes = [...document.querySelectorAll(content)];
  const loads = /^(src|srcset|poster|data|background|ping|action|formaction|xlink:href|codebase|dynsrc|lowsrc|to|values|from|by)$/;
  for (const el of document.querySelectorAll('*')) {
    const inside = scopes.some(scope => scope.contains(el));
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = a.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (name.startsWith('on') || name === 'srcdoc') bad.push(el.localName + ' ' + name);
      if (/^(javascript|vbscript|livescript|data:text|data:application)/.test(value))
        bad.push(el.localName + ' ' + name + '=' + value.slice(0, 40));
      if (loads.test(name) && value.includes('nncxss')) bad.push(el.localName + ' ' + name + ' loads ' + value.slice(0, 40));
      if (inside && name === 'href' && !/^(https?:|mailto:|#)/.test(value)) bad.push(el.localName + ' href=' + value.slice(0, 40));
      if (inside && name === 'src' && !value.startsWith('data:image/')) bad.push(el.localName + ' src=' + value.slice(0, 40));
      if (inside && name === 'style' && !/^text-align:(left|right|center);?$/.test(value))
        bad.push(el.localName + ' style=' + value.slice(0, 40));
    }
  }
  for (const scope of scopes)
    for (const el of scope.querySelectorAll('iframe,frame,frameset,object,embed,applet,portal,base,meta,link,form,input,'
                                            + 'button,select,textarea,svg,style,script,noscript,template,video,audio,source,image'))
      bad.push('element ' + el.localName);
  for (const s of document.querySelectorAll('script'))
    if (!s.nonce) bad.push('a script without the page nonce');
  return bad;
}"""


def _no_trace(visit: Visit, course, before: set[str], where: str, own: str, content: str) -> None:
    """Nothing of any vector happened in the page, and Chromium built nothing that could act."""
    page = visit.page
    assert visit.dialogs == [], (where, visit.dialogs[:5])
    # nothing on the console at all: no vector's message, no refusal of the Content-Security-Policy
    # (which would mean that the sanitiser left something active for the policy to stop), no error
    assert visit.console == [] and visit.errors == [], (where, visit.console[:5], visit.errors[:5])
    foreign = [u for u in visit.requests if MARKER in u or not (u.startswith(own) or u.startswith("data:"))]
    assert foreign == [], (where, foreign[:5])
    assert visit.popups == [], (where, visit.popups)
    assert _files(course.root) == before, (where, sorted(_files(course.root) ^ before))
    assert page.evaluate(AUDIT, content) == [], where
    text = "\n".join(page.locator(content).all_inner_texts())
    missing = [n for n in shown_numbers() if "Vector %d" % n not in text]
    assert missing == [], (where, "vectors not shown", missing[:10])


#: Where the formgrader's page shows what the student wrote (Markdown, code, outputs, raw cells).
FORMGRADER_CONTENT = ", ".join("#notebook-container " + part for part in (
    ".text_cell_render", ".input_area", ".output_area", ".inner_cell > pre"))


def _submission_id(course) -> str:
    with course.gradebook() as gb:
        return gb.find_submission_notebook(NB, A1, STUDENT).id


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with its CSP", "CSP ignored"])
def test_the_formgrader_runs_no_vector(course, lab, browser, bypass_csp):
    before = _files(course.root)
    visit = Visit(browser, bypass_csp=bypass_csp)
    try:
        visit.log_in(lab)
        response = visit.open("%s/formgrader/submissions/%s/" % (lab.url, _submission_id(course)))
        assert "script-src 'nonce-" in response.headers["content-security-policy"]
        visit.page.wait_for_selector("#notebook-container")
        assert visit.page.locator("input.score").count() == 8      # the grading form is there
        _no_trace(visit, course, before, "formgrader", lab.url + "/", FORMGRADER_CONTENT)
        assert "_xsrf=" in visit.page.evaluate("() => document.cookie")   # a script could have used it
    finally:
        visit.close()


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with its CSP", "CSP ignored"])
@pytest.mark.parametrize("served", ["from disk", "by JupyterLab", "on the course's origin"])
def test_the_feedback_page_runs_no_vector(course, lab, browser, bypass_csp, served):
    """From disk (as a student opens it), through JupyterLab's /files (which adds a sandbox of its
    own), and as a plain page of the course's origin, where a script could use the instructor's
    session."""
    before = _files(course.root)
    path = course.folder("feedback") / STUDENT / A1 / (NB + ".html")
    visit = Visit(browser, bypass_csp=bypass_csp)
    try:
        if served == "from disk":
            own = path.as_uri()
            visit.open(own)
        else:
            own = lab.url + "/"
            visit.log_in(lab)
            if served == "by JupyterLab":
                visit.open("%s/files/feedback/%s/%s/%s.html" % (lab.url, STUDENT, A1, NB), referer=lab.url + "/lab")
            else:
                visit.open(visit.serve(lab.url + "/nncourse-test/feedback.html", path))
        assert visit.page.evaluate("() => document.scripts.length") == 0
        _no_trace(visit, course, before, "feedback %s" % served, own, "main")
    finally:
        visit.close()


def test_the_sanitisers_output_runs_no_vector(course, lab, browser):
    """The sanitiser alone, in a page of the course's origin without any policy."""
    before = _files(course.root)
    visit = Visit(browser, bypass_csp=True)
    try:
        visit.log_in(lab)
        visit.open(visit.serve(lab.url + "/nncourse-test/sanitised.html", course.root / "sanitised.html"))
        _no_trace(visit, course, before, "sanitised", lab.url + "/", "body")
    finally:
        visit.close()


def test_positive_controls_the_script_and_the_raw_vectors_leave_traces(course, lab, browser, capsys):
    visit = Visit(browser, bypass_csp=False)
    try:
        visit.log_in(lab)
        # 1. the script itself, run on purpose in the formgrader's page: all three traces
        visit.open("%s/formgrader/submissions/%s/" % (lab.url, _submission_id(course)))
        visit.page.evaluate("() => { %s }" % script(0))
        visit.page.wait_for_timeout(SETTLE_MS)
        assert visit.dialogs == ["0"] and "%s-0" % MARKER in visit.console
        assert (course.root / ("%s_0.txt" % MARKER)).read_text() == "pwned"
        # 2. the raw vectors, each in a frame of its own on the course's origin: many run, and are
        # seen running (some frames never finish loading: their remote addresses have no host)
        visit.open(visit.serve(lab.url + "/nncourse-test/raw.html", course.root / "raw.html"),
                   wait_until="domcontentloaded")
        visit.page.wait_for_timeout(3 * SETTLE_MS)
        fired = {int(m) for m in visit.dialogs if m.isdigit()} - {0}
        logged = {int(m[len(MARKER) + 1:]) for m in visit.console if re.fullmatch(MARKER + r"-\d+", m)} - {0}
        remote = {u for u in visit.requests if ".invalid" in u}
        written = {p.name for p in course.root.glob(MARKER + "_*.txt")} - {MARKER + "_0.txt"}
        with capsys.disabled():
            print("\nunsanitised, of %d vectors: %d opened a dialog, %d logged, %d wrote a file; %d remote loads"
                  % (len(shown_numbers()), len(fired), len(logged), len(written), len(remote)))
        assert len(fired) >= 40 and len(written) >= 40 and len(remote) >= 5 and logged >= fired
    finally:
        visit.close()
        for path in course.root.glob(MARKER + "_*.txt"):
            path.unlink()
