"""Pictures shared by the notebooks."""

from __future__ import annotations

import numpy as np


def _as_2d(x) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim > 2:
        raise ValueError("show_broadcast draws arrays of at most 2 dimensions, got shape %s" % (x.shape,))
    return x.reshape((1,) * (2 - x.ndim) + x.shape)


def _draw_grid(ax, values: np.ndarray, real_shape: tuple, title: str) -> None:
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            real = i < real_shape[0] and j < real_shape[1]
            ax.add_patch(_rect((j, rows - 1 - i), "#4c72b0" if real else "#dde6f3"))
            ax.text(j + 0.5, rows - 0.5 - i, "%g" % values[i, j], ha="center", va="center",
                    color="white" if real else "#7f8fa6", fontsize=11)
    ax.set_xlim(-0.1, cols + 0.1)
    ax.set_ylim(-0.1, rows + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)


def _rect(xy, color):
    from matplotlib.patches import Rectangle

    return Rectangle(xy, 1, 1, facecolor=color, edgecolor="white", linewidth=2)


def show_broadcast(a, b, op: str = "+"):
    """Draw ``a``, ``b`` and ``a op b`` as grids of numbers.

    Inputs: a and b, scalars or arrays of at most 2 dimensions whose shapes
    broadcast together. Dark cells hold the values an array really has; pale
    cells are the copies broadcasting makes (no memory is used for them).
    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    ops = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}
    a2, b2 = _as_2d(a), _as_2d(b)
    result = ops[op](a2, b2)
    shape = result.shape
    fig, axes = plt.subplots(1, 3, figsize=(2.2 + 0.8 * 3 * shape[1], 0.9 + 0.7 * shape[0]))
    _draw_grid(axes[0], np.broadcast_to(a2, shape), a2.shape, "a: shape %s" % (np.shape(a),))
    _draw_grid(axes[1], np.broadcast_to(b2, shape), b2.shape, "b: shape %s" % (np.shape(b),))
    _draw_grid(axes[2], result, shape, "a %s b: shape %s" % (op, np.shape(ops[op](a, b))))
    fig.tight_layout(w_pad=3)
    for left, right, sign in ((axes[0], axes[1], op), (axes[1], axes[2], "=")):
        x = (left.get_position().x1 + right.get_position().x0) / 2
        fig.text(x, 0.45, sign, fontsize=18, ha="center", va="center")
    return fig
