"""The 05_monte_carlo reference against exact values and brute force.

Random results are judged against closed forms (erf, sympy integrals) with
tolerances of several standard errors, and against brute-force loops that
replay the same seeded draws.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
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
        got_sd, bound = hidden._integrand_stats(f.func, low, high)
        assert got_sd == pytest.approx(sd, rel=1e-10)
        grid = np.linspace(low, high, 1001)
        assert bound >= np.max(np.abs((high - low) * f.func(grid) - integral))
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
