"""A small SVG writer for the workbook's figures: boxes, units, arrows and text with math.

Used by scripts/draw_figures.py. The output is plain SVG 1.1 (no script, no external reference, no
font file), deterministic to the byte, so that the committed figures can be compared with a fresh drawing.

Text takes a light markup for the notation of the notebooks:

* ``W^{[1]}`` raises ``[1]``, ``x_{1}`` lowers ``1`` (braces are required; they nest once: ``dZ^{[l](i)}``);
* ``*m*`` sets ``m`` in italics (a variable); everything else is set upright;
* Unicode does the rest: σ, ŷ, ℒ, Σ, ·, ×, →, ⋮, −.
"""

from __future__ import annotations

import math
import re
from xml.sax.saxutils import escape

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
INK = "#222222"
GREY = "#666666"
BLUE, BLUE_FILL = "#4c72b0", "#dbe7f6"
ORANGE, ORANGE_FILL = "#c0692b", "#fde2c8"
GREEN, GREEN_FILL = "#3b8a4f", "#d5eedb"
RED, RED_FILL = "#c44e52", "#f8dcdc"
PURPLE, PURPLE_FILL = "#7b5ea7", "#e7def3"
CHANNELS = ("#e06666", "#6aa84f", "#5b8bd6")   # red, green, blue colour planes


def _number(value: float) -> str:
    text = ("%.2f" % value).rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_TOKEN = re.compile(r"(\^\{|_\{|\*|\{|\})")


def _runs(markup: str):
    """Split markup into (text, shift, italic) runs: shift is +1 raised, -1 lowered, 0 on the line."""
    runs, stack, italic = [], [], False
    brace_depth = []   # for each open ^{ or _{: the number of plain { opened inside it
    position = 0
    for match in _TOKEN.finditer(markup):
        if match.start() > position:
            runs.append((markup[position:match.start()], sum(stack), italic))
        token = match.group(0)
        if token in ("^{", "_{"):
            stack.append(1 if token == "^{" else -1)
            brace_depth.append(0)
        elif token == "{":
            if brace_depth:
                brace_depth[-1] += 1
            runs.append(("{", sum(stack), italic))
        elif token == "}":
            if brace_depth and brace_depth[-1]:
                brace_depth[-1] -= 1
                runs.append(("}", sum(stack), italic))
            elif stack:
                stack.pop()
                brace_depth.pop()
            else:
                raise ValueError("unbalanced } in %r" % markup)
        else:   # "*"
            italic = not italic
        position = match.end()
    if position < len(markup):
        runs.append((markup[position:], sum(stack), italic))
    if stack or italic:
        raise ValueError("unclosed ^{, _{ or * in %r" % markup)
    return runs


class Figure:
    """One SVG drawing, ``width`` x ``height`` pixels, described by ``title`` (for screen readers)."""

    def __init__(self, width: int, height: int, title: str):
        self.width, self.height, self.title = width, height, title
        self.items: list[str] = []

    # -------------------------------------------------------------- shapes
    def box(self, x, y, w, h, stroke=BLUE, fill=BLUE_FILL, rx=8, dash=False, width=1.6):
        self.items.append('<rect x="%s" y="%s" width="%s" height="%s" rx="%s" fill="%s" stroke="%s" '
                          'stroke-width="%s"%s/>' % (_number(x), _number(y), _number(w), _number(h),
                                                     _number(rx), fill, stroke, _number(width),
                                                     ' stroke-dasharray="6 4"' if dash else ""))

    def unit(self, cx, cy, r, stroke=BLUE, fill=BLUE_FILL, width=1.6):
        self.items.append('<circle cx="%s" cy="%s" r="%s" fill="%s" stroke="%s" stroke-width="%s"/>'
                          % (_number(cx), _number(cy), _number(r), fill, stroke, _number(width)))

    def cells(self, x, y, w, h, colours, vertical=True, stroke="#ffffff"):
        """A strip of equal cells filled with ``colours`` (top to bottom, or left to right)."""
        count = len(colours)
        for index, colour in enumerate(colours):
            if vertical:
                self.box(x, y + index * h / count, w, h / count, stroke=stroke, fill=colour, rx=0, width=1)
            else:
                self.box(x + index * w / count, y, w / count, h, stroke=stroke, fill=colour, rx=0, width=1)

    def line(self, x1, y1, x2, y2, colour=GREY, width=1.4, arrow=False, dash=False, gap=0.0):
        """A line from (x1, y1) to (x2, y2), shortened by ``gap`` at both ends, with an arrow head at
        the end when ``arrow``."""
        length = math.hypot(x2 - x1, y2 - y1)
        if gap and length > 2 * gap:
            ux, uy = (x2 - x1) / length, (y2 - y1) / length
            x1, y1, x2, y2 = x1 + ux * gap, y1 + uy * gap, x2 - ux * gap, y2 - uy * gap
        head = 9.0 if arrow else 0.0
        length = math.hypot(x2 - x1, y2 - y1)
        ux, uy = ((x2 - x1) / length, (y2 - y1) / length) if length else (1.0, 0.0)
        end_x, end_y = x2 - ux * head * 0.8, y2 - uy * head * 0.8
        self.items.append('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>'
                          % (_number(x1), _number(y1), _number(end_x), _number(end_y), colour,
                             _number(width), ' stroke-dasharray="5 4"' if dash else ""))
        if arrow:
            px, py = -uy, ux
            points = [(x2, y2), (x2 - ux * head + px * head * 0.45, y2 - uy * head + py * head * 0.45),
                      (x2 - ux * head - px * head * 0.45, y2 - uy * head - py * head * 0.45)]
            self.items.append('<polygon points="%s" fill="%s"/>'
                              % (" ".join("%s,%s" % (_number(a), _number(b)) for a, b in points), colour))

    def arrow(self, x1, y1, x2, y2, colour=INK, width=1.6, dash=False, gap=0.0):
        self.line(x1, y1, x2, y2, colour=colour, width=width, arrow=True, dash=dash, gap=gap)

    def polyline_arrow(self, points, colour=INK, width=1.6, dash=False):
        """Straight segments through ``points``, an arrow head on the last one."""
        for (x1, y1), (x2, y2) in zip(points[:-2], points[1:-1]):
            self.line(x1, y1, x2, y2, colour=colour, width=width, dash=dash)
        (x1, y1), (x2, y2) = points[-2], points[-1]
        self.arrow(x1, y1, x2, y2, colour=colour, width=width, dash=dash)

    def brace(self, x1, x2, y, colour=GREY, depth=8):
        """A horizontal square bracket from x1 to x2 opening downwards at height y."""
        self.items.append('<path d="M%s %s V%s H%s V%s" fill="none" stroke="%s" stroke-width="1.4"/>'
                          % (_number(x1), _number(y + depth), _number(y), _number(x2), _number(y + depth), colour))

    # -------------------------------------------------------------- text
    def text(self, x, y, markup: str, size=14, anchor="middle", colour=INK, bold=False):
        """One line of text whose baseline starts (or is centred, or ends) at (x, y)."""
        shift_px = {1: -round(size * 0.42), -1: round(size * 0.25), 2: -round(size * 0.75)}
        parts, current = [], 0
        for text, shift, italic in _runs(markup):
            dy = shift_px.get(shift, 0) - shift_px.get(current, 0)
            attributes = []
            if dy:
                attributes.append('dy="%d"' % dy)
            if shift:
                attributes.append('font-size="%s"' % _number(size * 0.72))
            if italic:
                attributes.append('font-style="italic"')
            parts.append("<tspan%s>%s</tspan>" % ("".join(" " + a for a in attributes), escape(text))
                         if attributes else escape(text))
            current = shift
        self.items.append('<text x="%s" y="%s" font-size="%s" text-anchor="%s" fill="%s"%s>%s</text>'
                          % (_number(x), _number(y), _number(size), anchor, colour,
                             ' font-weight="bold"' if bold else "", "".join(parts)))

    def lines(self, x, y, markups, size=14, anchor="middle", colour=INK, leading=1.35, bold=False):
        """Several lines of text, the first baseline at y."""
        for index, markup in enumerate(markups):
            self.text(x, y + index * size * leading, markup, size=size, anchor=anchor, colour=colour, bold=bold)

    # -------------------------------------------------------------- output
    def svg(self) -> str:
        head = ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
                'font-family="%s" role="img" aria-labelledby="title">\n<title id="title">%s</title>\n'
                '<rect width="100%%" height="100%%" fill="#ffffff"/>\n'
                % (self.width, self.height, self.width, self.height, FONT, escape(self.title)))
        return head + "\n".join(self.items) + "\n</svg>\n"
