"""Reference solutions for 04_neural_networks (소프트맥스, 활성함수, 순전파, 역전파).

The network of the assignment is the two-layer perceptron

    Z1 = X W1 + b1,   H = relu(Z1),   Z2 = H W2 + b2,   P = softmax(Z2)

trained with the mean cross-entropy loss ``L = -(1/n) sum_i log P[i, y_i]``.
"""

from __future__ import annotations

import numpy as np

#: The parameter names of the two-layer network, in the order of the forward pass.
PARAM_KEYS = ("W1", "b1", "W2", "b2")


def _scalar_or_array(out):
    """Return a 0-d result as a NumPy scalar, any other result unchanged."""
    return out[()] if out.ndim == 0 else out


def softmax(z):
    """Softmax along the last axis, computed without overflow.

    Parameters
    ----------
    z : array_like, shape (k,) or (n, k)
        Scores (logits); a 2-D input holds one row of scores per example.

    Returns
    -------
    ndarray, same shape as ``z``
        ``exp(z_j) / sum_l exp(z_l)`` along the last axis, so every row is a
        probability vector.  The row maximum is subtracted first: softmax is
        unchanged by adding a constant to a row, and afterwards every
        exponent is at most 0, so ``exp`` cannot overflow and the largest
        term is exactly 1, so the denominator cannot underflow to 0.
    """
    z = np.asarray(z, dtype=np.float64)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def relu(x):
    """Rectified linear unit ``max(x, 0)``, elementwise.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray or numpy.float64
        ``max(x, 0)`` as float64, same shape as ``x`` (a scalar for a scalar).
    """
    x = np.asarray(x, dtype=np.float64)
    return _scalar_or_array(np.maximum(x, 0.0))


def relu_grad(x):
    """Derivative of :func:`relu`, elementwise, with the convention ``relu_grad(0) = 0``.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray or numpy.float64
        1.0 where ``x > 0`` and 0.0 elsewhere (including at ``x = 0``, where
        ReLU has a kink and any value in [0, 1] is a subgradient).
    """
    x = np.asarray(x, dtype=np.float64)
    return _scalar_or_array((x > 0).astype(np.float64))


def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, elementwise and overflow-free.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray or numpy.float64
        Values in [0, 1].  With ``e = exp(-|x|)`` (never more than 1) the
        result is ``1 / (1 + e)`` for ``x >= 0`` and ``e / (1 + e)`` for
        ``x < 0``: no overflow and no ``nan`` for any finite input.
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return _scalar_or_array(np.asarray(out, dtype=np.float64))


def sigmoid_grad(x):
    """Derivative of :func:`sigmoid`: ``sigmoid(x) * (1 - sigmoid(x))``.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray or numpy.float64
        Values in [0, 1/4]; computed as ``e / (1 + e)**2`` with
        ``e = exp(-|x|)`` (the derivative is an even function), which is
        accurate in both tails and never ``nan``.
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return _scalar_or_array(np.asarray(e / (1.0 + e) ** 2, dtype=np.float64))


def tanh(x):
    """Hyperbolic tangent ``(e^x - e^-x) / (e^x + e^-x)``, elementwise and overflow-free.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray or numpy.float64
        Values in [-1, 1], float64 even for integer input.  tanh is odd, so
        ``tanh(x) = sign(x) tanh(|x|)``; with ``m = expm1(-2|x|)`` (in
        (-1, 0], never overflowing) ``tanh(|x|) = (1 - e^{-2|x|}) / (1 + e^{-2|x|})
        = -m / (2 + m)``.  ``expm1`` keeps full relative accuracy for tiny
        ``|x|``, where ``1 - e^{-2|x|}`` would cancel.
    """
    x = np.asarray(x, dtype=np.float64)
    m = np.expm1(-2.0 * np.abs(x))
    return _scalar_or_array(np.asarray(np.sign(x) * (-m / (2.0 + m)), dtype=np.float64))


def tanh_grad(x):
    """Derivative of :func:`tanh`: ``1 - tanh(x)**2``, elementwise.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray or numpy.float64
        Values in (0, 1], float64.  With ``e = exp(-2|x|)`` (at most 1),
        ``1 - tanh^2 = (1 - t)(1 + t) = 4 e / (1 + e)**2``: no cancellation in
        the tails (where ``1 - tanh^2`` would round to 0 long before the true
        value underflows) and never ``nan``.
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-2.0 * np.abs(x))
    return _scalar_or_array(np.asarray(4.0 * e / (1.0 + e) ** 2, dtype=np.float64))


def log_softmax(z):
    """Logarithm of :func:`softmax` along the last axis, without ``log(0)``.

    Parameters
    ----------
    z : array_like, shape (k,) or (n, k)
        Scores.

    Returns
    -------
    ndarray, same shape as ``z``
        ``z_j - max(z) - log(sum_l exp(z_l - max(z)))``: finite for finite
        scores even where the softmax itself underflows to 0, and accurate
        even when the loss is tiny (the sum is ``1 + rest`` with ``log1p``).
    """
    z = np.asarray(z, dtype=np.float64)
    top = np.argmax(z, axis=-1)[..., np.newaxis]
    shifted = z - np.take_along_axis(z, top, axis=-1)
    # The largest term of the sum is exactly e^0 = 1; summing the others and
    # taking log1p keeps full relative accuracy when they are tiny.
    others = np.exp(shifted)
    np.put_along_axis(others, top, 0.0, axis=-1)
    return shifted - np.log1p(np.sum(others, axis=-1, keepdims=True))


def cross_entropy_loss(logits, labels):
    """Mean cross-entropy of softmax probabilities against integer labels.

    Parameters
    ----------
    logits : array_like, shape (n, k)
        One row of scores per example.
    labels : array_like of int, shape (n,)
        The correct class of each example, in ``0 .. k-1``.

    Returns
    -------
    float
        ``-(1/n) sum_i log softmax(logits)[i, labels[i]]``, computed through
        :func:`log_softmax`, so it stays finite for logits up to ±1e4.
    """
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels).astype(np.intp)
    logp = log_softmax(logits)
    n = logits.shape[0]
    return float(-np.mean(logp[np.arange(n), labels]))


def _unpack(params):
    return tuple(np.asarray(params[key], dtype=np.float64) for key in PARAM_KEYS)


def mlp_forward(X, params):
    """Class probabilities of the two-layer network ``softmax(relu(X W1 + b1) W2 + b2)``.

    Parameters
    ----------
    X : array_like, shape (n, d)
        One example per row.
    params : dict
        ``W1`` (d, h), ``b1`` (h,), ``W2`` (h, k), ``b2`` (k,).

    Returns
    -------
    ndarray, shape (n, k)
        Row ``i`` is the predicted probability vector of example ``i``.
    """
    X = np.asarray(X, dtype=np.float64)
    W1, b1, W2, b2 = _unpack(params)
    H = relu(X @ W1 + b1)
    return softmax(H @ W2 + b2)


def mlp_gradients(X, y, params):
    """Gradients of the mean cross-entropy of :func:`mlp_forward` by backpropagation.

    Parameters
    ----------
    X : array_like, shape (n, d)
        One example per row.
    y : array_like of int, shape (n,)
        Labels in ``0 .. k-1``.
    params : dict
        ``W1`` (d, h), ``b1`` (h,), ``W2`` (h, k), ``b2`` (k,); not modified.

    Returns
    -------
    dict
        ``W1``, ``b1``, ``W2``, ``b2``: the gradient of
        ``L = -(1/n) sum_i log P[i, y_i]`` with respect to each parameter,
        shaped like it.  The chain rule, layer by layer from the loss down::

            dZ2 = (P - onehot(y)) / n
            dW2 = H^T dZ2          db2 = sum over rows of dZ2
            dH  = dZ2 W2^T
            dZ1 = dH * relu_grad(Z1)
            dW1 = X^T dZ1          db1 = sum over rows of dZ1
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).astype(np.intp)
    W1, b1, W2, b2 = _unpack(params)
    n = X.shape[0]
    # Forward pass, keeping the intermediate values backpropagation needs.
    Z1 = X @ W1 + b1
    H = relu(Z1)
    P = softmax(H @ W2 + b2)
    # Backward pass.
    dZ2 = P.copy()
    dZ2[np.arange(n), y] -= 1.0
    dZ2 /= n
    dW2 = H.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dH = dZ2 @ W2.T
    dZ1 = dH * relu_grad(Z1)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
