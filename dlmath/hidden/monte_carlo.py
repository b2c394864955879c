"""Hidden tests for 05_monte_carlo.

The learner's functions run in another process, so every callable handed to
them is a :func:`dlmath.grading.public` (source text plus plain data), and only
returned values are judged (nothing is recorded through side effects).

Random results are compared with the reference's numbers only where the
contract fixes how the draws are taken: ``mc_expectation`` is
``mean(g(sampler(rng, n)))``, so given an identically seeded Generator it must
return the reference's value up to rounding.  Everywhere else a correct answer
may draw its numbers in another order (one ``(repeat, sample_size)`` matrix, a
loop over repeats, ``rng.random`` scaled by hand, ...), so instead:

* an estimate is compared with the **exact** value, with a tolerance of ``z``
  standard errors computed from the known variance; ``z`` comes from
  Bernstein's inequality for bounded draws (or the normal quantile when the
  estimate is exactly normal), so that a correct answer fails one such
  comparison with probability at most ``FALSE_FAIL = 1e-9``;
* a returned standard deviation of ``repeat`` estimates is compared with the
  true standard error through a chi-square band (Laurent & Massart 2000),
  again with false-fail probability at most 1e-9, accepting ``ddof`` 0 and 1;
* some results are exact whatever the draws: constants integrate exactly, an
  indicator of the outside of ``[low, high]`` integrates to exactly 0, and an
  estimate of pi is always ``4k/n``;
* reproducibility: the same seed gives the same result, other seeds differ,
  and NumPy's global random state is untouched, with ``rng`` given or None.

The deterministic functions (covariance, marginal, conditional, kurtosis) are
compared with the reference on many seeded random inputs and edge cases.
Every statistical comparison states its false-fail probability in a comment.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from dlmath import grading as G
from dlmath.reference import monte_carlo as ref

#: Probability that a correct answer fails one statistical comparison.
FALSE_FAIL = 1e-9

#: The "no shortcut" rule of sample_covariance.
NO_COV = ["numpy.cov"]

#: Graded function -> library functions it may not call (stated in the notebook).
NO_SHORTCUT = {"sample_covariance": NO_COV}


# ----------------------------------------------------------------------------
# Small helpers private to this assignment
# ----------------------------------------------------------------------------

def _fail(message):
    raise G.GradingFailure(message)


def _bernstein_z(n_draws, spread, false_fail=FALSE_FAIL):
    """Standard errors needed so that a mean of bounded draws is safe.

    Bernstein's inequality: for the mean of ``N`` independent draws with
    standard deviation ``sd`` and ``|X - mean| <= M``,
    ``P(|mean_N - mu| >= z sd / sqrt(N)) <= 2 exp(-z^2 / (2 (1 + (M/sd) z / (3 sqrt N))))``.

    Parameters
    ----------
    n_draws : int
        ``N``.
    spread : float
        ``M / sd``.
    false_fail : float, optional
        Wanted bound on the probability above.

    Returns
    -------
    float
        The smallest ``z`` (to 1e-9) whose bound is ``<= false_fail``.
    """
    target = math.log(2.0 / false_fail)
    c = spread / (3.0 * math.sqrt(n_draws))
    lo, hi = 0.0, 1e6
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid * mid / (2.0 * (1.0 + c * mid)) >= target:
            hi = mid
        else:
            lo = mid
    return hi


def _assert_mean(estimate, truth, sd, n_draws, call, bound=None):
    """A mean of ``n_draws`` independent draws (sd ``sd``) must be near ``truth``.

    ``bound`` is ``max |X - E X|`` of one draw; ``None`` means the estimate is
    exactly normal.  Either way a correct answer fails with probability at
    most ``FALSE_FAIL``: Bernstein's inequality for bounded draws, the normal
    quantile for normal ones.  The message quotes the normal-tail probability
    of the same ``z``.
    """
    if bound is None:
        z = G.z_for(FALSE_FAIL)
    else:
        z = _bernstein_z(n_draws, bound / sd)
    G.assert_within_se(estimate, truth, sd / math.sqrt(n_draws), call=call,
                       false_fail=math.erfc(z / math.sqrt(2.0)))


def _chi2_band(k, false_fail):
    """``(lo, hi)`` with ``P(X < lo) + P(X > hi) <= false_fail`` for ``X ~ chi2(k)``.

    Laurent & Massart (2000), Lemma 1: ``P(X - k >= 2 sqrt(k x) + 2x) <= e^-x``
    and ``P(k - X >= 2 sqrt(k x)) <= e^-x``; here ``x = log(2 / false_fail)``.
    """
    x = math.log(2.0 / false_fail)
    return max(k - 2.0 * math.sqrt(k * x), 0.0), k + 2.0 * math.sqrt(k * x) + 2.0 * x


def _std_band(se, repeat, false_fail=FALSE_FAIL):
    """Interval holding the std of ``repeat`` normal estimates of standard error ``se``.

    ``(repeat - 1) S1^2 / se^2 ~ chi2(repeat - 1)`` for ``ddof=1``; ``np.std``'s
    ``ddof=0`` is ``S1 sqrt((repeat - 1) / repeat)``.  The band accepts both.
    The estimates are means of at least 100 bounded draws, so they are very
    nearly normal, and the band reaches about 7 standard deviations of the
    sample std on either side, far beyond where the normal approximation
    matters.
    """
    lo, hi = _chi2_band(repeat - 1, false_fail)
    return se * math.sqrt(lo / repeat), se * math.sqrt(hi / (repeat - 1))


def _pair(result, call):
    """``(mean, std)`` as floats, or a failure if ``result`` is not two numbers."""
    if (not isinstance(result, (tuple, list)) or len(result) != 2
            or not all(G.is_number(v) for v in result)):
        _fail(f"{call} should return a tuple (mean, std) of two numbers, "
              f"but returned {G.describe(result)}.")
    return float(result[0]), float(result[1])


def _number(result, call):
    if not G.is_number(result):
        _fail(f"{call} should return a single number (float), but returned "
              f"{G.describe(result)} (type {type(result).__name__}).")
    return float(result)


def _assert_std(std, se, repeat, sample_size, call):
    """The std of ``repeat`` estimates must match the true standard error ``se``."""
    low, high = _std_band(se, repeat)
    if low <= std <= high:
        return
    hint = ""
    if std > 0 and abs(math.log(std / se ** 2)) < 0.7:
        hint = " It looks like a variance: take the square root (np.std, not np.var)."
    elif std > 0 and abs(math.log(std / (se * math.sqrt(sample_size)))) < 0.7:
        hint = (" It looks like the spread of single samples (high - low) * f(U): take the "
                "std of the `repeat` estimates, each an average of sample_size draws.")
    _fail(f"{call} returned std {std!r}; expected about {se:.6g}, the true standard error of one "
          f"estimate. The std of {repeat} correct estimates (np.std with ddof 0 or 1) lies in "
          f"[{low:.4g}, {high:.4g}] with probability 1 - {FALSE_FAIL:g}.{hint}")


def _seeded(seed, kind="pcg"):
    """A fresh generator and the text that shows how it was made."""
    if kind == "philox":
        return (np.random.Generator(np.random.Philox(seed)),
                f"np.random.Generator(np.random.Philox({seed}))")
    return np.random.default_rng(seed), f"np.random.default_rng({seed})"


def _leaves_global_state_alone(func, args, kwargs, call):
    """Call ``func`` and fail if NumPy's global random state moved."""
    with G.global_rng_untouched(call, "For example rng.uniform(...) or rng.random(...)."):
        G.call(func, *args, **kwargs)


@functools.lru_cache(maxsize=None)
def _legendre_nodes(nodes):
    return np.polynomial.legendre.leggauss(nodes)


def _gauss_legendre_mean(func, low, high, nodes=64):
    """E[func(U)] for U uniform on [low, high] by Gauss-Legendre quadrature.

    64 nodes integrate the smooth integrands used here to rounding accuracy
    (they are analytic on a Bernstein ellipse with parameter about 1.9 or
    more, so the error is below 1.9**-128 of their size).
    """
    t, w = _legendre_nodes(nodes)
    x = (low + high) / 2 + (high - low) / 2 * t
    return float(np.sum(w * func(x)) / 2)


def _integrand_stats(func, low, high):
    """``(sd, bound)`` of one draw ``(high - low) f(U)``: its standard deviation
    (quadrature, accurate to ~1e-14 for these smooth integrands) and a bound on
    ``|draw - integral|`` (a dense grid, plus 1% margin for the smooth ones).
    """
    length = high - low
    mean = _gauss_legendre_mean(func, low, high)
    second = _gauss_legendre_mean(lambda x: func(x) ** 2, low, high)
    sd = length * math.sqrt(max(second - mean * mean, 0.0))
    grid = np.linspace(low, high, 20001)
    bound = 1.01 * float(np.max(np.abs(length * func(grid) - length * mean)))
    return sd, bound


# ----------------------------------------------------------------------------
# monte_carlo_integral
# ----------------------------------------------------------------------------

NAME_MCI = "monte_carlo_integral"

#: The lecture's integrand and its exact integral over [-1, 1].
LECTURE_F = G.public("lambda x: np.exp(-x**2)")
LECTURE_EXACT = math.sqrt(math.pi) * math.erf(1.0)
#: Exact sd of one draw 2 exp(-U^2), U ~ U[-1, 1]: E[4 exp(-2U^2)] = sqrt(2 pi) erf(sqrt 2).
LECTURE_SD = math.sqrt(math.sqrt(2 * math.pi) * math.erf(math.sqrt(2.0)) - LECTURE_EXACT ** 2)

#: (integrand, low, high, exact integral): no interval of length 1 or 2, most not at 0.
INTEGRANDS = [
    (G.public("np.cos"), 0.5, 3.7, math.sin(3.7) - math.sin(0.5)),
    (G.public("lambda x: x**2"), 2.0, 5.0, 39.0),
    (G.public("lambda x: 1 / (1 + x**2)"), -3.0, 0.5, math.atan(0.5) + math.atan(3.0)),
    (G.public("np.sqrt"), 1.0, 10.0, 2.0 / 3.0 * (10.0 ** 1.5 - 1.0)),
    (G.public("np.exp"), -2.5, -0.25, math.exp(-0.25) - math.exp(-2.5)),
    (G.public("lambda x: np.sin(3 * x)"), -0.2, 0.4, (math.cos(-0.6) - math.cos(1.2)) / 3.0),
    (G.public("lambda x: 3 - 2 * x"), 4, 7, -24.0),
]


def _mci_call(f, low, high, sample_size=None, repeat=None, rng_text=None):
    parts = [repr(f), repr(low), repr(high)]
    if sample_size is not None:
        parts.append(f"sample_size={sample_size}")
    if repeat is not None:
        parts.append(f"repeat={repeat}")
    if rng_text is not None:
        parts.append(f"rng={rng_text}")
    return f"{NAME_MCI}({', '.join(parts)})"


def _run_mci(monte_carlo_integral, f, low, high, sample_size, repeat, seed, kind="pcg"):
    rng, rng_text = _seeded(seed, kind)
    call = _mci_call(f, low, high, sample_size, repeat, rng_text)
    result = G.call(monte_carlo_integral, f, low, high, sample_size=sample_size,
                    repeat=repeat, rng=rng, name=NAME_MCI)
    return _pair(result, call), call


def _run_mci_each(monte_carlo_integral, runs):
    """:func:`_run_mci` for every ``(f, low, high, sample_size, repeat, seed[, kind])`` in
    ``runs``, in one round trip; yields ``((mean, std), call)`` in order."""
    seeded = [_seeded(*run[5:]) for run in runs]
    cases = [((f, low, high), {"sample_size": n, "repeat": r, "rng": rng})
             for (f, low, high, n, r, *_), (rng, _) in zip(runs, seeded)]
    results = G.call_each(monte_carlo_integral, cases, name=NAME_MCI)
    for (f, low, high, n, r, *_), (_, rng_text), result in zip(runs, seeded, results):
        call = _mci_call(f, low, high, n, r, rng_text)
        yield _pair(result, call), call


def monte_carlo_integral_lecture_example(monte_carlo_integral):
    """The lecture's integral of exp(-x^2) on [-1, 1] (exact sqrt(pi) erf(1)):
    a tuple (mean, std), the mean within the standard error of the exact value
    and the std equal to the true standard error of one estimate."""
    (mean, std), call = _run_mci(monte_carlo_integral, LECTURE_F, -1, 1, 1000, 100, 2024)
    # False-fail <= 1e-9: Bernstein for the mean of 100 000 draws 2 exp(-U^2) in [2/e, 2].
    _assert_mean(mean, LECTURE_EXACT, LECTURE_SD, 100_000, call + "[0]",
                 bound=max(2.0 - LECTURE_EXACT, LECTURE_EXACT - 2.0 / math.e))
    # False-fail <= 1e-9: chi-square band for the std of 100 estimates.
    _assert_std(std, LECTURE_SD / math.sqrt(1000), 100, 1000, call + "[1]")


def monte_carlo_integral_values(monte_carlo_integral):
    """The interval length multiplies the average and U is uniform on [low, high]:
    constants integrate exactly to (high - low) * c with std 0; f = 1 outside
    [low, high] (0 inside) integrates to exactly 0; seven integrals over intervals
    of other lengths and positions, one with 4000 small repeats (the mean is over
    all of them) and one with a million draws per estimate are within the
    standard error of their closed forms."""
    constants = [(2.5, 2.0, 5.0, 37, 3), (-1.25, -4.0, -0.5, 10, 10),
                 (4.0, 0.25, 0.75, 100, 4), (1.0, 10, 13, 8, 25), (0.5, -3.5, 6.25, 1, 2)]
    runs = [(G.public("lambda x: np.full(np.shape(x), c)",
                      text=f"lambda x: np.full(np.shape(x), {c})", c=c), low, high, n, r, 300 + i)
            for i, (c, low, high, n, r) in enumerate(constants)]
    for (c, low, high, n, r), ((mean, std), call) in zip(
            constants, _run_mci_each(monte_carlo_integral, runs)):
        # Exact (no randomness): the average of a constant is the constant.
        G.assert_matches((mean, std), ((high - low) * c, 0.0), call=call, rtol=1e-10,
                         atol=1e-10)
    outside = [(2.0, 5.5, 400, 25), (-7.0, -4.5, 1000, 8), (0.5, 1.25, 123, 17), (1, 4, 50, 200)]
    runs = [(G.public("lambda x: np.where((x < lo) | (x > hi), 1.0, 0.0)",
                      text=f"lambda x: np.where((x < {low}) | (x > {high}), 1.0, 0.0)",
                      lo=low, hi=high), low, high, n, r, 305 + i)
            for i, (low, high, n, r) in enumerate(outside)]
    for (_, low, high, *_), ((mean, std), call) in zip(
            runs, _run_mci_each(monte_carlo_integral, runs)):
        # Exact: f is 0 at every point of [low, high].
        try:
            G.assert_matches((mean, std), (0.0, 0.0), call=call, rtol=0.0, atol=1e-12)
        except G.GradingFailure as exc:
            _fail(f"{exc}\nf is 1 outside [low, high] = [{low}, {high}] and 0 inside, so a "
                  f"non-zero result means some points were drawn outside the interval. Draw U "
                  f"uniformly on [low, high] (did you ignore low, or forget to scale rng.random()?).")
    # (f, low, high, exact, sample_size, repeat, seed); False-fail <= 1e-9 per integral
    # (Bernstein for its sample_size * repeat bounded draws); <= 9e-9 for the nine.
    integrals = [(f, low, high, exact, 2000, 50, 310 + i)        # 100 000 draws each
                 for i, (f, low, high, exact) in enumerate(INTEGRANDS)]
    # Many small repeats: the mean of all 4000 estimates (20 000 draws), not one of them.
    integrals.append((*INTEGRANDS[1], 5, 4000, 318))
    # A million draws per estimate (2 000 000 draws).
    integrals.append((G.public("np.cos"), -0.5, 2.5, math.sin(2.5) - math.sin(-0.5),
                      1_000_000, 2, 350))
    runs = [(f, low, high, n, r, seed) for f, low, high, _, n, r, seed in integrals]
    for (f, low, high, exact, n, r, _), ((mean, _), call) in zip(
            integrals, _run_mci_each(monte_carlo_integral, runs)):
        sd, bound = _integrand_stats(f, low, high)
        _assert_mean(mean, exact, sd, n * r, call + "[0]", bound=bound)


def monte_carlo_integral_std(monte_carlo_integral):
    """The std is the spread of the `repeat` estimates, i.e. the true standard
    error (high - low) sd(f(U)) / sqrt(sample_size) of one estimate, for a small
    and a large standard error (so a variance or the std of single samples fails),
    and it shrinks like 1/sqrt(sample_size): 100 times more draws give a std
    about 10 times smaller."""
    cases = [(INTEGRANDS[0][0], 0.5, 3.7, 1000, 400),
             (G.public("lambda x: 50 * x**2"), 2.0, 5.0, 500, 400),
             (INTEGRANDS[4][0], -2.5, -0.25, 2000, 300)]
    runs = [(f, low, high, n, r, 330 + i) for i, (f, low, high, n, r) in enumerate(cases)]
    for (f, low, high, n, r), ((_, std), call) in zip(
            cases, _run_mci_each(monte_carlo_integral, runs)):
        sd, _ = _integrand_stats(f, low, high)
        # False-fail <= 1e-9 per case: chi-square band for the std of r estimates.
        _assert_std(std, sd / math.sqrt(n), r, n, call + "[1]")
    f, low, high, _ = INTEGRANDS[3]
    r = 400
    ((_, small), call_small), ((_, large), call_large) = _run_mci_each(
        monte_carlo_integral, [(f, low, high, 50, r, 340), (f, low, high, 5000, r, 341)])
    # Each std is se * sqrt(chi2(r-1)/(r-1)) (the ddof factor cancels in the ratio);
    # with 4 tails of probability 2.5e-10 each, the ratio is in the band except
    # with probability <= 1e-9.
    lo, hi = _chi2_band(r - 1, FALSE_FAIL / 2)
    band = (10 * math.sqrt(lo / hi), 10 * math.sqrt(hi / lo))
    if not (large > 0 and band[0] <= small / large <= band[1]):
        ratio = small / large if large > 0 else float("inf")
        hint = ""
        if 50 <= ratio <= 200:
            hint = " A ratio near 100 means a variance was returned instead of a std."
        elif 0.5 <= ratio <= 2:
            hint = (" A ratio near 1 means the std does not shrink: take the std of the "
                    "`repeat` estimates, not of single samples.")
        _fail(f"{call_small} returned std {small!r} and {call_large} returned std {large!r}: "
              f"ratio {ratio:.4g}. Expected about sqrt(5000 / 50) = 10, since the standard "
              f"error falls like 1/sqrt(sample_size); a correct answer's ratio lies in "
              f"[{band[0]:.3g}, {band[1]:.3g}] with probability 1 - {FALSE_FAIL:g}.{hint}")


def monte_carlo_integral_rng(monte_carlo_integral):
    """Randomness only from rng: the same seed reproduces the result exactly,
    other seeds differ, NumPy's global random state is untouched (with rng given
    and with rng=None), and rng=None (also with the default sample_size=100,
    repeat=10) gives a correct, freshly random estimate."""
    f, low, high, exact = INTEGRANDS[2]
    sd, bound = _integrand_stats(f, low, high)
    # Every seeded run in one round trip: twice each of two seeds, then seeds 78 and 77.
    runs = [(f, low, high, 300, 20, seed, kind)
            for seed, kind in ((77, "pcg"), (5, "philox")) for _ in range(2)]
    runs += [(f, low, high, 300, 20, 78), (f, low, high, 300, 20, 77)]
    results = _run_mci_each(monte_carlo_integral, runs)
    for _ in range(2):
        (first, call), (second, _) = next(results), next(results)
        if first != second:
            _fail(f"Two calls {call} returned {first} and {second}; the same seed must give "
                  f"the same result. Take every random number from rng.")
    (other, call_other), (first, call) = results
    # Continuous draws: equal means for different seeds have probability 0.
    if other[0] == first[0]:
        _fail(f"{call} and {call_other} both returned the mean {first[0]!r}; different seeds "
              f"must give different samples. Draw the samples from rng.")
    rng, rng_text = _seeded(79)
    _leaves_global_state_alone(monte_carlo_integral, (f, low, high),
                               {"sample_size": 300, "repeat": 20, "rng": rng},
                               _mci_call(f, low, high, 300, 20, rng_text))
    means = []
    for n, r in ((1000, 20), (1000, 20), (None, None)):
        kwargs = {} if n is None else {"sample_size": n, "repeat": r, "rng": None}
        call = _mci_call(f, low, high, n, r, "None" if n is not None else None)
        with G.global_rng_untouched(call, "With rng=None, make rng = np.random.default_rng() "
                                    "and draw from it, not from np.random.uniform."):
            result = G.call(monte_carlo_integral, f, low, high, name=NAME_MCI, **kwargs)
        mean, _ = _pair(result, call)
        draws = (n or 100) * (r or 10)
        # False-fail <= 1e-9 per call (Bernstein for n * r bounded draws).
        _assert_mean(mean, exact, sd, draws, call + "[0]", bound=bound)
        means.append(mean)
    # Two fresh unseeded generators give equal continuous means with probability 0.
    if means[0] == means[1]:
        _fail(f"Two calls {_mci_call(f, low, high, 1000, 20, 'None')} returned the same mean "
              f"{means[0]!r}; rng=None must mean a fresh np.random.default_rng(), not a fixed seed.")


# ----------------------------------------------------------------------------
# estimate_pi
# ----------------------------------------------------------------------------

NAME_PI = "estimate_pi"
P_QUARTER = math.pi / 4
#: sd of one dart's contribution 4 * [inside]: 4 sqrt(p (1 - p)), p = pi / 4.
PI_SD = 4 * math.sqrt(P_QUARTER * (1 - P_QUARTER))


def _run_pi_each(estimate_pi, runs):
    """Call estimate_pi for every ``(n, seed[, kind])`` in ``runs`` with a freshly seeded
    generator, in one round trip; yields ``(value, call)`` in order."""
    seeded = [_seeded(*run[1:]) for run in runs]
    cases = [((n,), {"rng": rng}) for (n, *_), (rng, _) in zip(runs, seeded)]
    results = G.call_each(estimate_pi, cases, name=NAME_PI)
    for (n, *_), (_, rng_text), result in zip(runs, seeded, results):
        call = f"{NAME_PI}({n!r}, rng={rng_text})"
        yield _number(result, call), call


def estimate_pi_values(estimate_pi):
    """Four times the fraction of darts inside the quarter disc is within the
    standard error 4 sqrt(p(1-p)/n) of pi, for 10 000 up to a million darts."""
    runs = [(n, 400 + i)
            for i, n in enumerate([10_000, 250_000, 1_000_000, np.int64(40_000), 123_457])]
    for (n, _), (value, call) in zip(runs, _run_pi_each(estimate_pi, runs)):
        # False-fail <= 1e-9 per n: Bernstein, each dart contributes 0 or 4 (|X - pi| <= pi).
        _assert_mean(value, math.pi, PI_SD, int(n), call, bound=math.pi)


def estimate_pi_lattice(estimate_pi):
    """With n darts the estimate is 4k/n for a whole number k of hits between
    0 and n (e.g. 0 or 4 for one dart), for small n and several seeds."""
    runs = [(n, 410 + 10 * n + seed) for n in (1, 2, 3, 5, 8, 13, 100, 999) for seed in range(3)]
    for (n, _), (value, call) in zip(runs, _run_pi_each(estimate_pi, runs)):
        k = value * n / 4
        if not (abs(k - round(k)) <= 1e-9 * n and 0 <= round(k) <= n):
            shown = ", ".join(f"{4 * j}/{n}" for j in range(min(n, 4) + 1))
            _fail(f"{call} returned {value!r}; expected 4 * (hits) / {n} for a whole number "
                  f"of hits between 0 and {n}, i.e. one of {shown}{', ...' if n > 4 else ''} "
                  f"(here 4 * k / n with k = {k:.6g}).")


def estimate_pi_rng(estimate_pi):
    """Randomness only from rng: the same seed reproduces the estimate, other
    seeds differ, NumPy's global random state is untouched (with rng given and
    with rng=None), and rng=None gives a correct, freshly random estimate."""
    n = 200_000
    # Every seeded run in one round trip: twice each of two seeds, then seeds 500 to 504.
    runs = [(n, seed, kind) for seed, kind in ((17, "pcg"), (3, "philox")) for _ in range(2)]
    runs += [(n, 500 + s) for s in range(5)]
    results = _run_pi_each(estimate_pi, runs)
    for _ in range(2):
        (first, call), (second, _) = next(results), next(results)
        if first != second:
            _fail(f"Two calls {call} returned {first!r} and {second!r}; the same seed must give "
                  f"the same result. Take every random number from rng.")
    values = [value for value, _ in results]
    # False-fail ~ 2e-11: five independent Binomial(200 000, pi/4) counts are all
    # equal with probability <= (max_k P(count = k))^4 ~ (2.2e-3)^4.
    if len(set(values)) == 1:
        _fail(f"estimate_pi({n}, rng=np.random.default_rng(s)) returned {values[0]!r} for all of "
              f"s = 500, ..., 504; different seeds must give different darts. Draw them from rng.")
    rng, rng_text = _seeded(18)
    _leaves_global_state_alone(estimate_pi, (n,), {"rng": rng}, f"{NAME_PI}({n}, rng={rng_text})")
    fresh = []
    for _ in range(5):
        call = f"{NAME_PI}({n}, rng=None)"
        with G.global_rng_untouched(call, "With rng=None, make rng = np.random.default_rng() "
                                    "and draw from it, not from np.random.random."):
            result = G.call(estimate_pi, n, rng=None, name=NAME_PI)
        value = _number(result, call)
        # False-fail <= 1e-9 per call (Bernstein).
        _assert_mean(value, math.pi, PI_SD, n, call, bound=math.pi)
        fresh.append(value)
    # False-fail ~ 2e-11, as above.
    if len(set(fresh)) == 1:
        _fail(f"Five calls {NAME_PI}({n}, rng=None) all returned {fresh[0]!r}; rng=None must mean "
              f"a fresh np.random.default_rng(), not a fixed seed.")


# ----------------------------------------------------------------------------
# mc_expectation
# ----------------------------------------------------------------------------

NAME_MCE = "mc_expectation"


def _normal_cos_stats(mu, sigma):
    mean = math.cos(mu) * math.exp(-sigma ** 2 / 2)
    second = (1 + math.cos(2 * mu) * math.exp(-2 * sigma ** 2)) / 2
    return mean, math.sqrt(second - mean ** 2), 1 + abs(mean)


def _expectation_cases():
    """(g, sampler, truth, sd of g(X), bound on |g(X) - truth| or None if g(X) is normal)."""
    P = G.public
    cases = []
    # Normal: g(x) = x, exactly normal mean.
    cases.append((P("lambda x: x"), P("lambda rng, n: rng.normal(1.5, 2.0, size=n)"),
                  1.5, 2.0, None))
    # Normal: E cos X = cos(mu) exp(-sigma^2 / 2).
    m, s, b = _normal_cos_stats(-0.7, 0.5)
    cases.append((P("np.cos"), P("lambda rng, n: rng.normal(-0.7, 0.5, size=n)"), m, s, b))
    # Uniform on [-1, 3]: E X^2 = 7/3, E X^4 = 244/20.
    m = 7 / 3
    cases.append((P("lambda x: x**2"), P("lambda rng, n: rng.uniform(-1, 3, size=n)"),
                  m, math.sqrt(244 / 20 - m * m), 9 - m))
    # Exponential, scale 2: E exp(-X) = 1/3, E exp(-2X) = 1/5.
    m = 1 / 3
    cases.append((P("lambda x: np.exp(-x)"), P("lambda rng, n: rng.exponential(2.0, size=n)"),
                  m, math.sqrt(1 / 5 - m * m), 1 - m))
    # Exponential, scale 0.5: P(X > 1) = exp(-2).
    p = math.exp(-2.0)
    cases.append((P("lambda x: np.where(x > 1, 1.0, 0.0)"),
                  P("lambda rng, n: rng.exponential(0.5, size=n)"),
                  p, math.sqrt(p * (1 - p)), 1 - p))
    # A fair die (discrete): E X^2 = 91/6, E X^4 = 2275/6.
    m = 91 / 6
    cases.append((P("lambda x: x**2"), P("lambda rng, n: rng.integers(1, 7, size=n)"),
                  m, math.sqrt(2275 / 6 - m * m), 36 - m))
    # Uniform on [0, pi]: E sin X = 2/pi, E sin^2 X = 1/2.
    m = 2 / math.pi
    cases.append((P("np.sin"), P("lambda rng, n: rng.uniform(0, np.pi, size=n)"),
                  m, math.sqrt(0.5 - m * m), max(m, 1 - m)))
    # Beta(2, 5): E X = 2/7, Var X = 10 / (49 * 8).
    cases.append((P("lambda x: x"), P("lambda rng, n: rng.beta(2.0, 5.0, size=n)"),
                  2 / 7, math.sqrt(10 / 392), 5 / 7))
    return cases


def _mce_call(g, sampler, n, rng_text):
    return f"{NAME_MCE}({g!r}, {sampler!r}, {n!r}, rng={rng_text})"


def _run_mce_each(mc_expectation, runs):
    """Call mc_expectation for every ``(g, sampler, n, seed[, kind])`` in ``runs`` with a
    freshly seeded generator, in one round trip; yields ``(value, call)`` in order."""
    seeded = [_seeded(*run[3:]) for run in runs]
    cases = [((g, sampler, n), {"rng": rng}) for (g, sampler, n, *_), (rng, _) in zip(runs, seeded)]
    results = G.call_each(mc_expectation, cases, name=NAME_MCE)
    for (g, sampler, n, *_), (_, rng_text), result in zip(runs, seeded, results):
        call = _mce_call(g, sampler, n, rng_text)
        yield _number(result, call), call


def mc_expectation_known_values(mc_expectation):
    """E[g(X)] for normal, uniform, exponential, beta and die samplers with
    known expectations (E X, E cos X, E X^2, E exp(-X), P(X > 1), E sin X) is
    within the standard error of the exact value."""
    cases = _expectation_cases()
    runs = [(g, sampler, 100_000 if i % 2 == 0 else np.int64(60_000), 600 + i)
            for i, (g, sampler, *_) in enumerate(cases)]
    for (_, _, truth, sd, bound), (_, _, n, _), (value, call) in zip(
            cases, runs, _run_mce_each(mc_expectation, runs)):
        # False-fail <= 1e-9 per case: Bernstein for bounded g(X), or the exact
        # normal quantile when g(X) = X is normal; <= 8e-9 for the whole check.
        _assert_mean(value, truth, sd, int(n), call, bound=bound)


def mc_expectation_uses_sampler(mc_expectation):
    """The contract fixes the draws: the samples are sampler(rng, n) with the very
    rng given, so with an identically seeded Generator (PCG64 and Philox) the
    result equals mean(g(sampler(rng, n))) of the reference up to rounding: the
    average of g over exactly those n samples."""
    cases = _expectation_cases()
    plan = [(3, 1000, 700, "pcg"), (2, 257, 701, "philox"), (5, 4096, 702, "pcg"),
            (1, 7, 703, "pcg"), (6, 1, 704, "philox"), (4, 50_000, 705, "pcg")]
    runs = [(cases[j][0], cases[j][1], n, seed, kind) for j, n, seed, kind in plan]
    for (g, sampler, n, seed, kind), (value, call) in zip(runs,
                                                          _run_mce_each(mc_expectation, runs)):
        expected = ref.mc_expectation(g, sampler, n, rng=_seeded(seed, kind)[0])
        try:
            # Exact (the same samples, summed in any order): only rounding differs.
            G.assert_matches(value, expected, call=call, rtol=1e-9, atol=1e-12)
        except G.GradingFailure as exc:
            _fail(f"{exc}\nThe expected value is the average of g over the n = {n} samples "
                  f"that sampler(rng, n) returns for this very rng (pass rng itself to "
                  f"sampler, once): mean(g(samples)), not g(mean(samples)) and not a sum.")


def mc_expectation_rng(mc_expectation):
    """Randomness only from rng: the same seed reproduces the estimate, other
    seeds differ, NumPy's global random state is untouched (with rng given and
    with rng=None), and rng=None gives a correct, freshly random estimate."""
    g, sampler, truth, sd, bound = _expectation_cases()[1]
    n = 5000
    # Every seeded run in one round trip: twice each of two seeds, then seeds 32 and 33.
    runs = [(g, sampler, n, seed, kind) for seed, kind in ((31, "pcg"), (8, "philox"))
            for _ in range(2)]
    runs += [(g, sampler, n, 32), (g, sampler, n, 33)]
    results = _run_mce_each(mc_expectation, runs)
    for _ in range(2):
        (first, call), (second, _) = next(results), next(results)
        if first != second:
            _fail(f"Two calls {call} returned {first!r} and {second!r}; the same seed must give "
                  f"the same result. Pass rng to sampler.")
    values = [value for value, _ in results]
    # Continuous samples: equal results for different seeds have probability 0.
    if values[0] == values[1]:
        _fail(f"{_mce_call(g, sampler, n, 'np.random.default_rng(s)')} returned {values[0]!r} "
              f"for s = 32 and s = 33; different seeds must give different results.")
    rng, rng_text = _seeded(34)
    _leaves_global_state_alone(mc_expectation, (g, sampler, n), {"rng": rng},
                               _mce_call(g, sampler, n, rng_text))
    fresh = []
    for _ in range(2):
        call = _mce_call(g, sampler, n, "None")
        with G.global_rng_untouched(call, "With rng=None, pass a fresh np.random.default_rng() "
                                    "to sampler (not np.random itself, nor a seed drawn from it)."):
            result = G.call(mc_expectation, g, sampler, n, rng=None, name=NAME_MCE)
        value = _number(result, call)
        # False-fail <= 1e-9 per call (Bernstein, |cos X - E cos X| <= 1 + |E cos X|).
        _assert_mean(value, truth, sd, n, call, bound=bound)
        fresh.append(value)
    # Two fresh unseeded generators give equal continuous results with probability 0.
    if fresh[0] == fresh[1]:
        _fail(f"Two calls {_mce_call(g, sampler, n, 'None')} returned {fresh[0]!r}; rng=None "
              f"must mean a fresh np.random.default_rng(), not a fixed seed.")


# ----------------------------------------------------------------------------
# sample_covariance
# ----------------------------------------------------------------------------

def _data_matrix(rng):
    """(X,) with 2 to 120 rows, 1 to 6 correlated columns, random offsets and scales."""
    n = int(rng.integers(2, 120))
    d = int(rng.integers(1, 7))
    scale = float(rng.choice([0.01, 1.0, 30.0]))
    mix = rng.normal(size=(d, d))
    loc = rng.normal(scale=3.0 * scale, size=d)
    return (loc + scale * rng.normal(size=(n, d)) @ mix,)


def sample_covariance_values(sample_covariance):
    """sample_covariance on 40 random data matrices (2 to 120 rows, 1 to 6
    correlated columns with non-zero means, three scales): centred on the column
    means, divided by n - 1, shape (d, d), without np.cov."""
    G.check_cases(sample_covariance, ref.sample_covariance,
                  G.random_cases(801, 40, _data_matrix), forbidden=NO_COV)


def sample_covariance_edge_cases(sample_covariance):
    """Two rows worked by hand ([[2, 6], [6, 18]]), integers with a constant
    column (zero variance), a plain list with one column (a (1, 1) matrix), more
    columns than rows, a large common offset (1000 + noise) and 100 000 rows."""
    rng = np.random.default_rng(802)
    cases = [(np.array([[1.0, 2.0], [3.0, 8.0]]),),
             (np.array([[1, 5], [2, 5], [4, 5], [9, 5]]),),
             ([[0.5], [1.5], [-2.0]],),
             (rng.normal(size=(3, 10)),),
             (1000.0 + rng.normal(size=(50, 3)),),
             (rng.normal(size=(100_000, 3)) @ np.array([[1.0, 0.5, 0.0], [0.0, 2.0, -1.0],
                                                          [0.0, 0.0, 0.3]]),)]
    G.check_cases(sample_covariance, ref.sample_covariance, cases, forbidden=NO_COV)


def sample_covariance_errors(sample_covariance):
    """ValueError for fewer than 2 rows: one row (array or list) and no rows."""
    for X in (np.ones((1, 3)), [[1.0, 2.0, 3.0]], np.zeros((0, 2)), np.array([[4.0]])):
        rows = np.shape(X)[0]
        G.expect_value_error(sample_covariance, X, name="sample_covariance",
                             why=f"X has {rows} row{'s' if rows != 1 else ''}; the sample "
                                 f"covariance needs at least 2 (it divides by n - 1)")


# ----------------------------------------------------------------------------
# marginal and conditional
# ----------------------------------------------------------------------------

def _joint(rng):
    """A random joint pmf of 1 to 6 rows and columns, sometimes with zero entries."""
    k = int(rng.integers(1, 7))
    m = int(rng.integers(1, 7))
    p = rng.dirichlet(np.full(k * m, float(rng.choice([0.5, 1.0, 5.0])))).reshape(k, m)
    if rng.random() < 0.4:
        p = p * (rng.random(p.shape) < 0.7)
        if p.sum() == 0:
            p[0, 0] = 1.0
        p = p / p.sum()
    return p


def marginal_values(marginal):
    """marginal of 40 random joint pmfs (square and not, some entries 0) with
    axis 0 (P(X): the sum over each row) and axis 1 (P(Y): the sum down each
    column), a worked 2 x 3 example, integer and list input, np.int64 axis and a
    total off 1 by 4e-7 (within the allowed 1e-6)."""
    joints = G.random_cases(811, 20, _joint)
    joints += [np.full((3, 3), 1 / 9), np.diag([0.2, 0.3, 0.5]),
               np.array([[0.1, 0.2], [0.3, 0.4]]), np.array([[0.05, 0.15], [0.6, 0.2]])]
    cases = [(p, axis) for p in joints for axis in (0, 1)]
    worked = np.array([[0.10, 0.20, 0.10], [0.25, 0.05, 0.30]])
    cases += [(worked, 0), (worked, 1), (np.array([[0, 1, 0], [0, 0, 0]]), 0),
              (np.array([[0, 1, 0], [0, 0, 0]]), 1), ([[0.5, 0.25], [0.0, 0.25]], 1),
              (np.array([[0.3, 0.7]]), np.int64(0)), (np.array([[0.3], [0.7]]), np.int64(1))]
    G.check_cases(marginal, ref.marginal, cases)
    almost = np.array([[0.2, 0.3], [0.1, 0.4 - 4e-7]])
    # A learner may or may not renormalise a total within 1e-6 of 1: both are accepted.
    G.check_cases(marginal, ref.marginal, [(almost, 0), (almost, 1)], rtol=1e-6)


def marginal_errors(marginal):
    """ValueError for axis not 0 or 1 (2, -1), a negative entry (even when the
    total is 1), and totals off 1 by more than 1e-6 (1.1, 0.5, 1 + 2e-6, 0)."""
    good = np.array([[0.1, 0.2], [0.3, 0.4]])
    for axis in (2, -1, 3):
        G.expect_value_error(marginal, good, axis, name="marginal",
                             why=f"axis={axis} is not 0 or 1")
    bad = [(np.array([[0.6, -0.1], [0.3, 0.2]]), "the entry -0.1 is negative"),
           (np.array([[0.5, 0.5], [-1e-3, 1e-3]]), "the entry -0.001 is negative"),
           (good * 1.1, "the entries add up to 1.1, not 1"),
           (good * 0.5, "the entries add up to 0.5, not 1"),
           (good * (1 + 2e-6), "the entries add up to 1 + 2e-6: off 1 by more than 1e-6"),
           (np.zeros((2, 3)), "the entries add up to 0, not 1")]
    for joint, why in bad:
        for axis in (0, 1):
            G.expect_value_error(marginal, joint, axis, name="marginal", why=why)


def _joint_and_row(rng):
    p = _joint(rng)
    rows = np.flatnonzero(p.sum(axis=1) > 0)
    return p, int(rng.choice(rows))


def conditional_values(conditional):
    """conditional of 40 random joint pmfs (some entries and rows 0) at a row of
    positive probability: that row divided by its own sum P(X = x), not by the
    joint's total, with a worked example, np.int64 index and list input."""
    cases = G.random_cases(821, 40, _joint_and_row)
    worked = np.array([[0.10, 0.20, 0.10], [0.25, 0.05, 0.30]])
    cases += [(worked, 0), (worked, 1), (np.array([[0.2, 0.0], [0.0, 0.8]]), 1),
              (np.array([[0.0, 0.0, 0.0], [0.1, 0.6, 0.3]]), np.int64(1)),
              ([[0.125, 0.125], [0.25, 0.5]], 0), (np.array([[0.3, 0.7]]), 0)]
    G.check_cases(conditional, ref.conditional, cases)


def conditional_errors(conditional):
    """ValueError exactly when P(X = x_index) is 0 (a row of zeros: first, middle
    or last); a row of tiny but positive probabilities (1e-200) still has its
    conditional distribution."""
    joint = np.array([[0.0, 0.0, 0.0], [0.2, 0.3, 0.1], [0.0, 0.0, 0.0], [0.1, 0.0, 0.3]])
    for x in (0, 2):
        G.expect_value_error(conditional, joint, x, name="conditional",
                             why=f"P(X = {x}) is 0: row {x} is all zeros")
    last = np.array([[0.5, 0.5], [0.0, 0.0]])
    G.expect_value_error(conditional, last, 1, name="conditional",
                         why="P(X = 1) is 0: row 1 is all zeros")
    tiny = np.array([[1e-200, 3e-200, 0.0], [0.5, 0.25, 0.25]])
    G.check_cases(conditional, ref.conditional, [(tiny, 0), (tiny, 1)])


# ----------------------------------------------------------------------------
# excess_kurtosis
# ----------------------------------------------------------------------------

def _kurtosis_sample(rng):
    """(x,): 2 to 3000 draws of a normal, Laplace, uniform, exponential, t(5) or
    Bernoulli(0.3) distribution, shifted and scaled at random."""
    n = int(rng.integers(2, 3000))
    kind = int(rng.integers(0, 6))
    if kind == 0:
        draws = rng.normal(size=n)
    elif kind == 1:
        draws = rng.laplace(size=n)
    elif kind == 2:
        draws = rng.uniform(size=n)
    elif kind == 3:
        draws = rng.exponential(size=n)
    elif kind == 4:
        draws = rng.standard_t(5, size=n)
    else:
        n = max(n, 50)
        draws = (rng.random(n) < 0.3).astype(float)
    scale = float(rng.choice([0.01, 1.0, 100.0]))
    return (float(rng.normal(scale=2.0)) * scale + scale * draws,)


def excess_kurtosis_values(excess_kurtosis):
    """excess_kurtosis of 40 random samples (normal, Laplace, uniform,
    exponential, t, Bernoulli; 2 to 3000 values, shifted and scaled): m4 / m2^2 - 3
    with the population central moments (dividing by n)."""
    G.check_cases(excess_kurtosis, ref.excess_kurtosis,
                  G.random_cases(831, 40, _kurtosis_sample), rtol=1e-7, atol=1e-8)


def excess_kurtosis_edge_cases(excess_kurtosis):
    """nan for constant data, also where rounding leaves m2 tiny but non-zero
    (100 copies of 0.7, 1000 of -0.001), a single value and integers; -2 for two
    values; integer and list input; tiny (1e-8) and huge (1e6) scales, where the
    answer is the same as at scale 1; a million normal draws (about 0)."""
    constants = [(np.full(7, 3.0),), (np.full(100, 0.7),), (np.full(10, 0.1),),
                 (np.full(1000, -1e-3),), (np.array([5.0]),), ([2, 2, 2],)]
    try:
        G.check_cases(excess_kurtosis, ref.excess_kurtosis, constants)
    except G.ShortcutUsed:
        raise
    except G.GradingFailure as exc:
        _fail(f"{exc}\nConstant data have no spread (m2 = 0): return nan. Test constancy on the "
              f"data, e.g. np.all(x == x[0]): rounding can leave the computed m2 tiny but not "
              f"exactly 0 (the mean of 100 copies of 0.7 is not exactly 0.7).")
    rng = np.random.default_rng(832)
    base = rng.laplace(size=500)
    cases = [(np.array([-1.0, 1.0]),), (np.array([0.0, 0.0, 0.0, 1.0]),),
             ([1, 2, 3, 4, 5],), (np.array([3, 3, 3, 10]),),
             (1e-8 * base,), (1e6 * base,), (base,),
             (rng.normal(size=1_000_000),)]
    G.check_cases(excess_kurtosis, ref.excess_kurtosis, cases, rtol=1e-7, atol=1e-8)


CHECKS = {
    "monte_carlo_integral": [monte_carlo_integral_lecture_example,
                             monte_carlo_integral_values,
                             monte_carlo_integral_std,
                             monte_carlo_integral_rng],
    "estimate_pi": [estimate_pi_values, estimate_pi_lattice, estimate_pi_rng],
    "mc_expectation": [mc_expectation_known_values, mc_expectation_uses_sampler,
                       mc_expectation_rng],
    "sample_covariance": [sample_covariance_values, sample_covariance_edge_cases,
                          sample_covariance_errors],
    "marginal": [marginal_values, marginal_errors],
    "conditional": [conditional_values, conditional_errors],
    "excess_kurtosis": [excess_kurtosis_values, excess_kurtosis_edge_cases],
}
