"""Hidden tests for 01_vectors."""

from __future__ import annotations

import numpy as np

from dlmath import grading as G
from dlmath.reference import vectors as ref

#: The "no shortcut" rule of l1_norm and l2_norm.
NO_NORM = ["numpy.linalg.norm"]

#: Graded function -> library functions it may not call (stated in the notebook).
NO_SHORTCUT = {"l1_norm": NO_NORM, "l2_norm": NO_NORM}


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


def angle_errors(angle):
    """ValueError for a zero vector and for shapes that differ."""
    G.expect_value_error(angle, np.zeros(3), np.ones(3), why="x is a zero vector")
    G.expect_value_error(angle, np.ones(3), np.zeros(3), why="y is a zero vector")
    G.expect_value_error(angle, np.ones(2), np.ones(3), why="shapes differ")
    G.expect_value_error(angle, np.ones(1), np.arange(1.0, 4.0), why="shapes differ")


CHECKS = {
    "l1_norm": [l1_norm_values, l1_norm_edge_cases],
    "l2_norm": [l2_norm_values, l2_norm_edge_cases],
    "distance": [distance_values, distance_errors],
    "angle": [angle_values, angle_parallel, angle_errors],
}
