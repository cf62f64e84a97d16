"""Scoring one graded cell: partial credit, and failing closed on untrustworthy records."""

import numpy as np

from grader.grading.preprocessor import FAILED_ENAME, verdict_outputs
from grader.grading.verdict import judge, records_in
from nncourse.record import FORMAT_VERSION, RECORD_MIME, encode

SPEC = {"rtol": 1e-6, "atol": 1e-9, "exact": True, "weight": 1.0}


def payload(name, value, **spec):
    return {"format": FORMAT_VERSION, "name": name, "value": encode(value), "spec": dict(SPEC, **spec)}


def key_cell(*records, points=10):
    return {"points": points, "records": [{k: r[k] for k in ("name", "value", "spec")} for r in records]}


KEY = key_cell(payload("a", 1.0), payload("b", np.ones(3)), payload("c", (1, 2)))


def test_all_records_right_scores_full_points():
    v = judge("x", KEY, [payload("a", 1.0), payload("b", np.ones(3)), payload("c", (1, 2))], None)
    assert v.score == 10 and v.fatal is None and all(c.passed for c in v.checks)


def test_partial_credit_is_rounded_down_to_hundredths():
    v = judge("x", KEY, [payload("a", 1.0), payload("b", np.zeros(3)), payload("c", (1, 3))], None)
    assert [c.passed for c in v.checks] == [True, False, False]
    assert v.score == 3.33   # 10 * 1/3 = 3.333..., never rounded up


def test_weights_set_each_checks_share():
    key = key_cell(payload("a", 1.0, weight=3.0), payload("b", 2.0, weight=1.0))
    assert judge("x", key, [payload("a", 1.0), payload("b", 0.0)], None).score == 7.5


def test_missing_record_fails_its_check_and_names_the_cell_error():
    v = judge("x", KEY, [payload("a", 1.0)], "NameError: name 'softmax' is not defined")
    assert v.score == 3.33
    assert "no result was recorded" in v.checks[1].problem
    assert "NameError" in v.checks[1].problem


def test_duplicated_record_fails_the_whole_cell():
    records = [payload("a", 1.0), payload("a", 1.0), payload("b", np.ones(3)), payload("c", (1, 2))]
    v = judge("x", KEY, records, None)
    assert v.score == 0 and "more than once" in v.fatal


def test_unknown_record_fails_the_whole_cell():
    records = [payload("a", 1.0), payload("b", np.ones(3)), payload("c", (1, 2)), payload("z", 0.0)]
    assert judge("x", KEY, records, None).score == 0


def test_malformed_records_fail_the_whole_cell():
    good = [payload("b", np.ones(3)), payload("c", (1, 2))]
    for bad in ({"name": "a"}, dict(payload("a", 1.0), format=99), "junk",
                dict(payload("a", 1.0), value={"t": "float", "v": "nope"})):
        v = judge("x", KEY, [bad] + good, None)
        assert v.score == 0 and v.fatal, bad


def test_no_records_at_all_scores_zero():
    assert judge("x", KEY, [], "CellTimeoutError").score == 0


def test_summary_names_checks_but_not_expected_values():
    key = key_cell(payload("softmax of a 1-row input", np.array([[0.1234567, 0.8765433]])))
    v = judge("x", key, [payload("softmax of a 1-row input", np.array([[0.5, 0.5]]))], None)
    text = v.summary()
    assert "softmax of a 1-row input" in text and "0.123" not in text and "0.876" not in text


def test_outputs_are_what_nbgrader_scores():
    from nbformat.v4 import new_code_cell
    from nbgrader.utils import determine_grade

    def graded(outputs):
        cell = new_code_cell("", outputs=outputs)
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 10, "grade_id": "x"}
        return determine_grade(cell)[0]

    full = judge("x", KEY, [payload("a", 1.0), payload("b", np.ones(3)), payload("c", (1, 2))], None)
    part = judge("x", KEY, [payload("a", 1.0)], None)
    none = judge("x", KEY, [], None)
    assert graded(verdict_outputs(full, 1)) == 10
    assert graded(verdict_outputs(part, 1)) == 3.33
    zero_outputs = verdict_outputs(none, 1)
    assert graded(zero_outputs) == 0 and zero_outputs[0]["ename"] == FAILED_ENAME


def test_records_in_reads_record_outputs_and_the_first_error():
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "hi"},
        {"output_type": "display_data", "data": {RECORD_MIME: payload("a", 1.0)}, "metadata": {}},
        {"output_type": "error", "ename": "ValueError", "evalue": "bad\nmore", "traceback": []},
    ]
    payloads, error = records_in(outputs)
    assert [p["name"] for p in payloads] == ["a"] and error == "ValueError"   # never the message


def test_explanations_come_from_the_key_only():
    key = key_cell(payload("q1", "b", explain="Because of the chain rule."))
    v = judge("x", key, [dict(payload("q1", "a"), spec=dict(SPEC, explain="I was right"))], None)
    text = v.summary()
    assert "Because of the chain rule." in text and "I was right" not in text
