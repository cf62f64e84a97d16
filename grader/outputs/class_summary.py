"""What the class report says about one assignment, as data: computed from the gradebook's scores and the
verdicts the grader kept in each autograded notebook (:mod:`grader.outputs.report` writes it as pages).

* per exercise: the share of graded students with full points, the mean score, and every hidden check with
  how many students fail it (most failed first); a cell whose records could not be trusted counts as failing
  all its checks;
* per quiz question: how the class answered, option by option, with the options' texts
  (:mod:`grader.outputs.quiz_view`);
* the submissions to look at first: not graded (with the reason), recorded nothing at all (every check of
  every cell got no result: a notebook whose checks never ran), or changed the notebook's structure;
* a short list of what to discuss in class: the checks and quiz options most students get wrong;
* the pairs of submissions too alike to be written apart (:mod:`grader.integrity.similarity`), most alike first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..course import Course
from ..grading.keys import is_graded_test
from ..grading.metadata import submission_notes, verdict_of
from ..grading.verdict import NO_RESULT
from ..grading.versions import VERSION_NOTES
from ..integrity.similarity import Similarity, compare_class
from ..run.jobs import GradeResult
from .quiz_view import Question, chosen_letters, in_version, option_views, original_option, quiz_questions, version_of
from .results import exercise_name, exercise_scores, submission_lateness

#: How many items the "discuss in class" list holds at most, and the share of students that must fail one.
DISCUSS_ITEMS = 6
DISCUSS_SHARE = 0.2
#: How many of an exercise's most failed checks the report shows right under it.
TOP_CHECKS = 3


@dataclass
class CheckFailures:
    """How many graded students fail each hidden check of one assignment."""

    graded: int = 0
    failing: Counter = field(default_factory=Counter)   # (grade_id, check name) -> students
    order: list = field(default_factory=list)           # (grade_id, check name) in notebook order

    def add(self, grade_id: str, check: dict) -> None:
        key = (grade_id, str(check.get("name")))
        if key not in self.failing:
            self.order.append(key)
            self.failing[key] += 0
        if not check.get("passed"):
            self.failing[key] += 1

    def ranked(self) -> list[tuple[str, str, int]]:
        """(grade_id, check, students failing) with at least one failure, most failed first."""
        position = {key: i for i, key in enumerate(self.order)}
        keys = [k for k in self.order if self.failing[k]]
        return [(g, c, self.failing[g, c]) for g, c in sorted(keys, key=lambda k: (-self.failing[k],
                                                                                     position[k]))]

    def of(self, grade_id: str) -> list[tuple[str, int]]:
        """(check, students failing) of one exercise, most failed first (those nobody fails last)."""
        position = {key: i for i, key in enumerate(self.order)}
        keys = [k for k in self.order if k[0] == grade_id]
        return [(c, self.failing[g, c]) for g, c in sorted(keys, key=lambda k: (-self.failing[k], position[k]))]


@dataclass
class OptionCount:
    letter: str
    text: str           # Markdown, as the question lists it
    chosen: int         # students who selected it (single choice: chose it)
    judged_right: int   # students whose choice of it was right (multiple choice); who chose it and were right


@dataclass
class QuizSummary:
    question: Question
    answered: int                  # students whose answer could be read as a choice of the options
    unreadable: int                # students whose answer was not one (a wrong format, nothing)
    right: int                     # students with full points on the question
    options: list[OptionCount]
    answers: Counter = field(default_factory=Counter)   # "a, c" -> students (multiple choice)


@dataclass
class ExerciseSummary:
    grade_id: str
    name: str
    maximum: float
    full: int                      # graded students with full points
    mean: float
    checks: list[tuple[str, int]]  # (check, students failing), most failed first
    quiz: QuizSummary | None = None

    def rate(self, graded: int) -> float:
        return self.full / graded if graded else 0.0


@dataclass
class Flag:
    """A submission to look at first."""

    student: str
    kind: str       # "not graded", "recorded nothing", "structure changed", "quiz version"
    detail: str


def grouped(flags: list[Flag]) -> list[tuple[str, str, list[str]]]:
    """The flags as (kind, detail, students): one entry per kind and detail, the student's own id in a detail
    (a path, say) written as <student>, so that a class of hundreds with one problem gets one line."""
    groups: dict[tuple[str, str], list[str]] = {}
    for flag in flags:
        groups.setdefault((flag.kind, flag.detail.replace(flag.student, "<student>")), []).append(flag.student)
    return [(kind, detail, students) for (kind, detail), students in groups.items()]


@dataclass
class AssignmentSummary:
    assignment: str
    submissions: int
    graded: list[str]
    totals: dict[str, float]
    maximum: float
    exercises: list[ExerciseSummary]
    failures: CheckFailures
    flags: list[Flag]
    discuss: list[tuple[str, float]]   # (what, share of graded students it concerns), most first
    notes: dict[str, list[str]]        # student -> changes to the notebook's structure
    failed: list[GradeResult]
    late: dict[str, str] = field(default_factory=dict)   # student -> '190 min late: -8' (grader.schedule)
    similarity: Similarity | None = None                  # None: no release/ to tell given code from own


def _verdicts(course: Course, assignment: str, student: str) -> dict[str, dict]:
    """The verdict of every graded cell of one student's autograded notebooks, by grade_id."""
    verdicts = {}
    for path in sorted((course.folder("autograded") / student / assignment).glob("*.ipynb")):
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception:  # unreadable: nothing to count
            continue
        for cell in nb.cells:
            verdict = verdict_of(cell) if is_graded_test(cell) else None
            if verdict is not None:
                verdicts[cell.metadata.nbgrader["grade_id"]] = verdict
    return verdicts


def _version_shown(verdicts: dict[str, dict]) -> str:
    """Which quiz version a student's notebook was answered in ("own", "common", "other"; "" for no quiz)."""
    kinds = {str((version_of(v) or {}).get("shown")) for v in verdicts.values() if version_of(v)}
    return "other" if "other" in kinds else ("common" if "common" in kinds else ("own" if kinds else ""))


def recorded_nothing(verdicts: dict[str, dict]) -> bool:
    """Whether not one check of any cell got a result (the hidden checks never ran)."""
    checks = [c for v in verdicts.values() for c in v.get("checks") or [] if isinstance(c, dict)]
    return bool(checks) and all(not c.get("passed") and str(c.get("problem", "")).startswith(
        (NO_RESULT, "no result was recorded")) for c in checks)


def _questions(course: Course, assignment: str) -> dict[str, Question]:
    questions = {}
    for path in course.source_notebooks(assignment):
        questions.update(quiz_questions(nbformat.read(str(path), as_version=4).cells))
    return questions


def _quiz_summary(question: Question, verdicts_by_student: list[dict], points: float,
                  scores: list[float]) -> QuizSummary:
    """How the class answered ``question``, counted per original option: each student's letters are read in
    their own version (``verdicts_by_student``: each student's verdict of the question's cell, {} without)."""
    chosen, judged, answers = Counter(), Counter(), Counter()
    unreadable = 0
    for verdict in verdicts_by_student:
        checks = [c for c in verdict.get("checks") or [] if isinstance(c, dict)]
        version = version_of(verdict)
        theirs = in_version(question, version)
        answer = chosen_letters(theirs, checks)
        if answer is None:
            unreadable += 1
            continue
        if answer != "none":
            answer = ", ".join(sorted(original_option(version, a) for a in answer.split(", ")))
        answers[answer] += 1
        views, _ = option_views(theirs, checks)
        for view in views:
            original = original_option(version, view.letter)
            chosen[original] += bool(view.chosen)
            judged[original] += bool(view.right)
    options = [OptionCount(letter, text, chosen[letter], judged[letter]) for letter, text in question.options.items()]
    return QuizSummary(question, len(verdicts_by_student) - unreadable, unreadable,
                       sum(1 for s in scores if s >= points > 0), options, answers)


def _discuss(exercises: list[ExerciseSummary], graded: int) -> list[tuple[str, float]]:
    """What most graded students get wrong (at least DISCUSS_SHARE of them): per exercise its most failed check,
    per quiz question each option chosen or judged wrongly that often; most first."""
    items = []
    for exercise in exercises:
        if exercise.quiz is not None:
            quiz = exercise.quiz
            for option in quiz.options:
                wrong = (quiz.answered - option.judged_right) if quiz.question.multiple else (
                    option.chosen - option.judged_right)
                if quiz.question.multiple or wrong:
                    items.append(("%s, option %s) %s: %d of %d %s" % (
                        exercise.name, option.letter, option.text, wrong, graded,
                        "judged it wrongly" if quiz.question.multiple else "chose it, wrongly"), wrong / graded))
            continue
        if exercise.checks and exercise.checks[0][1]:
            check, failing = exercise.checks[0]
            alike = sum(1 for _, n in exercise.checks[1:] if n == failing)
            items.append(("%s: %s%s, failed by %d of %d" % (
                exercise.name, check, " (and %d more check%s as often)" % (alike, "" if alike == 1 else "s")
                if alike else "", failing, graded), failing / graded))
    items = [item for item in items if item[1] >= DISCUSS_SHARE]
    return sorted(items, key=lambda item: -item[1])[:DISCUSS_ITEMS]


def summarise(course: Course, assignment: str, results: list[GradeResult]) -> AssignmentSummary:
    """The class report's data for one assignment, from the results of ``results`` (this assignment's)."""
    graded = sorted(r.student for r in results if r.ok)
    columns, scores, maxima = exercise_scores(course, assignment)
    totals = {s: sum((scores.get(s, {}).get(c) or 0) for c in columns) for s in graded}
    questions = _questions(course, assignment)
    failures = CheckFailures(graded=len(graded))
    verdicts = {s: _verdicts(course, assignment, s) for s in graded}
    for student in graded:
        for grade_id in columns:
            for check in (verdicts[student].get(grade_id) or {}).get("checks") or []:
                if isinstance(check, dict):
                    failures.add(grade_id, check)
    exercises = []
    for grade_id in columns:
        cell_scores = [(scores.get(s, {}).get(grade_id) or 0) for s in graded]
        quiz = None
        if grade_id in questions:
            quiz = _quiz_summary(questions[grade_id], [verdicts[s].get(grade_id) or {} for s in graded],
                                 maxima[grade_id], cell_scores)
        exercises.append(ExerciseSummary(grade_id, exercise_name(grade_id), maxima[grade_id],
                                         sum(1 for x in cell_scores if x >= maxima[grade_id]),
                                         sum(cell_scores) / len(graded) if graded else 0.0,
                                         [(c, n) for c, n in failures.of(grade_id)], quiz))
    notes = {s: submission_notes(course.folder("autograded") / s / assignment) for s in graded}
    failed = [r for r in results if not r.ok]
    flags = [Flag(r.student, "not graded", r.reason) for r in failed]
    flags += [Flag(s, "recorded nothing", "no hidden check got a result: the checks never ran (a setup cell "
                                          "that fails, blanked test cells, or a notebook that stops early)")
              for s in graded if recorded_nothing(verdicts[s])]
    flags += [Flag(s, "structure changed", "; ".join(n)) for s, n in notes.items() if n]
    flags += [Flag(s, "quiz version", VERSION_NOTES[kind]) for s in graded for kind in [_version_shown(verdicts[s])]
              if kind in ("common", "other")]
    return AssignmentSummary(assignment, len(results), graded, totals, sum(maxima.values()), exercises, failures,
                             flags, _discuss(exercises, len(graded)) if graded else [],
                             {s: n for s, n in notes.items() if n}, failed, _late(course, assignment, graded),
                             _similarity(course, assignment))


def _similarity(course: Course, assignment: str) -> Similarity | None:
    """The assignment's similar pairs, or None when release/ does not hold its notebooks."""
    if not all((course.folder("release") / assignment / nb.name).is_file() for nb in course.source_notebooks(assignment)):
        return None
    return compare_class(course, assignment)


def _late(course: Course, assignment: str, graded: list[str]) -> dict[str, str]:
    """Per late graded student, how late and the points taken ('190 min late: -8')."""
    lateness = submission_lateness(course, assignment)
    return {s: "%s min late%s" % (lateness[s].minutes, ": -%s" % lateness[s].penalty if lateness[s].penalty else "")
            for s in graded if s in lateness and lateness[s].minutes}


def feedback_pages(course: Course, student: str, assignment: str) -> list[Path]:
    return sorted((course.folder("feedback") / student / assignment).glob("*.html"))
