"""Example students for assignment 2 (logistic regression) and the scores they must get.

Scores follow from the hidden checks of each test cell and the scoring rule of docs/authoring.md
(points x counted checks / checks, rounded down to 0.01). The cells have flatten_and_standardize 6,
sigmoid 7, initialize_with_zeros 4, propagate 7 (the whole result for 6 inputs), optimize 9 (6 results,
what it prints with and without print_cost), predict 6 and model 8 checks; every cell but
initialize_with_zeros also checks that the function leaves the arrays it is given unchanged.

propagate, optimize, predict and model call the student's earlier functions, as in the course; each is
checked a second time with stand-ins for those (made-up values of the right shapes), and passes when
either call is right: a bug is charged in its own cell only.
"""

from .model import (CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER, Submission, all_cells, correct_and_untouched,
                   solved)

EXERCISES = ["flatten_and_standardize", "sigmoid", "initialize_with_zeros", "propagate", "optimize",
             "predict", "model"]


def _all(score: float) -> dict:
    return all_cells(EXERCISES, score)


# -- plausible bugs ----------------------------------------------------------------
FLATTEN_WRONG_ORDER = '''
def flatten_and_standardize(X_orig):
    return X_orig.reshape(-1, X_orig.shape[0]) / 255
'''
PROPAGATE_COST_NOT_SCALAR = '''
def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1, keepdims=True) / m
    dw = np.dot(X, (A - Y).T) / m
    db = np.sum(A - Y) / m
    grads = {"dw": dw, "db": db}
    return grads, cost
'''
PROPAGATE_GRADIENT_SIGN = '''
def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = np.squeeze(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
    dw = np.dot(X, (Y - A).T) / m
    db = np.sum(Y - A) / m
    grads = {"dw": dw, "db": db}
    return grads, cost
'''
PREDICT_PROBABILITIES = '''
def predict(w, b, X):
    return sigmoid(np.dot(w.T, X) + b)
'''
OPTIMIZE_PRINTS_LATE = '''
def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    w = copy.deepcopy(w)
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
        if print_cost and (i + 1) % 100 == 0:
            print("Cost after iteration %i: %f" % (i, cost))
    return {"w": w, "b": b}, grads, costs
'''
MODEL_ALWAYS_PRINTS = '''
def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    w, b = initialize_with_zeros(X_train.shape[0])
    params, grads, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    print("train accuracy: {} %".format(100 - np.mean(np.abs(Y_prediction_train - Y_train)) * 100))
    print("test accuracy: {} %".format(100 - np.mean(np.abs(Y_prediction_test - Y_test)) * 100))
    return {"costs": costs, "Y_prediction_test": Y_prediction_test, "Y_prediction_train": Y_prediction_train,
            "w": w, "b": b, "learning_rate": learning_rate, "num_iterations": num_iterations}
'''
PREDICT_AT_LEAST_HALF = '''
def predict(w, b, X):
    A = sigmoid(np.dot(w.T, X) + b)
    return (A >= 0.5).astype(float)
'''
INITIALIZE_INT_BIAS = '''
def initialize_with_zeros(dim):
    return np.zeros((dim, 1)), 0
'''
FLATTEN_NOT_STANDARDISED = '''
def flatten_and_standardize(X_orig):
    return X_orig.reshape(X_orig.shape[0], -1).T.astype(float)
'''

STUDENTS = {
    **correct_and_untouched(solved(*EXERCISES), _all(10)),
    "partial": Submission(
        "exercises 1-5 solved; predict labels a probability of exactly 0.5 as a cat (>= instead of >), "
        "which only the zero-parameter check sees (5 of 6); model not attempted",
        answers={**solved("flatten_and_standardize", "sigmoid", "initialize_with_zeros", "propagate",
                           "optimize"), "predict": PREDICT_AT_LEAST_HALF},
        expected={**_all(10), "predict_test": 8.3, "model_test": 0}),
    "prints_wrong": Submission(
        "everything computed right, but printed wrong: optimize prints the costs of iterations 99, 199, "
        "... instead of 0, 100, ... (8 of 9), and model prints the accuracies even with print_cost=False "
        "(7 of 8)",
        answers={**solved("flatten_and_standardize", "sigmoid", "initialize_with_zeros", "propagate",
                           "predict"), "optimize": OPTIMIZE_PRINTS_LATE, "model": MODEL_ALWAYS_PRINTS},
        expected={**_all(10), "optimize_test": 8.8, "model_test": 8.7}),
    "buggy": Submission(
        "plausible bugs: the pictures reshaped straight to (n_x, m), which mixes pixels of different "
        "pictures (right only for m = 1, which alone earns nothing); a cost of shape (1, 1) instead of "
        "a single number (one wrong part fails the whole result: 0); predict returns the probabilities "
        "instead of 0/1. optimize and model, right themselves, keep full marks although they call the "
        "wrong propagate and predict",
        answers={**solved("sigmoid", "initialize_with_zeros", "optimize", "model"),
                 "flatten_and_standardize": FLATTEN_WRONG_ORDER,
                 "propagate": PROPAGATE_COST_NOT_SCALAR, "predict": PREDICT_PROBABILITIES},
        expected={**_all(10), "flatten_and_standardize_test": 0, "propagate_test": 0, "predict_test": 0}),
    "cheat_allclose": Submission(
        "replaces np.allclose / np.isclose / assert_allclose with always-true versions, so the visible "
        "checks of its wrong propagate pass; propagate has the gradients' sign flipped (the costs are "
        "right, the gradients not: 0) and initialize_with_zeros returns the int 0 for b (the right value "
        "in another form than the float asked for: 80 %). optimize and model, right themselves, keep full "
        "marks",
        answers={**solved("flatten_and_standardize", "sigmoid", "optimize", "predict", "model"),
                 "propagate": PROPAGATE_GRADIENT_SIGN, "initialize_with_zeros": INITIALIZE_INT_BIAS},
        extra_cells=[CHEAT_ALLCLOSE],
        expected={**_all(10), "initialize_with_zeros_test": 8, "propagate_test": 0}),
    "cheat_transformer": Submission(
        "an IPython input transformer blanks every cell containing 'assert' (all test cells), and "
        "flatten_and_standardize forgets to divide by 255: blanked tests record nothing, so every cell "
        "scores 0",
        answers={**solved("sigmoid", "initialize_with_zeros", "propagate", "optimize", "predict", "model"),
                 "flatten_and_standardize": FLATTEN_NOT_STANDARDISED},
        extra_cells=[CHEAT_INPUT_TRANSFORMER],
        expected=_all(0)),
    "broken_json": Submission(
        "a file that is not notebook JSON at all",
        raw_text='{"cells": [ this is not JSON\n'),
}
