"""The course's data sets: where they come from, and proof that they are the right files.

The cat / non-cat images (assignments 2 and 5) are two HDF5 files that this
workbook may not redistribute, so they are never part of it. They come from,
in this order:

1. the ``data_dir`` argument of :func:`load_catvnoncat`, a folder you name;
2. the environment variable ``NNCOURSE_DATA_DIR``, a folder you name (how CI
   and offline machines get them);
3. otherwise a download with pooch from public copies of the files, one copy
   after the other, into a cache folder: pooch's cache for ``nncourse``
   (``~/.cache/nncourse`` on Linux) or ``NNCOURSE_CACHE_DIR``. The next call
   finds them there without the network.

A named folder may hold the two files itself or in a subfolder ``catvnoncat/``.
Every file, wherever it comes from, must have the pinned SHA-256, be HDF5 and
hold the expected datasets with the expected shapes and dtypes; otherwise a
:class:`DatasetError` says which file is wrong, how, and what to do.

Example::

    from nncourse.datasets import load_catvnoncat
    train_x_orig, train_y, test_x_orig, test_y, classes = load_catvnoncat()
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np

ENV_DATA_DIR = "NNCOURSE_DATA_DIR"
ENV_CACHE_DIR = "NNCOURSE_CACHE_DIR"
SUBFOLDER = "catvnoncat"
DOWNLOAD_TIMEOUT = 30  # seconds without an answer before a copy counts as unreachable

_HOW_TO_FIX = ("set the environment variable %s to a folder that holds train_catvnoncat.h5 and "
               "test_catvnoncat.h5 (or pass data_dir=...), or connect to the internet and try again"
               % ENV_DATA_DIR)


class DatasetError(RuntimeError):
    """The data set cannot be used; the message names the file and what to do."""


class DatasetUnavailable(DatasetError):
    """A file is neither in the named folder or the cache, nor downloadable right now."""


class DatasetHashMismatch(DatasetError):
    """A file's SHA-256 is not the pinned one: it is not the course's file."""


class DatasetFormatError(DatasetError):
    """A file is not HDF5, or lacks a dataset, or a dataset has the wrong shape or dtype."""


@dataclass(frozen=True)
class DataFile:
    """One file of a data set: its name, pinned SHA-256 and size, and where to download it."""

    name: str
    sha256: str
    size: int
    urls: tuple[str, ...]


_GREYHATGUY = ("https://raw.githubusercontent.com/greyhatguy007/deep-learning-specialization/main/"
               "C1-NeuralNetworksAndDeepLearning/week2/W2A2/datasets/")
_SHIVAMAGGARWAL = ("https://raw.githubusercontent.com/shivamaggarwal513/coursera-deep-learning-specialization/"
                   "main/c1-neural-networks-and-deep-learning/week-2/"
                   "a2-logistic-regression-with-neural-network-mindset/datasets/")

#: The two files of the cat / non-cat data set, by role ("train", "test").
CATVNONCAT: dict[str, DataFile] = {
    "train": DataFile("train_catvnoncat.h5",
                      "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242", 2_572_022,
                      (_GREYHATGUY + "train_catvnoncat.h5", _SHIVAMAGGARWAL + "train.h5")),
    "test": DataFile("test_catvnoncat.h5",
                     "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951", 616_958,
                     (_GREYHATGUY + "test_catvnoncat.h5", _SHIVAMAGGARWAL + "test.h5")),
}

#: What each file must hold: dataset name -> (shape, dtype). Class names are bytes strings.
CATVNONCAT_LAYOUT: dict[str, dict[str, tuple[tuple[int, ...], str]]] = {
    "train": {"train_set_x": ((209, 64, 64, 3), "uint8"), "train_set_y": ((209,), "int64"),
              "list_classes": ((2,), "bytes")},
    "test": {"test_set_x": ((50, 64, 64, 3), "uint8"), "test_set_y": ((50,), "int64"),
             "list_classes": ((2,), "bytes")},
}


# ---------------------------------------------------------------- where the files are
def sha256_of(path: str | os.PathLike) -> str:
    """The SHA-256 of a file, as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_folder(cache_dir: str | os.PathLike | None = None) -> Path:
    """Where downloads are kept: ``cache_dir``, else $NNCOURSE_CACHE_DIR, else pooch's cache."""
    if cache_dir is None:
        cache_dir = os.environ.get(ENV_CACHE_DIR) or None
    if cache_dir is None:
        import pooch

        cache_dir = pooch.os_cache("nncourse")
    return Path(cache_dir).expanduser() / SUBFOLDER


def _named_folder(data_dir: str | os.PathLike | None) -> tuple[Path, str] | None:
    """The folder the user named (argument first, then the environment), with how it was named."""
    if data_dir is not None:
        return Path(data_dir).expanduser(), "the folder passed as data_dir"
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR]).expanduser(), "the folder named by %s" % ENV_DATA_DIR
    return None


def _files_in(folder: Path, files: Mapping[str, DataFile]) -> Path | None:
    """``folder`` or ``folder/catvnoncat``, whichever holds every file; None if neither does."""
    for candidate in (folder, folder / SUBFOLDER):
        if all((candidate / spec.name).is_file() for spec in files.values()):
            return candidate
    return None


def _check_hash(path: Path, spec: DataFile, where: str, advice: str) -> None:
    actual = sha256_of(path)
    if actual != spec.sha256:
        raise DatasetHashMismatch(
            "%s in %s is not the course's file: its SHA-256 is %s, but %s was expected (size %s "
            "bytes, expected %s). What to do: replace it with the original %s, or %s."
            % (spec.name, where, actual, spec.sha256, format(path.stat().st_size, ","),
               format(spec.size, ","), spec.name, advice))


def _download(spec: DataFile, folder: Path) -> Path:
    """Fetch one file into ``folder`` with pooch, trying each public copy in turn."""
    import pooch
    import requests

    reasons, mismatched = [], False
    for url in spec.urls:
        downloader = pooch.HTTPDownloader(progressbar=False, timeout=DOWNLOAD_TIMEOUT)
        try:
            return Path(pooch.retrieve(url, known_hash="sha256:" + spec.sha256, fname=spec.name,
                                       path=folder, downloader=downloader))
        except requests.exceptions.RequestException as exc:
            reasons.append("%s: %s" % (url, _first_line(exc)))
        except ValueError as exc:  # pooch: the downloaded bytes do not have the pinned hash
            mismatched = mismatched or "hash" in str(exc).lower()
            reasons.append("%s: %s" % (url, _first_line(exc)))
    tried = "".join("\n  - " + reason for reason in reasons)
    if mismatched:
        raise DatasetHashMismatch(
            "%s could not be downloaded intact: a public copy does not have the pinned SHA-256 %s "
            "(the copy may have changed).%s\nWhat to do: set the environment variable %s to a folder "
            "that holds the original train_catvnoncat.h5 and test_catvnoncat.h5 (or pass data_dir=...)."
            % (spec.name, spec.sha256, tried, ENV_DATA_DIR))
    raise DatasetUnavailable(
        "%s is not in the cache folder %s, and downloading it failed:%s\nWhat to do: %s."
        % (spec.name, folder, tried, _HOW_TO_FIX))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return "%s%s" % (type(exc).__name__, (": " + text[0][:300]) if text else "")


def _cached(spec: DataFile, folder: Path) -> bool:
    path = folder / spec.name
    return path.is_file() and path.stat().st_size == spec.size and sha256_of(path) == spec.sha256


def fetch_catvnoncat(data_dir: str | os.PathLike | None = None, *,
                     files: Mapping[str, DataFile] = CATVNONCAT,
                     cache_dir: str | os.PathLike | None = None) -> dict[str, Path]:
    """The paths of the data set's files, by role, each checked against its pinned SHA-256.

    Args:
        data_dir: a folder holding the files (itself or in a subfolder ``catvnoncat``);
            default: $NNCOURSE_DATA_DIR, and when that is unset too, the download cache.
        files: role -> :class:`DataFile` (default: the course's files; tests pass their own).
        cache_dir: where downloads go (default: $NNCOURSE_CACHE_DIR, else pooch's cache).

    Returns:
        {"train": Path, "test": Path}.

    Raises:
        DatasetUnavailable: a named folder lacks a file, or a file is neither cached nor
            downloadable.
        DatasetHashMismatch: a file is not the pinned one.
    """
    named = _named_folder(data_dir)
    if named is not None:
        folder, how = named
        where = "%s (%s)" % (folder, how)
        holding = _files_in(folder, files)
        advice = ("pass a folder that holds the originals" if data_dir is not None else
                  "point %s at a folder that holds the originals, or unset it to download them"
                  % ENV_DATA_DIR)
        if holding is None:
            missing = [spec.name for spec in files.values() if not (folder / spec.name).is_file()]
            raise DatasetUnavailable(
                "%s does not hold %s (looked in it and in its subfolder %s/). What to do: put the "
                "course's files there, or %s." % (where, " and ".join(missing), SUBFOLDER, advice))
        paths = {role: holding / spec.name for role, spec in files.items()}
        for role, spec in files.items():
            _check_hash(paths[role], spec, where, advice)
        return paths
    folder = cache_folder(cache_dir)
    return {role: _download(spec, folder) for role, spec in files.items()}


def data_available(data_dir: str | os.PathLike | None = None, *,
                   files: Mapping[str, DataFile] = CATVNONCAT,
                   cache_dir: str | os.PathLike | None = None) -> bool:
    """True when :func:`load_catvnoncat` needs no network: the named folder (``data_dir`` or
    $NNCOURSE_DATA_DIR) holds every file, or, when no folder is named, the cache holds intact
    copies. For tests and notebooks that skip what needs the data."""
    named = _named_folder(data_dir)
    if named is not None:
        return _files_in(named[0], files) is not None
    folder = cache_folder(cache_dir)
    return all(_cached(spec, folder) for spec in files.values())


# ---------------------------------------------------------------- what the files hold
def _describe(dataset) -> str:
    return "shape %s and dtype %s" % (tuple(dataset.shape), dataset.dtype)


def _not_the_course_file(path: Path, problem: str) -> DatasetFormatError:
    return DatasetFormatError(
        "%s %s, so it is not the course's %s. What to do: replace it with the original file (a copy "
        "in the download cache can simply be deleted: it is downloaded again)." % (path, problem, path.name))


def _read_checked(path: Path, layout: Mapping[str, tuple[tuple[int, ...], str]]) -> dict[str, np.ndarray]:
    """Every dataset of ``layout`` from the HDF5 file ``path``, after checking its shape and dtype."""
    import h5py

    if not h5py.is_hdf5(str(path)):
        raise _not_the_course_file(path, "is not an HDF5 file")
    try:
        with h5py.File(str(path), "r") as handle:
            missing = [key for key in layout if not isinstance(handle.get(key), h5py.Dataset)]
            if missing:
                raise _not_the_course_file(path, "has no dataset %s (it holds: %s)" % (
                    " or ".join(repr(k) for k in missing), ", ".join(sorted(handle.keys())) or "nothing"))
            arrays = {}
            for key, (shape, dtype) in layout.items():
                dataset = handle[key]
                kind_ok = dataset.dtype.kind == "S" if dtype == "bytes" else dataset.dtype == np.dtype(dtype)
                if tuple(dataset.shape) != shape or not kind_ok:
                    raise _not_the_course_file(path, "holds a dataset %r of %s, where shape %s and dtype %s "
                                                     "were expected" % (key, _describe(dataset), shape, dtype))
                arrays[key] = dataset[()]
    except OSError as exc:  # an HDF5 signature followed by damaged contents
        raise _not_the_course_file(path, "cannot be read as HDF5 (%s)" % _first_line(exc)) from None
    return arrays


def read_catvnoncat(train_path: str | os.PathLike, test_path: str | os.PathLike):
    """Read and check the two files (see :func:`load_catvnoncat` for what it returns)."""
    train = _read_checked(Path(train_path), CATVNONCAT_LAYOUT["train"])
    test = _read_checked(Path(test_path), CATVNONCAT_LAYOUT["test"])
    for path, labels in ((train_path, train["train_set_y"]), (test_path, test["test_set_y"])):
        if not np.isin(labels, (0, 1)).all():
            raise _not_the_course_file(Path(path), "has labels other than 0 and 1")
    train_y = train["train_set_y"].reshape(1, -1)
    test_y = test["test_set_y"].reshape(1, -1)
    return train["train_set_x"], train_y, test["test_set_x"], test_y, test["list_classes"]


def load_catvnoncat(data_dir: str | os.PathLike | None = None, *,
                    files: Mapping[str, DataFile] = CATVNONCAT,
                    cache_dir: str | os.PathLike | None = None):
    """The cat / non-cat images and labels.

    Args:
        data_dir: a folder holding train_catvnoncat.h5 and test_catvnoncat.h5 (see the module
            docstring for where the files come from when it is None).
        files, cache_dir: see :func:`fetch_catvnoncat` (for tests).

    Returns:
        train_x_orig: (209, 64, 64, 3) uint8, RGB pictures.
        train_y: (1, 209) int64, 1 for a cat and 0 for anything else.
        test_x_orig: (50, 64, 64, 3) uint8.
        test_y: (1, 50) int64.
        classes: (2,) bytes array, [b'non-cat', b'cat'] (label 0, label 1).

    Raises:
        DatasetError (one of its subclasses), naming the file, what is wrong and what to do.
    """
    paths = fetch_catvnoncat(data_dir, files=files, cache_dir=cache_dir)
    return read_catvnoncat(paths["train"], paths["test"])


def try_load_catvnoncat(data_dir: str | os.PathLike | None = None):
    """What :func:`load_catvnoncat` returns, or None after printing why the data set is not loaded.

    For the notebooks' data cell. It is not loaded:

    * while the notebook is graded (nbgrader sets NBGRADER_EXECUTION): the graded checks bring their
      own inputs, so grading never needs the files;
    * when the files cannot be had (offline, a wrong file, ...): the printed message names the file,
      the problem and what to do, and the cells that need the data then say "skipped".
    """
    from .grading_run import grading

    if grading():
        print("Grading run: the data set is not loaded (the graded checks bring their own inputs).")
        return None
    try:
        return load_catvnoncat(data_dir)
    except DatasetError as err:
        print("The data set is not available, so the cells that need it will say 'skipped'.\n")
        print(err)
        return None
