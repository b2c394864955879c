"""The reference of 04_neural_networks against independent oracles.

Oracles: mpmath at 60 digits (no overflow at any size), plain Python loops
with ``math``, SymPy differentiation of a tiny network, central differences
and mathematical identities.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy

from dlmath.reference import neural_networks as ref

mpmath.mp.dps = 60

EXTREME = [-1e4, -1000.0, -745.5, -710.0, -40.0, -1.0, 0.0, 1e-300, 0.5, 40.0, 710.0, 1000.0, 1e4]


def mp_softmax(row):
    exps = [mpmath.exp(mpmath.mpf(v)) for v in row]
    total = mpmath.fsum(exps)
    return [float(e / total) for e in exps]


def mp_sigmoid(v):
    return 1 / (1 + mpmath.exp(-mpmath.mpf(v)))


def test_softmax_matches_high_precision_on_moderate_and_extreme_scores():
    rng = np.random.default_rng(0)
    rows = [rng.normal(scale=s, size=int(rng.integers(1, 8))) for s in (0.1, 1, 10, 100) for _ in range(5)]
    rows += [np.array([1e4, 0.0, -1e4]), np.array([1e4, 1e4 - 1]), np.array([-1e4, -1e4, -1e4]),
             rng.uniform(-1e4, 1e4, size=6), np.array([750.0, 749.0, -750.0])]
    for row in rows:
        got = ref.softmax(row)
        assert got.shape == row.shape and np.all(np.isfinite(got))
        np.testing.assert_allclose(got, mp_softmax(row), rtol=1e-12, atol=1e-300)


def test_softmax_2d_is_row_by_row_and_keeps_input():
    rng = np.random.default_rng(1)
    Z = rng.normal(scale=3, size=(5, 4))
    Z[2] += 1e4
    Z[3] -= 1e4
    before = Z.copy()
    got = ref.softmax(Z)
    assert np.array_equal(Z, before)
    for i in range(5):
        np.testing.assert_allclose(got[i], mp_softmax(Z[i]), rtol=1e-12)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    np.testing.assert_allclose(ref.softmax(Z + rng.normal(size=(5, 1)) * 50), got, rtol=1e-11)
    assert ref.softmax([[1, 2], [3, 4]]).dtype == np.float64


def test_relu_and_relu_grad_by_cases():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 5))
    x[0, 0] = 0.0
    assert np.array_equal(ref.relu(x), np.array([[v if v > 0 else 0.0 for v in row] for row in x]))
    assert np.array_equal(ref.relu_grad(x), np.array([[1.0 if v > 0 else 0.0 for v in row] for row in x]))
    assert ref.relu_grad(0.0) == 0.0 and ref.relu_grad(np.array([0.0]))[0] == 0.0
    assert ref.relu(-2.0) == 0.0 and ref.relu(2) == 2.0
    h = 1e-7
    away = x[np.abs(x) > 1e-3]
    np.testing.assert_allclose(ref.relu_grad(away),
                               (ref.relu(away + h) - ref.relu(away - h)) / (2 * h), atol=1e-6)


def test_sigmoid_and_its_derivative_match_high_precision():
    xs = np.array(EXTREME)
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # no overflow, no nan
        s = ref.sigmoid(xs)
        ds = ref.sigmoid_grad(xs)
    for v, got, dgot in zip(xs, s, ds):
        exact = mp_sigmoid(v)
        assert got == pytest.approx(float(exact), rel=1e-13, abs=1e-300)
        dexact = mpmath.diff(mp_sigmoid, mpmath.mpf(v)) if abs(v) < 50 else exact * (1 - exact)
        assert dgot == pytest.approx(float(dexact), rel=1e-9, abs=1e-300)
    np.testing.assert_allclose(ref.sigmoid(-xs), 1 - ref.sigmoid(xs), atol=1e-16)


def test_sigmoid_grad_is_the_symbolic_derivative():
    t = sympy.symbols("t")
    derivative = sympy.lambdify(t, sympy.diff(1 / (1 + sympy.exp(-t)), t), "numpy")
    xs = np.linspace(-20, 20, 81)
    np.testing.assert_allclose(ref.sigmoid_grad(xs), derivative(xs), rtol=1e-12)
    assert ref.sigmoid_grad(0.0) == 0.25


def test_tanh_matches_numpy_and_high_precision_everywhere():
    rng = np.random.default_rng(10)
    xs = np.r_[EXTREME, rng.normal(scale=3, size=200), rng.uniform(-1e4, 1e4, size=50),
               1e-12, -1e-8, 5e-324, -0.0]
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # no overflow, no nan
        got = ref.tanh(xs)
        dgot = ref.tanh_grad(xs)
    np.testing.assert_allclose(got, np.tanh(xs), rtol=2e-15, atol=1e-300)   # numpy as oracle
    for v, t, dt in zip(xs, got, dgot):
        exact = mpmath.tanh(mpmath.mpf(float(v)))
        assert t == pytest.approx(float(exact), rel=1e-14, abs=1e-300)
        assert dt == pytest.approx(float(1 / mpmath.cosh(mpmath.mpf(float(v))) ** 2), rel=1e-13, abs=1e-300)
    np.testing.assert_array_equal(ref.tanh(-xs), -got)        # odd
    np.testing.assert_array_equal(ref.tanh_grad(-xs), dgot)   # even
    assert ref.tanh(1e4) == 1.0 and ref.tanh(-1e4) == -1.0 and ref.tanh_grad(1e4) == 0.0


def test_tanh_is_a_shifted_scaled_sigmoid_and_grad_is_its_derivative():
    xs = np.linspace(-8, 8, 161)
    np.testing.assert_allclose(ref.tanh(xs), 2 * ref.sigmoid(2 * xs) - 1, rtol=0, atol=1e-15)
    np.testing.assert_allclose(ref.tanh_grad(xs), 4 * ref.sigmoid_grad(2 * xs), rtol=1e-13)
    h = 1e-6
    np.testing.assert_allclose(ref.tanh_grad(xs), (ref.tanh(xs + h) - ref.tanh(xs - h)) / (2 * h),
                               rtol=1e-7, atol=1e-9)
    t = sympy.symbols("t")
    derivative = sympy.lambdify(t, sympy.diff(sympy.tanh(t), t), "numpy")
    # sympy gives 1 - tanh(t)**2, which cancels in the tails (absolute error ~1e-16)
    np.testing.assert_allclose(ref.tanh_grad(xs), derivative(xs), rtol=1e-12, atol=1e-15)
    assert ref.tanh_grad(0.0) == 1.0 and ref.tanh(0.0) == 0.0


def test_elementwise_functions_give_float64_of_the_input_shape():
    for f in (ref.relu, ref.relu_grad, ref.sigmoid, ref.sigmoid_grad, ref.tanh, ref.tanh_grad):
        for x in (np.array([-3, 0, 4]), [[1, -2], [0, 5]], np.arange(-3, 3, dtype=np.int32)):
            out = f(x)
            assert out.dtype == np.float64 and out.shape == np.shape(x), f.__name__
        for x in (3, 0, -2, 0.5, np.array(1.5)):
            out = f(x)
            assert np.ndim(out) == 0 and np.asarray(out).dtype == np.float64, f.__name__
    assert ref.relu(np.array([-3, 0, 4])).tolist() == [0.0, 0.0, 4.0]


def mp_cross_entropy(logits, labels):
    total = mpmath.mpf(0)
    for row, label in zip(logits, labels):
        lse = mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(v)) for v in row))
        total += lse - mpmath.mpf(row[label])
    return float(total / len(labels))


def test_cross_entropy_matches_high_precision_including_huge_logits():
    rng = np.random.default_rng(3)
    cases = [(rng.normal(scale=s, size=(n, k)), rng.integers(0, k, size=n))
             for s, n, k in ((0.5, 4, 3), (3.0, 7, 5), (20.0, 3, 2), (1e4 / 3, 6, 4))]
    cases += [(np.array([[1e4, -1e4]]), np.array([1])), (np.array([[1e4, 1e4, 1e4]]), np.array([2])),
              (np.array([[30.0, 0.0], [0.0, 30.0]]), np.array([0, 1]))]
    for logits, labels in cases:
        got = ref.cross_entropy_loss(logits, labels)
        assert isinstance(got, float) and math.isfinite(got)
        assert got == pytest.approx(mp_cross_entropy(logits, labels), rel=1e-12, abs=1e-15)
    assert ref.cross_entropy_loss(np.zeros((3, 4)), [0, 1, 3]) == pytest.approx(math.log(4))
    assert ref.cross_entropy_loss([[1e4, -1e4]], [1]) == 2e4


def test_cross_entropy_two_classes_is_softplus():
    # With logits (a, 0) and label 1 the loss is log(1 + e^a), the softplus.
    a = np.array([-30.0, -2.0, 0.0, 3.0, 50.0])
    got = [ref.cross_entropy_loss([[v, 0.0]], [1]) for v in a]
    np.testing.assert_allclose(got, np.logaddexp(0.0, a), rtol=1e-13)


def _random_network(rng, n, d, h, k):
    X = rng.normal(size=(n, d))
    params = {"W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
              "W2": rng.normal(size=(h, k)), "b2": rng.normal(size=k)}
    return X, rng.integers(0, k, size=n), params


def test_mlp_forward_by_loops():
    rng = np.random.default_rng(4)
    X, _, p = _random_network(rng, 6, 3, 4, 3)
    got = ref.mlp_forward(X, p)
    for i in range(6):
        hidden = [max(0.0, sum(X[i, r] * p["W1"][r, j] for r in range(3)) + p["b1"][j]) for j in range(4)]
        logits = [sum(hidden[j] * p["W2"][j, c] for j in range(4)) + p["b2"][c] for c in range(3)]
        np.testing.assert_allclose(got[i], mp_softmax(logits), rtol=1e-12)


def _loss(X, y, p):
    logits = ref.relu(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    return ref.cross_entropy_loss(logits, y)


def test_mlp_gradients_against_central_differences_and_keeps_params():
    rng = np.random.default_rng(5)
    for n, d, h, k in ((1, 2, 3, 2), (5, 3, 4, 3), (8, 2, 6, 4)):
        X, y, p = _random_network(rng, n, d, h, k)
        Z1 = X @ p["W1"] + p["b1"]
        assert np.min(np.abs(Z1)) > 1e-4   # away from ReLU's kink
        before = {key: v.copy() for key, v in p.items()}
        grads = ref.mlp_gradients(X, y, p)
        assert all(np.array_equal(p[key], before[key]) for key in p)
        eps = 1e-6
        for key in p:
            numeric = np.zeros_like(p[key])
            for idx in np.ndindex(*p[key].shape):
                up = {kk: v.copy() for kk, v in p.items()}
                down = {kk: v.copy() for kk, v in p.items()}
                up[key][idx] += eps
                down[key][idx] -= eps
                numeric[idx] = (_loss(X, y, up) - _loss(X, y, down)) / (2 * eps)
            assert grads[key].shape == p[key].shape
            np.testing.assert_allclose(grads[key], numeric, rtol=1e-5, atol=1e-8)


def test_mlp_gradients_is_the_mean_of_per_example_gradients():
    rng = np.random.default_rng(6)
    X, y, p = _random_network(rng, 7, 3, 5, 4)
    whole = ref.mlp_gradients(X, y, p)
    singles = [ref.mlp_gradients(X[i:i + 1], y[i:i + 1], p) for i in range(7)]
    for key in whole:
        np.testing.assert_allclose(whole[key], np.mean([s[key] for s in singles], axis=0), rtol=1e-12,
                                   atol=1e-15)
    doubled = ref.mlp_gradients(np.vstack([X, X]), np.r_[y, y], p)
    for key in whole:
        np.testing.assert_allclose(doubled[key], whole[key], rtol=1e-12, atol=1e-15)


def test_mlp_gradients_match_sympy_on_a_tiny_network():
    rng = np.random.default_rng(8)
    X, y, p = _random_network(rng, 2, 2, 2, 2)
    names = {key: sympy.symbols(f"{key}_0:{p[key].size}") for key in p}
    W1 = sympy.Matrix(2, 2, names["W1"])
    b1 = sympy.Matrix(1, 2, names["b1"])
    W2 = sympy.Matrix(2, 2, names["W2"])
    b2 = sympy.Matrix(1, 2, names["b2"])
    loss = 0
    for i in range(2):
        x = sympy.Matrix(1, 2, list(X[i]))
        hidden = (x * W1 + b1).applyfunc(lambda v: sympy.Max(v, 0))
        z = hidden * W2 + b2
        loss += -(z[int(y[i])] - sympy.log(sum(sympy.exp(v) for v in z)))
    loss = loss / 2
    values = {s: float(v) for key in p for s, v in zip(names[key], p[key].ravel())}
    grads = ref.mlp_gradients(X, y, p)
    for key in p:
        exact = [float(sympy.diff(loss, s).subs(values).evalf()) for s in names[key]]
        np.testing.assert_allclose(grads[key].ravel(), exact, rtol=1e-10, atol=1e-12)


def test_dead_unit_gets_exactly_zero_gradient():
    rng = np.random.default_rng(9)
    X, y, p = _random_network(rng, 6, 3, 4, 3)
    p["W1"][:, 1] = 0.1
    p["b1"][1] = -100.0
    grads = ref.mlp_gradients(X, y, p)
    assert np.all(grads["W1"][:, 1] == 0) and grads["b1"][1] == 0 and np.all(grads["W2"][1] == 0)
