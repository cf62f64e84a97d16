"""Building blocks of a deep, fully connected network in NumPy: one source of truth.

Assignment 4 has students write these functions one by one; assignment 5 imports the solved versions
from here to train on the cat images, and anyone can check a backward pass with
:func:`gradient_check`. The notebooks of assignment 4 also import the activations and their backward
functions from here.

Conventions (the course's, kept so that its published numbers come out exactly):

* Examples are **columns**: ``X`` has shape ``(n_x, m)``, labels ``Y`` shape ``(1, m)``.
* ``parameters`` is a dict ``{"W1", "b1", ..., "WL", "bL"}`` with ``W{l}`` of shape
  ``(n_l, n_{l-1})`` and ``b{l}`` of shape ``(n_l, 1)``.
* Caches: a **linear cache** is the tuple ``(A_prev, W, b)``; the **activation cache** is ``Z``; a
  **layer cache** is ``(linear_cache, Z)``; ``caches`` is the list of the L layer caches, layer 1
  first.
* Layers 1 .. L-1 use ReLU, layer L the sigmoid. ReLU's derivative at ``Z = 0`` is taken as 0.
* ``grads`` has keys ``dA{l-1}``, ``dW{l}``, ``db{l}`` for l = 1 .. L.

Every expression below computes, bit for bit, what the course's reference code computes, in float64
(tests/test_a4_deep_network.py checks a training run against the course's own expressions). So the
training runs of assignment 5 reproduce the published accuracies and misclassified pictures exactly and
the published costs to about 1e-13 (their last digit depends on the machine's exp, log and BLAS
kernels); a mathematically equal but reordered formula would change them more.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "sigmoid", "relu", "sigmoid_backward", "relu_backward",
    "initialize_parameters", "initialize_parameters_deep",
    "linear_forward", "linear_activation_forward", "L_model_forward", "compute_cost",
    "linear_backward", "linear_activation_backward", "L_model_backward", "update_parameters",
    "predict", "accuracy", "numerical_gradients", "gradient_check",
    "GRADCHECK_EPSILON", "GRADCHECK_TOLERANCE",
]


# ---------------------------------------------------------------- activations
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


# ---------------------------------------------------------------- initialisation
def initialize_parameters(n_x, n_h, n_y, seed=1):
    """Small random weights and zero biases for a 2-layer network (LINEAR-RELU-LINEAR-SIGMOID).

    The draws come from NumPy's legacy generator seeded with ``seed`` (the course seeds the global
    generator with 1; a private ``RandomState(1)`` gives the very same numbers without touching
    the global state): W1, then W2, each ``randn(...) * 0.01``.

    Returns:
        {"W1": (n_h, n_x), "b1": (n_h, 1) zeros, "W2": (n_y, n_h), "b2": (n_y, 1) zeros}
    """
    rng = np.random.RandomState(seed)
    W1 = rng.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = rng.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


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


# ---------------------------------------------------------------- forward
def linear_forward(A, W, b):
    """The linear part of a layer, Z = W A + b.

    Args:
        A: activations of the previous layer, (n_{l-1}, m).
        W: weights, (n_l, n_{l-1}).
        b: biases, (n_l, 1).

    Returns:
        (Z, cache): Z of shape (n_l, m); cache = (A, W, b), the linear cache.
    """
    Z = W.dot(A) + b
    return Z, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """One layer: linear part, then "sigmoid" or "relu".

    Args:
        A_prev: (n_{l-1}, m); W: (n_l, n_{l-1}); b: (n_l, 1); activation: "sigmoid" or "relu".

    Returns:
        (A, cache): A of shape (n_l, m); cache = (linear_cache, Z), the layer cache.
    """
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    else:
        raise ValueError("activation must be 'sigmoid' or 'relu', not %r" % (activation,))
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters):
    """Forward pass: [LINEAR -> RELU] x (L-1), then LINEAR -> SIGMOID.

    Args:
        X: input, (n_x, m).
        parameters: {"W1", "b1", ..., "WL", "bL"}; L = len(parameters) // 2.

    Returns:
        (AL, caches): AL, the output probabilities, (1, m) (more generally (n_L, m)); caches, the
        list of the L layer caches, layer 1 first.
    """
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    """Cross-entropy cost, -(1/m) * sum(Y log AL + (1 - Y) log(1 - AL)).

    Written with two dot products, as the course's application module does: the published costs of
    assignment 5 come out of this form (a plain sum of the same terms differs in the last digit for
    some of them).

    Args:
        AL: predicted probabilities, (1, m).
        Y: labels, (1, m).

    Returns:
        cost: a 0-d float64 array (it prints as a number; float(cost) makes it a Python float).
    """
    m = Y.shape[1]
    cost = (1. / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


# ---------------------------------------------------------------- backward
def linear_backward(dZ, cache):
    """Gradients of the linear part of a layer.

    Args:
        dZ: gradient of the cost with respect to Z, (n_l, m).
        cache: (A_prev, W, b), the linear cache of the layer.

    Returns:
        (dA_prev, dW, db): dA_prev = W^T dZ, (n_{l-1}, m); dW = dZ A_prev^T / m, (n_l, n_{l-1});
        db = row sums of dZ / m, (n_l, 1).
    """
    A_prev, W, b = cache
    dW, db = _weight_gradients(dZ, A_prev)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def _weight_gradients(dZ, A_prev):
    """dW = (1/m) dZ A_prev^T and db = (1/m) row sums of dZ, bit for bit as the course writes them.

    The scaling happens in place: x * (1/m) is the very same floating-point operation as (1/m) * x,
    and for the first layer of the application, dW is (20, 12288): one array fewer per step.
    """
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T)
    dW *= 1. / m
    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    return dW, db


def _activation_backward(dA, activation_cache, activation):
    if activation == "relu":
        return relu_backward(dA, activation_cache)
    if activation == "sigmoid":
        return sigmoid_backward(dA, activation_cache)
    raise ValueError("activation must be 'sigmoid' or 'relu', not %r" % (activation,))


def linear_activation_backward(dA, cache, activation):
    """Backward pass through one layer: the activation, then the linear part.

    Args:
        dA: gradient with respect to the layer's output A, (n_l, m).
        cache: (linear_cache, Z), the layer cache.
        activation: "sigmoid" or "relu".

    Returns:
        (dA_prev, dW, db), shapes as in :func:`linear_backward`.
    """
    linear_cache, activation_cache = cache
    dZ = _activation_backward(dA, activation_cache, activation)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches, *, keep_dA0=True):
    """Backward pass of the whole network: the sigmoid layer L, then the ReLU layers L-1 .. 1.

    Args:
        AL: output of :func:`L_model_forward`, (1, m).
        Y: labels, (1, m).
        caches: the list of layer caches from :func:`L_model_forward`.
        keep_dA0: when False, skip dA0, the gradient with respect to the input X. Training never
            uses it, and for a wide input (12288 pixels) its product W1^T dZ1 costs as much as the
            first layer's two others; every other gradient is computed exactly as with True.

    Returns:
        grads: {"dA{l-1}", "dW{l}", "db{l}"} for l = 1 .. L (no "dA0" when keep_dA0 is False).
    """
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA = dAL
    for l in range(L, 0, -1):   # layer l, whose cache is caches[l - 1]
        linear_cache, activation_cache = caches[l - 1]
        dZ = _activation_backward(dA, activation_cache, "sigmoid" if l == L else "relu")
        if l == 1 and not keep_dA0:
            grads["dW1"], grads["db1"] = _weight_gradients(dZ, linear_cache[0])
            break
        dA, dW, db = linear_backward(dZ, linear_cache)
        grads["dA" + str(l - 1)] = dA
        grads["dW" + str(l)] = dW
        grads["db" + str(l)] = db
    return grads


def update_parameters(params, grads, learning_rate):
    """One step of gradient descent, W{l} - learning_rate * dW{l} and b{l} - learning_rate * db{l}.

    Args:
        params: {"W1", "b1", ..., "WL", "bL"}; left unchanged.
        grads: the gradients from :func:`L_model_backward`.
        learning_rate: the step size, a positive number.

    Returns:
        parameters: a new dict holding new arrays (params and its arrays are not touched).
    """
    parameters = {}
    for key, value in params.items():
        step = learning_rate * grads["d" + key]
        parameters[key] = np.subtract(value, step, out=step)   # value - step, in the array of step
    return parameters


# ---------------------------------------------------------------- prediction
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


# ---------------------------------------------------------------- gradient check
#: Step of the centred differences. Their truncation error shrinks like epsilon^2 and their rounding
#: error grows like 1e-16 / epsilon; 1e-6 balances the two for float64 costs of order 1.
GRADCHECK_EPSILON = 1e-6
#: Pass threshold of the relative difference ||g - g_num|| / (||g|| + ||g_num||). A right backward
#: pass gives about 1e-9 on small networks (measured: 2e-10 to 2e-9), a wrong one 1e-3 and more.
#: (ReLU's kink can fail a right pass when some Z lies within epsilon of 0: rare with random
#: inputs; the verdict then names the gradient that disagrees most.)
GRADCHECK_TOLERANCE = 1e-7


def numerical_gradients(parameters, X, Y, *, forward=L_model_forward, cost=compute_cost,
                        epsilon=GRADCHECK_EPSILON):
    """Centred-difference estimates of dJ/dW{l} and dJ/db{l}, one parameter entry at a time.

    J(theta) = cost(forward(X, parameters)[0], Y); each entry theta_i gets
    (J(theta_i + epsilon) - J(theta_i - epsilon)) / (2 epsilon). Costs 2 forward passes per
    parameter: for small networks only.

    Returns:
        {"dW1", "db1", ..., "dWL", "dbL"}, each of the shape of its parameter.
    """
    theta = {key: np.array(value, dtype=np.float64, copy=True) for key, value in parameters.items()}

    def J():
        AL, _ = forward(X, theta)
        return float(cost(AL, Y))

    estimates = {}
    for key, value in theta.items():
        estimate = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            kept = value[index]
            value[index] = kept + epsilon
            plus = J()
            value[index] = kept - epsilon
            minus = J()
            value[index] = kept
            estimate[index] = (plus - minus) / (2 * epsilon)
        estimates["d" + key] = estimate
    return estimates


def gradient_check(parameters, X, Y, *, forward=L_model_forward, backward=L_model_backward,
                   cost=compute_cost, epsilon=GRADCHECK_EPSILON, tolerance=GRADCHECK_TOLERANCE,
                   verbose=True):
    """Compare a backward pass with centred differences of the cost; return the relative difference.

    Pass your own ``forward``, ``backward`` and ``cost`` (with the signatures of
    :func:`L_model_forward`, :func:`L_model_backward` and :func:`compute_cost`) to check them.

    Args:
        parameters: {"W1", "b1", ..., "WL", "bL"} of a small network (a few hundred entries at most).
        X: inputs (n_x, m); Y: labels (1, m).
        epsilon: step of the centred differences.
        tolerance: the check passes when the relative difference is below it.
        verbose: print the verdict, and on failure the gradient that disagrees most.

    Returns:
        difference: ||g - g_num|| / (||g|| + ||g_num||) over all dW and db entries, a float.
    """
    AL, caches = forward(X, parameters)
    grads = backward(AL, Y, caches)
    estimates = numerical_gradients(parameters, X, Y, forward=forward, cost=cost, epsilon=epsilon)
    missing = [key for key in estimates if key not in grads]
    if missing:
        raise KeyError("the backward pass returned no %s" % ", ".join(missing))
    for key, estimate in estimates.items():
        if np.shape(grads[key]) != estimate.shape:
            raise ValueError("%s has shape %s, but its parameter has shape %s"
                             % (key, np.shape(grads[key]), estimate.shape))
    analytic = np.concatenate([np.ravel(grads[key]) for key in estimates])
    numeric = np.concatenate([np.ravel(estimates[key]) for key in estimates])
    difference = float(np.linalg.norm(analytic - numeric)
                       / (np.linalg.norm(analytic) + np.linalg.norm(numeric) + 1e-300))
    if verbose:
        if difference < tolerance:
            print("\u2714 gradient check passed: relative difference %.1e < %.0e" % (difference, tolerance))
        else:
            worst = max(estimates, key=lambda k: np.linalg.norm(np.ravel(grads[k]) - np.ravel(estimates[k]))
                        / (np.linalg.norm(estimates[k]) + np.linalg.norm(grads[k]) + 1e-300))
            print("\u2718 gradient check failed: relative difference %.1e >= %.0e; %s disagrees most"
                  % (difference, tolerance, worst))
    return difference
