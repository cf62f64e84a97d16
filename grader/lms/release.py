"""Scores go to the LMS when feedback is released: nbgrader's ``release_feedback`` (and the formgrader's *Release
Feedback* button), with the counted scores of the students released posted by LTI AGS (grader.lms.passback).

``c.ExchangeFactory.release_feedback`` in nbgrader_config.py. Releasing works as nbgrader's does; the passback
after it runs only for a course folder with an LTI registration, and a passback that fails is logged (one line
per score, kept and sent at the next passback), never a failed release.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback

from ..course import CONFIG_FILE


class PassbackReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's release_feedback, then the released students' counted scores to the LMS.

    A feedback folder without ``submission_secret.txt`` (its submission did not come through the exchange, e.g.
    an LMS download or a folder put into ``submitted/`` by hand) has no place in the exchange that its student
    could fetch from: nbgrader's own release stops at the first such folder. Here it is left out, with a
    line naming the student, and the others are released (and their scores posted)."""

    def copy_files(self):
        folders = self._feedback_folders()
        unreleasable = {student for student, has_secret in folders.items() if not has_secret}
        for student in sorted(unreleasable):
            self.log.warning("feedback of %s on %s not released: the submission did not come through the exchange "
                             "(no submission_secret.txt in its feedback folder), so there is nowhere to release it",
                             student, self.coursedir.assignment_id)
        excluded = set(filter(None, (self.coursedir.student_id_exclude or "").split(","))) | unreleasable
        if unreleasable:
            self.coursedir.student_id_exclude = ",".join(sorted(excluded))
        super().copy_files()
        root = Path(self.coursedir.root)
        if not (root / CONFIG_FILE).is_file():   # the grading service's store of one submission: it posts itself
            return
        from ..course import Course
        from .passback import passback
        from .registration import load_registration, registration_path

        course = Course(root)
        try:
            if load_registration(registration_path(course)) is None:
                return
            outcome = passback(course, [self.coursedir.assignment_id], set(folders) - excluded, log=self.log.info)
        except Exception as exc:   # the release itself succeeded: say why nothing went to the LMS
            self.log.warning("LMS passback after releasing %s failed: %s", self.coursedir.assignment_id, exc)
            return
        for line in outcome.lines():
            self.log.info(line)

    def _feedback_folders(self) -> dict[str, bool]:
        """The students with feedback pages of this assignment, each with whether its feedback folder holds
        submission_secret.txt (without it, the page cannot be released)."""
        return {Path(path).parent.parent.name:
                os.path.isfile(os.path.join(os.path.dirname(path), "submission_secret.txt"))
                for path in glob.glob(os.path.join(self.src_path, "*.html"))}
