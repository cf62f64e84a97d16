"""The recording side: exact encodings that keep types, shapes, dtypes and every bit."""

import base64
import math

import numpy as np

from grader.grading.compare import as_array
from nncourse.record import MAX_ELEMENTS, encode


def test_floats_keep_every_bit_nan_and_infinity():
    for x in (0.1, -0.0, 1e-310, math.inf, -math.inf):
        assert float.fromhex(encode(x)["v"]) == x
    assert math.isnan(float.fromhex(encode(math.nan)["v"]))


def test_arrays_keep_shape_dtype_and_values():
    for x in (np.arange(6.0).reshape(2, 3), np.array(2.5), np.arange(4, dtype=np.int32),
              np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.arange(12.0).reshape(3, 4)[:, ::2]):
        enc = encode(x)
        assert enc["t"] == "array" and enc["shape"] == list(x.shape)
        back = as_array(enc)
        assert back.dtype == x.dtype and np.array_equal(back, x)


def test_kinds_of_python_and_numpy_values():
    assert encode(None) == {"t": "none"}
    assert encode(True) == {"t": "bool", "v": True}
    assert encode(3)["t"] == "int" and encode(3.0)["t"] == "float"
    assert encode(np.float64(3.0))["t"] == "scalar"
    assert encode((1, [2.0]))["t"] == "tuple" and encode((1, [2.0]))["items"][1]["t"] == "list"
    assert encode({"w": 1})["items"][0][0] == {"t": "str", "v": "w"}


def test_subclasses_and_unknown_objects_are_recorded_by_type_name_only():
    class Sneaky(float):
        pass

    assert encode(Sneaky(1.0)) == {"t": "object", "type": Sneaky.__module__ + "." + Sneaky.__qualname__}
    assert encode(np.ma.masked_array([1.0]))["t"] == "object"
    assert encode(np.array([object()], dtype=object))["t"] == "object"
    assert encode(object())["t"] == "object"


def test_huge_and_deep_values_are_not_carried():
    assert encode(np.zeros(MAX_ELEMENTS + 1))["t"] == "object"
    deep = []
    for _ in range(100):
        deep = [deep]
    text = repr(encode(deep))
    assert "nesting deeper" in text


def test_array_bytes_are_base64_of_c_order_data():
    x = np.asfortranarray(np.arange(4.0).reshape(2, 2))
    assert base64.b64decode(encode(x)["b64"]) == np.ascontiguousarray(x).tobytes()
