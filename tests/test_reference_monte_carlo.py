"""The 05_monte_carlo reference against exact values, brute force and libraries.

Random results are judged against closed forms (erf, sympy integrals) with
tolerances of several standard errors, and against brute-force loops that
replay the same seeded draws.  The deterministic functions are compared with
independent oracles: ``np.cov``, ``scipy.stats.kurtosis(fisher=True,
bias=True)``, explicit sums, exact fractions and known population values.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import scipy.stats
import sympy

from dlmath.hidden import monte_carlo as hidden
from dlmath.reference import monte_carlo as ref

Z = 7.0  # |z| > 7 has probability 2.6e-12 under the normal approximation


def _exact_moments(expr, low, high):
    """(integral, sd of one draw (high - low) f(U)) by sympy."""
    x = sympy.Symbol("x", real=True)
    f = sympy.sympify(expr, locals={"x": x})
    length = sympy.nsimplify(high) - sympy.nsimplify(low)
    integral = sympy.integrate(f, (x, low, high))
    second = sympy.integrate(f ** 2, (x, low, high)) / length
    var = length ** 2 * second - integral ** 2
    return float(integral), math.sqrt(float(var)), sympy.lambdify(x, f, "numpy")


def test_lecture_example_matches_erf():
    exact = math.sqrt(math.pi) * math.erf(1.0)
    assert exact == pytest.approx(1.493648265624854, abs=1e-12)
    mean, std = ref.monte_carlo_integral(lambda x: np.exp(-x ** 2), -1, 1, 1000, 100,
                                         rng=np.random.default_rng(0))
    sd = hidden.LECTURE_SD
    assert abs(mean - exact) < Z * sd / math.sqrt(100_000)
    assert 0.7 < std / (sd / math.sqrt(1000)) < 1.3


@pytest.mark.parametrize("expr, low, high", [("x**3 - x", -2, 1.5), ("x**2", 2, 5),
                                             ("4 - x", -3, 0.25), ("x**4 + 1", 0.5, 1)])
def test_polynomial_integrals(expr, low, high):
    integral, sd, f = _exact_moments(expr, low, high)
    mean, std = ref.monte_carlo_integral(f, low, high, sample_size=20_000, repeat=50,
                                         rng=np.random.default_rng(1))
    assert abs(mean - integral) < Z * sd / math.sqrt(1_000_000)
    assert 0.6 < std / (sd / math.sqrt(20_000)) < 1.4


def test_constant_is_exact_and_length_multiplies():
    for c, low, high in [(2.5, 2.0, 5.0), (-1.0, -4.0, -0.5), (3.0, 0.0, 0.1)]:
        mean, std = ref.monte_carlo_integral(lambda x: np.full(np.shape(x), c), low, high, 7, 3,
                                             rng=np.random.default_rng(2))
        assert mean == pytest.approx((high - low) * c, rel=1e-12)
        assert std == pytest.approx(0.0, abs=1e-12)


def test_std_is_standard_error_and_shrinks_like_one_over_sqrt_n():
    integral, sd, f = _exact_moments("sin(x)", 0, 2)
    rng = np.random.default_rng(3)
    _, small = ref.monte_carlo_integral(f, 0, 2, sample_size=100, repeat=1000, rng=rng)
    _, large = ref.monte_carlo_integral(f, 0, 2, sample_size=10_000, repeat=1000, rng=rng)
    assert small / (sd / 10) == pytest.approx(1.0, abs=0.1)
    assert large / (sd / 100) == pytest.approx(1.0, abs=0.1)
    assert small / large == pytest.approx(10.0, rel=0.15)


def test_same_seed_same_result_and_no_global_state():
    np.random.seed(5)
    before = np.random.get_state()[1].copy()
    a = ref.monte_carlo_integral(np.cos, 0, 1, rng=np.random.default_rng(9))
    b = ref.monte_carlo_integral(np.cos, 0, 1, rng=np.random.default_rng(9))
    c = ref.monte_carlo_integral(np.cos, 0, 1, rng=np.random.default_rng(10))
    p = ref.estimate_pi(1000, rng=np.random.default_rng(9))
    q = ref.estimate_pi(1000, rng=np.random.default_rng(9))
    sampler = lambda rng, n: rng.normal(size=n)
    e = ref.mc_expectation(np.cos, sampler, 100, rng=np.random.default_rng(9))
    e2 = ref.mc_expectation(np.cos, sampler, 100, rng=np.random.default_rng(9))
    assert a == b and a != c and p == q and e == e2
    assert np.array_equal(np.random.get_state()[1], before)


def test_rng_none_is_fresh():
    first = ref.monte_carlo_integral(np.cos, 0, 1, 1000, 5)
    second = ref.monte_carlo_integral(np.cos, 0, 1, 1000, 5)
    assert first != second
    assert abs(first[0] - math.sin(1)) < 0.05
    assert abs(ref.estimate_pi(100_000) - math.pi) < 0.05
    assert abs(ref.mc_expectation(lambda x: x, lambda r, n: r.random(n), 100_000) - 0.5) < 0.01


def test_estimate_pi_against_brute_force_count():
    for n in (1, 7, 1000):
        rng = np.random.default_rng(n)
        points = np.random.default_rng(n).random((n, 2))
        count = sum(1 for x, y in points if x * x + y * y <= 1.0)
        assert ref.estimate_pi(n, rng=rng) == 4 * count / n


def test_estimate_pi_close_and_on_the_lattice():
    value = ref.estimate_pi(1_000_000, rng=np.random.default_rng(4))
    assert abs(value - math.pi) < Z * hidden.PI_SD / 1000
    for n in (1, 2, 3, 10):
        v = ref.estimate_pi(n, rng=np.random.default_rng(n + 20))
        assert float(v * n / 4).is_integer() and 0 <= v <= 4


def test_mc_expectation_replays_the_sampler():
    sampler = lambda rng, n: rng.exponential(2.0, size=n)
    g = lambda x: np.exp(-x)
    expected = np.mean(g(sampler(np.random.default_rng(6), 500)))
    assert ref.mc_expectation(g, sampler, 500, rng=np.random.default_rng(6)) == pytest.approx(
        expected, rel=1e-14)


def test_mc_expectation_known_values():
    for g, sampler, truth, sd, _ in hidden._expectation_cases():
        value = ref.mc_expectation(g, sampler, 200_000, rng=np.random.default_rng(7))
        assert abs(value - truth) < Z * sd / math.sqrt(200_000)


def test_expectation_cases_have_correct_moments():
    """The hidden checks' exact means and sds, against 500 000 draws each."""
    for g, sampler, truth, sd, bound in hidden._expectation_cases():
        values = np.asarray(g(sampler(np.random.default_rng(8), 500_000)), dtype=float)
        assert abs(values.mean() - truth) < Z * sd / math.sqrt(values.size)
        assert values.std() == pytest.approx(sd, rel=0.02)
        if bound is not None:
            assert np.max(np.abs(values - truth)) <= bound


def test_hidden_integrand_stats_match_sympy():
    for f, low, high, exact in hidden.INTEGRANDS:
        text = {"np.cos": "cos(x)", "np.sqrt": "sqrt(x)", "np.exp": "exp(x)"}.get(
            f.text, f.text.replace("lambda x: ", "").replace("np.", ""))
        integral, sd, _ = _exact_moments(text, low, high)
        assert exact == pytest.approx(integral, rel=1e-12)
        got_sd, bound = hidden._integrand_stats(f, low, high)
        assert got_sd == pytest.approx(sd, rel=1e-10)
        grid = np.linspace(low, high, 1001)
        assert bound >= np.max(np.abs((high - low) * f(grid) - integral))
    assert hidden.LECTURE_SD == pytest.approx(hidden._integrand_stats(
        lambda x: np.exp(-x ** 2), -1.0, 1.0)[0], rel=1e-12)


def test_bernstein_z_is_conservative():
    z_normal = hidden.G.z_for(1e-9)
    for n, spread in [(100, 1.0), (1000, 3.0), (10 ** 6, 2.0)]:
        z = hidden._bernstein_z(n, spread)
        assert z > z_normal
        c = spread / (3 * math.sqrt(n))
        assert 2 * math.exp(-z * z / (2 * (1 + c * z))) <= 1e-9 * (1 + 1e-6)
    assert hidden._bernstein_z(10 ** 12, 1.0) == pytest.approx(
        math.sqrt(2 * math.log(2e9)), rel=1e-4)


def test_chi2_band_contains_simulated_chi_square():
    rng = np.random.default_rng(9)
    for k in (1, 99, 399):
        lo, hi = hidden._chi2_band(k, 1e-9)
        draws = rng.chisquare(k, size=200_000)
        assert lo < k < hi
        assert np.all((draws >= lo) & (draws <= hi))
        # The band is wide, but not absurd: it sits beyond the 1e-5 tails.
        assert lo <= np.quantile(draws, 1e-5) and hi >= np.quantile(draws, 1 - 1e-5)


def test_rng_none_leaves_global_state_alone():
    np.random.seed(11)
    before = np.random.get_state()[1].copy()
    ref.monte_carlo_integral(np.cos, 0, 1, 100, 3)
    ref.estimate_pi(1000)
    ref.mc_expectation(np.cos, lambda rng, n: rng.normal(size=n), 100)
    assert np.array_equal(np.random.get_state()[1], before)


def test_hidden_callables_are_public_and_match_their_text():
    """Every callable the checks hand to a learner is plain source text plus data."""
    for f, low, high, _ in hidden.INTEGRANDS:
        assert isinstance(f, hidden.G.Public)
        again = hidden.G.public(f.source, **f.data)
        grid = np.linspace(low, high, 7)
        assert np.array_equal(again(grid), f(grid))
    for g, sampler, *_ in hidden._expectation_cases():
        assert isinstance(g, hidden.G.Public) and isinstance(sampler, hidden.G.Public)
        assert repr(sampler).startswith("lambda rng, n:")


# ----------------------------------------------------------------------------
# sample_covariance
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
def test_sample_covariance_matches_np_cov(seed):
    (X,) = hidden._data_matrix(np.random.default_rng([900, seed]))
    expected = np.atleast_2d(np.cov(X, rowvar=False, ddof=1))
    got = ref.sample_covariance(X)
    assert got.shape == (X.shape[1], X.shape[1]) and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12 * np.abs(expected).max())


def test_sample_covariance_explicit_sums_with_fractions():
    rows = [[1, 2, -3], [4, 0, 5], [2, 2, 2], [7, -1, 0]]
    n, d = len(rows), len(rows[0])
    means = [Fraction(sum(r[j] for r in rows), n) for j in range(d)]
    exact = [[sum((r[j] - means[j]) * (r[k] - means[k]) for r in rows) / (n - 1)
              for k in range(d)] for j in range(d)]
    np.testing.assert_allclose(ref.sample_covariance(np.array(rows)),
                               np.array(exact, dtype=float), rtol=1e-14)
    np.testing.assert_allclose(ref.sample_covariance([[1.0, 2.0], [2.0, 3.0], [3.0, 7.0]]),
                               [[1.0, 2.5], [2.5, 7.0]], rtol=1e-14)


def test_sample_covariance_properties():
    rng = np.random.default_rng(901)
    X = rng.normal(size=(40, 4)) @ rng.normal(size=(4, 4))
    C = ref.sample_covariance(X)
    np.testing.assert_allclose(C, C.T, rtol=0, atol=1e-12)
    assert np.linalg.eigvalsh(C).min() > -1e-10                    # positive semi-definite
    np.testing.assert_allclose(ref.sample_covariance(X + 123.0), C, rtol=1e-9, atol=1e-9)
    A = rng.normal(size=(4, 2))
    np.testing.assert_allclose(ref.sample_covariance(X @ A), A.T @ C @ A, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(np.diag(C), X.var(axis=0, ddof=1), rtol=1e-12)
    assert ref.sample_covariance([[0.5], [1.5], [-2.0]]).shape == (1, 1)


def test_sample_covariance_is_unbiased():
    """E[C] = Sigma: the average of many small-sample covariances (n = 3) is the truth."""
    sigma = np.array([[2.0, -0.6], [-0.6, 0.5]])
    rng = np.random.default_rng(902)
    draws = rng.multivariate_normal([1.0, -2.0], sigma, size=(100_000, 3))
    mean_c = np.mean([ref.sample_covariance(x) for x in draws[:20_000]], axis=0)
    # sd of one entry of C with n = 3 is at most about 2.1; 20 000 of them average to +- 0.015.
    np.testing.assert_allclose(mean_c, sigma, atol=0.1)
    centred = draws - draws.mean(axis=1, keepdims=True)
    biased = np.einsum("sij,sik->jk", centred, centred) / (3 * len(draws))
    np.testing.assert_allclose(biased, sigma * 2 / 3, atol=0.05)  # dividing by n is biased


def test_sample_covariance_rejects_fewer_than_two_rows():
    for X in (np.ones((1, 3)), np.zeros((0, 2)), [[1.0, 2.0]], np.ones(5)):
        with pytest.raises(ValueError):
            ref.sample_covariance(X)


# ----------------------------------------------------------------------------
# marginal and conditional
# ----------------------------------------------------------------------------

def test_marginal_worked_example_and_loops():
    joint = np.array([[0.10, 0.20, 0.10], [0.25, 0.05, 0.30]])
    np.testing.assert_allclose(ref.marginal(joint, 0), [0.4, 0.6], rtol=1e-14)
    np.testing.assert_allclose(ref.marginal(joint, 1), [0.35, 0.25, 0.40], rtol=1e-14)
    for seed in range(10):
        p = hidden._joint(np.random.default_rng([910, seed]))
        k, m = p.shape
        rows = [sum(p[i, j] for j in range(m)) for i in range(k)]
        cols = [sum(p[i, j] for i in range(k)) for j in range(m)]
        np.testing.assert_allclose(ref.marginal(p, 0), rows, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(ref.marginal(p, 1), cols, rtol=1e-12, atol=1e-15)
        assert ref.marginal(p, 0).sum() == pytest.approx(1.0, abs=1e-12)


def test_marginal_of_sampled_pairs_matches_frequencies():
    """Counting (X, Y) pairs of two dice: the marginals are the frequencies of each die."""
    rng = np.random.default_rng(911)
    a = rng.integers(0, 6, size=60_000)
    b = (a + rng.integers(0, 3, size=a.size)) % 6
    joint = np.zeros((6, 6))
    np.add.at(joint, (a, b), 1.0)
    joint /= joint.sum()
    np.testing.assert_allclose(ref.marginal(joint, 0), np.bincount(a, minlength=6) / a.size,
                               rtol=1e-12)
    np.testing.assert_allclose(ref.marginal(joint, 1), np.bincount(b, minlength=6) / b.size,
                               rtol=1e-12)
    np.testing.assert_allclose(ref.conditional(joint, 2),
                               np.bincount(b[a == 2], minlength=6) / np.count_nonzero(a == 2),
                               rtol=1e-12)


@pytest.mark.parametrize("joint, axis", [
    (np.array([[0.1, 0.2], [0.3, 0.4]]), 2), (np.array([[0.1, 0.2], [0.3, 0.4]]), -1),
    (np.array([[0.6, -0.1], [0.3, 0.2]]), 0), (np.array([[0.1, 0.2], [0.3, 0.4]]) * 1.1, 1),
    (np.array([[0.1, 0.2], [0.3, 0.4]]) * (1 + 2e-6), 0), (np.zeros((2, 2)), 1),
    (np.full((2, 2), np.nan), 0)])
def test_marginal_rejects(joint, axis):
    with pytest.raises(ValueError):
        ref.marginal(joint, axis)


def test_marginal_accepts_rounding_within_tolerance():
    almost = np.array([[0.2, 0.3], [0.1, 0.4 - 4e-7]])
    np.testing.assert_allclose(ref.marginal(almost, 0), [0.5, 0.5 - 4e-7], rtol=1e-14)
    p = np.full(10, 0.1).reshape(2, 5)                # sums to 0.9999999999999999
    np.testing.assert_allclose(ref.marginal(p, 1), np.full(5, 0.2))


def test_conditional_is_bayes_rule_and_independence_gives_the_marginal():
    rng = np.random.default_rng(912)
    for seed in range(10):
        p = hidden._joint(np.random.default_rng([913, seed]))
        p_x = p.sum(axis=1)
        for x in np.flatnonzero(p_x > 0):
            got = ref.conditional(p, x)
            np.testing.assert_allclose(got * p_x[x], p[x], rtol=1e-12, atol=1e-300)
            assert got.sum() == pytest.approx(1.0, abs=1e-12)
    px, py = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(5))
    independent = np.outer(px, py)
    for x in range(4):
        np.testing.assert_allclose(ref.conditional(independent, x), py, rtol=1e-12)
    tiny = np.array([[1e-200, 3e-200, 0.0], [0.5, 0.25, 0.25]])
    np.testing.assert_allclose(ref.conditional(tiny, 0), [0.25, 0.75, 0.0], rtol=1e-14)
    with pytest.raises(ValueError):
        ref.conditional(np.array([[0.0, 0.0], [0.5, 0.5]]), 0)


# ----------------------------------------------------------------------------
# excess_kurtosis
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(20))
def test_excess_kurtosis_matches_scipy(seed):
    (x,) = hidden._kurtosis_sample(np.random.default_rng([920, seed]))
    expected = scipy.stats.kurtosis(x, fisher=True, bias=True)
    assert ref.excess_kurtosis(x) == pytest.approx(expected, rel=1e-9, abs=1e-10)


def test_excess_kurtosis_explicit_sums_with_fractions():
    for data in ([0, 0, 0, 1], [1, 2, 3, 4, 5], [3, 3, 3, 10], [-1, 1], [2, -7, 4, 4, 0, 9]):
        n = len(data)
        mean = Fraction(sum(data), n)
        m2 = sum((Fraction(v) - mean) ** 2 for v in data) / n
        m4 = sum((Fraction(v) - mean) ** 4 for v in data) / n
        assert ref.excess_kurtosis(np.array(data)) == pytest.approx(float(m4 / m2 ** 2 - 3),
                                                                    rel=1e-13, abs=1e-13)
    assert ref.excess_kurtosis([-1.0, 1.0]) == pytest.approx(-2.0, abs=1e-15)


def test_excess_kurtosis_of_known_distributions():
    """Population values 0, 3, -1.2, 6, 6 (t with 5 dof), within 7 standard errors of 10^6 draws."""
    rng = np.random.default_rng(921)
    n = 1_000_000
    cases = [(rng.normal(size=n), 0.0, math.sqrt(24 / n)),
             (rng.laplace(size=n), 3.0, 0.05), (rng.uniform(size=n), -1.2, 0.002),
             (rng.exponential(size=n), 6.0, 0.2)]
    for x, exact, se in cases:
        assert abs(ref.excess_kurtosis(x) - exact) < 7 * se
    # Exact population value on a discrete distribution: each die face once.
    faces = np.arange(1, 7)
    m2 = np.mean((faces - 3.5) ** 2)
    m4 = np.mean((faces - 3.5) ** 4)
    assert ref.excess_kurtosis(faces) == pytest.approx(m4 / m2 ** 2 - 3, rel=1e-14)
    assert ref.excess_kurtosis(np.repeat(faces, 1000)) == pytest.approx(-1.2685714285714285,
                                                                         rel=1e-12)


def test_excess_kurtosis_invariances_and_constants():
    x = np.random.default_rng(922).laplace(size=500)
    k = ref.excess_kurtosis(x)
    for scale, shift in itertools.product((1e-8, 0.3, 1e6), (0.0, -40.0)):
        assert ref.excess_kurtosis(scale * x + shift * scale) == pytest.approx(k, rel=1e-9)
    for constant in (np.full(7, 3.0), np.full(100, 0.7), np.full(10, 0.1), np.full(1000, -1e-3),
                     np.array([5.0]), [2, 2, 2]):
        assert math.isnan(ref.excess_kurtosis(constant))
    # The trap the notebook warns about: the mean of 100 copies of 0.7 is not exactly 0.7.
    assert np.mean((np.full(100, 0.7) - np.full(100, 0.7).mean()) ** 2) > 0
