"""A numerical gradient check for a deep network's backward pass, handed out with assignment 4.

``gradient_check(parameters, X, Y, forward=..., backward=..., cost=...)`` compares the gradients that
*your* backward pass returns with centred differences of *your* cost. It holds no network of its
own: you hand it your functions, with the signatures of the exercises (``forward(X, parameters)
-> (AL, caches)``, ``backward(AL, Y, caches) -> grads``, ``cost(AL, Y) -> cost``).
"""

import numpy as np

__all__ = ["numerical_gradients", "gradient_check", "GRADCHECK_EPSILON", "GRADCHECK_TOLERANCE"]


#: Step of the centred differences. Their truncation error shrinks like epsilon^2 and their rounding
#: error grows like 1e-16 / epsilon; 1e-6 balances the two for float64 costs of order 1.
GRADCHECK_EPSILON = 1e-6
#: Pass threshold of the relative difference ||g - g_num|| / (||g|| + ||g_num||). A right backward
#: pass gives about 1e-9 on small networks (measured: 2e-10 to 2e-9), a wrong one 1e-3 and more.
#: (ReLU's kink can fail a right pass when some Z lies within epsilon of 0: rare with random
#: inputs; the verdict then names the gradient that disagrees most.)
GRADCHECK_TOLERANCE = 1e-7


def numerical_gradients(parameters, X, Y, *, forward, cost, epsilon=GRADCHECK_EPSILON):
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


def gradient_check(parameters, X, Y, *, forward, backward, cost, epsilon=GRADCHECK_EPSILON,
                   tolerance=GRADCHECK_TOLERANCE, verbose=True):
    """Compare a backward pass with centred differences of the cost; return the relative difference.

    ``forward``, ``backward`` and ``cost`` are yours, with the signatures of ``L_model_forward``,
    ``L_model_backward`` and ``compute_cost``.

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
