"""Example students for assignment 1 and the scores they must get.

Scores follow from the hidden checks of each test cell and the scoring rule of docs/authoring.md
(points x counted checks / checks, rounded down to 0.01; a function right in one case only earns
nothing; checks that an input is left alone count only after real work):

* basic_sigmoid has 6 checks (one expects a TypeError), sigmoid 7, sigmoid_derivative 6,
  image2vector 6, normalize_rows 6, softmax 7, L1 5 and L2 5: each the calls on different inputs,
  plus one check that the function leaves the arrays it is given unchanged.
* sigmoid_derivative is checked a second time with a stand-in for sigmoid, so a wrong sigmoid costs
  points in its own cell only.
"""

from .model import (CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER, Submission, all_cells, correct_and_untouched,
                   solved)

EXERCISES = ["basic_sigmoid", "sigmoid", "sigmoid_derivative", "image2vector", "normalize_rows",
             "softmax", "L1", "L2"]


def _all(score: float) -> dict:
    return all_cells(EXERCISES, score)


# -- plausible bugs ----------------------------------------------------------------
SOFTMAX_WRONG_AXIS = '''
def softmax(x):
    x_exp = np.exp(x)
    return x_exp / np.sum(x_exp, axis=0, keepdims=True)
'''
NORMALIZE_NO_KEEPDIMS = '''
def normalize_rows(x):
    return x / np.linalg.norm(x, axis=1)
'''
L2_WITH_ABS = '''
def L2(yhat, y):
    return np.sum(np.abs(y - yhat))
'''
L1_MEAN = '''
def L1(yhat, y):
    return np.mean(np.abs(y - yhat))
'''
SIGMOID_SIGN_ERROR = '''
def sigmoid(x):
    return 1 / (1 + np.exp(x))
'''
SOFTMAX_UNNORMALISED = '''
def softmax(x):
    return np.exp(x)
'''
IMAGE2VECTOR_RANK1 = '''
def image2vector(image):
    return image.reshape(-1)
'''

STUDENTS = {
    **correct_and_untouched(solved("hello_world", *EXERCISES), _all(10)),
    "partial": Submission(
        "exercises 1-5 and 8 solved; softmax not attempted; L1 averages instead of summing: right "
        "only on the 1-element check, and one right case alone earns nothing",
        answers={**solved("hello_world", "basic_sigmoid", "sigmoid", "sigmoid_derivative",
                           "image2vector", "normalize_rows", "L2"), "L1": L1_MEAN},
        expected={**_all(10), "softmax_test": 0, "L1_test": 0}),
    "buggy": Submission(
        "plausible bugs: softmax over the wrong axis; normalize_rows without keepdims (right only "
        "on the 1-row check: 0); L2 with abs instead of a square",
        answers={**solved("hello_world", "basic_sigmoid", "sigmoid", "sigmoid_derivative",
                           "image2vector", "L1"),
                 "softmax": SOFTMAX_WRONG_AXIS, "normalize_rows": NORMALIZE_NO_KEEPDIMS,
                 "L2": L2_WITH_ABS},
        expected={**_all(10), "softmax_test": 0, "normalize_rows_test": 0, "L2_test": 0}),
    "cheat_allclose": Submission(
        "replaces np.allclose / np.isclose / assert_allclose with always-true versions; sigmoid has "
        "a sign error and softmax forgets to normalise. sigmoid_derivative, built on the wrong "
        "sigmoid, keeps its points: the bug is charged in sigmoid's cell only",
        answers={**solved("hello_world", "basic_sigmoid", "sigmoid_derivative", "image2vector",
                           "normalize_rows", "L1", "L2"),
                 "sigmoid": SIGMOID_SIGN_ERROR, "softmax": SOFTMAX_UNNORMALISED},
        extra_cells=[CHEAT_ALLCLOSE],
        expected={**_all(10), "sigmoid_test": 0, "softmax_test": 0}),
    "cheat_transformer": Submission(
        "an IPython input transformer blanks every cell containing 'assert' (all test cells), and "
        "image2vector returns a rank-1 array: blanked tests record nothing, so every cell scores 0",
        answers={**solved("hello_world", "basic_sigmoid", "sigmoid", "sigmoid_derivative",
                           "normalize_rows", "softmax", "L1", "L2"),
                 "image2vector": IMAGE2VECTOR_RANK1},
        extra_cells=[CHEAT_INPUT_TRANSFORMER],
        expected=_all(0)),
    "broken_json": Submission(
        "a file that is not notebook JSON at all",
        raw_text='{"cells": [ this is not JSON\n'),
}
