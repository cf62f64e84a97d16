"""The activations of a deep network and their backward passes, handed out with assignment 4.

Each forward function returns the activation **and** a cache (its input ``Z``), which the matching
backward function needs. All four work entry by entry on arrays of any shape. Assignment 5 gets an
identical copy of this file (made by ``python -m grader release``, never edited there).
"""

import numpy as np

__all__ = ["sigmoid", "relu", "sigmoid_backward", "relu_backward"]


def sigmoid(Z):
    """Sigmoid of every entry of Z.

    Args:
        Z: array of any shape, the pre-activation.

    Returns:
        (A, cache): A = 1 / (1 + exp(-Z)), same shape as Z; cache = Z, kept for the backward pass.
    """
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def relu(Z):
    """Rectified linear unit of every entry of Z.

    Args:
        Z: array of any shape, the pre-activation.

    Returns:
        (A, cache): A = max(0, Z), same shape as Z; cache = Z, kept for the backward pass.
    """
    A = np.maximum(0, Z)
    return A, Z


def relu_backward(dA, cache):
    """Gradient through a ReLU unit.

    Args:
        dA: gradient of the cost with respect to the ReLU's output, any shape.
        cache: Z, the ReLU's input, same shape as dA.

    Returns:
        dZ: gradient with respect to Z, same shape: dA where Z > 0, and 0 where Z <= 0 (the
        derivative at exactly 0 is taken as 0).
    """
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    """Gradient through a sigmoid unit.

    Args:
        dA: gradient of the cost with respect to the sigmoid's output, any shape.
        cache: Z, the sigmoid's input, same shape as dA.

    Returns:
        dZ: gradient with respect to Z, same shape: dA * s * (1 - s) with s = sigmoid(Z).
    """
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ
