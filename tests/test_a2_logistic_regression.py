"""Assignment 2 (logistic regression, cat / non-cat): parity with the course, grading without data,
hidden checks that catch the plausible bugs, and the picture helpers.

* Parity: the published numbers (the cost every 100 iterations, both accuracies, the learning-rate
  comparison, the data checks) are read from the source notebook executed once per session (the
  `executed_source` fixture). Skipped, with the reason, when the data set is not available offline.
* Grading never needs the data: the notebook runs as grading runs it (the cells tagged skip-when-graded
  skipped) with an empty data folder.
* The hidden checks catch each plausible bug alone: the bug replaces the instructor's function, the
  cell's hidden block runs in this process, and its records are judged against the instructor's
  records with the grader's own code (grader.grading.verdict.judge).
"""

from __future__ import annotations

import re

import matplotlib
import nbformat
import numpy as np
import pytest

from conftest import REPO
from nncourse import pictures
from nncourse.datasets import data_available
from nncourse.grading_run import SKIP_TAG
import hidden_checks
from catalogue import A2, catalogued, model_answer, propagate_answer

matplotlib.use("Agg")

ASSIGNMENT = "a2_logistic_regression"
SOURCE = REPO / "source" / ASSIGNMENT / "logistic_regression.ipynb"

PUBLISHED_COSTS = [0.693147, 0.584508, 0.466949, 0.376007, 0.331463, 0.303273, 0.279880, 0.260042,
                   0.242941, 0.228004, 0.214820, 0.203078, 0.192544, 0.183033, 0.174399, 0.166521,
                   0.159305, 0.152667, 0.146542, 0.140872]
LEARNING_RATES = {  # rate: (train accuracy, test accuracy, first costs ..., last cost)
    "0.01": ("99.52153110047847", "68.0",
             [0.693147, 0.823921, 0.418945, 0.617350, 0.522116, 0.387709, 0.236254, 0.154222], 0.092043),
    "0.001": ("88.99521531100478", "64.0", [0.693147], 0.378888),
    "0.0001": ("68.42105263157895", "36.0", [0.693147], 0.575611),
}


# ---------------------------------------------------------------- the notebook's parts
def _cells():
    return nbformat.read(str(SOURCE), as_version=4).cells


def _hidden_block(source: str) -> str:
    return source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]


SOLUTIONS = {c.metadata.nbgrader["grade_id"]: c.source for c in _cells()
             if c.metadata.get("nbgrader", {}).get("solution")}
HIDDEN = {c.metadata.nbgrader["grade_id"]: _hidden_block(c.source) for c in _cells()
          if c.metadata.get("nbgrader", {}).get("grade")}


def _stream_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def _cell_with(nb, needle: str):
    found = [c for c in nb.cells if c.cell_type == "code" and needle in c.source]
    assert len(found) == 1, "expected one code cell containing %r" % needle
    return found[0]


# ---------------------------------------------------------------- parity (the real data)
needs_data = pytest.mark.skipif(not data_available(),
                                reason="the cat / non-cat files are not available offline: set "
                                       "NNCOURSE_DATA_DIR to a folder holding them")


@pytest.fixture(scope="module")
def executed(executed_source):
    return executed_source(SOURCE)[1]


@pytest.mark.slow
@needs_data
def test_the_data_checks_of_the_notebook_pass(executed):
    text = _stream_text(_cell_with(executed, "m_train = train_x_orig.shape[0]"))
    assert "m_train = 209  m_test = 50  num_px = 64" in text
    assert "cats: 72 of 209 training pictures, 33 of 50 test pictures" in text
    text = _stream_text(_cell_with(executed, "train_x = flatten_and_standardize(train_x_orig)"))
    assert "train_x: (12288, 209)  test_x: (12288, 50)" in text
    assert "\u2714 train_x[0:10, 1] * 255" in text and "\u2714 test_x[0:10, 1] * 255" in text


@pytest.mark.slow
@needs_data
def test_the_published_training_run(executed):
    text = _stream_text(_cell_with(executed, "learning_rate=0.005, print_cost=True"))
    costs = [(int(i), float(c)) for i, c in re.findall(r"Cost after iteration (\d+): ([\d.]+)", text)]
    assert [i for i, _ in costs] == [100 * k for k in range(len(PUBLISHED_COSTS))]
    assert [c for _, c in costs] == pytest.approx(PUBLISHED_COSTS, abs=1.01e-6)   # printed to 6 decimals
    assert "train accuracy: 99.04306220095694 %" in text
    assert "test accuracy: 70.0 %" in text


@pytest.mark.slow
@needs_data
def test_the_published_learning_rate_comparison(executed):
    costs_text = _stream_text(_cell_with(executed, "learning_rates = [0.01, 0.001, 0.0001]"))
    table = _stream_text(_cell_with(executed, "def accuracy(predictions, labels)"))
    for rate, (train, test, first_costs, last_cost) in LEARNING_RATES.items():
        assert re.search(r"^%s +%s +%s$" % (re.escape(rate), re.escape(train), re.escape(test)),
                         table, re.M), (rate, table)
        line = costs_text.split("learning rate %s," % rate, 1)[1].splitlines()[1]
        costs = [float(c) for c in line.split()]
        # printed to 6 decimals; 0.4189445 sits on a rounding boundary, which threaded BLAS tips
        # either way between runs: equal within one unit of the last printed digit
        assert len(costs) == 15 and costs[-1] == pytest.approx(last_cost, abs=1.01e-6)
        assert costs[:len(first_costs)] == pytest.approx(first_costs, abs=1.01e-6)


@pytest.mark.slow
@needs_data
def test_your_own_picture_runs_without_a_download(executed):
    text = _stream_text(_cell_with(executed, "my_picture = \"\""))
    assert re.fullmatch(r"The model says this picture is a (cat|non-cat) picture\.\n", text)


# ---------------------------------------------------------------- grading needs no data
@pytest.mark.slow
def test_grading_skips_every_cell_that_needs_the_data(tmp_path, monkeypatch):
    """Run as grading runs it (the cells tagged skip-when-graded skipped, NBGRADER_EXECUTION set), with an
    empty data folder: nothing fails, nothing is downloaded, no picture of the data set is drawn."""
    from nbclient import NotebookClient

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setenv("NNCOURSE_DATA_DIR", str(tmp_path / "empty"))  # loading would fail loudly
    monkeypatch.setenv("NNCOURSE_CACHE_DIR", str(tmp_path / "cache"))
    nb = nbformat.read(str(SOURCE), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", skip_cells_with_tag=SKIP_TAG,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, "%s: %s" % (errors[0].ename, errors[0].evalue)
    everything = "".join(_stream_text(c) for c in nb.cells)
    assert "not available" not in everything and not (tmp_path / "cache").exists()
    assert not any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert any("load_catvnoncat()" in c.source and not c.get("outputs") for c in nb.cells)   # skipped


# ---------------------------------------------------------------- the hidden checks catch bugs
def _records_of(grade_id: str, overrides: str) -> list:
    """The records of ``grade_id``'s hidden block, the instructor's solutions replayed with ``overrides``
    (code that replaces the function of that exercise) in place of its own solution cell."""
    exercise = grade_id[:-len("_test")]
    return hidden_checks.run(ASSIGNMENT, {exercise: overrides} if overrides else {}, only={grade_id})[grade_id]


def _score(grade_id: str, overrides: str, monkeypatch=None):
    exercise = grade_id[:-len("_test")]
    return hidden_checks.verdicts(ASSIGNMENT, {exercise: overrides} if overrides else {}, only={grade_id})[grade_id]


BUGS = {
    # exercise: {bug: code replacing the instructor's function}
    "flatten_and_standardize": {
        "reshaped straight to (n_x, m)": catalogued(A2, "flatten_and_standardize",
                                                    "reshaped straight to (n_x, m)"),
        "not transposed": "def flatten_and_standardize(X_orig):\n"
                          "    return X_orig.reshape(X_orig.shape[0], -1) / 255",
        "not divided by 255": catalogued(A2, "flatten_and_standardize", "not divided by 255"),
        "integer division": catalogued(A2, "flatten_and_standardize", "integer division"),
        "64x64x3 hard-coded": "def flatten_and_standardize(X_orig):\n"
                              "    return X_orig.reshape(X_orig.shape[0], 64 * 64 * 3).T / 255",
    },
    "sigmoid": {
        "sign error": catalogued(A2, "sigmoid", "sign error"),
        "math.exp": catalogued(A2, "sigmoid", "math.exp"),
    },
    "initialize_with_zeros": {
        "int bias": catalogued(A2, "initialize_with_zeros", "an int bias"),
        "NumPy bias": catalogued(A2, "initialize_with_zeros", "a NumPy float bias"),
        "rank-1 w": catalogued(A2, "initialize_with_zeros", "a rank-1 w"),
        "row w": "def initialize_with_zeros(dim):\n    return np.zeros((1, dim)), 0.0",
        "int w": "def initialize_with_zeros(dim):\n    return np.zeros((dim, 1), dtype=int), 0.0",
    },
}

BUGS["propagate"] = {
    "gradient sign": propagate_answer(dw="np.dot(X, (Y - A).T) / m", db="np.sum(Y - A) / m"),
    "no 1/m in dw": propagate_answer(dw="np.dot(X, (A - Y).T)"),
    "no 1/m in db": propagate_answer(db="np.sum(A - Y)"),
    "w X instead of w^T X": propagate_answer(z="np.dot(w, X) + b"),
    "X (A - Y) without the transpose": propagate_answer(dw="np.dot(X, (A - Y)) / m"),
    "cost of shape (1, 1)": propagate_answer(
        cost="-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1, keepdims=True) / m"),
    "a cost per example": propagate_answer(cost="-(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m"),
    "cost without the minus": propagate_answer(
        cost="np.squeeze(np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)"),
    "cost divided by m twice": propagate_answer(
        cost="-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m"),
}

_OPTIMIZE = '''
def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    {copy}
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        {record_before}
        {update}
        {record_after}
    return {{"w": w, "b": b}}, grads, costs
'''
_OPTIMIZE_RIGHT = dict(copy="w = copy.deepcopy(w); b = copy.deepcopy(b)",
                       record_before="if i % 100 == 0: costs.append(cost)",
                       update="w = w - learning_rate * grads['dw']; b = b - learning_rate * grads['db']",
                       record_after="")


def _optimize_with(**parts) -> str:
    return _OPTIMIZE.format(**{**_OPTIMIZE_RIGHT, **parts})


BUGS["optimize"] = {
    "updates the caller's w in place": _optimize_with(
        copy="pass", update="w -= learning_rate * grads['dw']; b = b - learning_rate * grads['db']"),
    "steps up the gradient": _optimize_with(
        update="w = w + learning_rate * grads['dw']; b = b + learning_rate * grads['db']"),
    "ignores the learning rate": _optimize_with(
        update="w = w - 0.009 * grads['dw']; b = b - 0.009 * grads['db']"),
    "never updates b": _optimize_with(update="w = w - learning_rate * grads['dw']"),
    "keeps every cost": _optimize_with(record_before="costs.append(cost)"),
    "keeps the cost of iterations 99, 199, ...": _optimize_with(
        record_before="", record_after="if (i + 1) % 100 == 0: costs.append(cost)"),
}
BUGS["predict"] = {
    "probabilities": catalogued(A2, "predict", "the probabilities"),
    ">= 0.5": catalogued(A2, "predict", ">= 0.5"),
    "no bias": catalogued(A2, "predict", "no bias"),
    "booleans": catalogued(A2, "predict", "booleans"),
    "integers": "def predict(w, b, X):\n    return (sigmoid(np.dot(w.T, X) + b) > 0.5).astype(int)",
    "rank-1": "def predict(w, b, X):\n    return (sigmoid(np.dot(w.T, X) + b) > 0.5).astype(float).ravel()",
}

BUGS["model"] = {
    "optimize with its defaults": model_answer(optimize_args="w, b, X_train, Y_train"),
    "learning rate and iterations swapped": model_answer(
        optimize_args="w, b, X_train, Y_train, learning_rate, num_iterations, print_cost"),
    "initialised with the number of examples": model_answer(dim="X_train.shape[1]"),
    "test set predicted from the training inputs": model_answer(test="X_train[:, :X_test.shape[1]]"),
    "train accuracy as a fraction": model_answer(
        train_accuracy="1 - np.mean(np.abs(Y_prediction_train - Y_train))"),
}

# The bugs the brief names in words, each in one check cell of its own (and lost there).
NAMED_BUGS = {
    "a wrong gradient sign": ("propagate", "gradient sign"),
    "a missing 1/m": ("propagate", "no 1/m in dw"),
    "a transposed product": ("propagate", "w X instead of w^T X"),
    "a cost that is not a scalar": ("propagate", "cost of shape (1, 1)"),
    "predictions that are not 0/1": ("predict", "probabilities"),
}


@pytest.mark.parametrize("grade_id", list(HIDDEN))
def test_the_instructor_solution_passes_every_hidden_check(grade_id, monkeypatch):
    verdict = _score(grade_id, "", monkeypatch)
    assert verdict.fatal is None and verdict.score == 10, verdict.summary()


@pytest.mark.parametrize("exercise, bug", [(e, b) for e, bugs in BUGS.items() for b in bugs])
def test_each_plausible_bug_loses_points(exercise, bug, monkeypatch):
    verdict = _score(exercise + "_test", BUGS[exercise][bug], monkeypatch)
    assert verdict.fatal is None, verdict.fatal
    assert verdict.score < 10, "%s: %r passes every hidden check" % (exercise, bug)


def test_the_named_bugs_are_covered():
    for words, (exercise, bug) in NAMED_BUGS.items():
        assert bug in BUGS[exercise], words


def test_a_missing_1_over_m_is_right_only_for_a_single_example(monkeypatch):
    verdict = _score("propagate_test", BUGS["propagate"]["no 1/m in dw"], monkeypatch)
    passed = {c.name for c in verdict.checks if c.passed}
    assert "propagate with 4 features, a single example (m = 1)" in passed
    assert "propagate with 5 features, 8 examples" not in passed
    assert verdict.score == 0   # one right case (and the unchanged inputs) earn nothing


def test_the_diverging_learning_rate_is_recorded_as_finite_growing_costs(monkeypatch):
    """The hidden 'learning rate so large that the cost grows' case must stay free of inf and NaN,
    so that equally correct implementations agree on it."""
    records = {r["name"]: r["value"] for r in _records_of("optimize_test", "")}
    from grader.grading.compare import as_array

    value = records["optimize with a learning rate so large that the cost grows (20.0, 301 iterations)"]
    costs = [float(as_array(c)) for c in value["items"][2]["items"]]
    assert all(np.isfinite(costs)) and costs[-1] > 2 * costs[0]


# ---------------------------------------------------------------- picture helpers
def test_the_example_picture_is_deterministic_and_loads_as_64x64_rgb(tmp_path):
    first = pictures.make_example_picture(tmp_path / "a.png", np.random.default_rng(3))
    second = pictures.make_example_picture(tmp_path / "b.png", np.random.default_rng(3))
    picture = pictures.load_picture(first, 64)
    assert picture.shape == (64, 64, 3) and picture.dtype == np.uint8
    assert np.array_equal(picture, pictures.load_picture(second, 64))
    assert pictures.load_picture(first, 16).shape == (16, 16, 3)


def test_picture_grids_and_cost_curves(tmp_path):
    import matplotlib.pyplot as plt

    images = np.zeros((5, 8, 8, 3), dtype=np.uint8)
    labels = np.array([[1, 0, 1, 0, 0]])
    classes = np.array([b"non-cat", b"cat"])
    assert pictures.class_name(np.array([[1.0]]), classes) == "cat"
    assert pictures.show_misclassified(images, labels, labels.astype(float), classes) is None
    fig = pictures.show_misclassified(images, labels, np.array([[1.0, 1.0, 0.0, 0.0, 0.0]]), classes)
    assert fig._suptitle.get_text() == "2 of 5 pictures misclassified"
    assert [ax.get_title() for ax in fig.axes if ax.images] == ["#1: said cat", "#2: said non-cat"]
    fig = pictures.show_labelled(images, labels, classes, [0, 1])
    assert [ax.get_title() for ax in fig.axes if ax.images] == ["#0: cat", "#1: non-cat"]
    fig = pictures.plot_costs({"a": [np.array(0.7), np.array(0.5)], "b": [0.7, 0.6]})
    line = fig.axes[0].lines[0]
    assert list(line.get_xdata()) == [0, 100] and list(line.get_ydata()) == [0.7, 0.5]
    plt.close("all")
