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


def _exact_sequence_as_computed(p, s, f, results):
    """Exact Bayes with the likelihoods a float program uses: 1 - s and 1 - f rounded to float64."""
    p, s1, f1 = Fraction(p), Fraction(s), Fraction(f)
    s0, f0 = Fraction(1.0 - s), Fraction(1.0 - f)
    k = sum(bool(r) for r in results)
    m = len(results) - k
    ill = p * s1 ** k * s0 ** m
    healthy = (1 - p) * f1 ** k * f0 ** m
    return ill / (ill + healthy)


def test_sequential_the_chained_probabilities_would_stick_at_one():
    results = [True] * 30 + [False] * 30
    got = ref.sequential_posterior(0.1, 0.99, 0.01, results)
    assert math.isclose(got, 0.1, rel_tol=1e-13)
    assert math.isclose(got, float(_exact_sequence_as_computed(0.1, 0.99, 0.01, results)), rel_tol=1e-13)
    p = 0.1  # the naive chain, for the record: exactly 1.0 after 9 positives, and it stays there
    for r in results:
        a, b = (0.99, 0.01) if r else (1 - 0.99, 1 - 0.01)
        p = a * p / (a * p + b * (1 - p))
    assert p == 1.0


@pytest.mark.parametrize("k", [10, 50, 400, 2000])
def test_sequential_there_and_back_returns_to_the_prior(k):
    s = 0.9  # with f = 1 - s a negative result exactly undoes a positive one
    for results in ([True] * k + [False] * k, [False] * k + [True] * k, [True, False] * k):
        got = ref.sequential_posterior(0.3, s, 1 - s, results)
        assert math.isclose(got, float(_exact_sequence_as_computed(0.3, s, 1 - s, results)),
                            rel_tol=1e-12)
        assert math.isclose(got, 0.3, rel_tol=1e-10)


@pytest.mark.parametrize("seed", range(8))
def test_sequential_thousands_of_mixed_results_match_exact_fractions(seed):
    rng = np.random.default_rng(400 + seed)
    p, s, f = 10 ** rng.uniform(-3, -0.3), rng.uniform(0.6, 0.99), rng.uniform(0.01, 0.4)
    n = int(rng.integers(1000, 4000))
    up, down = math.log(s / f), math.log((1 - s) / (1 - f))
    k = round((rng.uniform(-30, 30) - math.log(p / (1 - p)) - n * down) / (up - down))
    results = [True] * min(max(k, 0), n) + [False] * (n - min(max(k, 0), n))
    rng.shuffle(results)
    exact = _exact_sequence_as_computed(p, s, f, results)
    got = ref.sequential_posterior(p, s, f, results)
    assert 0.0 < got < 1.0
    assert math.isclose(got, float(exact), rel_tol=1e-11)
    # and against mpmath at 50 digits through the log-odds
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    z = (mpmath.log(p) - mpmath.log(1 - mpmath.mpf(p)) + k * (mpmath.log(s) - mpmath.log(f))
         + (n - k) * (mpmath.log(mpmath.mpf(1.0 - s)) - mpmath.log(mpmath.mpf(1.0 - f))))
    assert math.isclose(got, float(1 / (1 + mpmath.exp(-z))), rel_tol=1e-11)


def test_sequential_extreme_and_impossible():
    assert ref.sequential_posterior(0.0, 0.9, 0.1, [True] * 5) == 0.0
    assert ref.sequential_posterior(1.0, 0.9, 0.1, [False] * 5) == 1.0
    assert ref.sequential_posterior(0.2, 0.9, 0.0, [True, False]) == 1.0  # no false positives: proof
    with pytest.raises(ValueError):
        ref.sequential_posterior(1.0, 1.0, 0.1, [False])  # the ill always test positive
    with pytest.raises(ValueError):
        ref.sequential_posterior(0.5, 1.0, 0.0, [True, False])


# ----------------------------------------------------------------------------
# Beta distribution: update, mean and variance, MAP
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(10))
def test_beta_binomial_update_is_the_normalised_product(seed):
    stats = pytest.importorskip("scipy.stats")
    integrate = pytest.importorskip("scipy.integrate")
    rng = np.random.default_rng(500 + seed)
    a, b = rng.uniform(0.5, 5, size=2)
    h, t = (int(v) for v in rng.integers(0, 30, size=2))
    a2, b2 = ref.beta_binomial_update(a, b, h, t)
    assert (a2, b2) == pytest.approx((a + h, b + t), rel=1e-15)

    def unnormalised(x):
        return stats.beta(a, b).pdf(x) * x ** h * (1 - x) ** t

    evidence = integrate.quad(unnormalised, 0, 1, limit=200)[0]
    for x in (0.1, 0.37, 0.5, 0.8):
        assert unnormalised(x) / evidence == pytest.approx(stats.beta(a2, b2).pdf(x), rel=1e-6)
    # two batches give the same posterior as one
    first = ref.beta_binomial_update(a, b, h // 2, t // 3)
    assert ref.beta_binomial_update(*first, h - h // 2, t - t // 3) == pytest.approx((a2, b2))


@pytest.mark.parametrize("args", [(0, 1, 1, 1), (1, 0, 1, 1), (-1, 2, 0, 0), (1, -0.5, 0, 0),
                                  (1, 1, -1, 0), (1, 1, 0, -2)])
def test_beta_binomial_update_errors(args):
    with pytest.raises(ValueError):
        ref.beta_binomial_update(*args)


def test_beta_binomial_update_accepts_edges():
    assert ref.beta_binomial_update(1e-3, 1e-3, 0, 0) == (1e-3, 1e-3)
    assert ref.beta_binomial_update(np.int64(2), 3, np.int64(4), 0.5) == (6.0, 3.5)


@pytest.mark.parametrize("a,b", [(1, 1), (0.5, 0.5), (2, 8), (9, 5), (0.05, 1e4), (1e6, 1e6),
                                 (3.7, 0.2), (100, 1)])
def test_beta_mean_var_matches_scipy(a, b):
    stats = pytest.importorskip("scipy.stats")
    mean, var = ref.beta_mean_var(a, b)
    assert isinstance(mean, float) and isinstance(var, float)
    assert (mean, var) == pytest.approx(stats.beta(a, b).stats(moments="mv"), rel=1e-12)


def test_beta_mean_var_exact_fractions():
    for a, b in [(1, 1), (2, 8), (9, 5), (3, 3)]:
        A, B = Fraction(a), Fraction(b)
        assert ref.beta_mean_var(a, b) == (float(A / (A + B)), float(A * B / ((A + B) ** 2 * (A + B + 1))))


@pytest.mark.parametrize("a,b", [(2, 2), (9, 5), (8, 4), (1.5, 30), (50, 1.01), (1.0001, 3)])
def test_map_estimate_is_the_mode_of_scipy_beta(a, b):
    stats = pytest.importorskip("scipy.stats")
    optimize = pytest.importorskip("scipy.optimize")
    mode = ref.map_estimate(a, b)
    found = optimize.minimize_scalar(lambda x: -stats.beta(a, b).logpdf(x), bounds=(1e-12, 1 - 1e-12),
                                     method="bounded", options={"xatol": 1e-12})
    assert mode == pytest.approx(found.x, abs=1e-6)
    grid = np.linspace(1e-6, 1 - 1e-6, 200001)
    assert abs(grid[np.argmax(stats.beta(a, b).logpdf(grid))] - mode) < 1e-5


def test_map_estimate_with_a_flat_prior_is_the_mle():
    for h, t in [(7, 3), (1, 1), (70, 30), (3, 97)]:
        a, b = ref.beta_binomial_update(1, 1, h, t)
        assert ref.map_estimate(a, b) == pytest.approx(h / (h + t), rel=1e-15)


@pytest.mark.parametrize("a,b", [(1, 3), (3, 1), (1, 1), (0.5, 0.5), (0.99, 5), (-1, 4)])
def test_map_estimate_errors(a, b):
    with pytest.raises(ValueError):
        ref.map_estimate(a, b)


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
