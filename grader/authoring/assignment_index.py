"""``release/index.ipynb``: the page students open first, listing every assignment in order.

Each row gives an assignment's week, its title, what it teaches, its points and a link to its notebook. The
week and the summary come from each notebook's metadata (``"nncourse": {"week": 2, "teaches": "..."}``), the
title from its first heading, the points from its nbgrader test cells, so the index never disagrees with the
notebooks. :func:`write_index` writes it; ``python -m grader release`` runs it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from ..course import Course
from .contents_line import ContentsError, plain_text

INDEX_NAME = "index.ipynb"


def _title(nb, where: str) -> str:
    first = nb.cells[0].source.splitlines()[0] if nb.cells and nb.cells[0].cell_type == "markdown" else ""
    if not first.startswith("# "):
        raise ContentsError("%s: the first cell should start with the title, a '# ' heading" % where)
    return plain_text(first[2:])


def _points(nb) -> float:
    return sum(cell.metadata.get("nbgrader", {}).get("points", 0) for cell in nb.cells
               if cell.metadata.get("nbgrader", {}).get("grade"))


def _number(points: float) -> str:
    return ("%d" % points) if float(points).is_integer() else ("%g" % points)


def index_rows(course: Course) -> list[dict]:
    """One row per source notebook: week, title, what it teaches, points, link (relative to release/)."""
    rows = []
    for assignment in course.assignments:
        for path in course.source_notebooks(assignment):
            where = str(path.relative_to(course.root))
            nb = nbformat.read(str(path), as_version=4)
            about = nb.metadata.get("nncourse", {})
            if "week" not in about or not about.get("teaches"):
                raise ContentsError("%s: the notebook's metadata needs \"nncourse\": {\"week\": ..., \"teaches\": "
                                    "\"...\"} for the index of the workbook" % where)
            rows.append({"week": about["week"], "title": _title(nb, where), "teaches": about["teaches"],
                         "points": _points(nb), "link": "%s/%s" % (assignment, path.name),
                         "assignment": assignment})
    return rows


def index_notebook(course: Course):
    """The index notebook (an nbformat NotebookNode) of the course's assignments."""
    from ..schedule.apply import course_schedule

    rows = index_rows(course)
    schedule = course_schedule(course, check_students=False)   # the due dates, when the course has them
    due = (lambda row: " %s |" % schedule.show(schedule.due_of(row["assignment"])).replace("none", "-")) \
        if schedule else (lambda row: "")
    table = ["| week | assignment | what you learn | points |%s" % (" due (%s) |" % schedule.zone.key if schedule
                                                                   else ""),
             "|---|---|---|---|%s" % ("---|" if schedule else "")]
    for row in rows:
        table.append("| %s | [%s](%s) | %s | %s |%s" % (row["week"], row["title"], row["link"], row["teaches"],
                                                       _number(row["points"]) if row["points"] else "-", due(row)))
    table.append("| | **total** | | **%s** |%s" % (_number(sum(row["points"] for row in rows)),
                                                 " |" if schedule else ""))
    text = "\n".join([
        "# Neural networks from scratch: start here",
        "",
        "This workbook teaches how neural networks work by building them, one exercise at a time, in plain NumPy.",
        "Work through the notebooks in this order; each one builds on the ones before it. Click a title to open it.",
        "",
        *table,
        "",
        "**How every notebook works.** Run its *Setup* cell first, then go through it from the top (the line under",
        "its title links to each section). In each exercise, replace `raise NotImplementedError()` with your code and",
        "run the check cell below it: a ✔ line means the visible example works; a failure says what to look at.",
        "When your notebook is graded, every exercise is checked on further inputs you do not see, so write code",
        "that is right in general. Before you submit: *Kernel → Restart Kernel and Run All Cells*, and check that",
        "every cell runs.",
        "",
        "Files you need come with each assignment (helpers, pictures, data); the cat pictures of assignments 2 and 5",
        "are downloaded the first time you run those notebooks.",
    ])
    cell = new_markdown_cell(text)
    cell.id = "index"
    nb = new_notebook(cells=[cell], metadata={"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                                             "language": "python", "name": "python3"},
                                              "language_info": {"name": "python"}})
    return nb


def write_index(course: Course) -> Path:
    """Write release/index.ipynb; returns its path."""
    path = course.folder("release") / INDEX_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(index_notebook(course), str(path))
    return path
