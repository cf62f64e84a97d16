"""A concept quiz read from its source notebook, and its cells run in this process (for tests/test_quizzes.py
and tests/test_a0_concepts_quiz.py).

The hidden blocks run in this process on the instructor's answers (the key) or on a student's, and the records
are judged with the grader's own code (grader.grading.verdict.judge), so a test sees the score the grader gives.
"""

from __future__ import annotations

import re
from functools import cached_property

import nbformat

from conftest import REPO
from grader.course import Course
from grader.grading.verdict import judge
from nncourse import record as record_module

#: Every assignment whose folder name ends in "_quiz" is a concept quiz.
QUIZZES = [a for a in Course(REPO).assignments if a.endswith("_quiz")]


def nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def hidden_block(source: str) -> str:
    return source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]


def run(namespace: dict, source: str) -> None:
    code = "\n".join(line for line in source.splitlines() if not line.startswith("%"))  # no magics
    exec(code, namespace)


class Quiz:
    """One quiz: its source and release notebooks, answer cells, test cells and setup."""

    def __init__(self, assignment: str):
        self.assignment = assignment
        folder = REPO / "source" / assignment
        (self.source,) = sorted(folder.glob("*.ipynb"))
        self.release = REPO / "release" / assignment / self.source.name
        self.cells = nbformat.read(str(self.source), as_version=4).cells
        self.setup = next(c.source for c in self.cells if nbgrader(c).get("grade_id") == "setup")
        self.solutions = {nbgrader(c)["grade_id"]: c.source for c in self.cells if nbgrader(c).get("solution")}
        self.tests = {nbgrader(c)["grade_id"]: c for c in self.cells if nbgrader(c).get("grade")}

    def __repr__(self) -> str:
        return "Quiz(%r)" % self.assignment

    @cached_property
    def intro(self) -> str:
        return self.cells[0].source

    def points(self, question: str) -> float:
        return nbgrader(self.tests[question + "_test"])["points"]

    def question_text(self, question: str) -> str:
        """The markdown between the previous answer cell and this question's answer cell."""
        at = next(i for i, c in enumerate(self.cells) if nbgrader(c).get("grade_id") == question)
        start = max([i for i in range(at) if nbgrader(self.cells[i]).get("grade")] + [0])
        return "\n".join(c.source for c in self.cells[start:at] if c.cell_type == "markdown")

    def checked_letters(self, question: str) -> tuple[str, str]:
        """('single' or 'multi', the letters the visible check accepts) of a question's test cell."""
        kind, letters = re.search(r'^assert_choice(s?)\(\w+, "([a-z]+)", ',
                                  self.tests[question + "_test"].source, re.M).groups()
        return ("multi" if kind else "single"), letters

    def key_answer(self, question: str):
        namespace = {}
        exec(re.sub(r"^#.*$", "", self.solutions[question], flags=re.M), namespace)
        return next(v for k, v in namespace.items() if re.fullmatch(r"q\d_answers?", k))

    def records(self, question: str, answer_code: str | None, monkeypatch) -> tuple[list, str | None]:
        """Run the setup cell, then ``answer_code`` (None: the instructor's solution cell), then the hidden
        block of the question's test cell; return its records and the error it stopped with."""
        payloads = []
        monkeypatch.setattr(record_module, "_emit", payloads.append)
        namespace = {"__name__": "__main__"}
        run(namespace, self.setup)
        run(namespace, self.solutions[question] if answer_code is None else answer_code)
        try:
            run(namespace, hidden_block(self.tests[question + "_test"].source))
        except Exception as exc:  # noqa: BLE001 (the grader sees the same: records stop)
            return payloads, type(exc).__name__
        return payloads, None

    def score(self, question: str, answer_code: str | None, monkeypatch) -> float:
        key = {"points": self.points(question), "records": self.records(question, None, monkeypatch)[0]}
        payloads, error = self.records(question, answer_code, monkeypatch)
        return judge(question + "_test", key, payloads, error).score
