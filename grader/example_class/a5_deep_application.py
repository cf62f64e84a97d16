"""Example students for assignment 5 (the deep network on the cat pictures) and the scores they must get.

Each test cell trains the student's model on small hidden problems (4 for two_layer_model, 5 for
L_layer_model) and checks each whole result, (parameters, costs), as one check; then what it prints with
and without print_cost, and that it leaves its inputs unchanged (scoring rule of docs/authoring.md:
points x counted checks / checks, rounded down to 0.01). A model that computes the first cost right but
learns wrong fails the whole result.
"""

from .model import (CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER, SOLUTION, Submission, all_cells,
                   correct_and_untouched, solved)

EXERCISES = ["two_layer_model", "L_layer_model"]


def _all(score: float) -> dict:
    return all_cells(EXERCISES, score)


# -- plausible bugs ----------------------------------------------------------------
_TWO_LAYER = """
def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    costs = []
    (n_x, n_h, n_y) = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "{hidden}")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "{output}")
        cost = compute_cost(A2, Y)
        dA2 = - (np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "{output}")
        dA0, dW1, db1 = linear_activation_backward(dA1, cache1, "{hidden}")
        grads = {{"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}}
        {update}
        if {when}:
            print("Cost after iteration {{}}: {{}}".format(i, np.squeeze(cost)))
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
"""
_L_LAYER = """
def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        {init}
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, {rate})
        if {when}:
            print("Cost after iteration {{}}: {{}}".format(i, np.squeeze(cost)))
        if {keep}:
            costs.append(cost)
    return parameters, costs
"""
_PRINT_RULE = "print_cost and (i % 100 == 0 or i == num_iterations - 1)"


def two_layer_variant(hidden: str = "relu", output: str = "sigmoid",
                      update: str = "parameters = update_parameters(parameters, grads, learning_rate)",
                      when: str = _PRINT_RULE) -> str:
    """two_layer_model as the notebook's solution writes it, with one part changed (each default is right)."""
    return _TWO_LAYER.format(hidden=hidden, output=output, update=update, when=when)


def l_layer_variant(init: str = "", rate: str = "learning_rate", when: str = _PRINT_RULE,
                    keep: str = "i % 100 == 0") -> str:
    """L_layer_model as the notebook's solution writes it, with one part changed (each default is right)."""
    return _L_LAYER.format(init=init, rate=rate, when=when, keep=keep)


# The activations the wrong way round: sigmoid in the hidden layer, ReLU at the output.
TWO_LAYER_SWAPPED_ACTIVATIONS = two_layer_variant(hidden="sigmoid", output="relu")
# update_parameters returns a new dict; this loop throws it away, so the network never changes.
TWO_LAYER_UPDATE_DISCARDED = two_layer_variant(update="update_parameters(parameters, grads, learning_rate)")
# The learning rate of the notebook written in, whatever the caller asks for.
L_LAYER_FIXED_LEARNING_RATE = l_layer_variant(rate="0.0075")

STUDENTS = {
    **correct_and_untouched(solved(*EXERCISES), _all(10), "both models written"),
    "partial": Submission(
        "two_layer_model written; L_layer_model not attempted",
        answers=solved("two_layer_model"),
        expected={"two_layer_model_test": 10, "L_layer_model_test": 0}),
    "buggy": Submission(
        "two_layer_model swaps the activations (sigmoid hidden layer, ReLU output): 0; L_layer_model "
        "always steps with 0.0075 whatever learning_rate says: right for the three problems at 0.0075, "
        "wrong for the others and for what it prints at 0.05 (5)",
        answers={"two_layer_model": TWO_LAYER_SWAPPED_ACTIVATIONS, "L_layer_model": L_LAYER_FIXED_LEARNING_RATE},
        expected={"two_layer_model_test": 0, "L_layer_model_test": 5}),
    "cheat_allclose": Submission(
        "replaces np.allclose / np.isclose / assert_allclose with always-true versions; two_layer_model "
        "throws away what update_parameters returns, so it never learns: its first costs are right, "
        "its results are not (0)",
        answers={**solved("L_layer_model"), "two_layer_model": TWO_LAYER_UPDATE_DISCARDED},
        extra_cells=[CHEAT_ALLCLOSE],
        expected={"two_layer_model_test": 0, "L_layer_model_test": 10}),
    "cheat_transformer": Submission(
        "an IPython input transformer blanks every cell containing 'assert' (all test cells), and "
        "L_layer_model ignores learning_rate: blanked tests record nothing, so every cell scores 0",
        answers={"two_layer_model": SOLUTION, "L_layer_model": L_LAYER_FIXED_LEARNING_RATE},
        extra_cells=[CHEAT_INPUT_TRANSFORMER],
        expected=_all(0)),
    "broken_json": Submission(
        "a file that is not notebook JSON at all",
        raw_text='{"cells": [ this is not JSON\n'),
}
