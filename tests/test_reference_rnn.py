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


# ----------------------------------------------------------------------------
# truncated_rnn_backward
# ----------------------------------------------------------------------------

def _truncated_by_terms(dhs, x, h0, Wx, Wh, b, k):
    """Oracle: one explicit truncated graph per term, each run through full BPTT.

    Term t sees the steps max(0, t-k+1) .. t only, starting from the state that
    feeds its first step taken as a constant (h0 itself when the window starts
    at step 0, which is the only case where it passes gradient on to h0).
    """
    hs = ref.rnn_forward(x, h0, Wx, Wh, b)
    T, H = hs.shape
    out = {key: np.zeros(np.shape(a)) for key, a in zip(KEYS, (x, h0, Wx, Wh, b))}
    for t in range(T):
        start = max(0, t - k + 1)
        h_in = h0 if start == 0 else hs[start - 1]
        d = np.zeros((t + 1 - start, H))
        d[-1] = dhs[t]
        g = ref.rnn_backward(d, x[start:t + 1], h_in, Wx, Wh, b)
        out["x"][start:t + 1] += g["x"]
        for key in ("Wx", "Wh", "b"):
            out[key] += g[key]
        if start == 0:
            out["h0"] += g["h0"]
    return out


def _truncated_surrogate(dhs, args, k):
    """The truncated loss as a function of the arguments, for finite differences.

    Each term's graph is built explicitly with scalar loops and math.tanh; the
    state feeding the first step of a window that does not start at step 0 is a
    constant computed once at the base point (a stopped gradient).
    """
    base = _forward_by_entries(*args)

    def loss(x, h0, Wx, Wh, b):
        import math

        T, D = x.shape
        H = len(h0)
        total = 0.0
        for t in range(T):
            start = max(0, t - k + 1)
            h = list(h0) if start == 0 else list(base[start - 1])
            for s in range(start, t + 1):
                h = [math.tanh(b[j] + sum(x[s, i] * Wx[i, j] for i in range(D))
                               + sum(h[m] * Wh[m, j] for m in range(H))) for j in range(H)]
            total += sum(dhs[t, j] * h[j] for j in range(H))
        return total

    return loss


def _finite_differences_of(loss, args, key, h=1e-6):
    values = dict(zip(KEYS, (np.array(a, dtype=float) for a in args)))
    grad = np.zeros_like(values[key])
    for i in np.ndindex(grad.shape):
        old = values[key][i]
        values[key][i] = old + h
        plus = loss(*(values[k] for k in KEYS))
        values[key][i] = old - h
        minus = loss(*(values[k] for k in KEYS))
        values[key][i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


@pytest.mark.parametrize("T, D, H", [(1, 1, 1), (2, 1, 2), (5, 2, 3), (8, 3, 1), (12, 2, 4)])
def test_truncated_matches_per_term_graphs(T, D, H):
    rng = np.random.default_rng([11, T, D, H])
    args = _params(rng, T, D, H, scale=1.3)
    dhs = rng.normal(size=(T, H))
    for k in range(1, T + 3):
        got = ref.truncated_rnn_backward(dhs, *args, k)
        want = _truncated_by_terms(dhs, *args, k)
        assert list(got) == list(KEYS)
        for key, arg in zip(KEYS, args):
            assert got[key].shape == np.shape(arg) and got[key].dtype == np.float64
            np.testing.assert_allclose(got[key], want[key], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("T, D, H, k", [(1, 1, 1, 1), (3, 2, 2, 1), (4, 1, 2, 2), (5, 2, 2, 3),
                                        (5, 1, 3, 4), (4, 2, 1, 9)])
def test_truncated_matches_finite_differences_of_the_truncated_graph(T, D, H, k):
    rng = np.random.default_rng([12, T, D, H, k])
    args = _params(rng, T, D, H)
    dhs = rng.normal(size=(T, H))
    got = ref.truncated_rnn_backward(dhs, *args, k)
    loss = _truncated_surrogate(dhs, args, k)
    for key, arg in zip(KEYS, args):
        np.testing.assert_allclose(got[key], _finite_differences_of(loss, args, key),
                                   rtol=1e-6, atol=1e-8)


def test_truncated_with_k_at_least_T_is_exactly_full_bptt():
    rng = np.random.default_rng(13)
    for T in (1, 2, 5, 9):
        args = _params(rng, T, 2, 3)
        dhs = rng.normal(size=(T, 3))
        full = ref.rnn_backward(dhs, *args)
        for k in (T, T + 1, 10 * T, np.int64(T)):
            got = ref.truncated_rnn_backward(dhs, *args, k)
            for key in KEYS:
                np.testing.assert_array_equal(got[key], full[key])
        if T > 1:   # one step short is not full BPTT when gradient reaches h0 from the end
            d = np.zeros_like(dhs)
            d[-1] = dhs[-1]
            short = ref.truncated_rnn_backward(d, *args, T - 1)
            assert np.all(short["h0"] == 0.0)
            assert not np.allclose(ref.rnn_backward(d, *args)["h0"], 0.0)


def test_truncated_k1_closed_form_and_h0_rule():
    rng = np.random.default_rng(14)
    T, D, H = 6, 2, 3
    args = _params(rng, T, D, H)
    x, h0, Wx, Wh, b = args
    dhs = rng.normal(size=(T, H))
    hs = ref.rnn_forward(*args)
    das = dhs * (1 - hs ** 2)                      # k = 1: each term only through its own step
    got = ref.truncated_rnn_backward(dhs, *args, 1)
    np.testing.assert_allclose(got["x"], das @ Wx.T, rtol=1e-13)
    np.testing.assert_allclose(got["h0"], das[0] @ Wh.T, rtol=1e-13)
    np.testing.assert_allclose(got["Wh"], np.vstack([h0, hs[:-1]]).T @ das, rtol=1e-13)
    # h0 receives gradient from the terms t < k only.
    for k in (1, 2, 4):
        late = dhs.copy()
        late[:k] = 0.0
        assert np.all(ref.truncated_rnn_backward(late, *args, k)["h0"] == 0.0)
        early = np.zeros_like(dhs)
        early[k - 1] = dhs[k - 1]
        np.testing.assert_allclose(ref.truncated_rnn_backward(early, *args, k)["h0"],
                                   ref.rnn_backward(early, *args)["h0"], rtol=1e-12)


def test_truncated_rejects_k_below_one_and_leaves_inputs():
    rng = np.random.default_rng(15)
    args = _params(rng, 4, 2, 2)
    dhs = rng.normal(size=(4, 2))
    for k in (0, -1, -10):
        with pytest.raises(ValueError, match="k"):
            ref.truncated_rnn_backward(dhs, *args, k)
    copies = [a.copy() for a in (dhs,) + args]
    ref.truncated_rnn_backward(dhs, *args, 2)
    for a, c in zip((dhs,) + args, copies):
        np.testing.assert_array_equal(a, c)


# ----------------------------------------------------------------------------
# LSTM step
# ----------------------------------------------------------------------------

LSTM_KEYS = ("x", "h_prev", "c_prev", "Wx", "Wh", "b")


def _lstm_params(rng, N, D, H, scale=1.0):
    return (rng.normal(size=(N, D)), rng.uniform(-1, 1, size=(N, H)), rng.normal(size=(N, H)),
            rng.normal(scale=scale / np.sqrt(D), size=(D, 4 * H)),
            rng.normal(scale=scale / np.sqrt(H), size=(H, 4 * H)),
            rng.normal(scale=0.5, size=4 * H))


def _lstm_by_entries(x, h_prev, c_prev, Wx, Wh, b):
    """Scalar loops with math.exp and math.tanh; gate blocks read as i, f, o, g."""
    import math

    N, D = x.shape
    H = h_prev.shape[1]
    sig = lambda v: 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))
    h = np.zeros((N, H))
    c = np.zeros((N, H))
    for n in range(N):
        for j in range(H):
            pre = [b[q * H + j] + sum(x[n, d] * Wx[d, q * H + j] for d in range(D))
                   + sum(h_prev[n, m] * Wh[m, q * H + j] for m in range(H)) for q in range(4)]
            i, f, o, g = sig(pre[0]), sig(pre[1]), sig(pre[2]), math.tanh(pre[3])
            c[n, j] = f * c_prev[n, j] + i * g
            h[n, j] = o * math.tanh(c[n, j])
    return h, c


@pytest.mark.parametrize("N, D, H", [(1, 1, 1), (1, 3, 2), (4, 2, 3), (3, 1, 5), (2, 4, 1)])
def test_lstm_forward_matches_entrywise_loops(N, D, H):
    args = _lstm_params(np.random.default_rng([21, N, D, H]), N, D, H)
    h, c = ref.lstm_step_forward(*args)
    want_h, want_c = _lstm_by_entries(*args)
    assert h.shape == c.shape == (N, H) and h.dtype == c.dtype == np.float64
    np.testing.assert_allclose(h, want_h, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(c, want_c, rtol=1e-12, atol=1e-15)


def test_lstm_forward_closed_forms_and_saturation():
    # Zero weights: the gates are the sigmoid/tanh of their bias blocks.
    H = 2
    b = np.array([0.0, 1.0, 2.0, -1.0, 3.0, -2.0, 0.5, -0.5])   # i, f, o, g blocks
    c_prev = np.array([[0.4, -1.5]])
    h, c = ref.lstm_step_forward(np.ones((1, 3)), np.zeros((1, H)), c_prev,
                                 np.zeros((3, 4 * H)), np.zeros((H, 4 * H)), b)
    s = lambda v: 1 / (1 + np.exp(-v))
    i, f, o, g = s(b[0:2]), s(b[2:4]), s(b[4:6]), np.tanh(b[6:8])
    np.testing.assert_allclose(c, f * c_prev + i * g, rtol=1e-14)
    np.testing.assert_allclose(h, o * np.tanh(f * c_prev + i * g), rtol=1e-14)
    # Huge pre-activations: gates exactly 0 or 1, nothing overflows to nan.
    big = np.array([1e4, -1e4, 1e4, 1e4, -1e4, 1e4, -1e4, 1e4])
    h, c = ref.lstm_step_forward(np.ones((1, 1)), np.zeros((1, H)), c_prev,
                                 np.zeros((1, 4 * H)), np.zeros((H, 4 * H)), big)
    # i = (1, 0), f = (1, 1), o = (0, 1), g = (-1, 1)
    np.testing.assert_array_equal(c, [[0.4 - 1.0, -1.5]])
    np.testing.assert_array_equal(h, [[0.0, np.tanh(-1.5)]])


def _lstm_loss(dh, dc):
    def loss(*args):
        h, c = ref.lstm_step_forward(*args)
        return float(np.sum(dh * h) + np.sum(dc * c))
    return loss


@pytest.mark.parametrize("N, D, H, which", [(1, 1, 1, "both"), (1, 2, 3, "dh"), (3, 2, 2, "dc"),
                                            (4, 3, 2, "both"), (2, 1, 4, "both")])
def test_lstm_backward_matches_finite_differences(N, D, H, which):
    rng = np.random.default_rng([22, N, D, H])
    args = _lstm_params(rng, N, D, H)
    dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    if which == "dh":
        dc[:] = 0.0
    elif which == "dc":
        dh[:] = 0.0
    grads = ref.lstm_step_backward(dh, dc, *args)
    assert list(grads) == list(LSTM_KEYS)
    loss = _lstm_loss(dh, dc)
    for n, (key, arg) in enumerate(zip(LSTM_KEYS, args)):
        values = [np.array(a, dtype=float) for a in args]
        numeric = np.zeros_like(values[n])
        for idx in np.ndindex(numeric.shape):
            old = values[n][idx]
            values[n][idx] = old + 1e-6
            plus = loss(*values)
            values[n][idx] = old - 1e-6
            minus = loss(*values)
            values[n][idx] = old
            numeric[idx] = (plus - minus) / 2e-6
        assert grads[key].shape == np.shape(arg)
        np.testing.assert_allclose(grads[key], numeric, rtol=1e-6, atol=1e-8)


def test_lstm_backward_matches_sympy():
    import sympy as sp

    rng = np.random.default_rng(23)
    N, D, H = 1, 2, 2
    args = _lstm_params(rng, N, D, H)
    dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    symbols = [sp.Matrix(N if k in ("x", "h_prev", "c_prev") else np.shape(a)[0],
                         np.shape(a)[-1] if np.ndim(a) == 2 else 1,
                         lambda r, q, k=k: sp.Symbol(f"{k}_{r}_{q}"))
               for k, a in zip(LSTM_KEYS, args)]
    x, hp, cp, Wx, Wh, bcol = symbols
    a = x * Wx + hp * Wh + bcol.T
    sig = lambda v: 1 / (1 + sp.exp(-v))
    loss = 0
    for j in range(H):
        i, f, o, g = sig(a[0, j]), sig(a[0, H + j]), sig(a[0, 2 * H + j]), sp.tanh(a[0, 3 * H + j])
        c = f * cp[0, j] + i * g
        loss += dh[0, j] * o * sp.tanh(c) + dc[0, j] * c
    flat = [s for sym in symbols for s in sym]
    point = [float(v) for sym, value in zip(symbols, args)
             for v in np.reshape(np.asarray(value, dtype=float), sym.shape).ravel()]
    grads = ref.lstm_step_backward(dh, dc, *args)
    for key, sym in zip(LSTM_KEYS, symbols):
        derivative = sp.lambdify(flat, [sp.diff(loss, s) for s in sym], "math")
        want = np.reshape(derivative(*point), sym.shape)
        np.testing.assert_allclose(np.reshape(grads[key], want.shape), want, rtol=1e-10, atol=1e-13)


def test_lstm_backward_cell_path_and_saturation():
    rng = np.random.default_rng(24)
    N, D, H = 3, 2, 4
    args = _lstm_params(rng, N, D, H)
    x, h_prev, c_prev, Wx, Wh, b = args
    pre = x @ Wx + h_prev @ Wh + b
    f = 1 / (1 + np.exp(-pre[:, H:2 * H]))
    dc = rng.normal(size=(N, H))
    got = ref.lstm_step_backward(np.zeros((N, H)), dc, *args)
    np.testing.assert_allclose(got["c_prev"], dc * f, rtol=1e-14)   # the additive cell path
    # Saturated gates: finite gradients, the saturated gates pass none.
    big = np.concatenate([np.full(H, 800.0), np.full(H, -800.0), np.full(H, 800.0),
                          np.full(H, 800.0)])
    got = ref.lstm_step_backward(rng.normal(size=(N, H)), dc, x, h_prev, c_prev,
                                 np.zeros_like(Wx), np.zeros_like(Wh), big)
    assert all(np.all(np.isfinite(v)) for v in got.values())
    np.testing.assert_array_equal(got["b"], 0.0)
    np.testing.assert_array_equal(got["c_prev"], 0.0)              # f = 0 exactly
