"""Alternative answers and typical mistakes for 09_rnn."""

ALTERNATIVES = {
    "rnn_forward": [
        '''
def rnn_forward(x, h0, Wx, Wh, b):
    x, h = np.asarray(x, float), np.asarray(h0, float)
    Wx, Wh, b = np.asarray(Wx, float), np.asarray(Wh, float), np.asarray(b, float)
    states = []
    for x_t in x:
        h = np.tanh(x_t @ Wx + h @ Wh + b)
        states.append(h)
    return np.array(states).reshape(len(x), len(b))
''',
        '''
def rnn_forward(x, h0, Wx, Wh, b):
    # Unit by unit, with explicit sums, and tanh written through exp of a
    # non-positive number (stable for large inputs).
    x = np.asarray(x, float); h0 = np.asarray(h0, float)
    Wx = np.asarray(Wx, float); Wh = np.asarray(Wh, float); b = np.asarray(b, float)
    T, D = x.shape
    H = h0.shape[0]
    hs = np.zeros((T, H))
    prev = h0
    for t in range(T):
        for j in range(H):
            a = b[j] + sum(x[t, i] * Wx[i, j] for i in range(D)) \\
                + sum(prev[k] * Wh[k, j] for k in range(H))
            e = np.exp(-2 * abs(a))
            hs[t, j] = np.sign(a) * (1 - e) / (1 + e)
        prev = hs[t]
    return hs
''',
    ],
    "rnn_backward": [
        '''
def rnn_backward(dhs, x, h0, Wx, Wh, b):
    # Explicit per-step accumulation, Jacobian written as diag(1 - h^2) Wh^T.
    x, h0 = np.asarray(x, float), np.asarray(h0, float)
    Wx, Wh, b = np.asarray(Wx, float), np.asarray(Wh, float), np.asarray(b, float)
    dhs = np.asarray(dhs, float)
    hs = rnn_forward(x, h0, Wx, Wh, b)
    T, H = hs.shape
    grads = {"x": np.zeros_like(x), "h0": np.zeros_like(h0), "Wx": np.zeros_like(Wx),
             "Wh": np.zeros_like(Wh), "b": np.zeros_like(b)}
    g = np.zeros(H)
    for t in reversed(range(T)):
        g = g + dhs[t]
        prev = hs[t - 1] if t > 0 else h0
        a = np.diag(1 - hs[t] ** 2) @ g
        grads["Wx"] += np.outer(x[t], a)
        grads["Wh"] += np.outer(prev, a)
        grads["b"] += a
        grads["x"][t] = Wx @ a
        g = Wh @ a
    grads["h0"] = g
    return grads
''',
        '''
def rnn_backward(dhs, x, h0, Wx, Wh, b):
    # Collect the pre-activation gradients first, then one matrix product each.
    x = np.asarray(x, float); h0 = np.asarray(h0, float); dhs = np.asarray(dhs, float)
    Wx = np.asarray(Wx, float); Wh = np.asarray(Wh, float); b = np.asarray(b, float)
    hs = rnn_forward(x, h0, Wx, Wh, b)
    T = len(hs)
    das = np.zeros_like(hs)
    dh_next = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        das[t] = (dhs[t] + dh_next) * (1 - hs[t]) * (1 + hs[t])
        dh_next = das[t] @ Wh.T
    prev = np.concatenate([h0[None], hs[:-1]], axis=0)
    return {"x": das @ Wx.T, "h0": dh_next, "Wx": x.T @ das,
            "Wh": prev.T @ das, "b": das.sum(axis=0)}
''',
    ],
    "clip_by_global_norm": [
        '''
def clip_by_global_norm(grads, max_norm):
    total = 0.0
    for g in grads.values():
        total += float(np.sum(np.asarray(g, float) ** 2))
    norm = np.sqrt(total)
    scale = 1.0 if norm <= max_norm else max_norm / norm
    return {k: np.asarray(g, float) * scale for k, g in grads.items()}
''',
        '''
import copy
def clip_by_global_norm(grads, max_norm):
    flat = np.concatenate([np.ravel(g) for g in grads.values()])
    norm = np.linalg.norm(flat)
    with np.errstate(divide="ignore"):
        scale = min(1.0, max_norm / norm)
    out = copy.deepcopy(grads)
    for k in out:
        out[k] = out[k] * scale
    return out
''',
    ],
}

MUTANTS = {
    "rnn_forward": {
        "ignores_h0": '''
def rnn_forward(x, h0, Wx, Wh, b):
    x = np.asarray(x, float)
    h = np.zeros_like(np.asarray(h0, float))
    hs = []
    for x_t in x:
        h = np.tanh(x_t @ Wx + h @ Wh + b)
        hs.append(h)
    return np.array(hs)
''',
        "no_tanh": '''
def rnn_forward(x, h0, Wx, Wh, b):
    h = np.asarray(h0, float)
    hs = []
    for x_t in np.asarray(x, float):
        h = x_t @ Wx + h @ Wh + b
        hs.append(h)
    return np.array(hs)
''',
        "h0_at_every_step": '''
def rnn_forward(x, h0, Wx, Wh, b):
    x, h0 = np.asarray(x, float), np.asarray(h0, float)
    return np.tanh(x @ Wx + h0 @ Wh + b)
''',
        "transposed_Wh": '''
def rnn_forward(x, h0, Wx, Wh, b):
    h = np.asarray(h0, float)
    hs = []
    for x_t in np.asarray(x, float):
        h = np.tanh(x_t @ Wx + np.asarray(Wh) @ h + b)
        hs.append(h)
    return np.array(hs)
''',
        "includes_h0_row": '''
def rnn_forward(x, h0, Wx, Wh, b):
    hs = [np.asarray(h0, float)]
    for x_t in np.asarray(x, float):
        hs.append(np.tanh(x_t @ Wx + hs[-1] @ Wh + b))
    return np.array(hs)
''',
        "unstable_tanh_formula": '''
def rnn_forward(x, h0, Wx, Wh, b):
    h = np.asarray(h0, float)
    hs = []
    for x_t in np.asarray(x, float):
        a = x_t @ Wx + h @ Wh + b
        h = (np.exp(2 * a) - 1) / (np.exp(2 * a) + 1)
        hs.append(h)
    return np.array(hs)
''',
    },
    "rnn_backward": {
        "stops_after_one_step": '''
def rnn_backward(dhs, x, h0, Wx, Wh, b):
    x, h0, dhs = np.asarray(x, float), np.asarray(h0, float), np.asarray(dhs, float)
    hs = rnn_forward(x, h0, Wx, Wh, b)
    prev = np.vstack([h0[None], hs[:-1]])
    das = dhs * (1 - hs ** 2)          # no gradient flows back through h_{t-1}
    return {"x": das @ np.asarray(Wx).T, "h0": das[0] @ np.asarray(Wh).T,
            "Wx": x.T @ das, "Wh": prev.T @ das, "b": das.sum(axis=0)}
''',
        "ignores_tanh_derivative": '''
def rnn_backward(dhs, x, h0, Wx, Wh, b):
    x, h0, dhs = np.asarray(x, float), np.asarray(h0, float), np.asarray(dhs, float)
    hs = rnn_forward(x, h0, Wx, Wh, b)
    das = np.zeros_like(hs)
    carry = np.zeros_like(h0)
    for t in reversed(range(len(hs))):
        das[t] = dhs[t] + carry
        carry = das[t] @ np.asarray(Wh).T
    prev = np.vstack([h0[None], hs[:-1]])
    return {"x": das @ np.asarray(Wx).T, "h0": carry, "Wx": x.T @ das,
            "Wh": prev.T @ das, "b": das.sum(axis=0)}
''',
        "dWh_uses_h_t": '''
def rnn_backward(dhs, x, h0, Wx, Wh, b):
    x, h0, dhs = np.asarray(x, float), np.asarray(h0, float), np.asarray(dhs, float)
    hs = rnn_forward(x, h0, Wx, Wh, b)
    das = np.zeros_like(hs)
    carry = np.zeros_like(h0)
    for t in reversed(range(len(hs))):
        das[t] = (dhs[t] + carry) * (1 - hs[t] ** 2)
        carry = das[t] @ np.asarray(Wh).T
    return {"x": das @ np.asarray(Wx).T, "h0": carry, "Wx": x.T @ das,
            "Wh": hs.T @ das, "b": das.sum(axis=0)}
''',
        "forgets_dh0": '''
def rnn_backward(dhs, x, h0, Wx, Wh, b):
    x, h0, dhs = np.asarray(x, float), np.asarray(h0, float), np.asarray(dhs, float)
    hs = rnn_forward(x, h0, Wx, Wh, b)
    das = np.zeros_like(hs)
    carry = np.zeros_like(h0)
    for t in reversed(range(len(hs))):
        das[t] = (dhs[t] + carry) * (1 - hs[t] ** 2)
        carry = das[t] @ np.asarray(Wh).T
    prev = np.vstack([h0[None], hs[:-1]])
    return {"x": das @ np.asarray(Wx).T, "h0": np.zeros_like(h0), "Wx": x.T @ das,
            "Wh": prev.T @ das, "b": das.sum(axis=0)}
''',
        "Wh_not_transposed_backwards": '''
def rnn_backward(dhs, x, h0, Wx, Wh, b):
    x, h0, dhs = np.asarray(x, float), np.asarray(h0, float), np.asarray(dhs, float)
    hs = rnn_forward(x, h0, Wx, Wh, b)
    das = np.zeros_like(hs)
    carry = np.zeros_like(h0)
    for t in reversed(range(len(hs))):
        das[t] = (dhs[t] + carry) * (1 - hs[t] ** 2)
        carry = das[t] @ np.asarray(Wh)
    prev = np.vstack([h0[None], hs[:-1]])
    return {"x": das @ np.asarray(Wx).T, "h0": carry, "Wx": x.T @ das,
            "Wh": prev.T @ das, "b": das.sum(axis=0)}
''',
        "overwrites_instead_of_accumulating": '''
def rnn_backward(dhs, x, h0, Wx, Wh, b):
    x, h0, dhs = np.asarray(x, float), np.asarray(h0, float), np.asarray(dhs, float)
    hs = rnn_forward(x, h0, Wx, Wh, b)
    dx = np.zeros_like(x)
    carry = np.zeros_like(h0)
    for t in reversed(range(len(hs))):
        a = (dhs[t] + carry) * (1 - hs[t] ** 2)
        prev = hs[t - 1] if t > 0 else h0
        dWx, dWh, db = np.outer(x[t], a), np.outer(prev, a), a
        dx[t] = a @ np.asarray(Wx).T
        carry = a @ np.asarray(Wh).T
    return {"x": dx, "h0": carry, "Wx": dWx, "Wh": dWh, "b": db}
''',
        "derivative_at_previous_state": '''
def rnn_backward(dhs, x, h0, Wx, Wh, b):
    x, h0, dhs = np.asarray(x, float), np.asarray(h0, float), np.asarray(dhs, float)
    hs = rnn_forward(x, h0, Wx, Wh, b)
    prev = np.vstack([h0[None], hs[:-1]])
    das = np.zeros_like(hs)
    carry = np.zeros_like(h0)
    for t in reversed(range(len(hs))):
        das[t] = (dhs[t] + carry) * (1 - prev[t] ** 2)
        carry = das[t] @ np.asarray(Wh).T
    return {"x": das @ np.asarray(Wx).T, "h0": carry, "Wx": x.T @ das,
            "Wh": prev.T @ das, "b": das.sum(axis=0)}
''',
    },
    "clip_by_global_norm": {
        "per_array_norms": '''
def clip_by_global_norm(grads, max_norm):
    out = {}
    for k, g in grads.items():
        g = np.asarray(g, float)
        norm = np.sqrt(np.sum(g ** 2))
        out[k] = g * (max_norm / norm if norm > max_norm else 1.0)
    return out
''',
        "mutates_input": '''
def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    for k in grads:
        grads[k] *= scale
    return grads
''',
        "shallow_copy_scaled_in_place": '''
def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    out = dict(grads)
    if norm > max_norm:
        for k in out:
            out[k] *= max_norm / norm
    return out
''',
        "returns_input_arrays_when_small": '''
def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads.values()))
    if norm <= max_norm:
        return dict(grads)
    return {k: np.asarray(g, float) * (max_norm / norm) for k, g in grads.items()}
''',
        "always_scales": '''
def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads.values()))
    return {k: np.asarray(g, float) * (max_norm / norm) for k, g in grads.items()}
''',
        "nan_for_zero_gradients": '''
def clip_by_global_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads.values()))
    return {k: np.asarray(g, float) / norm * min(norm, max_norm) for k, g in grads.items()}
''',
        "sum_of_norms": '''
def clip_by_global_norm(grads, max_norm):
    norm = sum(np.sqrt(np.sum(np.asarray(g, float) ** 2)) for g in grads.values())
    scale = 1.0 if norm <= max_norm else max_norm / norm
    return {k: np.asarray(g, float) * scale for k, g in grads.items()}
''',
        "clips_values_elementwise": '''
def clip_by_global_norm(grads, max_norm):
    return {k: np.clip(np.asarray(g, float), -max_norm, max_norm) for k, g in grads.items()}
''',
    },
}
