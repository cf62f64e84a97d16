"""Unit tests of what keeps student content inert and verdicts leak-free (no kernel, no browser).

* the allowlist sanitiser and the Markdown renderer (every script payload of the issue, maths as
  MathML, images only as data: URIs from the assignment's own folder);
* verdicts built from forged records repeat nothing of the student's: no exception message, no
  student-defined type name, no dict key, no record name, no made-up shape;
* the structure of a tampered notebook is put back from the instructor's cells, with a note each;
* a feedback page shows sources, verdicts and the student's own saved outputs (inert), never an output of
  the grading run; a quiz question shows its options, the student's choice and the explanations;
* the formgrader's exporter renders only nonce'd scripts and inert outputs;
* the class report counts students in whole numbers.
"""

from __future__ import annotations

import base64
import copy
import re

import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from grader.outputs.feedback_page import Grades, render_feedback

from grader.grading.compare import compare_record
from grader.grading.structure import reconcile
from grader.grading.verdict import NOT_COUNTED_CASES, judge, records_in
from grader.outputs.formgrader import FormgradeExporter, InertOutputs
from grader.outputs.images import image_resolver
from grader.outputs.report import CheckFailures, score_histogram
from grader.outputs.safe_html import markdown_html, sanitize
from nncourse.record import FORMAT_VERSION, encode

JS = "alert(document.cookie)"
PAYLOADS = [
    "<script>%s</script>" % JS,
    '<img src="x" onerror="%s">' % JS,
    '<svg onload="%s"><circle r="2"/></svg>' % JS,
    '<a href="javascript:%s">x</a>' % JS,
    '<a href=" JaVaScRiPt:%s">x</a>' % JS,
    '<iframe srcdoc="<script>%s</script>"></iframe>' % JS,
    '<object data="data:text/html,<script>%s</script>"></object>' % JS,
    '<math><mtext><script>%s</script></mtext><mrow href="javascript:%s">x</mrow></math>' % (JS, JS),
    '<div style="background:url(javascript:%s)" onmouseover="%s">x</div>' % (JS, JS),
    '<form action="https://evil.example"><input name="x"></form>',
    '<scr<script>ipt>%s</script>' % JS,
    '<!-- <script>%s</script> -->' % JS,
    '<img src="data:text/html;base64,PHNjcmlwdD4=">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:%s">' % JS,
]


def _inert(fragment: str) -> None:
    """No element or attribute in ``fragment`` can act (text that merely reads like HTML is fine)."""
    tags = " ".join(re.findall(r"<[^>]*>", fragment)).lower()
    assert "<script" not in tags and "javascript:" not in tags, fragment
    assert not re.search(r"\son\w+\s*=", tags), fragment
    for tag in ("<svg", "<iframe", "<object", "<form", "<base", "<meta", "<input", "style="):
        assert tag not in tags, (tag, fragment)
    assert "data:text/html" not in tags


@pytest.mark.parametrize("fragment", PAYLOADS)
def test_the_sanitiser_leaves_no_script_handler_or_dangerous_element(fragment):
    _inert(sanitize(fragment))


@pytest.mark.parametrize("fragment", PAYLOADS + ["[click](javascript:%s)" % JS, "$\\href{javascript:%s}{x}$" % JS,
                                                 "$\\text{<script>%s</script>}$" % JS])
def test_markdown_shows_raw_html_as_text_and_renders_nothing_active(fragment):
    out = markdown_html("Before " + fragment + " after")
    _inert(out)
    assert "Before" in out and "after" in out


def test_markdown_keeps_formatting_links_tables_and_maths():
    out = markdown_html("# Title\n\n*a* **b** `c` [site](https://example.org) [here](#part)\n\n"
                        "| x | y |\n|--:|---|\n| 1 | 2 |\n\n$\\sigma(z) = \\frac{1}{1+e^{-z}}$ costs $5 and $6.\n\n"
                        "$$\\sum_{i=1}^{m} x^{(i)}$$")
    assert "<h1>Title</h1>" in out and "<em>a</em>" in out and "<code>c</code>" in out
    assert '<a href="https://example.org" rel="noopener noreferrer">site</a>' in out and 'href="#nb-part"' in out
    assert '<th style="text-align:right">x</th>' in out
    assert out.count("<math") == 2 and "<mfrac>" in out and 'display="block"' in out and "<munderover>" in out
    assert "costs $5 and $6" in out          # prices are not maths
    assert "<mspace" not in out or "</mspace>" in out   # inside <math> nothing is left unclosed


def test_the_contents_anchors_stay_link_targets_and_nothing_else_does():
    """A line holding only an empty anchor (what the contents links point at) is the one piece of
    raw HTML kept: as an anchor whose id cannot stand for anything else of the page."""
    out = markdown_html('Before.\n\n<a id="7-loops-vs-numpy"></a>\n## 7 · Loops\n\n[back](#setup)\n\n'
                        '<a id="x" onclick="alert(1)"></a>\n\n<a id="a b"></a>\n\n<a id="y">text</a>\n\n'
                        '```\n<a id="in-code"></a>\n```\n')
    assert out.index("Before.") < out.index('<a id="nb-7-loops-vs-numpy"') < out.index("<h2>7 · Loops</h2>")
    assert 'href="#nb-setup"' in out
    assert out.count("<a id=") == 1 and "&lt;a id=&quot;x&quot; onclick" not in out
    assert '&lt;a id="x" onclick="alert(1)"&gt;' in out and '&lt;a id="a b"&gt;' in out
    assert '&lt;a id="y"&gt;text&lt;/a&gt;' in out and '&lt;a id="in-code"&gt;' in out
    _inert(out)
    assert 'id="' not in sanitize('<a id="setup"></a><p id="nb-x">p</p>')   # ids only as markdown_html makes them


def test_an_unknown_latex_command_is_shown_as_written():
    out = markdown_html("$\\notacommand{x}$")
    assert "<math" in out or '<code class="tex">\\notacommand{x}</code>' in out


def test_images_come_only_from_the_assignments_folder_as_data(tmp_path):
    folder = tmp_path / "a1"
    folder.mkdir()
    (folder / "figure.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (folder / "key.json").write_text("{}")
    (tmp_path / "secret.png").write_bytes(b"\x89PNG")
    (folder / "link.png").symlink_to(tmp_path / "secret.png")
    resolve = image_resolver(folder)
    assert resolve("figure.svg").startswith("data:image/svg+xml;base64,")
    for src in ("key.json", "../secret.png", "link.png", "/etc/passwd", "https://example.org/x.png", "missing.png"):
        assert resolve(src) is None, src
    out = markdown_html("![a figure](figure.svg) ![gone](../secret.png)", resolve)
    assert '<img src="data:image/svg+xml;base64,' in out and "[image: gone]" in out


# ---------------------------------------------------------------- leak-safe verdicts
SECRET = "HIDDEN-SOURCE record_call(secret, 42)"
SPEC = {"rtol": 1e-6, "atol": 1e-9, "exact": True, "weight": 1, "explain": ""}


def _payload(name, value):
    return {"format": FORMAT_VERSION, "name": name, "value": value, "spec": SPEC}


@pytest.mark.parametrize("expected, forged", [
    (encode(1.0), {"t": "raised", "type": "ValueError", "message": SECRET}),
    (encode(1.0), {"t": "raised", "type": SECRET, "message": SECRET}),
    ({"t": "raised", "type": "TypeError", "message": ""}, {"t": "raised", "type": "__main__." + SECRET, "message": ""}),
    ({"t": "raised", "type": "TypeError", "message": ""}, {"t": "object", "type": SECRET}),
    (encode(np.zeros((3, 1))), {"t": "object", "type": SECRET}),
    (encode(np.zeros((3, 1))), {"t": "array", "dtype": "<f8", "shape": [0] + [ord(c) * 1000003 for c in SECRET],
                                "b64": ""}),
    (encode(np.zeros((3, 1))), {"t": "array", "dtype": "<f8", "shape": [0, 10**15], "b64": ""}),
    (encode((1.0, 2.0)), {"t": "tuple", "items": [encode(0.0)] * 5000}),
    (encode(1.0), {"t": "list", "items": [encode(0.0)] * 123456}),
    (encode({"dW": 1.0}), encode({"dW": 1.0, SECRET: 2.0})),
    (encode({"dW": 1.0}), encode({SECRET: 1.0})),
    (encode("text"), encode(SECRET)),
])
def test_verdicts_repeat_nothing_the_students_code_produced(expected, forged):
    key = {"points": 10, "records": [{"name": "r", "value": expected, "spec": SPEC}]}
    verdict = judge("r_test", key, [_payload("r", forged)], None)
    problems = verdict.summary()
    assert verdict.score == 0
    for fragment in ("HIDDEN", "secret", "42", "1000003", "123456", str(10**15)):
        assert fragment not in problems, problems


def test_builtin_exception_types_are_still_named():
    assert compare_record(encode(1.0), {"t": "raised", "type": "ZeroDivisionError", "message": SECRET},
                          SPEC) == ["your function stopped with an error (ZeroDivisionError) on this input"]
    assert "shape (3,)" in compare_record(encode(np.zeros((3, 1))), encode(np.zeros(3)), SPEC)[0]


def test_judge_repeats_no_record_name_message_or_error_of_the_kernel():
    key = {"points": 10, "records": [{"name": "a", "value": encode(1.0), "spec": SPEC}]}
    for payloads, error in (
            ([_payload(SECRET, encode(1.0))], None),
            ([_payload("a", encode(1.0)), _payload(SECRET, encode(1.0))], None),
            ([_payload("a", {"t": "array", "dtype": SECRET, "shape": [1], "b64": "AA=="})], None),
            ([], records_in([{"output_type": "error", "ename": SECRET, "evalue": SECRET, "traceback": []}])[1]),
            ([], records_in([{"output_type": "error", "ename": "RuntimeError", "evalue": SECRET,
                              "traceback": [SECRET]}])[1])):
        verdict = judge("a_test", key, payloads, error)
        assert verdict.score == 0
        assert "HIDDEN" not in verdict.summary() and "secret" not in verdict.summary(), verdict.summary()


# ---------------------------------------------------------------- structure
def _instructor():
    def cell(kind, grade_id, source, **flags):
        make = new_code_cell if kind == "code" else new_markdown_cell
        info = {"grade": False, "solution": False, "locked": False, "schema_version": 3, "grade_id": grade_id}
        info.update(flags)
        return make(source, metadata={"nbgrader": info})
    return [new_markdown_cell("intro"), cell("code", "setup", "import numpy", locked=True),
            cell("code", "f", "def f(): return 1", solution=True),
            cell("code", "f_test", "### BEGIN HIDDEN TESTS\nrecord_call('f', f)\n### END HIDDEN TESTS",
                 grade=True, locked=True, points=10),
            cell("code", "g", "def g(): return 2", solution=True),
            cell("code", "g_test", "assert g()", grade=True, locked=True, points=5)]


def _submitted():
    nb = new_notebook(cells=copy.deepcopy(_instructor()))
    nb.cells[3].source = "assert f()"   # the release version of a test cell
    return nb


def _ids(nb):
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def test_an_untouched_notebook_has_no_notes():
    nb = _submitted()
    result = reconcile(nb, _instructor())
    assert result.notes == [] and result.roles == _ids(_submitted())


def test_a_deleted_graded_cell_comes_back_in_place_marked_restored():
    nb = _submitted()
    del nb.cells[3]
    result = reconcile(nb, _instructor())
    assert _ids(nb) == [None, "setup", "f", "f_test", "g", "g_test"]
    assert nb.cells[3].metadata.nncourse == {"restored": True} and "BEGIN HIDDEN" in nb.cells[3].source
    assert result.restored == ["f_test"] and "'f_test' was deleted: it was put back and scores 0" in result.notes[0]


def test_copies_added_cells_flags_and_markers_are_neutralised():
    nb = _submitted()
    nb.cells.insert(4, copy.deepcopy(nb.cells[3]))                        # a copied test cell
    forged = new_code_cell("x = 1", metadata={"nbgrader": {"grade": True, "grade_id": "bonus", "points": 99}})
    nb.cells.insert(1, forged)                                             # a cell claiming grades
    nb.cells[6].metadata.nbgrader.update(solution=False, grade=True, points=50)   # the answer cell 'g'
    nb.cells[3].source += "\n### BEGIN HIDDEN TESTS\n"                      # a marker in the answer 'f'
    nb.cells[7].cell_type = "markdown"                                      # g_test as Markdown
    nb.metadata["nncourse"] = {"structure_notes": ["forged"]}
    nb.cells[2].metadata["nncourse"] = {"restored": True}
    result = reconcile(nb, _instructor())
    assert result.roles == [None, None, "setup", "f", "f_test", None, "g", "g_test"]
    assert "nbgrader" not in nb.cells[1].metadata and "nbgrader" not in nb.cells[5].metadata
    assert nb.cells[6].metadata.nbgrader == _instructor()[4].metadata.nbgrader
    assert nb.cells[7].cell_type == "code" and nb.cells[7].outputs == []
    assert "nncourse" not in nb.cells[2].metadata
    text = "\n".join(result.notes)
    for phrase in ("claims to be an nbgrader cell (id 'bonus')", "'f_test' appears more than once",
                   "The answer cell 'g' had its nbgrader metadata changed (grade, solution, points)",
                   "hidden-test marker", "'g_test' had its nbgrader metadata changed (cell type)"):
        assert phrase in text, (phrase, text)
    assert "forged" not in text and nb.metadata.nncourse["structure_notes"] == result.notes


# ---------------------------------------------------------------- the feedback page
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 40).decode()


def test_feedback_shows_sources_verdicts_and_the_students_own_outputs_inert_never_the_grading_runs():
    submitted = _submitted()
    submitted.cells[0].source = "Hello <script>%s</script> $x^2$" % JS
    submitted.cells[2].outputs = [new_output("stream", name="stdout", text="SAVED-OUTPUT <script>%s</script>" % JS),
                                  new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
                                  new_output("display_data", data={"image/png": base64.b64encode(b"<svg onload=x>")
                                                                   .decode()}),
                                  new_output("display_data", data={"text/html": "<b>HTML-OUTPUT</b>"}),
                                  new_output("error", ename="ValueError", evalue="bad",
                                             traceback=["\x1b[31mValueError\x1b[0m: bad"])]
    autograded = copy.deepcopy(submitted)
    autograded.cells[2].outputs = []
    autograded.cells[3].source = _instructor()[3].source
    autograded.cells[3].outputs = [new_output("stream", name="stdout", text="KERNEL-OUTPUT")]
    autograded.cells[3].metadata["nncourse"] = {"verdict": {
        "score": 5.0, "points": 10, "fatal": None, "note": "",
        "checks": [{"name": "f on a <list>", "passed": True, "problem": None, "explain": "", "counted": False},
                   {"name": "f twice", "passed": False, "problem": "1 of 2 values is off by up to 50 %",
                    "hint": "Check the axis.", "explain": "why"}],
        "uncounted": [NOT_COUNTED_CASES], "not_counted": [NOT_COUNTED_CASES], "form_notes": []}}
    autograded.cells[5].metadata["nncourse"] = {"verdict": {
        "score": 0.0, "points": 5, "fatal": None, "note": "",
        "checks": [{"name": "g", "passed": True, "problem": None, "explain": "", "counted": False}],
        "uncounted": [NOT_COUNTED_CASES]}}   # a verdict kept before not_counted was stored apart
    grades = Grades(scores={"f_test": 5.0, "g_test": 2.46}, maxima={"f_test": 10, "g_test": 5},
                    comments={"f": "Nice & tidy"})
    page = render_feedback(submitted, autograded, new_notebook(cells=_instructor()), grades,
                           student="s<1>", assignment="a1", notebook="nb")
    _inert(page.split("</style>", 1)[1])
    assert "KERNEL-OUTPUT" not in page and "BEGIN HIDDEN" not in page     # nothing of the grading run
    assert "SAVED-OUTPUT &lt;script&gt;" in page                            # the student's own, as text
    assert page.count('<img src="data:image/png;base64,%s"' % PNG) == 1    # a real PNG, once; the fake one: no
    assert "HTML-OUTPUT" not in page and "\x1b" not in page and "ValueError: bad" in page
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:;' in page
    assert "Score: 7.4 / 15" in page and ">f</a></td><td class=\"num part\">5 / 10<" in page   # 7.46: one decimal
    assert ">g</a></td><td class=\"num part\">2.4 / 5<" in page
    assert "\u2718</span> f twice: 1 of 2 values is off by up to 50 %." in page and "f on a &lt;list&gt;" in page
    assert '<div class="hint">Check the axis.</div>' in page
    assert page.count('<a href="#not-counted">(not counted)</a>') == 2 and page.count(NOT_COUNTED_CASES) == 1
    assert "Nice &amp; tidy" in page and "s&lt;1&gt;" in page and "<math" in page
    assert "Hello &lt;script&gt;" in page
    scores_only = render_feedback(submitted, autograded, new_notebook(cells=_instructor()), grades, student="s",
                                  assignment="a1", notebook="nb", verdicts="score")
    assert "f twice" not in scores_only and NOT_COUNTED_CASES not in scores_only and "Scores only" in scores_only


def _quiz_notebooks(record_line: str, answer_records: list, verdict_checks: list, points: int):
    def cell(kind, grade_id, source, **flags):
        make = new_code_cell if kind == "code" else new_markdown_cell
        info = {"grade": False, "solution": False, "locked": False, "schema_version": 3, "grade_id": grade_id}
        info.update(flags)
        return make(source, metadata={"nbgrader": info})
    instructor = [new_markdown_cell("**Question 2.** Which fit?\n\n* **a)** the $x^2$ one\n* **b)** a long\n"
                                    "  option <script>%s</script>\n* **c)** `z = w * X`" % JS),
                  cell("code", "q2_x", 'q2_answers = {"a"}', solution=True),
                  cell("code", "q2_x_test", "### BEGIN HIDDEN TESTS\n%s\n### END HIDDEN TESTS" % record_line,
                       grade=True, locked=True, points=points)]
    submitted = new_notebook(cells=copy.deepcopy(instructor))
    submitted.cells[2].source = "assert_choices(q2_answers)"
    autograded = copy.deepcopy(submitted)
    autograded.cells[2].source = instructor[2].source
    autograded.cells[2].metadata["nncourse"] = {"verdict": {"score": 1.0, "points": points, "fatal": None,
                                                            "note": "", "checks": verdict_checks}}
    grades = Grades(scores={"q2_x_test": 1.0}, maxima={"q2_x_test": points})
    return render_feedback(submitted, autograded, new_notebook(cells=instructor), grades, student="s",
                           assignment="a0_quiz", notebook="quiz")


def test_a_quiz_question_shows_its_options_the_students_choice_and_the_explanations():
    checks = [{"name": "whether option a is selected", "passed": True, "answer": True, "explain": "A fits."},
              {"name": "whether option b is selected", "passed": False, "answer": True, "explain": "B does not."},
              {"name": "whether option c is selected", "passed": False, "answer": False, "explain": "C fits too."}]
    page = _quiz_notebooks('record("whether option %s is selected" % option, None)', [], checks, 3)
    _inert(page.split("</style>", 1)[1])
    rows = re.findall(r'<tr class="(chosen)?"><td class="mark"><span class="(ok|fail)">.</span></td>'
                      r'<td class="letter">([a-c])\)</td><td>(.*?)</td><td class="choice">([^<]*)</td></tr>', page, re.S)
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [("chosen", "ok", "a", "you selected it"),
                                                       ("chosen", "fail", "b", "you selected it"),
                                                       ("", "fail", "c", "you left it out")]
    assert "<math" in rows[0][3] and "<code>z = w * X</code>" in rows[2][3] and "&lt;script&gt;" in rows[1][3]
    assert "A fits." in page and "C fits too." in page and "1 of 3 options judged right" in page
    assert "selecting every option, or none, earns nothing" in page
    assert "whether option a is selected" not in page      # the checker's words give way to the options


def test_a_single_choice_question_names_the_option_chosen():
    checks = [{"name": "answer to question 2", "passed": False, "answer": "c", "explain": "Think of shapes."}]
    page = _quiz_notebooks('record("answer to question 2", q2_answer)', [], checks, 2)
    assert "You chose c) z = w * X: not the right answer." in page and "Think of shapes." in page
    checks = [{"name": "answer to question 2", "passed": False, "answer": None, "explain": "Think of shapes."}]
    page = _quiz_notebooks('record("answer to question 2", q2_answer)', [], checks, 2)
    assert "Your answer is not one of the options" in page and "class=\"chosen\"" not in page


# ---------------------------------------------------------------- the formgrader's page
def test_formgrader_exporter_renders_only_nonced_scripts_and_inert_outputs():
    nb = _submitted()
    nb.cells[0].source = '<img src=x onerror="%s"> $\\frac{1}{2}$' % JS
    nb.cells[2].outputs = [
        new_output("display_data", data={"text/html": "<script>%s</script>" % JS, "text/plain": "plain"}),
        new_output("display_data", data={"application/javascript": JS}),
        new_output("display_data", data={"image/svg+xml": '<svg onload="%s"/>' % JS}),
        new_output("display_data", data={"image/png": 'x" onerror="%s' % JS}),
        new_output("display_data", data={"image/png": "iVBORw0KGgo="}, metadata={"image/png": {"width": "1 onerror=x"}}),
        new_output("stream", name="stdout", text="<script>%s</script>" % JS)]
    exporter = FormgradeExporter()
    exporter.csp_nonce = "NONCE123"
    resources = {"base_url": "", "submission_id": "s1", "notebook_id": "nb", "assignment_id": "a1", "index": 0,
                 "total": 1, "student": "<b>st</b>", "first_name": None, "last_name": None, "notebook_path": "x"}
    page, _ = exporter.from_notebook_node(nb, resources)
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all('nonce="NONCE123"' in s for s in scripts)
    body = page.split("<body", 1)[1]
    assert not re.search(r"<[^>]*\son\w+\s*=", body) and "javascript:" not in body.lower()
    assert "&lt;script&gt;" in body and "plain" in body and "<math" in body and "&lt;b&gt;st&lt;/b&gt;" in body
    assert "iVBORw0KGgo=" in body and "<svg" not in body
    assert not re.search(r"src=\"[^\"]*mathjax", page.lower()) and "cdn" not in page.lower()


def test_inert_outputs_keep_text_and_checked_images_only():
    cell = new_code_cell("x", outputs=[
        new_output("display_data", data={"text/html": "<b>x</b>", "text/plain": "x"}, metadata={"a": 1}),
        new_output("display_data", data={"image/png": "not base64!"}),
        new_output("error", ename="E", evalue="v", traceback=["t"])])
    cell, _ = InertOutputs().preprocess_cell(cell, {}, 0)
    assert [o.output_type for o in cell.outputs] == ["display_data", "error"]
    assert cell.outputs[0].data == {"text/plain": "x"} and cell.outputs[0].metadata == {}


# ---------------------------------------------------------------- the class report
def test_the_score_histogram_counts_whole_students():
    fig = score_histogram("a1", [70.0, 72.5, 80.0, 80.0, 80.0], 80)
    ticks = fig.axes[0].get_yticks()
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks)


def test_checks_are_ranked_by_failing_students_then_notebook_order():
    failures = CheckFailures(graded=4)
    for key, n in ((("f_test", "one"), 1), (("f_test", "two"), 3), (("g_test", "three"), 3), (("g_test", "ok"), 0)):
        failures.order.append(key)
        failures.failing[key] = n
    assert failures.ranked() == [("f_test", "two", 3), ("g_test", "three", 3), ("f_test", "one", 1)]
