"""The reference solutions of 07_bayes against independent oracles.

Oracles: exact rational arithmetic (fractions.Fraction) of Bayes' theorem,
the closed-form likelihood of a whole sequence of conditionally independent
tests, brute-force counting of the confusion matrix, and a simulated
population.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest

from dlmath.reference import bayes as ref


def _exact_posterior(prior, likelihood):
    joint = [Fraction(p) * Fraction(l) for p, l in zip(prior, likelihood)]
    evidence = sum(joint)
    return [j / evidence for j in joint]


@pytest.mark.parametrize("seed", range(20))
def test_posterior_matches_exact_arithmetic(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 25))
    prior = rng.dirichlet(np.ones(k)) * rng.choice([1.0, 7.0])
    likelihood = rng.uniform(0, 1, k)
    got = ref.posterior(prior, likelihood)
    exact = _exact_posterior(prior.tolist(), likelihood.tolist())
    assert got.shape == (k,) and got.dtype == np.float64
    np.testing.assert_allclose(got, [float(e) for e in exact], rtol=1e-13, atol=0)
    assert math.isclose(got.sum(), 1.0, rel_tol=1e-13)


def test_posterior_properties():
    prior = np.array([0.5, 0.3, 0.2])
    likelihood = np.array([0.5, 0.8, 0.2])
    base = ref.posterior(prior, likelihood)
    np.testing.assert_allclose(base, np.array([25, 24, 4]) / 53)
    # only ratios matter: scaling prior or likelihood changes nothing
    np.testing.assert_allclose(ref.posterior(3 * prior, likelihood / 7), base)
    # a flat likelihood returns the (normalised) prior; a flat prior the normalised likelihood
    np.testing.assert_allclose(ref.posterior(prior, np.full(3, 0.4)), prior)
    np.testing.assert_allclose(ref.posterior(np.ones(3), likelihood), likelihood / likelihood.sum())
    # two updates with l1 then l2 equal one update with l1 * l2
    l2 = np.array([0.1, 0.6, 0.9])
    np.testing.assert_allclose(ref.posterior(base, l2), ref.posterior(prior, likelihood * l2))
    # inputs untouched, plain lists accepted
    assert prior.tolist() == [0.5, 0.3, 0.2]
    np.testing.assert_allclose(ref.posterior([1, 1], [1, 3]), [0.25, 0.75])


def test_posterior_extreme_magnitudes():
    # the plain product underflows to 0; the exact answer is still [1/4, 3/4]
    got = ref.posterior([1e-200, 1e-200], [1e-200, 3e-200])
    np.testing.assert_allclose(got, [0.25, 0.75], rtol=1e-12)
    # and overflows to inf
    got = ref.posterior([1e200, 3e200], [1e200, 1e200])
    np.testing.assert_allclose(got, [0.25, 0.75], rtol=1e-12)


@pytest.mark.parametrize("prior, likelihood", [
    ([0.3, 0.7], [0.0, 0.0]),
    ([1.0, 0.0], [0.0, 0.5]),
    ([0.0, 0.0], [0.5, 0.5]),
    ([1.0], [0.0]),
])
def test_posterior_zero_evidence(prior, likelihood):
    with pytest.raises(ValueError, match="evidence"):
        ref.posterior(prior, likelihood)


def test_posterior_shape_mismatch():
    with pytest.raises(ValueError):
        ref.posterior([0.5, 0.5], [0.5, 0.5, 0.5])


def _exact_diagnostic(p, s, f):
    p, s, f = Fraction(p), Fraction(s), Fraction(f)
    return s * p / (s * p + f * (1 - p))


@pytest.mark.parametrize("seed", range(15))
def test_diagnostic_matches_exact_formula(seed):
    rng = np.random.default_rng(100 + seed)
    p, s, f = 10 ** rng.uniform(-5, 0), rng.uniform(0.3, 1), rng.uniform(1e-3, 0.5)
    got = ref.diagnostic_posterior(p, s, f)
    assert isinstance(got, float)
    assert math.isclose(got, float(_exact_diagnostic(p, s, f)), rel_tol=1e-13)


def test_diagnostic_lecture_numbers_and_edges():
    assert math.isclose(ref.diagnostic_posterior(0.1, 0.99, 0.01), 99 / 108)
    assert math.isclose(ref.diagnostic_posterior(0.1, 0.99, 0.1), 99 / 189)
    assert ref.diagnostic_posterior(0.0, 0.9, 0.1) == 0.0
    assert ref.diagnostic_posterior(1.0, 0.9, 0.1) == 1.0
    assert ref.diagnostic_posterior(0.3, 0.8, 0.0) == 1.0
    assert math.isclose(ref.diagnostic_posterior(0.3, 0.6, 0.6), 0.3)


def test_diagnostic_agrees_with_a_simulated_population():
    rng = np.random.default_rng(2024)
    n, p, s, f = 400_000, 0.1, 0.99, 0.1
    ill = rng.random(n) < p
    positive = np.where(ill, rng.random(n) < s, rng.random(n) < f)
    share = ill[positive].mean()
    se = math.sqrt(share * (1 - share) / positive.sum())
    assert abs(share - ref.diagnostic_posterior(p, s, f)) < 6 * se


def _exact_sequence(p, s, f, results):
    p, s, f = Fraction(p), Fraction(s), Fraction(f)
    like_ill = math.prod((s if r else 1 - s) for r in results)
    like_healthy = math.prod((f if r else 1 - f) for r in results)
    return p * like_ill / (p * like_ill + (1 - p) * like_healthy)


@pytest.mark.parametrize("seed", range(20))
def test_sequential_matches_product_of_likelihoods(seed):
    rng = np.random.default_rng(200 + seed)
    p, s, f = 10 ** rng.uniform(-4, -0.1), rng.uniform(0.5, 0.99), rng.uniform(0.01, 0.4)
    results = [bool(r) for r in rng.random(int(rng.integers(0, 10))) < 0.5]
    got = ref.sequential_posterior(p, s, f, results)
    assert isinstance(got, float)
    assert math.isclose(got, float(_exact_sequence(p, s, f, results)), rel_tol=1e-12, abs_tol=1e-300)


def test_sequential_properties():
    p, s, f = 0.1, 0.99, 0.1
    assert ref.sequential_posterior(p, s, f, []) == p
    assert math.isclose(ref.sequential_posterior(p, s, f, [True]), ref.diagnostic_posterior(p, s, f))
    one = ref.diagnostic_posterior(p, s, f)
    assert math.isclose(ref.sequential_posterior(p, s, f, [True, True]),
                        ref.diagnostic_posterior(one, s, f))
    # a negative result is a positive result of the complementary test
    assert math.isclose(ref.sequential_posterior(p, s, f, [True, False]),
                        ref.diagnostic_posterior(one, 1 - s, 1 - f))
    # conditionally independent tests: every order gives the same final posterior
    seq = [True, False, True, True]
    values = {round(ref.sequential_posterior(p, s, f, list(perm)), 14)
              for perm in itertools.permutations(seq)}
    assert len(values) == 1
    # numpy arrays and tuples work like lists
    assert math.isclose(ref.sequential_posterior(p, s, f, np.array(seq)),
                        ref.sequential_posterior(p, s, f, tuple(seq)))


def _brute_rates(y_true, y_pred):
    counts = {"TP": 0, "FN": 0, "FP": 0, "TN": 0}
    for t, q in zip(y_true, y_pred):
        key = ("T" if bool(t) == bool(q) else "F") + ("P" if q else "N")
        counts[key] += 1
    neg = counts["FP"] + counts["TN"]
    pos = counts["FN"] + counts["TP"]
    return (counts["FP"] / neg if neg else math.nan, counts["FN"] / pos if pos else math.nan)


@pytest.mark.parametrize("seed", range(20))
def test_confusion_rates_match_brute_force(seed):
    rng = np.random.default_rng(300 + seed)
    n = int(rng.integers(0, 60))
    y_true = rng.random(n) < rng.uniform(0, 1)
    y_pred = rng.random(n) < rng.uniform(0, 1)
    got = ref.confusion_rates(y_true, y_pred)
    assert set(got) == {"type1", "type2"}
    for value, want in zip((got["type1"], got["type2"]), _brute_rates(y_true, y_pred)):
        assert (math.isnan(value) and math.isnan(want)) or math.isclose(value, want)
    # integer 0/1 input and plain lists give the same answer
    again = ref.confusion_rates(y_true.astype(int).tolist(), y_pred.astype(np.int64))
    np.testing.assert_equal([again["type1"], again["type2"]], [got["type1"], got["type2"]])


def test_confusion_rates_examples_and_nan():
    got = ref.confusion_rates([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 1, 0, 0, 0, 0, 0])
    assert math.isclose(got["type1"], 1 / 6) and math.isclose(got["type2"], 1 / 4)
    got = ref.confusion_rates(np.ones(4, bool), np.array([True, False, True, True]))
    assert math.isnan(got["type1"]) and got["type2"] == 0.25
    got = ref.confusion_rates(np.zeros(3, bool), np.array([True, False, False]))
    assert math.isclose(got["type1"], 1 / 3) and math.isnan(got["type2"])
    got = ref.confusion_rates([], [])
    assert math.isnan(got["type1"]) and math.isnan(got["type2"])
    with pytest.raises(ValueError):
        ref.confusion_rates([True, False], [True])
