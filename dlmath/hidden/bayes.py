"""Hidden tests for 07_bayes."""

from __future__ import annotations

import numpy as np

from dlmath import grading as G
from dlmath.reference import bayes as ref


# ----------------------------------------------------------------------------
# posterior
# ----------------------------------------------------------------------------

def _check_posteriors(posterior, cases):
    """Every (prior, likelihood) case in one round trip; see :func:`_check_posterior`."""
    results = G.call_each(posterior, cases, name="posterior")
    for (prior, likelihood), actual in zip(cases, results):
        _check_posterior(actual, prior, likelihood)


def _check_posterior(actual, prior, likelihood):
    """One posterior case (``actual`` is the learner's result): first a teaching message
    about normalisation, then the values."""
    shown = G.describe_call("posterior", (prior, likelihood))
    with G.quiet():
        expected = ref.posterior(prior, likelihood)
    if isinstance(actual, np.ndarray) and actual.shape == expected.shape \
            and actual.dtype.kind in "fiu":
        with G.quiet():
            total = float(np.sum(actual, dtype=np.float64))
        if not abs(total - 1.0) <= 1e-9:
            raise G.GradingFailure(
                f"{shown} returned {G.describe(actual)}, which sums to {total!r}; a posterior "
                f"distribution must sum to 1. Divide prior * likelihood by the evidence "
                f"sum(prior * likelihood).\nexpected: {G.describe(expected)}")
    G.assert_matches(actual, expected, call=shown)


def _prior_likelihood(rng):
    k = int(rng.integers(1, 31))
    prior = rng.dirichlet(np.full(k, float(rng.choice([0.5, 1.0, 5.0]))))
    if rng.random() < 0.25:  # unnormalised weights are allowed: only ratios matter
        prior = prior * float(rng.choice([0.2, 3.0, 40.0]))
    likelihood = rng.uniform(0.0, 1.0, size=k) * float(rng.choice([1e-3, 0.1, 1.0]))
    return prior, likelihood


def posterior_values(posterior):
    """posterior sums to 1 and matches Bayes' theorem on 40 random priors and likelihoods, k = 1..30."""
    cases = G.random_cases(701, 40, _prior_likelihood)
    # Two hypotheses, the shape of the diagnostic test: normalising only the
    # likelihood or only the prior gives a different answer here.
    cases += [(np.array([0.1, 0.9]), np.array([0.99, 0.1])),
              (np.array([0.7, 0.2, 0.1]), np.array([0.2, 0.5, 0.9]))]
    _check_posteriors(posterior, cases)


def posterior_edge_cases(posterior):
    """Zeros in prior or likelihood, one hypothesis, count priors, tiny evidence, plain lists."""
    cases = [
        ([0.2, 0.3, 0.5], [0.0, 1.0, 0.0]),               # the data rule out all but one
        (np.array([0.0, 0.5, 0.5]), np.array([0.9, 0.1, 0.3])),  # a hypothesis with prior 0
        (np.array([1.0]), np.array([0.3])),                # one hypothesis: posterior 1
        (np.array([1, 2, 3, 4]), np.array([0.5, 0.5, 0.5, 0.5])),  # integer counts, flat likelihood
        (np.full(5, 0.2), np.array([0.05, 0.1, 0.15, 0.2, 0.5])),  # flat prior: posterior ∝ likelihood
        (np.array([0.5, 0.5]), np.array([1e-12, 3e-12])),  # tiny but non-zero evidence is fine
        ([0.25, 0.75], [2, 1]),                            # plain lists, integer likelihoods
    ]
    _check_posteriors(posterior, cases)


def posterior_errors(posterior):
    """ValueError when the evidence sum(prior * likelihood) is 0."""
    G.expect_value_error(posterior, np.array([0.3, 0.7]), np.zeros(2),
                         why="every likelihood is 0, so the evidence is 0")
    G.expect_value_error(posterior, np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.4, 0.6]),
                         why="the data are impossible under the only hypothesis the prior allows")
    G.expect_value_error(posterior, np.zeros(4), np.full(4, 0.5),
                         why="the prior is all zeros, so the evidence is 0")
    G.expect_value_error(posterior, [1.0], [0.0], why="the evidence is 0")


# ----------------------------------------------------------------------------
# diagnostic_posterior
# ----------------------------------------------------------------------------

def _test_parameters(rng):
    prevalence = float(10 ** rng.uniform(-4, -0.3))
    sensitivity = float(rng.uniform(0.5, 0.999))
    false_positive_rate = float(rng.uniform(0.001, 0.4))
    return prevalence, sensitivity, false_positive_rate


def diagnostic_posterior_values(diagnostic_posterior):
    """The notebook's examples and 40 random prevalences, sensitivities and false-positive rates."""
    cases = [(0.1, 0.99, 0.01), (0.1, 0.99, 0.1), (0.001, 0.99, 0.1), (0.01, 0.9, 0.05)]
    cases += G.random_cases(702, 40, _test_parameters)
    G.check_cases(diagnostic_posterior, ref.diagnostic_posterior, cases)


def diagnostic_posterior_edge_cases(diagnostic_posterior):
    """Prevalence 0 or 1, a test without false positives, a useless test (sensitivity = false-positive rate)."""
    cases = [
        (0.0, 0.9, 0.1),      # nobody is ill: still 0 after a positive test
        (1.0, 0.9, 0.1),      # everybody is ill: still 1
        (0.3, 0.8, 0.0),      # no false positives: a positive test is proof
        (0.3, 0.6, 0.6),      # the test ignores the disease: belief does not move
        (0.5, 0.9, 0.1),      # a 50/50 prior: the posterior is s / (s + f)
        (0.99, 0.7, 0.3),     # a common condition
        (np.float64(0.02), np.float64(0.95), np.float64(0.02)),
    ]
    G.check_cases(diagnostic_posterior, ref.diagnostic_posterior, cases)


# ----------------------------------------------------------------------------
# sequential_posterior
# ----------------------------------------------------------------------------

def _mixed_sequence(rng):
    prevalence, sensitivity, false_positive_rate = _test_parameters(rng)
    sensitivity = max(sensitivity, 0.6)
    n = int(rng.integers(2, 9))
    results = rng.random(n) < 0.5
    if results.all() or not results.any():  # make sure both kinds of result occur
        results[int(rng.integers(n))] ^= True
    as_list = rng.random() < 0.5
    results = [bool(r) for r in results] if as_list else results
    return prevalence, sensitivity, false_positive_rate, results


def sequential_posterior_mixed(sequential_posterior):
    """Mixed positive and negative results: each with its own likelihood, each posterior the next prior."""
    cases = [
        (0.1, 0.99, 0.1, [True, False, True]),
        (0.1, 0.99, 0.1, [False, True]),
        (0.2, 0.9, 0.1, [True, False]),
        (0.05, 0.8, 0.2, [True, True, False, False, True]),
        (0.3, 0.7, 0.05, np.array([False, False, True])),
    ]
    cases += G.random_cases(703, 30, _mixed_sequence)
    G.check_cases(sequential_posterior, ref.sequential_posterior, cases)


def sequential_posterior_positives(sequential_posterior):
    """Repeated positive tests chain: two positives give far more than one (the second test uses the first posterior as its prior)."""
    cases = [(0.1, 0.99, 0.1, [True, True]),
             (0.1, 0.99, 0.1, [True, True, True])]
    cases += [(0.001, 0.99, 0.05, [True] * k) for k in range(1, 5)]
    cases += G.random_cases(704, 15, lambda r: (*_test_parameters(r),
                                                [True] * int(r.integers(2, 6))))
    G.check_cases(sequential_posterior, ref.sequential_posterior, cases)


def sequential_posterior_edge_cases(sequential_posterior):
    """No results (the prevalence comes back), a single negative, tuples and NumPy arrays, long sequences."""
    cases = [
        (0.1, 0.99, 0.1, []),
        (0.37, 0.8, 0.2, np.array([], dtype=bool)),
        (0.2, 0.9, 0.1, [False]),                     # one negative: 0.2*0.1 / (0.2*0.1 + 0.8*0.9)
        (0.2, 0.9, 0.1, (True,)),
        (0.01, 0.9, 0.2, [True] * 40),                # belief climbs towards 1, no nan
        (0.5, 0.9, 0.2, np.zeros(25, dtype=bool)),    # belief falls towards 0, no nan
        (0.01, 0.9, 0.2, np.tile([True, True, False], 10)),
    ]
    G.check_cases(sequential_posterior, ref.sequential_posterior, cases)


_LOG_ODDS_HINT = ("Work in log-odds: start from logit(p) = log(p / (1 - p)), add "
                  "log(likelihood ratio) for each result (log(s / f) for a positive, "
                  "log((1 - s) / (1 - f)) for a negative), and turn only the final value back into "
                  "a probability. Chained probabilities stick at exactly 1.0 (or 0.0) once the "
                  "belief is more extreme than float64 can store, and no later result moves them.")


def _long_sequence(rng):
    """Thousands of mixed results, shuffled, whose final log-odds is moderate (|logit| <= 25)."""
    prevalence = float(10 ** rng.uniform(-3, -0.3))
    s = float(rng.uniform(0.6, 0.999))
    f = float(rng.uniform(0.001, 0.4))
    n = int(rng.integers(1000, 5001))
    up, down = np.log(s / f), np.log((1 - s) / (1 - f))
    start = np.log(prevalence / (1 - prevalence))
    target = float(rng.uniform(-25, 25))
    positives = int(round((target - start - n * down) / (up - down)))
    positives = min(max(positives, 0), n)
    results = np.zeros(n, dtype=bool)
    results[:positives] = True
    rng.shuffle(results)
    return prevalence, s, f, results


def sequential_posterior_long(sequential_posterior):
    """Long sequences never stick at exactly 0 or 1: there and back returns to the prior, thousands of mixed results match the log-odds oracle."""
    cases = [  # (how the results are shown, prevalence, s, f, results)
        ("[True] * 30 + [False] * 30", 0.1, 0.99, 0.01, [True] * 30 + [False] * 30),  # back to 0.1
        ("[False] * 30 + [True] * 30", 0.1, 0.99, 0.01, [False] * 30 + [True] * 30),
        ("[True] * 50 + [False] * 50", 0.3, 0.9, 0.1, [True] * 50 + [False] * 50),  # f = 1 - s
        ("[False] * 400 + [True] * 400", 0.3, 0.9, 0.1, [False] * 400 + [True] * 400),  # below 1e-308
        ("np.tile([True] * 40 + [False] * 40, 5)", 0.02, 0.8, 0.2,
         np.tile([True] * 40 + [False] * 40, 5)),
        ("np.r_[np.ones(200, bool), np.zeros(199, bool)]", 0.5, 0.95, 0.05,
         np.r_[np.ones(200, bool), np.zeros(199, bool)]),
        ("[True] * 30 + [False] * 31", 0.1, 0.99, 0.01, [True] * 30 + [False] * 31),
    ]
    for prevalence, s, f, results in G.random_cases(708, 12, _long_sequence):
        k = int(np.count_nonzero(results))
        cases.append((f"<{results.size} results in random order: {k} positive, "
                      f"{results.size - k} negative>", prevalence, s, f, results))
    answers = G.call_each(sequential_posterior, [case[1:] for case in cases],
                          name="sequential_posterior")
    for (shown, prevalence, s, f, results), got in zip(cases, answers):
        expected = ref.sequential_posterior(prevalence, s, f, results)
        call = f"sequential_posterior({prevalence!r}, {s!r}, {f!r}, {shown})"
        try:
            G.assert_matches(got, expected, call=call, rtol=1e-7, atol=0.0)
        except G.GradingFailure as exc:
            raise G.GradingFailure(f"{exc}\n{_LOG_ODDS_HINT}") from None


# ----------------------------------------------------------------------------
# confusion_rates
# ----------------------------------------------------------------------------

def _labelled(rng):
    n = int(rng.integers(5, 300))
    y_true = rng.random(n) < rng.uniform(0.05, 0.95)
    y_true[0], y_true[1] = True, False  # both classes present: no nan here
    type1, type2 = rng.uniform(0.0, 0.5, size=2)
    miss = rng.random(n) < type2
    alarm = rng.random(n) < type1
    y_pred = np.where(y_true, ~miss, alarm)
    return y_true, y_pred


def _check_confusions(confusion_rates, cases):
    """Every (y_true, y_pred) case in one round trip; see :func:`_check_confusion`."""
    results = G.call_each(confusion_rates, cases, name="confusion_rates")
    for (y_true, y_pred), actual in zip(cases, results):
        _check_confusion(actual, y_true, y_pred)


def _check_confusion(actual, y_true, y_pred):
    """One confusion_rates case (``actual`` is the learner's result); an undefined rate
    reported as a number gets its own message."""
    shown = G.describe_call("confusion_rates", (y_true, y_pred))
    with G.quiet():
        expected = ref.confusion_rates(y_true, y_pred)
    if isinstance(actual, dict):
        for key, denominator in (("type1", "FP + TN, the number of true negatives"),
                                 ("type2", "FN + TP, the number of true positives")):
            value = actual.get(key)
            if np.isnan(expected[key]) and G.is_number(value) and not np.isnan(value):
                raise G.GradingFailure(
                    f"{shown}[{key!r}] returned {float(value)!r}; expected nan. Here the "
                    f"denominator {denominator}, is 0, so the rate is undefined: return "
                    f"float('nan') (np.nan) instead.")
    G.assert_matches(actual, expected, call=shown)


def confusion_rates_values(confusion_rates):
    """type1 = FP/(FP+TN) and type2 = FN/(FN+TP) on 30 random boolean label arrays."""
    cases = [(np.array([True, True, False, False, False]), np.array([True, False, True, False, False])),
             (np.array([False, True, False, True, True, False]), np.array([False, False, False, True, True, False]))]
    cases += G.random_cases(705, 30, _labelled)
    _check_confusions(confusion_rates, cases)


def confusion_rates_nan(confusion_rates):
    """A rate whose denominator is 0 is nan (not 0): all-positive truth, all-negative truth, no data."""
    rng = np.random.default_rng(706)
    mixed = rng.random(20) < 0.5
    cases = [
        (np.ones(20, dtype=bool), mixed),                       # no negatives: type1 is nan
        (np.zeros(20, dtype=bool), mixed),                      # no positives: type2 is nan
        (np.ones(6, dtype=bool), np.ones(6, dtype=bool)),       # perfect on positives only
        (np.zeros(6, dtype=bool), np.zeros(6, dtype=bool)),     # perfect on negatives only
        (np.array([], dtype=bool), np.array([], dtype=bool)),   # no data at all: both nan
    ]
    _check_confusions(confusion_rates, cases)


def confusion_rates_inputs(confusion_rates):
    """Plain lists of booleans, integer 0/1 arrays and lists: 0 and 1 mean negative and positive."""
    truth = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    guess = [1, 1, 1, 0, 1, 0, 0, 0, 0, 0]  # TP 3, FN 1, FP 1, TN 5
    cases = [
        ([bool(v) for v in truth], [bool(v) for v in guess]),
        (np.array(truth), np.array(guess)),
        (truth, guess),
        (np.array([0, 0, 1, 1, 0, 1]), np.array([1, 0, 1, 0, 0, 1])),
    ]
    cases += [(y_t.astype(np.int64), y_p.astype(np.int64))
              for y_t, y_p in G.random_cases(707, 8, _labelled)]
    G.check_cases(confusion_rates, ref.confusion_rates, cases)


# ----------------------------------------------------------------------------
# beta_binomial_update, beta_mean_var, map_estimate
# ----------------------------------------------------------------------------

def _beta_prior(rng):
    return float(10 ** rng.uniform(-1, 2)), float(10 ** rng.uniform(-1, 2))


def _update_case(rng):
    alpha, beta = _beta_prior(rng)
    heads, tails = (int(v) for v in rng.integers(0, 500, size=2))
    kind = int(rng.integers(3))
    if kind == 1:
        heads, tails = np.int64(heads), np.int64(tails)
    elif kind == 2:
        alpha, beta = int(np.ceil(alpha)), int(np.ceil(beta))
    return alpha, beta, heads, tails


def beta_binomial_update_values(beta_binomial_update):
    """(alpha + heads, beta + tails) for 30 random priors and counts, zero counts, Jeffreys' prior, huge counts."""
    cases = [(1, 1, 7, 3), (2.0, 2.0, 0, 0), (0.5, 0.5, 3, 9), (2, 5, 10, 0), (1, 1, 0, 10),
             (3.5, 1.25, 1_000_000, 2_500_000), (np.float64(4.0), np.float64(6.0), np.int64(2), np.int64(8))]
    cases += G.random_cases(711, 30, _update_case)
    results = G.call_each(beta_binomial_update, cases, name="beta_binomial_update")
    for (alpha, beta, heads, tails), got in zip(cases, results):
        expected = ref.beta_binomial_update(alpha, beta, heads, tails)
        call = G.describe_call("beta_binomial_update", (alpha, beta, heads, tails))
        swapped = (float(alpha) + float(tails), float(beta) + float(heads))
        hint = ""
        if (isinstance(got, (tuple, list)) and len(got) == 2 and all(G.is_number(v) for v in got)
                and heads != tails and np.allclose([float(v) for v in got], swapped)):
            hint = ("\nHeads are successes: they add to alpha (the exponent of theta); tails add "
                    "to beta (the exponent of 1 - theta).")
        try:
            G.assert_matches(got, expected, call=call)
        except G.GradingFailure as exc:
            raise G.GradingFailure(f"{exc}{hint}") from None


def beta_binomial_update_errors(beta_binomial_update):
    """ValueError for alpha or beta <= 0 and for negative counts; tiny positive parameters and zero counts are accepted."""
    E = G.expect_value_error
    E(beta_binomial_update, 0.0, 1.0, 3, 4, why="alpha = 0: Beta needs alpha > 0", name="beta_binomial_update")
    E(beta_binomial_update, 1.0, 0.0, 3, 4, why="beta = 0: Beta needs beta > 0", name="beta_binomial_update")
    E(beta_binomial_update, -2.0, 3.0, 0, 0, why="alpha = -2 is negative", name="beta_binomial_update")
    E(beta_binomial_update, 2.0, -0.5, 1, 1, why="beta = -0.5 is negative", name="beta_binomial_update")
    E(beta_binomial_update, 1.0, 1.0, -1, 5, why="heads = -1 is a negative count", name="beta_binomial_update")
    E(beta_binomial_update, 1.0, 1.0, 5, -3, why="tails = -3 is a negative count", name="beta_binomial_update")
    E(beta_binomial_update, 0, 0, 0, 0, why="alpha = beta = 0", name="beta_binomial_update")
    accepted = [(1e-3, 1e-3, 0, 0), (0.5, 2.0, 0, 4), (1, 1, 0, 0)]
    G.check_cases(beta_binomial_update, ref.beta_binomial_update, accepted)


def beta_mean_var_values(beta_mean_var):
    """mean = a / (a + b) and var = a b / ((a + b)^2 (a + b + 1)) for 40 random (a, b) from 0.1 to 100."""
    cases = [(2.0, 8.0), (8.0, 2.0), (3.0, 3.0)]
    cases += G.random_cases(712, 40, _beta_prior)
    G.check_cases(beta_mean_var, ref.beta_mean_var, cases)


def beta_mean_var_special(beta_mean_var):
    """The uniform Beta(1, 1) = (1/2, 1/12), Beta(1/2, 1/2), integers, mirrored (b, a), huge and lopsided parameters."""
    cases = [(1, 1), (0.5, 0.5), (2, 2), (1, 9), (9, 1), (1e6, 1e6), (0.05, 1e4), (1e4, 0.05),
             (np.int64(3), np.int64(7)), (np.float64(0.2), 30)]
    G.check_cases(beta_mean_var, ref.beta_mean_var, cases)


def _map_case(rng):
    return float(1 + 10 ** rng.uniform(-2, 2)), float(1 + 10 ** rng.uniform(-2, 2))


def map_estimate_values(map_estimate):
    """(alpha - 1) / (alpha + beta - 2) for 40 random alpha, beta > 1; with a flat prior it is the MLE h / (h + t)."""
    cases = [(2.0, 2.0), (8.0, 4.0), (1 + 7, 1 + 3), (1.5, 1.5), (1.0001, 3.0), (101, 1.5),
             (np.int64(5), np.int64(2))]
    cases += G.random_cases(713, 40, _map_case)
    results = G.call_each(map_estimate, cases, name="map_estimate")
    for (alpha, beta), got in zip(cases, results):
        expected = ref.map_estimate(alpha, beta)
        call = G.describe_call("map_estimate", (alpha, beta))
        hint = ""
        mean = float(alpha) / (float(alpha) + float(beta))
        if G.is_number(got) and not np.isclose(mean, expected) and np.isclose(float(got), mean):
            hint = ("\nThat is the mean alpha / (alpha + beta); the MAP estimate is the mode, "
                    "(alpha - 1) / (alpha + beta - 2).")
        try:
            G.assert_matches(got, expected, call=call)
        except G.GradingFailure as exc:
            raise G.GradingFailure(f"{exc}{hint}") from None


def map_estimate_errors(map_estimate):
    """ValueError unless alpha > 1 and beta > 1 (a flat or U-shaped Beta has no interior mode)."""
    E = G.expect_value_error
    for alpha, beta, why in [(1.0, 3.0, "alpha = 1: the density is largest at theta = 0"),
                             (3.0, 1.0, "beta = 1: the density is largest at theta = 1"),
                             (1.0, 1.0, "Beta(1, 1) is flat: every theta is a mode"),
                             (0.5, 0.5, "Beta(1/2, 1/2) is U-shaped, unbounded at both ends"),
                             (0.99, 5.0, "alpha < 1"), (5.0, 0.2, "beta < 1"),
                             (-1.0, 4.0, "alpha is negative")]:
        E(map_estimate, alpha, beta, why=why, name="map_estimate")
    G.check_cases(map_estimate, ref.map_estimate, [(1.0 + 1e-9, 2.0), (2.0, 1.0 + 1e-9)])


CHECKS = {
    "posterior": [posterior_values, posterior_edge_cases, posterior_errors],
    "diagnostic_posterior": [diagnostic_posterior_values, diagnostic_posterior_edge_cases],
    "sequential_posterior": [sequential_posterior_mixed, sequential_posterior_positives,
                             sequential_posterior_edge_cases, sequential_posterior_long],
    "confusion_rates": [confusion_rates_values, confusion_rates_nan, confusion_rates_inputs],
    "beta_binomial_update": [beta_binomial_update_values, beta_binomial_update_errors],
    "beta_mean_var": [beta_mean_var_values, beta_mean_var_special],
    "map_estimate": [map_estimate_values, map_estimate_errors],
}
