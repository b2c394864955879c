"""The reference solutions of 01_vectors against independent oracles.

Oracles: numpy.linalg.norm, math.dist / math.hypot, scipy.spatial.distance
(cdist, cosine), exact rational arithmetic with fractions, closed forms and
brute-force loops.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.spatial import distance as sp_distance

from dlmath.reference import vectors as ref


def _vectors(seed, count=40):
    rng = np.random.default_rng(seed)
    return [rng.normal(scale=float(rng.choice([1e-3, 1.0, 1e3])), size=int(rng.integers(1, 30)))
            for _ in range(count)]


# ----------------------------------------------------------------------------
# l1_norm, l2_norm, distance
# ----------------------------------------------------------------------------

def test_l1_norm_matches_numpy_and_an_exact_sum():
    for x in _vectors(1):
        got = ref.l1_norm(x)
        assert isinstance(got, float)
        assert got == pytest.approx(np.linalg.norm(x, 1), rel=1e-12)
        assert got == pytest.approx(float(sum(abs(Fraction(v)) for v in x)), rel=1e-12)
    assert ref.l1_norm([3, -4]) == 7.0 and ref.l1_norm(np.zeros(4)) == 0.0


def test_l2_norm_matches_numpy_and_math_hypot():
    for x in _vectors(2):
        got = ref.l2_norm(x)
        assert isinstance(got, float)
        assert got == pytest.approx(np.linalg.norm(x), rel=1e-12)
        assert got == pytest.approx(math.hypot(*x), rel=1e-12)
    assert ref.l2_norm([3, 4]) == 5.0 and ref.l2_norm([]) == 0.0


def test_l2_norm_neither_overflows_nor_underflows():
    assert ref.l2_norm(np.array([3e200, 4e200])) == pytest.approx(5e200, rel=1e-14)
    assert ref.l2_norm(np.array([3e-200, 4e-200])) == pytest.approx(5e-200, rel=1e-14)


def test_distance_matches_scipy():
    rng = np.random.default_rng(3)
    for x in _vectors(3):
        y = rng.normal(size=x.shape)
        assert ref.distance(x, y) == pytest.approx(sp_distance.euclidean(x, y), rel=1e-12)
        assert ref.distance(x, y, ord=2) == pytest.approx(math.dist(x, y), rel=1e-12)
        assert ref.distance(x, y, ord=1) == pytest.approx(sp_distance.cityblock(x, y), rel=1e-12)


@pytest.mark.parametrize("x, y, kwargs", [
    (np.ones(3), np.ones(4), {}),
    (np.ones(1), np.ones(3), {}),            # broadcastable, still a mismatch
    (np.ones((3, 1)), np.ones(3), {}),
    (np.ones(3), np.ones(3), {"ord": 3}),
    (np.ones(3), np.ones(3), {"ord": np.inf}),
])
def test_distance_rejects_bad_input(x, y, kwargs):
    with pytest.raises(ValueError):
        ref.distance(x, y, **kwargs)


# ----------------------------------------------------------------------------
# angle
# ----------------------------------------------------------------------------

def test_angle_matches_scipy_cosine_distance():
    rng = np.random.default_rng(4)
    for x in _vectors(4):
        y = rng.normal(size=x.shape)
        expected = math.acos(max(-1.0, min(1.0, 1.0 - sp_distance.cosine(x, y))))
        assert ref.angle(x, y) == pytest.approx(expected, abs=1e-9)


def test_angle_closed_forms():
    assert ref.angle([1, 0], [1, 1]) == pytest.approx(math.pi / 4, abs=1e-15)
    assert ref.angle([1, 2], [-2, 1]) == pytest.approx(math.pi / 2, abs=1e-15)
    assert ref.angle([1, 0, 0], [-1, 0, 0]) == pytest.approx(math.pi, abs=1e-15)
    # An equilateral triangle: 60 degrees.
    assert ref.angle([1, 0], [0.5, math.sqrt(3) / 2]) == pytest.approx(math.pi / 3, abs=1e-12)


def test_angle_of_parallel_vectors_is_exactly_0_or_pi():
    rng = np.random.default_rng(5)
    for _ in range(300):
        x = rng.normal(size=int(rng.integers(2, 40)))
        c = float(rng.uniform(0.01, 1000.0))
        assert ref.angle(x, c * x) == pytest.approx(0.0, abs=1e-7)
        assert ref.angle(x, -c * x) == pytest.approx(math.pi, abs=1e-7)


@pytest.mark.parametrize("scale", [1e-150, 1e-200, 1e-300, 1e-310])
def test_angle_of_tiny_vectors_equals_the_angle_of_the_scaled_up_ones(scale):
    x, y = np.array([1.0, 2.0, 3.0]), np.array([3.0, -1.0, 2.0])
    expected = ref.angle(x, y)
    assert ref.angle(scale * x, y) == pytest.approx(expected, abs=1e-9)
    assert ref.angle(scale * x, scale * y) == pytest.approx(expected, abs=1e-9)
    assert ref.angle(np.array([5e-324, 0.0]), np.array([0.0, 1.0])) == pytest.approx(math.pi / 2)


@pytest.mark.parametrize("x, y", [
    (np.zeros(3), np.ones(3)), (np.ones(3), np.zeros(3)), (np.array([0.0, -0.0]), np.ones(2)),
    (np.ones(2), np.ones(3)), (np.ones(1), np.ones(3)),
])
def test_angle_rejects_zero_vectors_and_shape_mismatch(x, y):
    with pytest.raises(ValueError):
        ref.angle(x, y)


# ----------------------------------------------------------------------------
# pairwise_distances
# ----------------------------------------------------------------------------

def _point_sets(seed, count=40):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n, m, d = (int(v) for v in rng.integers(1, 12, size=3))
        scale = float(rng.choice([1e-3, 1.0, 1e3]))
        offset = rng.normal(scale=scale * 5, size=d)
        yield offset + rng.normal(scale=scale, size=(n, d)), offset + rng.normal(scale=scale, size=(m, d))


def test_pairwise_distances_matches_scipy_cdist():
    for X, Y in _point_sets(6):
        got = ref.pairwise_distances(X, Y)
        assert got.shape == (len(X), len(Y)) and got.dtype == np.float64
        np.testing.assert_allclose(got, sp_distance.cdist(X, Y), rtol=1e-12, atol=0)


def test_pairwise_distances_matches_a_loop_of_math_dist():
    for X, Y in _point_sets(7, 15):
        expected = np.array([[math.dist(x, y) for y in Y] for x in X])
        np.testing.assert_allclose(ref.pairwise_distances(X, Y), expected, rtol=1e-12)


def test_pairwise_distances_hand_computed_and_plain_lists():
    got = ref.pairwise_distances([[0, 0], [1, 1]], [[3, 4], [1, 1], [-2, 1]])
    np.testing.assert_allclose(got, [[5, math.sqrt(2), math.sqrt(5)], [math.sqrt(13), 0, 3]],
                               rtol=1e-15)


def test_pairwise_distances_properties():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(9, 4))
    D = ref.pairwise_distances(X, X)
    assert np.array_equal(D, D.T) and np.all(np.diag(D) == 0) and np.all(D >= 0)
    # Triangle inequality D[i, k] <= D[i, j] + D[j, k].
    assert np.all(D[:, None, :] <= D[:, :, None] + D[None, :, :] + 1e-12)
    # Rigid motions keep distances: rotate and shift both sets.
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    Y = rng.normal(size=(5, 4))
    shift = rng.normal(size=4)
    np.testing.assert_allclose(ref.pairwise_distances(X @ q + shift, Y @ q + shift),
                               ref.pairwise_distances(X, Y), rtol=1e-10, atol=1e-12)


def test_pairwise_distances_is_accurate_for_near_identical_rows_far_away():
    """The reference uses the differences, so it is exact where the squared form is not."""
    rng = np.random.default_rng(9)
    X = 1e6 + rng.normal(size=(20, 3))
    delta = 1e-7 * rng.normal(size=(20, 3))
    D = ref.pairwise_distances(X, X + delta)
    exact = np.array([[math.dist(x, y) for y in X + delta] for x in X])
    np.testing.assert_allclose(np.diag(D), np.diag(exact), rtol=1e-6)
    assert np.all(D >= 0) and not np.isnan(D).any()
    # The squared form, clipped, stays within the contract's 1e-6 x the rows' norms.
    sq = (X ** 2).sum(1)[:, None] + ((X + delta) ** 2).sum(1)[None, :] - 2 * X @ (X + delta).T
    fast = np.sqrt(np.maximum(sq, 0))
    norms = np.sqrt((X ** 2).sum(1))
    assert np.all(np.abs(fast - D) <= 1e-6 * (norms[:, None] + norms[None, :]))


@pytest.mark.parametrize("X, Y", [
    (np.ones((3, 2)), np.ones((4, 3))),
    (np.ones((2, 1)), np.ones((4, 3))),       # broadcastable, still a mismatch
    (np.ones((1, 4)), np.ones((1, 2))),
])
def test_pairwise_distances_rejects_different_column_counts(X, Y):
    with pytest.raises(ValueError):
        ref.pairwise_distances(X, Y)
