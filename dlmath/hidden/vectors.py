"""Hidden tests for 01_vectors."""

from __future__ import annotations

import numpy as np

from dlmath import grading as G
from dlmath.reference import vectors as ref

#: The "no shortcut" rule of l1_norm and l2_norm.
NO_NORM = ["numpy.linalg.norm"]

#: Graded function -> library functions it may not call (stated in the notebook).
NO_SHORTCUT = {"l1_norm": NO_NORM, "l2_norm": NO_NORM, "pairwise_distances": NO_NORM}


def _vector(rng, low=1, high=40):
    n = int(rng.integers(low, high))
    return rng.normal(scale=rng.choice([0.1, 1.0, 50.0]), size=n)


def _pair(rng):
    x = _vector(rng)
    return x, rng.normal(size=x.shape)


def l1_norm_values(l1_norm):
    """l1_norm on 40 random vectors of random lengths and scales."""
    G.check_cases(l1_norm, ref.l1_norm, G.random_cases(101, 40, lambda r: (_vector(r),)),
                  forbidden=NO_NORM)


def l1_norm_edge_cases(l1_norm):
    """Zeros, one entry, all negative, integers and a plain list."""
    cases = [(np.zeros(5),), (np.array([-7.5]),), (-np.arange(1.0, 9.0),),
             (np.array([3, -4, 0, 12]),), ([1.5, -2.5, 0.25],),
             (np.full(10_000, -1e-3),)]
    G.check_cases(l1_norm, ref.l1_norm, cases, forbidden=NO_NORM)


def l2_norm_values(l2_norm):
    """l2_norm on 40 random vectors of random lengths and scales."""
    G.check_cases(l2_norm, ref.l2_norm, G.random_cases(102, 40, lambda r: (_vector(r),)),
                  forbidden=NO_NORM)


def l2_norm_edge_cases(l2_norm):
    """Zeros, one negative entry, Pythagorean triples, integers and a plain list."""
    cases = [(np.zeros(4),), (np.array([-2.0]),), (np.array([3.0, 4.0]),),
             (np.array([2, 3, 6]),), ([1.0, -1.0, 1.0, -1.0],), (np.full(10_000, 0.5),)]
    G.check_cases(l2_norm, ref.l2_norm, cases, forbidden=NO_NORM)


def distance_values(distance):
    """distance with ord=1, ord=2 and the default, on random pairs."""
    cases = G.random_cases(103, 20, lambda r: (_pair(r), {"ord": int(r.integers(1, 3))}))
    cases += G.random_cases(104, 10, lambda r: (_pair(r), {}))
    cases += [((np.array([0.0, 0.0]), np.array([3.0, -4.0])), {"ord": 1}),
              ((np.array([1.0, 2.0]), np.array([1.0, 2.0])), {}),
              (([1, 2, 3], [4, 6, 3]), {"ord": 2})]
    G.check_cases(distance, ref.distance, cases)


def distance_errors(distance):
    """ValueError for shapes that differ and for ord other than 1 or 2."""
    G.expect_value_error(distance, np.ones(3), np.ones(4), why="shapes differ")
    G.expect_value_error(distance, np.ones((2, 2)), np.ones(4), why="shapes differ")
    # Shapes that numpy would broadcast silently must still be rejected.
    G.expect_value_error(distance, np.ones(1), np.arange(3.0), why="shapes differ")
    G.expect_value_error(distance, np.ones((3, 1)), np.arange(3.0), why="shapes differ")
    for bad in (3, 0, np.inf, -1):
        G.expect_value_error(distance, np.ones(3), np.zeros(3), ord=bad,
                             why=f"ord={bad} is not 1 or 2")


def angle_values(angle):
    """angle on 30 random pairs, orthogonal pairs and a right angle in 3-D."""
    cases = G.random_cases(105, 30, _pair)
    cases += [(np.array([1.0, 0.0]), np.array([0.0, 2.0])),
              (np.array([1.0, 1.0, 0.0]), np.array([-1.0, 1.0, 5.0])),
              ([1, 0], [1, 1])]
    G.check_cases(angle, ref.angle, cases, atol=1e-7)


def _parallel(rng):
    x = _vector(rng, 2, 30)
    sign = 1.0 if rng.random() < 0.5 else -1.0
    return x, sign * float(rng.uniform(0.1, 1000.0)) * x


def angle_parallel(angle):
    """Parallel and anti-parallel vectors give 0 and pi, never nan."""
    cases = G.random_cases(106, 60, _parallel)
    cases += [(np.array([1.0, 1.0, 1.0]), np.array([3.0, 3.0, 3.0])),
              (np.array([0.1, 0.2, 0.3]), np.array([-0.3, -0.6, -0.9]))]
    G.check_cases(angle, ref.angle, cases, atol=1e-7)


def _tiny_pair(rng):
    x = _vector(rng, 2, 10)
    x = x / np.max(np.abs(x)) * float(rng.choice([1e-170, 1e-200, 1e-300]))
    return x, rng.normal(size=x.shape)


def angle_tiny_vectors(angle):
    """Tiny but non-zero vectors (entries 1e-200, 1e-300, subnormal 1e-310) have an angle:
    no ValueError, no nan. Squaring such entries underflows to 0, so scale first."""
    cases = [(1e-200 * np.array([1.0, 0.0]), np.array([1.0, 1.0])),          # pi/4
             (1e-200 * np.array([1.0, 2.0, 3.0]), np.array([3.0, -1.0, 2.0])),
             (1e-180 * np.array([2.0, -1.0]), 1e-190 * np.array([1.0, 2.0])),  # pi/2
             (np.array([1e-310, 3e-310]), np.array([-2e-310, 1e-310])),       # subnormal
             (np.array([0.0, 0.0, 1e-300]), np.array([1.0, 0.0, 1.0])),       # one tiny entry
             (np.array([5e-324, 0.0]), np.array([0.0, 1.0])),                  # the smallest float
             (1e-250 * np.array([1.0, 2.0]), -3e-250 * np.array([1.0, 2.0])),  # anti-parallel: pi
             (1e-160 * np.array([1.0, 2.0, 2.0]), 4e-160 * np.array([1.0, 2.0, 2.0]))]  # 0
    cases += G.random_cases(107, 10, _tiny_pair)
    G.check_cases(angle, ref.angle, cases, atol=1e-7)


def angle_errors(angle):
    """ValueError for a zero vector (every entry exactly 0, also -0.0) and for shapes that differ."""
    G.expect_value_error(angle, np.zeros(3), np.ones(3), why="x is a zero vector")
    G.expect_value_error(angle, np.ones(3), np.zeros(3), why="y is a zero vector")
    G.expect_value_error(angle, np.array([0.0, -0.0]), np.array([1.0, 2.0]),
                         why="x is a zero vector (-0.0 is 0)")
    G.expect_value_error(angle, [0, 0], [3, 4], why="x is a zero vector")
    G.expect_value_error(angle, np.ones(2), np.ones(3), why="shapes differ")
    G.expect_value_error(angle, np.ones(1), np.arange(1.0, 4.0), why="shapes differ")


# ----------------------------------------------------------------------------
# pairwise_distances
# ----------------------------------------------------------------------------

def _points(rng, n, d, scale, offset):
    return offset + rng.normal(scale=scale, size=(n, d))


def _pairwise_case(rng):
    n, m = (int(v) for v in rng.integers(1, 13, size=2))
    d = int(rng.integers(1, 9))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        n = 1
    elif kind == 1:
        m = 1
    scale = float(rng.choice([0.1, 1.0, 50.0]))
    offset = rng.normal(scale=scale * float(rng.choice([0.0, 1.0, 5.0])), size=d)
    return _points(rng, n, d, scale, offset), _points(rng, m, d, scale, offset)


def _row_norms(A):
    A = np.asarray(A, dtype=np.float64)
    return np.sqrt(np.sum(A * A, axis=1))


def _check_distances(pairwise_distances, cases):
    """Compare with the exact distances, allowing 1e-6 x the rows' norms (the rounding of the
    squared form) and 1e-7 relative; nan or negative entries get their own message."""
    results = G.call_each(pairwise_distances, cases, name="pairwise_distances",
                          forbidden=NO_NORM)
    for (X, Y), got in zip(cases, results):
        call = G.describe_call("pairwise_distances", (X, Y))
        expected = ref.pairwise_distances(X, Y)
        if isinstance(got, np.ndarray) and got.shape == expected.shape and got.dtype.kind in "fiu":
            with G.quiet():
                bad = np.isnan(got) | (got < 0)
            if bad.any():
                where = tuple(int(i) for i in np.argwhere(bad)[0])
                raise G.GradingFailure(
                    f"{call} returned {int(bad.sum())} negative or nan entries (first at index "
                    f"{where}: {got[where]!r}, expected {expected[where]!r}). A distance is never "
                    f"negative: rounding can make |x|^2 + |y|^2 - 2 x.y slightly negative for "
                    f"near-identical rows, so clip it at 0 before the square root.\n"
                    f"expected: {G.describe(expected)}\nactual:   {G.describe(got)}")
        # Type, shape, dtype and finiteness first (any finite value passes this step).
        G.assert_matches(got, expected, call=call, rtol=0.0, atol=np.inf)
        actual = got.astype(np.float64)
        tol = 1e-6 * (_row_norms(X)[:, None] + _row_norms(Y)[None, :]) + 1e-7 * expected
        ok = np.abs(actual - expected) <= tol
        if not ok.all():
            where = tuple(int(i) for i in np.argwhere(~ok)[0])
            raise G.GradingFailure(
                f"{call} returned wrong distances ({int((~ok).sum())} of {ok.size} entries "
                f"differ by more than 1e-6 x the rows' norms; first at index {where}: expected "
                f"{expected[where]!r}, got {actual[where]!r}).\n"
                f"expected: {G.describe(expected)}\nactual:   {G.describe(got)}")


def pairwise_distances_values(pairwise_distances):
    """40 random pairs of point sets (n, m from 1 to 12, d from 1 to 8, various scales and
    offsets, n = 1 or m = 1 in half of them), a hand-computed case, integers and plain lists."""
    cases = [(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[3.0, 4.0], [1.0, 1.0], [-2.0, 1.0]])),
             (np.array([[1, 2, 3]]), np.array([[1, 2, 3], [4, 6, 3], [0, 0, 0]])),
             ([[0.5], [-1.5], [2.0]], [[1.0], [0.0]]),
             (np.array([[7.0]]), np.array([[-2.0]])),
             (np.zeros((2, 3)), np.eye(3))]
    cases += G.random_cases(109, 40, _pairwise_case)
    _check_distances(pairwise_distances, cases)


def _near_identical_case(rng):
    n = int(rng.integers(2, 9))
    d = int(rng.integers(1, 7))
    offset = float(rng.choice([10.0, 1e3, 1e6])) * rng.normal(size=d)
    X = offset + rng.normal(size=(n, d))
    Y = X[rng.permutation(n)] + float(rng.choice([0.0, 1e-12, 1e-9])) * rng.normal(size=(n, d))
    return X, np.vstack([Y, X[:1]])


def pairwise_distances_near_identical(pairwise_distances):
    """Rows that are identical or nearly so (far from the origin, where the squared form
    loses most digits) and X against itself: every entry close to the exact distance
    (within 1e-6 x the rows' norms), never negative, never nan."""
    cases = G.random_cases(110, 25, _near_identical_case)
    rng = np.random.default_rng(111)
    X = 1e4 + rng.normal(size=(6, 3))
    cases += [(X, X), (X[:1], X[:1]), (X + 1e-3, X),
              (np.full((3, 2), 0.1), np.full((2, 2), 0.1)),
              (np.array([[1e8, 1e8]]), np.array([[1e8, 1e8 + 1.0], [1e8, 1e8]]))]
    _check_distances(pairwise_distances, cases)


def pairwise_distances_errors(pairwise_distances):
    """ValueError when X and Y have different numbers of columns, also when one of them has a
    single column (where broadcasting would hide the mismatch)."""
    G.expect_value_error(pairwise_distances, np.ones((3, 2)), np.ones((4, 3)),
                         why="X has 2 columns but Y has 3")
    G.expect_value_error(pairwise_distances, np.ones((2, 1)), np.arange(12.0).reshape(4, 3),
                         why="X has 1 column but Y has 3")
    G.expect_value_error(pairwise_distances, np.arange(6.0).reshape(2, 3), np.ones((5, 1)),
                         why="X has 3 columns but Y has 1")
    G.expect_value_error(pairwise_distances, np.ones((1, 4)), np.ones((1, 2)),
                         why="X has 4 columns but Y has 2")


CHECKS = {
    "l1_norm": [l1_norm_values, l1_norm_edge_cases],
    "l2_norm": [l2_norm_values, l2_norm_edge_cases],
    "distance": [distance_values, distance_errors],
    "angle": [angle_values, angle_parallel, angle_tiny_vectors, angle_errors],
    "pairwise_distances": [pairwise_distances_values, pairwise_distances_near_identical,
                           pairwise_distances_errors],
}
