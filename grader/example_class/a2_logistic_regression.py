"""Example students for assignment 2 (logistic regression) and the scores they must get.

Scores follow from the hidden checks of each test cell (partial credit is
points x passed checks / checks, rounded down to 0.01). The cells have
flatten_and_standardize 5, sigmoid 6, initialize_with_zeros 4, propagate 13
(the whole result once, then gradients and cost separately for 6 inputs),
optimize 6, predict 5 and model 7 hidden checks.

optimize and model call the student's own propagate, predict and
initialize_with_zeros, as in the course, so a bug there costs points in the
later cells too; the descriptions below spell out each such chain.
"""

from .model import CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER, Submission, all_cells, solved

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
    "correct": Submission(
        "every exercise solved",
        answers=solved(*EXERCISES),
        expected=_all(10)),
    "untouched": Submission(
        "the release notebook submitted as it was handed out",
        expected=_all(0)),
    "partial": Submission(
        "exercises 1-5 solved; predict labels a probability of exactly 0.5 as a cat (>= instead of >), "
        "which only the zero-parameter check sees; model not attempted",
        answers={**solved("flatten_and_standardize", "sigmoid", "initialize_with_zeros", "propagate",
                           "optimize"), "predict": PREDICT_AT_LEAST_HALF},
        expected={**_all(10), "predict_test": 8.0, "model_test": 0}),
    "buggy": Submission(
        "plausible bugs: the pictures reshaped straight to (n_x, m), which mixes pixels of different "
        "pictures (right only for m = 1); a cost of shape (1, 1) instead of a single number (the "
        "gradients are right: 6 of 13 checks); predict returns the probabilities instead of 0/1. "
        "optimize, correct itself, keeps (1, 1) costs (only the check that it leaves w alone passes), "
        "and model fails as soon as the costs are printed",
        answers={**solved("sigmoid", "initialize_with_zeros", "optimize", "model"),
                 "flatten_and_standardize": FLATTEN_WRONG_ORDER,
                 "propagate": PROPAGATE_COST_NOT_SCALAR, "predict": PREDICT_PROBABILITIES},
        expected={**_all(10), "flatten_and_standardize_test": 2.0, "propagate_test": 4.61,
                  "optimize_test": 1.66, "predict_test": 0, "model_test": 0}),
    "cheat_allclose": Submission(
        "replaces np.allclose / np.isclose / assert_allclose with always-true versions, so the visible "
        "checks of its wrong propagate pass; propagate has the gradients' sign flipped (the costs are "
        "right: 6 of 13 checks) and initialize_with_zeros returns the int 0 for b. optimize and model, "
        "correct themselves, climb the cost instead of descending it",
        answers={**solved("flatten_and_standardize", "sigmoid", "optimize", "predict", "model"),
                 "propagate": PROPAGATE_GRADIENT_SIGN, "initialize_with_zeros": INITIALIZE_INT_BIAS},
        extra_cells=[CHEAT_ALLCLOSE],
        expected={**_all(10), "initialize_with_zeros_test": 0, "propagate_test": 4.61,
                  "optimize_test": 1.66, "model_test": 0}),
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
