"""The trusted nbgrader step that turns records into verdicts.

Wired into ``Autograde.autograde_preprocessors`` right after ``Execute`` and
before ``SaveAutoGrades`` (see nbgrader_config.py). For every graded test cell
it replaces whatever the student's kernel printed with the grader's own
verdict, in the form SaveAutoGrades reads:

* all checks passed: a plain text summary (nbgrader gives full points);
* some passed: the summary plus an ``execute_result`` holding the score
  (nbgrader's partial credit);
* none passed, or the records cannot be trusted: an error output (0 points).

Every other output of the grading run is removed too (unless
``keep_student_outputs``): whatever the student's code printed or displayed
while graded could carry the hidden tests it saw, or script for the
instructor's browser. So an autograded notebook holds the student's sources,
the instructor's cells and the grader's verdicts, nothing else. Each verdict is
also kept in the test cell's ``metadata.nncourse.verdict`` (checks, points,
score) for the feedback and the class report.

A graded cell that the student had deleted (put back by
:class:`grader.grading.structure.RestoreStructure`) scores 0.
"""

from __future__ import annotations

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Unicode

from nncourse.record import RECORD_MIME
from ..timing import phase
from .keys import StaleKeyError, fingerprint, is_graded_test, load_key
from .metadata import META, is_restored
from .verdict import CellVerdict, judge, records_in
from .versions import shown_kind, student_key, student_order, version_record

RESTORED = "the cell was missing from the submission (it was put back, and scores 0 here)"

FAILED_ENAME = "HiddenChecksFailed"


def verdict_record(verdict: CellVerdict, key_cell: dict) -> dict:
    """The verdict as plain data (kept in the test cell's metadata). When the cell's records could
    not be trusted, every check of the key is listed as failed (for the class report). ``uncounted``
    holds every note said under the checks (why passed checks did not count, what form was asked
    for), ``not_counted`` and ``form_notes`` the two kinds apart; ``form`` says how a check passed in
    another form differs, ``credit`` what share it earns, ``hint`` what to look at when it failed,
    ``answer`` a quiz choice (see :func:`grader.grading.verdict.quiz_answer`)."""
    if verdict.fatal:
        checks = [{"name": rec["name"], "weight": float(rec["spec"].get("weight", 1)), "passed": False,
                   "problem": verdict.fatal, "explain": ""} for rec in key_cell["records"]]
    else:
        checks = [{"name": c.name, "weight": c.weight, "passed": c.passed, "problem": c.problem,
                   "hint": c.hint, "explain": c.explain, "counted": c.counted, "form": c.form,
                   "credit": c.credit, "answer": c.answer}
                  for c in verdict.checks]
    return {"grade_id": verdict.grade_id, "points": verdict.points, "score": verdict.score,
            "fatal": verdict.fatal, "note": verdict.note, "summary": verdict.summary(), "checks": checks,
            "uncounted": list(verdict.notes), "not_counted": list(verdict.uncounted),
            "form_notes": list(verdict.form_notes)}


def verdict_outputs(verdict: CellVerdict, execution_count) -> list:
    """The outputs that make nbgrader score ``verdict`` correctly."""
    text = verdict.summary()
    if verdict.score <= 0:
        return [new_output("error", ename=FAILED_ENAME, evalue=text.splitlines()[0],
                           traceback=text.splitlines())]
    outputs = [new_output("stream", name="stdout", text=text + "\n")]
    if verdict.score < verdict.points:
        outputs.append(new_output("execute_result", data={"text/plain": "%g" % verdict.score},
                                  execution_count=execution_count))
    return outputs


class CompareWithKey(NbGraderPreprocessor):
    """Score graded test cells by comparing their records with the answer key."""

    key_directory = Unicode(
        "answer_keys", help="Folder of answer keys: <key_directory>/<assignment>/<notebook>.json"
    ).tag(config=True)
    keep_student_outputs = Bool(
        False, help="Keep what the student's code printed or displayed while graded in the autograded "
                    "notebook (to debug a submission). Feedback never shows it either way; but such an "
                    "autograded notebook holds text that the student's code chose, which may include "
                    "the hidden tests it saw: never hand it to students."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        with phase("comparison"):
            return self._compare(nb, resources)

    def _compare(self, nb, resources):
        ids = resources["nbgrader"]
        key = load_key(self.key_directory, ids["assignment"], ids["notebook"])
        graded = 0
        # quiz versions: the course's own id of the student (the submission's folder), never one the notebook names
        course = str(self.config.CourseDirectory.get("course_id", ""))
        kind = shown_kind(nb.metadata, course, ids["student"])
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            if not is_graded_test(cell):
                cell.metadata.pop(META, None)   # only graded test cells carry the grader's verdict
                if self.keep_student_outputs:
                    cell.outputs = [o for o in cell.outputs if RECORD_MIME not in o.get("data", {})]
                else:
                    cell.outputs = []
                continue
            grade_id = cell.metadata.nbgrader["grade_id"]
            key_cell = key["cells"].get(grade_id)
            if key_cell is None or key_cell["fingerprint"] != fingerprint(cell.source):
                raise StaleKeyError(
                    "the answer key for %s/%s does not match test cell %r: rebuild the keys "
                    "(python -m grader keys) after changing source/ and regenerating release/"
                    % (ids["assignment"], ids["notebook"], grade_id))
            version = student_order(cell.source, grade_id, course, ids["student"], kind)
            if version is not None:
                key_cell = student_key(key_cell, *version)
            if is_restored(cell):
                verdict = CellVerdict(grade_id=grade_id, points=float(key_cell["points"]), fatal=RESTORED)
            else:
                payloads, error = records_in(cell.outputs)
                verdict = judge(grade_id, key_cell, payloads, error)
            verdict.note = resources.get("nncourse_unsandboxed", "")
            cell.outputs = verdict_outputs(verdict, cell.get("execution_count"))
            record = verdict_record(verdict, key_cell)
            if version is not None:
                record["version"] = version_record(*version, kind)
            cell.metadata.setdefault(META, {})["verdict"] = record
            graded += 1
            self.log.info("%s: %s scored %g / %g", ids["student"], grade_id, verdict.score,
                          verdict.points)
        missing = set(key["cells"]) - {c.metadata.nbgrader["grade_id"] for c in nb.cells
                                       if is_graded_test(c)}
        if missing:
            self.log.warning("graded cells absent from the submission: %s", sorted(missing))
        return nb, resources
