"""Reference solutions for 09_rnn (RNN, BPTT, 기울기 소실)."""

from __future__ import annotations

import numpy as np


def _as_rnn_inputs(x, h0, Wx, Wh, b):
    """Convert the RNN arguments to float64 arrays and check their shapes."""
    x = np.asarray(x, dtype=np.float64)
    h0 = np.asarray(h0, dtype=np.float64)
    Wx = np.asarray(Wx, dtype=np.float64)
    Wh = np.asarray(Wh, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if x.ndim != 2 or Wx.ndim != 2 or Wh.ndim != 2 or h0.ndim != 1 or b.ndim != 1:
        raise ValueError("expected x (T, D), h0 (H,), Wx (D, H), Wh (H, H), b (H,); got shapes "
                         f"{x.shape}, {h0.shape}, {Wx.shape}, {Wh.shape}, {b.shape}")
    H = h0.shape[0]
    if Wx.shape != (x.shape[1], H) or Wh.shape != (H, H) or b.shape != (H,):
        raise ValueError("inconsistent shapes: x (T, D), h0 (H,), Wx (D, H), Wh (H, H), b (H,) "
                         f"required; got {x.shape}, {h0.shape}, {Wx.shape}, {Wh.shape}, {b.shape}")
    return x, h0, Wx, Wh, b


def rnn_forward(x, h0, Wx, Wh, b):
    """Forward pass (순전파) of a vanilla tanh RNN over a whole sequence.

    Parameters
    ----------
    x : array_like, shape (T, D)
        The input sequence, one row ``x_t`` per time step.
    h0 : array_like, shape (H,)
        The initial hidden state.
    Wx : array_like, shape (D, H)
        Input-to-hidden weights.
    Wh : array_like, shape (H, H)
        Hidden-to-hidden (recurrent) weights.
    b : array_like, shape (H,)
        Bias.

    Returns
    -------
    ndarray, shape (T, H)
        Row ``t`` is ``h_t = tanh(x_t Wx + h_{t-1} Wh + b)`` (rows counted
        from ``h_1``; ``h0`` itself is not included).

    Raises
    ------
    ValueError
        If the shapes do not fit together.
    """
    x, h0, Wx, Wh, b = _as_rnn_inputs(x, h0, Wx, Wh, b)
    pre_input = x @ Wx + b          # the part that does not depend on the past
    hs = np.empty((x.shape[0], h0.shape[0]), dtype=np.float64)
    h = h0
    for t in range(x.shape[0]):
        h = np.tanh(pre_input[t] + h @ Wh)
        hs[t] = h
    return hs


def rnn_backward(dhs, x, h0, Wx, Wh, b):
    """Backpropagation through time (BPTT) for :func:`rnn_forward`.

    Parameters
    ----------
    dhs : array_like, shape (T, H)
        Upstream gradient: the derivative of the loss with respect to every
        hidden state ``h_t`` *directly* (not through later states).
    x, h0, Wx, Wh, b : array_like
        The arguments of :func:`rnn_forward`.

    Returns
    -------
    dict
        Keys ``"x"``, ``"h0"``, ``"Wx"``, ``"Wh"``, ``"b"``: the gradients of
        ``sum(dhs * rnn_forward(x, h0, Wx, Wh, b))``, each shaped like its
        argument.

    Raises
    ------
    ValueError
        If the shapes do not fit together.

    Notes
    -----
    Walking backwards from ``t = T``, the total gradient of state ``h_t`` is
    ``g_t = dhs[t] + a_{t+1} Wh^T`` where ``a_t = g_t * (1 - h_t^2)`` is the
    gradient of the pre-activation. Each step adds ``x_t^T a_t`` to ``dWx``,
    ``h_{t-1}^T a_t`` to ``dWh`` and ``a_t`` to ``db``; ``dx_t = a_t Wx^T``
    and what flows out of the first step is ``dh0``.
    """
    x, h0, Wx, Wh, b = _as_rnn_inputs(x, h0, Wx, Wh, b)
    hs = rnn_forward(x, h0, Wx, Wh, b)
    dhs = np.asarray(dhs, dtype=np.float64)
    if dhs.shape != hs.shape:
        raise ValueError(f"dhs must have the shape {hs.shape} of the hidden states, got {dhs.shape}")
    T, H = hs.shape
    das = np.empty((T, H), dtype=np.float64)   # gradients of the pre-activations
    carry = np.zeros(H, dtype=np.float64)      # gradient reaching h_t from h_{t+1}
    for t in range(T - 1, -1, -1):
        g = dhs[t] + carry
        das[t] = g * ((1.0 - hs[t]) * (1.0 + hs[t]))   # tanh' = 1 - h^2, no cancellation
        carry = das[t] @ Wh.T
    h_prev = np.vstack([h0[None, :], hs[:-1]])        # row t holds h_{t-1}
    return {
        "x": das @ Wx.T,
        "h0": carry,
        "Wx": x.T @ das,
        "Wh": h_prev.T @ das,
        "b": das.sum(axis=0),
    }


def clip_by_global_norm(grads, max_norm):
    """Scale a set of gradients so that their joint L2 norm is at most ``max_norm``.

    Parameters
    ----------
    grads : dict
        Name -> array_like of gradients (any shapes).
    max_norm : float
        Largest allowed global norm, positive.

    Returns
    -------
    dict
        A new dict with the same keys holding new float64 arrays
        ``g * min(1, max_norm / global_norm)``, where ``global_norm`` is the
        L2 norm of all entries of all arrays together. A global norm of 0
        gives scale 1 (``min(1, inf)``), so zeros come back as zeros, never nan.
        The input dict and its arrays are left unchanged.
    """
    arrays = {key: np.asarray(value, dtype=np.float64) for key, value in grads.items()}
    # Scale by the largest entry before squaring so huge or tiny gradients
    # neither overflow nor underflow.
    biggest = max((float(np.max(np.abs(a))) for a in arrays.values() if a.size), default=0.0)
    if biggest == 0.0 or not np.isfinite(biggest):
        global_norm = biggest
    else:
        global_norm = biggest * np.sqrt(sum(float(np.sum((a / biggest) ** 2))
                                            for a in arrays.values()))
    scale = 1.0 if global_norm <= max_norm else max_norm / global_norm
    result = {}
    for key, a in arrays.items():
        out = np.array(a, dtype=np.float64, copy=True)
        out *= scale
        result[key] = out
    return result
