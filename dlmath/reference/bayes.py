"""Reference solutions for 07_bayes (베이즈 통계학, 조건부확률)."""

from __future__ import annotations

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


def sequential_posterior(prevalence, sensitivity, false_positive_rate, results):
    """Probability of the disease after a series of test results.

    Each result updates the current belief with Bayes' theorem and the
    posterior becomes the prior of the next update.  A positive result has
    likelihoods ``(sensitivity, false_positive_rate)`` under (disease, no
    disease); a negative one ``(1 - sensitivity, 1 - false_positive_rate)``.
    The tests are assumed conditionally independent given the disease state.

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
        If some result is impossible under the current belief.
    """
    p = float(prevalence)
    for positive in np.asarray(results, dtype=bool).reshape(-1):
        if positive:
            lik = [sensitivity, false_positive_rate]
        else:
            lik = [1.0 - sensitivity, 1.0 - false_positive_rate]
        p = float(posterior([p, 1.0 - p], lik)[0])
    return p


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
