"""The contents line at the top of every notebook: a link to each of its sections.

It is made from the source notebook, so it never disagrees with it. Every source notebook has, right after its
title cell, a markdown cell with the id ``contents`` that links to each of its sections (its ``## `` headings).
Each heading gets an anchor of its own, an empty ``<a id="..."></a>`` on the line before it, with an ASCII name
made from the heading: JupyterLab follows a link to a heading's own id only when that id is plain ASCII, and
the headings here hold "·". :func:`refresh_contents` writes the anchors and the contents cell;
``python -m grader release`` runs it before nbgrader copies the notebooks to release/.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

CONTENTS_ID = "contents"
_SECTION = re.compile(r"^## (.+?)\s*$")
_ANCHOR = re.compile(r'^<a id="([a-z0-9-]+)"></a>$')
_POINTS = re.compile(r"\s*\(\d+ points?\)$")


class ContentsError(ValueError):
    """A notebook lacks what its contents line or the index of the assignments is made from; the message
    says what and where."""


def plain_text(markdown: str) -> str:
    """The text a heading shows: markdown's inline marks removed (code, emphasis, links)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)      # [text](url) -> text
    text = re.sub(r"`([^`]*)`", r"\1", text)                       # `code` -> code
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)                # **bold** -> bold
    text = re.sub(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", r"\1", text)   # *italic* -> italic
    return text.strip()


def anchor(heading: str) -> str:
    """The ASCII anchor name of a heading: its words, lower case, joined by hyphens, points left out."""
    words = re.findall(r"[a-z0-9]+", _POINTS.sub("", plain_text(heading)).lower())
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
    links = ["[%s](#%s)" % (_POINTS.sub("", plain_text(heading)), name) for heading, name in zip(headings, names)]
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
