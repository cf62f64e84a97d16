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
