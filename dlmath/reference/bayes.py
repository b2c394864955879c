"""Reference solutions for 07_bayes (베이즈 통계학, 조건부확률)."""

from __future__ import annotations

import math

import numpy as np

#: Below this evidence the plain product ``prior * likelihood`` may have lost
#: digits to underflow (subnormal numbers), so the log-space path is used.
_TINY = 1e-280


def posterior(prior, likelihood):
    """Bayes' theorem on a finite set of hypotheses.

    Parameters
    ----------
    prior : array_like, shape (k,)
        Non-negative prior weights ``P(H_i)`` (사전확률).  They need not sum
        to 1: only their ratios matter.
    likelihood : array_like, shape (k,)
        Non-negative ``P(data | H_i)`` (가능도), one number per hypothesis.
        Likelihoods are not a distribution over the hypotheses and need not
        sum to 1.

    Returns
    -------
    ndarray, shape (k,)
        ``P(H_i | data) = prior_i * likelihood_i / evidence`` (사후확률) with
        the evidence ``sum_j prior_j * likelihood_j`` (증거); sums to 1.

    Raises
    ------
    ValueError
        If the shapes differ, the inputs are not 1-D, or the evidence is 0
        (the data are impossible under every hypothesis the prior allows).
    """
    prior = np.asarray(prior, dtype=np.float64)
    likelihood = np.asarray(likelihood, dtype=np.float64)
    if prior.shape != likelihood.shape or prior.ndim != 1:
        raise ValueError(f"prior and likelihood must be 1-D arrays of the same shape, "
                         f"got {prior.shape} and {likelihood.shape}")
    with np.errstate(over="ignore", under="ignore"):
        joint = prior * likelihood
        evidence = joint.sum()
    if np.isfinite(evidence) and evidence > _TINY:
        return joint / evidence
    # Extreme magnitudes: the product underflowed or overflowed.  Work with
    # logarithms and subtract the largest one before exponentiating.
    with np.errstate(divide="ignore"):
        log_joint = np.log(prior) + np.log(likelihood)
    top = np.max(log_joint) if log_joint.size else -np.inf
    if not top > -np.inf:
        raise ValueError("the evidence sum(prior * likelihood) is 0: the data are impossible "
                         "under every hypothesis with non-zero prior")
    weights = np.exp(log_joint - top)
    return weights / weights.sum()


def diagnostic_posterior(prevalence, sensitivity, false_positive_rate):
    """Probability of the disease after one positive test.

    Parameters
    ----------
    prevalence : float
        ``P(disease)`` before the test (유병률, the prior).
    sensitivity : float
        ``P(positive | disease)`` (민감도).
    false_positive_rate : float
        ``P(positive | no disease)`` (오탐률, the type I error rate).

    Returns
    -------
    float
        ``P(disease | positive) = s p / (s p + f (1 - p))``.

    Raises
    ------
    ValueError
        If a positive result is impossible (``s p + f (1 - p) = 0``).
    """
    p = float(prevalence)
    post = posterior([p, 1.0 - p], [sensitivity, false_positive_rate])
    return float(post[0])


def _log(v):
    """Natural log with ``log(0) = -inf`` (and no warning)."""
    v = float(v)
    return math.log(v) if v > 0 else -math.inf


def _expit(z):
    """The logistic function ``1 / (1 + exp(-z))`` without overflow, also for ``z = +-inf``."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sequential_posterior(prevalence, sensitivity, false_positive_rate, results):
    """Probability of the disease after a series of test results.

    Each result updates the current belief with Bayes' theorem and the
    posterior becomes the prior of the next update.  A positive result has
    likelihoods ``(sensitivity, false_positive_rate)`` under (disease, no
    disease); a negative one ``(1 - sensitivity, 1 - false_positive_rate)``.
    The tests are assumed conditionally independent given the disease state.

    The update is done in log-odds (로그 오즈): ``logit(p) = log(p / (1 - p))``
    grows by ``log(likelihood ratio)`` per result, and only the final value is
    turned back into a probability.  Chaining probabilities instead sticks at
    exactly 1.0 once ``1 - p`` falls below the spacing of float64 near 1
    (about 1e-16), after which no negative result can bring it down.  Since
    the per-result steps are added, the reference adds ``count * step`` for
    the positive and for the negative results (the same sum, with fewer
    roundings).

    Parameters
    ----------
    prevalence : float
        ``P(disease)`` before any test.
    sensitivity : float
        ``P(positive | disease)``.
    false_positive_rate : float
        ``P(positive | no disease)``.
    results : sequence of bool
        Test outcomes in order, ``True`` for positive.

    Returns
    -------
    float
        ``P(disease | all results)``; the prevalence itself when ``results``
        is empty.

    Raises
    ------
    ValueError
        If the results are impossible under the current belief (for example
        a prevalence of 1 and a result the ill never get).
    """
    p = float(prevalence)
    results = np.asarray(results, dtype=bool).reshape(-1)
    if results.size == 0:
        return p
    s = float(sensitivity)
    f = float(false_positive_rate)
    positives = int(np.count_nonzero(results))
    negatives = int(results.size - positives)
    log_odds = _log(p) - _log(1.0 - p)  # +-inf for a prevalence of 1 or 0
    for count, like_ill, like_healthy in ((positives, s, f), (negatives, 1.0 - s, 1.0 - f)):
        if count:
            step = _log(like_ill) - _log(like_healthy)
            if math.isnan(step):
                raise ValueError("a test result is impossible both with and without the disease")
            log_odds = log_odds + count * step
    if math.isnan(log_odds):
        raise ValueError("the test results are impossible under the prior (the evidence is 0)")
    return _expit(log_odds)


def confusion_rates(y_true, y_pred):
    """Type I and type II error rates of binary predictions.

    Parameters
    ----------
    y_true : array_like of bool, shape (n,)
        The truth (``True`` = positive, e.g. ill).  ``0``/``1`` integers work too.
    y_pred : array_like of bool, shape (n,)
        The predictions, same shape.

    Returns
    -------
    dict
        ``{"type1": FP / (FP + TN), "type2": FN / (FN + TP)}``: the share of
        true negatives predicted positive (1종 오류, false-positive rate) and
        the share of true positives predicted negative (2종 오류,
        false-negative rate).  A rate whose denominator is 0 is ``nan``.

    Raises
    ------
    ValueError
        If the shapes differ.
    """
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {t.shape} and {p.shape}")
    tp = int(np.count_nonzero(t & p))
    fn = int(np.count_nonzero(t & ~p))
    fp = int(np.count_nonzero(~t & p))
    tn = int(np.count_nonzero(~t & ~p))
    type1 = fp / (fp + tn) if fp + tn else float("nan")
    type2 = fn / (fn + tp) if fn + tp else float("nan")
    return {"type1": type1, "type2": type2}


def _positive(value, name):
    value = float(value)
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def beta_binomial_update(alpha, beta, heads, tails):
    """Conjugate update of a Beta prior on a coin's heads probability.

    The prior density ``theta^(alpha-1) (1-theta)^(beta-1)`` times the
    likelihood ``theta^heads (1-theta)^tails`` of the tosses is again of Beta
    form (켤레 사전분포, conjugate prior).

    Parameters
    ----------
    alpha, beta : float
        Parameters of the prior Beta(alpha, beta), both ``> 0``.
    heads, tails : int or float
        Observed counts, ``>= 0``.

    Returns
    -------
    (float, float)
        ``(alpha + heads, beta + tails)``, the posterior's parameters.

    Raises
    ------
    ValueError
        If ``alpha`` or ``beta`` is ``<= 0`` or a count is negative.
    """
    alpha = _positive(alpha, "alpha")
    beta = _positive(beta, "beta")
    heads, tails = float(heads), float(tails)
    if heads < 0 or tails < 0:
        raise ValueError(f"counts must be >= 0, got heads={heads!r}, tails={tails!r}")
    return alpha + heads, beta + tails


def beta_mean_var(alpha, beta):
    """Mean and variance of Beta(alpha, beta).

    Parameters
    ----------
    alpha, beta : float
        Both ``> 0``.

    Returns
    -------
    (float, float)
        ``mean = alpha / (alpha + beta)`` and
        ``var = alpha beta / ((alpha + beta)^2 (alpha + beta + 1))``.
    """
    alpha, beta = float(alpha), float(beta)
    total = alpha + beta
    mean = alpha / total
    var = alpha * beta / (total * total * (total + 1.0))
    return mean, var


def map_estimate(alpha, beta):
    """Mode of Beta(alpha, beta): the MAP estimate (최대 사후확률 추정).

    Parameters
    ----------
    alpha, beta : float
        Both ``> 1``: then the density is 0 at both ends and has one peak.

    Returns
    -------
    float
        ``(alpha - 1) / (alpha + beta - 2)``.

    Raises
    ------
    ValueError
        If ``alpha <= 1`` or ``beta <= 1`` (the density is then unbounded at
        an end, or flat, and has no interior mode).
    """
    alpha, beta = float(alpha), float(beta)
    if not (alpha > 1 and beta > 1):
        raise ValueError(f"the mode (alpha - 1) / (alpha + beta - 2) needs alpha > 1 and "
                         f"beta > 1, got alpha={alpha!r}, beta={beta!r}")
    return (alpha - 1.0) / (alpha + beta - 2.0)
