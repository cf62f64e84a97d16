"""Feedback within reach: nbgrader's Fetch Feedback, as the hub's students run it (nncourse.feedback.FetchFeedback),
also keeps ``<assignment>/feedback/<notebook>.html``, the newest page of each notebook, in one place and name.

Driven through nbgrader's own exchange code: a student's cached submissions (what nbgrader's submit keeps) and
the pages ``release_feedback`` puts in the exchange under ``notebook_hash(secret, notebook)``."""

from __future__ import annotations

import os

from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import notebook_hash
from traitlets.config import Config

from nncourse.feedback import FetchFeedback, newest_feedback

COURSE, ASSIGNMENT, NOTEBOOK = "nn101", "a1_numpy_basics", "numpy_basics"


def _graded_submission(exchange, cache, timestamp: str, page: str) -> None:
    """A submission as the student's nbgrader cache keeps it, and its feedback page in the exchange."""
    secret = "secret-" + timestamp.replace(" ", "_")
    folder = cache / COURSE / ("%s+%s+%s" % (os.environ.get("USER", "student"), ASSIGNMENT, timestamp))
    folder.mkdir(parents=True)
    (folder / (NOTEBOOK + ".ipynb")).write_text("{}")
    (folder / "submission_secret.txt").write_text(secret)
    outbound = exchange / COURSE / "feedback"
    outbound.mkdir(parents=True, exist_ok=True)
    (outbound / ("%s.html" % notebook_hash(secret=secret, notebook_id=NOTEBOOK))).write_text(page)


def _fetch(exchange, cache, home) -> None:
    config = Config()
    config.CourseDirectory.course_id = COURSE
    config.CourseDirectory.assignment_id = ASSIGNMENT
    config.Exchange.root = str(exchange)
    config.Exchange.cache = str(cache)
    config.Exchange.assignment_dir = str(home)
    FetchFeedback(coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config),
                  config=config).start()


def test_fetch_feedback_keeps_the_newest_page_under_a_stable_name(tmp_path):
    exchange, cache, home = tmp_path / "exchange", tmp_path / "cache", tmp_path / "home"
    (exchange / COURSE).mkdir(parents=True)
    home.mkdir()
    _graded_submission(exchange, cache, "2025-03-01 09:00:00.000001 UTC", "<p>first</p>")
    _fetch(exchange, cache, home)
    feedback = home / ASSIGNMENT / "feedback"
    assert (feedback / (NOTEBOOK + ".html")).read_text() == "<p>first</p>"
    _graded_submission(exchange, cache, "2025-03-02 10:30:00.123456 UTC", "<p>second</p>")
    _fetch(exchange, cache, home)
    assert (feedback / (NOTEBOOK + ".html")).read_text() == "<p>second</p>"      # the newest, same place
    stamped = sorted(p.parent.name for p in feedback.glob("*/%s.html" % NOTEBOOK))
    assert stamped == ["2025-03-01 09:00:00.000001 UTC", "2025-03-02 10:30:00.123456 UTC"]   # nbgrader's own kept


def test_the_newest_page_ignores_links_and_stray_files(tmp_path):
    folder = tmp_path / "feedback"
    (folder / "2025-01-01 00:00:00.000000 UTC").mkdir(parents=True)
    (folder / "2025-01-01 00:00:00.000000 UTC" / "nb.html").write_text("old")
    (folder / "2025-02-01 00:00:00.000000 UTC").mkdir()
    os.symlink("/etc/passwd", folder / "2025-02-01 00:00:00.000000 UTC" / "nb.html")
    (folder / "notes.txt").write_text("x")
    assert {k: v.read_text() for k, v in newest_feedback(folder).items()} == {"nb": "old"}
