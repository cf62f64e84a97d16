"""Feedback where a student finds it: ``<assignment>/feedback/<notebook>.html``, always the newest.

nbgrader's *Fetch Feedback* copies each feedback page to ``<assignment>/feedback/<submission time>/
<notebook>.html``: a new folder for every graded submission, named by a timestamp to the microsecond.
:class:`FetchFeedback` does the same, then copies the newest page of each notebook to
``<assignment>/feedback/<notebook>.html``, one stable place and name per assignment (nbgrader's *Submit*
leaves ``feedback/`` out of a submission). The pages hold no script, so JupyterLab shows them without
trusting them. A classroom hub sets it for its students::

    c.ExchangeFactory.fetch_feedback = "nncourse.feedback.FetchFeedback"
"""

from __future__ import annotations

import shutil
from pathlib import Path

from nbgrader.exchange.default.fetch_feedback import ExchangeFetchFeedback

__all__ = ["FetchFeedback", "newest_feedback"]


def newest_feedback(folder: Path) -> dict[str, Path]:
    """``{notebook: page}``: the newest fetched page of each notebook in an assignment's ``feedback`` folder
    (its submission-time folders sort by time; links and anything but regular files are passed over)."""
    newest: dict[str, Path] = {}
    stamps = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()) if folder.is_dir() else []
    for stamp in stamps:
        for page in sorted(stamp.glob("*.html")):
            if page.is_file() and not page.is_symlink():
                newest[page.stem] = page
    return newest


def copy_newest(folder: Path) -> list[Path]:
    """Copy the newest page of each notebook to ``folder/<notebook>.html``; return the pages written."""
    written = []
    for notebook, page in newest_feedback(folder).items():
        target = folder / ("%s.html" % notebook)
        if target.is_symlink():
            target.unlink()
        shutil.copyfile(page, target)
        written.append(target)
    return written


class FetchFeedback(ExchangeFetchFeedback):
    """nbgrader's Fetch Feedback, which also keeps ``feedback/<notebook>.html``, the newest page of each notebook."""

    def do_copy(self, src, dest):
        super().do_copy(src, dest)
        for path in copy_newest(Path(dest)):
            self.log.info("Newest feedback: %s", path)
