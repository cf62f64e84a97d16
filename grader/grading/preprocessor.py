"""The trusted nbgrader step that turns records into verdicts.

Wired into ``Autograde.autograde_preprocessors`` right after ``Execute`` and
before ``SaveAutoGrades`` (see nbgrader_config.py). For every graded test cell
it replaces whatever the student's kernel printed with the grader's own
verdict, in the form SaveAutoGrades reads:

* all checks passed: a plain text summary (nbgrader gives full points);
* some passed: the summary plus an ``execute_result`` holding the score
  (nbgrader's partial credit);
* none passed, or the records cannot be trusted: an error output (0 points).

Record outputs are removed from every cell, so autograded notebooks and the
feedback made from them carry no raw records.
"""

from __future__ import annotations

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from nncourse.record import RECORD_MIME
from .keys import StaleKeyError, fingerprint, is_graded_test, load_key
from .verdict import CellVerdict, judge, records_in

FAILED_ENAME = "HiddenChecksFailed"


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

    def preprocess(self, nb, resources):
        ids = resources["nbgrader"]
        key = load_key(self.key_directory, ids["assignment"], ids["notebook"])
        graded = 0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            if not is_graded_test(cell):
                cell.outputs = [o for o in cell.outputs
                                if RECORD_MIME not in o.get("data", {})]
                continue
            grade_id = cell.metadata.nbgrader["grade_id"]
            key_cell = key["cells"].get(grade_id)
            if key_cell is None or key_cell["fingerprint"] != fingerprint(cell.source):
                raise StaleKeyError(
                    "the answer key for %s/%s does not match test cell %r: rebuild the keys "
                    "(python -m grader keys) after changing source/ and regenerating release/"
                    % (ids["assignment"], ids["notebook"], grade_id))
            payloads, error = records_in(cell.outputs)
            verdict = judge(grade_id, key_cell, payloads, error)
            verdict.note = resources.get("nncourse_unsandboxed", "")
            cell.outputs = verdict_outputs(verdict, cell.get("execution_count"))
            graded += 1
            self.log.info("%s: %s scored %g / %g", ids["student"], grade_id, verdict.score,
                          verdict.points)
        missing = set(key["cells"]) - {c.metadata.nbgrader["grade_id"] for c in nb.cells
                                       if is_graded_test(c)}
        if missing:
            self.log.warning("graded cells absent from the submission: %s", sorted(missing))
        return nb, resources
