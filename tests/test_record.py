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


# ---------------------------------------------------------------- what the recording helpers send
import pytest

import nncourse.record as record_module


@pytest.fixture
def sent(monkeypatch):
    payloads = []
    monkeypatch.setattr(record_module, "_emit", payloads.append)
    return payloads


def test_an_exception_is_recorded_by_type_and_builtin_family_never_by_message(sent):
    def casting(x):
        np.add(np.ones(2), 0.5, out=np.ones(2, dtype=int))   # NumPy's own TypeError subclass

    def leaky(x):
        raise ValueError("the hidden input was %r" % (x,))

    record_module.record_call("casting", casting, 1)
    record_module.record_call("leaky", leaky, 1)
    assert sent[0]["value"]["base"] == "TypeError" and "numpy" in sent[0]["value"]["type"]
    assert sent[1]["value"] == {"t": "raised", "type": "ValueError", "base": "ValueError"}
    assert "hidden input" not in repr(sent)


def sigmoid(x):   # an "earlier exercise" of this module's namespace, for the stand-in tests
    return 1 / (1 + np.exp(-x))


def derivative(x):
    s = sigmoid(x)
    return s * (1 - s)


def test_stand_ins_make_a_second_call_and_are_restored(sent):
    record_module.record_call("d", derivative, np.zeros(2), stand_in={"sigmoid": lambda x: np.full(x.shape, 0.1)})
    (payload,) = sent
    assert as_array(payload["value"]).tolist() == [0.25, 0.25]   # the module's own sigmoid
    assert as_array(payload["alt"]).tolist() == pytest.approx([0.09, 0.09])   # the stand-in's
    assert sigmoid(0.0) == 0.5   # the name is bound back after the call


def test_stand_ins_are_restored_when_the_call_raises_or_the_name_was_missing(sent):
    def broken(x):
        return stand_in_only_name(x) + sigmoid(x)  # noqa: F821 (bound by the stand-in only)

    record_module.record_call("b", broken, 1.0, stand_in={"stand_in_only_name": lambda x: 1 / 0,
                                                         "sigmoid": lambda x: 0.0})
    assert sent[0]["alt"]["t"] == "raised" and "stand_in_only_name" not in globals()
    assert sigmoid(0.0) == 0.5


def test_record_printed_captures_stdout_and_compares_as_a_printout(sent):
    def chatty(n, print_cost=False):
        if print_cost:
            for i in range(n):
                print("Cost after iteration %i: %f" % (i, 1 / (i + 1)))
        return n

    record_module.record_printed("loud", chatty, 2, print_cost=True)
    record_module.record_printed("quiet", chatty, 2)
    assert sent[0]["value"] == {"t": "str", "v": "Cost after iteration 0: 1.000000\nCost after iteration 1: 0.500000\n"}
    assert sent[0]["spec"]["compare"] == "printed"
    assert sent[1]["value"] == {"t": "str", "v": ""}


def test_record_inputs_after_keeps_the_mutable_arguments_as_the_call_left_them(sent):
    def clobber(params, grads, rate):
        params["W"] -= rate * grads["dW"]
        return params

    params, grads = {"W": np.ones(2)}, {"dW": np.ones(2)}
    record_module.record_inputs_after("after", clobber, params, grads, 0.5)
    value = sent[0]["value"]
    assert [k["v"] for k, _ in value["items"]] == ["argument 1", "argument 2"]   # 0.5 is not kept
    assert as_array(value["items"][0][1]["items"][0][1]).tolist() == [0.5, 0.5]
    assert params["W"].tolist() == [1.0, 1.0]   # the call worked on copies
    assert sent[0]["spec"]["guard"] is True and sent[0]["spec"]["compare"] == "inputs"
