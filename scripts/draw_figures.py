"""Draw the workbook's figures: SVG files in source/<assignment>/images/, released with their assignment.

    .venv/bin/python scripts/draw_figures.py          # (re)write every figure
    .venv/bin/python scripts/draw_figures.py --check  # exit 1 if a committed figure differs from a fresh drawing

Every figure is labelled with the names and shapes its notebook's text uses (W^[1] (4, 2), X (12288, 209), ...);
tests/test_figures.py checks that the committed files are exactly what this script draws, that each is
referenced by its notebook, and that it carries the shapes the notebook names.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from svg import (BLUE, BLUE_FILL, CHANNELS, GREEN, GREEN_FILL, GREY, INK, ORANGE, ORANGE_FILL,  # noqa: E402
                 PURPLE, PURPLE_FILL, RED, RED_FILL, Figure)

REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- shared pieces
def _lighter(colour: str, amount: float) -> str:
    """``colour`` (#rrggbb) mixed with white: amount 0 keeps it, 1 gives white."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#%02x%02x%02x" % tuple(round(c + (255 - c) * amount) for c in rgb)


def _picture(fig: Figure, x, y, side, grid=4):
    """A colour picture drawn as its three colour planes (blue at the back, then green, red in front)."""
    step = side / grid
    for plane in (2, 1, 0):
        colour = CHANNELS[plane]
        ox, oy = x + plane * 12, y - plane * 12
        for i in range(grid):
            for j in range(grid):
                shade = 0.45 * ((i * 3 + j * 5 + plane) % 4) / 3
                fig.box(ox + j * step, oy + i * step, step, step, stroke="#ffffff", fill=_lighter(colour, shade),
                        rx=0, width=1)


def _column(fig: Figure, x, y, w, colours, cell_h=16, dots_after=6, labels=(), label_x=None):
    """A column vector: ``colours`` cells, then a gap with ⋮, then two more cells."""
    for index, colour in enumerate(colours[:dots_after]):
        fig.box(x, y + index * cell_h, w, cell_h, stroke="#ffffff", fill=colour, rx=0, width=1)
    dots_y = y + dots_after * cell_h
    fig.text(x + w / 2, dots_y + 22, "⋮", size=18, colour=GREY)
    tail_y = dots_y + 34
    for index, colour in enumerate(colours[dots_after:]):
        fig.box(x, tail_y + index * cell_h, w, cell_h, stroke="#ffffff", fill=colour, rx=0, width=1)
    positions = [y + i * cell_h + cell_h * 0.72 for i in range(dots_after)] + \
                [tail_y + i * cell_h + cell_h * 0.72 for i in range(len(colours) - dots_after)]
    for position, label in zip(positions, labels):
        if label:
            fig.text(label_x if label_x is not None else x + w + 8, position, label, size=11, anchor="start",
                     colour=GREY)
    return tail_y + (len(colours) - dots_after) * cell_h


def _layer_of_units(fig, x, ys, r, stroke, fill, labels=None, size=13):
    for index, cy in enumerate(ys):
        if cy is None:
            continue
        fig.unit(x, cy, r, stroke=stroke, fill=fill)
        if labels and labels[index]:
            fig.text(x, cy + size * 0.36, labels[index], size=size)


def _connect(fig, x1, ys1, x2, ys2, r1, r2, colour="#9aa7b8"):
    for y1 in ys1:
        for y2 in ys2:
            if y1 is None or y2 is None:
                continue
            fig.line(x1 + r1, y1, x2 - r2, y2, colour=colour, width=1.0)


# ---------------------------------------------------------------- assignment 0
def relu_neuron() -> Figure:
    fig = Figure(640, 210, "One ReLU neuron: floor area x in, predicted price y-hat out")
    fig.unit(90, 95, 30)
    fig.text(90, 101, "*x*", size=18)
    fig.text(90, 150, "floor area", size=13, colour=GREY)
    fig.arrow(120, 95, 238, 95, gap=2)
    fig.text(180, 85, "*w*", size=14, colour=GREY)
    fig.unit(310, 95, 70, stroke=ORANGE, fill=ORANGE_FILL)
    fig.line(240, 95, 380, 95, colour=ORANGE, width=1)
    fig.text(310, 82, "*z* = *w* *x* + *b*", size=15)
    fig.text(310, 122, "max(0, *z*)", size=15)
    fig.text(310, 190, "one neuron (a unit): the weight *w* and the bias *b* are learned", size=13, colour=GREY)
    fig.arrow(382, 95, 500, 95, gap=2)
    fig.unit(530, 95, 30, stroke=GREEN, fill=GREEN_FILL)
    fig.text(530, 101, "ŷ", size=18)
    fig.text(530, 150, "predicted price", size=13, colour=GREY)
    return fig


# ---------------------------------------------------------------- assignments 1 and 2: pictures to columns
def _unrolled_labels(prefix: str):
    return ["%s[0, 0, 0]" % prefix, "%s[0, 0, 1]" % prefix, "%s[0, 0, 2]" % prefix,
            "%s[0, 1, 0]" % prefix, "%s[0, 1, 1]" % prefix, "%s[0, 1, 2]" % prefix]


def image_to_vector() -> Figure:
    """Assignment 1, exercise 4: image2vector, (a, b, c) -> (a·b·c, 1), row-major."""
    fig = Figure(780, 330, "image2vector: an image of shape (a, b, c) unrolled into a column of shape (a·b·c, 1)")
    fig.text(20, 24, "a colour image: *c* = 3 values per pixel (red, green, blue)", size=13, anchor="start",
             colour=GREY)
    _picture(fig, 40, 70, 150)
    fig.lines(130, 262, ["image: shape (*a*, *b*, *c*)", "*a* rows, *b* columns, *c* values per pixel"], size=13)
    fig.arrow(240, 140, 410, 140)
    fig.lines(325, 120, ["reshape(*a* · *b* · *c*, 1)"], size=13)
    fig.lines(325, 166, ["row-major order:", "the last index changes fastest"], size=12, colour=GREY)
    colours = list(CHANNELS) * 2 + [CHANNELS[1], CHANNELS[2]]
    bottom = _column(fig, 440, 30, 34, colours, cell_h=22, dots_after=6,
                     labels=_unrolled_labels("image") + ["image[*a*−1, *b*−1, 1]", "image[*a*−1, *b*−1, 2]"])
    fig.lines(457, bottom + 26, ["v: shape (*a* · *b* · *c*, 1)"], size=13)
    for top, name in ((32, "pixel (0, 0)"), (98, "pixel (0, 1)")):
        fig.line(618, top, 618, top + 62, colour=GREY, width=1.2)
        fig.text(628, top + 36, name, size=12, anchor="start", colour=GREY)
    return fig


def pictures_to_matrix() -> Figure:
    """Assignment 2, section 2 (and assignment 5): every picture a column of X, then / 255."""
    fig = Figure(860, 330, "Each 64 x 64 colour picture becomes a column of 12288 values; "
                           "the 209 training pictures become X of shape (12288, 209)")
    _picture(fig, 20, 80, 130)
    fig.lines(105, 262, ["picture *i*: (64, 64, 3)", "values 0 … 255"], size=13)
    fig.arrow(200, 140, 330, 140)
    fig.lines(265, 122, ["unroll"], size=13)
    fig.lines(265, 166, ["row-major"], size=12, colour=GREY)
    colours = list(CHANNELS) * 2 + [CHANNELS[1], CHANNELS[2]]
    bottom = _column(fig, 350, 40, 30, colours, cell_h=20, dots_after=6)
    fig.text(365, 26, "*x*^{(*i*)}", size=14)
    fig.lines(365, bottom + 26, ["(12288, 1)", "= 64 · 64 · 3 values"], size=13)
    fig.arrow(410, 140, 510, 140)
    fig.lines(460, 122, ["stack *m*"], size=13)
    fig.lines(460, 166, ["side by side"], size=12, colour=GREY)
    # the matrix X: m columns, one per picture
    left, top, col_w, height = 530, 40, 26, 200
    for k, name in enumerate(["1", "2", "3", "4", "*m*"]):
        x = left + k * (col_w + 6) if k < 4 else left + 4 * (col_w + 6) + 34
        _column(fig, x, top, col_w, colours, cell_h=20, dots_after=6)
        fig.text(x + col_w / 2, top - 12, "*x*^{(%s)}" % name, size=11, colour=GREY)
    fig.text(left + 4 * (col_w + 6) + 14, top + 110, "⋯", size=18, colour=GREY)
    fig.lines(left + 95, top + height + 50, ["*X*: (12288, *m*), one column per picture",
                                            "training set: (12288, 209); test set: (12288, 50)",
                                            "then ÷ 255: every value in [0, 1]"], size=13)
    return fig


def logistic_unit() -> Figure:
    """Assignment 2: logistic regression as one neuron."""
    fig = Figure(860, 330, "Logistic regression as a neural network with a single sigmoid unit")
    ys = [50, 100, 150, None, 240]
    labels = ["*x*_{1}", "*x*_{2}", "*x*_{3}", None, "*x*_{12288}"]
    _layer_of_units(fig, 80, ys, 24, BLUE, BLUE_FILL, labels, size=12)
    fig.text(80, 202, "⋮", size=20, colour=GREY)
    for y, w in zip(ys, ["*w*_{1}", "*w*_{2}", "*w*_{3}", None, "*w*_{12288}"]):
        if y is not None:
            fig.line(104, y, 318, 150 + (y - 150) * 0.25, colour="#9aa7b8", width=1.1)
            fig.text(180, y + (150 - y) * 0.3 - 6, w, size=12, colour=GREY)
    fig.unit(400, 150, 84, stroke=ORANGE, fill=ORANGE_FILL)
    fig.line(316, 150, 484, 150, colour=ORANGE, width=1)
    fig.text(400, 134, "*z* = *w*^{T} *x* + *b*", size=15)
    fig.text(400, 178, "*a* = σ(*z*)", size=15)
    fig.arrow(486, 150, 580, 150)
    fig.unit(612, 150, 30, stroke=GREEN, fill=GREEN_FILL)
    fig.text(612, 156, "ŷ = *a*", size=13)
    fig.arrow(644, 150, 694, 150, colour=GREY)
    fig.lines(702, 144, ["loss against the label *y*:", "ℒ(*a*, *y*) = −*y* log *a*", "− (1 − *y*) log(1 − *a*)"],
              size=12, colour=GREY, anchor="start")
    fig.lines(80, 290, ["*x*: (12288, 1)", "one picture"], size=13)
    fig.lines(400, 270, ["*w*: (12288, 1), one weight per input value", "*b*: a single number",
                         "cost *J*: the mean of ℒ over the *m* pictures"], size=13)
    fig.lines(612, 205, ["probability of a cat:", "cat when ŷ > 0.5"], size=12, colour=GREY)
    return fig


# ---------------------------------------------------------------- assignment 3
def one_hidden_layer(n_x=2, n_h=4, title=None, shapes=True) -> Figure:
    """Assignment 3: x (2 features) -> 4 tanh units -> 1 sigmoid unit. With ``shapes=False`` (the quiz that
    asks for them) the captions give the layer sizes only."""
    fig = Figure(820, 400, title or "A network with one hidden layer: %d inputs, %d tanh units, one sigmoid "
                                    "output unit" % (n_x, n_h))
    xs = (110, 400, 680)
    gap = min(64.0, 230.0 / max(1, n_h - 1))
    input_ys = [200 + 64 * (k - (n_x - 1) / 2) for k in range(n_x)]
    hidden_ys = [200 + gap * (k - (n_h - 1) / 2) for k in range(n_h)]
    _connect(fig, xs[0], input_ys, xs[1], hidden_ys, 24, 26)
    _connect(fig, xs[1], hidden_ys, xs[2], [200], 26, 28)
    _layer_of_units(fig, xs[0], input_ys, 24, BLUE, BLUE_FILL, ["*x*_{%d}" % (k + 1) for k in range(n_x)])
    _layer_of_units(fig, xs[1], hidden_ys, 26, ORANGE, ORANGE_FILL,
                    ["*a*^{[1]}_{%d}" % (k + 1) for k in range(n_h)], size=12)
    _layer_of_units(fig, xs[2], [200], 28, GREEN, GREEN_FILL, ["*a*^{[2]}"])
    fig.arrow(708, 200, 760, 200)
    fig.text(785, 205, "ŷ", size=16)
    fig.text(xs[0], 30, "input layer", size=14, bold=True)
    fig.text(xs[1], 30, "hidden layer (tanh)", size=14, bold=True)
    fig.text(xs[2], 30, "output layer (sigmoid)", size=14, bold=True)
    if shapes:
        fig.lines(xs[0], 352, ["*n*_{*x*} = %d" % n_x, "*x*: (%d, 1)" % n_x], size=13)
        fig.lines(xs[1], 352, ["*n*_{*h*} = %d units" % n_h,
                               "*W*^{[1]}: (%d, %d), *b*^{[1]}: (%d, 1)" % (n_h, n_x, n_h)], size=13)
        fig.lines(xs[2], 352, ["*n*_{*y*} = 1 unit", "*W*^{[2]}: (1, %d), *b*^{[2]}: (1, 1)" % n_h], size=13)
        fig.text(400, 56, "all *m* examples at once: *X* (%d, *m*) → *A*^{[1]} (%d, *m*) → *A*^{[2]} (1, *m*)"
                 % (n_x, n_h), size=12, colour=GREY)
    else:
        fig.text(xs[0], 362, "*n*_{*x*} = %d inputs" % n_x, size=13)
        fig.text(xs[1], 362, "*n*_{*h*} = %d units" % n_h, size=13)
        fig.text(xs[2], 362, "*n*_{*y*} = 1 unit", size=13)
    return fig


# ---------------------------------------------------------------- assignment 4
def l_layer_outline() -> Figure:
    fig = Figure(940, 270, "The L-layer network: L - 1 layers LINEAR then RELU, and a last layer LINEAR then SIGMOID")
    boxes = [(200, "layer 1", "LINEAR → RELU", BLUE, BLUE_FILL), (370, "…", "", GREY, "#f2f2f2"),
             (540, "layer *L* − 1", "LINEAR → RELU", BLUE, BLUE_FILL),
             (730, "layer *L*", "LINEAR → SIGMOID", GREEN, GREEN_FILL)]
    fig.lines(55, 100, ["*X* = *A*^{[0]}", "(*n*^{[0]}, *m*)"], size=13)
    previous = 110
    for x, name, kind, stroke, fill in boxes:
        width = 140 if name != "…" else 70
        left = x - width / 2
        fig.arrow(previous, 105, left, 105, gap=2)
        fig.box(left, 70, width, 70, stroke=stroke, fill=fill)
        fig.lines(x, 100, [name, kind] if kind else [name], size=13)
        previous = left + width
    fig.arrow(previous, 105, 850, 105, gap=2)
    fig.lines(893, 100, ["ŷ = *A*^{[*L*]}", "(1, *m*)"], size=13)
    fig.brace(130, 610, 40)
    fig.text(370, 32, "[LINEAR → RELU] × (*L* − 1)", size=13, colour=GREY)
    fig.lines(470, 190, ["layer *l* computes *Z*^{[*l*]} = *W*^{[*l*]} *A*^{[*l*−1]} + *b*^{[*l*]} and *A*^{[*l*]} = *g*^{[*l*]}(*Z*^{[*l*]}),",
                         "with *W*^{[*l*]}: (*n*^{[*l*]}, *n*^{[*l*−1]});  *b*^{[*l*]}: (*n*^{[*l*]}, 1);  "
                         "*Z*^{[*l*]} and *A*^{[*l*]}: (*n*^{[*l*]}, *m*);",
                         "*g*^{[*l*]} is ReLU for *l* < *L* and the sigmoid for *l* = *L*"], size=13)
    return fig


def forward_backward() -> Figure:
    """Assignment 4: the forward pass keeps a cache per layer; the backward pass reads them in reverse."""
    fig = Figure(980, 430, "Forward pass (top) keeping a cache per layer, backward pass (bottom) reading them "
                           "in reverse, for L = 3")
    xs = [210, 420, 630]
    kinds = ["LINEAR → RELU", "LINEAR → RELU", "LINEAR → SIGMOID"]
    fig.text(20, 30, "forward: *A*^{[*l*−1]} → *A*^{[*l*]}", size=13, anchor="start", colour=INK, bold=True)
    fig.text(20, 412, "backward: *dA*^{[*l*]} → *dA*^{[*l*−1]}, *dW*^{[*l*]}, *db*^{[*l*]}", size=13,
             anchor="start", colour=RED, bold=True)
    fig.text(60, 92, "*A*^{[0]} = *X*", size=13)
    previous = 100
    for index, (x, kind) in enumerate(zip(xs, kinds), start=1):
        stroke, fill = (GREEN, GREEN_FILL) if index == 3 else (BLUE, BLUE_FILL)
        fig.arrow(previous, 97, x - 70, 97, gap=2)
        if index > 1:
            fig.text((previous + x - 70) / 2, 88, "*A*^{[%d]}" % (index - 1), size=13)
        fig.box(x - 70, 65, 140, 64, stroke=stroke, fill=fill)
        fig.lines(x, 91, ["layer %d" % index, kind], size=13)
        fig.text(x, 53, "*W*^{[%d]}, *b*^{[%d]}" % (index, index), size=12, colour=GREY)
        # the cache it keeps
        fig.arrow(x, 131, x, 178, colour=PURPLE, dash=True)
        fig.box(x - 95, 180, 190, 44, stroke=PURPLE, fill=PURPLE_FILL, rx=22)
        fig.lines(x, 198, ["cache %d" % index, "((*A*^{[%d]}, *W*^{[%d]}, *b*^{[%d]}), *Z*^{[%d]})"
                           % (index - 1, index, index, index)], size=11)
        fig.arrow(x, 226, x, 272, colour=PURPLE, dash=True)
        # the backward step of the layer
        fig.box(x - 70, 274, 140, 64, stroke=RED, fill=RED_FILL)
        fig.lines(x, 300, ["layer %d backward" % index, kind.split(" → ")[1] + " → LINEAR"], size=12)
        fig.arrow(x, 340, x, 372, colour=RED)
        fig.text(x, 388, "*dW*^{[%d]}, *db*^{[%d]}" % (index, index), size=12, colour=RED)
        previous = x + 70
    fig.arrow(previous, 97, 780, 97, gap=2)
    fig.text(740, 88, "*A*^{[3]}", size=13)
    fig.box(780, 65, 150, 64, stroke=ORANGE, fill=ORANGE_FILL)
    fig.lines(855, 91, ["cost *J*", "(*A*^{[3]} against *Y*)"], size=13)
    # backward arrows, right to left
    fig.polyline_arrow([(855, 131), (855, 306), (xs[2] + 72, 306)], colour=RED)
    fig.text(780, 296, "*dA*^{[3]}", size=13, colour=RED)
    for right, left, index in ((xs[2], xs[1], 2), (xs[1], xs[0], 1)):
        fig.arrow(right - 70, 306, left + 72, 306, colour=RED)
        fig.text((right + left) / 2, 296, "*dA*^{[%d]}" % index, size=13, colour=RED)
    fig.arrow(xs[0] - 70, 306, 70, 306, colour=RED)
    fig.lines(90, 296, ["*dA*^{[0]}"], size=13, colour=RED)
    fig.text(90, 326, "(not needed)", size=11, colour=GREY)
    fig.lines(930, 395, ["all go to", "update_parameters"], size=11, colour=GREY, anchor="end")
    return fig


def linear_backward() -> Figure:
    """Assignment 4, exercise 7: what linear_backward gets and what it returns, with shapes."""
    fig = Figure(900, 360, "linear_backward: from dZ of layer l and the linear cache to dA of layer l-1, dW and db")
    fig.text(450, 28, "forward, for reference: *Z*^{[*l*]} = *W*^{[*l*]} *A*^{[*l*−1]} + *b*^{[*l*]}",
             size=13, colour=GREY)
    fig.box(360, 110, 180, 80, stroke=RED, fill=RED_FILL)
    fig.lines(450, 145, ["linear_backward", "(layer *l*)"], size=14)
    # cache in from the top
    fig.box(330, 44, 240, 36, stroke=PURPLE, fill=PURPLE_FILL, rx=18)
    fig.text(450, 67, "cache: (*A*^{[*l*−1]}, *W*^{[*l*]}, *b*^{[*l*]})", size=13)
    fig.arrow(450, 82, 450, 108, colour=PURPLE, dash=True)
    # dZ in from the right
    fig.arrow(720, 150, 542, 150, colour=RED)
    fig.lines(800, 140, ["*dZ*^{[*l*]}", "(*n*^{[*l*]}, *m*)"], size=14, colour=RED)
    # dA_prev out to the left
    fig.arrow(358, 150, 190, 150, colour=RED)
    fig.lines(110, 128, ["*dA*^{[*l*−1]}", "= *W*^{[*l*]T} *dZ*^{[*l*]}", "(*n*^{[*l*−1]}, *m*)"],
              size=14, colour=RED)
    # dW and db out at the bottom
    fig.polyline_arrow([(410, 192), (410, 230), (270, 230), (270, 258)], colour=RED)
    fig.polyline_arrow([(490, 192), (490, 230), (630, 230), (630, 258)], colour=RED)
    fig.lines(270, 282, ["*dW*^{[*l*]} = (1/*m*) *dZ*^{[*l*]} *A*^{[*l*−1]T}", "(*n*^{[*l*]}, *n*^{[*l*−1]})"],
              size=14, colour=RED)
    fig.lines(630, 282, ["*db*^{[*l*]} = (1/*m*) · the sum of the *m* columns of *dZ*^{[*l*]}",
                         "(*n*^{[*l*]}, 1)"], size=14, colour=RED)
    fig.text(450, 345, "column *i* of *dZ*^{[*l*]} is example *i*'s own gradient; the 1/*m* makes "
                       "*dW*^{[*l*]} and *db*^{[*l*]} gradients of the average cost *J*", size=12, colour=GREY)
    return fig


# ---------------------------------------------------------------- assignment 5
def _chain(fig: Figure, y: int, steps, start_x: int, end_x: int):
    """Boxes side by side joined by arrows: steps are (label lines, shape lines, stroke, fill, width)."""
    total = sum(step[4] for step in steps)
    gap = (end_x - start_x - total) / (len(steps) - 1)
    x = start_x
    centres = []
    for index, (labels, notes, stroke, fill, width) in enumerate(steps):
        if stroke:
            fig.box(x, y - 32, width, 64, stroke=stroke, fill=fill)
        fig.lines(x + width / 2, y - (6 if len(labels) > 1 else -5), labels, size=13)
        if notes:
            fig.lines(x + width / 2, y + 56, notes, size=12, colour=GREY)
        if index < len(steps) - 1:
            fig.arrow(x + width, y, x + width + gap, y, gap=2)
        centres.append(x + width / 2)
        x += width + gap
    return centres


def two_layer_model() -> Figure:
    fig = Figure(960, 250, "The 2-layer model: LINEAR, RELU, LINEAR, SIGMOID on a picture unrolled into "
                           "12288 values")
    _picture(fig, 14, 80, 50, grid=3)
    fig.lines(46, 160, ["picture", "(64, 64, 3)"], size=12, colour=GREY)
    steps = [(["*x*"], ["(12288, 1)"], None, None, 30),
             (["LINEAR"], ["*W*^{[1]}: (7, 12288)", "*b*^{[1]}: (7, 1)"], BLUE, BLUE_FILL, 100),
             (["RELU"], ["*a*^{[1]}: (7, 1)"], BLUE, BLUE_FILL, 80),
             (["LINEAR"], ["*W*^{[2]}: (1, 7)", "*b*^{[2]}: (1, 1)"], GREEN, GREEN_FILL, 100),
             (["SIGMOID"], ["ŷ = *a*^{[2]}: (1, 1)"], GREEN, GREEN_FILL, 90),
             (["cat if ŷ > 0.5"], [], None, None, 110)]
    fig.arrow(96, 100, 130, 100, gap=2)
    _chain(fig, 100, steps, 132, 940)
    fig.text(480, 236, "layers_dims = (*n*_{*x*}, *n*_{*h*}, *n*_{*y*}) = (12288, 7, 1); for *m* pictures at once "
                       "*X* is (12288, *m*) and every column above gets *m* columns", size=12, colour=GREY)
    return fig


def l_layer_model() -> Figure:
    fig = Figure(960, 260, "The L-layer model of assignment 5: layers_dims = [12288, 20, 7, 5, 1], "
                           "three RELU layers and a SIGMOID layer")
    _picture(fig, 14, 80, 50, grid=3)
    fig.lines(46, 160, ["picture", "(64, 64, 3)"], size=12, colour=GREY)
    steps = [(["*x*"], ["(12288, 1)"], None, None, 30),
             (["LINEAR → RELU", "20 units"], ["*W*^{[1]}: (20, 12288)", "*b*^{[1]}: (20, 1)"], BLUE, BLUE_FILL, 130),
             (["LINEAR → RELU", "7 units"], ["*W*^{[2]}: (7, 20)", "*b*^{[2]}: (7, 1)"], BLUE, BLUE_FILL, 130),
             (["LINEAR → RELU", "5 units"], ["*W*^{[3]}: (5, 7)", "*b*^{[3]}: (5, 1)"], BLUE, BLUE_FILL, 130),
             (["LINEAR → SIGMOID", "1 unit"], ["*W*^{[4]}: (1, 5)", "*b*^{[4]}: (1, 1)"], GREEN, GREEN_FILL, 150),
             (["ŷ"], ["cat if ŷ > 0.5"], None, None, 40)]
    fig.arrow(96, 100, 130, 100, gap=2)
    _chain(fig, 100, steps, 132, 940)
    fig.text(480, 244, "*L* = 4 layers with parameters; [LINEAR → RELU] × (*L* − 1) → LINEAR → SIGMOID",
             size=12, colour=GREY)
    return fig


# ---------------------------------------------------------------- assignment 6
def digits_network() -> Figure:
    fig = Figure(900, 424, "The digits network: 400 pixels in, Dense layers of 25, 15 and 1 sigmoid units")
    # a 20 x 20 picture of a one, drawn coarsely
    for i in range(10):
        for j in range(10):
            ink = 3 <= j <= 5 and 1 <= i <= 8 or (i == 2 and j == 2)
            fig.box(20 + j * 9, 150 + i * 9, 9, 9, stroke="#ffffff", fill="#333333" if ink else "#eeeeee", rx=0, width=0.5)
    fig.lines(65, 262, ["20 × 20 pixels"], size=12, colour=GREY)
    fig.arrow(116, 195, 186, 195, gap=2)
    fig.text(151, 186, "unroll", size=12, colour=GREY)
    columns = [(220, 400, BLUE, BLUE_FILL, "*x*: (400,)", ["input", "400 values"]),
               (420, 25, ORANGE, ORANGE_FILL, "*a*^{[1]}: (25,)", ["layer 1", "25 units"]),
               (600, 15, ORANGE, ORANGE_FILL, "*a*^{[2]}: (15,)", ["layer 2", "15 units"]),
               (760, 1, GREEN, GREEN_FILL, "*a*^{[3]}: (1,)", ["layer 3", "1 unit"])]
    shown = {400: 6, 25: 5, 15: 4, 1: 1}
    ys_by_layer = []
    for x, count, stroke, fill, shape, names in columns:
        k = shown[count]
        if count == 1:
            ys = [195]
        else:   # k - 1 units, a gap with dots, the last unit; centred on the output unit
            top = 195 - 34 * k / 2
            ys = [top + 34 * i for i in range(k - 1)] + [None, top + 34 * k]
        ys_by_layer.append((x, ys, stroke, fill, shape, names))
    for (x1, ys1, *_), (x2, ys2, *_) in zip(ys_by_layer, ys_by_layer[1:]):
        _connect(fig, x1, ys1, x2, ys2, 15, 15)
    for x, ys, stroke, fill, shape, names in ys_by_layer:
        _layer_of_units(fig, x, ys, 15, stroke, fill)
        if None in ys:
            fig.text(x, ys[-1] - 22, "⋮", size=16, colour=GREY)
        fig.lines(x, 36, names, size=13, bold=False)
        fig.text(x, 338, shape, size=13)
    fig.arrow(776, 195, 812, 195, gap=2)
    fig.lines(818, 190, ["P(a 1)", "ŷ = 1 if ≥ 0.5"], size=12, colour=GREY, anchor="start")
    fig.lines(420, 362, ["*W*^{[1]}: (400, 25)", "*b*^{[1]}: (25,)"], size=12, colour=GREY)
    fig.lines(600, 362, ["*W*^{[2]}: (25, 15)", "*b*^{[2]}: (15,)"], size=12, colour=GREY)
    fig.lines(760, 362, ["*W*^{[3]}: (15, 1)", "*b*^{[3]}: (1,)"], size=12, colour=GREY)
    fig.text(450, 412, "every unit: *g*(*z*) with *z* = *a*_{in} · *W*_{:, *k*} + *b*_{*k*}, *g* the sigmoid;  "
                       "a batch of *m* examples: *X* (*m*, 400) → (*m*, 25) → (*m*, 15) → (*m*, 1)",
             size=12, colour=GREY)
    return fig


# ---------------------------------------------------------------- the quizzes
def quiz_shallow_network() -> Figure:
    return one_hidden_layer(n_x=3, n_h=5, title="A network with one hidden layer of 5 units and 3 inputs",
                            shapes=False)


def quiz_deep_network() -> Figure:
    fig = Figure(900, 250, "A 3-layer network with layer sizes [4, 5, 3, 1]")
    sizes = [4, 5, 3, 1]
    xs = [110, 330, 550, 770]
    ys_by_layer = []
    for size in sizes:
        ys_by_layer.append([125 + 34 * (k - (size - 1) / 2) for k in range(size)])
    for (x1, ys1), (x2, ys2) in zip(zip(xs, ys_by_layer), zip(xs[1:], ys_by_layer[1:])):
        _connect(fig, x1, ys1, x2, ys2, 13, 13)
    styles = [(BLUE, BLUE_FILL), (ORANGE, ORANGE_FILL), (ORANGE, ORANGE_FILL), (GREEN, GREEN_FILL)]
    names = ["input: *n*^{[0]} = 4", "layer 1: *n*^{[1]} = 5", "layer 2: *n*^{[2]} = 3", "layer 3: *n*^{[3]} = 1"]
    for x, ys, (stroke, fill), name in zip(xs, ys_by_layer, styles, names):
        _layer_of_units(fig, x, ys, 13, stroke, fill)
        fig.text(x, 32, name, size=13)
    fig.text(450, 235, "layer_dims = [4, 5, 3, 1]: ReLU in layers 1 and 2, a sigmoid in layer 3; *m* examples "
                       "as the columns of *X*", size=12, colour=GREY)
    return fig


#: (assignment folder, file name) -> drawing function
FIGURES: dict[tuple[str, str], Callable[[], Figure]] = {
    ("a0_concepts_quiz", "relu_neuron.svg"): relu_neuron,
    ("a1_numpy_basics", "image_to_vector.svg"): image_to_vector,
    ("a2_logistic_regression", "pictures_to_matrix.svg"): pictures_to_matrix,
    ("a2_logistic_regression", "logistic_unit.svg"): logistic_unit,
    ("a3_planar_data", "one_hidden_layer.svg"): one_hidden_layer,
    ("a4_deep_network", "l_layer_outline.svg"): l_layer_outline,
    ("a4_deep_network", "forward_backward.svg"): forward_backward,
    ("a4_deep_network", "linear_backward.svg"): linear_backward,
    ("a5_deep_application", "pictures_to_matrix.svg"): pictures_to_matrix,
    ("a5_deep_application", "two_layer_model.svg"): two_layer_model,
    ("a5_deep_application", "l_layer_model.svg"): l_layer_model,
    ("a6_digits", "digits_network.svg"): digits_network,
    ("a3_shallow_networks_quiz", "shallow_network.svg"): quiz_shallow_network,
    ("a5_deep_networks_quiz", "deep_network.svg"): quiz_deep_network,
}


def figure_path(assignment: str, name: str, root: Path = REPO) -> Path:
    return root / "source" / assignment / "images" / name


def render_all() -> dict[tuple[str, str], str]:
    """(assignment, file name) -> the SVG text it must hold."""
    return {key: draw().svg() for key, draw in FIGURES.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when a file differs")
    args = parser.parse_args(argv)
    stale = []
    for (assignment, name), text in render_all().items():
        path = figure_path(assignment, name)
        if path.is_file() and path.read_text() == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print("wrote %s" % path.relative_to(REPO))
    if args.check and stale:
        print("out of date: %s" % ", ".join(str(p.relative_to(REPO)) for p in stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
