"""Reference solutions for 05_monte_carlo (확률론, 몬테카를로 샘플링, 공분산, 주변·조건부확률분포, 첨도).

Every function takes its randomness from a :class:`numpy.random.Generator`
``rng`` and never touches NumPy's global random state; ``rng=None`` means a
fresh ``np.random.default_rng()``.
"""

from __future__ import annotations

import numpy as np


def _generator(rng):
    """Return ``rng``, or a fresh unseeded Generator when ``rng`` is None."""
    return np.random.default_rng() if rng is None else rng


def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    """Monte Carlo estimate of the integral of ``f`` over ``[low, high]``.

    With ``U`` uniform on ``[low, high]`` (density ``1 / (high - low)``),
    ``integral = (high - low) * E[f(U)]``, so one estimate is the interval
    length times the average of ``f`` at ``sample_size`` uniform points.  The
    experiment is repeated ``repeat`` times independently.

    Parameters
    ----------
    f : callable
        Vectorised function: ``f(x)`` returns an array shaped like ``x``.
    low, high : float
        Interval ends, ``low < high``.
    sample_size : int, optional
        Number of uniform draws in one estimate.
    repeat : int, optional
        Number of independent estimates.
    rng : numpy.random.Generator, optional
        Source of randomness; ``None`` means ``np.random.default_rng()``.

    Returns
    -------
    mean : float
        Mean of the ``repeat`` estimates.
    std : float
        Their standard deviation (``np.std``, ``ddof=0``): how far one
        estimate typically lies from the integral, i.e. its standard error.
    """
    rng = _generator(rng)
    low = float(low)
    high = float(high)
    x = rng.uniform(low, high, size=(repeat, sample_size))
    values = np.asarray(f(x), dtype=np.float64)
    estimates = (high - low) * values.mean(axis=1)
    return float(estimates.mean()), float(estimates.std())


def estimate_pi(n, rng=None):
    """Estimate pi by throwing ``n`` darts at the unit square.

    The quarter disc ``x**2 + y**2 <= 1`` covers the area ``pi / 4`` of the
    unit square, so four times the fraction of uniform points that land in
    it estimates pi.

    Parameters
    ----------
    n : int
        Number of points, ``n >= 1``.
    rng : numpy.random.Generator, optional
        Source of randomness; ``None`` means ``np.random.default_rng()``.

    Returns
    -------
    float
        ``4 * (number inside) / n``; always one of ``4k / n``.
    """
    rng = _generator(rng)
    n = int(n)
    points = rng.random((n, 2))
    inside = np.count_nonzero(np.sum(points * points, axis=1) <= 1.0)
    return 4.0 * inside / n


def mc_expectation(g, sampler, n, rng=None):
    """Monte Carlo estimate of ``E[g(X)]`` from ``n`` draws of ``X``.

    Parameters
    ----------
    g : callable
        Vectorised function of the samples.
    sampler : callable
        ``sampler(rng, n)`` returns ``n`` independent draws of ``X`` using only
        the Generator it is given.
    n : int
        Number of draws.
    rng : numpy.random.Generator, optional
        Passed to ``sampler``; ``None`` means ``np.random.default_rng()``.

    Returns
    -------
    float
        ``mean(g(sampler(rng, n)))``.
    """
    rng = _generator(rng)
    samples = sampler(rng, n)
    return float(np.mean(np.asarray(g(samples), dtype=np.float64)))


def sample_covariance(X):
    """Unbiased sample covariance matrix (공분산 행렬) of the rows of ``X``.

    ``C[j, k] = sum_i (X[i, j] - mean_j) (X[i, k] - mean_k) / (n - 1)``: each
    column is centred on its own mean, and dividing by ``n - 1`` instead of
    ``n`` (Bessel's correction) makes ``E[C]`` equal the true covariance.

    Parameters
    ----------
    X : array_like, shape (n, d)
        ``n`` observations (rows) of ``d`` variables (columns), ``n >= 2``.

    Returns
    -------
    ndarray, shape (d, d)
        Symmetric, with the sample variances on the diagonal.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D or has fewer than 2 rows.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n, d); got shape {X.shape}")
    n = X.shape[0]
    if n < 2:
        raise ValueError(f"the sample covariance needs at least 2 rows (observations); "
                         f"X has {n}")
    centred = X - X.mean(axis=0)
    return centred.T @ centred / (n - 1)


def _check_joint(joint):
    """``joint`` as a float64 2-D array, or ValueError if it is no joint pmf."""
    joint = np.asarray(joint, dtype=np.float64)
    if joint.ndim != 2:
        raise ValueError(f"joint must be a 2-D array (rows: X, columns: Y); got shape "
                         f"{joint.shape}")
    if np.any(joint < 0):
        raise ValueError(f"a joint pmf has no negative entries; the smallest is {joint.min()!r}")
    total = float(joint.sum())
    if not abs(total - 1.0) <= 1e-6:
        raise ValueError(f"the entries of a joint pmf add up to 1; these add up to {total!r}")
    return joint


def marginal(joint, axis):
    """Marginal distribution (주변확률분포) of a 2-D joint pmf.

    Parameters
    ----------
    joint : array_like, shape (k, m)
        ``joint[i, j] = P(X = i, Y = j)``: rows are the values of X, columns
        the values of Y; non-negative, adding up to 1 (within 1e-6).
    axis : {0, 1}
        The variable kept: 0 gives ``P(X)``, the sum over each row (shape
        (k,)); 1 gives ``P(Y)``, the sum down each column (shape (m,)).

    Returns
    -------
    ndarray
        The marginal pmf.

    Raises
    ------
    ValueError
        If ``axis`` is not 0 or 1, an entry is negative, or the total is off
        1 by more than 1e-6.
    """
    if axis not in (0, 1):
        raise ValueError(f"axis must be 0 (keep X) or 1 (keep Y); got {axis!r}")
    joint = _check_joint(joint)
    return joint.sum(axis=1 - axis)


def conditional(joint, x_index):
    """Conditional distribution (조건부확률분포) ``P(Y | X = x_index)``.

    ``P(Y = j | X = x) = P(X = x, Y = j) / P(X = x)``: the row of ``x``
    divided by its own sum, the marginal ``P(X = x)``.

    Parameters
    ----------
    joint : array_like, shape (k, m)
        A joint pmf as in :func:`marginal`.
    x_index : int
        The row (value of X) conditioned on.

    Returns
    -------
    ndarray, shape (m,)
        Non-negative, adding up to 1.

    Raises
    ------
    ValueError
        If ``P(X = x_index)`` is 0.
    """
    joint = np.asarray(joint, dtype=np.float64)
    row = joint[x_index]
    p_x = row.sum()
    if p_x == 0:
        raise ValueError(f"P(X = {x_index}) is 0 (row {x_index} of joint is all zeros): "
                         f"conditioning on an impossible event is undefined")
    return row / p_x


def excess_kurtosis(x):
    """Excess kurtosis (초과 첨도) ``m4 / m2**2 - 3`` of the data ``x``.

    ``m_k = mean((x - mean(x))**k)`` are the population central moments
    (dividing by n).  A normal distribution has kurtosis 3, so the excess is
    0 for it, about 3 for a Laplace and -1.2 for a uniform distribution.

    Parameters
    ----------
    x : array_like, shape (n,)
        Data.

    Returns
    -------
    float
        The excess kurtosis; ``nan`` for constant data (``m2 = 0``: no spread
        to compare the tails with).  Constancy is tested on the data
        themselves, since rounding can leave ``m2`` tiny but non-zero.
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    if x.size == 0 or np.all(x == x[0]):
        return float("nan")
    d = x - x.mean()
    d2 = d * d
    m2 = d2.mean()
    m4 = (d2 * d2).mean()
    return float(m4 / (m2 * m2) - 3.0)
