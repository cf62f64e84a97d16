"""The feedback page of one graded notebook: a complete HTML document made from trusted parts only.

:func:`render_feedback` takes the notebook as the student submitted it (sources only: Markdown rendered inert
by :mod:`grader.outputs.safe_html`, code shown as text, never an output), the grader's verdicts kept in the
autograded notebook's metadata, the instructor's notebook (for the cells' roles) and the gradebook's scores
and comments (:class:`Grades`). The page holds no script and forbids all script with a
Content-Security-Policy ``<meta>``; pictures are ``data:`` URIs and formulas MathML.
:mod:`grader.outputs.feedback` gathers the inputs and writes the pages.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field
from typing import Sequence

import nbformat

from ..grading.keys import is_graded_test
from ..grading.metadata import is_restored, structure_notes, verdict_of
from ..grading.structure import reconcile
from ..grading.verdict import check_line
from .images import cell_images
from .results import exercise_name
from .safe_html import MATH_FONTS, markdown_html

CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
       "form-action 'none'")
NO_OUTPUTS = ("Outputs are not shown here: run your notebook in JupyterLab to see them. The grader does "
              "not show what your code printed while it was graded.")


@dataclass
class Grades:
    """What the gradebook says about one submitted notebook."""

    scores: dict[str, float] = field(default_factory=dict)      # grade_id -> score (manual wins)
    maxima: dict[str, float] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)      # grade_id -> instructor's comment
    penalty: float = 0.0
    timestamp: str = ""
    due: str = ""     # 'due 2027-01-15 17:00 CET' (grader.schedule)
    late: str = ""    # 'submitted 3 h 10 min after the due date: -10 %'


_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;margin:0;background:#f6f7f9}
main,header{max-width:980px;margin:0 auto;padding:0 20px}
header{padding-top:24px}
h1{font-size:1.6em;margin:0 0 4px}
.meta{color:#555;margin:0 0 16px}
.total{font-size:1.25em;font-weight:600}
table.summary{border-collapse:collapse;margin:8px 0 16px;background:#fff}
table.summary td,table.summary th{border:1px solid #d6d9de;padding:4px 12px;text-align:left}
table.summary td.num{text-align:right;font-variant-numeric:tabular-nums}
.full{color:#1a7f37}.part{color:#9a6700}.none{color:#cf222e}
.submission{color:#333;margin:0 0 12px;padding-left:18px}
.notes{background:#fff8c5;border:1px solid #d4a72c;padding:8px 14px;border-radius:6px}
.about{color:#555;font-size:.92em}
.cell{background:#fff;border:1px solid #e1e4e8;border-radius:6px;margin:12px 0;padding:8px 14px}
.cell.md{background:transparent;border:none;padding:0 2px}
.label{font-size:.85em;font-weight:600;color:#444;margin-bottom:4px}
.answer{border-left:4px solid #0969da}.checks{border-left:4px solid #8250df}
pre{margin:0;white-space:pre-wrap;word-break:break-word;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace}
.verdict{margin-top:8px;padding:6px 10px;border-radius:4px;background:#f6f8fa}
.verdict ul{margin:4px 0;padding-left:18px}
.ok{color:#1a7f37}.fail{color:#cf222e}.explain{color:#444;font-style:italic}
.comment{margin-top:8px;padding:6px 10px;background:#ddf4ff;border-radius:4px}
.missing-image{color:#777;font-style:italic}
math[display=block]{margin:8px 0}
math{font-family:%s}
""" % MATH_FONTS


def _pygments_css() -> str:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".hl")


@functools.lru_cache(maxsize=1)
def _highlighter():
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return PythonLexer(), HtmlFormatter(nowrap=True)


def _code(source: str) -> str:
    """A code cell's source, highlighted (pygments escapes it)."""
    from pygments import highlight

    lexer, formatter = _highlighter()
    return '<pre class="hl">%s</pre>' % highlight(source, lexer, formatter)


def _points(value: float) -> str:
    return "%g" % round(value, 2)


def _status_class(score: float, maximum: float) -> str:
    return "full" if score >= maximum > 0 else ("part" if score > 0 else "none")


SCORES_ONLY = ("Scores only: your course shows the details of the checks for this submission later, not "
               "now.")


def _verdict_html(verdict: dict | None, score: float, maximum: float, details: bool = True) -> str:
    if not verdict:
        return '<div class="verdict">Not graded automatically: %s / %s points.</div>' % (
            _points(score), _points(maximum))
    parts = ['<div class="verdict"><div><strong class="%s">%s / %s points</strong>' % (
        _status_class(score, maximum), _points(score), _points(maximum))]
    if abs(score - float(verdict.get("score", score))) > 1e-9:
        parts.append(" (the grader gave %s; changed by your instructor)" % _points(float(verdict["score"])))
    parts.append("</div>")
    if not details:
        parts.append("<div>%s</div></div>" % html.escape(SCORES_ONLY))
        return "".join(parts)
    if verdict.get("fatal"):
        parts.append("<div>The hidden checks of this cell could not be verified: %s.</div>"
                     % html.escape(str(verdict["fatal"])))
    else:
        checks = verdict.get("checks") or []
        passed = sum(1 for c in checks if c.get("passed"))
        parts.append("<div>Hidden checks: %d of %d passed.</div><ul>" % (passed, len(checks)))
        for check in checks:
            text = check_line(str(check.get("name")), bool(check.get("passed")), str(check.get("problem")),
                              check.get("counted", True), check.get("form") or None)
            mark, rest = text[0], text[1:]   # the grader's mark, coloured, then its words
            line = '<span class="%s">%s</span>%s' % ("ok" if check.get("passed") else "fail", mark,
                                                    html.escape(rest))
            if check.get("explain"):
                line += '<div class="explain">%s</div>' % html.escape(str(check["explain"]))
            parts.append("<li>%s</li>" % line)
        parts.append("</ul>")
        parts.extend("<div>%s</div>" % html.escape(str(reason)) for reason in verdict.get("uncounted") or [])
    if verdict.get("note"):
        parts.append("<div>(%s)</div>" % html.escape(str(verdict["note"])))
    parts.append("</div>")
    return "".join(parts)


def render_feedback(submitted, autograded, instructor, grades: Grades, *, student: str, assignment: str,
                    notebook: str, images=None, verdicts: str = "full", about: Sequence[str] = ()) -> str:
    """The feedback page (a complete HTML document) of one graded notebook.

    ``submitted`` is the notebook as the student handed it in, ``autograded`` the graded one
    (read for the verdicts and structure notes only), ``instructor`` the source notebook (for
    the cells' roles), ``grades`` the gradebook's scores and comments. ``verdicts="score"`` shows the
    scores without the checks' details; ``about`` are lines on this submission, in the grader's words
    (when it was graded, which submission it is, how many graded submissions remain).
    """
    details = verdicts != "score"
    found = {c.metadata.nbgrader["grade_id"]: verdict_of(c) for c in autograded.cells if is_graded_test(c)}
    graded_ids = [c.metadata.nbgrader["grade_id"] for c in instructor.cells
                  if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    roles = {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader for c in instructor.cells
             if isinstance(c.get("metadata", {}).get("nbgrader", {}).get("grade_id"), str)}
    shown = nbformat.from_dict(submitted)
    reconcile(shown, instructor.cells)     # the same reading of the structure as grading made
    images = images or (lambda src: None)

    total = sum(grades.scores.get(g, 0.0) for g in graded_ids) - grades.penalty
    maximum = sum(grades.maxima.get(g, 0.0) for g in graded_ids)
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="%s">' % CSP,
           '<meta name="referrer" content="no-referrer">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>Feedback: %s / %s</title>" % (html.escape(assignment), html.escape(notebook)),
           "<style>%s%s</style></head><body>" % (_STYLE, _pygments_css()),
           "<header><h1>Feedback on %s.ipynb</h1>" % html.escape(notebook),
           '<p class="meta">Assignment %s &middot; student %s%s%s</p>%s' % (
               html.escape(assignment), html.escape(student),
               " &middot; submitted %s" % html.escape(grades.timestamp) if grades.timestamp else "",
               " &middot; %s" % html.escape(grades.due) if grades.due else "",
               '<p class="late"><strong>Late:</strong> %s</p>' % html.escape(grades.late) if grades.late else ""),
           '<p class="total">Score: %s / %s%s</p>' % (
               _points(total), _points(maximum),
               " (late penalty: %s)" % _points(grades.penalty) if grades.penalty else "")]
    if about:
        out.append('<ul class="submission">%s</ul>' % "".join("<li>%s</li>" % html.escape(line) for line in about))
    out.append('<table class="summary"><tr><th>exercise</th><th>score</th></tr>')
    for grade_id in graded_ids:
        score, top = grades.scores.get(grade_id, 0.0), grades.maxima.get(grade_id, 0.0)
        out.append('<tr><td><a href="#%s">%s</a></td><td class="num %s">%s / %s</td></tr>' % (
            html.escape(grade_id), html.escape(exercise_name(grade_id)), _status_class(score, top),
            _points(score), _points(top)))
    out.append("</table>")
    notes = structure_notes(autograded)
    if notes:
        out.append('<div class="notes"><strong>What changed in your notebook</strong><ul>%s</ul></div>'
                   % "".join("<li>%s</li>" % html.escape(n) for n in notes))
    out.append('<p class="about">Below: the cells as you submitted them, with the grader\'s verdict '
               "under each graded cell. %s</p></header><main>" % html.escape(NO_OUTPUTS))

    for cell in shown.cells:
        out.append(_cell_html(cell, roles, found, grades, images, details))
    out.append("</main></body></html>")
    return "\n".join(out)


def _cell_html(cell, roles: dict, verdicts: dict, grades: Grades, images, details: bool = True) -> str:
    info = cell.metadata.get("nbgrader") or {}
    grade_id = info.get("grade_id") if isinstance(info.get("grade_id"), str) else None
    restored = is_restored(cell)
    if grade_id and info.get("grade") and not info.get("solution"):
        score, top = grades.scores.get(grade_id, 0.0), grades.maxima.get(grade_id, float(info.get("points", 0)))
        body = "" if restored else _code(cell.source)   # a restored cell holds the hidden tests: never shown
        return ('<section class="cell checks" id="%s"><div class="label">Graded checks &middot; %s '
                "(%s points)</div>%s%s</section>" % (
                    html.escape(grade_id), html.escape(exercise_name(grade_id)), _points(top), body,
                    _verdict_html(verdicts.get(grade_id), score, top, details)))
    if restored:
        return ('<section class="cell"><div class="label">A locked cell of the assignment (%s) was missing '
                "from your submission; the grader put it back.</div></section>" % html.escape(grade_id or "?"))
    if cell.cell_type == "markdown":
        return '<section class="cell md">%s</section>' % markdown_html(cell.source, cell_images(cell, images))
    if cell.cell_type == "raw":
        return '<section class="cell"><pre>%s</pre></section>' % html.escape(cell.source)
    if grade_id and info.get("solution"):
        comment = grades.comments.get(grade_id)
        return ('<section class="cell answer" id="%s"><div class="label">Your answer &middot; %s</div>%s%s'
                "</section>" % (html.escape(grade_id), html.escape(grade_id), _code(cell.source),
                                '<div class="comment"><strong>Instructor:</strong> %s</div>'
                                % html.escape(comment) if comment else ""))
    return '<section class="cell">%s</section>' % _code(cell.source)
