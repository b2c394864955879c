"""Reference solutions for 02_matrices (행렬, 무어-펜로즈 역행렬, 선형회귀)."""

from __future__ import annotations

import numpy as np


def pinv(A, rcond=1e-15):
    """Moore-Penrose pseudo-inverse through the singular value decomposition.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Any real matrix: square, tall, wide, rank-deficient or all zeros.
    rcond : float, optional
        Singular values ``<= rcond * max(singular values)`` count as zero.

    Returns
    -------
    ndarray, shape (n, m)
        ``V diag(1/s) U^T`` (thin SVD ``A = U diag(s) V^T``) with the
        reciprocals of negligible singular values replaced by zero.

    Raises
    ------
    ValueError
        If ``A`` is not two-dimensional.
    """
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2:
        raise ValueError(f"A must be a 2-D matrix, got shape {A.shape}")
    m, n = A.shape
    if A.size == 0:
        return np.zeros((n, m))
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    cutoff = rcond * s.max()
    keep = s > cutoff
    inv_s = np.zeros_like(s)
    inv_s[keep] = 1.0 / s[keep]
    # V diag(inv_s) U^T, scaling the columns of V instead of building diag().
    return (Vt.T * inv_s) @ U.T


def solve_least_squares(A, b):
    """Least-squares (or minimum-norm) solution ``x = pinv(A) b``.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Coefficient matrix.
    b : array_like, shape (m,)
        Right-hand side.

    Returns
    -------
    ndarray, shape (n,)
        Minimises ``||A x - b||``; among all minimisers, the one of least
        Euclidean norm.  For an invertible square ``A`` this is ``A^{-1} b``.

    Raises
    ------
    ValueError
        If ``A`` is not 2-D, ``b`` is not 1-D, or their numbers of rows differ.
    """
    A = np.asarray(A, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if A.ndim != 2 or b.ndim != 1 or A.shape[0] != b.shape[0]:
        raise ValueError(f"A has shape {A.shape} but b has shape {b.shape}; "
                         "A must be 2-D, b 1-D, with the same number of rows")
    return pinv(A) @ b


def design_matrix(X):
    """Prepend a column of ones to ``X`` (the intercept column).

    Parameters
    ----------
    X : array_like, shape (n, d)
        Features.

    Returns
    -------
    ndarray, shape (n, d + 1)
        ``[1, X]``.
    """
    X = np.asarray(X, dtype=np.float64)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def fit_linear_regression(X, y):
    """Ordinary least squares through the pseudo-inverse of ``[1, X]``.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Features, one row per example.
    y : array_like, shape (n,)
        Targets.

    Returns
    -------
    ndarray, shape (d + 1,)
        Coefficients, intercept first: ``pinv([1, X]) @ y``.  When the
        columns of ``[1, X]`` are linearly dependent this is the
        least-squares solution of least norm.
    """
    return pinv(design_matrix(X)) @ np.asarray(y, dtype=np.float64)


def predict(X, beta):
    """Predictions of a linear model, ``beta[0] + X @ beta[1:]``.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Features.
    beta : array_like, shape (d + 1,)
        Coefficients, intercept first.

    Returns
    -------
    ndarray, shape (n,)
        Predictions.
    """
    X = np.asarray(X, dtype=np.float64)
    beta = np.asarray(beta, dtype=np.float64)
    return beta[0] + X @ beta[1:]
