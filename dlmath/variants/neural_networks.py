"""Alternative answers and typical mistakes for 04_neural_networks."""

ALTERNATIVES = {
    "softmax": [
        '''
def softmax(z):
    # Row by row through a 1-D helper.
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        e = np.exp(z - z.max())
        return e / e.sum()
    return np.array([softmax(row) for row in z]).reshape(z.shape)
''',
        '''
def softmax(z):
    # exp(z - logsumexp(z)), the log-sum-exp through the stable ufunc logaddexp.
    z = np.asarray(z, dtype=float)
    lse = np.logaddexp.reduce(z, axis=-1, keepdims=True)
    return np.exp(z - lse)
''',
        '''
def softmax(z):
    z = np.array(z, dtype=float)          # a copy, so in-place work is allowed
    z -= z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z
''',
    ],
    "relu": [
        '''
def relu(x):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, 0.0)
''',
        '''
def relu(x):
    x = np.asarray(x, dtype=float)
    return (np.abs(x) + x) / 2
''',
        '''
def relu(x):
    # numpy's maximum keeps integer input as integers: still the right values.
    return np.maximum(x, 0)
''',
    ],
    "relu_grad": [
        '''
def relu_grad(x):
    return np.where(np.asarray(x) > 0, 1.0, 0.0)
''',
        '''
def relu_grad(x):
    return np.heaviside(np.asarray(x, dtype=float), 0.0)
''',
        '''
def relu_grad(x):
    x = np.asarray(x, dtype=float)
    return (x > 0) * 1.0
''',
    ],
    "sigmoid": [
        '''
def sigmoid(x):
    # The textbook formula: exp(-x) overflows to inf for x < -709, and 1/(1+inf) = 0,
    # which is the right value (numpy only warns, and the grader ignores warnings).
    x = np.asarray(x, dtype=float)
    return 1.0 / (1.0 + np.exp(-x))
''',
        '''
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 + np.tanh(x / 2))
''',
        '''
def sigmoid(x):
    # sigmoid(x) = exp(-log(1 + exp(-x))), log(1 + exp(-x)) by the stable logaddexp.
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))
''',
        '''
def sigmoid(x):
    x = np.clip(np.asarray(x, dtype=float), -500, 500)
    return 1 / (1 + np.exp(-x))
''',
        '''
def sigmoid(x):
    # Both branches are computed (np.where is not lazy); the bad one is never selected.
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
''',
    ],
    "sigmoid_grad": [
        '''
def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)
''',
        '''
def sigmoid_grad(x):
    # sigma'(x) = 1 / (4 cosh^2(x / 2)); cosh overflows to inf in the tails, giving 0.
    return 0.25 / np.cosh(np.asarray(x, dtype=float) / 2) ** 2
''',
        '''
def sigmoid_grad(x):
    e = np.exp(-np.abs(np.asarray(x, dtype=float)))
    return e / (1 + e) ** 2
''',
    ],
    "cross_entropy_loss": [
        '''
def cross_entropy_loss(logits, labels):
    logits = np.asarray(logits, dtype=float)
    labels = np.asarray(labels, dtype=int)
    lse = np.logaddexp.reduce(logits, axis=1)
    return float(np.mean(lse - logits[np.arange(len(labels)), labels]))
''',
        '''
def cross_entropy_loss(logits, labels):
    total = 0.0
    rows = np.asarray(logits, dtype=float)
    for row, label in zip(rows, labels):
        m = row.max()
        total += m + np.log(np.sum(np.exp(row - m))) - row[label]
    return total / len(rows)
''',
        '''
def cross_entropy_loss(logits, labels):
    # One-hot targets times log-softmax.
    z = np.asarray(logits, dtype=float)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    onehot = np.eye(z.shape[1])[np.asarray(labels)]
    return -np.sum(onehot * log_p) / z.shape[0]
''',
    ],
    "mlp_forward": [
        '''
def mlp_forward(X, params):
    # One example at a time.
    X = np.asarray(X, dtype=float)
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
    rows = []
    for x in X:
        h = np.maximum(x @ W1 + b1, 0.0)
        z = h @ W2 + b2
        e = np.exp(z - z.max())
        rows.append(e / e.sum())
    return np.array(rows).reshape(len(X), W2.shape[1])
''',
        '''
def mlp_forward(X, params):
    Z1 = np.einsum("nd,dh->nh", np.asarray(X, dtype=float), params["W1"]) + params["b1"]
    Z2 = np.einsum("nh,hk->nk", relu(Z1), params["W2"]) + params["b2"]
    return softmax(Z2)
''',
    ],
    "mlp_gradients": [
        '''
def mlp_gradients(X, y, params):
    # Example by example: accumulate outer products, divide by n at the end.
    X = np.asarray(X, dtype=float)
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
    g = {"W1": np.zeros_like(W1), "b1": np.zeros_like(b1),
         "W2": np.zeros_like(W2), "b2": np.zeros_like(b2)}
    for x, label in zip(X, y):
        z1 = x @ W1 + b1
        h = np.maximum(z1, 0)
        z2 = h @ W2 + b2
        p = np.exp(z2 - z2.max())
        p /= p.sum()
        dz2 = p.copy()
        dz2[label] -= 1
        g["W2"] += np.outer(h, dz2)
        g["b2"] += dz2
        dz1 = (W2 @ dz2) * (z1 > 0)
        g["W1"] += np.outer(x, dz1)
        g["b1"] += dz1
    return {k: v / len(X) for k, v in g.items()}
''',
        '''
def mlp_gradients(X, y, params):
    # One-hot matrix, einsum, and the mask taken from H (H > 0 exactly where Z1 > 0).
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    H = relu(X @ params["W1"] + params["b1"])
    P = softmax(H @ params["W2"] + params["b2"])
    Y = np.eye(P.shape[1])[np.asarray(y)]
    dZ2 = (P - Y) / n
    dZ1 = np.einsum("nk,hk->nh", dZ2, params["W2"]) * (H > 0)
    return {"W1": np.einsum("nd,nh->dh", X, dZ1), "b1": np.ones(n) @ dZ1,
            "W2": np.einsum("nh,nk->hk", H, dZ2), "b2": np.ones(n) @ dZ2}
''',
    ],
}

MUTANTS = {
    "softmax": {
        "no_max_subtraction": '''
def softmax(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=-1, keepdims=True)
''',
        "normalises_over_axis_0": '''
def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
''',
        "sums_the_whole_array": '''
def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum()
''',
        "subtracts_the_global_max": '''
def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)
''',
        "subtracts_max_in_place": '''
def softmax(z):
    z = np.asarray(z, dtype=float)
    z -= z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
''',
        "max_without_keepdims": '''
def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1))
    return e / e.sum(axis=-1, keepdims=True)
''',
    },
    "relu": {
        "absolute_value": '''
def relu(x):
    return np.abs(np.asarray(x, dtype=float))
''',
        "returns_the_mask": '''
def relu(x):
    return (np.asarray(x, dtype=float) > 0).astype(float)
''',
        "minimum_not_maximum": '''
def relu(x):
    return np.minimum(np.asarray(x, dtype=float), 0.0)
''',
        "clips_in_place": '''
def relu(x):
    x = np.asarray(x, dtype=float)
    x[x < 0] = 0.0
    return x
''',
    },
    "relu_grad": {
        "one_at_zero": '''
def relu_grad(x):
    return (np.asarray(x, dtype=float) >= 0).astype(float)
''',
        "half_at_zero": '''
def relu_grad(x):
    return np.heaviside(np.asarray(x, dtype=float), 0.5)
''',
        "sign_function": '''
def relu_grad(x):
    return np.sign(np.asarray(x, dtype=float))
''',
        "returns_relu": '''
def relu_grad(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)
''',
        "returns_booleans": '''
def relu_grad(x):
    return np.asarray(x) > 0
''',
    },
    "sigmoid": {
        "exp_over_one_plus_exp": '''
def sigmoid(x):
    # Overflows for x > 709: inf / inf = nan.
    e = np.exp(np.asarray(x, dtype=float))
    return e / (1 + e)
''',
        "sign_error": '''
def sigmoid(x):
    return 1 / (1 + np.exp(np.asarray(x, dtype=float)))
''',
        "math_exp_elementwise": '''
import math
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return np.vectorize(lambda v: 1 / (1 + math.exp(-v)))(x).astype(float)
''',
        "tanh_instead": '''
def sigmoid(x):
    return np.tanh(np.asarray(x, dtype=float))
''',
    },
    "sigmoid_grad": {
        "derivative_in_terms_of_the_output": '''
def sigmoid_grad(x):
    x = np.asarray(x, dtype=float)
    return x * (1 - x)
''',
        "exp_form_overflows": '''
def sigmoid_grad(x):
    # Overflows for x < -709: inf / inf = nan.
    e = np.exp(-np.asarray(x, dtype=float))
    return e / (1 + e) ** 2
''',
        "plus_instead_of_minus": '''
def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 + s)
''',
        "returns_sigmoid": '''
def sigmoid_grad(x):
    return sigmoid(x)
''',
    },
    "cross_entropy_loss": {
        "sum_not_mean": '''
def cross_entropy_loss(logits, labels):
    z = np.asarray(logits, dtype=float)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-np.sum(log_p[np.arange(len(z)), labels]))
''',
        "log_of_softmax": '''
def cross_entropy_loss(logits, labels):
    # softmax underflows to 0 for very unlikely labels, and log(0) = -inf.
    p = softmax(logits)
    return float(-np.mean(np.log(p[np.arange(len(p)), labels])))
''',
        "no_max_subtraction": '''
def cross_entropy_loss(logits, labels):
    z = np.asarray(logits, dtype=float)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-np.mean(log_p[np.arange(len(z)), labels]))
''',
        "mean_over_every_entry": '''
def cross_entropy_loss(logits, labels):
    z = np.asarray(logits, dtype=float)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    onehot = np.eye(z.shape[1])[np.asarray(labels)]
    return float(-np.mean(onehot * log_p))
''',
        "wrong_indexing": '''
def cross_entropy_loss(logits, labels):
    z = np.asarray(logits, dtype=float)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-np.mean(log_p[:, labels]))
''',
    },
    "mlp_forward": {
        "no_relu": '''
def mlp_forward(X, params):
    H = np.asarray(X, dtype=float) @ params["W1"] + params["b1"]
    return softmax(H @ params["W2"] + params["b2"])
''',
        "sigmoid_instead_of_relu": '''
def mlp_forward(X, params):
    H = sigmoid(np.asarray(X, dtype=float) @ params["W1"] + params["b1"])
    return softmax(H @ params["W2"] + params["b2"])
''',
        "forgets_b1": '''
def mlp_forward(X, params):
    H = relu(np.asarray(X, dtype=float) @ params["W1"])
    return softmax(H @ params["W2"] + params["b2"])
''',
        "returns_logits": '''
def mlp_forward(X, params):
    H = relu(np.asarray(X, dtype=float) @ params["W1"] + params["b1"])
    return H @ params["W2"] + params["b2"]
''',
        "unstable_softmax": '''
def mlp_forward(X, params):
    H = relu(np.asarray(X, dtype=float) @ params["W1"] + params["b1"])
    e = np.exp(H @ params["W2"] + params["b2"])
    return e / e.sum(axis=1, keepdims=True)
''',
    },
    "mlp_gradients": {
        "missing_relu_mask": '''
def mlp_gradients(X, y, params):
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    H = relu(X @ params["W1"] + params["b1"])
    dZ2 = softmax(H @ params["W2"] + params["b2"])
    dZ2[np.arange(n), y] -= 1
    dZ2 /= n
    dZ1 = dZ2 @ params["W2"].T
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0),
            "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}
''',
        "bias_sum_over_wrong_axis": '''
def mlp_gradients(X, y, params):
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    Z1 = X @ params["W1"] + params["b1"]
    H = relu(Z1)
    dZ2 = softmax(H @ params["W2"] + params["b2"])
    dZ2[np.arange(n), y] -= 1
    dZ2 /= n
    dZ1 = dZ2 @ params["W2"].T * relu_grad(Z1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=1),
            "W2": H.T @ dZ2, "b2": dZ2.sum(axis=1)}
''',
        "forgets_to_divide_by_n": '''
def mlp_gradients(X, y, params):
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    Z1 = X @ params["W1"] + params["b1"]
    H = relu(Z1)
    dZ2 = softmax(H @ params["W2"] + params["b2"])
    dZ2[np.arange(n), y] -= 1
    dZ1 = dZ2 @ params["W2"].T * relu_grad(Z1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0),
            "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}
''',
        "mask_from_the_upstream_gradient": '''
def mlp_gradients(X, y, params):
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    H = relu(X @ params["W1"] + params["b1"])
    dZ2 = softmax(H @ params["W2"] + params["b2"])
    dZ2[np.arange(n), y] -= 1
    dZ2 /= n
    dH = dZ2 @ params["W2"].T
    dZ1 = dH * relu_grad(dH)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0),
            "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}
''',
        "probabilities_without_minus_onehot": '''
def mlp_gradients(X, y, params):
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    Z1 = X @ params["W1"] + params["b1"]
    H = relu(Z1)
    dZ2 = softmax(H @ params["W2"] + params["b2"]) / n
    dZ1 = dZ2 @ params["W2"].T * relu_grad(Z1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0),
            "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}
''',
        "mask_uses_X_not_Z1": '''
def mlp_gradients(X, y, params):
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    H = relu(X @ params["W1"] + params["b1"])
    dZ2 = softmax(H @ params["W2"] + params["b2"])
    dZ2[np.arange(n), y] -= 1
    dZ2 /= n
    dZ1 = dZ2 @ params["W2"].T
    dW1 = (X * relu_grad(X)).T @ dZ1
    return {"W1": dW1, "b1": dZ1.sum(axis=0),
            "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}
''',
        "updates_params_in_place": '''
def mlp_gradients(X, y, params):
    # Also takes a gradient-descent step: the caller's weights change.
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    Z1 = X @ params["W1"] + params["b1"]
    H = relu(Z1)
    dZ2 = softmax(H @ params["W2"] + params["b2"])
    dZ2[np.arange(n), y] -= 1
    dZ2 /= n
    dZ1 = dZ2 @ params["W2"].T * relu_grad(Z1)
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0),
             "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}
    for key in grads:
        params[key] -= 0.1 * grads[key]
    return grads
''',
    },
}
