"""The class report: what an instructor reads after grading, as Markdown and as one HTML page.

Per assignment:

* the distribution of total scores (a histogram whose student counts are whole numbers);
* per exercise, the share of students with full points and the mean score;
* per **hidden check**, how many students fail it, ranked: the checks a teacher should discuss in
  class ("softmax of a 1-row array": 12 of 40 students). Counted from the verdicts the grader
  keeps in each autograded notebook; a cell whose records could not be trusted counts as failing
  all its checks;
* every student with their total, a link to each of their feedback pages, and the changes they
  made to the notebook's structure;
* the submissions that could not be graded, with their reasons.

``class_report.html`` is self-contained (plots embedded as PNG data) and runs no script;
``class_report.md`` and its PNG files say the same for a repository or an LMS page.
"""

from __future__ import annotations

import base64
import html
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..course import Course
from ..grading.keys import is_graded_test
from ..grading.metadata import submission_notes, verdict_of
from ..run.jobs import GradeResult
from .results import exercise_name, exercise_scores, submission_lateness

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
TOP_CHECKS_PLOTTED = 12


@dataclass
class CheckFailures:
    """How many graded students fail each hidden check of one assignment."""

    graded: int = 0
    failing: Counter = field(default_factory=Counter)   # (grade_id, check name) -> students
    order: list = field(default_factory=list)           # (grade_id, check name) in notebook order

    def ranked(self) -> list[tuple[str, str, int]]:
        """(grade_id, check, students failing) with at least one failure, most failed first."""
        position = {key: i for i, key in enumerate(self.order)}
        keys = [k for k in self.order if self.failing[k]]
        return [(g, c, self.failing[g, c]) for g, c in sorted(keys, key=lambda k: (-self.failing[k],
                                                                                     position[k]))]


def check_failures(course: Course, assignment: str, students: list[str]) -> CheckFailures:
    """Per-check failure counts from the verdicts in the autograded notebooks of ``students``."""
    result = CheckFailures()
    for student in students:
        folder = course.folder("autograded") / student / assignment
        result.graded += 1
        for path in sorted(folder.glob("*.ipynb")):
            try:
                nb = nbformat.read(str(path), as_version=4)
            except Exception:  # unreadable: nothing to count
                continue
            for cell in nb.cells:
                verdict = verdict_of(cell) if is_graded_test(cell) else None
                if verdict is None:
                    continue
                grade_id = cell.metadata.nbgrader["grade_id"]
                for check in verdict.get("checks") or []:
                    key = (grade_id, str(check.get("name")))
                    if key not in result.failing:
                        result.order.append(key)
                        result.failing[key] += 0
                    if not check.get("passed"):
                        result.failing[key] += 1
    return result


def feedback_pages(course: Course, student: str, assignment: str) -> list[Path]:
    return sorted((course.folder("feedback") / student / assignment).glob("*.html"))


# ---------------------------------------------------------------- plots
def _integer_axis(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def score_histogram(assignment: str, totals: list[float], maximum: float):
    """The histogram of total scores (a matplotlib figure): students counted in whole numbers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(totals, bins=min(20, max(5, len(totals))), range=(0, maximum), color="#4c72b0", edgecolor="white")
    ax.set_xlabel("total score (out of %g)" % maximum)
    ax.set_ylabel("students")
    _integer_axis(ax.yaxis)
    ax.set_title("%s: scores of %d graded submissions" % (assignment, len(totals)))
    fig.tight_layout()
    return fig


def _plots(assignment: str, totals: list[float], maximum: float, rates: dict[str, float],
           ranked: list[tuple[str, str, int]], graded: int, folder: Path) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = {}
    hist = folder / ("%s_scores.png" % assignment)
    fig = score_histogram(assignment, totals, maximum)
    fig.savefig(hist, dpi=100)
    plt.close(fig)
    files["scores"] = hist

    bars = folder / ("%s_exercises.png" % assignment)
    names = list(rates)
    fig, ax = plt.subplots(figsize=(6, 0.5 + 0.35 * len(names)))
    ax.barh(range(len(names)), [100 * rates[n] for n in names], color="#55a868")
    ax.set_yticks(range(len(names)), [exercise_name(n) for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of graded students with full points")
    ax.set_title("%s: exercises" % assignment)
    fig.tight_layout()
    fig.savefig(bars, dpi=100)
    plt.close(fig)
    files["exercises"] = bars

    if ranked:
        top = ranked[:TOP_CHECKS_PLOTTED]
        checks = folder / ("%s_checks.png" % assignment)
        fig, ax = plt.subplots(figsize=(7, 0.6 + 0.32 * len(top)))
        ax.barh(range(len(top)), [n for _, _, n in top], color="#c44e52")
        ax.set_yticks(range(len(top)), ["%s: %s" % (exercise_name(g), c) for g, c, _ in top], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, max(graded, 1))
        _integer_axis(ax.xaxis)
        ax.set_xlabel("students failing (of %d graded)" % graded)
        ax.set_title("%s: the hidden checks failed most" % assignment)
        fig.tight_layout()
        fig.savefig(checks, dpi=100)
        plt.close(fig)
        files["checks"] = checks
    return files


# ---------------------------------------------------------------- the report
@dataclass
class AssignmentReport:
    assignment: str
    submissions: int
    graded: list[str]
    totals: dict[str, float]
    maximum: float
    rates: dict[str, float]
    means: dict[str, float]
    maxima: dict[str, float]
    ranked: list[tuple[str, str, int]]
    failed: list[GradeResult]
    plots: dict[str, Path]
    notes: dict[str, list[str]]
    late: dict[str, str] = field(default_factory=dict)   # student -> '190 min late: -8' (grader.schedule)


def _assignment_report(course: Course, assignment: str, ours: list[GradeResult], folder: Path) -> AssignmentReport:
    graded = sorted(r.student for r in ours if r.ok)
    columns, scores, maxima = exercise_scores(course, assignment)
    totals = {s: sum((scores.get(s, {}).get(c) or 0) for c in columns) for s in graded}
    rates = {c: (sum((scores.get(s, {}).get(c) or 0) >= maxima[c] for s in graded) / len(graded)
                 if graded else 0.0) for c in columns}
    means = {c: (sum((scores.get(s, {}).get(c) or 0) for s in graded) / len(graded) if graded else 0.0)
             for c in columns}
    failures = check_failures(course, assignment, graded)
    ranked = failures.ranked()
    maximum = sum(maxima.values())
    plots = _plots(assignment, list(totals.values()), maximum, rates, ranked, len(graded), folder) \
        if graded else {}
    notes = {s: submission_notes(course.folder("autograded") / s / assignment) for s in graded}
    lateness = submission_lateness(course, assignment)
    late = {s: "%s min late%s" % (lateness[s].minutes, ": -%s" % lateness[s].penalty if lateness[s].penalty else "")
            for s in graded if s in lateness and lateness[s].minutes}
    return AssignmentReport(assignment, len(ours), graded, totals, maximum, rates, means,
                            {c: maxima[c] for c in columns}, ranked, [r for r in ours if not r.ok], plots,
                            {s: n for s, n in notes.items() if n}, late)


def _markdown(course: Course, reports: list[AssignmentReport], unsandboxed: str, folder: Path) -> str:
    lines = ["# Class report", ""]
    if unsandboxed:
        lines += ["**Graded WITHOUT the sandbox:** %s" % unsandboxed, ""]
    for rep in reports:
        lines += ["## %s" % rep.assignment, "",
                  "%d submissions: %d graded, %d not graded." % (rep.submissions, len(rep.graded),
                                                                  rep.submissions - len(rep.graded))]
        if rep.graded:
            totals = sorted(rep.totals.values())
            lines += ["Mean score %.1f / %g; median %.1f." % (sum(totals) / len(totals), rep.maximum,
                                                               totals[len(totals) // 2]), ""]
            for name in ("scores", "exercises", "checks"):
                if name in rep.plots:
                    lines += ["![%s](%s)" % (name, rep.plots[name].name), ""]
            lines += ["| exercise | full points | mean score |", "|---|---|---|"]
            for c in sorted(rep.rates, key=lambda c: rep.rates[c]):
                lines.append("| %s | %.0f %% | %.1f / %g |" % (exercise_name(c), 100 * rep.rates[c], rep.means[c],
                                                              rep.maxima[c]))
            lines.append("")
            if rep.ranked:
                lines += ["Hidden checks failed most (discuss these in class):", "",
                          "| rank | exercise | check | students failing |", "|---|---|---|---|"]
                for rank, (grade_id, check, n) in enumerate(rep.ranked, start=1):
                    lines.append("| %d | %s | %s | %d of %d |" % (rank, exercise_name(grade_id), check.replace("|", "/"),
                                                                  n, len(rep.graded)))
                lines.append("")
            lines += ["| student | total | feedback |", "|---|---|---|"]
            for student in rep.graded:
                links = ", ".join("[%s](%s)" % (p.stem, os.path.relpath(p, folder))
                                  for p in feedback_pages(course, student, rep.assignment))
                lines.append("| %s | %g / %g%s | %s |" % (student, rep.totals[student], rep.maximum,
                                                           " (%s)" % rep.late[student] if student in rep.late else "",
                                                           links or "-"))
            lines.append("")
        if rep.notes:
            lines += ["Notebooks whose structure the student changed:", ""]
            lines += ["* `%s`: %s" % (s, note) for s, notes in sorted(rep.notes.items()) for note in notes]
            lines.append("")
        if rep.failed:
            lines += ["Not graded:", ""] + ["* `%s`: %s" % (r.student, r.reason) for r in rep.failed] + [""]
    return "\n".join(lines) + "\n"


_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;max-width:1050px;margin:0 auto;
padding:16px 20px;background:#fff}
table{border-collapse:collapse;margin:8px 0 18px}
td,th{border:1px solid #d6d9de;padding:3px 10px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.warn{background:#ffebe9;border:1px solid #cf222e;padding:8px 12px;border-radius:6px}
.notes{color:#6e4c00}
img{max-width:100%;display:block;margin:6px 0 14px}
"""


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _html(course: Course, reports: list[AssignmentReport], unsandboxed: str, folder: Path) -> str:
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="%s">' % CSP,
           "<title>Class report</title><style>%s</style></head><body>" % _STYLE, "<h1>Class report</h1>"]
    if unsandboxed:
        out.append('<p class="warn"><strong>Graded WITHOUT the sandbox:</strong> %s</p>' % e(unsandboxed))
    out.append("<p>Assignments: %s</p>" % ", ".join('<a href="#%s">%s</a>' % (e(r.assignment), e(r.assignment))
                                                    for r in reports))
    for rep in reports:
        out.append('<h2 id="%s">%s</h2>' % (e(rep.assignment), e(rep.assignment)))
        out.append("<p>%d submissions: %d graded, %d not graded.</p>" % (
            rep.submissions, len(rep.graded), rep.submissions - len(rep.graded)))
        if rep.graded:
            totals = sorted(rep.totals.values())
            out.append("<p>Mean score %.1f / %g; median %.1f.</p>" % (sum(totals) / len(totals), rep.maximum,
                                                                     totals[len(totals) // 2]))
            alt = {"scores": "histogram of total scores", "exercises": "share of full points per exercise",
                   "checks": "the hidden checks failed most"}
            for name in ("scores", "exercises"):
                if name in rep.plots:
                    out.append('<img class="plot-%s" src="%s" alt="%s">' % (name, _data_uri(rep.plots[name]),
                                                                           alt[name]))
            out.append("<table class=\"exercises\"><tr><th>exercise</th><th>full points</th>"
                       "<th>mean score</th></tr>")
            for c in sorted(rep.rates, key=lambda c: rep.rates[c]):
                out.append('<tr><td>%s</td><td class="num">%.0f %%</td><td class="num">%.1f / %g</td></tr>'
                           % (e(exercise_name(c)), 100 * rep.rates[c], rep.means[c], rep.maxima[c]))
            out.append("</table>")
            out.append("<h3>Hidden checks failed most</h3>")
            if rep.ranked:
                out.append("<p>The checks a teacher should discuss in class, most failed first.</p>")
                if "checks" in rep.plots:
                    out.append('<img class="plot-checks" src="%s" alt="%s">' % (_data_uri(rep.plots["checks"]),
                                                                               alt["checks"]))
                out.append('<table class="checks"><tr><th>rank</th><th>exercise</th><th>check</th>'
                           "<th>students failing</th></tr>")
                for rank, (grade_id, check, n) in enumerate(rep.ranked, start=1):
                    out.append('<tr><td class="num">%d</td><td>%s</td><td>%s</td>'
                               '<td class="num" data-failing="%d">%d of %d (%.0f %%)</td></tr>'
                               % (rank, e(exercise_name(grade_id)), e(check), n, n, len(rep.graded),
                                  100 * n / len(rep.graded)))
                out.append("</table>")
            else:
                out.append("<p>Every graded student passed every hidden check.</p>")
            out.append('<h3>Students</h3><table class="students"><tr><th>student</th><th>total</th>'
                       "<th>feedback</th><th>changes to the notebook</th></tr>")
            for student in rep.graded:
                links = " ".join('<a href="%s">%s</a>' % (e(os.path.relpath(p, folder).replace(os.sep, "/")),
                                                          e(p.stem))
                                 for p in feedback_pages(course, student, rep.assignment))
                notes = "<br>".join(e(n) for n in rep.notes.get(student, []))
                out.append('<tr><td>%s</td><td class="num">%g / %g%s</td><td>%s</td><td class="notes">%s</td></tr>'
                           % (e(student), rep.totals[student], rep.maximum,
                              "<br>%s" % e(rep.late[student]) if student in rep.late else "", links or "-", notes))
            out.append("</table>")
        if rep.failed:
            out.append("<h3>Not graded</h3><ul>%s</ul>" % "".join(
                "<li><code>%s</code>: %s</li>" % (e(r.student), e(r.reason)) for r in rep.failed))
    out.append("</body></html>")
    return "\n".join(out)


def write_class_report(course: Course, results: list[GradeResult], folder: Path) -> Path:
    """Write ``folder/class_report.md`` (with its PNG plots) and ``folder/class_report.html``;
    return the Markdown file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    unsandboxed = next((r.unsandboxed for r in results if r.unsandboxed), "")
    reports = [_assignment_report(course, a, [r for r in results if r.assignment == a], folder)
               for a in sorted({r.assignment for r in results})]
    (folder / "class_report.html").write_text(_html(course, reports, unsandboxed, folder))
    path = folder / "class_report.md"
    path.write_text(_markdown(course, reports, unsandboxed, folder))
    return path
