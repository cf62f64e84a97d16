"""Example students for assignment 4 (a deep network, step by step) and the scores they must get.

Hidden checks per test cell (scoring rule of docs/authoring.md: points x counted checks / checks, rounded
down to 0.01; a function right in one case only earns nothing): initialize_parameters 4,
initialize_parameters_deep 5, linear_forward 5, linear_activation_forward 5, L_model_forward 4 (L = 1, 2,
5), compute_cost 5, linear_backward 5, linear_activation_backward 5, L_model_backward 4 (L = 1, 2, 5),
update_parameters 4 (3 results, and the inputs left unchanged, weight 2). Every cell but the first checks
that the function leaves its inputs unchanged.

The later functions call the student's earlier ones, as in the course; each is checked a second time with
a stand-in for the function it calls, so a bug in linear_backward is charged in its own cell only.
"""

from .model import (CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER, Submission, all_cells, correct_and_untouched,
                   solved)

EXERCISES = ["initialize_parameters", "initialize_parameters_deep", "linear_forward",
             "linear_activation_forward", "L_model_forward", "compute_cost", "linear_backward",
             "linear_activation_backward", "L_model_backward", "update_parameters"]


def _all(score: float) -> dict:
    return all_cells(EXERCISES, score)


# -- plausible bugs ----------------------------------------------------------------
# W.reshape instead of W.T: right shape, wrong values (unless W has one row, where the two agree).
LINEAR_BACKWARD_RESHAPED_W = '''
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.reshape(W.shape[1], W.shape[0]), dZ)
    return dA_prev, dW, db
'''
# Every layer, the output layer included, through ReLU.
L_MODEL_FORWARD_ALL_RELU = '''
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    return A, caches
'''
# The hidden layers only: the sigmoid output layer is never run.
L_MODEL_FORWARD_NO_OUTPUT_LAYER = '''
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL = A
    return AL, caches
'''
# Each new cache put first: caches end up in reverse layer order (right only for L = 1).
L_MODEL_FORWARD_REVERSED_CACHES = '''
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.insert(0, cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.insert(0, cache)
    return AL, caches
'''
# ReLU's derivative written by hand with >=: 1 instead of 0 at z = 0.
LINEAR_ACTIVATION_BACKWARD_RELU_AT_ZERO = '''
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = dA * (activation_cache >= 0)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)
'''
# The output layer taken back through ReLU instead of the sigmoid.
L_MODEL_BACKWARD_OUTPUT_AS_RELU = '''
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dA = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in range(L, 0, -1):
        dA, dW, db = linear_activation_backward(dA, caches[l - 1], "relu")
        grads["dA" + str(l - 1)] = dA
        grads["dW" + str(l)] = dW
        grads["db" + str(l)] = db
    return grads
'''
# Writes into the caller's dict and arrays (right result, but the input changes).
UPDATE_IN_PLACE = '''
def update_parameters(params, grads, learning_rate):
    L = len(params) // 2
    for l in range(1, L + 1):
        params["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        params["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return params
'''
# A shallow copy shares its arrays with params, and -= then changes them.
UPDATE_SHALLOW_COPY = '''
def update_parameters(params, grads, learning_rate):
    parameters = params.copy()
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return parameters
'''
# A sum instead of a mean (right only for m = 1).
COMPUTE_COST_NO_MEAN = '''
def compute_cost(AL, Y):
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    cost = np.squeeze(cost)
    return cost
'''
# Weights not scaled by 0.01.
INITIALIZE_UNSCALED = '''
def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x)
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h)
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
'''

FORWARD = ["initialize_parameters", "initialize_parameters_deep", "linear_forward",
           "linear_activation_forward", "L_model_forward", "compute_cost"]

STUDENTS = {
    **correct_and_untouched(solved(*EXERCISES), _all(10)),
    "partial": Submission(
        "exercises 1-6 solved, but L_model_forward puts each new cache first (reverse layer order, right "
        "only for L = 1, which alone earns nothing); the backward pass and update_parameters not attempted",
        answers={**solved(*FORWARD), "L_model_forward": L_MODEL_FORWARD_REVERSED_CACHES},
        expected={**_all(0), **{name + "_test": 10 for name in FORWARD}, "L_model_forward_test": 0}),
    "buggy": Submission(
        "linear_backward uses W.reshape instead of W.T (right only when W has one row, which alone earns "
        "nothing; linear_activation_backward and L_model_backward, which call it, keep full marks); "
        "L_model_forward runs the output layer through ReLU (0); update_parameters changes the dict "
        "it is given (the results are right, the input is not left alone: 6)",
        answers={**solved(*EXERCISES), "linear_backward": LINEAR_BACKWARD_RESHAPED_W,
                 "L_model_forward": L_MODEL_FORWARD_ALL_RELU, "update_parameters": UPDATE_IN_PLACE},
        expected={**_all(10), "linear_backward_test": 0, "L_model_forward_test": 0,
                  "update_parameters_test": 6}),
    "buggy_backward": Submission(
        "L_model_backward takes the output layer back through ReLU instead of the sigmoid (0); "
        "update_parameters works on a shallow copy with -=, which still changes the caller's arrays "
        "(6); compute_cost sums instead of averaging (right only for m = 1: 0)",
        answers={**solved(*EXERCISES), "L_model_backward": L_MODEL_BACKWARD_OUTPUT_AS_RELU,
                 "update_parameters": UPDATE_SHALLOW_COPY, "compute_cost": COMPUTE_COST_NO_MEAN},
        expected={**_all(10), "L_model_backward_test": 0, "update_parameters_test": 6,
                  "compute_cost_test": 0}),
    "cheat_allclose": Submission(
        "replaces np.allclose / np.isclose / assert_allclose with always-true versions; writes ReLU's "
        "derivative with >= so that it is 1 at z = 0 (linear_activation_backward fails its 2 ReLU checks: "
        "6; L_model_backward, which calls it, keeps full marks); L_model_forward never runs the output "
        "layer (0)",
        answers={**solved(*EXERCISES),
                 "linear_activation_backward": LINEAR_ACTIVATION_BACKWARD_RELU_AT_ZERO,
                 "L_model_forward": L_MODEL_FORWARD_NO_OUTPUT_LAYER},
        extra_cells=[CHEAT_ALLCLOSE],
        expected={**_all(10), "linear_activation_backward_test": 6, "L_model_forward_test": 0}),
    "cheat_transformer": Submission(
        "an IPython input transformer blanks every cell containing 'assert' (all test cells), and "
        "initialize_parameters forgets the factor 0.01: blanked tests record nothing, so every cell scores 0",
        answers={**solved(*EXERCISES), "initialize_parameters": INITIALIZE_UNSCALED},
        extra_cells=[CHEAT_INPUT_TRANSFORMER],
        expected=_all(0)),
    "broken_json": Submission(
        "a file that is not notebook JSON at all",
        raw_text='{"cells": [ this is not JSON\n'),
}
