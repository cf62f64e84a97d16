"""The class report: what an instructor reads after grading (Markdown with PNG plots).

Per assignment: the distribution of total scores, the share of students with
full points on each exercise (which exercise the class struggles with), and
the submissions that could not be graded, with their reasons.
"""

from __future__ import annotations

from pathlib import Path

from .course import Course
from .pipeline import GradeResult, exercise_scores


def _short(grade_id: str) -> str:
    return grade_id[:-5] if grade_id.endswith("_test") else grade_id


def _plots(assignment: str, totals: list[float], maximum: float, rates: dict[str, float],
           folder: Path) -> tuple[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hist = folder / ("%s_scores.png" % assignment)
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(totals, bins=min(20, max(5, len(totals))), range=(0, maximum), color="#4c72b0", edgecolor="white")
    ax.set_xlabel("total score (out of %g)" % maximum)
    ax.set_ylabel("students")
    ax.set_title("%s: scores of %d graded submissions" % (assignment, len(totals)))
    fig.tight_layout()
    fig.savefig(hist, dpi=100)
    plt.close(fig)

    bars = folder / ("%s_exercises.png" % assignment)
    names = list(rates)
    fig, ax = plt.subplots(figsize=(6, 0.5 + 0.35 * len(names)))
    ax.barh(range(len(names)), [100 * rates[n] for n in names], color="#55a868")
    ax.set_yticks(range(len(names)), [_short(n) for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of graded students with full points")
    ax.set_title("%s: exercises" % assignment)
    fig.tight_layout()
    fig.savefig(bars, dpi=100)
    plt.close(fig)
    return hist.name, bars.name


def write_class_report(course: Course, results: list[GradeResult], folder: Path) -> Path:
    """Write ``folder/class_report.md`` and its plots; return the Markdown file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["# Class report", ""]
    unsandboxed = next((r.unsandboxed for r in results if r.unsandboxed), "")
    if unsandboxed:
        lines += ["**Graded WITHOUT the sandbox:** %s" % unsandboxed, ""]
    for assignment in sorted({r.assignment for r in results}):
        ours = [r for r in results if r.assignment == assignment]
        graded = sorted(r.student for r in ours if r.ok)
        columns, scores, maxima = exercise_scores(course, assignment)
        maximum = sum(maxima.values())
        totals = [sum((scores.get(s, {}).get(c) or 0) for c in columns) for s in graded]
        rates = {c: (sum((scores.get(s, {}).get(c) or 0) >= maxima[c] for s in graded) / len(graded)
                     if graded else 0.0) for c in columns}
        lines += ["## %s" % assignment, "",
                  "%d submissions: %d graded, %d not graded." % (len(ours), len(graded), len(ours) - len(graded))]
        if totals:
            mean = sum(totals) / len(totals)
            lines += ["Mean score %.1f / %g; median %.1f." % (mean, maximum, sorted(totals)[len(totals) // 2]), ""]
            hist, bars = _plots(assignment, totals, maximum, rates, folder)
            lines += ["![score distribution](%s)" % hist, "", "![exercises](%s)" % bars, "",
                      "| exercise | full points | mean score |", "|---|---|---|"]
            for c in sorted(columns, key=lambda c: rates[c]):
                mean_c = sum((scores.get(s, {}).get(c) or 0) for s in graded) / len(graded)
                lines.append("| %s | %.0f %% | %.1f / %g |" % (_short(c), 100 * rates[c], mean_c, maxima[c]))
            lines.append("")
        failed = [r for r in ours if not r.ok]
        if failed:
            lines += ["Not graded:", ""] + ["* `%s`: %s" % (r.student, r.reason) for r in failed] + [""]
    path = folder / "class_report.md"
    path.write_text("\n".join(lines) + "\n")
    return path
