"""The reference of 06_mle_kl against independent oracles and mathematical properties."""

from __future__ import annotations

import math
import statistics
from collections import Counter

import numpy as np
import pytest
import sympy

from dlmath.reference import mle_kl as ref

RNG = np.random.default_rng(2024)


def _prob(rng, k, zeros=0):
    p = rng.dirichlet(np.ones(k))
    if zeros:
        p[rng.choice(k, size=zeros, replace=False)] = 0.0
    return p / p.sum()


# ----------------------------------------------------------------------------
# gaussian_mle
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 10, 257])
def test_gaussian_mle_matches_statistics_module(n):
    x = RNG.normal(3.0, 2.0, size=n)
    mu, var = ref.gaussian_mle(x)
    assert isinstance(mu, float) and isinstance(var, float)
    assert mu == pytest.approx(statistics.fmean(x), rel=1e-12, abs=1e-12)
    assert var == pytest.approx(statistics.pvariance(x), rel=1e-10, abs=1e-14)
    if n > 1:  # the biased MLE is (n-1)/n times the unbiased sample variance
        assert var == pytest.approx(statistics.variance(x) * (n - 1) / n, rel=1e-10)


def test_gaussian_mle_solves_the_likelihood_equations_symbolically():
    data = [1, 2, 4, 9]
    mu, v = sympy.symbols("mu v", positive=True)
    ell = sum(-sympy.log(2 * sympy.pi * v) / 2 - (x - mu) ** 2 / (2 * v) for x in data)
    sol = sympy.solve([sympy.diff(ell, mu), sympy.diff(ell, v)], [mu, v], dict=True)
    assert len(sol) == 1
    got = ref.gaussian_mle(np.array(data, dtype=float))
    assert got[0] == pytest.approx(float(sol[0][mu]))
    assert got[1] == pytest.approx(float(sol[0][v]))


def test_gaussian_mle_is_a_maximum_of_the_log_likelihood():
    x = RNG.normal(-1.0, 0.5, size=60)
    mu, var = ref.gaussian_mle(x)
    best = ref.gaussian_log_likelihood(x, mu, var)
    for dm, dv in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3), (0.1, 0.05)]:
        assert ref.gaussian_log_likelihood(x, mu + dm, var + dv) < best
    h = 1e-5  # central differences: the gradient vanishes at the MLE
    d_mu = (ref.gaussian_log_likelihood(x, mu + h, var) - ref.gaussian_log_likelihood(x, mu - h, var)) / (2 * h)
    d_var = (ref.gaussian_log_likelihood(x, mu, var + h) - ref.gaussian_log_likelihood(x, mu, var - h)) / (2 * h)
    assert abs(d_mu) < 1e-4 and abs(d_var) < 1e-4


def test_gaussian_mle_is_accurate_for_a_large_mean():
    x = 1e8 + np.array([-1.0, 0.0, 1.0])
    assert ref.gaussian_mle(x) == pytest.approx((1e8, 2 / 3), rel=1e-12)


@pytest.mark.parametrize("offset,spread", [(1e8, 1.0), (-5e7, 0.01), (1e9, 0.3), (3e6, 1e-4)])
def test_gaussian_mle_keeps_the_noise_digits_under_a_large_offset(offset, spread):
    rng = np.random.default_rng(int(abs(offset)) % 1000)
    x = offset + spread * rng.standard_normal(500)
    mu, var = ref.gaussian_mle(x)
    # statistics.pvariance works with exact fractions of the float data
    assert var == pytest.approx(statistics.pvariance(x.tolist()), rel=1e-9)
    assert mu == pytest.approx(statistics.fmean(x), rel=1e-15)
    one_pass = float(np.mean(x * x) - np.mean(x) ** 2)  # the formula the contract rules out
    assert abs(one_pass - var) > 0.1 * var


# ----------------------------------------------------------------------------
# categorical_mle
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_categorical_mle_matches_counter(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 10))
    labels = rng.integers(0, k - 1, size=int(rng.integers(1, 50)))  # class k-1 never seen
    counts = Counter(int(y) for y in labels)
    expected = np.array([counts[c] / len(labels) for c in range(k + 3)])
    got = ref.categorical_mle(labels, k + 3)
    assert got.shape == (k + 3,) and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)
    assert got.sum() == pytest.approx(1.0)


def test_categorical_mle_maximises_the_likelihood():
    labels = RNG.integers(0, 4, size=100)
    p_hat = ref.categorical_mle(labels, 4)
    best = np.sum(np.log(p_hat[labels]))
    for _ in range(50):
        other = RNG.dirichlet(np.ones(4))
        assert np.sum(np.log(other[labels])) <= best


def test_categorical_mle_accepts_lists_and_keeps_input():
    labels = np.array([2, 0, 2])
    kept = labels.copy()
    np.testing.assert_array_equal(ref.categorical_mle([2, 0, 2], 4), [1 / 3, 0, 2 / 3, 0])
    ref.categorical_mle(labels, 3)
    np.testing.assert_array_equal(labels, kept)


# ----------------------------------------------------------------------------
# gaussian_log_likelihood
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("mu,var", [(0.0, 1.0), (2.5, 0.04), (-7.0, 30.0)])
def test_log_likelihood_matches_normaldist(mu, var):
    x = RNG.normal(mu, math.sqrt(var) * 1.3, size=25)
    dist = statistics.NormalDist(mu, math.sqrt(var))
    expected = math.fsum(math.log(dist.pdf(float(v))) for v in x)
    assert ref.gaussian_log_likelihood(x, mu, var) == pytest.approx(expected, rel=1e-11)


def test_log_likelihood_stays_finite_where_the_product_underflows():
    x = RNG.normal(size=5000)
    with np.errstate(all="ignore"):
        product = np.prod(np.exp(-x ** 2 / 2) / np.sqrt(2 * np.pi))
    assert product == 0.0
    got = ref.gaussian_log_likelihood(x, 0.0, 1.0)
    assert np.isfinite(got)
    assert got == pytest.approx(-2500 * math.log(2 * math.pi) - math.fsum(x ** 2) / 2, rel=1e-12)


@pytest.mark.parametrize("distance", [40.0, 45.0, 100.0, 1000.0])
def test_log_likelihood_of_far_outliers_matches_mpmath(distance):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    mu, var = 1.5, 0.25
    x = np.array([mu, mu + distance * 0.5, mu - 3 * 0.5])
    exact = sum(mpmath.log(mpmath.npdf(mpmath.mpf(float(v)), mu, mpmath.sqrt(var))) for v in x)
    with np.errstate(all="ignore"):  # the density of the far point underflows to 0
        assert np.log(np.exp(-(distance ** 2) / 2)) == -np.inf
    got = ref.gaussian_log_likelihood(x, mu, var)
    assert np.isfinite(got)
    assert got == pytest.approx(float(exact), rel=1e-13)


# ----------------------------------------------------------------------------
# laplace_mle
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 10, 101, 250])
def test_laplace_mle_matches_scipy_fit(n):
    stats = pytest.importorskip("scipy.stats")
    x = RNG.laplace(2.0, 3.0, size=n)
    m, b = ref.laplace_mle(x)
    assert isinstance(m, float) and isinstance(b, float)
    assert m == pytest.approx(statistics.median(x.tolist()), rel=1e-15)
    if n > 1:
        loc, scale = stats.laplace.fit(x)  # scipy's analytical maximum-likelihood fit
        assert (m, b) == pytest.approx((loc, scale), rel=1e-12)


def test_laplace_mle_maximises_the_likelihood():
    x = RNG.laplace(-1.0, 0.5, size=41)
    m, b = ref.laplace_mle(x)

    def loglik(loc, scale):
        return -x.size * math.log(2 * scale) - float(np.sum(np.abs(x - loc))) / scale

    best = loglik(m, b)
    for dm, db in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3), (0.05, 0.05)]:
        assert loglik(m + dm, b + db) < best
    # for an even n every location between the two middle values is a maximiser, same b
    y = np.sort(RNG.laplace(size=20))
    m, b = ref.laplace_mle(y)
    assert m == pytest.approx((y[9] + y[10]) / 2)
    for loc in np.linspace(y[9], y[10], 5):
        assert float(np.mean(np.abs(y - loc))) == pytest.approx(b, rel=1e-12)


def test_laplace_mle_examples_and_keeps_input():
    x = np.array([5.0, 1.0, 4.0, 2.0, 3.0])
    kept = x.copy()
    assert ref.laplace_mle(x) == pytest.approx((3.0, 1.2))
    np.testing.assert_array_equal(x, kept)
    assert ref.laplace_mle([1, 2, 3, 4, 1000]) == pytest.approx((3.0, 200.2))
    assert ref.laplace_mle([0.0, 1.0, 10.0, 11.0]) == pytest.approx((5.5, 5.0))
    assert ref.laplace_mle([7.0]) == (7.0, 0.0)


# ----------------------------------------------------------------------------
# sample_means
# ----------------------------------------------------------------------------

def test_sample_means_is_the_contract_loop():
    def sampler(rng, n):
        return rng.gamma(2.0, 1.5, size=n)

    got = ref.sample_means(sampler, 7, 300, rng=np.random.default_rng(5))
    rng = np.random.default_rng(5)
    loop = [math.fsum(sampler(rng, 7)) / 7 for _ in range(300)]
    assert got.shape == (300,) and got.dtype == np.float64
    np.testing.assert_allclose(got, loop, rtol=1e-14)
    np.testing.assert_array_equal(got, ref.sample_means(sampler, 7, 300, rng=np.random.default_rng(5)))


def test_sample_means_calls_the_sampler_once_per_sample():
    population = np.arange(60.0)
    calls = []

    def survey(rng, n):
        calls.append(n)
        return rng.choice(population, size=n, replace=False)

    got = ref.sample_means(survey, 50, 40, rng=np.random.default_rng(1))
    assert calls == [50] * 40 and got.shape == (40,)
    # a mean of 50 of the 60 values lies between the means of the 50 smallest and 50 largest
    assert np.all((got >= np.sort(population)[:50].mean()) & (got <= np.sort(population)[-50:].mean()))


def test_sample_means_without_rng_leaves_global_state_alone():
    np.random.seed(123)
    before = np.random.get_state()
    first = ref.sample_means(lambda rng, n: rng.normal(size=n), 4, 10)
    second = ref.sample_means(lambda rng, n: rng.normal(size=n), 4, 10)
    after = np.random.get_state()
    assert np.array_equal(before[1], after[1]) and before[2:] == after[2:]
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("n", [1, 5, 40])
def test_sample_means_follow_the_central_limit_theorem(n):
    stats = pytest.importorskip("scipy.stats")
    repeats = 4000
    means = ref.sample_means(lambda rng, k: rng.exponential(2.0, size=k), n, repeats,
                             rng=np.random.default_rng(n))
    se = 2.0 / math.sqrt(n * repeats)
    assert abs(means.mean() - 2.0) < 5 * se
    # the mean of n exponentials is exactly Gamma(n, scale 2 / n): compare whole distributions
    assert stats.kstest(means, stats.gamma(n, scale=2.0 / n).cdf).pvalue > 1e-4
    assert np.var(means, ddof=1) == pytest.approx(4.0 / n, rel=0.1)


# ----------------------------------------------------------------------------
# entropy, cross_entropy, kl_divergence
# ----------------------------------------------------------------------------

def _loop_entropy(p):
    return -math.fsum(v * math.log(v) for v in p if v > 0)


def _loop_cross_entropy(p, q):
    if any(a > 0 and b == 0 for a, b in zip(p, q)):
        return math.inf
    return -math.fsum(a * math.log(b) for a, b in zip(p, q) if a > 0)


@pytest.mark.parametrize("k,zeros", [(2, 0), (5, 2), (30, 10), (7, 6)])
def test_entropy_and_cross_entropy_match_loops(k, zeros):
    p, q = _prob(RNG, k, zeros), _prob(RNG, k)
    assert ref.entropy(p) == pytest.approx(_loop_entropy(p), rel=1e-12, abs=1e-15)
    assert ref.cross_entropy(p, q) == pytest.approx(_loop_cross_entropy(p, q), rel=1e-12)
    assert 0.0 <= ref.entropy(p) <= math.log(k) + 1e-12
    assert ref.cross_entropy(p, q) >= ref.entropy(p)


def test_entropy_special_values():
    assert ref.entropy([1.0, 0.0, 0.0]) == 0.0
    assert math.copysign(1.0, ref.entropy([0.0, 1.0])) == 1.0  # not -0.0
    assert ref.entropy(np.full(8, 1 / 8)) == pytest.approx(math.log(8))
    assert ref.entropy([0.5, 0.5]) / math.log(2) == pytest.approx(1.0)  # one bit


def test_cross_entropy_conventions():
    assert ref.cross_entropy([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]) == pytest.approx(math.log(2))
    assert ref.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert ref.cross_entropy(np.eye(3)[1], [0.2, 0.7, 0.1]) == pytest.approx(-math.log(0.7))


@pytest.mark.parametrize("seed", range(6))
def test_kl_identity_and_properties(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 20))
    p, q = _prob(rng, k, zeros=int(rng.integers(0, k))), _prob(rng, k)
    kl = ref.kl_divergence(p, q)
    loop = math.fsum(a * math.log(a / b) for a, b in zip(p, q) if a > 0)
    assert kl == pytest.approx(loop, rel=1e-10, abs=1e-14)
    assert kl >= 0
    assert ref.cross_entropy(p, q) == pytest.approx(ref.entropy(p) + kl, rel=1e-12, abs=1e-14)
    assert ref.kl_divergence(p, p) == 0.0


def test_kl_bernoulli_closed_form_and_asymmetry():
    def bern(a, b):
        return a * math.log(a / b) + (1 - a) * math.log((1 - a) / (1 - b))
    assert ref.kl_divergence([0.9, 0.1], [0.5, 0.5]) == pytest.approx(bern(0.9, 0.5))
    assert ref.kl_divergence([0.5, 0.5], [0.9, 0.1]) == pytest.approx(bern(0.5, 0.9))
    assert bern(0.9, 0.5) != pytest.approx(bern(0.5, 0.9))


@pytest.mark.parametrize("s", [0.5, 1.0, 2.0])
def test_kl_of_discretised_normals_matches_the_closed_form(s):
    grid = np.linspace(-12, 12, 8001)

    def normal(m, sd):
        w = np.exp(-(grid - m) ** 2 / (2 * sd ** 2))
        return w / w.sum()

    closed = math.log(s / 1.0) + (1.0 + 0.7 ** 2) / (2 * s ** 2) - 0.5
    assert ref.kl_divergence(normal(0.0, 1.0), normal(0.7, s)) == pytest.approx(closed, rel=1e-6)


def test_kl_conventions():
    assert ref.kl_divergence([0.5, 0.5, 0.0], [0.25, 0.25, 0.5]) == pytest.approx(math.log(2))
    assert ref.kl_divergence([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]) == 0.0
    assert ref.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf


@pytest.mark.parametrize("p,q", [
    ([0.2, 0.8], [0.1, 0.2, 0.7]),
    ([1.0], [0.2, 0.3, 0.5]),
    (np.ones((3, 1)) / 3, np.ones(3) / 3),
    ([1.2, -0.2], [0.5, 0.5]),
    ([0.5, 0.5], [1.5, -0.5]),
    ([0.5, 0.5 + 1e-5], [0.5, 0.5]),
    ([0.5, 0.5], [0.5, 0.5 - 1e-5]),
])
def test_kl_errors(p, q):
    with pytest.raises(ValueError):
        ref.kl_divergence(p, q)


def test_kl_accepts_rounding_and_keeps_inputs():
    p, q = np.array([0.6, 0.4 + 1e-9]), np.array([0.5, 0.5 - 1e-9])
    kept = p.copy(), q.copy()
    assert np.isfinite(ref.kl_divergence(p, q))
    np.testing.assert_array_equal(p, kept[0])
    np.testing.assert_array_equal(q, kept[1])
