"""Hidden tests for 06_mle_kl."""

from __future__ import annotations

import numpy as np

from dlmath import grading as G
from dlmath.reference import mle_kl as ref


# ----------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------

def _sample(rng, low=1, high=200):
    """A normal sample with a random size, mean and spread."""
    n = int(rng.integers(low, high))
    mu = float(rng.uniform(-50, 50))
    sigma = float(rng.choice([0.01, 0.3, 1.0, 7.0, 30.0]))
    return mu + sigma * rng.normal(size=n)


def _labels(rng):
    """Labels of a random categorical distribution; some classes may be absent."""
    k = int(rng.integers(2, 13))
    n = int(rng.integers(1, 300))
    probs = rng.dirichlet(np.full(k, float(rng.choice([0.3, 1.0, 5.0]))))
    return rng.choice(k, size=n, p=probs), k


def _prob(rng, k=None, zeros=0, alpha=None):
    """A random probability vector of length k with `zeros` entries set to 0."""
    k = int(rng.integers(2, 30)) if k is None else k
    alpha = float(rng.choice([0.2, 1.0, 10.0])) if alpha is None else alpha
    p = rng.dirichlet(np.full(k, alpha))
    p = np.maximum(p, 1e-12)  # tiny alpha may underflow to 0: keep "positive" cases positive
    if zeros:
        p[rng.choice(k, size=min(zeros, k - 1), replace=False)] = 0.0
    return p / p.sum()


def _pair(rng, p_zeros=0):
    k = int(rng.integers(2, 30))
    return _prob(rng, k, zeros=p_zeros), _prob(rng, k)


def _with_hint(got, expected, call, hint):
    """assert_matches, with a hint appended to the message when it fails."""
    try:
        G.assert_matches(got, expected, call=call)
    except G.GradingFailure as exc:
        raise G.GradingFailure(f"{exc}\n{hint}") from None


def _as_float(value):
    try:
        return float(value)
    except Exception:
        return None


# ----------------------------------------------------------------------------
# gaussian_mle
# ----------------------------------------------------------------------------

def gaussian_mle_values(gaussian_mle):
    """(mu, var) on 40 random normal samples of sizes 1..200 on many scales."""
    G.check_cases(gaussian_mle, ref.gaussian_mle, G.random_cases(601, 40, lambda r: (_sample(r),)))


def gaussian_mle_divides_by_n(gaussian_mle):
    """The variance is the MLE, dividing by n, not the unbiased n - 1 estimate."""
    cases = [np.array([1.0, 3.0]), np.array([0.0, 1.0, 2.0]),
             np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])]
    cases += G.random_cases(602, 10, lambda r: _sample(r, 2, 7))
    for x, got in zip(cases, G.call_each(gaussian_mle, [(x,) for x in cases])):
        mu, var = ref.gaussian_mle(x)
        n = x.size
        call = G.describe_call("gaussian_mle", (x,))
        if isinstance(got, (tuple, list)) and len(got) == 2:
            got_var = _as_float(got[1])
            if got_var is not None and np.isclose(got_var, var * n / (n - 1), rtol=1e-9):
                raise G.GradingFailure(
                    f"{call} returned var = {got_var!r}: that is the unbiased estimate, which "
                    f"divides by n - 1 = {n - 1}. The maximum-likelihood estimate divides by "
                    f"n = {n} and is {var!r}.")
        G.assert_matches(got, (mu, var), call=call)


def gaussian_mle_edge_cases(gaussian_mle):
    """One observation (var 0), constant data, integers, a plain list, a long sample."""
    rng = np.random.default_rng(603)
    cases = [(np.array([4.2]),), (np.full(7, -3.5),), (np.array([1, 2, 3, 4, 10]),),
             ([0.5, -1.5, 2.0, 2.0],), (100.0 + rng.normal(size=50_000),),
             (np.array([-1e-3, 1e-3]),)]
    G.check_cases(gaussian_mle, ref.gaussian_mle, cases)


def gaussian_mle_large_offset(gaussian_mle):
    """Data with a large common offset (1e8 + small noise): the variance keeps the noise's digits.

    The one-pass formula E[x^2] - E[x]^2 subtracts two numbers near 1e16 and
    loses every digit of a variance near 1 (it may even come out negative).
    """
    rng = np.random.default_rng(604)
    cases = [(1e8, np.array([-1.0, 0.0, 1.0])),
             (1e8, rng.normal(0.0, 1.0, size=1000)),
             (-5e7, rng.normal(0.0, 0.01, size=500)),
             (1e9, rng.uniform(-0.5, 0.5, size=200)),
             (3e6, 1e-4 * rng.standard_normal(300)),
             (2.5e8, rng.normal(0.0, 3.0, size=64))]
    hint = ("Subtract the mean first and average the squared deviations (two passes): "
            "E[x^2] - E[x]^2 cancels catastrophically when the mean is large compared "
            "with the spread.")
    xs = [offset + noise for offset, noise in cases]
    xs[-1] = list(xs[-1])  # a plain list works too
    for (offset, noise), x, got in zip(cases, xs, G.call_each(gaussian_mle, [(x,) for x in xs])):
        _with_hint(got, ref.gaussian_mle(x),
                   f"gaussian_mle({offset:g} + {G.describe(noise)})", hint)


# ----------------------------------------------------------------------------
# categorical_mle
# ----------------------------------------------------------------------------

def categorical_mle_values(categorical_mle):
    """Class frequencies for 30 random label arrays with 2..12 classes."""
    G.check_cases(categorical_mle, ref.categorical_mle, G.random_cases(611, 30, _labels))


def categorical_mle_unseen_classes(categorical_mle):
    """Classes never seen get 0, also when num_classes > max label + 1; lists and int32."""
    cases = [(np.array([0, 0, 1]), 5), (np.array([3, 3]), 4), (np.array([2]), 3),
             (np.array([1, 4, 4, 1, 1]), 10), ([0, 2, 2, 0], 3), ([0, 0, 0], 1),
             (np.array([5, 0, 5, 7], dtype=np.int32), 12), (np.zeros(1000, dtype=int), 2)]
    G.check_cases(categorical_mle, ref.categorical_mle, cases)


# ----------------------------------------------------------------------------
# gaussian_log_likelihood
# ----------------------------------------------------------------------------

def _loglik_case(rng):
    x = _sample(rng, 1, 100)
    sigma = float(np.std(x)) if x.size > 1 and np.std(x) > 0 else 1.0
    mu = float(np.mean(x) + sigma * rng.uniform(-2, 2))
    var = float(sigma ** 2 * rng.uniform(0.3, 3.0))
    return x, mu, var


def gaussian_log_likelihood_values(gaussian_log_likelihood):
    """Sum of log densities for 40 random samples, means and variances (var is not sigma)."""
    G.check_cases(gaussian_log_likelihood, ref.gaussian_log_likelihood,
                  G.random_cases(621, 40, _loglik_case))


def gaussian_log_likelihood_normalising_term(gaussian_log_likelihood):
    """One point at the mean gives -1/2 log(2 pi var): the normalising term is there."""
    cases = [(np.array([mu]), mu, var) for mu in (0.0, 2.5) for var in (0.01, 0.5, 1.0, 4.0, 100.0)]
    cases += [(np.array([1.0]), 0.0, 1.0), (np.array([-3.0, 3.0]), 0.0, 9.0),
              ([0.0, 0.0, 0.0], 0.0, 2.0)]
    hint = ("Each observation contributes -1/2 log(2 pi var) - (x - mu)^2 / (2 var); "
            "the third argument is the variance, not the standard deviation.")
    for (x, mu, var), got in zip(cases, G.call_each(gaussian_log_likelihood, cases)):
        expected = ref.gaussian_log_likelihood(x, mu, var)
        _with_hint(got, expected,
                   G.describe_call("gaussian_log_likelihood", (x, mu, var)), hint)


def gaussian_log_likelihood_long_sample(gaussian_log_likelihood):
    """Samples of 5000 points, where the product of densities underflows to 0: sum logs instead."""
    rng = np.random.default_rng(623)
    x = rng.normal(0.3, 1.5, size=5000)
    cases = [(x, 0.3, 2.25), (x, 0.0, 1.0), (x, 1.0, 5.0), (list(x[:2000]), -0.2, 2.0)]
    G.check_cases(gaussian_log_likelihood, ref.gaussian_log_likelihood, cases)


def gaussian_log_likelihood_far_outliers(gaussian_log_likelihood):
    """Observations 40 to 1000 standard deviations away stay finite (about -800 at 40 sd), not -inf.

    exp(-800) is 0 in float64, so summing log(pdf(x_i)) gives log(0) = -inf:
    each term must be written as -1/2 log(2 pi var) - (x_i - mu)^2 / (2 var).
    """
    rng = np.random.default_rng(624)
    body = rng.normal(1.0, 0.5, size=200)
    cases = [(np.array([0.0, 40.0]), 0.0, 1.0),
             (np.array([40.0]), 0.0, 1.0),
             (np.array([-3.0 - 40.0 * 0.5]), -3.0, 0.25),
             (np.r_[body, 1.0 + 45 * 0.5], 1.0, 0.25),
             (np.r_[body, 1.0 - 100 * 0.5, 1.0 + 60 * 0.5], 1.0, 0.25),
             (np.array([1000.0, -1000.0, 0.5]), 0.0, 1.0),
             ([7.0, 2e-3 * 50], 0.0, 4e-6)]
    hint = ("Every observation contributes -1/2 log(2 pi var) - (x - mu)^2 / (2 var), a "
            "finite number even when its density exp(...) underflows to 0: never take the "
            "log of a density you computed first.")
    for (x, mu, var), got in zip(cases, G.call_each(gaussian_log_likelihood, cases)):
        _with_hint(got, ref.gaussian_log_likelihood(x, mu, var),
                   G.describe_call("gaussian_log_likelihood", (x, mu, var)), hint)


# ----------------------------------------------------------------------------
# laplace_mle
# ----------------------------------------------------------------------------

def _laplace_sample(rng):
    n = int(rng.integers(1, 150))
    x = rng.laplace(float(rng.uniform(-20, 20)), float(rng.choice([0.05, 1.0, 6.0])), size=n)
    if rng.random() < 0.3:  # a few wild outliers: the median does not care
        k = int(rng.integers(1, 4))
        x[rng.choice(n, size=min(k, n), replace=False)] = rng.choice([-1e4, 1e4], size=min(k, n))
    return (x,)


_LAPLACE_HINT = ("The Laplace MLE location m is the median of x (for an even n, the midpoint of "
                 "the two middle values, as np.median gives), and b is the mean of |x - m|.")


def laplace_mle_values(laplace_mle):
    """(median, mean |x - m|) on 40 random Laplace samples, odd and even sizes, some with outliers."""
    cases = G.random_cases(661, 40, _laplace_sample)
    cases += [(np.array([5.0, 1.0, 4.0, 2.0, 3.0]),), (np.array([0.0, 1.0, 10.0, 11.0]),)]
    for (x,), got in zip(cases, G.call_each(laplace_mle, cases)):
        _with_hint(got, ref.laplace_mle(x), G.describe_call("laplace_mle", (x,)), _LAPLACE_HINT)


def laplace_mle_edge_cases(laplace_mle):
    """Even sizes (midpoint median), one value, two values, constant data, outliers, integers, lists."""
    cases = [(np.array([3.0]),), (np.array([1.0, 2.0]),), (np.array([2.0, 1.0, 100.0, 3.0]),),
             (np.full(6, -2.5),), (np.array([1, 2, 3, 4, 1000]),), ([4.0, -1.0, 0.5, 8.0],),
             (np.array([0.0, 0.0, 1.0, 1.0]),), (np.r_[np.zeros(50), np.full(49, 1e6)],),
             (np.arange(10, dtype=np.int64),)]
    for (x,), got in zip(cases, G.call_each(laplace_mle, cases)):
        _with_hint(got, ref.laplace_mle(x), G.describe_call("laplace_mle", (x,)), _LAPLACE_HINT)


# ----------------------------------------------------------------------------
# sample_means
# ----------------------------------------------------------------------------

NAME_SM = "sample_means"

#: A finite population of 60 values; the survey sampler draws without
#: replacement, so one sample can never be larger than 60.
_POPULATION = np.round(np.random.default_rng(670).normal(170.0, 8.0, size=60), 1)


def _samplers():
    """(sampler, mean, variance, excess kurtosis) of the distributions the checks use."""
    return [
        (G.public("lambda rng, n: rng.exponential(2.0, size=n)"), 2.0, 4.0, 6.0),
        (G.public("lambda rng, n: rng.normal(-1.0, 3.0, size=n)"), -1.0, 9.0, 0.0),
        (G.public("lambda rng, n: rng.uniform(0.0, 1.0, size=n)"), 0.5, 1 / 12, -1.2),
        (G.public("lambda rng, n: rng.integers(1, 7, size=n)"), 3.5, 35 / 12, -222 / 175),
        (G.public("lambda rng, n: (rng.random(n) < 0.2).astype(float)"), 0.2, 0.16,
         (1 - 6 * 0.16) / 0.16),
    ]


def _survey():
    return G.public("lambda rng, n: rng.choice(population, size=n, replace=False)",
                    "lambda rng, n: rng.choice(population, size=n, replace=False)  "
                    "# population: 60 heights, drawn without replacement",
                    population=_POPULATION)


def _sm_call(sampler, n, repeats, rng_text):
    return f"{NAME_SM}({sampler!r}, {n!r}, {repeats!r}, rng={rng_text})"


def _check_all(sample_means, checks):
    """Run ``(args, kwargs, expected, call, hint)`` checks of sample_means in one round trip."""
    results = G.call_each(sample_means, [(args, kwargs) for args, kwargs, *_ in checks],
                          name=NAME_SM)
    for (_, _, expected, call, hint), got in zip(checks, results):
        _with_hint(got, expected, call, hint)


def _compare_seeded(sampler, n, repeats, seed, hint):
    """The check (for :func:`_check_all`) that the means equal the reference's under the same seed."""
    expected = ref.sample_means(sampler, n, repeats, rng=np.random.default_rng(seed))
    return ((sampler, n, repeats), {"rng": np.random.default_rng(seed)}, expected,
            _sm_call(sampler, n, repeats, f"np.random.default_rng({seed})"), hint)


_SM_HINT = ("With rng = np.random.default_rng(seed), call sampler(rng, n) once per sample, "
            "repeats times in a row with that same rng, and return the mean of each sample "
            "in that order.")


def sample_means_exact(sample_means):
    """Same draws as the contract under identically seeded generators: repeats calls sampler(rng, n), in order."""
    samplers = [case[0] for case in _samplers()]
    settings = [(1, 5), (7, 40), (30, 200), (2, 1), (100, 17), (3, 500)]
    checks = [_compare_seeded(sampler, n, repeats, 6700 + 10 * i + j, _SM_HINT)
              for i, (n, repeats) in enumerate(settings) for j, sampler in enumerate(samplers)]
    survey = _survey()
    for i, (n, repeats) in enumerate([(10, 50), (60, 3), (25, 400)]):
        checks.append(_compare_seeded(
            survey, n, repeats, 6790 + i,
            _SM_HINT + " A sampler may draw without replacement from a finite "
            "population, so never ask it for one big sample of n * repeats values."))
    _check_all(sample_means, checks)


def sample_means_shapes(sample_means):
    """A (repeats,) float64 array for repeats and n from 1 upwards, integer samples, keyword arguments; each sample has size n."""
    sized = G.public("lambda rng, n: np.full(n, float(n)) + 0.0 * rng.random()")
    dice = G.public("lambda rng, n: rng.integers(1, 7, size=n)")
    checks = [((sized, n, repeats), {"rng": np.random.default_rng(0)}, np.full(repeats, float(n)),
               _sm_call(sized, n, repeats, "np.random.default_rng(0)"),
               f"The sampler returns n copies of n, so every mean is {float(n)!r}: pass n to "
               f"sampler (not repeats), and return one mean per sample, {repeats} in all.")
              for n, repeats in [(1, 1), (1, 9), (12, 1), (5, 3), (250, 4)]]
    checks += [_compare_seeded(dice, n, repeats, 6800 + n, _SM_HINT)
               for n, repeats in [(1, 6), (4, 11), (3, 2)]]
    checks.append(((dice,), {"n": 6, "repeats": 8, "rng": np.random.default_rng(6810)},
                   ref.sample_means(dice, 6, 8, rng=np.random.default_rng(6810)),
                   f"{NAME_SM}({dice!r}, n=6, repeats=8, rng=np.random.default_rng(6810))",
                   _SM_HINT))
    _check_all(sample_means, checks)


def sample_means_rng(sample_means):
    """Randomness only from rng: the global np.random state is untouched (with and without rng); rng=None gives fresh draws each call."""
    sampler = _samplers()[0][0]
    hint = "Pass your Generator to sampler, e.g. sampler(rng, n), never np.random itself."
    call = _sm_call(sampler, 10, 20, "np.random.default_rng(6820)")
    with G.global_rng_untouched(call, hint):
        G.call(sample_means, sampler, 10, 20, rng=np.random.default_rng(6820), name=NAME_SM)
    call = _sm_call(sampler, 10, 20, "None")
    with G.global_rng_untouched(call, hint + " With rng=None use np.random.default_rng()."):
        first = G.call(sample_means, sampler, 10, 20, name=NAME_SM)
    second = G.call(sample_means, sampler, 10, 20, rng=None, name=NAME_SM)
    for value in (first, second):
        if not (isinstance(value, np.ndarray) and value.shape == (20,)):
            raise G.GradingFailure(f"{call} should return a NumPy array of shape (20,), but "
                                   f"returned {G.describe(value)}.")
    if np.array_equal(first, second):
        raise G.GradingFailure(
            f"Two calls {call} returned the same means {G.describe(first)}: with rng=None "
            f"each call must draw fresh random numbers from np.random.default_rng() "
            f"(no fixed seed).")


def sample_means_distribution(sample_means):
    """The means follow N(mu, sigma^2 / n) (CLT): their average and spread are within 6.1 standard errors (false-fail 1e-9 each)."""
    settings = list(zip(_samplers(), (30, 5, 12, 50, 40), (4000, 3000, 5000, 2000, 3000),
                        range(6830, 6835)))
    results = G.call_each(sample_means,
                          [((sampler, n, repeats), {"rng": np.random.default_rng(seed)})
                           for (sampler, *_), n, repeats, seed in settings],
                          name=NAME_SM)
    for ((sampler, mu, var, kurt), n, repeats, seed), got in zip(settings, results):
        call = _sm_call(sampler, n, repeats, f"np.random.default_rng({seed})")
        if not (isinstance(got, np.ndarray) and got.shape == (repeats,)
                and got.dtype.kind in "fiu"):
            raise G.GradingFailure(f"{call} should return a float NumPy array of shape "
                                   f"({repeats},), but returned {G.describe(got)}.")
        means = got.astype(np.float64)
        var_mean = var / n  # the CLT's variance of one sample mean
        G.assert_within_se(float(np.mean(means)), mu, np.sqrt(var_mean / repeats),
                           call=f"the average of the {repeats} means of {call}")
        # Standard error of a sample variance: var * sqrt(2 / (R - 1) + kurtosis / R),
        # with the excess kurtosis of a mean of n draws, kurt / n.
        se_var = var_mean * np.sqrt(2 / (repeats - 1) + kurt / n / repeats)
        G.assert_within_se(float(np.var(means, ddof=1)), var_mean, se_var,
                           call=f"the variance of the {repeats} means of {call} "
                                f"(sigma^2 / n = {var:.6g} / {n})")


# ----------------------------------------------------------------------------
# entropy
# ----------------------------------------------------------------------------

def entropy_values(entropy):
    """Entropy in nats of 40 random positive probability vectors of lengths 2..29."""
    cases = G.random_cases(631, 40, lambda r: (_prob(r),))
    cases += [([0.5, 0.5],), ([0.25, 0.25, 0.25, 0.25],), (np.array([0.9, 0.1]),)]
    G.check_cases(entropy, ref.entropy, cases)


def entropy_zero_convention(entropy):
    """0 log 0 = 0: one-hot vectors give 0, zeros elsewhere are ignored, never nan."""
    cases = [(np.array([1.0, 0.0, 0.0]),), (np.array([0.0, 1.0]),), ([0.5, 0.0, 0.5],),
             (np.array([0.0, 0.2, 0.0, 0.8, 0.0]),), (np.eye(6)[4],)]
    cases += G.random_cases(632, 20, lambda r: (_prob(r, zeros=int(r.integers(1, 4))),))
    G.check_cases(entropy, ref.entropy, cases)


# ----------------------------------------------------------------------------
# cross_entropy
# ----------------------------------------------------------------------------

def cross_entropy_values(cross_entropy):
    """-sum p log q (natural log) for 40 random pairs of positive probability vectors."""
    cases = G.random_cases(641, 40, _pair)
    cases += [([0.5, 0.5], [0.9, 0.1]), ([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])]
    G.check_cases(cross_entropy, ref.cross_entropy, cases)


def cross_entropy_identity(cross_entropy):
    """H(p, q) = H(p) + KL(p || q) on 25 random pairs, p with and without zeros."""
    cases = G.random_cases(642, 25, lambda r: _pair(r, p_zeros=int(r.integers(0, 3))))
    for (p, q), got in zip(cases, G.call_each(cross_entropy, cases)):
        h, kl = ref.entropy(p), ref.kl_divergence(p, q)
        _with_hint(got, h + kl, G.describe_call("cross_entropy", (p, q)),
                   f"The identity H(p, q) = H(p) + KL(p || q) = {h!r} + {kl!r} must hold "
                   f"(natural logs, and terms with p_i = 0 count 0).")


def cross_entropy_conventions(cross_entropy):
    """Terms with p_i = 0 count 0 (even if q_i = 0); inf exactly where q_i = 0 < p_i; one-hot labels."""
    cases = [([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]), ([0.0, 1.0], [0.0, 1.0]),
             ([0.5, 0.5], [1.0, 0.0]), ([1.0, 0.0], [0.0, 1.0]),
             (np.array([0.2, 0.0, 0.8]), np.array([0.0, 0.5, 0.5])),
             (np.eye(4)[2], np.array([0.1, 0.2, 0.6, 0.1])),
             (np.eye(3)[0], np.array([1.0, 0.0, 0.0]))]
    cases += G.random_cases(643, 15, lambda r: _pair(r, p_zeros=int(r.integers(1, 4))))
    G.check_cases(cross_entropy, ref.cross_entropy, cases)


# ----------------------------------------------------------------------------
# kl_divergence
# ----------------------------------------------------------------------------

def kl_divergence_values(kl_divergence):
    """sum p log(p / q) for 40 random pairs, some p with zero entries; plain lists."""
    cases = G.random_cases(651, 30, _pair)
    cases += G.random_cases(652, 10, lambda r: _pair(r, p_zeros=int(r.integers(1, 4))))
    cases += [([0.9, 0.1], [0.5, 0.5]), ([0.25] * 4, [0.1, 0.2, 0.3, 0.4])]
    G.check_cases(kl_divergence, ref.kl_divergence, cases)


def kl_divergence_properties(kl_divergence):
    """KL >= 0, KL(p || p) = 0, and asymmetry: KL(p || q) and KL(q || p) each right (not swapped)."""
    cases = G.random_cases(653, 20, _pair)
    for (p, q), got in zip(cases, G.call_each(kl_divergence, cases)):
        shown = G.describe_call("kl_divergence", (p, q))
        got = _as_float(got)
        if got is None or not got >= -1e-12:
            raise G.GradingFailure(f"{shown} returned {got!r}, but KL(p || q) is never negative.")
    cases = [(p, p) for p in G.random_cases(654, 10,
                                            lambda r: _prob(r, zeros=int(r.integers(0, 3))))]
    for (p, _), got in zip(cases, G.call_each(kl_divergence, cases)):
        G.assert_matches(got, 0.0, call=G.describe_call("kl_divergence", (p, p)))
    pairs = [(np.array([0.9, 0.1]), np.array([0.5, 0.5])),
             (np.array([0.7, 0.2, 0.1]), np.array([0.1, 0.1, 0.8]))]
    pairs += G.random_cases(655, 8, _pair)
    directed = []  # (a, b, KL(a || b), KL(b || a)): each pair both ways
    for p, q in pairs:
        forward, backward = ref.kl_divergence(p, q), ref.kl_divergence(q, p)
        directed += [(p, q, forward, backward), (q, p, backward, forward)]
    results = G.call_each(kl_divergence, [(a, b) for a, b, _, _ in directed])
    for (a, b, right, other), got in zip(directed, results):
        hint = ("KL is not symmetric: KL(p || q) = sum p log(p / q) weighs the log-ratio "
                "by the FIRST argument.")
        value = _as_float(got)
        if value is not None and not np.isclose(right, other) and np.isclose(value, other):
            hint = (f"You returned KL(q || p) = {other!r}; the arguments are swapped. " + hint)
        _with_hint(got, right,
                   G.describe_call("kl_divergence", (a, b)), hint)


def kl_divergence_conventions(kl_divergence):
    """0 log(0 / q) = 0 (also for q = 0) and inf exactly (not nan) where q_i = 0 < p_i."""
    cases = [([0.5, 0.5, 0.0], [0.25, 0.25, 0.5]), ([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]),
             ([0.5, 0.5], [1.0, 0.0]), ([1.0, 0.0], [0.0, 1.0]),
             (np.array([0.25, 0.25, 0.5]), np.array([0.5, 0.5, 0.0])),
             (np.eye(5)[1], np.full(5, 0.2)), (np.eye(3)[2], np.eye(3)[2])]
    cases += G.random_cases(656, 10, lambda r: _pair(r, p_zeros=int(r.integers(1, 4)))[::-1])
    G.check_cases(kl_divergence, ref.kl_divergence, cases)


def kl_divergence_errors(kl_divergence):
    """ValueError for shapes, negative entries and sums off 1 by 1e-5 in p or q; 1e-9 is accepted."""
    ok = np.array([0.2, 0.3, 0.5])
    E = G.expect_value_error
    E(kl_divergence, ok, np.array([0.25, 0.25, 0.25, 0.25]), why="shapes differ")
    E(kl_divergence, np.array([1.0]), ok, why="shapes (1,) and (3,) differ")
    E(kl_divergence, ok.reshape(3, 1), ok, why="shapes (3, 1) and (3,) differ")
    E(kl_divergence, np.array([1.2, -0.2]), np.array([0.5, 0.5]), why="p has a negative entry")
    E(kl_divergence, np.array([0.5, 0.5]), np.array([1.5, -0.5]), why="q has a negative entry")
    E(kl_divergence, [0.5, 0.6, -0.1], [0.3, 0.3, 0.4], why="p has a negative entry")
    for off in (1e-5, -1e-5, 0.1, -0.5):
        bad = ok + np.array([0.0, 0.0, off])
        if np.all(bad >= 0):
            E(kl_divergence, bad, ok, why=f"p sums to {bad.sum()!r}, off 1 by {abs(off):g}")
            E(kl_divergence, ok, bad, why=f"q sums to {bad.sum()!r}, off 1 by {abs(off):g}")
    E(kl_divergence, np.array([0.2, 0.3, 0.4]), np.array([0.2, 0.3, 0.4]),
      why="p and q both sum to 0.9")
    accepted = [(ok + np.array([0.0, 0.0, 1e-9]), ok), (ok, ok - np.array([1e-9, 0.0, 0.0])),
                (np.array([0.6, 0.4 + 1e-9]), np.array([0.5, 0.5 - 1e-9]))]
    for (p, q), got in zip(accepted, G.call_each(kl_divergence, accepted)):
        _with_hint(got, ref.kl_divergence(p, q),
                   G.describe_call("kl_divergence", (p, q)),
                   "Sums within 1e-6 of 1 (here off by 1e-9, rounding) must be accepted.")


CHECKS = {
    "gaussian_mle": [gaussian_mle_values, gaussian_mle_divides_by_n, gaussian_mle_edge_cases,
                     gaussian_mle_large_offset],
    "categorical_mle": [categorical_mle_values, categorical_mle_unseen_classes],
    "gaussian_log_likelihood": [gaussian_log_likelihood_values,
                                gaussian_log_likelihood_normalising_term,
                                gaussian_log_likelihood_long_sample,
                                gaussian_log_likelihood_far_outliers],
    "laplace_mle": [laplace_mle_values, laplace_mle_edge_cases],
    "sample_means": [sample_means_exact, sample_means_shapes, sample_means_rng,
                     sample_means_distribution],
    "entropy": [entropy_values, entropy_zero_convention],
    "cross_entropy": [cross_entropy_values, cross_entropy_identity, cross_entropy_conventions],
    "kl_divergence": [kl_divergence_values, kl_divergence_properties, kl_divergence_conventions,
                      kl_divergence_errors],
}
