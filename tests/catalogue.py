"""Plausible student answers for every graded function of every assignment: bugs that must lose points
(in their own exercise only) and correct answers written another way that must keep full marks.

CATALOGUE[assignment][function] = {"bugs": {label: code}, "right": {label: code}}; each code replaces
the whole solution cell of that function. CALLERS[assignment][function] lists the later exercises that
call it: a bug in it must cost nothing there (they are checked a second time with stand-ins).

The answers are our own: bugs students make (wrong axis, missing keepdims or 1/m, transposes, in-place
updates, >= at 0.5, ignored arguments, printing at the wrong time) and rewrites with loops, other NumPy
calls and other valid types. Bugs that an example class (grader/example_class) also hands in are taken
from it, so each is written once. Some bugs are right values in another form than the one asked for (a
NumPy float for a Python float): they keep a share of the points (tests/fairness.py lists them). The wrong
calls of earlier exercises that tests/fairness.py writes are bugs of the function that makes them.
"""

from __future__ import annotations

from fairness import WRONG_CALLS
from grader.example_class import (a1_numpy_basics, a2_logistic_regression, a3_planar_data, a4_deep_network,
                                  a5_deep_application, a6_digits)
from grader.example_class.a3_planar_data import backward_variant
from grader.example_class.a5_deep_application import l_layer_variant, two_layer_variant

A1, A2, A3, A4, A5, A6 = ("a1_numpy_basics", "a2_logistic_regression", "a3_planar_data", "a4_deep_network",
                          "a5_deep_application", "a6_digits")

CATALOGUE: dict[str, dict[str, dict[str, dict[str, str]]]] = {A1: {}, A2: {}, A3: {}, A4: {}, A5: {}, A6: {}}
CALLERS: dict[str, dict[str, list[str]]] = {
    A1: {"sigmoid": ["sigmoid_derivative"]},
    A2: {"sigmoid": ["propagate", "predict"], "propagate": ["optimize"],
         "initialize_with_zeros": ["model"], "optimize": ["model"], "predict": ["model"]},
    A3: {name: ["nn_model"] for name in ("layer_sizes", "initialize_parameters", "compute_cost",
                                         "backward_propagation", "update_parameters")}
    | {"forward_propagation": ["nn_model", "predict"]},
    A4: {"linear_forward": ["linear_activation_forward"], "linear_activation_forward": ["L_model_forward"],
         "linear_backward": ["linear_activation_backward"],
         "linear_activation_backward": ["L_model_backward"]},
    A5: {},
    A6: {"my_dense": ["my_sequential"]},
}


def add(assignment: str, function: str, bugs: dict[str, str], right: dict[str, str]) -> None:
    CATALOGUE[assignment][function] = {"bugs": bugs, "right": right}


def catalogued(assignment: str, function: str, label: str) -> str:
    """Source of the catalogued bug or right answer of ``function`` named ``label``."""
    entry = CATALOGUE[assignment][function]
    return entry["bugs"][label] if label in entry["bugs"] else entry["right"][label]


# ================================================================ assignment 1
add(A1, "basic_sigmoid", bugs={
    "NumPy's exp (a NumPy float, not a Python float)": """
def basic_sigmoid(x):
    return 1 / (1 + np.exp(-x))
""",
    "sign error": """
def basic_sigmoid(x):
    return 1 / (1 + math.exp(x))
""",
}, right={
    "e to the power": """
def basic_sigmoid(x):
    return 1.0 / (1.0 + math.e ** (-x))
""",
    "exp(x) / (1 + exp(x)), guarded for large x": """
def basic_sigmoid(x):
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)
""",
})
add(A1, "sigmoid", bugs={
    "math.exp on an array": """
def sigmoid(x):
    return 1 / (1 + math.exp(-x))
""",
    "sign error": a1_numpy_basics.SIGMOID_SIGN_ERROR,
}, right={
    "through tanh": """
def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))
""",
    "np.reciprocal": """
def sigmoid(x):
    return np.reciprocal(1 + np.exp(-x))
""",
})
add(A1, "sigmoid_derivative", bugs={
    "x (1 - x) instead of s (1 - s)": """
def sigmoid_derivative(x):
    s = sigmoid(x)
    return x * (1 - x)
""",
    "s (1 + s)": """
def sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (1 + s)
""",
}, right={
    "the formula written out, without calling sigmoid": """
def sigmoid_derivative(x):
    e = np.exp(-x)
    return e / (1 + e) ** 2
""",
    "sigmoid called twice": """
def sigmoid_derivative(x):
    return sigmoid(x) * (1 - sigmoid(x))
""",
})
add(A1, "image2vector", bugs={
    "a rank-1 array": a1_numpy_basics.IMAGE2VECTOR_RANK1,
    "column-major order": """
def image2vector(image):
    return image.reshape(-1, 1, order="F")
""",
    "reshapes the caller's image in place": """
def image2vector(image):
    image.shape = (image.size, 1)
    return image
""",
}, right={
    "ravel, then a column": """
def image2vector(image):
    return image.ravel().reshape(-1, 1)
""",
    "flatten and a new axis": """
def image2vector(image):
    return image.flatten()[:, np.newaxis]
""",
    "np.reshape with the size": """
def image2vector(image):
    return np.reshape(image, (image.size, 1))
""",
})
add(A1, "normalize_rows", bugs={
    "no keepdims": a1_numpy_basics.NORMALIZE_NO_KEEPDIMS,
    "norms of the columns": """
def normalize_rows(x):
    return x / np.linalg.norm(x, axis=0, keepdims=True)
""",
    "divides the caller's array in place": """
def normalize_rows(x):
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x
""",
}, right={
    "square root of the sum of squares": """
def normalize_rows(x):
    return x / np.sqrt(np.sum(x ** 2, axis=1, keepdims=True))
""",
    "a loop over the rows": """
def normalize_rows(x):
    out = np.empty(x.shape)
    for i in range(x.shape[0]):
        out[i] = x[i] / np.linalg.norm(x[i])
    return out
""",
})
add(A1, "softmax", bugs={
    "sums over the wrong axis": """
def softmax(x):
    e = np.exp(x)
    return e / np.sum(e, axis=0, keepdims=True)
""",
    "sum over the whole array": """
def softmax(x):
    e = np.exp(x)
    return e / np.sum(e)
""",
    "not normalised": a1_numpy_basics.SOFTMAX_UNNORMALISED,
}, right={
    "shifted by each row's maximum": """
def softmax(x):
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
""",
    "a loop over the rows": """
def softmax(x):
    out = np.zeros(x.shape)
    for i in range(x.shape[0]):
        row = np.exp(x[i])
        out[i] = row / row.sum()
    return out
""",
})
add(A1, "L1", bugs={
    "the mean instead of the sum": a1_numpy_basics.L1_MEAN,
    "no absolute value": """
def L1(yhat, y):
    return np.sum(y - yhat)
""",
}, right={
    "a loop, a Python float": """
def L1(yhat, y):
    total = 0.0
    for a, b in zip(np.ravel(yhat), np.ravel(y)):
        total += abs(b - a)
    return total
""",
    "the 1-norm": """
def L1(yhat, y):
    return np.linalg.norm(np.ravel(y - yhat), 1)
""",
})
add(A1, "L2", bugs={
    "abs instead of the square": a1_numpy_basics.L2_WITH_ABS,
    "the square root of the sum": """
def L2(yhat, y):
    return np.sqrt(np.sum((y - yhat) ** 2))
""",
}, right={
    "sum of squares": """
def L2(yhat, y):
    return np.sum((y - yhat) ** 2)
""",
    "a loop": """
def L2(yhat, y):
    total = 0
    for a, b in zip(yhat, y):
        total += (b - a) ** 2
    return total
""",
})

# ================================================================ assignment 2
add(A2, "flatten_and_standardize", bugs={
    "reshaped straight to (n_x, m)": a2_logistic_regression.FLATTEN_WRONG_ORDER,
    "not divided by 255": """
def flatten_and_standardize(X_orig):
    return X_orig.reshape(X_orig.shape[0], -1).T
""",
    "integer division": """
def flatten_and_standardize(X_orig):
    return X_orig.reshape(X_orig.shape[0], -1).T // 255
""",
}, right={
    "a loop over the pictures": """
def flatten_and_standardize(X_orig):
    return np.stack([picture.ravel() / 255 for picture in X_orig], axis=1)
""",
    "float32 (half the memory)": """
def flatten_and_standardize(X_orig):
    m = X_orig.shape[0]
    return (X_orig.reshape(m, -1).astype(np.float32) / np.float32(255)).T
""",
})
add(A2, "sigmoid", bugs={
    "sign error": """
def sigmoid(z):
    return 1 / (1 + np.exp(z))
""",
    "math.exp": """
import math
def sigmoid(z):
    return 1 / (1 + math.exp(-z))
""",
}, right={
    "exp(z) / (1 + exp(z))": """
def sigmoid(z):
    return np.exp(z) / (1 + np.exp(z))
""",
    "through tanh": """
def sigmoid(z):
    return (1 + np.tanh(z / 2)) / 2
""",
})
add(A2, "initialize_with_zeros", bugs={
    "an int bias": a2_logistic_regression.INITIALIZE_INT_BIAS,
    "a rank-1 w": """
def initialize_with_zeros(dim):
    return np.zeros(dim), 0.0
""",
    "a NumPy float bias": """
def initialize_with_zeros(dim):
    return np.zeros((dim, 1)), np.float64(0)
""",
}, right={
    "np.full and float(0)": """
def initialize_with_zeros(dim):
    w = np.full((dim, 1), 0.0)
    b = float(0)
    return w, b
""",
    "np.zeros with a shape keyword": """
def initialize_with_zeros(dim):
    return np.zeros(shape=(dim, 1), dtype=float), 0.
""",
})
PROPAGATE_TEMPLATE = """
def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid({z})
    cost = {cost}
    dw = {dw}
    db = {db}
    return {{"dw": dw, "db": db}}, cost
"""
PROPAGATE_RIGHT = dict(z="np.dot(w.T, X) + b",
                       cost="np.squeeze(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)",
                       dw="np.dot(X, (A - Y).T) / m", db="np.sum(A - Y) / m")


def propagate_answer(**parts) -> str:
    """Source of a ``propagate`` that is right except for the ``parts`` given (z, cost, dw, db)."""
    return PROPAGATE_TEMPLATE.format(**{**PROPAGATE_RIGHT, **parts})


add(A2, "propagate", bugs={
    "the gradients' sign flipped": propagate_answer(dw="np.dot(X, (Y - A).T) / m", db="np.sum(Y - A) / m"),
    "no 1/m in dw": propagate_answer(dw="np.dot(X, (A - Y).T)"),
    "a cost of shape (1, 1)": propagate_answer(
        cost="-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1, keepdims=True) / m"),
    "w X instead of w^T X": propagate_answer(z="np.dot(w, X) + b"),
}, right={
    "a loop over the examples": """
def propagate(w, b, X, Y):
    m = X.shape[1]
    dw = np.zeros(w.shape)
    db, cost = 0.0, 0.0
    for i in range(m):
        a = sigmoid(float(np.dot(w[:, 0], X[:, i])) + b)
        cost -= Y[0, i] * np.log(a) + (1 - Y[0, i]) * np.log(1 - a)
        dw[:, 0] += X[:, i] * (a - Y[0, i])
        db += a - Y[0, i]
    return {"dw": dw / m, "db": db / m}, cost / m
""",
    "@ and np.mean": """
def propagate(w, b, X, Y):
    A = sigmoid(w.T @ X + b)
    cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    return {"dw": X @ (A - Y).T / X.shape[1], "db": np.mean(A - Y)}, cost
""",
})
_OPTIMIZE = """
def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    {copy}
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        {update}
        {keep}
    return {{"w": w, "b": b}}, grads, costs
"""
_OPTIMIZE_RIGHT = dict(
    copy="w = copy.deepcopy(w)",
    update="w = w - learning_rate * grads['dw']; b = b - learning_rate * grads['db']",
    keep="if i % 100 == 0:\n            costs.append(cost)\n"
         "            if print_cost:\n                print('Cost after iteration %i: %f' % (i, cost))")


def _optimize(**parts) -> str:
    return _OPTIMIZE.format(**{**_OPTIMIZE_RIGHT, **parts})


add(A2, "optimize", bugs={
    "updates the caller's w in place": _optimize(
        copy="pass", update="w -= learning_rate * grads['dw']; b = b - learning_rate * grads['db']"),
    "ignores the learning rate": _optimize(update="w = w - 0.009 * grads['dw']; b = b - 0.009 * grads['db']"),
    "keeps every cost": _optimize(keep="costs.append(cost)\n        if print_cost and i % 100 == 0:\n"
                                       "            print('Cost after iteration %i: %f' % (i, cost))"),
    "prints whether print_cost is set or not": _optimize(
        keep="if i % 100 == 0:\n            costs.append(cost)\n"
             "            print('Cost after iteration %i: %f' % (i, cost))"),
    "prints the cost of iterations 99, 199, ...": _optimize(
        keep="if i % 100 == 0:\n            costs.append(cost)\n"
             "        if print_cost and (i + 1) % 100 == 0:\n"
             "            print('Cost after iteration %i: %f' % (i, cost))"),
    "prints iteration and cost swapped": _optimize(
        keep="if i % 100 == 0:\n            costs.append(cost)\n"
             "            if print_cost:\n                print('Cost after iteration %f: %i' % (cost, i))"),
}, right={
    "a while loop, float costs and an f-string": """
def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    w = np.copy(w)
    costs = []
    i = 0
    while i < num_iterations:
        grads, cost = propagate(w, b, X, Y)
        if i % 100 == 0:
            costs.append(float(cost))
            if print_cost:
                print(f"Cost after iteration {i}: {float(cost):.6f}")
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        i += 1
    return {"w": w, "b": b}, grads, costs
""",
})
add(A2, "predict", bugs={
    ">= 0.5": """
def predict(w, b, X):
    return (sigmoid(np.dot(w.T, X) + b) >= 0.5).astype(float)
""",
    "the probabilities": a2_logistic_regression.PREDICT_PROBABILITIES,
    "booleans": """
def predict(w, b, X):
    return sigmoid(np.dot(w.T, X) + b) > 0.5
""",
    "no bias": """
def predict(w, b, X):
    return (sigmoid(np.dot(w.T, X)) > 0.5).astype(float)
""",
}, right={
    "np.where": """
def predict(w, b, X):
    return np.where(sigmoid(w.T @ X + b) > 0.5, 1.0, 0.0)
""",
    "a loop": """
def predict(w, b, X):
    A = sigmoid(np.dot(w.T, X) + b)
    Y_prediction = np.zeros((1, X.shape[1]))
    for i in range(A.shape[1]):
        Y_prediction[0, i] = 1.0 if A[0, i] > 0.5 else 0.0
    return Y_prediction
""",
})
_MODEL = """
def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    w, b = initialize_with_zeros({dim})
    params, grads, costs = optimize({optimize_args})
    w, b = params["w"], params["b"]
    Y_prediction_test = predict(w, b, {test})
    Y_prediction_train = predict(w, b, X_train)
    if {when}:
        print("train accuracy: {{}} %".format({train_accuracy}))
        print("test accuracy: {{}} %".format(100 - np.mean(np.abs(Y_prediction_test - Y_test)) * 100))
    return {{"costs": costs, "Y_prediction_test": Y_prediction_test, "Y_prediction_train": Y_prediction_train,
            "w": w, "b": b, "learning_rate": learning_rate, "num_iterations": num_iterations}}
"""
_MODEL_RIGHT = dict(dim="X_train.shape[0]",
                    optimize_args="w, b, X_train, Y_train, num_iterations, learning_rate, print_cost",
                    test="X_test",
                    when="print_cost",
                    train_accuracy="100 - np.mean(np.abs(Y_prediction_train - Y_train)) * 100")


def model_answer(**parts) -> str:
    """Source of a ``model`` that is right except for the ``parts`` given (dim, optimize_args, test, when,
    train_accuracy)."""
    return _MODEL.format(**{**_MODEL_RIGHT, **parts})


add(A2, "model", bugs={
    "optimize with its defaults": model_answer(optimize_args="w, b, X_train, Y_train"),
    "learning rate and iterations swapped": model_answer(
        optimize_args="w, b, X_train, Y_train, learning_rate, num_iterations, print_cost"),
    "initialised with the number of examples": model_answer(dim="X_train.shape[1]"),
    "prints the accuracies even when print_cost is False": model_answer(when="True"),
    "the train accuracy printed as a fraction": model_answer(
        train_accuracy="1 - np.mean(np.abs(Y_prediction_train - Y_train))"),
    "never passes print_cost on": model_answer(
        optimize_args="w, b, X_train, Y_train, num_iterations, learning_rate"),
}, right={
    "keyword arguments and accuracy from ==": """
def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    w, b = initialize_with_zeros(len(X_train))
    params, grads, costs = optimize(w, b, X_train, Y_train, num_iterations=num_iterations,
                                    learning_rate=learning_rate, print_cost=print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_train = predict(w, b, X_train)
    Y_prediction_test = predict(w, b, X_test)
    if print_cost:
        print("train accuracy: {} %".format(np.mean(Y_prediction_train == Y_train) * 100))
        print("test accuracy: {} %".format(np.mean(Y_prediction_test == Y_test) * 100))
    return {"costs": costs, "Y_prediction_test": Y_prediction_test, "Y_prediction_train": Y_prediction_train,
            "w": w, "b": b, "learning_rate": learning_rate, "num_iterations": num_iterations}
""",
})

# ================================================================ assignment 3
add(A3, "layer_sizes", bugs={
    "the columns": """
def layer_sizes(X, Y):
    return (X.shape[1], 4, Y.shape[1])
""",
    "a list": a3_planar_data.LAYER_SIZES_LIST,
}, right={
    "unpacked shapes": """
def layer_sizes(X, Y):
    n_x, _ = X.shape
    n_y, _ = Y.shape
    return n_x, 4, n_y
""",
    "len": """
def layer_sizes(X, Y):
    return (len(X), 4, len(Y))
""",
})
add(A3, "initialize_parameters", bugs={
    "without the factor 0.01": """
def initialize_parameters(n_x, n_h, n_y):
    return {"W1": np.random.randn(n_h, n_x), "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h), "b2": np.zeros((n_y, 1))}
""",
    "W2 drawn first": """
def initialize_parameters(n_x, n_h, n_y):
    W2 = np.random.randn(n_y, n_h) * 0.01
    W1 = np.random.randn(n_h, n_x) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}
""",
    "seeds the generator itself": """
def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(2)
    return {"W1": np.random.randn(n_h, n_x) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}
""",
}, right={
    "standard_normal and 0.01 first": """
def initialize_parameters(n_x, n_h, n_y):
    W1 = 0.01 * np.random.standard_normal((n_h, n_x))
    W2 = 0.01 * np.random.standard_normal((n_y, n_h))
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}
""",
})
add(A3, "forward_propagation", bugs={
    "sigmoid in the hidden layer": """
def forward_propagation(X, parameters):
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = sigmoid(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
""",
    "no b2": """
def forward_propagation(X, parameters):
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.dot(parameters["W2"], A1)
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
""",
}, right={
    "@ and both activations written out": """
def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = (np.exp(Z1) - np.exp(-Z1)) / (np.exp(Z1) + np.exp(-Z1))
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache
""",
})
add(A3, "compute_cost", bugs={
    "no 1/m": a3_planar_data.COST_WITHOUT_MEAN,
    "a NumPy scalar": """
def compute_cost(A2, Y):
    return -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / Y.shape[1]
""",
    "a (1, 1) array from np.dot": """
def compute_cost(A2, Y):
    return -(np.dot(np.log(A2), Y.T) + np.dot(np.log(1 - A2), (1 - Y).T)) / Y.shape[1]
""",
}, right={
    "np.dot, squeezed into a float": """
def compute_cost(A2, Y):
    m = Y.shape[1]
    logprobs = np.dot(np.log(A2), Y.T) + np.dot(np.log(1 - A2), (1 - Y).T)
    return float(np.squeeze(-logprobs / m))
""",
    "np.mean and .item()": """
def compute_cost(A2, Y):
    return (-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))).item()
""",
})
add(A3, "backward_propagation", bugs={
    "tanh' as 1 - Z1**2": backward_variant(tanh_prime="(1 - Z1 ** 2)"),
    "dW1 without 1/m": backward_variant(dW1="np.dot(dZ1, X.T)"),
    "db1 without keepdims": backward_variant(db1="np.sum(dZ1, axis=1) / m"),
    "db2 over the wrong axis": backward_variant(db2="np.sum(dZ2, axis=0, keepdims=True) / m"),
}, right={
    "tanh' from Z1, @ and np.mean": """
def backward_propagation(parameters, cache, X, Y):
    dZ2 = cache["A2"] - Y
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - np.tanh(cache["Z1"]) ** 2)
    return {"dW1": dZ1 @ X.T / X.shape[1], "db1": np.mean(dZ1, axis=1, keepdims=True),
            "dW2": dZ2 @ cache["A1"].T / X.shape[1], "db2": np.mean(dZ2, axis=1, keepdims=True)}
""",
})
add(A3, "update_parameters", bugs={
    "changes the caller's dict in place": a3_planar_data.UPDATE_IN_PLACE,
    "the learning rate written in": a3_planar_data.UPDATE_IGNORES_LEARNING_RATE,
    "a shallow copy and -=": """
def update_parameters(parameters, grads, learning_rate=1.2):
    new = dict(parameters)
    for name in new:
        new[name] -= learning_rate * grads["d" + name]
    return new
""",
}, right={
    "copy.deepcopy, as in the course's template": """
def update_parameters(parameters, grads, learning_rate=1.2):
    W1 = copy.deepcopy(parameters["W1"])
    b1 = copy.deepcopy(parameters["b1"])
    W2 = copy.deepcopy(parameters["W2"])
    b2 = copy.deepcopy(parameters["b2"])
    W1 = W1 - learning_rate * grads["dW1"]
    b1 = b1 - learning_rate * grads["db1"]
    W2 = W2 - learning_rate * grads["dW2"]
    b2 = b2 - learning_rate * grads["db2"]
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
""",
    "a dict comprehension": """
def update_parameters(parameters, grads, learning_rate=1.2):
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}
""",
})
_NN_MODEL = """
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    np.random.seed(3)
    n_x, _, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, {n_h}, n_y)
    for i in range({iterations}):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if {when}:
            print("Cost after iteration %i: %f" % (i, cost))
    return parameters
"""


def _nn_model(n_h="n_h", iterations="num_iterations", when="print_cost and i % 1000 == 0") -> str:
    return _NN_MODEL.format(n_h=n_h, iterations=iterations, when=when)


add(A3, "nn_model", bugs={
    "ignores n_h": _nn_model(n_h="4"),
    "one iteration short": _nn_model(iterations="num_iterations - 1"),
    "prints every 100 iterations": _nn_model(when="print_cost and i % 100 == 0"),
    "prints whether print_cost is set or not": _nn_model(when="i % 1000 == 0"),
    "prints the iteration and the cost swapped": _nn_model().replace("% (i, cost)", "% (cost, i)"),
    "without the seed": _nn_model().replace("    np.random.seed(3)\n", ""),
}, right={
    "sizes read from the arrays, the learning rate spelled out": """
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    np.random.seed(3)
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0])
    for i in range(0, num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate=1.2)
        if print_cost and not i % 1000:
            print(f"Cost after iteration {i}: {cost:f}")
    return parameters
""",
})
add(A3, "predict", bugs={
    "numbers instead of booleans": """
def predict(parameters, X):
    return (forward_propagation(X, parameters)[0] > 0.5).astype(float)
""",
    ">= 0.5": a3_planar_data.PREDICT_AT_LEAST_HALF,
    "the probabilities": """
def predict(parameters, X):
    A2, cache = forward_propagation(X, parameters)
    return A2
""",
}, right={
    "np.greater": """
def predict(parameters, X):
    A2, _ = forward_propagation(X, parameters)
    return np.greater(A2, 0.5)
""",
    "not (A2 <= 0.5)": """
def predict(parameters, X):
    A2 = forward_propagation(X, parameters)[0]
    return ~(A2 <= 0.5)
""",
})

# ================================================================ assignment 4
add(A4, "initialize_parameters", bugs={
    "without the factor 0.01": a4_deep_network.INITIALIZE_UNSCALED,
    "W1 transposed": """
def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    return {"W1": np.random.randn(n_x, n_h) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}
""",
}, right={
    "0.01 first, standard_normal": """
def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = 0.01 * np.random.standard_normal((n_h, n_x))
    W2 = 0.01 * np.random.standard_normal((n_y, n_h))
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}
""",
})
add(A4, "initialize_parameters_deep", bugs={
    "misses the last layer": """
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims) - 1):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
""",
    "weights transposed": """
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l - 1], layer_dims[l]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
""",
}, right={
    "zip of consecutive sizes": """
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l, (n_prev, n) in enumerate(zip(layer_dims[:-1], layer_dims[1:]), start=1):
        parameters[f"W{l}"] = np.random.randn(n, n_prev) * 0.01
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters
""",
})
add(A4, "linear_forward", bugs={
    "W transposed": """
def linear_forward(A, W, b):
    return np.dot(W.T, A) + b, (A, W, b)
""",
    "no bias": """
def linear_forward(A, W, b):
    return np.dot(W, A), (A, W, b)
""",
    "the cache in another order": """
def linear_forward(A, W, b):
    return np.dot(W, A) + b, (W, A, b)
""",
}, right={
    "@": """
def linear_forward(A, W, b):
    Z = W @ A + b
    cache = (A, W, b)
    return Z, cache
""",
})
add(A4, "linear_activation_forward", bugs={
    "the activations swapped": """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = relu(Z) if activation == "sigmoid" else sigmoid(Z)
    return A, (linear_cache, activation_cache)
""",
    "returns Z, not A": """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = sigmoid(Z) if activation == "sigmoid" else relu(Z)
    return Z, (linear_cache, activation_cache)
""",
}, right={
    "the linear step written out, the activations by hand": """
def linear_activation_forward(A_prev, W, b, activation):
    Z = W @ A_prev + b
    if activation == "sigmoid":
        A = 1 / (1 + np.exp(-Z))
    elif activation == "relu":
        A = np.maximum(0, Z)
    else:
        raise ValueError(activation)
    return A, ((A_prev, W, b), Z)
""",
    "one linear_forward before the branch": """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = {"sigmoid": sigmoid, "relu": relu}[activation](Z)
    return A, (linear_cache, activation_cache)
""",
})
add(A4, "L_model_forward", bugs={
    "every layer through ReLU": a4_deep_network.L_MODEL_FORWARD_ALL_RELU,
    "the caches in reverse order": a4_deep_network.L_MODEL_FORWARD_REVERSED_CACHES,
    "skips the first layer": """
def L_model_forward(X, parameters):
    caches, A, L = [], X, len(parameters) // 2
    for l in range(2, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches
""",
}, right={
    "one loop choosing the activation": """
def L_model_forward(X, parameters):
    L = len(parameters) // 2
    caches = []
    A = X
    for l in range(1, L + 1):
        activation = "sigmoid" if l == L else "relu"
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], activation)
        caches.append(cache)
    return A, caches
""",
})
add(A4, "compute_cost", bugs={
    "a sum, not a mean": a4_deep_network.COMPUTE_COST_NO_MEAN,
    "no minus sign": """
def compute_cost(AL, Y):
    return np.squeeze(np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
""",
}, right={
    "np.mean, a NumPy float": """
def compute_cost(AL, Y):
    return -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
""",
    "a loop, a Python float": """
def compute_cost(AL, Y):
    m = Y.shape[1]
    total = 0.0
    for a, y in zip(AL[0], Y[0]):
        total += y * float(np.log(a)) + (1 - y) * float(np.log(1 - a))
    return -total / m
""",
})
add(A4, "linear_backward", bugs={
    "W reshaped instead of transposed": a4_deep_network.LINEAR_BACKWARD_RESHAPED_W,
    "no 1/m in dW": """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T), np.sum(dZ, axis=1, keepdims=True) / m
""",
    "db without keepdims": """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1) / m
""",
}, right={
    "@ and np.mean": """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    return W.T @ dZ, dZ @ A_prev.T / A_prev.shape[1], np.mean(dZ, axis=1, keepdims=True)
""",
})
add(A4, "linear_activation_backward", bugs={
    "ReLU's derivative 1 at z = 0": a4_deep_network.LINEAR_ACTIVATION_BACKWARD_RELU_AT_ZERO,
    "the activations swapped": """
def linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache
    dZ = sigmoid_backward(dA, Z) if activation == "relu" else relu_backward(dA, Z)
    return linear_backward(dZ, linear_cache)
""",
}, right={
    "both derivatives by hand": """
def linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache
    if activation == "relu":
        dZ = np.where(Z > 0, dA, 0.0)
    else:
        s = 1 / (1 + np.exp(-Z))
        dZ = dA * s * (1 - s)
    return linear_backward(dZ, linear_cache)
""",
})
add(A4, "L_model_backward", bugs={
    "the output layer through ReLU": a4_deep_network.L_MODEL_BACKWARD_OUTPUT_AS_RELU,
    "dAL with the wrong sign": """
def L_model_backward(AL, Y, caches):
    grads, L = {}, len(caches)
    Y = Y.reshape(AL.shape)
    dA = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)
    for l in range(L, 0, -1):
        activation = "sigmoid" if l == L else "relu"
        dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_activation_backward(dA, caches[l - 1], activation)
        grads["dA" + str(l - 1)] = dA
    return grads
""",
    "stops before the first layer": """
def L_model_backward(AL, Y, caches):
    grads, L = {}, len(caches)
    Y = Y.reshape(AL.shape)
    dA = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in range(L, 1, -1):
        activation = "sigmoid" if l == L else "relu"
        dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_activation_backward(dA, caches[l - 1], activation)
        grads["dA" + str(l - 1)] = dA
    return grads
""",
}, right={
    "reversed() and f-strings": """
def L_model_backward(AL, Y, caches):
    L = len(caches)
    Y = Y.reshape(AL.shape)
    grads = {}
    dA = -Y / AL + (1 - Y) / (1 - AL)
    for l in reversed(range(1, L + 1)):
        dA_prev, dW, db = linear_activation_backward(dA, caches[l - 1], "sigmoid" if l == L else "relu")
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA_prev, dW, db
        dA = dA_prev
    return grads
""",
})
add(A4, "update_parameters", bugs={
    "changes the caller's arrays in place": a4_deep_network.UPDATE_IN_PLACE,
    "a shallow copy and -=": a4_deep_network.UPDATE_SHALLOW_COPY,
    "only the first layer": """
def update_parameters(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    parameters["W1"] = parameters["W1"] - learning_rate * grads["dW1"]
    parameters["b1"] = parameters["b1"] - learning_rate * grads["db1"]
    return parameters
""",
}, right={
    "a dict comprehension": """
def update_parameters(params, grads, learning_rate):
    return {key: value - learning_rate * grads["d" + key] for key, value in params.items()}
""",
})

# ================================================================ assignment 5
add(A5, "two_layer_model", bugs={
    "the activations swapped": a5_deep_application.TWO_LAYER_SWAPPED_ACTIVATIONS,
    "throws the update away": a5_deep_application.TWO_LAYER_UPDATE_DISCARDED,
    "prints whether print_cost is set or not": two_layer_variant(when="i % 100 == 0 or i == num_iterations - 1"),
    "never prints the last iteration": two_layer_variant(when="print_cost and i % 100 == 0"),
}, right={
    "the course's print rule with parentheses, the gradients by name": """
def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    n_x, n_h, n_y = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    costs = []
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], activation="relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], activation="sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -Y / A2 + (1 - Y) / (1 - A2)
        grads = {}
        dA1, grads["dW2"], grads["db2"] = linear_activation_backward(dA2, cache2, activation="sigmoid")
        _, grads["dW1"], grads["db1"] = linear_activation_backward(dA1, cache1, activation="relu")
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print(f"Cost after iteration {i}: {np.squeeze(cost)}")
        if i % 100 == 0:
            costs.append(float(cost))
    return parameters, costs
""",
})
add(A5, "L_layer_model", bugs={
    "the learning rate written in": a5_deep_application.L_LAYER_FIXED_LEARNING_RATE,
    "initialises again at every iteration": l_layer_variant(
        init="parameters = initialize_parameters_deep(layers_dims) if i < 2 else parameters"),
    "keeps the cost of every iteration": l_layer_variant(keep="True"),
    "prints every 10 iterations": l_layer_variant(when="print_cost and (i % 10 == 0 or i == num_iterations - 1)"),
}, right={
    "a while loop, float costs": """
def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    parameters = initialize_parameters_deep(layers_dims)
    costs = []
    i = 0
    while i < num_iterations:
        AL, caches = L_model_forward(X, parameters)
        cost = float(compute_cost(AL, Y))
        parameters = update_parameters(parameters, L_model_backward(AL, Y, caches), learning_rate=learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, cost))
        if i % 100 == 0:
            costs.append(cost)
        i += 1
    return parameters, costs
""",
})

# ================================================================ assignment 6
_BUILD = """
def build_model():
    return keras.Sequential([keras.Input(shape=({inputs},)),
                             keras.layers.Dense({u1}, activation="{a1}"),
                             keras.layers.Dense({u2}, activation="sigmoid"),
                             keras.layers.Dense(1{last})], name="my_model")
"""


def _build(inputs="400", u1="25", u2="15", a1="sigmoid", last=', activation="sigmoid"') -> str:
    return _BUILD.format(inputs=inputs, u1=u1, u2=u2, a1=a1, last=last)


add(A6, "build_model", bugs={
    "a linear last layer": _build(last=""),
    "ReLU in the first layer": _build(a1="relu"),
    "15 units first, 25 second": _build(u1="15", u2="25"),
    "an empty model with the right name": """
def build_model():
    return keras.Sequential(name="my_model")
""",
}, right={
    "add() layer by layer, the activation as a function": """
def build_model():
    model = keras.Sequential(name="my_model")
    model.add(keras.Input(shape=(400,)))
    model.add(keras.layers.Dense(units=25, activation=keras.activations.sigmoid))
    model.add(keras.layers.Dense(units=15, activation=keras.activations.sigmoid))
    model.add(keras.layers.Dense(units=1, activation=keras.activations.sigmoid))
    return model
""",
})
add(A6, "my_dense", bugs={
    "row k of W instead of column k": """
def my_dense(a_in, W, b, g):
    a_out = np.zeros(W.shape[1])
    for k in range(W.shape[1]):
        a_out[k] = g(np.dot(W[k, :], a_in) + b[k])
    return a_out
""",
    "no bias": """
def my_dense(a_in, W, b, g):
    a_out = np.zeros(W.shape[1])
    for k in range(W.shape[1]):
        a_out[k] = g(np.dot(W[:, k], a_in))
    return a_out
""",
    "always the sigmoid": """
def my_dense(a_in, W, b, g):
    a_out = np.zeros(W.shape[1])
    for k in range(W.shape[1]):
        a_out[k] = sigmoid(np.dot(W[:, k], a_in) + b[k])
    return a_out
""",
}, right={
    "vectorised (integers stay integers)": """
def my_dense(a_in, W, b, g):
    return g(np.dot(a_in, W) + b)
""",
    "W.T @ a_in": """
def my_dense(a_in, W, b, g):
    return g(W.T @ a_in + b)
""",
    "a loop over the inputs too": """
def my_dense(a_in, W, b, g):
    n, units = W.shape
    a_out = np.zeros(units)
    for k in range(units):
        z = b[k]
        for i in range(n):
            z = z + a_in[i] * W[i, k]
        a_out[k] = g(z)
    return a_out
""",
})
add(A6, "my_sequential", bugs={
    "W1 and b1 twice": """
def my_sequential(x, W1, b1, W2, b2, W3, b3):
    a1 = my_dense(x, W1, b1, sigmoid)
    a2 = my_dense(a1, W1, b1, sigmoid)
    return my_dense(a2, W3, b3, sigmoid)
""",
    "no sigmoid on the output": """
def my_sequential(x, W1, b1, W2, b2, W3, b3):
    a1 = my_dense(x, W1, b1, sigmoid)
    a2 = my_dense(a1, W2, b2, sigmoid)
    return my_dense(a2, W3, b3, lambda z: z)
""",
    "returns the second layer's output": a6_digits.SEQUENTIAL_RETURNS_SECOND_LAYER,
    "the biases of layers 2 and 3 swapped": """
def my_sequential(x, W1, b1, W2, b2, W3, b3):
    a1 = my_dense(x, W1, b1, sigmoid)
    a2 = my_dense(a1, W2, b3, sigmoid)
    return my_dense(a2, W3, b2, sigmoid)
""",
}, right={
    "a loop over the layers": """
def my_sequential(x, W1, b1, W2, b2, W3, b3):
    a = x
    for W, b in ((W1, b1), (W2, b2), (W3, b3)):
        a = my_dense(a, W, b, sigmoid)
    return a
""",
    "vectorised, without my_dense": """
def my_sequential(x, W1, b1, W2, b2, W3, b3):
    a1 = sigmoid(x @ W1 + b1)
    a2 = sigmoid(a1 @ W2 + b2)
    return sigmoid(a2 @ W3 + b3)
""",
})
add(A6, "my_dense_v", bugs={
    "always the sigmoid": a6_digits.DENSE_V_ALWAYS_SIGMOID,
    "no activation": a6_digits.DENSE_V_NO_ACTIVATION,
    "b as a column": """
def my_dense_v(A_in, W, b, g):
    return g(A_in @ W + np.reshape(b, (-1, 1)))
""",
}, right={
    "np.matmul and np.add": """
def my_dense_v(A_in, W, b, g):
    return g(np.add(np.matmul(A_in, W), b))
""",
    "einsum": """
def my_dense_v(A_in, W, b, g):
    return g(np.einsum("mn,nj->mj", A_in, W) + b)
""",
})

# ================================================================ wrong calls of earlier exercises
for _assignment, _functions in WRONG_CALLS.items():
    for _function, _calls in _functions.items():
        CATALOGUE[_assignment][_function]["bugs"].update(_calls)
