"""The wire format: plain data crosses intact, anything else is refused."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlmath import grading as G
from dlmath import wire


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 1.5, float("nan"), float("inf"), -float("inf"), 1 + 2j, "text",
    [1, [2.0, "x"]], (1, (2,)), {"a": 1, 2: [3]}, np.arange(6.0).reshape(2, 3),
    np.array([True, False]), np.array([1, 2], dtype=np.int32), np.zeros((0, 3)),
    np.float64(2.5), np.int64(7), np.array(3.0), np.array([1 + 1j]),
])
def test_plain_data_round_trips(value):
    back = wire.loads(wire.dumps(value))
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        assert np.array_equal(back, value)
    elif isinstance(value, float) and np.isnan(value):
        assert np.isnan(back)
    else:
        assert back == value


def test_generator_crosses_with_its_state():
    rng = np.random.default_rng(5)
    rng.random(3)
    back = wire.loads(wire.dumps(rng))
    assert np.array_equal(back.random(4), rng.random(4))


@pytest.mark.parametrize("value", [object(), lambda x: x, np.array([object()]), {1, 2},
                                   np.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")])])
def test_other_values_are_refused(value):
    with pytest.raises(wire.WireError):
        wire.dumps(value)


def test_public_callables_cross_only_when_allowed():
    f = G.public("lambda x: a * x", a=np.array([2.0]))
    with pytest.raises(wire.WireError):
        wire.dumps(f)
    text = wire.dumps(f, allow_public=True)
    with pytest.raises(wire.WireError):
        wire.loads(text)
    back = wire.loads(text, make_public=lambda s, t, d: G.public(s, t, **d))
    assert back(np.array([3.0]))[0] == 6.0


@pytest.mark.parametrize("text", [
    '{"$pickle": "gASV"}', '{"$array": {"dtype": "O", "shape": [1], "data": ""}}',
    '{"$array": {"dtype": "<f8", "shape": [2], "data": "AAAA"}}', 'NaN', '[Infinity]',
    '{"$array": {"dtype": "<f8", "shape": [-1], "data": ""}}', '{"a": 1, "b": 2}',
    '{"$generator": {"bit_generator": "os.system", "state": {}}}', '{"$sympy": "x"}',
    '{"$public": {"source": "__import__(\'os\')", "text": "", "data": {"$dict": []}}}',
])
def test_hostile_messages_are_refused(text):
    with pytest.raises(wire.WireError):
        wire.loads(text)


def test_deep_nesting_is_refused():
    value = "x"
    for _ in range(100):
        value = [value]
    with pytest.raises(wire.WireError):
        wire.loads(json.dumps(value))
