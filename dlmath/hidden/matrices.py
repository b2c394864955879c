"""Hidden tests for 02_matrices."""

from __future__ import annotations

import numpy as np

from dlmath import grading as G
from dlmath.reference import matrices as ref

#: The "no shortcut" rule of pinv.
NO_PINV = ["numpy.linalg.pinv", "numpy.linalg.lstsq", "numpy.linalg.inv"]

#: Graded function -> library functions it may not call (stated in the notebook).
NO_SHORTCUT = {"pinv": NO_PINV}


# ----------------------------------------------------------------------------
# Private helpers
# ----------------------------------------------------------------------------

def _check_scaled(func, reference, cases, *, forbidden=(), rtol=1e-7, rel_atol=1e-8):
    """Like ``G.check_cases``, with an absolute tolerance scaled to each result.

    A pseudo-inverse of a matrix scaled by 1e-12 has entries near 1e12 and one
    scaled by 1e12 has entries near 1e-12, so a fixed ``atol`` would be far too
    strict for the first and would accept zeros for the second.  Here ``atol``
    is ``rel_atol`` times the largest entry of the expected result.
    """
    def atol(expected):
        finite = np.abs(np.asarray(expected, dtype=np.float64))
        finite = finite[np.isfinite(finite)]
        top = float(finite.max()) if finite.size else 0.0
        return rel_atol * top if top > 0 else 1e-12

    G.check_cases(func, reference, list(cases), name=reference.__name__, forbidden=forbidden,
                  rtol=rtol, atol=atol)


def _well_conditioned(rng, m, n, max_cond=1e4):
    """A random (m, n) Gaussian matrix of full rank and condition number <= max_cond."""
    while True:
        A = rng.normal(size=(m, n))
        s = np.linalg.svd(A, compute_uv=False)
        if s[-1] > 0 and s[0] / s[-1] <= max_cond:
            return A


def _shape(rng, kind=None, low=1, high=8):
    m, n = (int(v) for v in rng.integers(low, high + 1, size=2))
    kind = kind or rng.choice(["square", "tall", "wide"])
    if kind == "square":
        return m, m
    if kind == "tall":
        return max(m, n) + 1, min(m, n)
    return min(m, n), max(m, n) + 1


def _full_rank(rng):
    m, n = _shape(rng)
    return _well_conditioned(rng, m, n) * float(rng.choice([1e-3, 1.0, 1e3]))


def _low_rank(rng, low=2, high=9):
    """A product of thin random matrices: (m, k) @ (k, n) with k < min(m, n).

    Only matrices with a clear gap between the k true singular values and the
    rounding noise are kept, so every correct SVD-based answer agrees on the
    rank with the default rcond=1e-15 (rounding noise stays below 2e-16 of the
    largest singular value, the true ones above 1e-6 of it).
    """
    while True:
        m, n = (int(v) for v in rng.integers(low, high + 1, size=2))
        k = int(rng.integers(1, min(m, n)))
        A = rng.normal(size=(m, k)) @ rng.normal(size=(k, n))
        A = A * float(rng.choice([1e-6, 1.0, 1e6]))
        s = np.linalg.svd(A, compute_uv=False)
        s_t = np.linalg.svd(A.T, compute_uv=False)
        noise = max(s[k:].max(), s_t[k:].max()) / s[0]
        if noise < 2e-16 and s[k - 1] / s[0] > 1e-6:
            return A


def _orthogonal(rng, n):
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def _with_singular_values(rng, m, n, s):
    """An (m, n) matrix whose singular values are exactly ``s`` (up to rounding)."""
    S = np.zeros((m, n))
    S[np.arange(len(s)), np.arange(len(s))] = s
    return _orthogonal(rng, m) @ S @ _orthogonal(rng, n).T


# ----------------------------------------------------------------------------
# pinv
# ----------------------------------------------------------------------------

def pinv_full_rank(pinv):
    """pinv of square, tall and wide full-rank matrices (random, lists, integers) equals the inverse-like reference."""
    cases = [(np.array([[2.0, 1.0], [1.0, 1.0]]),),      # invertible: pinv = inverse
             ([[1.0, 2.0], [3.0, 4.0]],),                   # plain nested list
             (np.array([[1], [1]]),),                       # tall integer column
             (np.array([[1, 1]]),),                         # wide integer row
             (np.arange(6).reshape(2, 3) + np.eye(2, 3),),  # integer 2x3
             (np.eye(4),),
             (np.array([[-5.0]]),)]
    cases += G.random_cases(201, 24, lambda r: (_full_rank(r),))
    _check_scaled(pinv, ref.pinv, cases, forbidden=NO_PINV)


def pinv_rank_deficient(pinv):
    """pinv of rank-deficient matrices (products of thin random matrices), all-zero matrices and extreme scales."""
    cases = G.random_cases(202, 16, lambda r: (_low_rank(r),))
    cases += G.random_cases(203, 5, lambda r: ((_low_rank(r),), {"rcond": 1e-10}))
    rng = np.random.default_rng(204)
    zero_col = rng.normal(size=(4, 3))
    zero_col[:, 1] = 0.0
    cases += [(np.zeros((3, 2)),), (np.zeros((1, 1)),), (np.zeros((2, 5)),),
              (zero_col,), (zero_col.T,),
              (np.array([[1.0, 2.0], [2.0, 4.0]]),),              # rank 1, square
              ([[0.0, 0.0, 3.0], [0.0, 0.0, 0.0]],),              # a single non-zero entry
              (_well_conditioned(rng, 3, 5) * 1e-20,),             # tiny but full rank
              (_well_conditioned(rng, 4, 2) * 1e20,)]              # huge but full rank
    _check_scaled(pinv, ref.pinv, cases, forbidden=NO_PINV)


def pinv_rcond(pinv):
    """rcond is respected: singular values <= rcond * max count as zero (custom cutoffs, the boundary, rcond=0)."""
    rng = np.random.default_rng(205)
    small = _with_singular_values(rng, 4, 3, [3.0, 1.0, 1e-4])
    wide = _with_singular_values(rng, 2, 5, [2.0, 1e-7])
    cases = [((small,), {"rcond": 1e-3}),     # drops 1e-4
             ((small,), {"rcond": 1e-5}),     # keeps it
             ((small, 0.5), {}),              # rcond given by position: keeps only 3
             ((wide,), {"rcond": 1e-6}),      # drops 1e-7
             ((wide,), {}),                   # default keeps 1e-7
             ((small.T,), {"rcond": 1e-3}),
             # Exact singular values 4, 2, 1: a value equal to the cutoff counts as zero.
             ((np.diag([4.0, 2.0, 1.0]),), {"rcond": 0.25}),
             ((np.array([[0.0, 0.0, 1.0], [0.0, 2.0, 0.0], [4.0, 0.0, 0.0]]),), {"rcond": 0.5}),
             ((_well_conditioned(rng, 3, 3),), {"rcond": 0.0})]
    _check_scaled(pinv, ref.pinv, cases, forbidden=NO_PINV)


def _penrose_matrices():
    cases = G.random_cases(206, 8, lambda r: (_full_rank(r), 1e-15))
    cases += G.random_cases(207, 8, lambda r: (_low_rank(r), 1e-10))
    cases += [(np.zeros((2, 3)), 1e-15)]
    return cases


def pinv_penrose_conditions(pinv):
    """The result has shape (n, m) and satisfies the four Moore-Penrose conditions A X A = A, X A X = X, (AX)^T = AX, (XA)^T = XA."""
    matrices = list(_penrose_matrices())
    results = G.call_each(pinv, [((A,), {"rcond": rcond}) for A, rcond in matrices],
                          name="pinv", forbidden=NO_PINV)
    for (A, rcond), X in zip(matrices, results):
        shown = G.describe_call("pinv", (A,), {"rcond": rcond})
        m, n = A.shape
        if not isinstance(X, np.ndarray) or X.shape != (n, m):
            raise G.GradingFailure(f"{shown} should return an array of shape {(n, m)} "
                                   f"(A has shape {(m, n)}), but returned {G.describe(X)}.")
        X = X.astype(np.float64)
        scale_a = max(np.abs(A).max(), 1e-300)
        scale_x = max(np.abs(X).max(), 1e-300)
        with G.quiet():
            conditions = [
                ("A @ X @ A == A", A @ X @ A - A, scale_a),
                ("X @ A @ X == X", X @ A @ X - X, scale_x),
                ("(A @ X).T == A @ X", (A @ X).T - A @ X, 1.0),
                ("(X @ A).T == X @ A", (X @ A).T - X @ A, 1.0),
            ]
        for label, residual, scale in conditions:
            err = float(np.max(np.abs(residual))) if residual.size else 0.0
            if not err <= 1e-8 * scale:
                raise G.GradingFailure(
                    f"X = {shown} breaks the Moore-Penrose condition {label}: the largest "
                    f"entry of the difference is {err:.3g} (allowed {1e-8 * scale:.3g}).\n"
                    f"X: {G.describe(X)}")


# ----------------------------------------------------------------------------
# solve_least_squares
# ----------------------------------------------------------------------------

def _system(rng, kind):
    m, n = _shape(rng, kind)
    A = _well_conditioned(rng, m, n)
    return A, rng.normal(scale=float(rng.choice([0.1, 1.0, 100.0])), size=m)


def solve_least_squares_overdetermined(solve_least_squares):
    """Tall (overdetermined) and square systems: the least-squares solution, also for lists and integers."""
    cases = [(np.array([[1.0], [1.0]]), np.array([1.0, 3.0])),            # x = mean = 2
             ([[1, 0], [0, 1], [1, 1]], [1, 2, 4]),                       # plain lists of ints
             (np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([2.0, 2.0]))]  # exact solution
    cases += G.random_cases(211, 20, lambda r: _system(r, "tall"))
    cases += G.random_cases(212, 8, lambda r: _system(r, "square"))
    _check_scaled(solve_least_squares, ref.solve_least_squares, cases)


def solve_least_squares_underdetermined(solve_least_squares):
    """Wide (underdetermined) and rank-deficient systems: the minimum-norm least-squares solution."""
    cases = [(np.array([[1.0, 1.0]]), np.array([2.0])),                   # x = (1, 1)
             (np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([1.0, 1.0])),   # inconsistent, rank 1
             (np.zeros((2, 3)), np.array([1.0, -1.0])),                    # x = 0
             ([[1, 2, 3]], [14])]
    cases += G.random_cases(213, 15, lambda r: _system(r, "wide"))
    cases += G.random_cases(214, 10, lambda r: (lambda A: (A, r.normal(size=A.shape[0])))(_low_rank(r)))
    _check_scaled(solve_least_squares, ref.solve_least_squares, cases)


def solve_least_squares_errors(solve_least_squares):
    """ValueError when A and b have different numbers of rows, including shapes numpy would broadcast."""
    G.expect_value_error(solve_least_squares, np.ones((3, 2)), np.ones(4),
                         why="A has 3 rows but b has 4 entries")
    G.expect_value_error(solve_least_squares, np.ones((3, 3)), np.ones(2),
                         why="A has 3 rows but b has 2 entries")
    # Shapes that broadcasting would silently accept must be rejected too.
    G.expect_value_error(solve_least_squares, np.array([[1.0, 2.0, 3.0]]), np.arange(1.0, 5.0),
                         why="A has 1 row but b has 4 entries")
    G.expect_value_error(solve_least_squares, np.arange(12.0).reshape(4, 3), np.ones(1),
                         why="A has 4 rows but b has 1 entry")
    G.expect_value_error(solve_least_squares, np.eye(2), np.ones(3),
                         why="A has 2 rows but b has 3 entries")


# ----------------------------------------------------------------------------
# fit_linear_regression
# ----------------------------------------------------------------------------

def _regression(rng):
    n = int(rng.integers(6, 40))
    d = int(rng.integers(1, 5))
    X = rng.normal(loc=rng.normal(scale=3.0), scale=float(rng.uniform(0.5, 5.0)), size=(n, d))
    beta = rng.normal(scale=3.0, size=d + 1)
    y = beta[0] + X @ beta[1:] + rng.normal(scale=float(rng.uniform(0.0, 2.0)), size=n)
    return X, y


def fit_linear_regression_values(fit_linear_regression):
    """Ordinary least squares with the intercept first, on random data with 1-4 features, lists and integers."""
    cases = [(np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 2.0, 4.0])),  # (5/6, 3/2)
             ([[1], [2], [3], [4]], [3, 5, 7, 9]),                           # exactly y = 1 + 2x
             (np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 3.0]]), np.array([1.0, 2.0, 3.0, 4.0]))]
    cases += G.random_cases(221, 25, _regression)
    _check_scaled(fit_linear_regression, ref.fit_linear_regression, cases)


def _collinear(rng):
    X, y = _regression(rng)
    which = rng.integers(3)
    if which == 0:      # a duplicated feature
        X = np.hstack([X, X[:, :1]])
    elif which == 1:    # a constant feature: collinear with the intercept column
        X = np.hstack([X, np.full((X.shape[0], 1), float(rng.integers(1, 4)))])
    else:               # more coefficients than examples
        X = rng.normal(size=(3, 5))
        y = rng.normal(size=3)
    return X, y


def fit_linear_regression_collinear(fit_linear_regression):
    """Dependent columns of [1, X] (duplicated or constant features, n < d + 1) give the minimum-norm solution; no features gives the mean."""
    cases = [(np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]), np.array([1.0, 2.0, 2.0])),
             (np.ones((4, 1)), np.array([1.0, 2.0, 3.0, 6.0])),
             (np.empty((5, 0)), np.array([1.0, 2.0, 3.0, 4.0, 10.0]))]   # intercept only: mean 4
    cases += G.random_cases(222, 12, _collinear)
    _check_scaled(fit_linear_regression, ref.fit_linear_regression, cases)


# ----------------------------------------------------------------------------
# predict
# ----------------------------------------------------------------------------

def _model(rng):
    n = int(rng.integers(1, 30))
    d = int(rng.integers(1, 6))
    return rng.normal(scale=2.0, size=(n, d)), rng.normal(scale=3.0, size=d + 1)


def predict_values(predict):
    """predict = beta[0] + X @ beta[1:] for random X with 1-5 features and random coefficients."""
    cases = [(np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 2.0])),
             (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([-1.0, 0.5, 0.25]))]
    cases += G.random_cases(231, 30, _model)
    G.check_cases(predict, ref.predict, cases)


def predict_edge_cases(predict):
    """One row, one feature, no features (only the intercept), zero slopes, plain lists and integers."""
    cases = [(np.array([[2.0, -1.0, 0.5]]), np.array([10.0, 1.0, 2.0, 3.0])),
             (np.arange(5.0).reshape(5, 1), np.array([-3.0, 0.0])),
             (np.empty((4, 0)), np.array([7.5])),
             (np.array([[1, 2], [3, 4], [5, 6]]), np.array([1, 1, -1])),
             ([[0.5], [1.5]], [2.0, 4.0]),
             (np.ones((3, 2)), np.array([0.0, 0.0, 0.0]))]
    G.check_cases(predict, ref.predict, cases)


CHECKS = {
    "pinv": [pinv_full_rank, pinv_rank_deficient, pinv_rcond, pinv_penrose_conditions],
    "solve_least_squares": [solve_least_squares_overdetermined,
                            solve_least_squares_underdetermined, solve_least_squares_errors],
    "fit_linear_regression": [fit_linear_regression_values, fit_linear_regression_collinear],
    "predict": [predict_values, predict_edge_cases],
}
