"""The feedback page of one graded notebook: a complete HTML document made from trusted parts only.

:func:`render_feedback` takes the notebook as the student submitted it (Markdown rendered inert by
:mod:`grader.outputs.safe_html`, code shown as text, and under each code cell what the student saved as its
output, made inert by :mod:`grader.outputs.saved_outputs`; never an output of the grading run), the grader's
verdicts kept in the autograded notebook's metadata, the instructor's notebook (for the cells' roles and the
quiz options' texts) and the gradebook's scores and comments (:class:`Grades`). It fills the template
``templates/feedback.html.j2`` through the environment of :mod:`grader.outputs.pages`, which escapes every
value; the only HTML it passes as such is the grader's own (sanitised Markdown, highlighted code). The page
holds no script and forbids all script with a Content-Security-Policy ``<meta>``; pictures are ``data:`` URIs
and formulas MathML. :mod:`grader.outputs.feedback` gathers the inputs and writes the pages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Sequence

import nbformat
from markupsafe import Markup

from ..grading.keys import is_graded_test
from ..grading.metadata import is_restored, structure_notes, verdict_of
from ..grading.structure import reconcile
from ..grading.verdict import FAIL, FORM_SHARE, NOT_COUNTED_CASES, NOT_COUNTED_GUARDS, PASS, percent, shown_points
from . import pages
from .images import cell_images
from .quiz_view import Question, in_version, markdown_in_version, option_views, quiz_questions, version_of
from .results import exercise_name
from .safe_html import MATH_FONTS, markdown_html
from .saved_outputs import shown_outputs

CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
       "form-action 'none'")
OUTPUTS_NOTE = ("Under each of your code cells: what it showed when you last ran it yourself, as saved in your "
                "notebook. The grader never shows what your code printed while it was graded.")
SCORES_ONLY = ("Scores only: your course shows the details of the checks for this submission later, not "
               "now.")
#: The multiple-choice scoring rule, in the words the quizzes use (docs/authoring.md, rule 3).
MULTIPLE_CHOICE_RULE = ("Each option is worth its point when you select a right one or leave out a wrong one, "
                        "once your answer gets at least one of each right: selecting every option, or none, "
                        "earns nothing.")
NOT_COUNTED_REASONS = (NOT_COUNTED_CASES, NOT_COUNTED_GUARDS)


@dataclass
class Grades:
    """What the gradebook says about one submitted notebook."""

    scores: dict[str, float] = field(default_factory=dict)      # grade_id -> score (manual wins)
    maxima: dict[str, float] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)      # grade_id -> instructor's comment
    penalty: float = 0.0
    timestamp: str = ""
    due: str = ""     # 'due 2027-01-15 17:00 CET (with your extension)' (grader.schedule)
    late: str = ""    # 'submitted 3 h 10 min after the due date: -10 %'


@functools.lru_cache(maxsize=1)
def _code_css() -> Markup:
    from pygments.formatters import HtmlFormatter

    return Markup(HtmlFormatter(style="default").get_style_defs(".hl"))


@functools.lru_cache(maxsize=1)
def _highlighter():
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return PythonLexer(), HtmlFormatter(nowrap=True)


def _code(source: str) -> Markup:
    """A code cell's source, highlighted (pygments escapes it)."""
    from pygments import highlight

    lexer, formatter = _highlighter()
    return Markup('<pre class="hl">%s</pre>') % Markup(highlight(source, lexer, formatter))


def _status(score: float, maximum: float) -> str:
    return "full" if score >= maximum > 0 else ("part" if score > 0 else "none")


def _reasons_not_counted(verdict: dict) -> tuple[list[str], list[str]]:
    """(why passed checks did not count, the other notes said under the checks) of a verdict; verdicts kept
    before the two were stored apart hold both in ``uncounted``."""
    notes = [str(n) for n in verdict.get("uncounted") or []]
    if "not_counted" in verdict:
        return [str(n) for n in verdict.get("not_counted") or []], [str(n) for n in verdict.get("form_notes") or []]
    return [n for n in notes if n in NOT_COUNTED_REASONS], [n for n in notes if n not in NOT_COUNTED_REASONS]


#: What the feedback says of a quiz answered in a version other than the student's own (grader.grading.versions).
VERSION_SAID = {
    "common": "Your notebook ran without your student id, so it showed the options in the quiz's common order; "
              "it was graded in that order.",
    "other": "Your notebook was answered in another student's version of the quiz (another order of the "
             "options). It was graded in your own version, the one shown here.",
}


def _quiz_view(question: Question, checks: list[dict], version: dict | None) -> dict:
    question = in_version(question, version)     # the options in the student's own order and letters
    options, explain = option_views(question, checks)
    shown = [dict(vars(option), html=Markup(markdown_html(option.text))) for option in options]
    chosen = next((o for o in options if o.chosen), None)
    return {"multiple": question.multiple, "options": shown, "explain": explain,
            "right": sum(1 for o in options if o.right), "rule": MULTIPLE_CHOICE_RULE,
            "answered": ("%s) %s" % (chosen.letter, _plain(chosen.text))) if chosen and not question.multiple else "",
            "correct": bool(chosen and chosen.right),
            "version": VERSION_SAID.get(str((version or {}).get("shown")), ""),
            "format": "one letter in quotes, for example \"a\"" if not question.multiple else
                      "a set of letters in quotes, for example {\"a\", \"c\"}"}


def _plain(markdown: str) -> str:
    """An option's text without Markdown emphasis and code marks (for one line of prose)."""
    return markdown.replace("**", "").replace("`", "")


def _verdict_view(verdict: dict | None, score: float, maximum: float, details: bool, question: Question | None,
                  page_not_counted: list[str]) -> dict:
    view = {"graded": bool(verdict), "score": shown_points(score), "maximum": shown_points(maximum),
            "status": _status(score, maximum)}
    if not verdict:
        return view
    grader_score = float(verdict.get("score", score))
    checks = [c for c in verdict.get("checks") or [] if isinstance(c, dict)]
    not_counted, notes = _reasons_not_counted(verdict)
    for reason in not_counted if details else []:   # said once per page, where checks are shown
        if reason not in page_not_counted:
            page_not_counted.append(reason)
    view.update(details=details, scores_only=SCORES_ONLY, fatal=str(verdict["fatal"]) if verdict.get("fatal") else "",
                grader_score=shown_points(grader_score) if abs(score - grader_score) > 1e-9 else "",
                note=str(verdict.get("note") or ""), notes=notes, share=percent(FORM_SHARE),
                passed=sum(1 for c in checks if c.get("passed")), total=len(checks),
                quiz=_quiz_view(question, checks, version_of(verdict)) if question and not verdict.get("fatal") else None,
                checks=[{"passed": bool(c.get("passed")), "mark": PASS if c.get("passed") else FAIL,
                         "name": str(c.get("name")), "problem": str(c.get("problem")), "hint": hint,
                         "counted": c.get("counted", True) is not False, "form": str(c.get("form") or ""),
                         "explain": str(c.get("explain") or "")} for c, hint in zip(checks, _hints(checks))])
    return view


def _hints(checks: list[dict]) -> list[str]:
    """The hint under each failed check, said once per cell: a check whose hint an earlier one gave says none."""
    said, hints = set(), []
    for check in checks:
        hint = str(check.get("hint") or "") if not check.get("passed") else ""
        hints.append("" if hint in said else hint)
        said.add(hint)
    return hints


def render_feedback(submitted, autograded, instructor, grades: Grades, *, student: str, assignment: str,
                    notebook: str, images=None, verdicts: str = "full", about: Sequence[str] = ()) -> str:
    """The feedback page (a complete HTML document) of one graded notebook.

    ``submitted`` is the notebook as the student handed it in, ``autograded`` the graded one
    (read for the verdicts and structure notes only), ``instructor`` the source notebook (for
    the cells' roles and the quizzes' options), ``grades`` the gradebook's scores and comments.
    ``verdicts="score"`` shows the scores without the checks' details; ``about`` are lines on this
    submission, in the grader's words (when it was graded, which submission it is, how many graded
    submissions remain).
    """
    details = verdicts != "score"
    found = {c.metadata.nbgrader["grade_id"]: verdict_of(c) for c in autograded.cells if is_graded_test(c)}
    graded_ids = [c.metadata.nbgrader["grade_id"] for c in instructor.cells
                  if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    questions = quiz_questions(instructor.cells)
    shown = nbformat.from_dict(submitted)
    reconcile(shown, instructor.cells)     # the same reading of the structure as grading made
    images = images or (lambda src: None)

    total = sum(grades.scores.get(g, 0.0) for g in graded_ids) - grades.penalty
    maximum = sum(grades.maxima.get(g, 0.0) for g in graded_ids)
    not_counted: list[str] = []
    versions = _versions_by_cell(shown.cells, found)
    cells = [_cell_view(cell, found, grades, images, details, questions, not_counted, version)
             for cell, version in zip(shown.cells, versions)]
    exercises = [{"id": g, "name": exercise_name(g), "score": shown_points(grades.scores.get(g, 0.0)),
                  "maximum": shown_points(grades.maxima.get(g, 0.0)),
                  "status": _status(grades.scores.get(g, 0.0), grades.maxima.get(g, 0.0))} for g in graded_ids]
    return pages.render("feedback.html.j2", csp=CSP, title="Feedback: %s / %s" % (assignment, notebook),
                        notebook=notebook, assignment=assignment, student=student, timestamp=grades.timestamp,
                        due=grades.due, late=grades.late,
                        total=shown_points(total), maximum=shown_points(maximum),
                        penalty=shown_points(grades.penalty) if grades.penalty else "", about=list(about),
                        exercises=exercises, notes=structure_notes(autograded), not_counted=not_counted,
                        outputs_note=OUTPUTS_NOTE, cells=cells, math_fonts=Markup(MATH_FONTS),
                        code_css=_code_css())


def _versions_by_cell(cells, verdicts: dict) -> list[dict | None]:
    """For each cell, the quiz version of the question it belongs to (a question's Markdown comes after the
    previous graded cell and before its own test cell), or None."""
    versions, current = [], None
    for cell in reversed(cells):
        info = cell.metadata.get("nbgrader") or {}
        if info.get("grade") and not info.get("solution"):
            current = version_of(verdicts.get(info.get("grade_id")))
        versions.append(current)
    return versions[::-1]


def _cell_view(cell, verdicts: dict, grades: Grades, images, details: bool, questions: dict,
               not_counted: list[str], version: dict | None = None) -> dict:
    info = cell.metadata.get("nbgrader") or {}
    grade_id = info.get("grade_id") if isinstance(info.get("grade_id"), str) else None
    restored = is_restored(cell)
    outputs = shown_outputs(cell) if cell.cell_type == "code" and not restored else []
    if grade_id and info.get("grade") and not info.get("solution"):
        score, top = grades.scores.get(grade_id, 0.0), grades.maxima.get(grade_id, float(info.get("points", 0)))
        return {"kind": "checks", "id": grade_id, "name": exercise_name(grade_id), "points": shown_points(top),
                "html": None if restored else _code(cell.source),   # a restored cell holds the hidden tests
                "outputs": outputs,
                "verdict": _verdict_view(verdicts.get(grade_id), score, top, details, questions.get(grade_id),
                                         not_counted)}
    if restored:
        return {"kind": "restored", "id": grade_id or "?"}
    if cell.cell_type == "markdown":
        source = markdown_in_version(cell.source, version)   # a quiz's options in the student's own letters
        return {"kind": "markdown", "html": Markup(markdown_html(source, cell_images(cell, images)))}
    if cell.cell_type == "raw":
        return {"kind": "raw", "text": cell.source}
    if grade_id and info.get("solution"):
        return {"kind": "answer", "id": grade_id, "html": _code(cell.source), "outputs": outputs,
                "comment": grades.comments.get(grade_id, "")}
    return {"kind": "code", "html": _code(cell.source), "outputs": outputs}
