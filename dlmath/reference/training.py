"""Reference solutions for 10_training (학습: 미니배치 SGD로 신경망 훈련).

The learner brings ``softmax``, ``relu``, ``mlp_forward`` and ``mlp_gradients``
from 04_neural_networks and ``clip_by_global_norm`` from 09_rnn; their
reference solutions are re-used here unchanged, so the two assignments can
never disagree.  New here: He initialisation, accuracy and the training loop
that puts everything together.
"""

from __future__ import annotations

import numpy as np

from dlmath.reference.neural_networks import (PARAM_KEYS, log_softmax, mlp_forward,
                                               mlp_gradients, relu, softmax)
from dlmath.reference.rnn import clip_by_global_norm

__all__ = ["softmax", "relu", "mlp_forward", "mlp_gradients", "clip_by_global_norm",
           "init_params", "accuracy", "train_mlp", "mean_cross_entropy", "PARAM_KEYS"]


def init_params(d, h, k, rng):
    """He initialisation (He 초기화) of the two-layer network of 04.

    Parameters
    ----------
    d, h, k : int
        Input size, hidden size and number of classes.
    rng : numpy.random.Generator
        The only source of randomness.

    Returns
    -------
    dict
        ``W1`` (d, h) drawn as ``rng.normal(0, sqrt(2 / d), (d, h))``, then
        ``W2`` (h, k) drawn as ``rng.normal(0, sqrt(2 / h), (h, k))`` (the
        fan-in of a layer is the number of inputs each of its units sums
        over), and zero biases ``b1`` (h,), ``b2`` (k,), all float64.
    """
    d, h, k = int(d), int(h), int(k)
    W1 = rng.normal(0.0, np.sqrt(2.0 / d), size=(d, h))
    W2 = rng.normal(0.0, np.sqrt(2.0 / h), size=(h, k))
    return {"W1": W1, "b1": np.zeros(h), "W2": W2, "b2": np.zeros(k)}


def accuracy(probs, labels):
    """Share of rows whose largest probability is at the true label.

    Parameters
    ----------
    probs : array_like, shape (n, k)
        One row of class probabilities (or scores) per example.
    labels : array_like of int, shape (n,)
        The true classes.

    Returns
    -------
    float
        ``mean(argmax(probs, axis=1) == labels)``; a tie goes to the first
        largest entry, as ``np.argmax`` does.
    """
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels).astype(np.intp)
    return float(np.mean(np.argmax(probs, axis=1) == labels))


def mean_cross_entropy(X, y, params):
    """Mean cross-entropy of :func:`mlp_forward` on ``(X, y)``, through log-softmax.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like of int, shape (n,)
    params : dict
        ``W1``, ``b1``, ``W2``, ``b2``.

    Returns
    -------
    float
        ``-(1/n) sum_i log P[i, y_i]`` with ``P = mlp_forward(X, params)``.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).astype(np.intp)
    logits = relu(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    return float(-np.mean(log_softmax(logits)[np.arange(len(y)), y]))


def train_mlp(X, y, hidden, lr=0.1, epochs=20, batch_size=32, max_norm=None, rng=None):
    """Train the two-layer network of 04 by minibatch SGD (미니배치 확률적 경사하강법).

    Parameters
    ----------
    X : array_like, shape (n, d)
        Training inputs, one example per row.
    y : array_like of int, shape (n,)
        Labels in ``0 .. k-1``; ``k = y.max() + 1``.
    hidden : int
        Number of hidden units.
    lr : float, optional
        Learning rate (학습률).
    epochs : int, optional
        Passes over the data (에폭).
    batch_size : int, optional
        Rows per step; the last batch of an epoch may be smaller.
    max_norm : float or None, optional
        When set, each gradient is clipped by :func:`clip_by_global_norm`.
    rng : numpy.random.Generator, optional
        Source of the initial weights and the permutations; ``None`` means
        ``np.random.default_rng()``.  The global ``np.random`` is never used.

    Returns
    -------
    (dict, ndarray)
        The trained parameters and ``losses`` of shape ``(epochs,)``: the mean
        cross-entropy on the whole of ``X`` after each epoch.

    Notes
    -----
    The parameters start from ``init_params(d, hidden, k, rng)``; every epoch
    draws ``perm = rng.permutation(n)`` and steps once per consecutive batch
    ``perm[s:s + batch_size]`` with ``params <- params - lr * g``, ``g`` the
    (possibly clipped) :func:`mlp_gradients` of that batch.  The inputs are
    not modified.
    """
    if rng is None:
        rng = np.random.default_rng()
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).astype(np.intp)
    n, d = X.shape
    k = int(y.max()) + 1
    params = init_params(d, hidden, k, rng)
    losses = np.empty(int(epochs), dtype=np.float64)
    for epoch in range(int(epochs)):
        perm = rng.permutation(n)
        for start in range(0, n, batch_size):
            rows = perm[start:start + batch_size]
            grads = mlp_gradients(X[rows], y[rows], params)
            if max_norm is not None:
                grads = clip_by_global_norm(grads, max_norm)
            params = {key: params[key] - lr * grads[key] for key in PARAM_KEYS}
        losses[epoch] = mean_cross_entropy(X, y, params)
    return params, losses
