"""Nothing leaks back, and structural tampering is graded: real submissions of assignment 1, graded
for real in one class run, beside an honest student.

Exfiltration: each hostile submission collects what the grading run lets student code see (the
hidden test cells' source from ``In``, IPython's history, ``pre_run_cell`` / ``post_run_cell`` hooks,
an audit hook on ``compile``; the hidden inputs from ``sys.setprofile`` around ``record_call``) and
tries every way back out: printing, rich displays, exceptions from its functions and from its
cells, exception classes and return types named after what it saw, forged records, shapes that
encode text, files. Afterwards no hidden test source, hidden input or answer-key value may be
anywhere in feedback/ or autograded/ (the graded test cells' own source excepted: that is where the
instructor wrote the hidden tests, in the instructor's copy).

Tampering: deleted, duplicated, added and retyped graded cells, flipped flags, hidden-test markers
in a student cell: each graded from the instructor's cells with a one-line note in the feedback,
the CSV and the table. And a grader failure (an assignment not in the gradebook) names its cause.
"""

from __future__ import annotations

import copy
import csv
import json
import re

import nbformat
from markupsafe import escape
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from conftest import copy_course
from grader.authoring.release import build_keys, generate_release
from grader.authoring.solutions import instructor_solutions
from grader.example_class import PROFILES, fill_in
from grader.example_class.model import Submission
from grader.grading.keys import is_graded_test
from grader.outputs.report import write_class_report
from grader.outputs.results import exercise_scores, write_exercise_csv
from grader.outputs.score_table import score_table
from grader.run.classgrade import grade_submissions
from grader.sandbox import probe

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(probe(200000) is not None, reason="no bubblewrap sandbox here: %s"
                                 % probe(200000))]

A1 = "a1_numpy_basics"
NB = "numpy_basics"
TAG = "EX" + "FIL"   # what every exfiltration prefixes its haul with (never written whole in a source)

# ---------------------------------------------------------------- the exfiltrations
STASH = '''
import builtins, sys
builtins._stash = []
TAG = "EX" + "FIL"
'''
HOOKS = '''
ip = get_ipython()
def _grab(info):
    builtins._stash.append(info.raw_cell or "")
    print(TAG, info.raw_cell)
    sys.__stderr__.write(TAG + (info.raw_cell or ""))
ip.events.register("pre_run_cell", _grab)
ip.events.register("post_run_cell", lambda result: print(TAG, "post", result.info.raw_cell))
'''
AUDIT = '''
def _audit(event, args):
    if event == "compile" and args and isinstance(args[0], (str, bytes)):
        builtins._stash.append(str(args[0])[:5000])
sys.addaudithook(_audit)
'''
PROFILE = '''
import numpy
def _profiler(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "record_call":
        args = frame.f_locals.get("args") or ()
        builtins._stash.append(TAG + repr(frame.f_locals.get("name")) + repr(args))
        for value in args:
            if isinstance(value, numpy.ndarray):
                builtins._stash.append(TAG + value.tobytes().hex())
sys.setprofile(_profiler)
'''
# the last cell of the notebook: everything seen so far, out through every channel there is
SPILL = '''
from IPython.display import HTML, Markdown, display
ip = get_ipython()
history = [raw for _, _, raw in ip.history_manager.get_range(output=False, raw=True)]
ip.run_line_magic("history", "-n")
haul = "\\n".join(builtins._stash + list(In) + list(_ih) + history)
print(TAG, haul)
print(TAG, haul, file=sys.stderr)
display(HTML("<pre>" + TAG + haul + "</pre>"))
display(Markdown(TAG + haul))
display({"text/plain": TAG + haul, "application/json": {"x": TAG + haul}}, raw=True)
for name in ("numpy_basics.html", "leak.txt", "../leak.txt", "/tmp/leak.txt"):
    try:
        with open(name, "w") as handle:
            handle.write(TAG + haul)
    except OSError:
        pass
raise ValueError(TAG + haul[-4000:])
'''
RAISING = {   # answers whose every call raises, or returns, what they have seen
    "sigmoid": '''
def sigmoid(x):
    raise ValueError("EX" + "FIL" + repr(x) + "".join(builtins._stash)[-500:])
''',
    "softmax": '''
def softmax(x):
    raise type(("EX" + "FIL" + repr(x))[:300], (Exception,), {})("EX" + "FIL")
''',
    "L1": '''
def L1(yhat, y):
    return type(("EX" + "FIL" + repr(yhat))[:300], (), {})()
''',
    "L2": '''
def L2(yhat, y):
    return {("EX" + "FIL" + repr(yhat))[:300]: 1.0}
''',
}
FORGE = '''
from IPython.display import display
from nncourse.record import FORMAT_VERSION, RECORD_MIME
ip = get_ipython()
def _forge(info):
    source = info.raw_cell or ""
    if "record_call" not in source:
        return
    leak = ("EX" + "FIL" + source)[:300]
    shape = [0] + [ord(ch) * 1000003 for ch in leak[5:40]]
    for name, value in ((leak, {"t": "none"}),
                        ("sigmoid of a (4, 7) array", {"t": "array", "dtype": "<f8", "shape": shape, "b64": ""}),
                        ("softmax of a (3, 4) array", {"t": "object", "type": leak}),
                        ("L1 of a 5-element vector", {"t": "raised", "type": leak, "message": leak})):
        display({RECORD_MIME: {"format": FORMAT_VERSION, "name": name, "value": value, "spec": {}},
                 "text/plain": "x"}, raw=True)
ip.events.register("pre_run_cell", _forge)
'''
STOP = '''
def _stopper(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "record_call":
        sys.setprofile(None)
        raise RuntimeError(TAG + "".join(builtins._stash)[-2000:])
    return None
ip = get_ipython()
ip.events.register("pre_run_cell", lambda info: builtins._stash.append(info.raw_cell or ""))
ip.events.register("pre_run_cell", lambda info: sys.setprofile(_stopper) if "BEGIN HIDDEN" in (info.raw_cell or "") else None)
'''

EXFILTRATIONS = {
    #  name: (cells after setup, answers, spill at the end)
    "ex_history": ([STASH], {}, True),
    "ex_hooks": ([STASH, HOOKS], {}, True),
    "ex_audit": ([STASH, AUDIT], {}, True),
    "ex_profile": ([STASH, PROFILE], {}, True),
    "ex_raise": ([STASH, HOOKS, PROFILE], RAISING, True),
    "ex_forge": ([STASH, FORGE], {}, False),
    "ex_stop": ([STASH, STOP], {}, True),
}


# ---------------------------------------------------------------- the tampering
def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _at(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if _grade_id(c) == grade_id)


def _tampered(correct):
    cases = {}

    def case(name):
        cases[name] = copy.deepcopy(correct)
        return cases[name]

    nb = case("deleted_test")
    del nb.cells[_at(nb, "sigmoid_test")]
    nb = case("deleted_setup")
    del nb.cells[_at(nb, "setup")]
    nb = case("duplicated_test")
    nb.cells.insert(_at(nb, "sigmoid_test") + 1, copy.deepcopy(nb.cells[_at(nb, "sigmoid_test")]))
    nb = case("duplicated_answer")
    nb.cells.insert(_at(nb, "softmax") + 1, copy.deepcopy(nb.cells[_at(nb, "softmax")]))
    nb = case("new_graded_cell")
    cell = new_code_cell("x = 1")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus<b>", "points": 50, "solution": False,
                                 "locked": False, "schema_version": 3}
    nb.cells.insert(5, cell)
    markdown = new_markdown_cell("I deserve *everything*")
    markdown.metadata["nbgrader"] = {"grade": True, "solution": True, "points": 100, "schema_version": 3}
    nb.cells.insert(6, markdown)
    nb = case("flipped_solution")
    test = nb.cells[_at(nb, "softmax_test")]
    test.metadata.nbgrader.update(solution=True, locked=False)
    test.source = "pass"
    nb = case("flipped_grade")
    nb.cells[_at(nb, "softmax_test")].metadata.nbgrader.update(grade=False, points=0)
    nb = case("test_as_markdown")
    test = nb.cells[_at(nb, "L2_test")]
    test.cell_type = "markdown"
    del test["outputs"], test["execution_count"]
    nb = case("hidden_marker")
    nb.cells[_at(nb, "L1")].source += "\n### BEGIN HIDDEN TESTS\nL1_seen = True\n### END HIDDEN TESTS\n"
    return cases


#: Every tampering case: (the scores that differ from full marks, a phrase of its note).
TAMPERING = {
    "deleted_test": ({"sigmoid_test": 0}, "'sigmoid_test' was deleted: it was put back and scores 0"),
    "deleted_setup": ({}, "The locked cell 'setup' was deleted: it was put back"),
    "duplicated_test": ({}, "The graded cell 'sigmoid_test' appears more than once"),
    "duplicated_answer": ({}, "The answer cell 'softmax' appears more than once"),
    "new_graded_cell": ({}, "An added cell claims to be an nbgrader cell (id 'bonus<b>')"),
    "flipped_solution": ({}, "'softmax_test' had its nbgrader metadata changed (solution, locked)"),
    "flipped_grade": ({}, "'softmax_test' had its nbgrader metadata changed (grade, points)"),
    "test_as_markdown": ({}, "'L2_test' had its nbgrader metadata changed (cell type)"),
    "hidden_marker": ({}, "contains a hidden-test marker"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("leaks") / "course")
    with open(course.root / "nbgrader_config.py", "a") as config:
        config.write("\nc.Execute.timeout = 20\nc.GraderLimits.submission_seconds = 300\n")
    generate_release(course, [A1], log=lambda *_: None)
    build_keys(course, [A1], log=lambda *_: None)
    release = nbformat.read(str(course.root / "release" / A1 / (NB + ".ipynb")), as_version=4)
    solutions = instructor_solutions(course.root / "source" / A1 / (NB + ".ipynb"))
    correct = fill_in(release, PROFILES[A1]["correct"], solutions)

    notebooks = {"correct": correct}
    for name, (cells, answers, spill) in EXFILTRATIONS.items():
        submission = Submission(name, answers={**PROFILES[A1]["correct"].answers, **answers}, extra_cells=cells)
        nb = fill_in(release, submission, solutions)
        if spill:
            nb.cells.append(new_code_cell(SPILL.strip("\n")))
        notebooks[name] = nb
    notebooks.update(_tampered(correct))
    for student, nb in notebooks.items():
        folder = course.folder("submitted") / student / A1
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / (NB + ".ipynb")))
    ghost = course.folder("submitted") / "ghost" / "a0_concepts_quiz"   # never generated: not in the gradebook
    ghost.mkdir(parents=True)
    nbformat.write(correct, str(ghost / "concepts_quiz.ipynb"))

    todo = [(s, A1) for s in notebooks] + [("ghost", "a0_concepts_quiz")]
    results = grade_submissions(course, todo, workers=2, log=lambda *_: None)
    csv_path = write_exercise_csv(course, results, course.folder("reports") / "exercise_scores.csv")
    report = write_class_report(course, results, course.folder("reports"))
    return course, {(r.student, r.assignment): r for r in results}, csv_path, report


def scores(course, student):
    return exercise_scores(course, A1)[1].get(student)


# ---------------------------------------------------------------- what must not come back
def hidden_markers(course) -> list[str]:
    """Strings that exist only in the hidden tests, the hidden inputs and the answer key."""
    source = nbformat.read(str(course.root / "source" / A1 / (NB + ".ipynb")), as_version=4)
    markers = {TAG, "BEGIN HIDDEN TESTS", "record_call(", "hidden_rng"}
    for cell in source.cells:
        if is_graded_test(cell):
            hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            markers.update(line.strip() for line in hidden.splitlines() if len(line.strip()) > 25)
    first_input = 3 * np.random.default_rng(2).standard_normal((4, 7))   # sigmoid's first hidden input
    markers.add(first_input.tobytes().hex()[:48])
    markers.add(repr(first_input)[:40])
    key = json.loads((course.key_directory / A1 / (NB + ".json")).read_text())
    for cell in key["cells"].values():
        for record in cell["records"]:
            value = record["value"]
            if value.get("t") in ("array", "scalar") and len(value.get("b64", "")) >= 16:
                markers.add(value["b64"][:32])
            elif value.get("t") == "float":
                markers.add(value["v"])
    return sorted(markers)


def student_visible_text(course, student) -> dict[str, str]:
    """Every file of the student's feedback/ and autograded/ folders as text, except the source of
    the graded test cells of the autograded notebook (the instructor's, hidden tests included)."""
    texts = {}
    for folder in ("feedback", "autograded"):
        for path in sorted((course.folder(folder) / student).rglob("*")):
            if not path.is_file():
                continue
            text = path.read_text(errors="replace")
            if path.suffix == ".ipynb":
                nb = nbformat.reads(text, as_version=4)
                for cell in nb.cells:
                    if is_graded_test(cell):
                        cell.source = ""
                text = json.dumps(nb)
            texts[str(path.relative_to(course.root))] = text
    return texts


@pytest.mark.parametrize("student", ["correct"] + list(EXFILTRATIONS))
def test_nothing_the_grading_run_saw_comes_back(graded, student):
    course, results, *_ = graded
    assert results[student, A1].ok, results[student, A1].reason
    texts = student_visible_text(course, student)
    assert any(p.endswith(NB + ".html") for p in texts) and any(p.endswith(NB + ".ipynb") for p in texts)
    for path, text in texts.items():
        for marker in hidden_markers(course):
            assert marker not in text, "%s leaks %r" % (path, marker)


def test_autograded_notebooks_keep_only_the_graders_outputs(graded):
    course, *_ = graded
    for student in ["correct"] + list(EXFILTRATIONS):
        nb = nbformat.read(str(course.folder("autograded") / student / A1 / (NB + ".ipynb")), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and not is_graded_test(cell):
                assert cell.outputs == [], (student, cell.source[:60])
            elif cell.cell_type == "code":
                assert all(o.output_type in ("stream", "error", "execute_result") for o in cell.outputs)


def test_feedback_is_inert_and_names_the_exercises(graded):
    course, *_ = graded
    for student in ["correct"] + list(EXFILTRATIONS):
        page = (course.folder("feedback") / student / A1 / (NB + ".html")).read_text()
        assert "<script" not in page.lower() and not re.search(r"<[^>]*\son\w+\s*=", page)
        assert "Content-Security-Policy" in page and "default-src 'none'" in page
        assert "javascript:" not in page.lower()
    page = (course.folder("feedback") / "correct" / A1 / (NB + ".html")).read_text()
    for exercise in ("basic_sigmoid", "softmax", "L2"):
        assert re.search(r">%s</a></td><td class=\"num full\">10 / 10<" % exercise, page), exercise
    assert "Score: 80 / 80" in page and "<math" in page
    assert "The grader never shows what your code printed while it was graded." in page
    # the contents line's links reach the section anchors, which are not shown as text
    assert 'href="#nb-setup"' in page and '<a id="nb-setup"' in page and "&lt;a id=" not in page
    # a feedback folder holds the pages, nbgrader's bookkeeping written by the course (the time it received the
    # submission) and nothing else of the submission's
    folder = course.folder("feedback") / "ex_history" / A1
    assert sorted(p.name for p in folder.iterdir()) == [NB + ".html", "timestamp.txt"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} UTC", (folder / "timestamp.txt").read_text())


def test_the_leaking_answers_are_still_graded_on_their_values(graded):
    course, results, *_ = graded
    assert sum(scores(course, "correct").values()) == 80
    raised = scores(course, "ex_raise")
    assert raised["sigmoid_test"] == raised["softmax_test"] == raised["L1_test"] == raised["L2_test"] == 0
    assert raised["basic_sigmoid_test"] == 10
    assert sum(scores(course, "ex_forge").values()) < 80   # forged records fail their cells
    verdicts = (course.folder("feedback") / "ex_raise" / A1 / (NB + ".html")).read_text()
    assert "stopped with an error (ValueError)" in verdicts        # the type, never the message
    assert "stopped with an error (an exception) on this input." in verdicts   # a class of its own: not even its name
    assert TAG not in verdicts


@pytest.mark.parametrize("student", list(TAMPERING))
def test_tampering_is_graded_from_the_instructors_cells(graded, student):
    course, results, csv_path, _ = graded
    changed, note = TAMPERING[student]
    assert results[student, A1].ok, results[student, A1].reason
    got = scores(course, student)
    assert got == {cell: changed.get(cell, 10) for cell in got}, got
    page = (course.folder("feedback") / student / A1 / (NB + ".html")).read_text()
    escaped = str(escape(note))   # as the page's template escapes it
    assert escaped in page, page[:3000]
    with csv_path.open() as handle:
        rows = [row for row in csv.DictReader(handle) if row["student"] == student]
    assert rows and all(note in row["notes"] for row in rows)
    table = score_table(course, [results[student, A1]])
    assert "%s / %s: " % (student, A1) in table and note in table


def test_a_deleted_graded_cell_is_shown_without_its_hidden_source(graded):
    course, *_ = graded
    page = (course.folder("feedback") / "deleted_test" / A1 / (NB + ".html")).read_text()
    assert "the cell was missing from the submission" in page
    for marker in hidden_markers(course):
        assert marker not in page


def test_a_grader_failure_names_its_cause(graded):
    _, results, *_ = graded
    result = results["ghost", "a0_concepts_quiz"]
    assert not result.ok
    assert "No assignment with ID 'a0_concepts_quiz' exists in the database" in result.reason
    assert "python -m grader release" in result.reason and "Please see the" not in result.reason


def test_class_report_groups_failing_checks_by_exercise_and_links_feedback(graded):
    course, results, _, report = graded
    page = report.with_suffix(".html").read_text()
    assert "<script" not in page.lower()
    exercises = re.findall(r'<tr class="exercise" id="%s-(\w+)"><td>([^<]+)</td>' % A1, page)
    assert [name for _, name in exercises] == ["basic_sigmoid", "sigmoid", "sigmoid_derivative", "image2vector",
                                               "normalize_rows", "softmax", "L1", "L2"]
    for grade_id, _ in exercises:   # under each exercise its checks, most failed first
        block = page.split('id="%s-%s"' % (A1, grade_id), 1)[1].split('<tr class="exercise"', 1)[0]
        failing = [int(n) for n in re.findall(r'data-failing="(\d+)"', block.split("<details>")[0])]
        assert failing == sorted(failing, reverse=True)
    sigmoid = page.split('id="%s-sigmoid_test"' % A1, 1)[1].split('<tr class="exercise"', 1)[0]
    assert "sigmoid of a (4, 7) array" in sigmoid
    links = re.findall(r'<a href="([^"]+\.html)">', page)
    graded_students = [s for (s, a), r in results.items() if r.ok and a == A1]
    assert len(set(links)) == len(graded_students)
    for link in links:
        assert (report.parent / link).resolve().is_file(), link
    assert "ghost" in page and "exists in the database" in page
