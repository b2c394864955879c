"""Reference solutions for 06_mle_kl (최대가능도 추정, 쿨백-라이블러 발산)."""

from __future__ import annotations

import numpy as np

#: Largest distance of a probability vector's sum from 1 that kl_divergence accepts.
SUM_TOLERANCE = 1e-6


def gaussian_mle(x):
    """Maximum-likelihood estimates of a normal distribution's mean and variance.

    Parameters
    ----------
    x : array_like, shape (n,)
        A sample, ``n >= 1``.

    Returns
    -------
    mu : float
        The sample mean ``(1/n) sum x_i``.
    var : float
        The MLE of the variance ``(1/n) sum (x_i - mu)^2``: it divides by
        ``n`` (the biased estimator), not by ``n - 1``.  Computed in two
        passes (mean first, then squared deviations), which is accurate even
        when the mean is large compared with the spread.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    mu = np.mean(x)
    deviations = x - mu
    # Second pass: the deviations are small numbers computed without
    # cancellation, so 1e8 + noise keeps all the digits of the noise (the
    # one-pass E[x^2] - E[x]^2 would subtract two numbers near 1e16).
    var = np.mean(deviations ** 2)
    return float(mu), float(var)


def categorical_mle(labels, num_classes):
    """Maximum-likelihood estimate of a categorical distribution.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Observed classes, each in ``0 .. num_classes - 1``; ``n >= 1``.
    num_classes : int
        Number of classes ``K``.

    Returns
    -------
    ndarray, shape (num_classes,)
        ``p_k = (number of labels equal to k) / n``; classes never seen get 0.
    """
    labels = np.asarray(labels).reshape(-1).astype(np.int64)
    counts = np.bincount(labels, minlength=int(num_classes))
    return counts.astype(np.float64) / labels.size


def gaussian_log_likelihood(x, mu, var):
    """Log-likelihood of a sample under ``N(mu, var)``.

    Parameters
    ----------
    x : array_like, shape (n,)
        The sample.
    mu : float
        Mean.
    var : float
        Variance (``> 0``), not the standard deviation.

    Returns
    -------
    float
        ``sum_i log N(x_i; mu, var)
        = -n/2 log(2 pi var) - sum_i (x_i - mu)^2 / (2 var)``, computed as a
        sum of logarithms so it stays finite where the product of densities
        would underflow to 0, and where a single density would: an
        observation 40 standard deviations away contributes about -800
        (``exp(-800)`` is 0 in float64, its logarithm is not needed).
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    mu = float(mu)
    var = float(var)
    return float(-0.5 * x.size * np.log(2.0 * np.pi * var)
                 - np.sum((x - mu) ** 2) / (2.0 * var))


def laplace_mle(x):
    """Maximum-likelihood location and scale of a Laplace distribution.

    The Laplace density is ``p(x | m, b) = exp(-|x - m| / b) / (2 b)``, so the
    log-likelihood of a sample is ``-n log(2 b) - sum_i |x_i - m| / b``.
    For every ``b`` it is largest where ``sum_i |x_i - m|`` (the L1 distance
    from ``x`` to ``m``) is smallest: at the median.  Setting the derivative
    with respect to ``b`` to zero then gives ``b = mean |x_i - m|``.

    Parameters
    ----------
    x : array_like, shape (n,)
        A sample, ``n >= 1``.

    Returns
    -------
    m : float
        The median of ``x`` (for even ``n`` the midpoint of the two middle
        values, as ``np.median``; any point between them maximises the
        likelihood, and ``b`` is the same for all of them).
    b : float
        The mean absolute deviation from ``m``.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    m = float(np.median(x))
    b = float(np.mean(np.abs(x - m)))
    return m, b


def sample_means(sampler, n, repeats, rng=None):
    """Means of ``repeats`` independent samples of size ``n``.

    Parameters
    ----------
    sampler : callable
        ``sampler(rng, n)`` returns one sample of size ``n`` (array_like)
        drawn with the generator ``rng``.
    n : int
        Size of each sample.
    repeats : int
        Number of samples.
    rng : numpy.random.Generator, optional
        Source of randomness; ``None`` means ``np.random.default_rng()``.
        The global ``np.random`` state is never used.

    Returns
    -------
    ndarray, shape (repeats,)
        Entry ``r`` is the mean of the ``r``-th call ``sampler(rng, n)``; the
        calls are made one after another with the same ``rng``, so the same
        seed gives the same result.  By the central limit theorem the entries
        are approximately ``N(mu, sigma^2 / n)`` distributed.
    """
    if rng is None:
        rng = np.random.default_rng()
    n = int(n)
    repeats = int(repeats)
    means = np.empty(repeats, dtype=np.float64)
    for r in range(repeats):
        means[r] = np.mean(np.asarray(sampler(rng, n), dtype=np.float64))
    return means


def _xlogy(x, y):
    """``x * log(y)`` elementwise, with ``0 * log(y) = 0`` for every ``y >= 0``."""
    out = np.zeros(np.broadcast(x, y).shape)
    mask = x != 0
    with np.errstate(divide="ignore"):
        out[mask] = x[mask] * np.log(y[mask])
    return out


def entropy(p):
    """Shannon entropy in nats.

    Parameters
    ----------
    p : array_like, shape (k,)
        A probability vector.

    Returns
    -------
    float
        ``H(p) = -sum_i p_i log p_i`` with ``0 log 0 = 0``.
    """
    p = np.asarray(p, dtype=np.float64)
    return float(-np.sum(_xlogy(p, p))) + 0.0  # + 0.0 turns -0.0 into 0.0


def cross_entropy(p, q):
    """Cross-entropy of ``q`` relative to ``p``, in nats.

    Parameters
    ----------
    p, q : array_like, shape (k,)
        Probability vectors: ``p`` the true (or label) distribution, ``q``
        the model's.

    Returns
    -------
    float
        ``H(p, q) = -sum_i p_i log q_i``.  Terms with ``p_i = 0`` count 0
        (even where ``q_i = 0``); the result is ``inf`` when some
        ``q_i = 0 < p_i``.

    Raises
    ------
    ValueError
        If the shapes differ.
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    if np.any((q == 0) & (p > 0)):
        return float("inf")
    return float(-np.sum(_xlogy(p, q))) + 0.0


def _check_distribution(v, name):
    if np.any(v < 0):
        raise ValueError(f"{name} has a negative entry: {v[v < 0][0]!r}")
    total = float(np.sum(v))
    if not abs(total - 1.0) <= SUM_TOLERANCE:
        raise ValueError(f"{name} must sum to 1 (within {SUM_TOLERANCE:g}), but sums to {total!r}")


def kl_divergence(p, q):
    """Kullback-Leibler divergence ``KL(p || q)``, in nats.

    Parameters
    ----------
    p, q : array_like, shape (k,)
        Probability vectors of the same shape.

    Returns
    -------
    float
        ``sum_i p_i log(p_i / q_i)`` with ``0 log(0 / q) = 0``; ``inf`` when
        some ``q_i = 0 < p_i``.  Always ``>= 0`` and 0 only when ``p = q``.

    Raises
    ------
    ValueError
        If the shapes differ, an entry of ``p`` or ``q`` is negative, or the
        sum of ``p`` or ``q`` is off 1 by more than ``1e-6``.
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    _check_distribution(p, "p")
    _check_distribution(q, "q")
    mask = p > 0
    if np.any(q[mask] == 0):
        return float("inf")
    pm, qm = p[mask], q[mask]
    value = float(np.sum(pm * (np.log(pm) - np.log(qm))))
    return max(value, 0.0)  # rounding can give -1e-17 where p is almost q
