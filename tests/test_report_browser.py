"""The class report of a class of 300, in Debian's Chromium: what a teacher of a large class reads first.

A synthetic class of 300 (``python -m grader synthetic-class --students 300``: the example students' answers
and mistakes, a few cheats and broken files) hands in assignment 1 and the week-1 quiz and is graded for real,
two at a time, in the sandbox; then the report is opened from disk. Checked in the page:

* the submissions to look at first are at the top, one line per problem with its students (every broken file
  among them, and the notebooks whose checks never ran);
* a short "discuss in class" list, most failed first;
* one row per exercise, its bar as wide as its share of full points and coloured by it, its most failed
  checks right under it, the others one click away;
* per quiz question, every option with its text and how many chose it;
* every link to a feedback page leads to one; no image is broken; no script.

This grades 600 submissions: about 10 minutes on two idle cores, much more on a busy machine. Screenshots:
reports/screenshots/report300_NN_*.png (the top of the page, one exercise's breakdown, one quiz question's).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from browser_support import CHROMIUM, UI_TIMEOUT, ScreenshotSeries, chromium_page
from conftest import REPO, copy_course
from grader.authoring.release import build_keys, generate_release
from grader.example_class.synthetic import write_synthetic_class
from grader.outputs.report import write_class_report
from grader.run.classgrade import grade_class
from grader.sandbox import probe

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (CI installs it)"),
              pytest.mark.skipif(probe(200000) is not None, reason="no bubblewrap sandbox here")]

A1, QUIZ, STUDENTS = "a1_numpy_basics", "a0_concepts_quiz", 300


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("report300") / "course")
    generate_release(course, [A1, QUIZ], log=lambda *_: None)
    build_keys(course, [A1, QUIZ], log=lambda *_: None)
    write_synthetic_class(course, STUDENTS, seed=0, assignments=[A1, QUIZ])
    results = grade_class(course, [A1, QUIZ], workers=2, log=lambda *_: None)
    assert len(results) == 2 * STUDENTS
    report = write_class_report(course, results, course.folder("reports")).with_suffix(".html")
    return course, results, report


def test_the_report_of_300_puts_what_to_look_at_first_and_groups_checks_by_exercise(graded, tmp_path, capsys):
    course, results, report = graded
    broken = sorted(r.student for r in results if r.assignment == A1 and not r.ok)
    shots = ScreenshotSeries(REPO / "reports" / "screenshots", "report300", capsys)
    errors = []
    with chromium_page(tmp_path / "chromium", viewport=(1300, 1000)) as page:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_default_timeout(UI_TIMEOUT)
        page.goto(report.as_uri())
        assert page.evaluate("() => document.scripts.length") == 0
        assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
        section = page.locator("section#%s" % A1)

        # at the top: the flags, one line per problem, then what to discuss
        flags = section.locator(".flags li")
        not_graded = flags.filter(has_text="not graded")
        assert not_graded.count() == 1 and broken
        assert [c.inner_text() for c in not_graded.locator("code").all()] == broken
        assert section.locator(".flags").bounding_box()["y"] < section.locator("img.plot-scores").bounding_box()["y"]
        discuss = section.locator(".discuss li")
        assert 1 <= discuss.count() <= 6
        shares = [int(re.search(r"\((\d+) %\)$", t).group(1)) for t in discuss.all_inner_texts()]
        assert shares == sorted(shares, reverse=True)
        shots.take(page, "top_of_page")

        # one row per exercise, coloured by its share, its checks under it
        rows = section.locator("tr.exercise")
        assert rows.count() == 8
        for row in rows.all():
            rate = int(row.locator("td.num").first.inner_text().split()[-2]) / 100
            width = row.locator(".bar span").evaluate("s => s.getBoundingClientRect().width / "
                                                     "s.parentElement.getBoundingClientRect().width")
            assert width == pytest.approx(rate, abs=0.02)
        softmax = section.locator("tr.exercise#%s-softmax_test" % A1)
        softmax.evaluate("row => row.scrollIntoView({block: 'start'})")
        softmax_checks = page.locator("tr#%s-softmax_test ~ tr.check" % A1)
        assert softmax_checks.first.locator("td.name").inner_text().startswith("softmax")
        details = softmax_checks.locator("details").first
        details.locator("summary").click()
        assert details.evaluate("d => d.open")
        shots.take(page, "one_exercise_breakdown")

        # a quiz question: every option with its text and how many chose it
        quiz = page.locator("section#%s" % QUIZ)
        question = quiz.locator("tr.exercise#%s-q2_network_types_test" % QUIZ)
        question.evaluate("row => row.scrollIntoView({block: 'start'})")
        options = quiz.locator("tr#%s-q2_network_types_test + tr.check table.quiz tr" % QUIZ)
        assert [o.get_attribute("data-option") for o in options.all()] == list("abcdef")
        assert "standard network" in options.first.inner_text() and " selected" in options.first.inner_text()
        shots.take(page, "one_quiz_question")

        links = page.locator("table.students a").evaluate_all("links => links.map(a => a.href)")
        assert len(links) == sum(r.ok for r in results)
    assert not errors, errors
    for link in links[:: max(1, len(links) // 25)]:   # resolved by the browser: file:///.../feedback/...
        assert link.startswith("file://") and Path(unquote(link[len("file://"):])).is_file(), link
