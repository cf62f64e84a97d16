"""nncourse.datasets: where the cat / non-cat files come from, and every way they can be wrong.

The course's files are never part of the repository. These tests make small stand-ins with h5py
(the real layout, gzip-compressed zeros with a few marked values: a few kilobytes), pin their
hashes through the ``files`` parameter, and serve them over HTTP from 127.0.0.1 so that pooch
really downloads them. The real files are checked when they are available (CI sets
NNCOURSE_DATA_DIR, see conftest.py).
"""

from __future__ import annotations

import dataclasses
import http.server
import os
import threading
from pathlib import Path

import h5py
import numpy as np
import pytest

from nncourse import datasets
from nncourse.datasets import (CATVNONCAT, DataFile, DatasetFormatError, DatasetHashMismatch,
                               DatasetUnavailable, data_available, fetch_catvnoncat, load_catvnoncat,
                               sha256_of)

TRAIN, TEST = CATVNONCAT["train"].name, CATVNONCAT["test"].name
# Where the real files are, as the session found it (the fixture below hides it from other tests).
REAL_ENVIRONMENT = {name: os.environ.get(name) for name in (datasets.ENV_DATA_DIR, datasets.ENV_CACHE_DIR)}


# ---------------------------------------------------------------- stand-in files
def write_h5(path: Path, role: str, *, drop: str | None = None, shapes: dict | None = None,
             dtypes: dict | None = None, labels=None) -> Path:
    """An HDF5 file with the layout of the course's ``role`` file ("train" or "test")."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as handle:
        for key, (shape, dtype) in datasets.CATVNONCAT_LAYOUT[role].items():
            if key == drop:
                continue
            shape = (shapes or {}).get(key, shape)
            dtype = (dtypes or {}).get(key, dtype)
            if key == "list_classes":
                handle.create_dataset(key, data=np.array([b"non-cat", b"cat"][:shape[0]], dtype="S7"))
            elif key.endswith("_y"):
                if labels is None:
                    y = np.zeros(shape, dtype=dtype)
                    y[: shape[0] // 3] = 1  # a third are cats
                else:
                    y = np.asarray(labels, dtype=dtype)
                handle.create_dataset(key, data=y)
            else:
                x = np.zeros(shape, dtype=dtype)
                x[:, 0, 0, 0] = np.arange(shape[0]) % 256  # a marker per picture
                handle.create_dataset(key, data=x, compression="gzip")
    return path


def spec_for(path: Path, urls=()) -> DataFile:
    return DataFile(path.name, sha256_of(path), path.stat().st_size, tuple(urls))


def make_pair(folder: Path, **train_kwargs) -> dict[str, DataFile]:
    """Both stand-in files in ``folder``, and a ``files`` mapping pinning their hashes."""
    train = write_h5(folder / TRAIN, "train", **train_kwargs)
    test = write_h5(folder / TEST, "test")
    return {"train": spec_for(train), "test": spec_for(test)}


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No test sees the user's data folder or cache, or a proxy for 127.0.0.1."""
    monkeypatch.delenv(datasets.ENV_DATA_DIR, raising=False)
    monkeypatch.setenv(datasets.ENV_CACHE_DIR, str(tmp_path / "cache"))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


# ---------------------------------------------------------------- a local web server
class Server:
    """Serves a folder over HTTP on 127.0.0.1 in a thread, and remembers the paths requested."""

    def __init__(self, folder: Path):
        requested = self.requested = []

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder), **kwargs)

            def do_GET(self):
                requested.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(tmp_path):
    served = Server(tmp_path / "www")
    (tmp_path / "www").mkdir()
    yield served
    served.stop()


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused at once)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return "http://127.0.0.1:%d/" % port


def served_pair(tmp_path: Path, server: Server, url_lists) -> dict[str, DataFile]:
    """Stand-ins published in the server's folder; url_lists(role, name) gives each file's URLs."""
    files = make_pair(tmp_path / "made")
    for spec in files.values():
        (tmp_path / "www" / spec.name).write_bytes((tmp_path / "made" / spec.name).read_bytes())
    return {role: dataclasses.replace(spec, urls=tuple(url_lists(role, spec.name)))
            for role, spec in files.items()}


# ---------------------------------------------------------------- the pinned files
def test_the_pins_are_the_course_files():
    assert CATVNONCAT["train"] == DataFile(
        "train_catvnoncat.h5", "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242",
        2_572_022, CATVNONCAT["train"].urls)
    assert CATVNONCAT["test"].sha256 == "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951"
    assert CATVNONCAT["test"].size == 616_958
    for spec in CATVNONCAT.values():
        assert len(spec.urls) == 2 and all(u.startswith("https://raw.githubusercontent.com/") for u in spec.urls)


# ---------------------------------------------------------------- a folder the user names
def test_a_named_folder_is_read_and_shaped_like_the_course(tmp_path):
    files = make_pair(tmp_path / "data")
    train_x, train_y, test_x, test_y, classes = load_catvnoncat(tmp_path / "data", files=files)
    assert train_x.shape == (209, 64, 64, 3) and train_x.dtype == np.uint8
    assert train_y.shape == (1, 209) and train_y.dtype == np.int64
    assert test_x.shape == (50, 64, 64, 3) and test_x.dtype == np.uint8
    assert test_y.shape == (1, 50) and test_y.dtype == np.int64
    assert classes.shape == (2,) and list(classes) == [b"non-cat", b"cat"]
    assert train_x[7, 0, 0, 0] == 7 and int(train_y.sum()) == 209 // 3
    assert data_available(tmp_path / "data", files=files)


def test_the_environment_names_the_folder_and_a_subfolder_catvnoncat_is_found(tmp_path, monkeypatch):
    files = make_pair(tmp_path / "data" / "catvnoncat")
    monkeypatch.setenv(datasets.ENV_DATA_DIR, str(tmp_path / "data"))
    assert data_available(files=files)
    assert load_catvnoncat(files=files)[1].shape == (1, 209)


def test_the_argument_wins_over_the_environment(tmp_path, monkeypatch):
    files = make_pair(tmp_path / "good")
    monkeypatch.setenv(datasets.ENV_DATA_DIR, str(tmp_path / "empty"))
    assert not data_available(files=files)
    assert fetch_catvnoncat(tmp_path / "good", files=files)["train"] == tmp_path / "good" / TRAIN


def test_a_named_folder_without_the_files_says_which_and_what_to_do(tmp_path, monkeypatch):
    files = make_pair(tmp_path / "data")
    (tmp_path / "data" / TEST).unlink()
    monkeypatch.setenv(datasets.ENV_DATA_DIR, str(tmp_path / "data"))
    with pytest.raises(DatasetUnavailable) as caught:
        load_catvnoncat(files=files)
    message = str(caught.value)
    assert TEST in message and TRAIN not in message.split("does not hold")[1].split("(")[0]
    assert "NNCOURSE_DATA_DIR" in message and str(tmp_path / "data") in message
    assert not data_available(files=files)


def test_a_named_folder_with_another_file_fails_its_hash(tmp_path):
    files = make_pair(tmp_path / "data")
    write_h5(tmp_path / "data" / TRAIN, "train", labels=np.ones(209))  # same layout, other bytes
    with pytest.raises(DatasetHashMismatch) as caught:
        load_catvnoncat(tmp_path / "data", files=files)
    message = str(caught.value)
    assert TRAIN in message and files["train"].sha256 in message and "replace it" in message


def test_the_course_pins_reject_a_stand_in(tmp_path):
    make_pair(tmp_path / "data")
    with pytest.raises(DatasetHashMismatch, match=TRAIN):
        load_catvnoncat(tmp_path / "data")


# ---------------------------------------------------------------- what the files hold
def test_a_file_that_is_not_hdf5(tmp_path):
    files = make_pair(tmp_path / "data")
    (tmp_path / "data" / TEST).write_bytes(b"<html>404: Not Found</html>")
    files["test"] = spec_for(tmp_path / "data" / TEST)
    with pytest.raises(DatasetFormatError, match="%s is not an HDF5 file" % TEST):
        load_catvnoncat(tmp_path / "data", files=files)


def test_a_truncated_hdf5_file(tmp_path):
    files = make_pair(tmp_path / "data")
    path = tmp_path / "data" / TRAIN
    path.write_bytes(path.read_bytes()[:3000])
    files["train"] = spec_for(path)
    with pytest.raises(DatasetFormatError, match=TRAIN):
        load_catvnoncat(tmp_path / "data", files=files)


def test_a_missing_dataset_is_named(tmp_path):
    files = make_pair(tmp_path / "data", drop="train_set_y")
    with pytest.raises(DatasetFormatError) as caught:
        load_catvnoncat(tmp_path / "data", files=files)
    assert "'train_set_y'" in str(caught.value) and TRAIN in str(caught.value)
    assert "train_set_x" in str(caught.value)  # what the file does hold


@pytest.mark.parametrize("change, words", [
    ({"shapes": {"train_set_x": (20, 64, 64, 3)}}, "(20, 64, 64, 3)"),
    ({"shapes": {"train_set_y": (209, 1)}}, "(209, 1)"),
    ({"dtypes": {"train_set_x": "float32"}}, "float32"),
    ({"dtypes": {"train_set_y": "float64"}}, "float64"),
    ({"shapes": {"list_classes": (1,)}}, "'list_classes'"),
], ids=["x-shape", "y-shape", "x-dtype", "y-dtype", "classes"])
def test_wrong_shapes_and_dtypes_are_named(tmp_path, change, words):
    files = make_pair(tmp_path / "data", **change)
    with pytest.raises(DatasetFormatError) as caught:
        load_catvnoncat(tmp_path / "data", files=files)
    assert words in str(caught.value) and TRAIN in str(caught.value)


def test_labels_other_than_0_and_1(tmp_path):
    labels = np.zeros(209)
    labels[5] = 2
    files = make_pair(tmp_path / "data", labels=labels)
    with pytest.raises(DatasetFormatError, match="labels other than 0 and 1"):
        load_catvnoncat(tmp_path / "data", files=files)


# ---------------------------------------------------------------- downloads
def test_a_real_download_through_pooch_then_the_cache(tmp_path, server):
    files = served_pair(tmp_path, server, lambda role, name: [server.url + name])
    cache = tmp_path / "cache"
    assert not data_available(files=files)
    data = load_catvnoncat(files=files)
    assert sorted(server.requested) == ["/" + TEST, "/" + TRAIN]
    assert (cache / "catvnoncat" / TRAIN).is_file() and (cache / "catvnoncat" / TEST).is_file()
    assert data[0].shape == (209, 64, 64, 3) and list(data[4]) == [b"non-cat", b"cat"]
    server.stop()  # from now on the network is gone: the cache must do
    assert data_available(files=files)
    again = load_catvnoncat(files=files)
    assert np.array_equal(again[0], data[0]) and len(server.requested) == 2


def test_the_cache_folder_can_be_passed_instead_of_the_environment(tmp_path, server, monkeypatch):
    monkeypatch.delenv(datasets.ENV_CACHE_DIR)
    files = served_pair(tmp_path, server, lambda role, name: [server.url + name])
    paths = fetch_catvnoncat(files=files, cache_dir=tmp_path / "elsewhere")
    assert paths["train"] == tmp_path / "elsewhere" / "catvnoncat" / TRAIN
    assert data_available(files=files, cache_dir=tmp_path / "elsewhere")


def test_the_second_copy_is_used_when_the_first_is_missing(tmp_path, server):
    files = served_pair(tmp_path, server,
                        lambda role, name: [server.url + "gone/" + name, server.url + name])
    assert load_catvnoncat(files=files)[3].shape == (1, 50)
    assert server.requested == ["/gone/" + TRAIN, "/" + TRAIN, "/gone/" + TEST, "/" + TEST]


def test_a_copy_with_other_bytes_is_refused_and_the_next_one_used(tmp_path, server):
    files = served_pair(tmp_path, server,
                        lambda role, name: [server.url + "bad/" + name, server.url + name])
    (tmp_path / "www" / "bad").mkdir()
    for spec in files.values():
        (tmp_path / "www" / "bad" / spec.name).write_bytes(b"not the file")
    paths = fetch_catvnoncat(files=files)
    assert sha256_of(paths["train"]) == files["train"].sha256
    assert "/bad/" + TRAIN in server.requested


def test_only_wrong_copies_give_a_hash_error(tmp_path, server):
    files = served_pair(tmp_path, server, lambda role, name: [server.url + "bad/" + name])
    (tmp_path / "www" / "bad").mkdir()
    (tmp_path / "www" / "bad" / TRAIN).write_bytes(b"not the file")
    with pytest.raises(DatasetHashMismatch) as caught:
        load_catvnoncat(files=files)
    message = str(caught.value)
    assert TRAIN in message and files["train"].sha256 in message and "NNCOURSE_DATA_DIR" in message
    assert not (tmp_path / "cache" / "catvnoncat" / TRAIN).exists()


def test_offline_and_absent_says_what_to_do(tmp_path, server):
    nowhere = closed_port_url()
    files = served_pair(tmp_path, server, lambda role, name: [nowhere + name, server.url + "gone/" + name])
    with pytest.raises(DatasetUnavailable) as caught:
        load_catvnoncat(files=files)
    message = str(caught.value)
    assert TRAIN in message and nowhere + TRAIN in message and "404" in message
    assert "set the environment variable NNCOURSE_DATA_DIR" in message and "connect" in message
    assert not data_available(files=files)


def test_a_damaged_cached_file_is_downloaded_again(tmp_path, server):
    files = served_pair(tmp_path, server, lambda role, name: [server.url + name])
    fetch_catvnoncat(files=files)
    cached = tmp_path / "cache" / "catvnoncat" / TRAIN
    cached.write_bytes(b"damaged")
    assert not data_available(files=files)
    fetch_catvnoncat(files=files)
    assert sha256_of(cached) == files["train"].sha256
    assert server.requested.count("/" + TRAIN) == 2


# ---------------------------------------------------------------- the real files
def test_the_real_files_when_available(monkeypatch):
    for name, value in REAL_ENVIRONMENT.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    if not data_available():
        pytest.skip("the cat / non-cat files are not available offline (set NNCOURSE_DATA_DIR)")
    train_x, train_y, test_x, test_y, classes = load_catvnoncat()
    assert train_x.shape == (209, 64, 64, 3) and train_x.dtype == np.uint8
    assert train_y.shape == (1, 209) and train_y.dtype == np.int64
    assert test_x.shape == (50, 64, 64, 3) and test_y.shape == (1, 50) and test_y.dtype == np.int64
    assert classes.shape == (2,) and list(classes) == [b"non-cat", b"cat"]
    assert (int(train_y.sum()), int((train_y == 0).sum())) == (72, 137)
    assert (int(test_y.sum()), int((test_y == 0).sum())) == (33, 17)
    train_flat = train_x.reshape(train_x.shape[0], -1).T
    test_flat = test_x.reshape(test_x.shape[0], -1).T
    assert train_flat[0:10, 1].tolist() == [196, 192, 190, 193, 186, 182, 188, 179, 174, 213]
    assert test_flat[0:10, 1].tolist() == [115, 110, 111, 137, 129, 129, 155, 146, 145, 159]
    assert train_y[0, 27] == 1  # the course's example cat
