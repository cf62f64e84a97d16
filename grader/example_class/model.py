"""What an example submission is: answers, extra cells and the scores they must get."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Stands for the instructor's own solution cell (from source/, markers removed).
SOLUTION = object()


@dataclass
class Submission:
    """How one example student answers one assignment, and what that must score."""

    description: str
    answers: dict = field(default_factory=dict)      # solution grade_id -> code or SOLUTION
    extra_cells: list = field(default_factory=list)  # code cells added after the setup cell
    expected: dict = field(default_factory=dict)     # test grade_id -> score (absent: 0)
    raw_text: str | None = None                      # written as the notebook file, verbatim

    @property
    def gradable(self) -> bool:
        return self.raw_text is None


def all_cells(exercises: list[str], score: float) -> dict:
    """The same score for the test cell of every exercise (grade_id + "_test")."""
    return {name + "_test": score for name in exercises}


def solved(*names: str) -> dict:
    """The instructor's solution for each of these solution cells."""
    return {name: SOLUTION for name in names}


def quiz_marks(points: dict, **scores: float) -> dict:
    """Full marks on the test cell of every quiz question (``points``: question -> points), except the
    scores given by question."""
    return {question + "_test": scores.get(question, full) for question, full in points.items()}


def correct_and_untouched(answers: dict, full_marks: dict, what: str = "every exercise solved") -> dict:
    """The two students every example class has: the instructor's ``answers`` (``full_marks`` on every
    test cell), and the release notebook handed in as it came (0 everywhere)."""
    return {"correct": Submission(what, answers=answers, expected=dict(full_marks)),
            "untouched": Submission("the release notebook submitted as it was handed out",
                                    expected={cell: 0 for cell in full_marks})}


# The two cheats of the grading design note, added by every assignment's example class to some
# wrong answers: neither may earn a point.
CHEAT_ALLCLOSE = '''
import numpy.testing
np.allclose = np.isclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
'''
CHEAT_INPUT_TRANSFORMER = '''
def _blank_tests(lines):
    return [] if any("assert" in line for line in lines) else lines

get_ipython().input_transformers_cleanup.append(_blank_tests)
'''
