"""Judge one graded test cell: its recorded outputs against the answer key.

Scoring rule (what docs/authoring.md explains to teachers):

* Each record the key lists for the cell is one *check*, worth its ``weight``
  (1 unless the hidden test says otherwise). A check is one call of the
  function, judged as a whole: one wrong part of the result fails the check.
* A check passes when the student's record with the same name compares equal
  to the key's (see :mod:`grader.grading.compare`); for a check recorded with
  stand-ins for the earlier exercises the function calls, when either of its two
  calls matches the key's. A record that is absent fails its check.
* **Values first, then form.** A check whose key says ``form: "share"`` and whose
  values are right but in another form than the one asked for (a NumPy float64
  for a Python float, 0 for 0.0, 0/1 numbers for booleans, a 0-d array for a
  number, a list for a tuple) passes with :data:`FORM_SHARE` of its weight, and
  the summary says once what form the exercise asks for and why. With
  ``form: "strict"`` another form fails; with ``"any"`` it passes in full.
  Shapes, lengths and dict keys are never a matter of form.
* **Work first.** A *guard* check is one that a function doing no real work
  could pass: it expects an exception, an empty printout, the caller's inputs
  left unchanged, or a constant the hidden test marked as such. Guards count
  only when a check of real work in the same cell counts.
* **Two different cases.** When the cell's real-work checks expect at least two
  different values, passed real-work checks count only when they cover two of
  them: a constant (one fixed answer, or one case right by luck) never earns a
  point.
* The cell scores ``points * counted weight / total weight``, rounded *down* to
  one decimal (the tenths a student reads), so that no rounding ever gives a
  point that was not earned (a check passed in another form counts
  ``FORM_SHARE`` of its weight).
* The cell scores 0 as a whole (fail closed) when its records cannot be
  trusted: a record that is malformed, a name recorded twice, or a name the
  key does not know.

The summary is the student's feedback: one line per check, and for a failed
check one plain sentence saying what is wrong and a hint of what to look at,
never the expected value and never anything the student's code produced.
"""

from __future__ import annotations

import builtins
import itertools
import math
from dataclasses import dataclass, field

from nncourse.record import FORMAT_VERSION, RECORD_MIME
from .compare import MalformedRecord, Problem, compare_record, hint_of, validate

PASS, FAIL = "\u2714", "\u2718"   # heavy check mark, heavy ballot X
#: The share of a check's weight that a right value in another form keeps, where the form is asked for
#: but is not what the exercise teaches (a check recorded with ``form="share"``).
FORM_SHARE = 0.8
#: Why passed checks did not count (said once under the checks, and once per feedback page).
NOT_COUNTED_CASES = ("The passed checks do not count yet: a function earns points only when it is right in at "
                     "least two different cases (a single case can be right by luck, or by a constant).")
NOT_COUNTED_GUARDS = ("Checks that a function raises the right error, prints nothing or leaves its inputs "
                      "alone count only once one of its results is right.")
#: A check that got no result, and why (the cell's error, when there was one), with the hint said under it.
NO_RESULT = "this check got no result"
NO_RESULT_HINT = ("Define the function with the exact name the exercise gives, run its cell, and make sure "
                  "the cells before it run without an error.")
STOPPED_HINT = ("Run the check cell in your notebook: its first error stops every check after it. Read the "
                "error and the line it points to.")
#: Names of errors that stop a cell and that the grader itself reports (not the student's code).
_GRADER_STOPS = {"CellTimeoutError": "the time limit of the cell", "DeadKernelError": "the kernel dying"}


@dataclass
class Check:
    """The outcome of one recorded check."""

    name: str
    weight: float
    problem: str | None = None
    explain: str = ""
    guard: bool = False
    counted: bool = True   # False for a passed check that the scoring rule does not count
    form: str | None = None   # for a check passed in another form than asked: how its form differs
    hint: str = ""   # for a failed check: what to look at (never the expected value)
    answer: str | bool | None = None   # a quiz choice as the student made it (see quiz_answer)

    @property
    def passed(self) -> bool:
        return self.problem is None

    @property
    def credit(self) -> float:
        """The share of its weight a passed, counted check earns."""
        return FORM_SHARE if self.form else 1.0


@dataclass
class CellVerdict:
    """The outcome of a graded cell: its checks, or the reason none can be trusted."""

    grade_id: str
    points: float
    checks: list[Check] = field(default_factory=list)
    fatal: str | None = None
    note: str = ""   # said under the summary, e.g. that grading ran without the sandbox
    uncounted: list[str] = field(default_factory=list)   # why passed checks did not count
    form_notes: list[str] = field(default_factory=list)   # what form was asked for, and why

    @property
    def score(self) -> float:
        if self.fatal or not self.checks:
            return 0.0
        total = sum(c.weight for c in self.checks)
        counted = sum(c.weight * c.credit for c in self.checks if c.passed and c.counted)
        return math.floor(self.points * counted / total * 10 + 1e-9) / 10

    @property
    def notes(self) -> list[str]:
        """What is said under the checks: why passed checks did not count, what form was asked for."""
        return self.uncounted + self.form_notes

    def summary(self) -> str:
        """Text for the student: one line per check, never an expected value."""
        text = self._checks_text()
        return text + ("\n(%s)" % self.note if self.note else "")

    def _checks_text(self) -> str:
        if self.fatal:
            return ("The hidden checks of this cell could not be verified (%s), so the cell scores 0."
                    % self.fatal)
        n_ok = sum(c.passed for c in self.checks)
        lines = ["Hidden checks: %d of %d passed, %s of %s points." % (n_ok, len(self.checks),
                                                                     shown_points(self.score),
                                                                     shown_points(self.points))]
        for check in self.checks:
            lines.append("  " + check_line(check.name, check.passed, check.problem, check.counted, check.form))
            if check.hint and not check.passed:
                lines.append("      %s" % check.hint)
            if check.explain:
                lines.append("      %s" % check.explain)
        lines += ["  " + note for note in self.notes]
        return "\n".join(lines)


def check_line(name: str, passed: bool, problem: str | None = None, counted: bool = True,
               form: str | None = None) -> str:
    """One check as the student reads it, in the grader's summary and in the feedback page alike:
    '✔ name', '✔ name (not counted)', '✔ name (right value, 80 %: how its form differs)' or
    '✘ name: what is wrong.'"""
    if passed:
        share = " (right value, %s: %s)" % (percent(FORM_SHARE), form) if form else ""
        return "%s %s%s%s" % (PASS, name, share, "" if counted else " (not counted)")
    return "%s %s: %s." % (FAIL, name, problem)


def percent(share: float) -> str:
    return "%g %%" % round(100 * share, 2)


def shown_points(value: float) -> str:
    """Points as a student reads them: one decimal at most, never rounded up (8.88 shows as 8.8)."""
    shown = math.floor(float(value) * 10 + 1e-6) / 10 if value >= 0 else -math.floor(-float(value) * 10 + 1e-6) / 10
    return "%g" % shown


def form_note(checks: list[Check], hints: list[str]) -> str:
    """The note said once under a cell's checks when some passed in another form than asked: how many,
    what they keep, and what form the exercise asks for and why (the hidden tests' ``type_hint``)."""
    n = len(checks)
    why = "; ".join(dict.fromkeys(h for h in hints if h)) or "the exercise's text says which form it asks for"
    return ("Right values in another form than the one asked for keep %s of a check's points (%d check%s "
            "here): %s." % (percent(FORM_SHARE), n, "" if n == 1 else "s", why))


def stop_words(ename: str | None) -> str:
    """How an error that stopped a cell is named: a built-in exception or the grader's own stop by
    name, anything else (the student's code may define any class name) only as 'an exception'."""
    if ename in _GRADER_STOPS:
        return _GRADER_STOPS[ename]
    value = getattr(builtins, ename, None) if isinstance(ename, str) else None
    return ename if isinstance(value, type) and issubclass(value, BaseException) else "an exception"


def records_in(outputs: list) -> tuple[list, str | None]:
    """The record payloads among a cell's outputs, and the name of the cell's error (if any).

    The error is the ``ename`` of the first error output, used to explain why records are
    missing (only its name: its message is text the student's code may have written).
    """
    payloads, error = [], None
    for out in outputs:
        kind = out.get("output_type")
        if kind in ("display_data", "execute_result") and RECORD_MIME in out.get("data", {}):
            payloads.append(out["data"][RECORD_MIME])
        elif kind == "error" and error is None:
            error = str(out.get("ename", "Error"))
    return payloads, error


def is_guard(record: dict) -> bool:
    """A check that a function doing no real work could pass (see the module docstring)."""
    spec, value = record["spec"], record["value"]
    if spec.get("guard") or value.get("t") == "raised":
        return True
    return (spec.get("compare") == "printed" and value.get("t") == "str"
            and not str(value.get("v", "")).strip())


def _expected_values(record: dict) -> list:
    return [record["value"]] + ([record["alt"]] if isinstance(record.get("alt"), dict) else [])


def in_any_form(spec: dict) -> dict:
    """``spec`` with the form left out of the comparison: only the values count (see compare.py)."""
    return dict(spec, exact=False)


def _matches(record: dict, value: dict) -> bool:
    """Whether ``value`` earns anything in ``record``'s check (either of its expected values; in another
    form too, where the check gives a share for that)."""
    specs = [record["spec"]] + ([in_any_form(record["spec"])] if record["spec"].get("form") == "share" else [])
    for expected in _expected_values(record):
        for spec in specs:
            try:
                if not compare_record(expected, value, spec):
                    return True
            except MalformedRecord:
                pass
    return False


def different_cases(a: dict, b: dict) -> bool:
    """Two key records that no single answer earns anything in both of (a constant can pass one at
    most, in any form)."""
    return not (any(_matches(b, v) for v in _expected_values(a))
                or any(_matches(a, v) for v in _expected_values(b)))


def apply_counting_rule(verdict: CellVerdict, records: list[dict]) -> None:
    """Mark the passed checks that do not count (see "Work first" and "Two different cases")."""
    real = [i for i, rec in enumerate(records) if not verdict.checks[i].guard]
    if not real:   # a cell of guards only: nothing to wait for
        return
    passed = [i for i in real if verdict.checks[i].passed]
    cases_differ = any(different_cases(records[i], records[j]) for i, j in itertools.combinations(real, 2))
    if cases_differ:
        work = any(different_cases(records[i], records[j]) for i, j in itertools.combinations(passed, 2))
    else:
        work = bool(passed)
    if not work:
        for i in passed:
            verdict.checks[i].counted = False
        if passed:
            verdict.uncounted.append(NOT_COUNTED_CASES)
        guards = [c for c in verdict.checks if c.guard and c.passed]
        for check in guards:
            check.counted = False
        if guards:
            verdict.uncounted.append(NOT_COUNTED_GUARDS)


def judge(grade_id: str, key_cell: dict, payloads: list, cell_error: str | None) -> CellVerdict:
    """Compare a cell's record payloads with its key entry."""
    verdict = CellVerdict(grade_id=grade_id, points=float(key_cell["points"]))
    by_name: dict[str, dict] = {}
    for payload in payloads:
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION \
                or not isinstance(payload.get("name"), str) or "value" not in payload:
            verdict.fatal = "a record is malformed"
            return verdict
        name = payload["name"]
        if name in by_name:   # the name is the student's record's: never repeated in the message
            verdict.fatal = "a check was recorded more than once"
            return verdict
        by_name[name] = payload
    known = {rec["name"] for rec in key_cell["records"]}
    if set(by_name) - known:
        verdict.fatal = "a record was made that no check of this cell expects"
        return verdict
    hints = []
    for rec in key_cell["records"]:
        check = Check(name=rec["name"], weight=float(rec["spec"].get("weight", 1)),
                      explain=str(rec["spec"].get("explain", "")), guard=is_guard(rec))
        payload = by_name.get(rec["name"])
        if payload is None:
            check.problem = NO_RESULT + (
                ": the cell stopped earlier, with %s" % stop_words(cell_error) if cell_error else "")
            check.hint = STOPPED_HINT if cell_error else NO_RESULT_HINT
        else:
            try:
                check.problem, check.form = _problem(rec, payload)
            except MalformedRecord:
                verdict.fatal = "the record of the check %r cannot be read" % rec["name"]
                verdict.checks = []
                return verdict
            check.hint = hint_of(check.problem)
            check.problem = str(check.problem) if check.problem is not None else None
            check.form = str(check.form) if check.form else None
            check.answer = quiz_answer(rec, payload)
            if check.form:
                hints.append(str(rec["spec"].get("type_hint", "")))
        verdict.checks.append(check)
    apply_counting_rule(verdict, key_cell["records"])
    in_other_form = [c for c in verdict.checks if c.passed and c.form]
    if in_other_form:
        verdict.form_notes.append(form_note(in_other_form, hints))
    return verdict


def _joined(problems: list[str]) -> Problem:
    """The first two problems of a check, and how many more; with the first one's hint."""
    shown = problems[:2]
    more = len(problems) - len(shown)
    return Problem("; ".join(shown) + (" (and %d more problem%s)" % (more, "" if more == 1 else "s") if more else ""),
                   hint_of(problems[0]))


#: The letters a quiz option may have: an answer of the student's is kept (for the feedback) only as one of them.
QUIZ_LETTERS = "abcdefghij"


def quiz_answer(rec: dict, payload: dict) -> str | bool | None:
    """What the student chose in a quiz check, safe to show: True or False for "whether option x is
    selected" (the key records a bool), one letter of :data:`QUIZ_LETTERS` for a single-choice answer
    (the key records one such letter). None for anything else: no other text of the student's is kept."""
    expected, value = rec.get("value", {}), payload.get("value")
    if not isinstance(value, dict):
        return None
    if expected.get("t") == "bool" and value.get("t") == "bool" and type(value.get("v")) is bool:
        return value["v"]
    letter = value.get("v")
    if expected.get("t") == "str" and str(expected.get("v")) in QUIZ_LETTERS and len(str(expected.get("v"))) == 1 \
            and value.get("t") == "str" and isinstance(letter, str) and len(letter) == 1 and letter in QUIZ_LETTERS:
        return letter
    return None


def _problem(rec: dict, payload: dict) -> tuple[str | None, str | None]:
    """(the problem of a student's record against the key's, or None when it passes; how its form
    differs from the one asked for, when it passes in another form only).

    With stand-ins (an ``alt`` value in the key), the check passes when either call matches; the
    problem reported is the one of the student's own call (the one they can reproduce). A right value
    in another form passes only where the key's spec says ``form: "share"``; a right value in full
    (either call) goes before one in another form.
    """
    spec = rec["spec"]
    pairs = [(rec["value"], payload["value"])]
    key_alt, alt = rec.get("alt"), payload.get("alt")
    if isinstance(key_alt, dict) and alt is not None:
        validate(alt)
        pairs.append((key_alt, alt))
    problems = [compare_record(expected, actual, spec) for expected, actual in pairs]
    if not all(problems):
        return None, None
    values_right = [not compare_record(expected, actual, in_any_form(spec)) for expected, actual in pairs]
    if spec.get("form") == "share" and any(values_right):
        return None, _joined(problems[values_right.index(True)])
    text = _joined(problems[0])
    hint = str(spec.get("type_hint", ""))
    if hint and spec.get("exact", True) and values_right[0]:
        text = Problem("%s (%s)" % (text, hint), text.hint)   # right but for its form, where that is the point
    return text, None
