"""The reference solutions of 03_gradient_descent against independent oracles."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from dlmath.reference import gradient_descent as ref


# ----------------------------------------------------------------------------
# symbolic_gradient
# ----------------------------------------------------------------------------

def test_symbolic_gradient_hand_computed():
    x, y, z = sympy.symbols("x y z")
    got = ref.symbolic_gradient("x**2*y + sin(y)*z", ["x", "y", "z"])
    expected = [2 * x * y, x**2 + sympy.cos(y) * z, sympy.sin(y)]
    assert isinstance(got, list) and len(got) == 3
    assert all(isinstance(g, sympy.Basic) for g in got)
    assert all(sympy.simplify(g - e) == 0 for g, e in zip(got, expected))


def test_symbolic_gradient_follows_the_given_order_and_absent_names():
    x, y = sympy.symbols("x y")
    got = ref.symbolic_gradient("x*y**3", ("y", "w", "x"))
    assert [sympy.simplify(g - e) for g, e in zip(got, [3 * x * y**2, 0, y**3])] == [0, 0, 0]
    assert ref.symbolic_gradient("7", ["x"]) == [0]


def test_symbolic_gradient_names_that_sympy_would_read_as_functions():
    beta, E, x = sympy.Symbol("beta"), sympy.Symbol("E"), sympy.Symbol("x")
    got = ref.symbolic_gradient("beta*x + E*x**2", ["beta", "E"])
    assert sympy.simplify(got[0] - x) == 0
    assert sympy.simplify(got[1] - x**2) == 0


def test_symbolic_gradient_agrees_with_finite_differences():
    names = ["a", "b", "c"]
    expr = "exp(a*b) + log(1 + c**2)*a - tanh(b - c)"
    grads = ref.symbolic_gradient(expr, names)
    syms = sympy.symbols(names)
    f = sympy.lambdify(syms, sympy.sympify(expr))
    g = [sympy.lambdify(syms, gi) for gi in grads]
    rng = np.random.default_rng(0)
    for _ in range(5):
        p = rng.uniform(-1, 1, size=3)
        for i in range(3):
            e = np.zeros(3)
            e[i] = 1e-6
            fd = (f(*(p + e)) - f(*(p - e))) / 2e-6
            assert g[i](*p) == pytest.approx(fd, rel=1e-6, abs=1e-8)


# ----------------------------------------------------------------------------
# numerical_gradient
# ----------------------------------------------------------------------------

def test_numerical_gradient_matches_analytic_gradients():
    rng = np.random.default_rng(1)
    for n in (1, 3, 8):
        A = rng.normal(size=(n, n))
        A = A + A.T
        b = rng.normal(size=n)
        x = rng.normal(size=n)
        got = ref.numerical_gradient(lambda v: 0.5 * v @ A @ v + b @ v, x)
        np.testing.assert_allclose(got, A @ x + b, rtol=1e-7, atol=1e-7)
        got = ref.numerical_gradient(lambda v: np.sum(np.sin(v)), x)
        np.testing.assert_allclose(got, np.cos(x), rtol=1e-8, atol=1e-9)


def test_numerical_gradient_error_is_second_order():
    # Central differences: halving h divides the error of d/dx exp(x) by about 4.
    errors = [abs(ref.numerical_gradient(lambda v: np.exp(v[0]), [1.0], h=h)[0] - np.e)
              for h in (0.1, 0.05, 0.025)]
    assert errors[0] / errors[1] == pytest.approx(4, rel=0.02)
    assert errors[1] / errors[2] == pytest.approx(4, rel=0.02)
    # ((x+h)^3 - (x-h)^3) / (2h) = 3x^2 + h^2 exactly.
    got = ref.numerical_gradient(lambda v: np.sum(v ** 3), [1.0, 2.0], h=0.5)
    np.testing.assert_allclose(got, [3.25, 12.25])


def test_numerical_gradient_leaves_x_alone_and_accepts_integer_lists():
    x = np.array([1.0, -2.0, 3.0])
    before = x.copy()
    got = ref.numerical_gradient(lambda v: np.sum(v ** 2), x)
    assert np.array_equal(x, before)
    assert got.dtype == np.float64 and got.shape == (3,)
    np.testing.assert_allclose(ref.numerical_gradient(lambda v: np.sum(v ** 2), [1, 2]),
                               [2.0, 4.0], atol=1e-8)


# ----------------------------------------------------------------------------
# gradient_descent
# ----------------------------------------------------------------------------

def test_gradient_descent_iterates_in_closed_form():
    rng = np.random.default_rng(2)
    Q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    A = (Q * np.array([1.0, 2.0, 3.0, 4.0])) @ Q.T
    b = rng.normal(size=4)
    x0 = rng.normal(size=4)
    star = np.linalg.solve(A, b)
    lr, k = 0.1, 17
    x, steps = ref.gradient_descent(lambda v: A @ v - b, x0, lr=lr, eps=0.0, max_iter=k)
    expected = star + np.linalg.matrix_power(np.eye(4) - lr * A, k) @ (x0 - star)
    assert steps == k
    np.testing.assert_allclose(x, expected, rtol=1e-10, atol=1e-12)
    x, steps = ref.gradient_descent(lambda v: A @ v - b, x0, lr=lr, eps=1e-10)
    np.testing.assert_allclose(x, star, atol=1e-9)
    assert np.linalg.norm(A @ x - b) < 1e-10 <= np.linalg.norm(
        A @ ref.gradient_descent(lambda v: A @ v - b, x0, lr=lr, eps=0, max_iter=steps - 1)[0] - b)


def test_gradient_descent_step_counts():
    # grad(x) = x with lr = 0.5 halves x: 2^-k < 1e-3 first at k = 10.
    x, steps = ref.gradient_descent(lambda v: v, [1.0], lr=0.5, eps=1e-3)
    assert steps == 10 and x[0] == 2.0 ** -10
    assert ref.gradient_descent(lambda v: v, [0.0, 0.0])[1] == 0
    for max_iter in (0, 1, 5):
        x, steps = ref.gradient_descent(lambda v: np.ones(2), [0.0, 0.0], lr=0.5, max_iter=max_iter)
        assert steps == max_iter and np.array_equal(x, [-0.5 * max_iter] * 2)
    # ||g|| == eps does not stop.
    assert ref.gradient_descent(lambda v: np.array([0.5]), [0.0], eps=0.5, max_iter=3)[1] == 3


def test_gradient_descent_leaves_x0_alone():
    x0 = np.array([3.0, -4.0])
    x, _ = ref.gradient_descent(lambda v: v, x0, lr=0.1)
    assert np.array_equal(x0, [3.0, -4.0]) and x is not x0
    x, steps = ref.gradient_descent(lambda v: v, [3, -4], lr=0.25)
    assert x.dtype == np.float64 and steps > 0


# ----------------------------------------------------------------------------
# linear_regression_gd and the MSE gradient
# ----------------------------------------------------------------------------

def _data(seed, n=40, d=3, noise=0.3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = 0.7 + X @ rng.normal(size=d) + noise * rng.normal(size=n)
    return X, y


def test_mse_gradient_matches_finite_differences():
    X, y = _data(3)
    Xb = np.column_stack([np.ones(len(y)), X])
    beta = np.random.default_rng(4).normal(size=Xb.shape[1])
    loss = lambda b: np.mean((y - Xb @ b) ** 2)
    np.testing.assert_allclose(ref.mse_gradient(Xb, y, beta),
                               ref.numerical_gradient(loss, beta), rtol=1e-6, atol=1e-8)


def test_linear_regression_gd_closed_form_path():
    # beta_k = (I - M^k) beta*, M = I - lr (2/n) Xb^T Xb, beta* the least-squares solution.
    X, y = _data(5)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    star = np.linalg.lstsq(Xb, y, rcond=None)[0]
    lr = 0.05
    M = np.eye(Xb.shape[1]) - lr * 2 / n * Xb.T @ Xb
    for k in (0, 1, 2, 9, 50):
        expected = (np.eye(len(star)) - np.linalg.matrix_power(M, k)) @ star
        np.testing.assert_allclose(ref.linear_regression_gd(X, y, lr=lr, epochs=k), expected,
                                   rtol=1e-9, atol=1e-12)


def test_linear_regression_gd_reaches_least_squares():
    X, y = _data(6, n=60, d=2)
    Xb = np.column_stack([np.ones(len(y)), X])
    star = np.linalg.lstsq(Xb, y, rcond=None)[0]
    got = ref.linear_regression_gd(X.tolist(), y.tolist(), lr=0.1, epochs=2000)
    np.testing.assert_allclose(got, star, rtol=1e-8, atol=1e-10)
    assert got.shape == (3,)


# ----------------------------------------------------------------------------
# minibatch_sgd
# ----------------------------------------------------------------------------

def _sgd_by_hand(X, y, lr, epochs, batch_size, seed):
    """Brute force: per-row sums, explicit batch boundaries."""
    rng = np.random.default_rng(seed)
    n, d = X.shape
    beta = [0.0] * (d + 1)
    for _ in range(epochs):
        perm = rng.permutation(n)
        batches = [perm[i:i + batch_size] for i in range(0, n, batch_size)]
        assert sum(len(b) for b in batches) == n
        for rows in batches:
            grad = [0.0] * (d + 1)
            for i in rows:
                features = [1.0, *X[i]]
                r = y[i] - sum(f * w for f, w in zip(features, beta))
                for j in range(d + 1):
                    grad[j] += -2.0 * features[j] * r / len(rows)
            beta = [w - lr * g for w, g in zip(beta, grad)]
    return np.array(beta)


@pytest.mark.parametrize("n, batch_size", [(12, 4), (13, 5), (7, 1), (9, 9), (6, 20)])
def test_minibatch_sgd_matches_a_brute_force_loop(n, batch_size):
    X, y = _data(7 + n, n=n, d=2)
    got = ref.minibatch_sgd(X, y, lr=0.03, epochs=6, batch_size=batch_size,
                            rng=np.random.default_rng(99))
    np.testing.assert_allclose(got, _sgd_by_hand(X, y, 0.03, 6, batch_size, 99),
                               rtol=1e-10, atol=1e-12)


def test_minibatch_sgd_full_batch_is_gradient_descent():
    X, y = _data(8, n=25)
    got = ref.minibatch_sgd(X, y, lr=0.05, epochs=10, batch_size=25, rng=np.random.default_rng(1))
    np.testing.assert_allclose(got, ref.linear_regression_gd(X, y, lr=0.05, epochs=10),
                               rtol=1e-10, atol=1e-12)


def test_minibatch_sgd_randomness_only_from_rng():
    X, y = _data(9, n=30)
    state = np.random.get_state()
    a = ref.minibatch_sgd(X, y, epochs=3, batch_size=7, rng=np.random.default_rng(5))
    b = ref.minibatch_sgd(X, y, epochs=3, batch_size=7, rng=np.random.default_rng(5))
    c = ref.minibatch_sgd(X, y, epochs=3, batch_size=7)
    after = np.random.get_state()
    assert np.array_equal(a, b) and c.shape == a.shape
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:]
    assert np.array_equal(ref.minibatch_sgd(X, y, epochs=0), np.zeros(4))


def test_minibatch_sgd_converges_on_noise_free_data():
    X, _ = _data(10, n=50, d=2)
    truth = np.array([1.0, -2.0, 0.5])
    y = truth[0] + X @ truth[1:]
    got = ref.minibatch_sgd(X, y, lr=0.05, epochs=300, batch_size=8, rng=np.random.default_rng(0))
    np.testing.assert_allclose(got, truth, atol=1e-8)
