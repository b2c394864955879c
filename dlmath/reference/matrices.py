"""Reference solutions for 02_matrices (행렬, 무어-펜로즈 역행렬, 선형회귀)."""

from __future__ import annotations

import numpy as np


def pinv(A, rcond=1e-15):
    """Moore-Penrose pseudo-inverse through the singular value decomposition.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Any real matrix.
    rcond : float, optional
        Singular values ``<= rcond * max(singular values)`` count as zero.

    Returns
    -------
    ndarray, shape (n, m)
        ``V diag(1/s) U^T`` with the reciprocals of negligible singular
        values replaced by zero.
    """
    A = np.asarray(A, dtype=np.float64)
    m, n = A.shape
    if A.size == 0:
        return np.zeros((n, m))
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    cutoff = rcond * (s.max() if s.size else 0.0)
    keep = s > cutoff
    inv_s = np.zeros_like(s)
    inv_s[keep] = 1.0 / s[keep]
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
        Minimises ``||A x - b||``; among minimisers, the one of least norm.

    Raises
    ------
    ValueError
        If ``A`` and ``b`` have different numbers of rows.
    """
    A = np.asarray(A, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if A.ndim != 2 or b.ndim != 1 or A.shape[0] != b.shape[0]:
        raise ValueError(f"A has shape {A.shape} but b has shape {b.shape}; "
                         "their numbers of rows must agree")
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
        Features.
    y : array_like, shape (n,)
        Targets.

    Returns
    -------
    ndarray, shape (d + 1,)
        Coefficients, intercept first.
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
