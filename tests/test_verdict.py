"""Scoring one graded cell: partial credit, and failing closed on untrustworthy records."""

import numpy as np
import pytest

from grader.grading.compare import HINTS
from grader.grading.preprocessor import FAILED_ENAME, verdict_outputs
from grader.grading.verdict import judge, records_in, shown_points
from nncourse.record import FORMAT_VERSION, RECORD_MIME, encode

SPEC = {"rtol": 1e-6, "atol": 1e-9, "exact": True, "weight": 1.0}


def payload(name, value, **spec):
    return {"format": FORMAT_VERSION, "name": name, "value": encode(value), "spec": dict(SPEC, **spec)}


def key_cell(*records, points=10):
    return {"points": points, "records": [{k: r[k] for k in ("name", "value", "spec", "alt") if k in r}
                                          for r in records]}


KEY = key_cell(payload("a", 1.0), payload("b", np.ones(3)), payload("c", (1, 2)))


def test_all_records_right_scores_full_points():
    v = judge("x", KEY, [payload("a", 1.0), payload("b", np.ones(3)), payload("c", (1, 2))], None)
    assert v.score == 10 and v.fatal is None and all(c.passed for c in v.checks)


def test_partial_credit_is_rounded_down_to_tenths():
    v = judge("x", KEY, [payload("a", 1.0), payload("b", np.ones(3)), payload("c", (1, 3))], None)
    assert [c.passed for c in v.checks] == [True, True, False]
    assert v.score == 6.6   # 10 * 2/3 = 6.666..., never rounded up


@pytest.mark.parametrize("value, shown", [(6.66, "6.6"), (8.88, "8.8"), (10, "10"), (67.63, "67.6"), (0, "0"),
                                          (2.4, "2.4"), (0.3, "0.3"), (19.9, "19.9")])
def test_points_show_one_decimal_at_most_never_rounded_up(value, shown):
    assert shown_points(value) == shown


def test_weights_set_each_checks_share():
    key = key_cell(payload("a", 1.0, weight=3.0), payload("b", 2.0, weight=1.0), payload("c", 5.0))
    assert judge("x", key, [payload("a", 1.0), payload("b", 2.0), payload("c", 0.0)], None).score == 8


def test_missing_record_fails_its_check_and_names_a_builtin_cell_error_only():
    v = judge("x", KEY, [payload("a", 1.0), payload("c", (1, 2))], "NameError")
    assert v.score == 6.6
    assert v.checks[1].problem == "this check got no result: the cell stopped earlier, with NameError"
    assert "first error" in v.checks[1].hint
    v = judge("x", KEY, [payload("a", 1.0), payload("c", (1, 2))], "MySecret_X_is_0_5")
    assert v.checks[1].problem == "this check got no result: the cell stopped earlier, with an exception"
    v = judge("x", KEY, [payload("a", 1.0), payload("c", (1, 2))], None)
    assert v.checks[1].problem == "this check got no result" and "exact name" in v.checks[1].hint


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
    part = judge("x", KEY, [payload("a", 1.0), payload("b", np.ones(3))], None)
    none = judge("x", KEY, [], None)
    assert graded(verdict_outputs(full, 1)) == 10
    assert graded(verdict_outputs(part, 1)) == 6.6
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


# ---------------------------------------------------------------- what counts
def raised(kind="TypeError"):
    return {"t": "raised", "type": kind, "base": kind}


def checks_of(*records):
    return key_cell(*records)


def test_an_expected_exception_counts_only_with_real_work():
    key = checks_of(payload("f(1)", 0.5), payload("f(2)", 0.25), payload("f on a list", None))
    key["records"][2]["value"] = raised()
    always_raises = [dict(payload("f(1)", 0), value=raised()), dict(payload("f(2)", 0), value=raised()),
                     dict(payload("f on a list", 0), value=raised())]
    v = judge("x", key, always_raises, None)
    assert v.score == 0 and v.checks[2].passed and not v.checks[2].counted
    assert "(not counted)" in v.summary() and "leaves its inputs alone" in v.summary()
    works = [payload("f(1)", 0.5), payload("f(2)", 0.25), always_raises[2]]
    assert judge("x", key, works, None).score == 10


def test_a_constant_earns_nothing_even_when_it_matches_one_case():
    key = checks_of(payload("f(1)", 0.5), payload("f(2)", 0.25), payload("f(3)", 0.125),
                    payload("f(2) again", 0.25))
    constant = [payload(name, 0.25) for name in ("f(1)", "f(2)", "f(3)", "f(2) again")]
    v = judge("x", key, constant, None)
    assert [c.passed for c in v.checks] == [False, True, False, True]
    assert v.score == 0 and "two different cases" in v.summary()
    two_cases = [payload("f(1)", 0.5), payload("f(2)", 0.25), payload("f(3)", 0.0), payload("f(2) again", 0.25)]
    assert judge("x", key, two_cases, None).score == 7.5


def test_cases_within_each_others_tolerance_are_one_case():
    key = checks_of(payload("a", 1.0), payload("b", 1.0 + 1e-9), payload("c", 2.0))
    v = judge("x", key, [payload("a", 1.0), payload("b", 1.0), payload("c", 0.0)], None)
    assert v.score == 0


def test_a_cell_with_one_expected_value_needs_no_second_case():
    key = checks_of(payload("answer to question 1", "b", weight=2))
    assert judge("x", key, [payload("answer to question 1", "b")], None).score == 10


def test_guards_count_only_after_work_and_are_charged_when_they_fail():
    key = checks_of(payload("f(1)", 0.5), payload("f(2)", 0.25), payload("inputs after", (np.ones(2),),
                                                                          guard=True))
    does_nothing = [payload("f(1)", 0.0), payload("f(2)", 0.0), payload("inputs after", (np.ones(2),))]
    assert judge("x", key, does_nothing, None).score == 0
    in_place = [payload("f(1)", 0.5), payload("f(2)", 0.25), payload("inputs after", (np.zeros(2),))]
    assert judge("x", key, in_place, None).score == 6.6
    right = [payload("f(1)", 0.5), payload("f(2)", 0.25), payload("inputs after", (np.ones(2),))]
    assert judge("x", key, right, None).score == 10


def test_an_empty_printout_is_a_guard():
    key = checks_of(payload("f(1)", 0.5), payload("f(2)", 0.25),
                    payload("what f prints quietly", "", compare="printed"))
    silent_constant = [payload("f(1)", 0.0), payload("f(2)", 0.0), payload("what f prints quietly", "",
                                                                            compare="printed")]
    v = judge("x", key, silent_constant, None)
    assert v.checks[2].guard and v.checks[2].passed and v.score == 0


def test_stand_ins_charge_a_bug_where_it_is():
    """The key has the value of the call with the student's own earlier functions and the value with
    stand-ins; either passes."""
    key = checks_of(dict(payload("g(x)", 0.5), alt=encode(0.9)), dict(payload("g(y)", 0.25), alt=encode(0.7)))
    own_earlier_bug = [dict(payload("g(x)", 0.1), alt=encode(0.9)), dict(payload("g(y)", 0.2), alt=encode(0.7))]
    assert judge("x", key, own_earlier_bug, None).score == 10
    inlined = [dict(payload("g(x)", 0.5), alt=encode(0.5)), dict(payload("g(y)", 0.25), alt=encode(0.25))]
    assert judge("x", key, inlined, None).score == 10
    wrong = [dict(payload("g(x)", 0.1), alt=encode(0.1)), dict(payload("g(y)", 0.2), alt=encode(0.7))]
    v = judge("x", key, wrong, None)
    assert v.score == 0 and v.checks[0].problem == "the value is off by 80 %"
    assert "formula" in v.checks[0].hint
    malformed = [dict(payload("g(x)", 0.1), alt={"t": "float", "v": "nope"}), own_earlier_bug[1]]
    assert judge("x", key, malformed, None).fatal


def test_fatal_reasons_never_repeat_the_students_record_names():
    records = [payload("a", 1.0), payload("b", np.ones(3)), payload("c", (1, 2)), payload("<img src=x>", 0.0)]
    v = judge("x", KEY, records, None)
    assert v.score == 0 and "<img" not in v.summary()
    v = judge("x", KEY, [payload("<img src=x>", 1.0), payload("<img src=x>", 1.0)], None)
    assert v.score == 0 and "<img" not in v.summary()


def test_the_summary_has_one_line_per_check_and_a_sentence_per_failure():
    v = judge("x", KEY, [payload("a", 1.0), payload("b", np.array([1.0, 1.0, 2.0])), payload("c", (1, 2))], None)
    lines = v.summary().splitlines()
    assert lines == ["Hidden checks: 2 of 3 passed, 6.6 of 10 points.",
                     "  \u2714 a",
                     "  \u2718 b: 1 of 3 values is off by up to 100 %.",
                     "      " + HINTS["wrong_values"],
                     "  \u2714 c"]


def test_a_quiz_choice_is_kept_only_as_an_option_letter_or_a_bool():
    single = checks_of(payload("answer to question 1", "b", weight=2))
    assert judge("x", single, [payload("answer to question 1", "c")], None).checks[0].answer == "c"
    for made_up in ("b)", "hidden text", "", "B"):
        assert judge("x", single, [payload("answer to question 1", made_up)], None).checks[0].answer is None
    multi = checks_of(payload("whether option a is selected", True), payload("whether option b is selected", False))
    v = judge("x", multi, [payload("whether option a is selected", False),
                           payload("whether option b is selected", None)], None)
    assert [c.answer for c in v.checks] == [False, None]
    numbers = checks_of(payload("f(1)", 0.5), payload("f(2)", 0.25))
    assert [c.answer for c in judge("x", numbers, [payload("f(1)", 0.5), payload("f(2)", 1.0)], None).checks] \
        == [None, None]
