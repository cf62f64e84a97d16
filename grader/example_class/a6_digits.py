"""Example students for assignment 6 (digits 0 vs 1, Keras and NumPy) and their exact scores.

Scores follow from the hidden checks of each test cell and the scoring rule of docs/authoring.md
(points x counted weight / total weight, rounded down to 0.01; a function right in one case only earns
nothing):

* build_model_test: 8 facts about a freshly built model, weight 1 each except
  "the activation of each layer", weight 2 (total 9); the type and the name count only
  with the others. A last layer without its sigmoid keeps 7/9 of the points, 7.7.
* my_dense_test: 8 calls (one on integers, where an integer result is accepted, one on
  float32 arrays) and the inputs left unchanged; only one call has zero biases, so a
  layer that forgets the bias is right once, which alone earns nothing.
* my_sequential_test: 4 networks and the inputs left unchanged; it is checked a second
  time with a stand-in for my_dense, so a wrong my_dense is charged in its own cell only.
* my_dense_v_test: 7 calls; three use the sigmoid as g (square W, single example, 200
  images), two g(z) = z (one on integers), one g(z) = 3z with zero biases, one tanh; and
  the inputs left unchanged.
"""

from .model import (CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER, Submission, all_cells, correct_and_untouched,
                   solved)

EXERCISES = ["build_model", "my_dense", "my_sequential", "my_dense_v"]


def _all(score: float) -> dict:
    return all_cells(EXERCISES, score)


# -- plausible bugs ----------------------------------------------------------------
MODEL_LAST_LAYER_LINEAR = '''
def build_model():
    model = keras.Sequential(
        [
            keras.Input(shape=(400,)),
            keras.layers.Dense(25, activation="sigmoid"),
            keras.layers.Dense(15, activation="sigmoid"),
            keras.layers.Dense(1),
        ],
        name="my_model",
    )
    return model
'''
MODEL_RELU = '''
def build_model():
    return keras.Sequential([keras.Input(shape=(400,)), keras.layers.Dense(25, activation="relu"),
                             keras.layers.Dense(15, activation="relu"),
                             keras.layers.Dense(1, activation="sigmoid")], name="my_model")
'''
DENSE_TRANSPOSED_W = '''
def my_dense(a_in, W, b, g):
    units = W.shape[1]
    a_out = np.zeros(units)
    for k in range(units):
        w = W[k, :]
        a_out[k] = g(np.dot(w, a_in) + b[k])
    return a_out
'''
DENSE_NO_BIAS = '''
def my_dense(a_in, W, b, g):
    units = W.shape[1]
    a_out = np.zeros(units)
    for k in range(units):
        a_out[k] = g(np.dot(W[:, k], a_in))
    return a_out
'''
SEQUENTIAL_RETURNS_SECOND_LAYER = '''
def my_sequential(x, W1, b1, W2, b2, W3, b3):
    a1 = my_dense(x, W1, b1, sigmoid)
    a2 = my_dense(a1, W2, b2, sigmoid)
    a3 = my_dense(a2, W3, b3, sigmoid)
    return a2
'''
DENSE_V_ALWAYS_SIGMOID = '''
def my_dense_v(A_in, W, b, g):
    return sigmoid(A_in @ W + b)
'''
DENSE_V_NO_ACTIVATION = '''
def my_dense_v(A_in, W, b, g):
    return A_in @ W + b
'''

STUDENTS = {
    **correct_and_untouched(solved(*EXERCISES), _all(10)),
    "partial": Submission(
        "the model is right; my_dense forgets the bias (right only on the zero-bias check, which alone "
        "earns nothing); my_sequential, right itself, keeps full marks although it calls that my_dense; "
        "my_dense_v not attempted",
        answers={**solved("build_model", "my_sequential"), "my_dense": DENSE_NO_BIAS},
        expected={"build_model_test": 10, "my_dense_test": 0, "my_sequential_test": 10,
                  "my_dense_v_test": 0}),
    "buggy": Submission(
        "plausible bugs: the last Dense layer has no sigmoid (a linear output); my_dense takes row "
        "k of W instead of column k (a transposed W); my_dense_v always applies the sigmoid "
        "instead of g (right on the three sigmoid checks); my_sequential is right",
        answers={**solved("my_sequential"), "build_model": MODEL_LAST_LAYER_LINEAR,
                 "my_dense": DENSE_TRANSPOSED_W, "my_dense_v": DENSE_V_ALWAYS_SIGMOID},
        expected={"build_model_test": 7.7, "my_dense_test": 0, "my_sequential_test": 10,
                  "my_dense_v_test": 5.0}),
    "cheat_allclose": Submission(
        "replaces np.allclose / np.isclose / assert_allclose with always-true versions, so every "
        "visible check passes; my_dense_v forgets the activation (right only with g(z) = z: 3 of 8); "
        "my_sequential returns the second layer's output (0)",
        answers={**solved("build_model", "my_dense"), "my_dense_v": DENSE_V_NO_ACTIVATION,
                 "my_sequential": SEQUENTIAL_RETURNS_SECOND_LAYER},
        extra_cells=[CHEAT_ALLCLOSE],
        expected={"build_model_test": 10, "my_dense_test": 10, "my_sequential_test": 0,
                  "my_dense_v_test": 3.7}),
    "cheat_transformer": Submission(
        "an IPython input transformer blanks every cell containing 'assert' (all test cells), and "
        "the model uses relu in its hidden layers: blanked tests record nothing, so every cell "
        "scores 0",
        answers={**solved("my_dense", "my_dense_v"), "build_model": MODEL_RELU},
        extra_cells=[CHEAT_INPUT_TRANSFORMER],
        expected=_all(0)),
    "broken_json": Submission(
        "a file that is not notebook JSON at all",
        raw_text='{"cells": [ this is not JSON\n'),
}
