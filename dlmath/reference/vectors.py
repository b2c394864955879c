"""Reference solutions for 01_vectors (벡터, 노름)."""

from __future__ import annotations

import numpy as np


def l1_norm(x):
    """L1 norm: the sum of absolute values.

    Parameters
    ----------
    x : array_like, shape (n,)
        A vector.

    Returns
    -------
    float
        ``sum(|x_i|)``.
    """
    return float(np.sum(np.abs(np.asarray(x, dtype=np.float64))))


def l2_norm(x):
    """L2 (Euclidean) norm: the length of a vector.

    Parameters
    ----------
    x : array_like, shape (n,)
        A vector.

    Returns
    -------
    float
        ``sqrt(sum(x_i ** 2))``, computed with scaling so that very large or
        very small entries neither overflow nor underflow.
    """
    x = np.asarray(x, dtype=np.float64)
    scale = np.max(np.abs(x)) if x.size else 0.0
    if scale == 0.0 or not np.isfinite(scale):
        return float(scale)
    return float(scale * np.sqrt(np.sum((x / scale) ** 2)))


def distance(x, y, ord=2):
    """Distance ``||x - y||`` in the L1 or L2 norm.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Two vectors of the same shape.
    ord : {1, 2}, optional
        Which norm to use.

    Returns
    -------
    float
        The distance.

    Raises
    ------
    ValueError
        If the shapes differ or ``ord`` is not 1 or 2.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    if ord == 1:
        return l1_norm(x - y)
    if ord == 2:
        return l2_norm(x - y)
    raise ValueError(f"ord must be 1 or 2, got {ord!r}")


def angle(x, y):
    """Angle between two non-zero vectors, in radians.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Two non-zero vectors of the same shape.

    Returns
    -------
    float
        The angle in ``[0, pi]``; the cosine is clipped to ``[-1, 1]`` so that
        rounding never produces ``nan`` for (anti-)parallel vectors.

    Raises
    ------
    ValueError
        If the shapes differ or either vector is zero.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    nx, ny = l2_norm(x), l2_norm(y)
    if nx == 0.0 or ny == 0.0:
        raise ValueError("the angle with a zero vector is undefined")
    cos = np.dot(x / nx, y / ny)
    return float(np.arccos(np.clip(cos, -1.0, 1.0)))
