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
        Two vectors of the same shape, neither of them all zeros.  Tiny
        entries (1e-200, subnormal 1e-310) are fine: each vector is divided
        by its largest absolute entry before anything is squared, which does
        not change its direction and keeps ``x . x`` from underflowing to 0.

    Returns
    -------
    float
        The angle in ``[0, pi]``; the cosine is clipped to ``[-1, 1]`` so that
        rounding never produces ``nan`` for (anti-)parallel vectors.

    Raises
    ------
    ValueError
        If the shapes differ or either vector is zero (every entry exactly 0).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    sx = np.max(np.abs(x)) if x.size else 0.0
    sy = np.max(np.abs(y)) if y.size else 0.0
    if sx == 0.0 or sy == 0.0:
        raise ValueError("the angle with a zero vector (every entry 0) is undefined")
    ux, uy = x / sx, y / sy          # largest entry +-1: no underflow, no overflow
    cos = np.dot(ux, uy) / (l2_norm(ux) * l2_norm(uy))
    return float(np.arccos(np.clip(cos, -1.0, 1.0)))


def pairwise_distances(X, Y):
    """Euclidean distances between every row of X and every row of Y.

    Parameters
    ----------
    X : array_like, shape (n, d)
        One point per row.
    Y : array_like, shape (m, d)
        One point per row, the same number of columns as ``X``.

    Returns
    -------
    ndarray, shape (n, m)
        ``D[i, j] = ||X[i] - Y[j]||_2``, computed from the differences
        themselves (the accurate form; the notebook teaches the faster
        ``sqrt(|x|^2 + |y|^2 - 2 x.y)``, which agrees to about 1e-8 of the
        rows' norms).

    Raises
    ------
    ValueError
        If ``X`` or ``Y`` is not 2-D, or their column counts differ.
    """
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.ndim != 2 or Y.ndim != 2:
        raise ValueError(f"X and Y must be 2-D (one point per row), got shapes {X.shape} and {Y.shape}")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X has {X.shape[1]} columns but Y has {Y.shape[1]}: "
                         "the points must have the same dimension")
    diff = X[:, None, :] - Y[None, :, :]
    return np.sqrt(np.sum(diff * diff, axis=2))
