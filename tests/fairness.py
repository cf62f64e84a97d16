"""Fair grading, answer by answer: right answers written in other forms and styles keep their points (or
the documented share for another form), and wrong calls of earlier exercises are charged where they are
made.

RIGHT_ANYWAY[assignment][function] = {label: (code, keeps)}: a right answer written another way than the
instructor's (another type, a loop, a helper function, other local names, a float(...) wrapper, the older
conventions of the original course where this workbook's text still allows them); ``keeps`` is FULL (full
marks) or SHARE (every check right, some in another form than the one asked for: at least FORM_SHARE of
the points, never all of them). Each code replaces the whole solution cell of that function.

CATALOGUED_FORMS[assignment][function] lists the labels of tests/catalogue.py's bugs that are right values
in another form only: they lose points (so the catalogue counts them as caught) but keep the share.

WRONG_CALLS[assignment][function] = {label: code}: the function calls an earlier exercise wrongly (arguments
swapped, the wrong array, a misspelt activation, a missing derivative). Each must lose points in its own
cell, and only there: tests/catalogue.py adds them to its bugs, so tests/test_check_catalogue.py checks
them with the rest. They are the mistakes that stand-ins returning values independent of their arguments
let through.

Every answer is our own code.
"""

from __future__ import annotations

from grader.example_class import a3_planar_data

A1, A2, A3, A4, A5, A6 = ("a1_numpy_basics", "a2_logistic_regression", "a3_planar_data", "a4_deep_network",
                          "a5_deep_application", "a6_digits")
FULL, SHARE = "full marks", "the share for another form"

RIGHT_ANYWAY: dict[str, dict[str, dict[str, tuple[str, str]]]] = {a: {} for a in (A1, A2, A3, A4, A5, A6)}
CATALOGUED_FORMS: dict[str, dict[str, list[str]]] = {
    A1: {"basic_sigmoid": ["NumPy's exp (a NumPy float, not a Python float)"]},
    A2: {"initialize_with_zeros": ["an int bias", "a NumPy float bias"], "predict": ["booleans"]},
    A3: {"layer_sizes": ["a list"], "compute_cost": ["a NumPy scalar"], "predict": ["numbers instead of booleans"]},
}
WRONG_CALLS: dict[str, dict[str, dict[str, str]]] = {a: {} for a in (A1, A2, A3, A4, A5, A6)}


# ================================================================ assignment 1
RIGHT_ANYWAY[A1]["basic_sigmoid"] = {
    "float() around NumPy's exp": ("""
def basic_sigmoid(x):
    return float(1 / (1 + np.exp(-x)))
""", FULL),
    "a helper for e to the -x, other local names": ("""
def _e_to_minus(t):
    return math.exp(-t)

def basic_sigmoid(x):
    denominator = 1.0 + _e_to_minus(x)
    return 1.0 / denominator
""", FULL),
    "math.pow of e": ("""
def basic_sigmoid(x):
    return 1 / (1 + math.pow(math.e, -x))
""", FULL),
}
RIGHT_ANYWAY[A1]["sigmoid"] = {
    "np.vectorize of the one-number formula": ("""
def sigmoid(x):
    return np.vectorize(lambda v: 1.0 / (1.0 + math.exp(-v)), otypes=[float])(x)
""", FULL),
    "np.divide and np.add": ("""
def sigmoid(x):
    return np.divide(1.0, np.add(1.0, np.exp(np.negative(x))))
""", FULL),
}
RIGHT_ANYWAY[A1]["sigmoid_derivative"] = {
    "np.multiply, other local names": ("""
def sigmoid_derivative(x):
    sig = sigmoid(x)
    return np.multiply(sig, 1 - sig)
""", FULL),
    "1 - s first": ("""
def sigmoid_derivative(x):
    s = sigmoid(x)
    one_minus_s = 1.0 - s
    return one_minus_s * s
""", FULL),
}
RIGHT_ANYWAY[A1]["image2vector"] = {
    "the three sizes multiplied, as in the course": ("""
def image2vector(image):
    return image.reshape((image.shape[0] * image.shape[1] * image.shape[2], 1))
""", FULL),
    "converted to floats": ("""
def image2vector(image):
    return image.reshape(-1, 1).astype(float)
""", SHARE),
    "a loop filling a column of zeros (floats)": ("""
def image2vector(image):
    flat = np.zeros((image.size, 1))
    k = 0
    for row in image:
        for pixel in row:
            for value in pixel:
                flat[k, 0] = value
                k += 1
    return flat
""", SHARE),
}
RIGHT_ANYWAY[A1]["normalize_rows"] = {
    "ord=2 spelt out, as in the course": ("""
def normalize_rows(x):
    x_norm = np.linalg.norm(x, ord=2, axis=1, keepdims=True)
    return x / x_norm
""", FULL),
    "np.apply_along_axis with a helper": ("""
def _unit(row):
    return row / np.sqrt(np.dot(row, row))

def normalize_rows(x):
    return np.apply_along_axis(_unit, 1, x)
""", FULL),
}
RIGHT_ANYWAY[A1]["softmax"] = {
    "the row sums reshaped into a column": ("""
def softmax(x):
    exps = np.exp(x)
    return exps / exps.sum(axis=1).reshape(-1, 1)
""", FULL),
    "a helper for one row": ("""
def _softmax_row(row):
    e = np.exp(row - row.max())
    return e / e.sum()

def softmax(x):
    return np.array([_softmax_row(row) for row in x], dtype=float)
""", FULL),
}
RIGHT_ANYWAY[A1]["L1"] = {
    "float() of the sum": ("""
def L1(yhat, y):
    return float(np.sum(np.abs(y - yhat)))
""", FULL),
    "a loop from the int 0": ("""
def L1(yhat, y):
    loss = 0
    for predicted, label in zip(np.ravel(yhat), np.ravel(y)):
        loss = loss + abs(label - predicted)
    return loss
""", FULL),
}
RIGHT_ANYWAY[A1]["L2"] = {
    "np.square": ("""
def L2(yhat, y):
    return np.sum(np.square(y - yhat))
""", FULL),
    "float() of np.dot": ("""
def L2(yhat, y):
    return float(np.dot(y - yhat, y - yhat))
""", FULL),
}
WRONG_CALLS[A1]["sigmoid_derivative"] = {
    "sigmoid(-x) where 1 - sigmoid(x) belongs (s times s)": """
def sigmoid_derivative(x):
    return sigmoid(x) * (1 - sigmoid(-x))
""",
}

# ================================================================ assignment 2
RIGHT_ANYWAY[A2]["flatten_and_standardize"] = {
    "divided by 255.0, as in the course": ("""
def flatten_and_standardize(X_orig):
    X_flatten = X_orig.reshape(X_orig.shape[0], -1).T
    return X_flatten / 255.
""", FULL),
    "np.transpose and np.divide": ("""
def flatten_and_standardize(X_orig):
    m = len(X_orig)
    return np.divide(np.transpose(np.reshape(X_orig, (m, -1))), 255.0)
""", FULL),
}
RIGHT_ANYWAY[A2]["sigmoid"] = {
    "through logaddexp (never overflows)": ("""
def sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))
""", FULL),
}
RIGHT_ANYWAY[A2]["initialize_with_zeros"] = {
    "a list for the shape and 0.": ("""
def initialize_with_zeros(dim):
    w = np.zeros([dim, 1])
    b = 0.
    return w, b
""", FULL),
    "b as a 0-d array": ("""
def initialize_with_zeros(dim):
    return np.zeros((dim, 1)), np.array(0.0)
""", SHARE),
}
RIGHT_ANYWAY[A2]["propagate"] = {
    "the course's older template: np.dot of the logs, 1 / m first, np.squeeze": ("""
def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -1 / m * (np.dot(Y, np.log(A).T) + np.dot(1 - Y, np.log(1 - A).T))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y)
    cost = np.squeeze(np.array(cost))
    grads = {"dw": dw, "db": db}
    return grads, cost
""", FULL),
    "a helper for the cost, float() for db and the cost": ("""
def _cross_entropy(A, Y):
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))

def propagate(w, b, X, Y):
    A = sigmoid(w.T @ X + b)
    error = A - Y
    grads = {"dw": X @ error.T / X.shape[1], "db": float(np.mean(error))}
    return grads, _cross_entropy(A, Y)
""", FULL),
}
RIGHT_ANYWAY[A2]["optimize"] = {
    "the course's template: deep copies, gradients unpacked": ("""
def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    w = copy.deepcopy(w)
    b = copy.deepcopy(b)
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        dw = grads["dw"]
        db = grads["db"]
        w = w - learning_rate * dw
        b = b - learning_rate * db
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration %i: %f" % (i, cost))
    params = {"w": w, "b": b}
    grads = {"dw": dw, "db": db}
    return params, grads, costs
""", FULL),
    "propagate written inline": ("""
def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    m = X.shape[1]
    costs = []
    for i in range(num_iterations):
        A = 1 / (1 + np.exp(-(np.dot(w.T, X) + b)))
        cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
        dw = np.dot(X, (A - Y).T) / m
        db = np.sum(A - Y) / m
        w = w - learning_rate * dw
        b = b - learning_rate * db
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration %i: %f" % (i, cost))
    return {"w": w, "b": b}, {"dw": dw, "db": db}, costs
""", FULL),
}
RIGHT_ANYWAY[A2]["predict"] = {
    "the course's loop over the examples": ("""
def predict(w, b, X):
    m = X.shape[1]
    Y_prediction = np.zeros((1, m))
    w = w.reshape(X.shape[0], 1)
    A = sigmoid(np.dot(w.T, X) + b)
    for i in range(A.shape[1]):
        if A[0, i] > 0.5:
            Y_prediction[0, i] = 1
        else:
            Y_prediction[0, i] = 0
    return Y_prediction
""", FULL),
    "integers 0 and 1": ("""
def predict(w, b, X):
    return (sigmoid(np.dot(w.T, X) + b) > 0.5).astype(int)
""", SHARE),
}
RIGHT_ANYWAY[A2]["model"] = {
    "a helper for the accuracy, keyword arguments": ("""
def _accuracy(Y_prediction, Y):
    return 100 - np.mean(np.abs(Y_prediction - Y)) * 100

def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    w, b = initialize_with_zeros(X_train.shape[0])
    params, grads, costs = optimize(w, b, X_train, Y_train, num_iterations=num_iterations,
                                    learning_rate=learning_rate, print_cost=print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    if print_cost:
        print("train accuracy: {} %".format(_accuracy(Y_prediction_train, Y_train)))
        print("test accuracy: {} %".format(_accuracy(Y_prediction_test, Y_test)))
    return {"costs": costs, "Y_prediction_test": Y_prediction_test, "Y_prediction_train": Y_prediction_train,
            "w": w, "b": b, "learning_rate": learning_rate, "num_iterations": num_iterations}
""", FULL),
}
WRONG_CALLS[A2]["propagate"] = {
    "sigmoid of X^T w + b (one row per example)": """
def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(X.T, w) + b)
    cost = np.squeeze(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
    return {"dw": np.dot(X, (A - Y).T) / m, "db": np.sum(A - Y) / m}, cost
""",
}
_OPTIMIZE = """
def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    {start}
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate({call})
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration %i: %f" % (i, cost))
    return {{"w": w, "b": b}}, grads, costs
"""
WRONG_CALLS[A2]["optimize"] = {
    "propagate(w, b, Y, X)": _OPTIMIZE.format(start="w = copy.deepcopy(w)", call="w, b, Y, X"),
    "propagate always given the starting w and b": _OPTIMIZE.format(start="w0, b0 = copy.deepcopy(w), b",
                                                                    call="w0, b0, X, Y"),
}
WRONG_CALLS[A2]["predict"] = {
    "sigmoid of w^T X - b": """
def predict(w, b, X):
    return (sigmoid(np.dot(w.T, X) - b) > 0.5).astype(float)
""",
}
_MODEL_CALLS = """
def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    w, b = initialize_with_zeros(X_train.shape[0])
    params, grads, costs = optimize(w, b, {data}, num_iterations, learning_rate, print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_test = predict(w, b, {test})
    Y_prediction_train = predict(w, b, X_train)
    if print_cost:
        print("train accuracy: {{}} %".format(100 - np.mean(np.abs(Y_prediction_train - Y_train)) * 100))
        print("test accuracy: {{}} %".format(100 - np.mean(np.abs(Y_prediction_test - Y_test)) * 100))
    return {{"costs": costs, "Y_prediction_test": Y_prediction_test, "Y_prediction_train": Y_prediction_train,
            "w": w, "b": b, "learning_rate": learning_rate, "num_iterations": num_iterations}}
"""
WRONG_CALLS[A2]["model"] = {
    "optimize on the test set": _MODEL_CALLS.format(data="X_test, Y_test", test="X_test"),
    "optimize given the labels as inputs and the inputs as labels": _MODEL_CALLS.format(
        data="Y_train, X_train", test="X_test"),
}

# ================================================================ assignment 3
RIGHT_ANYWAY[A3]["layer_sizes"] = {
    "np.shape, other local names": ("""
def layer_sizes(X, Y):
    inputs = np.shape(X)[0]
    outputs = np.shape(Y)[0]
    return (inputs, 4, outputs)
""", FULL),
    "NumPy ints": ("""
def layer_sizes(X, Y):
    return (np.int64(X.shape[0]), 4, np.int64(Y.shape[0]))
""", SHARE),
}
RIGHT_ANYWAY[A3]["initialize_parameters"] = {
    "np.multiply and zeros of the right shape": ("""
def initialize_parameters(n_x, n_h, n_y):
    W1 = np.multiply(np.random.randn(n_h, n_x), 0.01)
    W2 = np.multiply(np.random.randn(n_y, n_h), 0.01)
    return {"W1": W1, "b1": np.zeros(shape=(n_h, 1)), "W2": W2, "b2": np.zeros(shape=(n_y, 1))}
""", FULL),
}
RIGHT_ANYWAY[A3]["forward_propagation"] = {
    "a helper for one layer": ("""
def _layer(W, b, A_in, g):
    Z = np.dot(W, A_in) + b
    return Z, g(Z)

def forward_propagation(X, parameters):
    Z1, A1 = _layer(parameters["W1"], parameters["b1"], X, np.tanh)
    Z2, A2 = _layer(parameters["W2"], parameters["b2"], A1, sigmoid)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
""", FULL),
}
RIGHT_ANYWAY[A3]["compute_cost"] = {
    "the course's logprobs with np.multiply, float(np.squeeze(...))": ("""
def compute_cost(A2, Y):
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
    cost = -np.sum(logprobs) / m
    cost = float(np.squeeze(cost))
    return cost
""", FULL),
    "np.squeeze of a (1, 1) np.dot: a 0-d array": ("""
def compute_cost(A2, Y):
    m = Y.shape[1]
    cost = -(np.dot(np.log(A2), Y.T) + np.dot(np.log(1 - A2), (1 - Y).T)) / m
    return np.squeeze(cost)
""", SHARE),
}
RIGHT_ANYWAY[A3]["backward_propagation"] = {
    "np.multiply and np.power, as in the course": ("""
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W1 = parameters["W1"]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]
    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.multiply(np.dot(W2.T, dZ2), 1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return grads
""", FULL),
}
RIGHT_ANYWAY[A3]["update_parameters"] = {
    "a loop over the names into a new dict": ("""
def update_parameters(parameters, grads, learning_rate=1.2):
    updated = {}
    for name in ("W1", "b1", "W2", "b2"):
        updated[name] = parameters[name] - learning_rate * grads["d" + name]
    return updated
""", FULL),
}
RIGHT_ANYWAY[A3]["nn_model"] = {
    "the cost written inline (no compute_cost)": ("""
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    np.random.seed(3)
    n_x, _, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_h, n_y)
    m = Y.shape[1]
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))
    return parameters
""", FULL),
    "a helper for one step of training": ("""
def _train_step(parameters, X, Y):
    A2, cache = forward_propagation(X, parameters)
    cost = compute_cost(A2, Y)
    grads = backward_propagation(parameters, cache, X, Y)
    return update_parameters(parameters, grads, 1.2), cost

def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    np.random.seed(3)
    sizes = layer_sizes(X, Y)
    parameters = initialize_parameters(sizes[0], n_h, sizes[2])
    for i in range(num_iterations):
        parameters, cost = _train_step(parameters, X, Y)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))
    return parameters
""", FULL),
}
RIGHT_ANYWAY[A3]["predict"] = {
    "rounded floats (an example student's)": (a3_planar_data.PREDICT_ROUNDED, SHARE),
    "integers 0 and 1": ("""
def predict(parameters, X):
    A2, cache = forward_propagation(X, parameters)
    return (A2 > 0.5).astype(int)
""", SHARE),
    "np.where with True and False": ("""
def predict(parameters, X):
    A2, cache = forward_propagation(X, parameters)
    return np.where(A2 > 0.5, True, False)
""", FULL),
}
_NN_MODEL_CALLS = """
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    np.random.seed(3)
    n_x, _, n_y = {sizes}
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = {cost}
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))
    return parameters
"""
WRONG_CALLS[A3]["nn_model"] = {
    "compute_cost(Y, A2)": _NN_MODEL_CALLS.format(sizes="layer_sizes(X, Y)", cost="compute_cost(Y, A2)"),
    "layer_sizes(Y, X)": _NN_MODEL_CALLS.format(sizes="layer_sizes(Y, X)", cost="compute_cost(A2, Y)"),
    "the cost of the hidden layer's output": _NN_MODEL_CALLS.format(sizes="layer_sizes(X, Y)",
                                                                     cost="compute_cost(cache['A1'], Y)"),
}
WRONG_CALLS[A3]["predict"] = {
    "forward_propagation(parameters, X)": """
def predict(parameters, X):
    A2, cache = forward_propagation(parameters, X)
    return A2 > 0.5
""",
}

# ================================================================ assignment 4
RIGHT_ANYWAY[A4]["initialize_parameters"] = {
    "divided by 100": ("""
def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) / 100
    W2 = np.random.randn(n_y, n_h) / 100
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}
""", FULL),
}
RIGHT_ANYWAY[A4]["initialize_parameters_deep"] = {
    "a while loop and str.format": ("""
def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    l = 1
    while l < len(layer_dims):
        parameters["W{}".format(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b{}".format(l)] = np.zeros((layer_dims[l], 1))
        l += 1
    return parameters
""", FULL),
}
RIGHT_ANYWAY[A4]["linear_forward"] = {
    "np.matmul": ("""
def linear_forward(A, W, b):
    return np.matmul(W, A) + b, (A, W, b)
""", FULL),
    "the cache as a list": ("""
def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    return Z, [A, W, b]
""", SHARE),
}
RIGHT_ANYWAY[A4]["linear_activation_forward"] = {
    "the activation helpers' outputs unpacked by index": ("""
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A = sigmoid(Z)[0]
    elif activation == "relu":
        A = relu(Z)[0]
    else:
        raise ValueError(activation)
    return A, (linear_cache, Z)
""", FULL),
}
RIGHT_ANYWAY[A4]["L_model_forward"] = {
    "a while loop over the hidden layers, as the course splits it": ("""
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    l = 1
    while l < L:
        A, cache = linear_activation_forward(A, parameters["W%d" % l], parameters["b%d" % l], activation="relu")
        caches.append(cache)
        l += 1
    AL, cache = linear_activation_forward(A, parameters["W%d" % L], parameters["b%d" % L], activation="sigmoid")
    caches.append(cache)
    return AL, caches
""", FULL),
    "every layer written inline": ("""
def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        Z = np.dot(W, A) + b
        caches.append(((A, W, b), Z))
        A = 1 / (1 + np.exp(-Z)) if l == L else np.maximum(0, Z)
    return A, caches
""", FULL),
}
RIGHT_ANYWAY[A4]["compute_cost"] = {
    "np.dot of the logs, squeezed, as in the course": ("""
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = (1. / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)
""", FULL),
    ".item() into a Python float": ("""
def compute_cost(AL, Y):
    return (-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1]).item()
""", FULL),
}
RIGHT_ANYWAY[A4]["linear_backward"] = {
    "1 / m first, as in the course": ("""
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1. / m * np.dot(dZ, A_prev.T)
    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
""", FULL),
    "a list of the three gradients": ("""
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return [np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m]
""", SHARE),
}
RIGHT_ANYWAY[A4]["linear_activation_backward"] = {
    "ReLU's derivative by hand on a copy": ("""
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = np.array(dA, copy=True)
        dZ[activation_cache <= 0] = 0
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)
""", FULL),
}
RIGHT_ANYWAY[A4]["L_model_backward"] = {
    "a helper for the output gradient, the course's current_cache": ("""
def _output_gradient(AL, Y):
    return - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))

def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(_output_gradient(AL, Y), current_cache, "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads
""", FULL),
}
RIGHT_ANYWAY[A4]["update_parameters"] = {
    "the course's older params.copy(), every key bound to a new array": ("""
def update_parameters(params, grads, learning_rate):
    parameters = params.copy()
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters
""", FULL),
}
WRONG_CALLS[A4]["linear_activation_forward"] = {
    "linear_forward(W, A_prev, b)": """
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(W, A_prev, b)
    A, activation_cache = sigmoid(Z) if activation == "sigmoid" else relu(Z)
    return A, (linear_cache, activation_cache)
""",
}
WRONG_CALLS[A4]["L_model_forward"] = {
    "the output layer's activation spelt 'Sigmoid'": """
def L_model_forward(X, parameters):
    caches, A, L = [], X, len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "Sigmoid")
    caches.append(cache)
    return AL, caches
""",
}
WRONG_CALLS[A4]["linear_activation_backward"] = {
    "linear_backward given dA (no activation derivative)": """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation not in ("relu", "sigmoid"):
        raise ValueError(activation)
    return linear_backward(dA, linear_cache)
""",
    "linear_backward given the whole layer cache": """
def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, cache)
""",
}
_L_BACKWARD_CALLS = """
def L_model_backward(AL, Y, caches):
    grads, L = {{}}, len(caches)
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA = {first}
    for l in range(L, 0, -1):
        activation = "{last}" if l == L else "relu"
        dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_activation_backward(dA, caches[l - 1], activation)
        grads["dA" + str(l - 1)] = dA
    return grads
"""
WRONG_CALLS[A4]["L_model_backward"] = {
    "AL given where dAL belongs": _L_BACKWARD_CALLS.format(first="AL", last="sigmoid"),
    "the output layer's activation spelt 'Sigmoid'": _L_BACKWARD_CALLS.format(first="dAL", last="Sigmoid"),
}

# ================================================================ assignment 5
RIGHT_ANYWAY[A5]["two_layer_model"] = {
    "dict() for the gradients, the activations by position": ("""
def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    costs = []
    n_x, n_h, n_y = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(Y / A2) + (1 - Y) / (1 - A2)
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        _, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        parameters = update_parameters(parameters, dict(dW1=dW1, db1=db1, dW2=dW2, db2=db2), learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
""", FULL),
}
RIGHT_ANYWAY[A5]["L_layer_model"] = {
    "np.squeeze of every cost kept": ("""
def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(0, num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = np.squeeze(compute_cost(AL, Y))
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate=learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, cost))
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
""", FULL),
}
WRONG_CALLS[A5]["L_layer_model"] = {
    "compute_cost(Y, AL)": """
def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(Y, AL)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
""",
}
WRONG_CALLS[A5]["two_layer_model"] = {
    "the output layer's backward step given the hidden layer's cache": """
def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    costs = []
    n_x, n_h, n_y = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = - (np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache1, "sigmoid")
        dA0, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        parameters = update_parameters(parameters, {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2},
                                       learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
""",
}

# ================================================================ assignment 6
RIGHT_ANYWAY[A6]["build_model"] = {
    "layers named, the activation as Keras' function": ("""
def build_model():
    inputs = keras.Input(shape=(400,))
    hidden1 = keras.layers.Dense(25, activation=keras.activations.sigmoid, name="L1")
    hidden2 = keras.layers.Dense(15, activation=keras.activations.sigmoid, name="L2")
    output = keras.layers.Dense(1, activation=keras.activations.sigmoid, name="L3")
    return keras.Sequential([inputs, hidden1, hidden2, output], name="my_model")
""", FULL),
}
RIGHT_ANYWAY[A6]["my_dense"] = {
    "a list comprehension over the units": ("""
def my_dense(a_in, W, b, g):
    return np.array([g(np.dot(W[:, k], a_in) + b[k]) for k in range(W.shape[1])], dtype=float)
""", FULL),
}
RIGHT_ANYWAY[A6]["my_sequential"] = {
    "nested calls": ("""
def my_sequential(x, W1, b1, W2, b2, W3, b3):
    return my_dense(my_dense(my_dense(x, W1, b1, sigmoid), W2, b2, sigmoid), W3, b3, sigmoid)
""", FULL),
}
RIGHT_ANYWAY[A6]["my_dense_v"] = {
    "np.dot": ("""
def my_dense_v(A_in, W, b, g):
    Z = np.dot(A_in, W) + b
    return g(Z)
""", FULL),
}
WRONG_CALLS[A6]["my_sequential"] = {
    "the second layer given np.tanh": """
def my_sequential(x, W1, b1, W2, b2, W3, b3):
    a1 = my_dense(x, W1, b1, sigmoid)
    a2 = my_dense(a1, W2, b2, np.tanh)
    return my_dense(a2, W3, b3, sigmoid)
""",
}
