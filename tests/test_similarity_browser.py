"""The similar pairs in the class report, and one side-by-side view, in Debian's Chromium.

A synthetic class of 300 hands in assignment 4 (honest students each with their own version of every exercise,
and six planted copies: grader.example_class.synthetic.write_similarity_class). The class report's page is made
from it by the report's own code (grading is not what this checks: tests/test_report_browser.py grades a class
of 300) and opened from disk. Checked in the page: the pairs are listed most alike first, they are exactly the
planted ones, and each "compare" link opens a side-by-side page that runs no script and marks shared lines on
both sides. Screenshots: reports/screenshots/similarity_NN_*.png.
"""

from __future__ import annotations

import pytest

from browser_support import CHROMIUM, UI_TIMEOUT, ScreenshotSeries, chromium_page
from conftest import REPO, copy_course
from grader.example_class.synthetic import write_similarity_class
from grader.outputs import report
from grader.outputs.class_summary import AssignmentSummary, CheckFailures, _similarity

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (CI installs it)")]

A4, STUDENTS = "a4_deep_network", 300


def test_the_report_ranks_the_planted_pairs_and_shows_one_side_by_side(tmp_path, capsys):
    course = copy_course(tmp_path / "course")
    planted = write_similarity_class(course, A4, STUDENTS, seed=0)
    summary = AssignmentSummary(A4, STUDENTS, [], {}, 100, [], CheckFailures(), [], [], {}, [],
                                similarity=_similarity(course, A4))
    folder = course.folder("reports")
    folder.mkdir()
    page_file = folder / "class_report.html"
    page_file.write_text(report._html(course, [summary], {A4: {}}, "", folder))
    copies = {tuple(sorted(p[:2])) for p in planted}
    shots = ScreenshotSeries(REPO / "reports" / "screenshots", "similarity", capsys)
    errors = []
    with chromium_page(tmp_path / "chromium", viewport=(1300, 900)) as page:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_default_timeout(UI_TIMEOUT)
        page.goto(page_file.as_uri())
        assert page.evaluate("() => document.scripts.length") == 0
        section = page.locator("#%s-similar" % A4)
        rows = section.locator("tr.pair")
        assert rows.count() == len(copies) == 6
        listed = {tuple(sorted(c.inner_text() for c in row.locator("code").all())) for row in rows.all()}
        assert listed == copies
        scores = [float(s) for s in section.locator("td.score").all_inner_texts()]
        assert scores == sorted(scores, reverse=True) and min(scores) >= summary.similarity.threshold
        section.scroll_into_view_if_needed()
        shots.take(page, "report_pairs")

        rows.first.locator("a").click()
        page.wait_for_load_state()
        assert page.url.startswith("file://") and "/similarity/%s/" % A4 in page.url
        assert page.evaluate("() => document.scripts.length") == 0
        assert page.locator("strong.score").inner_text() == "%.2f" % scores[0]
        sides = page.locator("table.side td .code")
        assert sides.count() >= 2
        marked = [side.locator(".line.shared").count() for side in sides.all()]
        both = [i for i in range(0, len(marked), 2) if marked[i] and marked[i + 1]]   # (left, right) per exercise
        assert both and sum(marked) >= 10, marked
        assert page.locator(".line.shared").first.evaluate("e => getComputedStyle(e).backgroundColor") \
            == "rgb(255, 216, 181)"
        sides.nth(both[0]).evaluate("e => e.closest('table').previousElementSibling.scrollIntoView()")
        shots.take(page, "side_by_side")
    assert not errors, errors
