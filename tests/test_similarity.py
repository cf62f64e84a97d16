"""The similarity report (grader.integrity): copies found however they are disguised, honest students left alone.

* tokens: renamed variables, changed comments and layout give the same tokens; a library's function names stay;
  code that does not parse is still read;
* winnowing keeps a fingerprint in every window, so any shared run of K + WINDOW - 1 tokens is caught;
* a student's own lines are their solution cells minus the released template;
* a synthetic class with planted copies (renamed variables, reordered statements, one function changed): every
  planted pair is reported, no honest pair is, and the planted pairs rank first;
* code every right answer shares (the instructor's solution, or one line many students write) raises no pair;
* the side-by-side page marks the shared lines, escapes the students' code and runs nothing;
* ``python -m grader similarity --only A`` prints the pairs and writes their pages; a broken file is named.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import nbformat
import pytest

from conftest import copy_course
from grader.authoring.solutions import instructor_solutions
from grader.example_class import fill_in
from grader.example_class.model import SOLUTION, Submission
from grader.example_class.rewrite import honest
from grader.example_class.synthetic import PLANTED_KINDS, marked_solutions, write_similarity_class
from grader.integrity.fingerprints import K, WINDOW, cell_fingerprints, winnow
from grader.integrity.own_code import load_template, own_code
from grader.integrity.similarity import THRESHOLD, compare_class
from grader.integrity.tokens import normalised_tokens
from grader.outputs.similarity_page import write_pair_pages

A4 = "a4_deep_network"


def _texts(source: str) -> list[str]:
    return [t.text for t in normalised_tokens(source)]


def test_renamed_variables_changed_comments_and_layout_give_the_same_tokens():
    one = 'dW = 1 / m * np.dot(dZ, A_prev.T)  # the gradient\ndb = np.sum(dZ, axis=1, keepdims=True) / m\n'
    two = ('# my own comment\ngrad_w = 1 / n_examples * np.dot(delta,\n          prev.T)\n\n'
           'grad_b = np.sum(delta, axis = 1, keepdims = True) / n_examples')
    assert _texts(one) == _texts(two)
    assert "dot" in _texts(one) and "sum" in _texts(one) and "T" in _texts(one) and "True" in _texts(one)
    assert _texts(one) != _texts(one.replace("np.dot", "np.outer"))
    assert _texts('print("a", \'b\')') == ["print", "(", "S", ",", "S", ")"]
    assert _texts("x = (1 +\n") == ["V", "=", "(", "1", "+"]          # does not parse: read all the same
    assert [t.line for t in normalised_tokens('a = """x\ny"""\nb = 2')] == [0, 0, 0, 2, 2, 2]


def test_winnowing_catches_every_shared_run_of_k_plus_window_minus_1_tokens():
    rng = random.Random(0)
    shared = " ".join("v%d = np.f%d(v%d)" % (i, rng.randrange(50), i) for i in range(6))
    for trial in range(20):
        noise = lambda: "\n".join("w = np.g%d(w)" % rng.randrange(99) for _ in range(rng.randrange(1, 5)))
        a = cell_fingerprints("c", normalised_tokens(noise() + "\n" + shared + "\n" + noise()))
        b = cell_fingerprints("c", normalised_tokens(noise() + "\n" + noise() + "\n" + shared))
        assert {f.hash for f in a} & {f.hash for f in b}, trial
    hashes = [rng.randrange(1000) for _ in range(200)]
    kept = winnow(hashes)
    for start in range(len(hashes) - WINDOW + 1):
        assert any(start <= i < start + WINDOW for i in kept)
    assert len(kept) < len(hashes) / 2 and K + WINDOW - 1 == 17


def test_a_students_own_lines_leave_the_released_template_out(tmp_path):
    course = copy_course(tmp_path / "course")
    template = load_template(course, A4)
    release = nbformat.read(str(course.folder("release") / A4 / "deep_network.ipynb"), as_version=4)
    given = next(c.source for c in release.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "linear_forward")
    untouched = own_code("s", {"linear_forward": given}, template)
    assert untouched.own["linear_forward"] == set() and untouched.fingerprints == []
    answered = given.replace("raise NotImplementedError()", "Z = W @ A + b  # mine")
    code = own_code("s", {"linear_forward": answered}, template)
    lines = answered.splitlines()
    assert [lines[i].strip() for i in code.own["linear_forward"]] == ["Z = W @ A + b  # mine"]


@pytest.fixture(scope="module")
def planted_class(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("similar") / "course")
    planted = write_similarity_class(course, A4, students=150, seed=4)
    return course, planted, compare_class(course, A4)


def test_every_planted_copy_is_found_and_no_honest_pair_is(planted_class):
    course, planted, similarity = planted_class
    assert sorted({kind for _, _, kind in planted}) == sorted(PLANTED_KINDS) and len(planted) == 6
    copies = {tuple(sorted((original, copier))) for original, copier, _ in planted}
    reported = {(p.first, p.second) for p in similarity.pairs}
    assert copies <= reported, [p for p in similarity.scored[:10]]
    assert reported == copies, [p for p in similarity.pairs if (p.first, p.second) not in copies]
    assert {(p.first, p.second) for p in similarity.pairs[:len(copies)]} == copies
    honest_best = max((p.score for p in similarity.scored if (p.first, p.second) not in copies), default=0)
    assert honest_best < THRESHOLD <= min(p.score for p in similarity.pairs)
    assert similarity.students == 150 and similarity.problems == []


def test_code_every_right_answer_shares_raises_no_pair(tmp_path):
    """20 students hand in the instructor's solution, 12 write the same own version of one exercise."""
    course = copy_course(tmp_path / "course")
    rng = random.Random(1)
    source = course.source_notebooks(A4)[0]
    release = nbformat.read(str(course.folder("release") / A4 / source.name), as_version=4)
    solutions, marked = instructor_solutions(source), marked_solutions(source)
    one_idiom = honest(marked["update_parameters"], rng)   # the same own version, written by 12 students
    for i in range(40):
        answers = {g: SOLUTION for g in solutions} if i < 20 else {g: honest(s, rng) for g, s in marked.items()}
        if 20 <= i < 32:
            answers["update_parameters"] = one_idiom
        folder = course.folder("submitted") / ("s%02d" % i) / A4
        folder.mkdir(parents=True)
        nbformat.write(fill_in(release, Submission("t", answers=answers), solutions), str(folder / source.name))
    similarity = compare_class(course, A4)
    assert similarity.students == 40 and similarity.pairs == [], similarity.pairs


def test_the_side_by_side_page_marks_shared_lines_and_runs_nothing(planted_class, tmp_path):
    course, planted, similarity = planted_class
    pair = similarity.pairs[0]
    code = similarity.codes[pair.first]
    grade_id = next(g for g, lines in pair.lines[pair.first].items() if lines)
    code.cells[grade_id] += "\n# </span></div><script>alert(1)</script><img src=x onerror=alert(2)>"
    code.own[grade_id].add(len(code.cells[grade_id].splitlines()) - 1)
    written = write_pair_pages(similarity, tmp_path)
    page = written[pair.first, pair.second].read_text()
    assert written[pair.first, pair.second].parent == tmp_path / "similarity" / A4
    body = page.split("</style>", 1)[1]
    assert "<script" not in body and "<img" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "Content-Security-Policy\" content=\"default-src 'none'" in page
    shared = body.count('class="line shared"')
    assert shared == sum(len(lines) for who in pair.lines.values() for lines in who.values()) and shared > 4
    assert len(written) == len(similarity.pairs)


def test_the_command_prints_the_pairs_and_names_a_broken_file(planted_class):
    course, planted, similarity = planted_class
    broken = course.folder("submitted") / "zz_broken" / A4
    broken.mkdir(parents=True)
    (broken / "deep_network.ipynb").write_text('{"cells": [')
    done = subprocess.run([sys.executable, "-m", "grader", "similarity", "--only", A4], cwd=course.root,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("%s: 150 students compared, 6 pairs scoring" % A4), lines[0]
    assert "not compared: submitted/zz_broken/%s/deep_network.ipynb: not valid notebook JSON" % A4 in done.stdout
    first = similarity.pairs[0]
    assert " 1. %s" % first.first in done.stdout and "reports/similarity/%s/%s--%s.html" % (
        A4, first.first, first.second) in done.stdout
    assert len(list((course.folder("reports") / "similarity" / A4).glob("*.html"))) == 6
    json.loads((course.folder("release") / A4 / "deep_network.ipynb").read_text())   # untouched
