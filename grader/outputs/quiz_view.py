"""The questions of a concept quiz as the feedback and the class report show them: each question's options with
their texts, read from the instructor's notebook (one source: the Markdown the students read), and the student's
choice from the grader's verdict.

A quiz question (docs/authoring.md, "Quiz questions") is a Markdown cell listing lettered options,
``* **a)** text`` (a long option continues on indented lines), an answer cell (``grade_id`` ``qN_...``), and a
test cell (``qN_..._test``) whose checks are "answer to question N" (single choice) or "whether option x is
selected", one per option (multiple choice). Nothing here knows an answer: which options are right comes from
the verdict of each check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_OPTION = re.compile(r"^\* \*\*([a-z])\)\*\* (.*)$")
_CONTINUED = re.compile(r"^ {2,}(\S.*)$")
SINGLE_CHECK = re.compile(r"^answer to question (\d+)$")
OPTION_CHECK = re.compile(r"^whether option ([a-z]) is selected$")


@dataclass
class Question:
    """One quiz question: its test cell, number, options ``{letter: Markdown text}`` in order, and kind."""

    grade_id: str
    number: int
    options: dict[str, str] = field(default_factory=dict)
    multiple: bool = False


def _nbgrader(cell) -> dict:
    info = cell.get("metadata", {}).get("nbgrader", {})
    return info if isinstance(info, dict) else {}


def options_in(markdown: str) -> dict[str, str]:
    """The lettered options listed in a Markdown text, ``{letter: text}`` in the order listed."""
    options, last = {}, None
    for line in markdown.splitlines():
        found = _OPTION.match(line)
        if found:
            last = found.group(1)
            options[last] = found.group(2).strip()
            continue
        more = _CONTINUED.match(line)
        if last and more:
            options[last] += " " + more.group(1).strip()
        else:
            last = None
    return options


def quiz_questions(instructor_cells) -> dict[str, Question]:
    """``{test cell grade_id: Question}`` for every quiz question of an instructor notebook: a test cell whose
    hidden checks are a quiz's (its source records "answer to question N" or "whether option ... is selected")
    and whose question lists lettered options in the Markdown since the previous graded cell."""
    questions, markdown = {}, []
    for cell in instructor_cells:
        info = _nbgrader(cell)
        if cell.get("cell_type") == "markdown":
            markdown.append(cell.get("source", ""))
            continue
        if not info.get("grade") or info.get("solution"):
            continue
        source = cell.get("source", "")
        number = re.search(r'record\("answer to question (\d+)"', source)
        multiple = "whether option %s is selected" in source
        options = options_in("\n".join(markdown))
        markdown = []
        if options and (number or multiple):
            grade_id = info.get("grade_id")
            found = number or re.match(r"q(\d+)_", str(grade_id))
            questions[grade_id] = Question(grade_id, int(found.group(1)) if found else 0, options, multiple)
    return questions


@dataclass
class OptionView:
    """One option as a student's feedback shows it."""

    letter: str
    text: str
    chosen: bool | None      # whether the student selected it (None: their answer could not be read)
    right: bool | None       # whether their choice of it is right (multiple choice), or it is their right answer
    explain: str = ""


def option_views(question: Question, checks: list[dict]) -> tuple[list[OptionView], str]:
    """The options of ``question`` with the student's choice and the verdict on it, from the checks of the
    verdict (``name``, ``passed``, ``answer``, ``explain``), and the explanation said once for the whole
    question (single choice). Returns (options, explanation)."""
    if question.multiple:
        by_letter = {}
        for check in checks:
            found = OPTION_CHECK.match(str(check.get("name", "")))
            if found:
                by_letter[found.group(1)] = check
        views = []
        for letter, text in question.options.items():
            check = by_letter.get(letter, {})
            chosen = check.get("answer") if isinstance(check.get("answer"), bool) else None
            views.append(OptionView(letter, text, chosen, bool(check.get("passed")) if check else None,
                                    str(check.get("explain") or "")))
        return views, ""
    check = next((c for c in checks if SINGLE_CHECK.match(str(c.get("name", "")))), {})
    answer = check.get("answer") if isinstance(check.get("answer"), str) else None
    views = [OptionView(letter, text, letter == answer, bool(check.get("passed")) if letter == answer else None)
             for letter, text in question.options.items()]
    return views, str(check.get("explain") or "")


def chosen_letters(question: Question, checks: list[dict]) -> str | None:
    """The student's answer to ``question`` in short: "b", "a, c", "none", or None when it could not be
    read as a choice of the options (for the class report's answer distribution)."""
    views, _ = option_views(question, checks)
    if question.multiple:
        if any(v.chosen is None for v in views):
            return None
        picked = [v.letter for v in views if v.chosen]
        return ", ".join(picked) if picked else "none"
    picked = [v.letter for v in views if v.chosen]
    return picked[0] if picked else None


def version_of(verdict: dict | None) -> dict | None:
    """The quiz version a verdict was judged in (:func:`grader.grading.versions.version_record`), or None when
    it holds none that is usable (an older verdict, or not a quiz)."""
    version = (verdict or {}).get("version")
    if not isinstance(version, dict):
        return None
    letters, order = version.get("letters"), version.get("order")
    if not (isinstance(letters, str) and isinstance(order, str) and sorted(letters) == sorted(order)):
        return None
    return version


def in_version(question: Question, version: dict | None) -> Question:
    """``question`` with its options as one student saw them: ``{their letter: text}``, in their order."""
    if version is None or set(version["order"]) != set(question.options):
        return question
    letters, order = version["letters"], version["order"]
    return Question(question.grade_id, question.number,
                    {letters[i]: question.options[order[i]] for i in range(len(letters))}, question.multiple)


def original_option(version: dict | None, letter: str) -> str:
    """The original option a student's ``letter`` stands for in ``version`` (the letter itself without one)."""
    if version is None or letter not in version["letters"]:
        return letter
    return version["order"][version["letters"].index(letter)]


def markdown_in_version(markdown: str, version: dict | None) -> str:
    """A question's Markdown with its option list (``* **a)** text`` and its continued lines) in one student's
    order and letters; every other line as it was."""
    if version is None:
        return markdown
    letters, order = version["letters"], version["order"]
    lines, blocks, start = markdown.splitlines(), {}, None
    last = None
    for i, line in enumerate(lines):
        found = _OPTION.match(line)
        if found:
            last = found.group(1)
            blocks[last] = [line[found.end(1) + 3:]]
            start = i if start is None else start
            end = i
        elif last and _CONTINUED.match(line):
            blocks[last].append(line)
            end = i
        else:
            last = None
    if set(blocks) != set(order):
        return markdown
    listed = []
    for shown, original in zip(letters, order):
        first, *more = blocks[original]
        listed += ["* **%s)** %s" % (shown, first.lstrip())] + more
    return "\n".join(lines[:start] + listed + lines[end + 1:])
