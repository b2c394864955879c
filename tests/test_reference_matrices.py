"""The reference solutions of 02_matrices against independent oracles.

Oracles: numpy.linalg.pinv / lstsq, numpy.polyfit, exact SymPy pseudo-inverses,
matrices built with known singular values, the Moore-Penrose conditions and
brute-force loops.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from dlmath.reference import matrices as ref


def _random_matrices(seed, count=30):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        m, n = (int(v) for v in rng.integers(1, 9, size=2))
        out.append(rng.normal(size=(m, n)) * float(rng.choice([1e-3, 1.0, 1e3])))
    return out


def _low_rank_matrices(seed, count=30):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        m, n = (int(v) for v in rng.integers(2, 9, size=2))
        k = int(rng.integers(1, min(m, n)))
        out.append((rng.normal(size=(m, k)) @ rng.normal(size=(k, n)), k))
    return out


def _orthogonal(rng, n):
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


# ----------------------------------------------------------------------------
# pinv
# ----------------------------------------------------------------------------

def test_pinv_matches_numpy_on_random_matrices():
    for A in _random_matrices(1):
        got = ref.pinv(A)
        assert got.shape == A.T.shape and got.dtype == np.float64
        np.testing.assert_allclose(got, np.linalg.pinv(A), rtol=1e-8,
                                   atol=1e-10 * np.abs(got).max())


def test_pinv_is_the_inverse_of_invertible_matrices():
    rng = np.random.default_rng(2)
    for n in range(1, 7):
        A = rng.normal(size=(n, n)) + n * np.eye(n)
        np.testing.assert_allclose(ref.pinv(A), np.linalg.inv(A), rtol=1e-9, atol=1e-12)


def test_pinv_left_and_right_inverse_formulas():
    rng = np.random.default_rng(3)
    tall = rng.normal(size=(7, 3))
    wide = rng.normal(size=(2, 6))
    np.testing.assert_allclose(ref.pinv(tall), np.linalg.solve(tall.T @ tall, tall.T), atol=1e-12)
    np.testing.assert_allclose(ref.pinv(wide), wide.T @ np.linalg.inv(wide @ wide.T), atol=1e-12)
    np.testing.assert_allclose(ref.pinv(tall) @ tall, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(wide @ ref.pinv(wide), np.eye(2), atol=1e-12)


@pytest.mark.parametrize("rows", [
    [[1, 2], [2, 4]],
    [[1, 1]],
    [[1], [1]],
    [[3, 0], [0, 0]],
    [[1, 2, 3], [4, 5, 6]],
    [[1, 2], [3, 4], [5, 6]],
    [[1, 2, 3], [2, 4, 6], [1, 0, 1]],
    [[0, 0, 0], [0, 0, 0]],
])
def test_pinv_matches_exact_sympy(rows):
    exact = sympy.Matrix(rows).pinv()
    expected = np.array(exact.tolist(), dtype=np.float64).reshape(len(rows[0]), len(rows))
    np.testing.assert_allclose(ref.pinv(np.array(rows, dtype=float)), expected, atol=1e-12)


def test_pinv_moore_penrose_conditions():
    cases = [(A, 1e-15) for A in _random_matrices(4, 15)]
    cases += [(A, 1e-15) for A, _ in _low_rank_matrices(5, 15)]
    cases += [(np.zeros((3, 4)), 1e-15)]
    for A, rcond in cases:
        X = ref.pinv(A, rcond=rcond)
        sa, sx = max(np.abs(A).max(), 1e-300), max(np.abs(X).max(), 1e-300)
        assert np.abs(A @ X @ A - A).max() <= 1e-10 * sa
        assert np.abs(X @ A @ X - X).max() <= 1e-10 * sx
        assert np.abs((A @ X).T - A @ X).max() <= 1e-10
        assert np.abs((X @ A).T - X @ A).max() <= 1e-10


def test_pinv_rank_deficient_has_the_right_rank_and_matches_numpy():
    for A, k in _low_rank_matrices(6):
        X = ref.pinv(A)
        assert np.linalg.matrix_rank(X) == k
        np.testing.assert_allclose(X, np.linalg.pinv(A), rtol=1e-7, atol=1e-9 * np.abs(X).max())


def test_pinv_zero_matrices():
    for shape in [(1, 1), (3, 2), (2, 5)]:
        X = ref.pinv(np.zeros(shape))
        assert X.shape == shape[::-1] and np.all(X == 0)


def test_pinv_rcond_drops_small_singular_values():
    rng = np.random.default_rng(7)
    U, V = _orthogonal(rng, 4), _orthogonal(rng, 3)
    S = np.zeros((4, 3))
    S[[0, 1, 2], [0, 1, 2]] = [3.0, 1.0, 1e-4]
    A = U @ S @ V.T

    def expected(kept):
        inv = np.array([1 / 3.0, 1.0, 1e4])[:kept]
        return V[:, :kept] @ np.diag(inv) @ U[:, :kept].T

    np.testing.assert_allclose(ref.pinv(A), expected(3), rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ref.pinv(A, rcond=1e-5), expected(3), rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ref.pinv(A, rcond=1e-3), expected(2), atol=1e-12)
    np.testing.assert_allclose(ref.pinv(A, 0.5), expected(1), atol=1e-12)
    np.testing.assert_allclose(ref.pinv(A, rcond=1e-3), np.linalg.pinv(A, rcond=1e-3), atol=1e-12)


def test_pinv_rcond_boundary_counts_as_zero():
    np.testing.assert_array_equal(ref.pinv(np.diag([4.0, 2.0, 1.0]), rcond=0.25),
                                  np.diag([0.25, 0.5, 0.0]))
    np.testing.assert_array_equal(ref.pinv(np.diag([4.0, 2.0, 1.0]), rcond=0.5),
                                  np.diag([0.25, 0.0, 0.0]))


def test_pinv_extreme_scales():
    rng = np.random.default_rng(8)
    A = rng.normal(size=(3, 5))
    for scale in (1e-20, 1e20):
        np.testing.assert_allclose(ref.pinv(A * scale), np.linalg.pinv(A) / scale, rtol=1e-9)


def test_pinv_accepts_lists_and_leaves_input_alone():
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    before = A.copy()
    ref.pinv(A)
    np.testing.assert_array_equal(A, before)
    np.testing.assert_allclose(ref.pinv(A.tolist()), np.linalg.pinv(A))
    np.testing.assert_allclose(ref.pinv([[1, 1]]), [[0.5], [0.5]])


# ----------------------------------------------------------------------------
# solve_least_squares
# ----------------------------------------------------------------------------

def test_solve_least_squares_matches_lstsq():
    rng = np.random.default_rng(9)
    for A in _random_matrices(10) + [A for A, _ in _low_rank_matrices(11, 15)]:
        b = rng.normal(size=A.shape[0])
        got = ref.solve_least_squares(A, b)
        expected = np.linalg.lstsq(A, b, rcond=None)[0]
        assert got.shape == (A.shape[1],)
        np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9 * max(1, np.abs(expected).max()))


def test_solve_least_squares_residual_is_orthogonal_to_columns():
    rng = np.random.default_rng(12)
    A, b = rng.normal(size=(9, 4)), rng.normal(size=9)
    x = ref.solve_least_squares(A, b)
    np.testing.assert_allclose(A.T @ (A @ x - b), 0, atol=1e-12)
    # no nearby point does better
    for _ in range(50):
        other = x + rng.normal(scale=1e-3, size=4)
        assert np.sum((A @ other - b) ** 2) >= np.sum((A @ x - b) ** 2)


def test_solve_least_squares_minimum_norm_for_underdetermined():
    rng = np.random.default_rng(13)
    A, b = rng.normal(size=(2, 5)), rng.normal(size=2)
    x = ref.solve_least_squares(A, b)
    np.testing.assert_allclose(A @ x, b, atol=1e-12)
    _, _, Vt = np.linalg.svd(A)
    null = Vt[2:].T                                   # basis of the null space
    np.testing.assert_allclose(null.T @ x, 0, atol=1e-12)
    for _ in range(50):
        other = x + null @ rng.normal(size=3)
        np.testing.assert_allclose(A @ other, b, atol=1e-12)
        assert other @ other > x @ x
    np.testing.assert_allclose(ref.solve_least_squares([[1.0, 1.0]], [2.0]), [1.0, 1.0])
    np.testing.assert_allclose(ref.solve_least_squares([[1.0], [1.0]], [1.0, 3.0]), [2.0])


@pytest.mark.parametrize("A, b", [
    (np.ones((3, 2)), np.ones(4)),
    (np.ones((1, 3)), np.ones(4)),
    (np.ones((4, 3)), np.ones(1)),
    (np.eye(2), np.ones(3)),
])
def test_solve_least_squares_rejects_row_mismatch(A, b):
    with pytest.raises(ValueError):
        ref.solve_least_squares(A, b)


# ----------------------------------------------------------------------------
# fit_linear_regression and predict
# ----------------------------------------------------------------------------

def test_fit_linear_regression_worked_example():
    beta = ref.fit_linear_regression(np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 2.0, 4.0]))
    np.testing.assert_allclose(beta, [5 / 6, 1.5])


def test_fit_linear_regression_matches_polyfit_and_closed_form():
    rng = np.random.default_rng(14)
    for _ in range(20):
        n = int(rng.integers(3, 40))
        x = rng.normal(loc=3.0, scale=2.0, size=n)
        y = 1.5 - 0.7 * x + rng.normal(size=n)
        beta = ref.fit_linear_regression(x[:, None], y)
        slope, intercept = np.polyfit(x, y, 1)
        np.testing.assert_allclose(beta, [intercept, slope], rtol=1e-8, atol=1e-10)
        closed_slope = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
        np.testing.assert_allclose(beta[1], closed_slope, rtol=1e-9)
        np.testing.assert_allclose(beta[0], y.mean() - closed_slope * x.mean(), rtol=1e-9, atol=1e-12)


def test_fit_linear_regression_matches_lstsq_with_several_and_collinear_features():
    rng = np.random.default_rng(15)
    for d in range(1, 6):
        X = rng.normal(size=(30, d))
        y = rng.normal(size=30)
        for features in (X, np.hstack([X, X[:, :1]]), np.hstack([X, np.full((30, 1), 2.0)])):
            design = np.hstack([np.ones((30, 1)), features])
            np.testing.assert_allclose(ref.fit_linear_regression(features, y),
                                       np.linalg.lstsq(design, y, rcond=None)[0], atol=1e-10)


def test_fit_linear_regression_recovers_exact_coefficients_and_intercept_only():
    rng = np.random.default_rng(16)
    X = rng.normal(size=(20, 3))
    beta = np.array([2.0, -1.0, 0.5, 3.0])
    np.testing.assert_allclose(ref.fit_linear_regression(X, beta[0] + X @ beta[1:]), beta, atol=1e-12)
    y = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    np.testing.assert_allclose(ref.fit_linear_regression(np.empty((5, 0)), y), [4.0])


def test_predict_matches_a_loop():
    rng = np.random.default_rng(17)
    for _ in range(20):
        n, d = (int(v) for v in rng.integers(1, 8, size=2))
        X, beta = rng.normal(size=(n, d)), rng.normal(size=d + 1)
        loop = [beta[0] + sum(X[i, j] * beta[j + 1] for j in range(d)) for i in range(n)]
        got = ref.predict(X, beta)
        assert got.shape == (n,)
        np.testing.assert_allclose(got, loop, atol=1e-12)
    np.testing.assert_allclose(ref.predict([[0], [1], [2]], [1, 2]), [1.0, 3.0, 5.0])
    np.testing.assert_allclose(ref.predict(np.empty((3, 0)), [7.5]), [7.5] * 3)


def test_design_matrix_prepends_ones():
    X = np.arange(6.0).reshape(3, 2)
    D = ref.design_matrix(X)
    np.testing.assert_array_equal(D, [[1, 0, 1], [1, 2, 3], [1, 4, 5]])
