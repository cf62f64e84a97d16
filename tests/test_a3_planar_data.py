"""Assignment 3 (planar data, one hidden layer): the data, the helpers, and parity with the course.

* The flower and the extra data sets are checked by calling planar_utils (handed out in source/a3_planar_data/)
  directly.
* The published numbers of the network (costs, accuracies, the hidden-size sweep) are read from the
  source notebook executed once per session (the `executed_source` fixture): the network itself
  exists only in the notebook, never in an importable module a student could call.
* The hidden checks are strong enough to catch the plausible bugs: each bug alone is run through the
  hidden blocks in this process and judged against the instructor's records, as the grader would.
"""

from __future__ import annotations

import re
import warnings

import matplotlib
import numpy as np
import pytest

from catalogue import A3, catalogued
from conftest import REPO, handout
from grader.example_class.a3_planar_data import backward_variant

planar = handout("a3_planar_data", "planar_utils")

matplotlib.use("Agg")

ASSIGNMENT = "a3_planar_data"
SOURCE = REPO / "source" / ASSIGNMENT / "planar_data.ipynb"

PUBLISHED_COSTS = [0.693162, 0.258625, 0.239334, 0.230802, 0.225528, 0.221845, 0.219094]
# From iteration 7000 on, the course's own copies differ by about 1e-4 (see the course spec).
LATER_COSTS = {7000: 0.220635, 8000: 0.219402, 9000: 0.218483}
SWEEP_EXACT = {1: 67.5, 2: 67.25, 3: 90.75, 4: 90.5, 5: 91.25}
SWEEP_ROUGH = {20: 91.0, 50: 90.5}   # machine-dependent in the course's copies: within 0.5


# ---------------------------------------------------------------- the data
def test_flower_is_the_course_flower():
    X, Y = planar.make_flower()
    assert X.shape == (2, 400) and X.dtype == np.float64
    assert Y.shape == (1, 400) and Y.dtype == np.uint8
    np.testing.assert_allclose(X[:, 0], [1.20444229, 3.57611415], rtol=0, atol=5e-9)
    assert np.array_equal(np.unique(Y), [0, 1]) and int(Y.sum()) == 200
    assert (Y[0, :200] == 0).all() and (Y[0, 200:] == 1).all()
    # the points lie on the petals: radius below amplitude + noise
    assert np.max(np.hypot(X[0], X[1])) < planar.FLOWER_AMPLITUDE + 1


def test_flower_uses_its_own_generator():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    X1, Y1 = planar.make_flower()
    assert np.array_equal(np.random.get_state()[1], before), "make_flower must not touch np.random"
    X2, Y2 = planar.make_flower(np.random.RandomState(planar.FLOWER_SEED))
    assert np.array_equal(X1, X2) and np.array_equal(Y1, Y2)
    X3, Y3 = planar.make_flower(np.random.RandomState(7))
    assert not np.allclose(X1, X3) and np.array_equal(Y1, Y3)


@pytest.mark.slow   # imports scikit-learn / draws with matplotlib: seconds, not milliseconds
def test_extra_datasets_have_the_workbook_layout():
    sets = planar.make_extra_datasets(seed=0)
    assert list(sets) == ["noisy_circles", "noisy_moons", "blobs", "gaussian_quantiles"]
    for name, (X, Y) in sets.items():
        assert X.shape == (2, 200) and X.dtype == np.float64, name
        assert Y.shape == (1, 200) and Y.dtype == np.uint8, name
        assert set(np.unique(Y)) == {0, 1}, name
    again = planar.make_extra_datasets(seed=0)
    other = planar.make_extra_datasets(seed=1)
    for name in sets:
        assert np.array_equal(sets[name][0], again[name][0]), name
    for name in ("noisy_circles", "noisy_moons", "gaussian_quantiles"):
        assert not np.allclose(sets[name][0], other[name][0]), name
    assert np.array_equal(sets["blobs"][0], other["blobs"][0]), "blobs keep the course's random_state=5"


@pytest.mark.slow   # imports scikit-learn / draws with matplotlib: seconds, not milliseconds
def test_extra_datasets_use_the_course_parameters():
    from sklearn import datasets

    X, y = datasets.make_blobs(n_samples=200, random_state=5, n_features=2, centers=6)
    blobs = planar.make_extra_datasets()["blobs"]
    assert np.array_equal(blobs[0], X.T) and np.array_equal(blobs[1], (y % 2).reshape(1, -1))
    X, y = datasets.make_moons(n_samples=200, noise=0.2, random_state=3)
    moons = planar.make_extra_datasets(seed=3)["noisy_moons"]
    assert np.array_equal(moons[0], X.T) and np.array_equal(moons[1][0], y)


def test_sigmoid_and_accuracy():
    np.testing.assert_allclose(planar.sigmoid(np.array([0.0, 2.0])), [0.5, 0.8807970779778823])
    assert planar.accuracy(np.array([[True, False, True, True]]), np.array([[1, 0, 0, 1]])) == 75.0
    assert type(planar.accuracy(np.array([1, 0]), np.array([[1, 0]]))) is float
    with pytest.raises(ValueError):
        planar.accuracy(np.ones(3), np.ones(4))


@pytest.mark.slow   # imports scikit-learn / draws with matplotlib: seconds, not milliseconds
def test_plot_decision_boundary_takes_points_as_columns():
    import matplotlib.pyplot as plt

    X, Y = planar.make_flower()
    seen = []

    def above_diagonal(P):
        seen.append(P.shape)
        return (P[1:2, :] > P[0:1, :])          # a (1, k) boolean array, like predict

    fig, ax = plt.subplots()
    assert planar.plot_decision_boundary(above_diagonal, X, Y, ax=ax, resolution=50) is ax
    assert seen == [(2, 2500)]
    assert ax.collections, "nothing was drawn"
    plt.close(fig)


@pytest.mark.slow
def test_logistic_regression_baseline_gets_47_percent():
    from sklearn.linear_model import LogisticRegressionCV

    X, Y = planar.make_flower()
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # the notebook's arguments raise no FutureWarning
        model = LogisticRegressionCV(l1_ratios=(0.0,), scoring="accuracy", use_legacy_attributes=False)
        model.fit(X.T, Y.ravel())
    assert planar.accuracy(model.predict(X.T), Y) == 47.0


# ---------------------------------------------------------------- parity, from the executed notebook
def _cell_text(nb, marker: str) -> str:
    """All stream output of the one code cell whose output contains ``marker``."""
    texts = ["".join(o.get("text", "") for o in c.get("outputs", []) if o.output_type == "stream")
             for c in nb.cells if c.cell_type == "code"]
    found = [t for t in texts if marker in t]
    assert len(found) == 1, "expected one cell printing %r, found %d" % (marker, len(found))
    return found[0]


@pytest.fixture(scope="module")
def executed(executed_source):
    return executed_source(SOURCE)[1]


@pytest.mark.slow
def test_notebook_prints_the_published_costs(executed):
    text = _cell_text(executed, "Training on the flower: 4 hidden units, 10000 iterations")
    costs = {int(i): float(c) for i, c in re.findall(r"Cost after iteration (\d+): (\d+\.\d+)", text)}
    assert sorted(costs) == list(range(0, 10000, 1000))
    assert [costs[1000 * k] for k in range(7)] == PUBLISHED_COSTS
    for iteration, cost in LATER_COSTS.items():
        assert costs[iteration] == pytest.approx(cost, abs=2e-4), iteration


@pytest.mark.slow
def test_notebook_accuracies_match_the_course(executed):
    baseline = _cell_text(executed, "Accuracy of logistic regression")
    assert re.search(r"Accuracy of logistic regression: 47\.00 %", baseline), baseline
    network = _cell_text(executed, "Accuracy of the network with 4 hidden units")
    assert re.search(r"Accuracy of the network with 4 hidden units: 90\.75 %", network), network


@pytest.mark.slow
def test_notebook_hidden_size_sweep(executed):
    text = _cell_text(executed, "hidden units  accuracy (%)")
    table = {int(n): float(a) for n, a in re.findall(r"^\s*(\d+)\s+(\d+\.\d+)\s*$", text, re.M)}
    assert sorted(table) == [1, 2, 3, 4, 5, 20, 50]
    for n_h, acc in SWEEP_EXACT.items():
        assert table[n_h] == acc, n_h
    for n_h, acc in SWEEP_ROUGH.items():
        assert abs(table[n_h] - acc) <= 0.5, n_h


@pytest.mark.slow
def test_notebook_public_examples_pass(executed):
    text = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code"
                   for o in c.get("outputs", []) if o.output_type == "stream")
    assert "Cost after iteration 0: 0.693198" in text     # the course's nn_model example
    assert "predictions = [[ True False  True]]" in text
    assert text.count("\u2714") == 25      # every visible check of the eight test cells passes


# ---------------------------------------------------------------- the hidden checks catch the bugs
@pytest.fixture(scope="module")
def answer_key():
    import hidden_checks

    return hidden_checks.key(ASSIGNMENT)


def _scores(monkeypatch, answer_key, replacements):
    import hidden_checks

    return hidden_checks.scores(ASSIGNMENT, replacements)


# bug -> (replaced solutions, the scores that differ from 10). Each bug is charged in its own cell
# only: nn_model and predict, which call the earlier functions, are checked a second time with
# stand-ins for them (and pass when either run is right). A check is one whole result, and a function
# right in one case only (e.g. m = 1) earns nothing.
BUGS = {
    # the four bugs the hidden checks must catch, each alone
    "tanh' as 1 - Z1**2": ({"backward_propagation": backward_variant(tanh_prime="(1 - Z1 ** 2)")},
                           {"backward_propagation_test": 0}),
    "db1 without keepdims": ({"backward_propagation": backward_variant(db1="np.sum(dZ1, axis=1) / m")},
                             {"backward_propagation_test": 0}),
    "db2 without keepdims": ({"backward_propagation": backward_variant(db2="np.sum(dZ2, axis=1) / m")},
                             {"backward_propagation_test": 0}),
    "db1 summed over the wrong axis": (
        {"backward_propagation": backward_variant(db1="np.sum(dZ1, axis=0, keepdims=True) / m")},
        {"backward_propagation_test": 0}),
    "db2 summed over the wrong axis": (
        {"backward_propagation": backward_variant(db2="np.sum(dZ2, axis=0, keepdims=True) / m")},
        {"backward_propagation_test": 0}),
    "learning rate ignored": (
        {"update_parameters": '''
def update_parameters(parameters, grads, learning_rate=1.2):
    return {k: parameters[k] - 1.2 * grads["d" + k] for k in ("W1", "b1", "W2", "b2")}
'''}, {"update_parameters_test": 0}),
    # more slips, each caught somewhere
    "layer_sizes reads the columns": (
        {"layer_sizes": catalogued(A3, "layer_sizes", "the columns")}, {"layer_sizes_test": 0}),
    "weights without the 0.01": (
        {"initialize_parameters": catalogued(A3, "initialize_parameters", "without the factor 0.01")},
        {"initialize_parameters_test": 0}),
    "sigmoid in the hidden layer": (
        {"forward_propagation": catalogued(A3, "forward_propagation", "sigmoid in the hidden layer")},
        {"forward_propagation_test": 0}),
    # right values in another form than the one asked for: 80 % of each check (the inputs check in full)
    "cost as a NumPy scalar": (
        {"compute_cost": catalogued(A3, "compute_cost", "a NumPy scalar")}, {"compute_cost_test": 8.4}),
    "cost without 1/m": ({"compute_cost": catalogued(A3, "compute_cost", "no 1/m")}, {"compute_cost_test": 0}),
    "nn_model ignores n_h": ({"nn_model": '''
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    np.random.seed(3)
    parameters = initialize_parameters(*layer_sizes(X, Y))
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        parameters = update_parameters(parameters, backward_propagation(parameters, cache, X, Y))
    return parameters
'''}, {"nn_model_test": 0}),
    "nn_model one iteration short": ({"nn_model": '''
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    np.random.seed(3)
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0])
    for i in range(num_iterations - 1):
        A2, cache = forward_propagation(X, parameters)
        parameters = update_parameters(parameters, backward_propagation(parameters, cache, X, Y))
    return parameters
'''}, {"nn_model_test": 0}),
    "predict returns numbers": (   # right values in another form, as the NumPy scalar cost above
        {"predict": catalogued(A3, "predict", "numbers instead of booleans")}, {"predict_test": 8.4}),
}


@pytest.mark.slow
def test_the_solution_passes_every_hidden_check(monkeypatch, answer_key):
    assert sum(len(cell["records"]) for cell in answer_key.values()) == 41
    assert set(_scores(monkeypatch, answer_key, {}).values()) == {10}


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # some bugs make training overflow
@pytest.mark.parametrize("bug", list(BUGS))
def test_each_plausible_bug_loses_points(monkeypatch, answer_key, bug):
    replacements, expected = BUGS[bug]
    scores = _scores(monkeypatch, answer_key, replacements)
    want = {grade_id: expected.get(grade_id, 10) for grade_id in answer_key}
    assert scores == want
