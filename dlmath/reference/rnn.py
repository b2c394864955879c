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


def truncated_rnn_backward(dhs, x, h0, Wx, Wh, b, k):
    """Truncated backpropagation through time: every loss term looks back ``k`` steps.

    Parameters
    ----------
    dhs : array_like, shape (T, H)
        Upstream gradient of every hidden state, as for :func:`rnn_backward`.
    x, h0, Wx, Wh, b : array_like
        The arguments of :func:`rnn_forward`.
    k : int
        The truncation length, at least 1.

    Returns
    -------
    dict
        Keys ``"x"``, ``"h0"``, ``"Wx"``, ``"Wh"``, ``"b"``. The gradient of each
        term ``sum(dhs[t] * h_t)`` (``t`` the 0-based row) flows back through the
        steps ``t, t-1, ..., t-k+1`` only; what reaches the state that feeds step
        ``t-k+1`` stops there, and counts towards ``"h0"`` when that state is
        ``h0`` (so only the terms ``t < k`` reach ``h0``). ``k >= T`` is exactly
        :func:`rnn_backward`.

    Raises
    ------
    ValueError
        If ``k < 1`` or the shapes do not fit together.

    Notes
    -----
    All terms alive at step ``s`` (those ``t`` with ``s <= t <= s + k - 1``) share
    the step's Jacobian, so they are carried together as the rows of one
    (k, H) array, row ``j`` belonging to the term ``t = s + j``: one matrix
    product per step instead of one backward pass per term. Row ``k - 1`` has
    reached the first step of its window and is dropped after the step (or
    added to ``"h0"`` at ``s = 0``).
    """
    if not k >= 1:
        raise ValueError(f"the truncation length k must be at least 1, got {k!r}")
    x, h0, Wx, Wh, b = _as_rnn_inputs(x, h0, Wx, Wh, b)
    T = x.shape[0]
    if k >= T:
        return rnn_backward(dhs, x, h0, Wx, Wh, b)
    k = int(k)
    hs = rnn_forward(x, h0, Wx, Wh, b)
    dhs = np.asarray(dhs, dtype=np.float64)
    if dhs.shape != hs.shape:
        raise ValueError(f"dhs must have the shape {hs.shape} of the hidden states, got {dhs.shape}")
    H = hs.shape[1]
    das = np.empty((T, H), dtype=np.float64)
    live = np.zeros((k, H), dtype=np.float64)     # row j: gradient of term s + j reaching h_s
    dh0 = np.zeros(H, dtype=np.float64)
    for s in range(T - 1, -1, -1):
        live[0] += dhs[s]                          # the term t = s starts at its own state
        deltas = live * ((1.0 - hs[s]) * (1.0 + hs[s]))
        das[s] = deltas.sum(axis=0)
        sent = deltas @ Wh.T                       # what each term sends to the state feeding step s
        if s == 0:
            dh0 = sent.sum(axis=0)                 # every live term has t < k here
        live = np.zeros_like(live)
        live[1:] = sent[:-1]                       # row k - 1 reached the start of its window
    h_prev = np.vstack([h0[None, :], hs[:-1]])
    return {
        "x": das @ Wx.T,
        "h0": dh0,
        "Wx": x.T @ das,
        "Wh": h_prev.T @ das,
        "b": das.sum(axis=0),
    }


def _as_lstm_inputs(x, h_prev, c_prev, Wx, Wh, b):
    """Convert the LSTM arguments to float64 arrays and check their shapes."""
    x, h_prev, c_prev, Wx, Wh, b = (np.asarray(a, dtype=np.float64)
                                    for a in (x, h_prev, c_prev, Wx, Wh, b))
    if x.ndim != 2 or h_prev.ndim != 2:
        raise ValueError(f"expected x (N, D) and h_prev (N, H); got {x.shape} and {h_prev.shape}")
    N, D = x.shape
    H = h_prev.shape[1]
    if (h_prev.shape != (N, H) or c_prev.shape != (N, H) or Wx.shape != (D, 4 * H)
            or Wh.shape != (H, 4 * H) or b.shape != (4 * H,)):
        raise ValueError("expected x (N, D), h_prev and c_prev (N, H), Wx (D, 4H), Wh (H, 4H), "
                         f"b (4H,); got {x.shape}, {h_prev.shape}, {c_prev.shape}, {Wx.shape}, "
                         f"{Wh.shape}, {b.shape}")
    return x, h_prev, c_prev, Wx, Wh, b


def _sigmoid(a):
    """Logistic function without overflow: exp is only taken of non-positive numbers."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _lstm_gates(x, h_prev, Wx, Wh, b):
    """The four gates ``i, f, o, g`` of one LSTM step (blocks of H columns, in that order)."""
    a = x @ Wx + h_prev @ Wh + b
    H = h_prev.shape[1]
    i = _sigmoid(a[:, :H])
    f = _sigmoid(a[:, H:2 * H])
    o = _sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    return i, f, o, g


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """One step of a long short-term memory (LSTM, 장단기 메모리) cell.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Inputs of a batch of N sequences at this step.
    h_prev, c_prev : array_like, shape (N, H)
        Hidden and cell states of the previous step.
    Wx : array_like, shape (D, 4H)
    Wh : array_like, shape (H, 4H)
    b : array_like, shape (4H,)
        Weights and bias of the four gates, blocks of H columns in the order
        input ``i``, forget ``f``, output ``o``, candidate ``g``.

    Returns
    -------
    (h, c) : tuple of ndarray, each (N, H)
        ``c = f * c_prev + i * g`` and ``h = o * tanh(c)`` with
        ``i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o)``, ``g = tanh(a_g)``
        and ``a = x Wx + h_prev Wh + b``. Finite for any finite pre-activation.

    Raises
    ------
    ValueError
        If the shapes do not fit together.
    """
    x, h_prev, c_prev, Wx, Wh, b = _as_lstm_inputs(x, h_prev, c_prev, Wx, Wh, b)
    i, f, o, g = _lstm_gates(x, h_prev, Wx, Wh, b)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c


def lstm_step_backward(dh, dc, x, h_prev, c_prev, Wx, Wh, b):
    """Backward pass of :func:`lstm_step_forward`.

    Parameters
    ----------
    dh, dc : array_like, shape (N, H)
        Upstream gradients of the step's outputs ``h`` and ``c``.
    x, h_prev, c_prev, Wx, Wh, b : array_like
        The arguments of :func:`lstm_step_forward`.

    Returns
    -------
    dict
        Keys ``"x"``, ``"h_prev"``, ``"c_prev"``, ``"Wx"``, ``"Wh"``, ``"b"``: the
        gradients of ``sum(dh * h) + sum(dc * c)``, each shaped like its argument.

    Raises
    ------
    ValueError
        If the shapes do not fit together.

    Notes
    -----
    The cell state receives ``dc`` directly and ``dh * o * (1 - tanh(c)^2)``
    through ``h``; from that total ``dC``: ``dc_prev = dC * f``, and the gates
    get ``dC * g`` (i), ``dC * c_prev`` (f), ``dh * tanh(c)`` (o), ``dC * i`` (g),
    times the derivative of their own nonlinearity (``s (1 - s)`` for a
    sigmoid output ``s``, ``1 - g^2`` for tanh).
    """
    x, h_prev, c_prev, Wx, Wh, b = _as_lstm_inputs(x, h_prev, c_prev, Wx, Wh, b)
    dh = np.asarray(dh, dtype=np.float64)
    dc = np.asarray(dc, dtype=np.float64)
    if dh.shape != h_prev.shape or dc.shape != h_prev.shape:
        raise ValueError(f"dh and dc must have the shape {h_prev.shape} of the states, got "
                         f"{dh.shape} and {dc.shape}")
    i, f, o, g = _lstm_gates(x, h_prev, Wx, Wh, b)
    c = f * c_prev + i * g
    tc = np.tanh(c)
    dC = dc + dh * o * ((1.0 - tc) * (1.0 + tc))
    da = np.concatenate([dC * g * i * (1.0 - i),
                         dC * c_prev * f * (1.0 - f),
                         dh * tc * o * (1.0 - o),
                         dC * i * ((1.0 - g) * (1.0 + g))], axis=1)
    return {
        "x": da @ Wx.T,
        "h_prev": da @ Wh.T,
        "c_prev": dC * f,
        "Wx": x.T @ da,
        "Wh": h_prev.T @ da,
        "b": da.sum(axis=0),
    }
