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
