"""Pictures for the image-classifier notebooks (cat / non-cat): grids, cost curves, your own photo.

Shapes follow the data set: one picture is (num_px, num_px, 3) uint8 RGB; a set of pictures is
(m, num_px, num_px, 3); labels and predictions are (1, m) arrays of 0 and 1.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np


def class_name(label, classes) -> str:
    """The class name of a label (0 or 1) as text: classes[label] decoded from bytes."""
    name = classes[int(np.squeeze(label))]
    return name.decode("utf-8") if isinstance(name, (bytes, np.bytes_)) else str(name)


def show_pictures(images, titles: Sequence[str] | None = None, ncols: int = 5, size: float = 1.9,
                  title: str | None = None):
    """Draw pictures in a grid.

    Inputs: images (k, h, w, 3) uint8 or floats in [0, 1]; titles, k strings (optional);
    ncols, pictures per row. Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    count = len(images)
    ncols = max(1, min(ncols, count))
    nrows = max(1, math.ceil(count / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.4 if title else 0)),
                             squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < count:
            ax.imshow(images[index], interpolation="nearest")
            if titles is not None:
                ax.set_title(titles[index], fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_labelled(images, labels, classes, indices: Sequence[int], ncols: int = 5):
    """Draw the pictures at ``indices`` with their index and class name.

    Inputs: images (m, h, w, 3); labels (1, m) of 0/1; classes (2,) names. Returns the Figure.
    """
    labels = np.asarray(labels).reshape(-1)
    titles = ["#%d: %s" % (i, class_name(labels[i], classes)) for i in indices]
    return show_pictures(np.asarray(images)[list(indices)], titles, ncols=ncols)


def show_misclassified(images, labels, predictions, classes, ncols: int = 6, limit: int = 24):
    """Draw the pictures whose prediction differs from the label (at most ``limit``).

    Inputs: images (m, h, w, 3); labels and predictions (1, m) of 0/1; classes (2,) names.
    Each title reads "#index: said <prediction>", and the figure title says how many are wrong.
    Returns the Figure, or None when every prediction is right.
    """
    labels = np.asarray(labels).reshape(-1)
    predictions = np.asarray(predictions).reshape(-1)
    wrong = np.flatnonzero(predictions != labels)
    if wrong.size == 0:
        return None
    shown = wrong[:limit]
    titles = ["#%d: said %s" % (i, class_name(predictions[i], classes)) for i in shown]
    return show_pictures(np.asarray(images)[shown], titles, ncols=ncols,
                         title="%d of %d pictures misclassified%s" % (
                             wrong.size, labels.size, "" if shown.size == wrong.size
                             else " (the first %d shown)" % shown.size))


def plot_costs(curves: Mapping[str, Sequence[float]], every: int = 100, title: str = "Training cost"):
    """Draw cost curves: {legend label: costs recorded every ``every`` iterations}.

    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for label, costs in curves.items():
        costs = np.squeeze(np.asarray(costs, dtype=float))
        ax.plot(np.arange(costs.size) * every, costs, marker="o", markersize=3, label=label)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost J")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if any(curves):  # a legend only when the curves have names
        ax.legend()
    fig.tight_layout()
    return fig


#: The picture formats "try your own picture" reads (those of Pillow that photos come in).
PICTURE_FORMATS = "JPEG (.jpg, .jpeg), PNG (.png), GIF, BMP, TIFF or WebP"
_PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")


class PictureError(ValueError):
    """Your picture cannot be used; the message says why and what to do."""


def load_picture(path: str | os.PathLike, num_px: int = 64) -> np.ndarray:
    """Any image file (PNG, JPEG, ...) as a (num_px, num_px, 3) uint8 RGB array, resized."""
    from PIL import Image, ImageOps

    with Image.open(path) as picture:
        picture = ImageOps.exif_transpose(picture)   # phone photos: upright, as the camera held them
        return np.asarray(picture.convert("RGB").resize((num_px, num_px), Image.BILINEAR))


def _pictures_in(folder: Path) -> list[str]:
    try:
        return sorted(p.name for p in folder.iterdir() if p.suffix.lower() in _PICTURE_SUFFIXES)
    except OSError:
        return []


def load_your_picture(path, num_px: int = 64) -> np.ndarray:
    """Your own picture, ready for the model: a (num_px, num_px, 3) uint8 RGB array.

    Args:
        path: the picture's file name, relative to the notebook's folder (where Jupyter runs the
            notebook), e.g. "my_cat.jpg", or a full path. Any of PICTURE_FORMATS.
        num_px: the side of the square the picture is shrunk (or stretched) to.

    Raises:
        PictureError: the file is missing, is a folder, or is not a picture Pillow can read; the
            message says which, where it looked, and what to do.
    """
    from PIL import UnidentifiedImageError

    if not isinstance(path, (str, os.PathLike)):
        raise PictureError("my_picture should be a file name in quotes, such as \"my_cat.jpg\", not %r." % (path,))
    file = Path(path).expanduser()
    where = file.resolve().parent
    if not file.exists():
        found = _pictures_in(where)
        raise PictureError(
            "There is no file %r in the folder %s.\nPut your picture in that folder (in JupyterLab: the "
            "Upload button above the file browser, while this notebook's folder is open there), then write "
            "its name in my_picture, e.g. \"my_cat.jpg\"; or write the picture's full path. %s"
            % (str(path), where, ("Pictures in that folder now: %s." % ", ".join(found)) if found
                                 else "That folder holds no picture yet."))
    if file.is_dir():
        raise PictureError("%r is a folder, not a picture: write the name of a picture file in it." % str(path))
    try:
        return load_picture(file, num_px)
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise PictureError(
            "%r is not a picture this notebook can read (%s: %s).\nUse a %s file; a photo in another "
            "format (HEIC from a phone, for instance) must be converted first, e.g. exported as JPEG."
            % (str(path), type(err).__name__, str(err).splitlines()[0] if str(err) else "", PICTURE_FORMATS)) from None


def picture_to_classify(my_picture="", num_px: int = 64, rng: np.random.Generator | None = None) -> np.ndarray:
    """The picture of "try your own picture": yours, or a drawn cartoon cat when ``my_picture`` is "".

    Returns a (num_px, num_px, 3) uint8 array. Raises PictureError (see :func:`load_your_picture`).
    ``rng`` sets the cartoon's colours (default: a fixed seed, so it is the same picture every time).
    """
    if isinstance(my_picture, str) and not my_picture.strip():
        from PIL import Image

        drawn = _draw_example_picture(rng if rng is not None else np.random.default_rng(3), 256)
        return np.asarray(drawn.resize((num_px, num_px), Image.BILINEAR))
    return load_your_picture(my_picture.strip() if isinstance(my_picture, str) else my_picture, num_px)


def make_example_picture(path: str | os.PathLike, rng: np.random.Generator, size: int = 256) -> str:
    """Draw a simple cartoon cat face on a noisy background and save it as an image file.

    A stand-in for your own photo: nothing has to be downloaded. ``rng`` sets the colours and
    the noise, so the same seed gives the same picture. Returns the path as a string.
    """
    _draw_example_picture(rng, size).save(path)
    return str(path)


def _draw_example_picture(rng: np.random.Generator, size: int = 256):
    """The cartoon cat of :func:`make_example_picture`, as a PIL image of size x size pixels."""
    from PIL import Image, ImageDraw

    s = size / 256
    background = rng.integers(60, 200, size=3)
    pixels = background + rng.normal(0, 12, size=(size, size, 3))
    picture = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(picture)
    palette = [(226, 140, 64), (196, 196, 190), (236, 214, 180), (120, 104, 96)]  # ginger, grey, cream, brown
    fur = palette[int(rng.integers(len(palette)))]
    dark = (40, 30, 25)
    draw.polygon([(58 * s, 110 * s), (70 * s, 25 * s), (120 * s, 80 * s)], fill=fur)    # left ear
    draw.polygon([(198 * s, 110 * s), (186 * s, 25 * s), (136 * s, 80 * s)], fill=fur)  # right ear
    draw.ellipse([48 * s, 60 * s, 208 * s, 220 * s], fill=fur)                             # head
    for cx in (98, 158):                                                                   # eyes
        draw.ellipse([(cx - 16) * s, 115 * s, (cx + 16) * s, 147 * s], fill=(120, 180, 70))
        draw.ellipse([(cx - 5) * s, 117 * s, (cx + 5) * s, 145 * s], fill=dark)
    draw.polygon([(118 * s, 165 * s), (138 * s, 165 * s), (128 * s, 177 * s)], fill=(220, 120, 130))
    for dy in (-8, 0, 8):                                                                  # whiskers
        draw.line([(112 * s, (178 + dy / 2) * s), (40 * s, (170 + dy * 2) * s)], fill=dark, width=max(1, int(2 * s)))
        draw.line([(144 * s, (178 + dy / 2) * s), (216 * s, (170 + dy * 2) * s)], fill=dark, width=max(1, int(2 * s)))
    return picture
