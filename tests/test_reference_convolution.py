"""The reference solutions of 08_convolution against independent oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlmath.reference import convolution as ref


def _brute_force(x, w, b, stride, padding):
    """Seven nested loops over plain Python floats: the definition, nothing else."""
    C, H, W = x.shape
    F, _, kh, kw = w.shape
    Ho = math.floor((H + 2 * padding - kh) / stride) + 1
    Wo = math.floor((W + 2 * padding - kw) / stride) + 1
    out = np.zeros((F, Ho, Wo))
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                total = float(b[f])
                for c in range(C):
                    for a in range(kh):
                        for bb in range(kw):
                            r, q = i * stride + a - padding, j * stride + bb - padding
                            if 0 <= r < H and 0 <= q < W:      # outside: a padding zero
                                total += float(x[c, r, q]) * float(w[f, c, a, bb])
                out[f, i, j] = total
    return out


def _random_layer(rng, stride, padding):
    C, F = (int(v) for v in rng.integers(1, 4, size=2))
    kh, kw = (int(v) for v in rng.integers(1, 4, size=2))
    H = int(rng.integers(max(1, kh - 2 * padding), 8))
    W = int(rng.integers(max(1, kw - 2 * padding), 8))
    return (rng.normal(size=(C, H, W)), rng.normal(size=(F, C, kh, kw)), rng.normal(size=F))


SETTINGS = [(s, p) for s in (1, 2, 3) for p in (0, 1, 2)]


@pytest.mark.parametrize("stride, padding", SETTINGS)
def test_forward_matches_brute_force(stride, padding):
    rng = np.random.default_rng([stride, padding])
    for _ in range(4):
        x, w, b = _random_layer(rng, stride, padding)
        got = ref.conv2d_multichannel(x, w, b, stride, padding)
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, _brute_force(x, w, b, stride, padding),
                                   rtol=1e-12, atol=1e-12)
        single = ref.conv2d(x[0], w[0, 0], stride, padding)
        np.testing.assert_allclose(single, _brute_force(x[:1], w[:1, :1], [0.0],
                                                        stride, padding)[0], rtol=1e-12, atol=1e-12)


def test_output_size_is_floor_not_ceil():
    assert ref.output_size(5, 3, 2, 1) == 3
    assert ref.output_size(7, 2, 2, 1) == 4          # (9 - 2) / 2 = 3.5
    assert ref.output_size(6, 3, 3, 1) == 2          # (8 - 3) / 3 = 1.67
    assert ref.output_size(3, 4, 1, 1) == 2
    assert ref.conv2d(np.ones((5, 7)), np.ones((3, 2)), 2, 1).shape == (3, 4)
    with pytest.raises(ValueError):
        ref.output_size(2, 5, 1, 1)                  # the kernel does not fit


def test_worked_examples():
    x = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2]])
    w = np.array([[2, 0], [1, -1]])
    np.testing.assert_allclose(ref.conv2d(x, w), [[1, 3, 5], [3, 1, 3]])
    np.testing.assert_allclose(ref.conv2d(x, w, stride=2, padding=1), [[-1, -1, 0], [-3, 1, 8]])
    # Cross-correlation, not convolution: the flipped kernel gives the true convolution.
    np.testing.assert_allclose(ref.conv2d(x, w[::-1, ::-1]), [[3, 5, 3], [1, 3, 5]])


def test_true_convolution_identity_with_numpy_convolve():
    """For 1-row images conv2d is numpy's 1-D correlate; numpy's convolve flips the kernel."""
    rng = np.random.default_rng(3)
    x, k = rng.normal(size=11), rng.normal(size=4)
    np.testing.assert_allclose(ref.conv2d(x[None], k[None])[0],
                               np.correlate(x, k, mode="valid"), rtol=1e-12)
    np.testing.assert_allclose(ref.conv2d(x[None], k[None, ::-1])[0],
                               np.convolve(x, k, mode="valid"), rtol=1e-12)
    np.testing.assert_allclose(ref.conv2d(x[None], k[None], padding=3)[3],
                               np.correlate(x, k, mode="full"), rtol=1e-12)


def test_separable_kernel_and_linearity():
    """An outer-product kernel factors into a row pass and a column pass; conv is linear."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(7, 9))
    u, v = rng.normal(size=3), rng.normal(size=2)
    both = ref.conv2d(x, np.outer(u, v))
    rows_then_cols = ref.conv2d(ref.conv2d(x, v[None]), u[:, None])
    np.testing.assert_allclose(both, rows_then_cols, rtol=1e-12, atol=1e-12)
    w1, w2 = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    np.testing.assert_allclose(ref.conv2d(x, 2 * w1 - w2, 2, 1),
                               2 * ref.conv2d(x, w1, 2, 1) - ref.conv2d(x, w2, 2, 1), atol=1e-12)


def test_channel_mismatch_raises():
    with pytest.raises(ValueError, match="channels"):
        ref.conv2d_multichannel(np.ones((3, 4, 4)), np.ones((2, 2, 3, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="channels"):
        ref.conv2d_multichannel(np.ones((1, 4, 4)), np.ones((2, 3, 3, 3)), np.zeros(2))


def _finite_differences(f, v, h=1e-4):
    v = np.array(v, dtype=float)
    grad = np.zeros_like(v)
    for i in np.ndindex(v.shape):
        old = v[i]
        v[i] = old + h
        plus = f(v)
        v[i] = old - h
        minus = f(v)
        v[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


@pytest.mark.parametrize("stride, padding", SETTINGS)
def test_backward_matches_finite_differences(stride, padding):
    rng = np.random.default_rng([10, stride, padding])
    x, w, b = _random_layer(rng, stride, padding)
    dout = rng.normal(size=_brute_force(x, w, b, stride, padding).shape)

    def loss(xx, ww, bb):
        return float(np.sum(dout * _brute_force(xx, ww, bb, stride, padding)))

    dx, dw, db = ref.conv2d_backward(dout, x, w, stride, padding)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    np.testing.assert_allclose(dx, _finite_differences(lambda v: loss(v, w, b), x), atol=1e-8)
    np.testing.assert_allclose(dw, _finite_differences(lambda v: loss(x, v, b), w), atol=1e-8)
    np.testing.assert_allclose(db, _finite_differences(lambda v: loss(x, w, v), b), atol=1e-8)


def test_backward_dx_is_full_convolution_with_flipped_kernel():
    """Stride 1, no padding: dx[c] = sum_f full-correlate(dout[f], flipped w[f, c])."""
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(2, 6, 5)), rng.normal(size=(3, 2, 3, 2))
    dout = rng.normal(size=(3, 4, 4))
    dx, dw, db = ref.conv2d_backward(dout, x, w)
    for c in range(2):
        want = sum(ref.conv2d(np.pad(dout[f], ((2, 2), (1, 1))), w[f, c, ::-1, ::-1])
                   for f in range(3))
        np.testing.assert_allclose(dx[c], want, atol=1e-12)
        for f in range(3):
            np.testing.assert_allclose(dw[f, c], ref.conv2d(x[c], dout[f]), atol=1e-12)
    np.testing.assert_allclose(db, dout.sum(axis=(1, 2)))


def test_backward_is_the_adjoint_of_the_forward():
    """<dout, conv(x)> = <conv_backward(dout), x> for the linear map x -> conv(x, w, b=0)."""
    rng = np.random.default_rng(6)
    for stride, padding in SETTINGS:
        x, w, _ = _random_layer(rng, stride, padding)
        y = ref.conv2d_multichannel(x, w, np.zeros(w.shape[0]), stride, padding)
        dout = rng.normal(size=y.shape)
        dx, dw, _ = ref.conv2d_backward(dout, x, w, stride, padding)
        assert np.isclose(np.sum(dout * y), np.sum(dx * x), rtol=1e-10)
        assert np.isclose(np.sum(dout * y), np.sum(dw * w), rtol=1e-10)


def test_inputs_are_not_modified():
    rng = np.random.default_rng(7)
    x, w, b = rng.normal(size=(2, 5, 6)), rng.normal(size=(3, 2, 2, 3)), rng.normal(size=3)
    copies = [a.copy() for a in (x, w, b)]
    out = ref.conv2d_multichannel(x, w, b, 2, 1)
    dout = rng.normal(size=out.shape)
    dcopy = dout.copy()
    ref.conv2d(x[0], w[0, 0], 2, 1)
    dx, _, _ = ref.conv2d_backward(dout, x, w, 2, 1)
    dx += 1.0                                    # the result must not be a view of anything
    for a, c in zip((x, w, b, dout), copies + [dcopy]):
        np.testing.assert_array_equal(a, c)


# ----------------------------------------------------------------------------
# Max pooling
# ----------------------------------------------------------------------------

def _pool_brute_force(x, size, stride):
    """Explicit loops over plain Python floats, the first maximum kept on ties.

    Returns the pooled output and, for every window, the (row, column) of the
    first maximum in row-major order (a strict ``>`` never replaces it).
    """
    C, H, W = x.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((C, Ho, Wo))
    where = {}
    for c in range(C):
        for i in range(Ho):
            for j in range(Wo):
                best, at = -math.inf, None
                for a in range(size):
                    for bb in range(size):
                        v = float(x[c, i * stride + a, j * stride + bb])
                        if v > best:
                            best, at = v, (i * stride + a, j * stride + bb)
                out[c, i, j] = best
                where[c, i, j] = at
    return out, where


def _pool_backward_brute_force(dout, x, size, stride):
    _, where = _pool_brute_force(x, size, stride)
    dx = np.zeros(x.shape)
    for (c, i, j), (r, q) in where.items():
        dx[c, r, q] += float(dout[c, i, j])
    return dx


def _pool_case(rng, size, stride, ties=False):
    C = int(rng.integers(1, 4))
    H = int(rng.integers(size, size + 8))
    W = int(rng.integers(size, size + 8))
    if ties:
        return rng.integers(-2, 3, size=(C, H, W)).astype(float)
    return rng.normal(size=(C, H, W))


POOL_SETTINGS = [(k, s) for k in (1, 2, 3, 4) for s in (1, 2, 3, 5)]


@pytest.mark.parametrize("size, stride", POOL_SETTINGS)
def test_max_pool_matches_brute_force_and_scipy(size, stride):
    from scipy import ndimage

    rng = np.random.default_rng([20, size, stride])
    for ties in (False, True, False):
        x = _pool_case(rng, size, stride, ties)
        got = ref.max_pool2d(x, size, stride)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, _pool_brute_force(x, size, stride)[0])
        # scipy's running maximum is centred on index k // 2 of the window.
        full = ndimage.maximum_filter(x, size=(1, size, size), mode="constant", cval=-np.inf)
        off = size // 2
        np.testing.assert_array_equal(got, full[:, off::stride, off::stride][:, :got.shape[1],
                                                                              :got.shape[2]])


def test_max_pool_non_overlapping_is_a_reshape():
    rng = np.random.default_rng(21)
    x = rng.normal(size=(3, 9, 13))                 # 9 = 4*2 + 1, 13 = 6*2 + 1: floor drops one
    blocks = x[:, :8, :12].reshape(3, 4, 2, 6, 2).max(axis=(2, 4))
    np.testing.assert_array_equal(ref.max_pool2d(x), blocks)
    np.testing.assert_array_equal(ref.max_pool2d(x, 3, 3),
                                  x[:, :9, :12].reshape(3, 3, 3, 4, 3).max(axis=(2, 4)))


def test_max_pool_worked_example_and_output_size():
    x = np.array([[[1, 3, 2, 4], [3, 0, 1, 4], [5, 5, 0, 2]]])
    np.testing.assert_array_equal(ref.max_pool2d(x), [[[3, 4]]])
    np.testing.assert_array_equal(ref.max_pool2d(x, 2, 1), [[[3, 3, 4], [5, 5, 4]]])
    np.testing.assert_array_equal(
        ref.max_pool2d_backward(np.ones((1, 2, 3)), x, 2, 1),
        [[[0, 2, 0, 1], [0, 0, 0, 1], [1, 1, 0, 0]]])
    assert ref.max_pool2d(np.zeros((2, 7, 5)), 3, 2).shape == (2, 3, 2)     # floor, not ceil
    assert ref.max_pool2d(np.zeros((1, 4, 4)), 4, 3).shape == (1, 1, 1)
    assert ref.max_pool2d(np.zeros((1, 6, 6)), 2, 3).shape == (1, 2, 2)     # gaps between windows
    with pytest.raises(ValueError):
        ref.max_pool2d(np.zeros((1, 2, 5)), 3, 1)                          # window does not fit


@pytest.mark.parametrize("size, stride", POOL_SETTINGS)
def test_max_pool_backward_matches_loops_with_ties(size, stride):
    rng = np.random.default_rng([22, size, stride])
    for ties in (True, False, True):
        x = _pool_case(rng, size, stride, ties)
        dout = rng.normal(size=ref.max_pool2d(x, size, stride).shape)
        got = ref.max_pool2d_backward(dout, x, size, stride)
        assert got.shape == x.shape and got.dtype == np.float64
        np.testing.assert_allclose(got, _pool_backward_brute_force(dout, x, size, stride),
                                   rtol=1e-13, atol=1e-13)
        # Linear in x for a fixed choice of maxima: <dout, pool(x)> = <dx, x>, ties included.
        assert np.isclose(np.sum(dout * ref.max_pool2d(x, size, stride)), np.sum(got * x),
                          rtol=1e-12, atol=1e-12)
        # Every window hands on exactly its own upstream gradient.
        assert np.isclose(got.sum(), dout.sum(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("size, stride", [(2, 2), (2, 1), (3, 1), (3, 2), (2, 3), (4, 2)])
def test_max_pool_backward_matches_finite_differences(size, stride):
    """On inputs without ties (entries 0.1 apart) max pooling is locally linear."""
    rng = np.random.default_rng([23, size, stride])
    C, H, W = 2, size + 4, size + 3
    x = rng.permutation(C * H * W).reshape(C, H, W) * 0.1 + rng.uniform(0, 0.01, (C, H, W))
    dout = rng.normal(size=ref.max_pool2d(x, size, stride).shape)

    def loss(v):
        return float(np.sum(dout * _pool_brute_force(v, size, stride)[0]))

    np.testing.assert_allclose(ref.max_pool2d_backward(dout, x, size, stride),
                               _finite_differences(loss, x, h=1e-5), atol=1e-8)


def test_max_pool_backward_tie_rules():
    x = np.zeros((1, 3, 3))                          # every entry ties
    np.testing.assert_array_equal(ref.max_pool2d_backward(np.ones((1, 2, 2)), x, 2, 1),
                                  [[[1, 1, 0], [1, 1, 0], [0, 0, 0]]])
    x = np.array([[[0, 7], [7, 7]]])                 # first in row-major order is (0, 1)
    np.testing.assert_array_equal(ref.max_pool2d_backward([[[5.0]]], x), [[[0, 5], [0, 0]]])
    x = np.array([[[1, 9, 1], [1, 1, 1]]])           # (0, 1) is the maximum of both windows
    np.testing.assert_array_equal(ref.max_pool2d_backward([[[2.0, 3.0]]], x, 2, 1),
                                  [[[0, 5, 0], [0, 0, 0]]])


def test_max_pool_inputs_are_not_modified():
    rng = np.random.default_rng(24)
    x = rng.integers(0, 3, size=(2, 5, 6)).astype(float)
    xc = x.copy()
    out = ref.max_pool2d(x, 3, 1)
    out += 1.0
    dout = rng.normal(size=out.shape)
    dc = dout.copy()
    dx = ref.max_pool2d_backward(dout, x, 3, 1)
    dx += 1.0
    np.testing.assert_array_equal(x, xc)
    np.testing.assert_array_equal(dout, dc)
