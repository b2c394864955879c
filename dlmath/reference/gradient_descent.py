"""Reference solutions for 03_gradient_descent (미분, 경사하강법, SGD)."""

from __future__ import annotations

import numpy as np
import sympy

from .matrices import design_matrix


def symbolic_gradient(expr, variables):
    """Partial derivatives of a formula with :func:`sympy.diff`.

    Parameters
    ----------
    expr : str
        A formula SymPy can parse, e.g. ``"x**2 + 3*x*y"``.  An expression
        that is already a SymPy object is used as it is.
    variables : sequence of str
        Names to differentiate by, in order.  A name need not occur in
        ``expr`` (its partial derivative is then 0).

    Returns
    -------
    list of sympy.Expr
        ``[d expr / d v for v in variables]``, in the order of ``variables``.

    Examples
    --------
    >>> symbolic_gradient("x**2 + 3*x*y", ["x", "y"])
    [2*x + 3*y, 3*x]
    """
    names = [str(v) for v in variables]
    # Parse with the variables as plain symbols, so that a name such as
    # "beta" or "E" means the variable and not a SymPy function or constant.
    symbols = {name: sympy.Symbol(name) for name in names}
    parsed = sympy.sympify(expr, locals=symbols)
    return [sympy.diff(parsed, symbols[name]) for name in names]


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for a 1-D array ``x``.
    x : array_like, shape (n,)
        Point at which to differentiate (not modified).
    h : float, optional
        Step size.

    Returns
    -------
    ndarray, shape (n,)
        ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for each coordinate ``i``,
        where ``e_i`` is the ``i``-th unit vector.  The error is of order
        ``h**2`` (a forward difference would be of order ``h``).
    """
    x = np.array(x, dtype=np.float64)  # a copy: the caller's x is never touched
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (float(f(x + step)) - float(f(x - step))) / (2 * h)
    return grad


def gradient_descent(grad, x0, lr=0.01, eps=1e-6, max_iter=10000):
    """Gradient descent with a stopping rule on the gradient norm.

    Parameters
    ----------
    grad : callable
        ``grad(x) -> ndarray`` of the same shape as ``x``.
    x0 : array_like, shape (n,)
        Starting point (not modified).
    lr : float, optional
        Learning rate (학습률).
    eps : float, optional
        Stop as soon as ``||grad(x)||_2 < eps``.
    max_iter : int, optional
        At most this many updates.

    Returns
    -------
    x : ndarray, shape (n,)
        The last iterate.
    steps : int
        The number of updates made: 0 when ``x0`` is already stationary,
        ``max_iter`` when the stopping rule never fired.

    Notes
    -----
    Each round evaluates ``g = grad(x)``, stops if ``||g||_2 < eps`` and
    otherwise updates ``x = x - lr * g``; the norm is checked *before* the
    update.
    """
    x = np.array(x0, dtype=np.float64)
    steps = 0
    while steps < max_iter:
        g = np.asarray(grad(x), dtype=np.float64)
        if np.sqrt(np.sum(g * g)) < eps:
            break
        x = x - lr * g
        steps += 1
    return x, steps


def mse_gradient(Xb, y, beta):
    """Gradient of the mean squared error ``(1/n) ||y - Xb beta||^2``.

    Parameters
    ----------
    Xb : ndarray, shape (n, p)
        Design matrix (with the column of ones).
    y : ndarray, shape (n,)
        Targets.
    beta : ndarray, shape (p,)
        Coefficients.

    Returns
    -------
    ndarray, shape (p,)
        ``-(2/n) Xb^T (y - Xb beta)``.
    """
    return -(2.0 / len(y)) * (Xb.T @ (y - Xb @ beta))


def linear_regression_gd(X, y, lr=0.01, epochs=1000):
    """Linear regression by full-batch gradient descent on the MSE.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Features.
    y : array_like, shape (n,)
        Targets.
    lr : float, optional
        Learning rate.
    epochs : int, optional
        Number of full-batch steps.

    Returns
    -------
    ndarray, shape (d + 1,)
        Coefficients, intercept first, starting from zeros; each epoch makes
        one step ``beta = beta - lr * mse_gradient([1, X], y, beta)``.
    """
    Xb = design_matrix(X)
    y = np.asarray(y, dtype=np.float64)
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        beta = beta - lr * mse_gradient(Xb, y, beta)
    return beta


def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    """Linear regression by minibatch stochastic gradient descent.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Features.
    y : array_like, shape (n,)
        Targets.
    lr : float, optional
        Learning rate.
    epochs : int, optional
        Number of passes over the data.
    batch_size : int, optional
        Rows per step; the last batch of an epoch may be smaller.
    rng : numpy.random.Generator, optional
        Source of the permutations; ``None`` means ``np.random.default_rng()``.
        The global ``np.random`` state is never used.

    Returns
    -------
    ndarray, shape (d + 1,)
        Coefficients, intercept first, starting from zeros.  Each epoch draws
        ``perm = rng.permutation(n)`` and steps once per consecutive batch
        ``perm[k:k + batch_size]`` with that batch's mean-squared-error
        gradient.
    """
    if rng is None:
        rng = np.random.default_rng()
    Xb = design_matrix(X)
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        perm = rng.permutation(n)
        for start in range(0, n, batch_size):
            rows = perm[start:start + batch_size]
            beta = beta - lr * mse_gradient(Xb[rows], y[rows], beta)
    return beta
