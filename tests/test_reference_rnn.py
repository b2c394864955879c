"""The reference solutions of 09_rnn against independent oracles."""

from __future__ import annotations

import numpy as np
import pytest

from dlmath.reference import rnn as ref

KEYS = ("x", "h0", "Wx", "Wh", "b")


def _params(rng, T, D, H, scale=1.0):
    return (rng.normal(size=(T, D)), rng.uniform(-0.9, 0.9, size=H),
            rng.normal(scale=scale / np.sqrt(D), size=(D, H)),
            rng.normal(scale=scale / np.sqrt(H), size=(H, H)), rng.normal(scale=0.3, size=H))


def _forward_by_entries(x, h0, Wx, Wh, b):
    """Element-by-element loops with math.tanh: no matrix products at all."""
    import math

    T, D = x.shape
    H = len(h0)
    out = np.zeros((T, H))
    prev = list(h0)
    for t in range(T):
        cur = []
        for j in range(H):
            a = b[j] + sum(x[t, i] * Wx[i, j] for i in range(D)) \
                + sum(prev[k] * Wh[k, j] for k in range(H))
            cur.append(math.tanh(a))
        out[t] = cur
        prev = cur
    return out


def _finite_differences(dhs, args, key, h=1e-6):
    values = dict(zip(KEYS, (np.array(a, dtype=float) for a in args)))
    grad = np.zeros_like(values[key])
    for i in np.ndindex(grad.shape):
        old = values[key][i]
        values[key][i] = old + h
        plus = np.sum(dhs * ref.rnn_forward(*(values[k] for k in KEYS)))
        values[key][i] = old - h
        minus = np.sum(dhs * ref.rnn_forward(*(values[k] for k in KEYS)))
        values[key][i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


@pytest.mark.parametrize("T, D, H", [(1, 1, 1), (1, 3, 2), (4, 1, 3), (6, 4, 1), (9, 3, 5)])
def test_forward_matches_entrywise_loops(T, D, H):
    args = _params(np.random.default_rng([T, D, H]), T, D, H)
    got = ref.rnn_forward(*args)
    assert got.shape == (T, H) and got.dtype == np.float64
    np.testing.assert_allclose(got, _forward_by_entries(*args), rtol=1e-12, atol=1e-14)


def test_forward_closed_forms():
    # Scalar worked example of the notebook.
    hs = ref.rnn_forward([[1.0], [2.0]], [0.0], [[0.5]], [[0.8]], [0.0])
    np.testing.assert_allclose(hs.ravel(), [np.tanh(0.5), np.tanh(1.0 + 0.8 * np.tanh(0.5))])
    # Zero recurrent weights: every step is an independent tanh layer.
    rng = np.random.default_rng(1)
    x, h0, Wx, _, b = _params(rng, 5, 3, 4)
    np.testing.assert_allclose(ref.rnn_forward(x, h0, Wx, np.zeros((4, 4)), b), np.tanh(x @ Wx + b))
    # Zero inputs and bias: h_t = tanh applied t times to h0 Wh.
    Wh = rng.normal(size=(4, 4)) * 0.5
    h = h0
    for row in ref.rnn_forward(np.zeros((3, 2)), h0, np.zeros((2, 4)), Wh, np.zeros(4)):
        h = np.tanh(h @ Wh)
        np.testing.assert_allclose(row, h)


def test_forward_saturates_without_nan_and_keeps_inputs():
    rng = np.random.default_rng(2)
    args = _params(rng, 8, 3, 3, scale=500.0)
    copies = [a.copy() for a in args]
    hs = ref.rnn_forward(*args)
    assert np.all(np.isfinite(hs)) and np.all(np.abs(hs) <= 1.0)
    for a, c in zip(args, copies):
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("T, D, H, last_only", [(1, 1, 1, False), (1, 2, 3, False), (3, 2, 2, False),
                                                (4, 1, 3, True), (5, 3, 2, True)])
def test_backward_matches_finite_differences(T, D, H, last_only):
    rng = np.random.default_rng([7, T, D, H])
    args = _params(rng, T, D, H)
    dhs = rng.normal(size=(T, H))
    if last_only:
        dhs[:-1] = 0.0
    grads = ref.rnn_backward(dhs, *args)
    assert list(grads) == list(KEYS)
    for key, arg in zip(KEYS, args):
        assert grads[key].shape == np.shape(arg)
        np.testing.assert_allclose(grads[key], _finite_differences(dhs, args, key),
                                   rtol=1e-6, atol=1e-8)


def test_backward_worked_example():
    grads = ref.rnn_backward([[0.0], [1.0]], [[1.0], [2.0]], [0.0], [[0.5]], [[0.8]], [0.0])
    h1 = np.tanh(0.5)
    h2 = np.tanh(1.0 + 0.8 * h1)
    d2 = 1 - h2 ** 2
    d1 = d2 * 0.8 * (1 - h1 ** 2)
    np.testing.assert_allclose(grads["Wx"], [[d1 + 2 * d2]])
    np.testing.assert_allclose(grads["Wh"], [[h1 * d2]])
    np.testing.assert_allclose(grads["b"], [d1 + d2])
    np.testing.assert_allclose(grads["x"], [[0.5 * d1], [0.5 * d2]])
    np.testing.assert_allclose(grads["h0"], [0.8 * d1])


def test_backward_dh0_is_the_jacobian_product():
    """With the loss u . h_T, dh0 = u (dh_T/dh_0) = u prod diag(1 - h_s^2) Wh^T."""
    rng = np.random.default_rng(3)
    T, D, H = 7, 2, 4
    args = _params(rng, T, D, H)
    x, h0, Wx, Wh, b = args
    hs = ref.rnn_forward(*args)
    J = np.eye(H)
    for s in range(T - 1, -1, -1):
        J = J @ (np.diag(1 - hs[s] ** 2) @ Wh.T)
    u = rng.normal(size=H)
    dhs = np.zeros((T, H))
    dhs[-1] = u
    np.testing.assert_allclose(ref.rnn_backward(dhs, *args)["h0"], u @ J, rtol=1e-10, atol=1e-14)


def test_backward_is_linear_in_dhs_and_splits_over_chunks():
    rng = np.random.default_rng(4)
    T, D, H = 6, 3, 3
    args = _params(rng, T, D, H)
    d1, d2 = rng.normal(size=(T, H)), rng.normal(size=(T, H))
    g1, g2 = ref.rnn_backward(d1, *args), ref.rnn_backward(d2, *args)
    g12 = ref.rnn_backward(2 * d1 - d2, *args)
    for k in KEYS:
        np.testing.assert_allclose(g12[k], 2 * g1[k] - g2[k], atol=1e-12)
    # Full BPTT = chunk 2 backward, then its dh0 fed into chunk 1 as its last-state gradient.
    x, h0, Wx, Wh, b = args
    h_mid = ref.rnn_forward(x[:3], h0, Wx, Wh, b)[-1]
    second = ref.rnn_backward(d1[3:], x[3:], h_mid, Wx, Wh, b)
    d_first = d1[:3].copy()
    d_first[-1] += second["h0"]
    first = ref.rnn_backward(d_first, x[:3], h0, Wx, Wh, b)
    np.testing.assert_allclose(first["Wh"] + second["Wh"], g1["Wh"], atol=1e-12)
    np.testing.assert_allclose(np.vstack([first["x"], second["x"]]), g1["x"], atol=1e-12)
    np.testing.assert_allclose(first["h0"], g1["h0"], atol=1e-12)


def test_clip_matches_concatenated_norm():
    rng = np.random.default_rng(5)
    for _ in range(20):
        grads = {f"k{i}": rng.normal(size=tuple(rng.integers(1, 4, size=rng.integers(1, 4))))
                 for i in range(rng.integers(1, 5))}
        norm = np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()]))
        for max_norm in (norm / 3, norm * 0.999, norm, norm * 2):
            out = ref.clip_by_global_norm(grads, max_norm)
            scale = min(1.0, max_norm / norm)
            assert list(out) == list(grads)
            for k in grads:
                np.testing.assert_allclose(out[k], grads[k] * scale, rtol=1e-13)
            new_norm = np.linalg.norm(np.concatenate([g.ravel() for g in out.values()]))
            assert new_norm == pytest.approx(min(norm, max_norm), rel=1e-12)


def test_clip_edge_cases_and_no_aliasing():
    zeros = {"W": np.zeros((2, 2)), "b": np.zeros(3)}
    out = ref.clip_by_global_norm(zeros, 1.0)
    assert all(np.array_equal(out[k], zeros[k]) for k in zeros)
    small = {"a": np.array([0.3, -0.4]), "c": np.array([[1e-3]])}
    before = {k: v.copy() for k, v in small.items()}
    out = ref.clip_by_global_norm(small, 10.0)
    assert out is not small
    for k in small:
        assert out[k] is not small[k] and not np.shares_memory(out[k], small[k])
        np.testing.assert_array_equal(out[k], before[k])
        out[k][...] = 99.0
        np.testing.assert_array_equal(small[k], before[k])
    # Huge and tiny entries: the norm is computed without overflow or underflow.
    huge = {"a": np.array([3e200]), "b": np.array([[4e200]])}
    out = ref.clip_by_global_norm(huge, 1.0)
    np.testing.assert_allclose([out["a"][0], out["b"][0, 0]], [0.6, 0.8])
    tiny = {"a": np.array([3e-200]), "b": np.array([4e-200])}
    out = ref.clip_by_global_norm(tiny, 1e-200)
    np.testing.assert_allclose([out["a"][0], out["b"][0]], [0.6e-200, 0.8e-200])
