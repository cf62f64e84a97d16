"""The class report: what an instructor reads after grading, as one HTML page and as Markdown.

Per assignment (the data: :mod:`grader.outputs.class_summary`), in the order a teacher of a large class reads it:

* the submissions to look at first: not graded (with the reason), recorded nothing, changed the notebook;
* a short list of what to discuss in class (the checks and quiz options most students get wrong);
* the distribution of total scores (a histogram whose student counts are whole numbers);
* one row per exercise: the share of students with full points (a bar coloured by that share, red to green)
  and the mean score, with its most failed hidden checks right under it (all of them one click away); per quiz
  question, how the class answered, option by option, with the options' texts;
* every student with their total, a link to each of their feedback pages, and the changes they made;
* the pairs of submissions too alike (:mod:`grader.integrity.similarity`), ranked, each linking to its
  side-by-side page (:mod:`grader.outputs.similarity_page`, ``reports/similarity/<assignment>/``).

``class_report.html`` is made from ``templates/class_report.html.j2`` through the environment of
:mod:`grader.outputs.pages` (every value escaped), is self-contained (plots embedded as PNG data, links to the
feedback pages relative) and runs no script: it works opened from disk, and through the instructor's Jupyter
server (a hub) at ``<server>/nncourse/course/reports/class_report.html`` (:mod:`grader.outputs.report_pages`); ``class_report.md`` and its PNG files say the same for a repository or an LMS page.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from markupsafe import Markup

from ..course import Course
from ..grading.verdict import shown_points
from ..run.jobs import GradeResult
from . import pages
from .class_summary import AssignmentSummary, CheckFailures, feedback_pages, grouped, summarise  # noqa: F401
from .safe_html import markdown_html
from .similarity_page import pairs_view, write_pair_pages

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'"
#: Steps of the colour scale of rates (0 %: red, 100 %: green).
RATE_STEPS = 10


# ---------------------------------------------------------------- plots
def _integer_axis(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


#: Shares at or below RED_AT are red, at or above GREEN_AT green, orange and yellow between.
RED_AT, GREEN_AT = 0.4, 0.95


def rate_colour(rate: float) -> str:
    """The colour of a share of students, as #rrggbb: red up to RED_AT, then orange and yellow, green from
    GREEN_AT (in RATE_STEPS steps, so that equal colours mean close shares)."""
    import colorsys

    scaled = max(0.0, min(1.0, (rate - RED_AT) / (GREEN_AT - RED_AT)))
    step = round(scaled * RATE_STEPS) / RATE_STEPS
    red, green, blue = colorsys.hls_to_rgb(step / 3, 0.42, 0.62)   # hue 0 (red) to 1/3 (green)
    return "#%02x%02x%02x" % (round(255 * red), round(255 * green), round(255 * blue))


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


def exercise_chart(summary: AssignmentSummary):
    """The share of graded students with full points per exercise (a matplotlib figure), each bar coloured by
    its share."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    graded = len(summary.graded)
    rates = [e.rate(graded) for e in summary.exercises]
    fig, ax = plt.subplots(figsize=(6, 0.5 + 0.35 * len(rates)))
    ax.barh(range(len(rates)), [100 * r for r in rates], color=[rate_colour(r) for r in rates])
    ax.set_yticks(range(len(rates)), [e.name for e in summary.exercises])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of graded students with full points")
    ax.set_title("%s: exercises" % summary.assignment)
    fig.tight_layout()
    return fig


def _plots(summary: AssignmentSummary, folder: Path) -> dict[str, Path]:
    import matplotlib.pyplot as plt

    if not summary.graded:
        return {}
    files = {}
    for name, figure in (("scores", score_histogram(summary.assignment, list(summary.totals.values()),
                                                    summary.maximum)),
                         ("exercises", exercise_chart(summary))):
        files[name] = folder / ("%s_%s.png" % (summary.assignment, name))
        figure.savefig(files[name], dpi=100)
        plt.close(figure)
    return files


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


# ---------------------------------------------------------------- the pages
def _percent(part: float, whole: float) -> str:
    return "%.0f %%" % (100 * part / whole) if whole else "-"


def _links(course: Course, student: str, assignment: str, folder: Path) -> list[dict]:
    return [{"href": os.path.relpath(p, folder).replace(os.sep, "/"), "name": p.stem}
            for p in feedback_pages(course, student, assignment)]


def _exercise_view(exercise, graded: int) -> dict:
    rate = exercise.rate(graded)
    view = {"id": exercise.grade_id, "name": exercise.name, "rate": _percent(exercise.full, graded),
            "not_full": graded - exercise.full,
            "width": "%.0f" % (100 * rate), "colour": rate_colour(rate),
            "mean": "%.1f" % exercise.mean, "maximum": shown_points(exercise.maximum),
            "top": [{"name": c, "failing": n, "share": _percent(n, graded)} for c, n in exercise.checks[:3] if n],
            "more": [{"name": c, "failing": n, "share": _percent(n, graded)} for c, n in exercise.checks[3:]],
            "quiz": None}
    if exercise.quiz is not None:
        quiz = exercise.quiz
        multiple = quiz.question.multiple
        view["quiz"] = {"multiple": multiple, "unreadable": quiz.unreadable, "answered": quiz.answered,
                        "right": quiz.right, "options": [
                            {"letter": o.letter, "html": Markup(markdown_html(o.text)), "chosen": o.chosen,
                             "chosen_share": _percent(o.chosen, graded), "width": "%.0f" % (100 * o.chosen / graded)
                             if graded else "0",
                             "judged_right": o.judged_right, "right_share": _percent(o.judged_right, quiz.answered),
                             "colour": rate_colour(o.judged_right / quiz.answered if quiz.answered else 0)
                             if multiple else rate_colour(1.0 if o.judged_right else 0.0),
                             "is_right": (not multiple) and o.judged_right > 0} for o in quiz.options],
                        "common": [{"answer": a, "students": n} for a, n in quiz.answers.most_common(3)] if multiple
                        else []}
    return view


def _similar(summary: AssignmentSummary, folder: Path) -> dict | None:
    """The similar pairs' section (their side-by-side pages written below ``folder``), or None."""
    if summary.similarity is None:
        return None
    return pairs_view(summary.similarity, write_pair_pages(summary.similarity, folder), folder)


def _assignment_view(course: Course, summary: AssignmentSummary, plots: dict[str, Path], folder: Path) -> dict:
    graded = len(summary.graded)
    totals = sorted(summary.totals.values())
    return {"name": summary.assignment, "submissions": summary.submissions, "graded": graded,
            "not_graded": summary.submissions - graded,
            "mean": "%.1f" % (sum(totals) / len(totals)) if totals else "-",
            "median": "%.1f" % totals[len(totals) // 2] if totals else "-", "maximum": shown_points(summary.maximum),
            "plots": {name: _data_uri(path) for name, path in plots.items()},
            "flags": [{"kind": kind, "detail": detail, "students": [
                {"name": student, "links": _links(course, student, summary.assignment, folder)} for student in students]}
                for kind, detail, students in grouped(summary.flags)], "flagged": len(summary.flags),
            "discuss": [{"what": what, "share": "%.0f %%" % (100 * share)} for what, share in summary.discuss],
            "exercises": [_exercise_view(e, graded) for e in summary.exercises],
            "similar": _similar(summary, folder),
            "students": [{"name": s, "total": shown_points(summary.totals[s]), "late": summary.late.get(s, ""),
                          "links": _links(course, s, summary.assignment, folder),
                          "notes": summary.notes.get(s, [])} for s in summary.graded]}


def _html(course: Course, summaries: list[AssignmentSummary], plots: dict, unsandboxed: str, folder: Path) -> str:
    return pages.render("class_report.html.j2", csp=CSP, title="Class report", unsandboxed=unsandboxed,

                        assignments=[_assignment_view(course, s, plots[s.assignment], folder) for s in summaries])


def _markdown(course: Course, summaries: list[AssignmentSummary], plots: dict, unsandboxed: str,
              folder: Path) -> str:
    lines = ["# Class report", ""]
    if unsandboxed:
        lines += ["**Graded WITHOUT the sandbox:** %s" % unsandboxed, ""]
    for summary in summaries:
        graded = len(summary.graded)
        lines += ["## %s" % summary.assignment, "",
                  "%d submissions: %d graded, %d not graded." % (summary.submissions, graded,
                                                                  summary.submissions - graded), ""]
        if summary.flags:
            lines += ["Look at these first:", ""]
            lines += ["* %s (%d): %s: %s" % (kind, len(students), detail, ", ".join("`%s`" % s for s in students))
                      for kind, detail, students in grouped(summary.flags)] + [""]
        if summary.discuss:
            lines += ["Discuss in class:", ""] + ["* %s" % what for what, _ in summary.discuss] + [""]
        if not graded:
            continue
        totals = sorted(summary.totals.values())
        lines += ["Mean score %.1f / %s; median %.1f." % (sum(totals) / len(totals), shown_points(summary.maximum),
                                                          totals[len(totals) // 2]), ""]
        lines += ["![%s](%s)" % (name, path.name) for name, path in plots[summary.assignment].items()] + [""]
        lines += ["| exercise | full points | mean score | most failed checks |", "|---|---|---|---|"]
        for exercise in summary.exercises:
            failed = "; ".join("%s (%d of %d)" % (c.replace("|", "/"), n, graded) for c, n in exercise.checks[:3] if n)
            lines.append("| %s | %s | %.1f / %s | %s |" % (exercise.name, _percent(exercise.full, graded),
                                                           exercise.mean, shown_points(exercise.maximum),
                                                           failed or "-"))
        lines.append("")
        for exercise in summary.exercises:
            if exercise.quiz is None:
                continue
            quiz = exercise.quiz
            lines += ["%s (question %d): %d of %d with full points; answers not read as a choice: %d." % (
                exercise.name, quiz.question.number, quiz.right, graded, quiz.unreadable), ""]
            for option in quiz.options:
                lines.append("* %s) %s: %s %d%s" % (
                    option.letter, option.text, "selected by" if quiz.question.multiple else "chosen by",
                    option.chosen, ", judged right for %d" % option.judged_right if quiz.question.multiple else
                    (" (right)" if option.judged_right else "")))
            lines.append("")
        lines += _similar_markdown(summary, folder)
        lines += ["| student | total | feedback |", "|---|---|---|"]
        for student in summary.graded:
            links = ", ".join("[%s](%s)" % (link["name"], link["href"])
                              for link in _links(course, student, summary.assignment, folder))
            late = " (%s)" % summary.late[student] if student in summary.late else ""
            lines.append("| %s | %s / %s%s | %s |" % (student, shown_points(summary.totals[student]),
                                                      shown_points(summary.maximum), late, links or "-"))
        lines.append("")
    return "\n".join(lines) + "\n"


def _similar_markdown(summary: AssignmentSummary, folder: Path) -> list[str]:
    similarity = summary.similarity
    if similarity is None:
        return []
    if not similarity.pairs:
        return ["Similar submissions: no pair of the %d students scores %.2f or more." % (
            similarity.students, similarity.threshold), ""]
    from .similarity_page import FOLDER, page_name

    lines = ["Similar submissions (score at least %.2f; read both before concluding anything):" % similarity.threshold,
             "", "| rank | students | score | shared | side by side |", "|---|---|---|---|---|"]
    for rank, pair in enumerate(similarity.pairs, start=1):
        lines.append("| %d | %s, %s | %.2f | %d | [view](%s/%s/%s) |" % (
            rank, pair.first, pair.second, pair.score, pair.shared, FOLDER, similarity.assignment, page_name(pair)))
    return lines + [""]


def write_class_report(course: Course, results: list[GradeResult], folder: Path) -> Path:
    """Write ``folder/class_report.md`` (with its PNG plots) and ``folder/class_report.html``;
    return the Markdown file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    unsandboxed = next((r.unsandboxed for r in results if r.unsandboxed), "")
    summaries = [summarise(course, a, [r for r in results if r.assignment == a])
                 for a in sorted({r.assignment for r in results})]
    plots = {s.assignment: _plots(s, folder) for s in summaries}
    (folder / "class_report.html").write_text(_html(course, summaries, plots, unsandboxed, folder))
    path = folder / "class_report.md"
    path.write_text(_markdown(course, summaries, plots, unsandboxed, folder))
    return path
