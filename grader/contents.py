"""Ways around the workbook: a contents line at the top of every notebook, and an index of the assignments.

Both are made from the source notebooks, so they never disagree with them:

* **Contents**: every source notebook has, right after its title cell, a markdown cell with the id
  ``contents`` that links to each of its sections (its ``## `` headings). Each heading gets an anchor of its
  own, an empty ``<a id="..."></a>`` on the line before it, with an ASCII name made from the heading: JupyterLab
  follows a link to a heading's own id only when that id is plain ASCII, and the headings here hold "·".
  :func:`refresh_contents` writes the anchors and the contents cell; ``python -m grader release`` runs it
  before nbgrader copies the notebooks to release/.
* **Index**: ``release/index.ipynb``, the page students open first: every assignment with its week, what it
  teaches, its points and a link to its notebook. The week and the summary come from each notebook's metadata
  (``"nncourse": {"week": 2, "teaches": "..."}``), the title from its first heading, the points from its
  nbgrader test cells. :func:`write_index` writes it; ``python -m grader release`` runs it too.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from .course import Course

CONTENTS_ID = "contents"
INDEX_NAME = "index.ipynb"
_SECTION = re.compile(r"^## (.+?)\s*$")
_ANCHOR = re.compile(r'^<a id="([a-z0-9-]+)"></a>$')
_POINTS = re.compile(r"\s*\(\d+ points?\)$")


class ContentsError(ValueError):
    """A notebook lacks what the contents or the index are made from; the message says what and where."""


def _plain(markdown: str) -> str:
    """The text a heading shows: markdown's inline marks removed (code, emphasis, links)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)      # [text](url) -> text
    text = re.sub(r"`([^`]*)`", r"\1", text)                       # `code` -> code
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)                # **bold** -> bold
    text = re.sub(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", r"\1", text)   # *italic* -> italic
    return text.strip()


def anchor(heading: str) -> str:
    """The ASCII anchor name of a heading: its words, lower case, joined by hyphens, points left out."""
    words = re.findall(r"[a-z0-9]+", _POINTS.sub("", _plain(heading)).lower())
    if not words:
        raise ContentsError("the heading %r has no letter or digit to name its anchor" % heading)
    return "-".join(words)


def _cell_sections(source: str) -> list[str]:
    found, fenced = [], False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and _SECTION.match(line):
            found.append(_SECTION.match(line).group(1))
    return found


def sections(nb) -> list[str]:
    """The ``## `` headings of the notebook's markdown cells (outside code blocks), in order."""
    return [heading for cell in nb.cells if cell.cell_type == "markdown" and cell.get("id") != CONTENTS_ID
            for heading in _cell_sections(cell.source)]


def with_anchors(source: str) -> str:
    """``source`` (a markdown cell) with an anchor line, then a blank line, right before every section heading
    (anchor lines made earlier are replaced, so the names follow the headings)."""
    lines = source.splitlines()
    kept = []
    for index, line in enumerate(lines):   # drop the anchors written before, with their blank line
        if _ANCHOR.match(line):
            continue
        if not line.strip() and index > 0 and _ANCHOR.match(lines[index - 1]):
            continue
        kept.append(line)
    out, fenced = [], False
    for line in kept:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and _SECTION.match(line):
            out += ['<a id="%s"></a>' % anchor(_SECTION.match(line).group(1)), ""]
        out.append(line)
    return "\n".join(out)


def contents_source(nb, where: str = "the notebook") -> str:
    """The markdown of the contents cell: a link to every section."""
    headings = sections(nb)
    if not headings:
        raise ContentsError("%s has no section (## heading) to list" % where)
    names = [anchor(heading) for heading in headings]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ContentsError("%s: two sections would share the anchor %s; make their headings differ"
                            % (where, ", ".join(twice)))
    links = ["[%s](#%s)" % (_POINTS.sub("", _plain(heading)), name) for heading, name in zip(headings, names)]
    return "**In this notebook:** " + " | ".join(links)


def refresh_contents(path: Path) -> bool:
    """Write or update the section anchors and the contents cell of the notebook at ``path``; True when the
    file changed."""
    nb = nbformat.read(str(path), as_version=4)
    before = nbformat.writes(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.get("id") != CONTENTS_ID and _cell_sections(cell.source):
            cell.source = with_anchors(cell.source)
    source = contents_source(nb, str(path))
    existing = [cell for cell in nb.cells if cell.get("id") == CONTENTS_ID]
    if existing:
        existing[0].source = source
    else:
        cell = new_markdown_cell(source)
        cell.id = CONTENTS_ID
        nb.cells.insert(1, cell)
    if nbformat.writes(nb) == before:
        return False
    nbformat.write(nb, str(path))
    return True


# ---------------------------------------------------------------- the index of the assignments
def _title(nb, where: str) -> str:
    first = nb.cells[0].source.splitlines()[0] if nb.cells and nb.cells[0].cell_type == "markdown" else ""
    if not first.startswith("# "):
        raise ContentsError("%s: the first cell should start with the title, a '# ' heading" % where)
    return _plain(first[2:])


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
                         "points": _points(nb), "link": "%s/%s" % (assignment, path.name)})
    return rows


def index_notebook(course: Course):
    """The index notebook (an nbformat NotebookNode) of the course's assignments."""
    rows = index_rows(course)
    table = ["| week | assignment | what you learn | points |", "|---|---|---|---|"]
    for row in rows:
        table.append("| %s | [%s](%s) | %s | %s |" % (row["week"], row["title"], row["link"], row["teaches"],
                                                     _number(row["points"]) if row["points"] else "-"))
    table.append("| | **total** | | **%s** |" % _number(sum(row["points"] for row in rows)))
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
