"""Judge one graded test cell: its recorded outputs against the answer key.

Scoring rule (partial credit within a cell):

* Each record the key lists for the cell is one *check*, worth its ``weight``
  (1 unless the hidden test says otherwise).
* A check passes when the student's record with the same name compares equal
  to the key's (see :mod:`grader.grading.compare`). A record that is absent
  fails its check (the cell may have stopped early, e.g. on a timeout).
* The cell scores ``points * passed_weight / total_weight``, rounded *down* to
  two decimals, so that no rounding ever gives a point that was not earned.
* The cell scores 0 as a whole (fail closed) when its records cannot be
  trusted: a record that is malformed, a name recorded twice, or a name the
  key does not know.

Verdicts repeat nothing that came out of the student's kernel (record names
the key does not know, exception messages, the student's own type names): see
"leak safety" in :mod:`grader.grading.compare`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from nncourse.record import FORMAT_VERSION, RECORD_MIME
from .compare import MalformedRecord, compare_record, exception_name


@dataclass
class Check:
    """The outcome of one recorded check."""

    name: str
    weight: float
    problem: str | None = None
    explain: str = ""

    @property
    def passed(self) -> bool:
        return self.problem is None


@dataclass
class CellVerdict:
    """The outcome of a graded cell: its checks, or the reason none can be trusted."""

    grade_id: str
    points: float
    checks: list[Check] = field(default_factory=list)
    fatal: str | None = None
    note: str = ""   # said under the summary, e.g. that grading ran without the sandbox

    @property
    def score(self) -> float:
        if self.fatal or not self.checks:
            return 0.0
        total = sum(c.weight for c in self.checks)
        passed = sum(c.weight for c in self.checks if c.passed)
        return math.floor(self.points * passed / total * 100 + 1e-9) / 100

    def summary(self) -> str:
        """Text for the student: one line per check, never an expected value."""
        text = self._checks_text()
        return text + ("\n(%s)" % self.note if self.note else "")

    def _checks_text(self) -> str:
        if self.fatal:
            return "The hidden checks of this cell could not be verified: %s." % self.fatal
        n_ok = sum(c.passed for c in self.checks)
        lines = ["Hidden checks: %d of %d passed (%g of %g points)."
                 % (n_ok, len(self.checks), self.score, self.points)]
        for check in self.checks:
            mark = "ok  " if check.passed else "FAIL"
            lines.append("  %s %s%s" % (mark, check.name, "" if check.passed else ": " + check.problem))
            if check.explain:
                lines.append("       %s" % check.explain)
        return "\n".join(lines)


def records_in(outputs: list) -> tuple[list, str | None]:
    """The record payloads among a cell's outputs, and the cell's error (if any).

    The error names the type of the first error output (leak-safe: see
    :func:`grader.grading.compare.exception_name`; never its message), used to
    explain why records are missing.
    """
    payloads, error = [], None
    for out in outputs:
        kind = out.get("output_type")
        if kind in ("display_data", "execute_result") and RECORD_MIME in out.get("data", {}):
            payloads.append(out["data"][RECORD_MIME])
        elif kind == "error" and error is None:
            error = exception_name(out.get("ename"))
    return payloads, error


def judge(grade_id: str, key_cell: dict, payloads: list, cell_error: str | None) -> CellVerdict:
    """Compare a cell's record payloads with its key entry."""
    verdict = CellVerdict(grade_id=grade_id, points=float(key_cell["points"]))
    known = {rec["name"] for rec in key_cell["records"]}
    by_name: dict[str, object] = {}
    for payload in payloads:
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION \
                or not isinstance(payload.get("name"), str) or "value" not in payload:
            verdict.fatal = "a record is malformed"
            return verdict
        name = payload["name"]
        if name not in known:   # its name is the student's text: not repeated
            verdict.fatal = "a record was made that none of this cell's checks makes"
            return verdict
        if name in by_name:     # a name of the key's: safe to repeat
            verdict.fatal = "the check %r was recorded more than once" % name
            return verdict
        by_name[name] = payload["value"]
    for rec in key_cell["records"]:
        check = Check(name=rec["name"], weight=float(rec["spec"].get("weight", 1)),
                      explain=str(rec["spec"].get("explain", "")))
        if rec["name"] not in by_name:
            check.problem = "no result was recorded" + (
                " (the cell stopped with %s)" % cell_error if cell_error else "")
        else:
            try:
                problems = compare_record(rec["value"], by_name[rec["name"]], rec["spec"])
            except MalformedRecord:   # what is wrong with it would quote the student's record
                verdict.fatal = "the record %r is malformed" % rec["name"]
                verdict.checks = []
                return verdict
            if problems:
                check.problem = "; ".join(problems)
        verdict.checks.append(check)
    return verdict
