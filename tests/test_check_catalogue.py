"""Every graded function of every assignment, against plausible answers (tests/catalogue.py):

* each bug loses points in its own exercise, and only there: the later exercises that call the buggy
  function keep full marks (they are checked a second time with stand-ins for it);
* each correct answer written another way (loops, other NumPy calls, other valid types) keeps full marks;
* a function that returns a constant (the value its checks expect most often) or always raises earns
  nothing, in every cell.

The notebooks' hidden blocks run in this process and are judged with the grader's own code
(tests/hidden_checks.py); tests/test_trivial_submissions.py grades such answers for real.
"""

from __future__ import annotations

import pytest

import hidden_checks
from catalogue import CALLERS, CATALOGUE
from conftest import selected
from trivial_answers import graded_functions, trivial_submissions

# Assignments whose hidden checks train networks or load TensorFlow take a few seconds per run.
SLOW = {"a2_logistic_regression", "a3_planar_data", "a5_deep_application", "a6_digits"}


def _param(assignment, *rest):
    marks = [pytest.mark.slow] if assignment in SLOW else []
    return pytest.param(assignment, *rest, marks=marks, id="-".join([assignment, *map(str, rest)]))


BUGS = [_param(a, f, label) for a in selected(CATALOGUE) for f, entry in CATALOGUE[a].items()
        for label in entry["bugs"]]
RIGHT = [_param(a, f, label) for a in selected(CATALOGUE) for f, entry in CATALOGUE[a].items()
         for label in entry["right"]]


def test_the_catalogue_covers_every_graded_function_with_bugs_and_right_answers():
    for assignment in CATALOGUE:
        assert set(CATALOGUE[assignment]) == set(graded_functions(assignment)), assignment
        for function, entry in CATALOGUE[assignment].items():
            assert entry["bugs"] and entry["right"], (assignment, function)


@pytest.mark.parametrize("assignment, function, bug", BUGS)
def test_a_bug_loses_points_in_its_own_exercise_only(assignment, function, bug):
    callers = CALLERS[assignment].get(function, [])
    cells = {function + "_test"} | {c + "_test" for c in callers}
    verdicts = hidden_checks.verdicts(assignment, {function: CATALOGUE[assignment][function]["bugs"][bug]},
                                      only=cells)
    own = verdicts[function + "_test"]
    assert own.fatal is None and own.score < own.points, own.summary()
    for caller in callers:
        verdict = verdicts[caller + "_test"]
        assert verdict.score == verdict.points, "%s charged for a bug of %s:\n%s" % (caller, function,
                                                                                    verdict.summary())


@pytest.mark.parametrize("assignment, function, variant", RIGHT)
def test_a_right_answer_written_another_way_keeps_full_marks(assignment, function, variant):
    code = CATALOGUE[assignment][function]["right"][variant]
    verdict = hidden_checks.verdicts(assignment, {function: code}, only={function + "_test"})[function + "_test"]
    assert verdict.score == verdict.points, verdict.summary()


@pytest.mark.parametrize("assignment", [_param(a) for a in selected(CATALOGUE)])
@pytest.mark.parametrize("kind", ["constant", "raising"])
def test_a_function_that_does_no_work_earns_nothing(assignment, kind):
    answers = trivial_submissions(assignment, hidden_checks.key(assignment))[kind]
    verdicts = hidden_checks.verdicts(assignment, answers)
    assert {g: v.score for g, v in verdicts.items()} == {g: 0 for g in verdicts}, \
        "\n".join(v.summary() for v in verdicts.values() if v.score)


def test_the_rules_are_what_makes_a_constant_earn_nothing():
    """Without the two rules, the constant answers would pass checks: the rules, not luck, give the 0."""
    verdicts = hidden_checks.verdicts("a1_numpy_basics",
                                      trivial_submissions("a1_numpy_basics", hidden_checks.key("a1_numpy_basics"))
                                      ["constant"])
    assert all(any(c.passed for c in v.checks) for v in verdicts.values())
    assert all(not c.counted for v in verdicts.values() for c in v.checks if c.passed)
