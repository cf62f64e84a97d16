"""Data and pictures for assignment 3 (planar data classification with one hidden layer), handed out
with it (nbgrader copies this file into release/a3_planar_data/).

Everything here is a helper the notebook hands to students: the two-class "flower" data set,
four extra toy data sets from scikit-learn, the sigmoid, and a decision-boundary plot. None of
it is part of an exercise.

Layout: like the rest of the workbook, examples are **columns**. A data set of m points in the
plane is ``X`` of shape (2, m) with labels ``Y`` of shape (1, m).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

#: The flower of the course: 400 points, 200 per class, petals of amplitude 4.
FLOWER_POINTS_PER_CLASS = 200
FLOWER_AMPLITUDE = 4.0
#: The seed the course uses for the flower; the published numbers (90.75 % accuracy, the costs)
#: hold for the points it gives.
FLOWER_SEED = 1

#: Size of each extra data set, as in the course.
EXTRA_POINTS = 200
#: The blobs use a fixed seed in the course; the other three take the seed you pass.
BLOBS_SEED = 5


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), entry by entry.

    Inputs: z, a number or an array of any shape.
    Returns: an array (or number) of the same shape, with values in (0, 1).
    """
    return 1 / (1 + np.exp(-z))


def make_flower(rng: np.random.RandomState | None = None):
    """The two-class flower: 8 petals in the plane, alternately red (0) and blue (1).

    Class j (j = 0, 1) gets N = 200 points. Their angles t are N evenly spaced values from
    3.12 j to 3.12 (j + 1) plus Gaussian noise (standard deviation 0.2); their radii are
    r = 4 sin(4 t) plus Gaussian noise (0.2); each point is (r sin t, r cos t).

    Inputs:
        rng: a ``numpy.random.RandomState`` that draws the noise. The default,
            ``RandomState(1)``, gives the course's points: its published accuracies and costs
            hold for exactly this stream of numbers (NumPy's legacy generator seeded with 1,
            which is what the course's ``np.random.seed(1)`` sets up), so it is kept for parity
            instead of a ``default_rng``. For the draws to match, the noise is drawn in the
            course's order: for each class, the N angle perturbations, then the N radius ones.

    Returns:
        X: float64 array of shape (2, 400), one point per column.
        Y: uint8 array of shape (1, 400), the label (0 or 1) of each column of X.
    """
    if rng is None:
        rng = np.random.RandomState(FLOWER_SEED)
    n = FLOWER_POINTS_PER_CLASS
    points = np.zeros((2 * n, 2))
    labels = np.zeros((2 * n, 1), dtype=np.uint8)
    for j in range(2):
        rows = slice(n * j, n * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + 0.2 * rng.randn(n)
        r = FLOWER_AMPLITUDE * np.sin(4 * t) + 0.2 * rng.randn(n)
        points[rows, 0] = r * np.sin(t)
        points[rows, 1] = r * np.cos(t)
        labels[rows] = j
    return points.T, labels.T


def make_extra_datasets(seed: int = 0) -> dict:
    """Four more two-dimensional, two-class problems from scikit-learn, in the workbook's layout.

    With the course's parameters (200 points each):

    * ``"noisy_circles"``: ``make_circles(factor=0.5, noise=0.3)``, a ring around a disc;
    * ``"noisy_moons"``: ``make_moons(noise=0.2)``, two interleaved half-moons;
    * ``"blobs"``: ``make_blobs(centers=6, random_state=5)``; the six blob numbers become
      two classes by parity (label mod 2), as in the course;
    * ``"gaussian_quantiles"``: ``make_gaussian_quantiles(cov=0.5, n_classes=2)``, an inner
      cloud and an outer shell of one Gaussian.

    Inputs:
        seed: the ``random_state`` of the circles, moons and quantiles (the course leaves them
            to NumPy's global generator, so its pictures of them are not reproducible; here
            they are). The blobs always use the course's ``random_state=5``.

    Returns:
        {name: (X, Y)} with X float64 of shape (2, 200) and Y uint8 of shape (1, 200).
    """
    from sklearn import datasets

    n = EXTRA_POINTS
    raw = {
        "noisy_circles": datasets.make_circles(n_samples=n, factor=0.5, noise=0.3, random_state=seed),
        "noisy_moons": datasets.make_moons(n_samples=n, noise=0.2, random_state=seed),
        "blobs": datasets.make_blobs(n_samples=n, random_state=BLOBS_SEED, n_features=2, centers=6),
        "gaussian_quantiles": datasets.make_gaussian_quantiles(
            mean=None, cov=0.5, n_samples=n, n_features=2, n_classes=2, shuffle=True,
            random_state=seed),
    }
    out = {}
    for name, (points, labels) in raw.items():
        if name == "blobs":
            labels = labels % 2
        out[name] = (np.asarray(points, dtype=np.float64).T,
                     np.asarray(labels, dtype=np.uint8).reshape(1, -1))
    return out


def scatter_classes(X, Y, ax=None, title: str | None = None):
    """Draw the points of a two-class data set, coloured by label.

    Inputs:
        X: array of shape (2, m), one point per column.
        Y: array of shape (1, m) (or (m,)) of labels 0 / 1.
        ax: a matplotlib Axes to draw on (default: the current one).
        title: an optional title.
    Returns: the Axes.
    """
    import matplotlib.pyplot as plt

    ax = ax or plt.gca()
    ax.scatter(X[0, :], X[1, :], c=np.ravel(Y), s=14, cmap=plt.cm.Spectral,
               edgecolors="k", linewidths=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_decision_boundary(predict: Callable, X, Y, ax=None, title: str | None = None,
                           resolution: int = 300, margin: float = 1.0):
    """Shade the plane by the class a model predicts, then draw the data on top.

    Inputs:
        predict: a function taking an array P of shape (2, k), k points as columns, and
            returning k labels (any shape with k entries: (1, k) booleans, (k,) integers, ...).
            For a network: ``lambda P: predict(parameters, P)``; for a scikit-learn model
            fitted on rows: ``lambda P: model.predict(P.T)``.
        X: array of shape (2, m), the data points (one per column).
        Y: array of shape (1, m) (or (m,)) of labels 0 / 1.
        ax: a matplotlib Axes (default: the current one).
        title: an optional title.
        resolution: the grid has resolution x resolution points (the course's 0.01 step would
            ask a 50-unit network for over a million points at once).
        margin: how far the grid extends beyond the data on every side.
    Returns: the Axes.
    """
    import matplotlib.pyplot as plt

    ax = ax or plt.gca()
    x_min, x_max = X[0, :].min() - margin, X[0, :].max() + margin
    y_min, y_max = X[1, :].min() - margin, X[1, :].max() + margin
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.vstack([xx.ravel(), yy.ravel()])                 # (2, resolution**2)
    labels = np.asarray(predict(grid), dtype=float).reshape(xx.shape)
    ax.contourf(xx, yy, labels, levels=[-0.5, 0.5, 1.5], cmap=plt.cm.Spectral, alpha=0.8)
    scatter_classes(X, Y, ax=ax, title=title)
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    return ax


def accuracy(predictions, Y) -> float:
    """Percentage of labels predicted right.

    Inputs: predictions and Y, arrays with the same number of entries m (any shapes), labels 0 / 1
    (booleans count as 0 / 1).
    Returns: a Python float, 100 * (number of equal entries) / m.
    """
    p = np.asarray(predictions).astype(int).ravel()
    y = np.asarray(Y).astype(int).ravel()
    if p.size != y.size:
        raise ValueError("predictions have %d entries but there are %d labels" % (p.size, y.size))
    return float(100.0 * np.mean(p == y))
