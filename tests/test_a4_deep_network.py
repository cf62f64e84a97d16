"""Assignment 4: its solutions, its handed-out helpers, and assignment 5's copy of its building blocks.

The instructor notebook's solution cells are the one source of truth for the deep-network building blocks:
``grader.handouts`` writes them into source/a5_deep_application/dnn_blocks.py, which assignment 5 hands out
(tests/test_audiences.py keeps that file in sync). These tests pin those blocks to the course's published
examples, check the cache structure and that one training step is bit for bit the course's, and check the
helpers that assignment 4 hands out (activations.py, gradcheck.py).
"""

import copy

import nbformat
import numpy as np
import pytest

from conftest import REPO, handout
from grader.authoring.solutions import instructor_solutions

acts = handout("a4_deep_network", "activations")
gradcheck = handout("a4_deep_network", "gradcheck")
deep = handout("a5_deep_application", "dnn_blocks")      # assignment 4's solutions, as assignment 5 gets them
app = handout("a5_deep_application", "dnn_app_utils")    # the application's own initialiser and predict

SOURCE = REPO / "source" / "a4_deep_network" / "deep_network.ipynb"


def random_network(dims, m, seed, *, zero_at_kink=False):
    """(parameters, X, Y) of a network with layer sizes ``dims`` and m examples."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(dims)):
        parameters["W%d" % l] = 0.7 * rng.standard_normal((dims[l], dims[l - 1]))
        parameters["b%d" % l] = 0.2 * rng.standard_normal((dims[l], 1))
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(np.int64)
    if zero_at_kink:  # make the first unit of layer 1 sit exactly at z = 0 for the first example
        parameters["b1"][0, 0] = -parameters["W1"][0] @ X[:, 0]
    return parameters, X, Y


# ---------------------------------------------------------------- the course's published examples
def test_initialisers_give_the_course_values():
    np.random.seed(123)
    expected_next = np.random.RandomState(123).randn()
    two = deep.initialize_parameters(3, 2, 1)
    np.testing.assert_allclose(two["W1"], [[0.01624345, -0.00611756, -0.00528172],
                                           [-0.01072969, 0.00865408, -0.02301539]], atol=1e-8)
    np.testing.assert_allclose(two["W2"], [[0.01744812, -0.00761207]], atol=1e-8)
    assert two["b1"].shape == (2, 1) and not two["b1"].any() and two["b2"].shape == (1, 1)
    params = app.initialize_parameters_deep([12288, 20, 7, 5, 1])
    assert [params["W%d" % l].shape for l in range(1, 5)] == [(20, 12288), (7, 20), (5, 7), (1, 5)]
    np.random.seed(1)   # the course's way: the global generator, randn / sqrt(fan-in)
    for l, (rows, cols) in enumerate([(20, 12288), (7, 20), (5, 7), (1, 5)], start=1):
        assert np.array_equal(params["W%d" % l], np.random.randn(rows, cols) / np.sqrt(cols))
    np.random.seed(123)
    app.initialize_parameters_deep([4, 3, 1])
    assert np.random.randn() == expected_next, "the application's initialiser must not reseed NumPy's generator"


def test_forward_and_backward_reproduce_the_published_examples():
    rs = np.random.RandomState(6)
    X = rs.randn(5, 4)
    parameters = {"W1": rs.randn(4, 5), "b1": rs.randn(4, 1), "W2": rs.randn(3, 4), "b2": rs.randn(3, 1),
                  "W3": rs.randn(1, 3), "b3": rs.randn(1, 1)}
    AL, caches = deep.L_model_forward(X, parameters)
    np.testing.assert_allclose(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]], atol=1e-8)
    assert float(deep.compute_cost(np.array([[.8, .9, .4]]), np.array([[1, 1, 0]]))) == 0.2797765635793422
    rs = np.random.RandomState(3)
    AL = rs.randn(1, 2)
    A1, W1, b1, Z1 = rs.randn(4, 2), rs.randn(3, 4), rs.randn(3, 1), rs.randn(3, 2)
    A2, W2, b2, Z2 = rs.randn(3, 2), rs.randn(1, 3), rs.randn(1, 1), rs.randn(1, 2)
    grads = deep.L_model_backward(AL, np.array([[1, 0]]), [((A1, W1, b1), Z1), ((A2, W2, b2), Z2)])
    assert list(grads) == ["dA1", "dW2", "db2", "dA0", "dW1", "db1"]
    np.testing.assert_allclose(grads["dW2"], [[-0.39202432, -0.13325855, -0.04601089]], atol=1e-8)
    np.testing.assert_allclose(grads["db1"], [[-0.22007063], [0], [-0.02835349]], atol=1e-8)
    np.testing.assert_allclose(grads["dA0"][:, 1], [0.52257901, -0.3269206, -0.32070404, -0.74079187], atol=1e-8)


# ---------------------------------------------------------------- structure and conventions
@pytest.mark.parametrize("dims, m", [([3, 1], 1), ([4, 3, 1], 5), ([6, 5, 4, 4, 3, 1], 3)])
def test_caches_follow_the_course_structure(dims, m):
    parameters, X, _ = random_network(dims, m, seed=len(dims))
    AL, caches = deep.L_model_forward(X, parameters)
    assert AL.shape == (1, m) and type(caches) is list and len(caches) == len(dims) - 1
    A_prev = X
    for l, cache in enumerate(caches, start=1):
        (cached_A, W, b), Z = cache
        assert (cached_A is X) if l == 1 else np.array_equal(cached_A, A_prev)
        assert W is parameters["W%d" % l] and b is parameters["b%d" % l]
        assert np.array_equal(Z, W @ A_prev + b)
        A_prev = np.maximum(0, Z) if l < len(caches) else 1 / (1 + np.exp(-Z))
    assert np.array_equal(A_prev, AL)


def test_relu_derivative_is_zero_at_zero_and_the_backward_pass_copies():
    dA = np.ones((1, 3))
    Z = np.array([[-1.0, 0.0, 2.0]])
    assert np.array_equal(acts.relu_backward(dA, Z), [[0.0, 0.0, 1.0]])
    assert np.array_equal(dA, np.ones((1, 3))), "relu_backward must not write into dA"
    with pytest.raises(ValueError):
        deep.linear_activation_forward(np.ones((2, 1)), np.ones((1, 2)), np.ones((1, 1)), "tanh")


def test_update_parameters_returns_new_arrays_and_leaves_its_input_alone():
    parameters, X, Y = random_network([4, 3, 1], 5, seed=3)
    kept = copy.deepcopy(parameters)
    AL, caches = deep.L_model_forward(X, parameters)
    grads = deep.L_model_backward(AL, Y, caches)
    updated = deep.update_parameters(parameters, grads, 0.1)
    for key, value in kept.items():
        assert np.array_equal(parameters[key], value)
        assert np.array_equal(updated[key], value - 0.1 * grads["d" + key])


def test_predict_and_accuracy_follow_the_course():
    parameters, X, _ = random_network([3, 2, 1], 209, seed=5)
    AL, _ = deep.L_model_forward(X, parameters)
    p = app.predict(X, (AL > 0.5).astype(np.int64), parameters, print_accuracy=False)
    assert p.shape == (1, 209) and p.dtype == np.float64 and set(np.unique(p)) <= {0.0, 1.0}
    # summing 1/m, as the course does, gives its published 0.9999999999999998 for 209 right answers
    assert app.accuracy(p, p) == 0.9999999999999998


def course_training_step(parameters, X, Y, learning_rate):
    """One step written with the course's own expressions (deep copy, 1./m * dot, W - rate * dW)."""
    caches, A = [], X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        W, b = parameters["W%d" % l], parameters["b%d" % l]
        Z = W.dot(A) + b
        caches.append(((A, W, b), Z))
        A = np.maximum(0, Z) if l < L else 1 / (1 + np.exp(-Z))
    grads = {}
    dA = - (np.divide(Y, A) - np.divide(1 - Y, 1 - A))
    for l in range(L, 0, -1):
        (A_prev, W, b), Z = caches[l - 1]
        if l == L:
            s = 1 / (1 + np.exp(-Z))
            dZ = dA * s * (1 - s)
        else:
            dZ = np.array(dA, copy=True)
            dZ[Z <= 0] = 0
        m = A_prev.shape[1]
        grads["dW%d" % l] = 1. / m * np.dot(dZ, A_prev.T)
        grads["db%d" % l] = 1. / m * np.sum(dZ, axis=1, keepdims=True)
        dA = np.dot(W.T, dZ)
    updated = copy.deepcopy(parameters)
    for l in range(1, L + 1):
        updated["W%d" % l] = updated["W%d" % l] - learning_rate * grads["dW%d" % l]
        updated["b%d" % l] = updated["b%d" % l] - learning_rate * grads["db%d" % l]
    return updated


@pytest.mark.parametrize("dims, m", [([3, 1], 1), ([50, 6, 1], 9), ([300, 20, 7, 5, 1], 40)])
def test_the_blocks_train_bit_for_bit_like_the_course_expressions(dims, m):
    _, X, Y = random_network(dims, m, seed=4)
    X = np.asfortranarray(X)   # the application's pictures are a transposed view
    ours = course = app.initialize_parameters_deep(dims)   # scaled to fan-in: no saturation, no NaN
    for _ in range(30):
        AL, caches = deep.L_model_forward(X, ours)
        ours = deep.update_parameters(ours, deep.L_model_backward(AL, Y, caches), 0.05)
        course = course_training_step(course, X, Y, 0.05)
    for key in course:
        assert np.isfinite(course[key]).all() and np.array_equal(ours[key], course[key]), key


# ---------------------------------------------------------------- the gradient check
@pytest.mark.parametrize("dims, m", [([3, 1], 1), ([4, 5, 3, 1], 6), ([5, 4, 4, 3, 2, 1], 4)])
def test_gradient_check_passes_the_reference_backward_pass(dims, m):
    parameters, X, Y = random_network(dims, m, seed=11)
    difference = gradcheck.gradient_check(parameters, X, Y, forward=deep.L_model_forward,
                                          backward=deep.L_model_backward, cost=deep.compute_cost, verbose=False)
    assert difference < gradcheck.GRADCHECK_TOLERANCE / 10, difference


def broken(variant):
    """A backward pass with one of two easy slips."""
    def backward(AL, Y, caches):
        grads = deep.L_model_backward(AL, Y, caches)
        if variant == "db_not_averaged":
            grads["db1"] = grads["db1"] * Y.shape[1]
        elif variant == "output_layer_through_relu":
            linear_cache, Z = caches[-1]
            dAL = -(Y / AL - (1 - Y) / (1 - AL))
            grads["dW%d" % len(caches)] = deep.linear_backward(acts.relu_backward(dAL, Z), linear_cache)[1]
        return grads
    return backward


@pytest.mark.parametrize("variant", ["db_not_averaged", "output_layer_through_relu"])
def test_gradient_check_catches_a_wrong_backward_pass(variant, capsys):
    parameters, X, Y = random_network([4, 5, 3, 1], 6, seed=11)
    difference = gradcheck.gradient_check(parameters, X, Y, forward=deep.L_model_forward,
                                          backward=broken(variant), cost=deep.compute_cost)
    assert difference > 1e3 * gradcheck.GRADCHECK_TOLERANCE
    assert "failed" in capsys.readouterr().out


def test_numerical_gradients_match_the_backward_pass_entry_by_entry():
    parameters, X, Y = random_network([3, 4, 1], 5, seed=2)
    AL, caches = deep.L_model_forward(X, parameters)
    grads = deep.L_model_backward(AL, Y, caches)
    estimates = gradcheck.numerical_gradients(parameters, X, Y, forward=deep.L_model_forward,
                                              cost=deep.compute_cost)
    assert set(estimates) == {"dW1", "db1", "dW2", "db2"}
    for key, estimate in estimates.items():
        np.testing.assert_allclose(estimate, grads[key], rtol=1e-5, atol=1e-8)


# ---------------------------------------------------------------- the notebook's initialisers
@pytest.fixture(scope="module")
def notebook_solutions():
    """The source notebook's solved functions, defined as in the notebook (setup imports first)."""
    namespace = {"np": np, "copy": copy, "sigmoid": acts.sigmoid, "relu": acts.relu,
                 "sigmoid_backward": acts.sigmoid_backward, "relu_backward": acts.relu_backward}
    for name, code in instructor_solutions(SOURCE).items():
        exec(compile(code, "%s:%s" % (SOURCE.name, name), "exec"), namespace)
    return namespace


def test_the_notebook_initialisers_follow_the_course_seeds(notebook_solutions):
    nb = notebook_solutions
    two = nb["initialize_parameters"](4, 3, 2)
    np.testing.assert_allclose(two["W1"][0], [0.01624345, -0.00611756, -0.00528172, -0.01072969], atol=1e-8)
    np.testing.assert_allclose(two["W2"], [[-0.00322417, -0.00384054, 0.01133769],
                                           [-0.01099891, -0.00172428, -0.00877858]], atol=1e-8)
    assert all(np.array_equal(two[k], v) for k, v in deep.initialize_parameters(4, 3, 2).items())
    assert nb["initialize_parameters_deep"] is not app.initialize_parameters_deep
    many = nb["initialize_parameters_deep"]([4, 3, 2])
    np.testing.assert_allclose(many["W1"][0], [0.01788628, 0.0043651, 0.00096497, -0.01863493], atol=1e-8)
    np.testing.assert_allclose(many["W2"], [[0.00881318, 0.01709573, 0.00050034],
                                            [-0.00404677, -0.0054536, -0.01546477]], atol=1e-8)


def test_the_notebook_has_ten_graded_exercises_of_ten_points():
    cells = nbformat.read(str(SOURCE), as_version=4).cells
    graded = {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"] for c in cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    assert graded == {name + "_test": 10 for name in [
        "initialize_parameters", "initialize_parameters_deep", "linear_forward", "linear_activation_forward",
        "L_model_forward", "compute_cost", "linear_backward", "linear_activation_backward",
        "L_model_backward", "update_parameters"]}
