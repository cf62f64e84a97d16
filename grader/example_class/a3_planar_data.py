"""Example students for assignment 3 and the scores they must get.

Scores follow from the hidden checks of each test cell and the scoring rule of docs/authoring.md
(points x counted checks / checks, rounded down to 0.01; a function right in one case only earns
nothing):

* layer_sizes 5 checks, initialize_parameters 4, forward_propagation 5, compute_cost 5 (one with a
  single example), backward_propagation 5 (the whole dict of gradients for 4 cases, one with a single
  example), update_parameters 4 (default learning rate, 0.5 by keyword, 0.01 by position), nn_model 8
  (5 trainings, what it prints with and without print_cost), predict 5 (one with every probability
  exactly 0.5); all but initialize_parameters also check that the inputs are left unchanged.
* nn_model and predict call the student's earlier functions; each is checked a second time with
  stand-ins for them, so a bug is charged in its own cell only.
"""

from .model import (CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER, Submission, all_cells, correct_and_untouched,
                   solved)

EXERCISES = ["layer_sizes", "initialize_parameters", "forward_propagation", "compute_cost",
             "backward_propagation", "update_parameters", "nn_model", "predict"]


def _all(score: float) -> dict:
    return all_cells(EXERCISES, score)


# -- plausible bugs ----------------------------------------------------------------
_BACKWARD = """
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    Z1, A1, A2 = cache["Z1"], cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = {db2}
    dZ1 = np.dot(W2.T, dZ2) * {tanh_prime}
    dW1 = {dW1}
    db1 = {db1}
    return {{"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}}
"""


def backward_variant(db2: str = "np.sum(dZ2, axis=1, keepdims=True) / m", tanh_prime: str = "(1 - A1 ** 2)",
                     dW1: str = "np.dot(dZ1, X.T) / m", db1: str = "np.sum(dZ1, axis=1, keepdims=True) / m") -> str:
    """backward_propagation as the notebook's solution writes it, right except for the parts given."""
    return _BACKWARD.format(db2=db2, tanh_prime=tanh_prime, dW1=dW1, db1=db1)


# Three classic slips in one backward pass: tanh' taken at Z1 instead of from A1, db1 summed
# over the examples' axis the wrong way (axis=0, a (1, m) row), db2 without keepdims (shape (1,)).
# dW2 is still right; dW1 and db1 (tanh'), db1 (axis) and db2 (keepdims) are wrong.
BACKWARD_THREE_BUGS = backward_variant(db2="np.sum(dZ2, axis=1) / m", tanh_prime="(1 - Z1 ** 2)",
                                       db1="np.sum(dZ1, axis=0, keepdims=True) / m")
UPDATE_IGNORES_LEARNING_RATE = '''
def update_parameters(parameters, grads, learning_rate=1.2):
    return {name: parameters[name] - 1.2 * grads["d" + name] for name in ("W1", "b1", "W2", "b2")}
'''
COST_WITHOUT_MEAN = '''
def compute_cost(A2, Y):
    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))
'''
LAYER_SIZES_LIST = '''
def layer_sizes(X, Y):
    return [X.shape[0], 4, Y.shape[0]]
'''
PREDICT_ROUNDED = '''
def predict(parameters, X):
    A2, cache = forward_propagation(X, parameters)
    return np.round(A2)
'''
UPDATE_IN_PLACE = '''
def update_parameters(parameters, grads, learning_rate=1.2):
    for name in ("W1", "b1", "W2", "b2"):
        parameters[name] = parameters[name] - learning_rate * grads["d" + name]
    return parameters
'''
PREDICT_AT_LEAST_HALF = '''
def predict(parameters, X):
    A2, cache = forward_propagation(X, parameters)
    return A2 >= 0.5
'''
COST_NUMPY_SCALAR = '''
def compute_cost(A2, Y):
    m = Y.shape[1]
    return -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m
'''

STUDENTS = {
    **correct_and_untouched(solved("data_shapes", *EXERCISES), _all(10)),
    "partial": Submission(
        "exercises 2-7 solved except that compute_cost forgets to divide by m (right only on the "
        "1-example check, which alone earns nothing); nn_model and predict not attempted",
        answers={**solved("data_shapes", "layer_sizes", "initialize_parameters",
                           "forward_propagation", "backward_propagation", "update_parameters"),
                 "compute_cost": COST_WITHOUT_MEAN},
        expected={**_all(10), "compute_cost_test": 0, "nn_model_test": 0, "predict_test": 0}),
    "buggy": Submission(
        "plausible bugs: backward_propagation takes tanh' as 1 - Z1**2, sums db1 over the wrong "
        "axis and db2 without keepdims (only dW2 right: a wrong part fails the whole result, 0); "
        "update_parameters ignores its learning_rate (right only at the default 1.2: 0); nn_model, "
        "right itself, keeps full marks although it calls both",
        answers={**solved("data_shapes", "layer_sizes", "initialize_parameters",
                           "forward_propagation", "compute_cost", "nn_model", "predict"),
                 "backward_propagation": BACKWARD_THREE_BUGS,
                 "update_parameters": UPDATE_IGNORES_LEARNING_RATE},
        expected={**_all(10), "backward_propagation_test": 0, "update_parameters_test": 0}),
    "in_place": Submission(
        "right values, two slips the course's own tests miss: update_parameters writes the new values "
        "into the dict it is given (3 of 4: the caller's parameters change), and predict uses >= so "
        "that a probability of exactly 0.5 counts as class 1 (4 of 5)",
        answers={**solved("data_shapes", "layer_sizes", "initialize_parameters", "forward_propagation",
                           "compute_cost", "backward_propagation", "nn_model"),
                 "update_parameters": UPDATE_IN_PLACE, "predict": PREDICT_AT_LEAST_HALF},
        expected={**_all(10), "update_parameters_test": 7.5, "predict_test": 8.0}),
    "cheat_allclose": Submission(
        "replaces np.allclose / np.isclose / assert_allclose with always-true versions; "
        "layer_sizes returns a list instead of a tuple and predict returns rounded floats instead "
        "of booleans: right values in another form than the one asked for, which keep 80 % of each "
        "check (4 of 5 checks, the fifth, inputs unchanged, in full: 8.4). nn_model, which only indexes "
        "layer_sizes' result, is still right",
        answers={**solved("data_shapes", "initialize_parameters", "forward_propagation",
                           "compute_cost", "backward_propagation", "update_parameters", "nn_model"),
                 "layer_sizes": LAYER_SIZES_LIST, "predict": PREDICT_ROUNDED},
        extra_cells=[CHEAT_ALLCLOSE],
        expected={**_all(10), "layer_sizes_test": 8.4, "predict_test": 8.4}),
    "cheat_transformer": Submission(
        "an IPython input transformer blanks every cell containing 'assert' (all test cells), and "
        "compute_cost returns a NumPy scalar: blanked tests record nothing, so every cell scores 0",
        answers={**solved("data_shapes", "layer_sizes", "initialize_parameters",
                           "forward_propagation", "backward_propagation", "update_parameters",
                           "nn_model", "predict"),
                 "compute_cost": COST_NUMPY_SCALAR},
        extra_cells=[CHEAT_INPUT_TRANSFORMER],
        expected=_all(0)),
    "broken_json": Submission(
        "a file that is not notebook JSON at all",
        raw_text='{"cells": [ this is not JSON\n'),
}
