"""Reference solutions for 05_monte_carlo (확률론, 몬테카를로 샘플링).

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
