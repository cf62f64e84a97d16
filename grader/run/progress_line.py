"""The class grader's log: one line per finished submission, with a bar, done / total, failures so far and the ETA."""

from __future__ import annotations

import time
from typing import Callable

from .jobs import GradeResult

Log = Callable[[str], None]


class Progress:
    """One line per finished submission: a bar, done / total, failures so far, ETA."""

    def __init__(self, total: int, log: Log, width: int = 20):
        self.total, self.log, self.width = total, log, width
        self.done = self.failed = 0
        self.start = time.perf_counter()

    def update(self, result: GradeResult) -> None:
        self.done += 1
        self.failed += not result.ok
        elapsed = time.perf_counter() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        filled = int(self.width * self.done / max(self.total, 1))
        if result.skipped:
            status = "unchanged since last graded: kept"
        elif result.ok:
            status = "graded"
        else:
            status = "NOT GRADED: " + result.reason
        if result.notes:
            status += "; " + "; ".join(result.notes)
        self.log("[%s%s] %d/%d, %d failed, ETA %ds | %s / %s: %s (%.1f s)"
                 % ("#" * filled, "." * (self.width - filled), self.done, self.total, self.failed,
                    round(eta), result.student, result.assignment, status, result.seconds))
