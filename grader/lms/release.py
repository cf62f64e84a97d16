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
    """nbgrader's release_feedback, then the released students' counted scores to the LMS."""

    def copy_files(self):
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
            students = {Path(path).parent.name for path in glob.glob(os.path.join(self.src_path, "*.html"))}
            outcome = passback(course, [self.coursedir.assignment_id], students, log=self.log.info)
        except Exception as exc:   # the release itself succeeded: say why nothing went to the LMS
            self.log.warning("LMS passback after releasing %s failed: %s", self.coursedir.assignment_id, exc)
            return
        for line in outcome.lines():
            self.log.info(line)
