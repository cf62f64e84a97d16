"""The application's own helpers, handed out with assignment 5 (written for it, not generated).

* ``initialize_parameters_deep``: the application's initialiser, on which its published numbers depend.
  It is *not* assignment 4's exercise of the same name: the weights are scaled by 1/sqrt(fan-in)
  instead of 0.01, from a legacy ``RandomState(seed)``;
* ``predict`` and ``accuracy``: 0/1 predictions of a trained network and the share that is right.

Conventions as in assignment 4: examples are columns, ``X`` is (n_x, m), labels ``Y`` are (1, m).
"""

import numpy as np

from dnn_blocks import L_model_forward

__all__ = ["initialize_parameters_deep", "predict", "accuracy"]


def initialize_parameters_deep(layer_dims, seed=1):
    """Random weights scaled by 1/sqrt(fan-in) and zero biases, for an L-layer network.

    This is the initialiser of the application (assignment 5), on which its published numbers
    depend: a legacy ``RandomState(seed)`` (the same stream as the course's ``np.random.seed(1)``),
    and for l = 1 .. L, ``W{l} = randn(n_l, n_{l-1}) / sqrt(n_{l-1})``. Assignment 4's exercise of
    the same name uses ``0.01 * randn`` with seed 3 instead.

    Args:
        layer_dims: [n_x, n_1, ..., n_L], the size of every layer, input first.

    Returns:
        parameters: {"W1", "b1", ..., "WL", "bL"}, W{l} of shape (n_l, n_{l-1}), b{l} zeros (n_l, 1).
    """
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = rng.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def accuracy(p, y):
    """Share of the predictions p (1, m) equal to the labels y (1, m), as the course computes it.

    It sums 1/m once per correct example, so a perfect score prints as 0.9999999999999998 for
    m = 209 (floating-point rounding), exactly as the course's published figure.
    """
    m = y.shape[1]
    return float(np.sum((p == y) / m))


def predict(X, y, parameters, print_accuracy=True):
    """Predict 0/1 labels with an L-layer network: 1 where the output probability exceeds 0.5.

    Args:
        X: inputs, (n_x, m).
        y: the true labels, (1, m), used only to print the accuracy.
        parameters: the trained parameters.
        print_accuracy: print "Accuracy: ..." (see :func:`accuracy`).

    Returns:
        p: float array of 0s and 1s, (1, m).
    """
    probas, _ = L_model_forward(X, parameters)
    p = (probas > 0.5).astype(np.float64)
    if print_accuracy:
        print("Accuracy: " + str(accuracy(p, y)))
    return p
