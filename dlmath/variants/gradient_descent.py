"""Alternative answers and typical mistakes for 03_gradient_descent."""

ALTERNATIVES = {
    "symbolic_gradient": [
        '''
def symbolic_gradient(expr, variables):
    symbols = [sympy.Symbol(v) for v in variables]
    f = sympy.parse_expr(expr, local_dict=dict(zip(variables, symbols)))
    return [sympy.Derivative(f, s).doit() for s in symbols]
''',
        '''
def symbolic_gradient(expr, variables):
    symbols = sympy.symbols(list(variables))
    f = sympy.sympify(expr)
    jacobian = sympy.Matrix([f]).jacobian(symbols)
    return list(jacobian)
''',
        '''
def symbolic_gradient(expr, variables):
    f = sympy.sympify(expr)
    grads = []
    for name in variables:
        grads.append(sympy.simplify(sympy.diff(f, sympy.Symbol(name))))
    return grads
''',
    ],
    "numerical_gradient": [
        '''
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    steps = h * np.eye(x.size)
    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in steps], dtype=float)
''',
        '''
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    for i in range(len(x)):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad
''',
    ],
    "gradient_descent": [
        '''
def gradient_descent(grad, x0, lr=0.01, eps=1e-6, max_iter=10000):
    x = np.array(x0, dtype=float)
    for k in range(max_iter):
        g = np.asarray(grad(x), dtype=float)
        if np.linalg.norm(g) < eps:
            return x, k
        x = x - lr * g
    return x, max_iter
''',
        '''
import math
def gradient_descent(grad, x0, lr=0.01, eps=1e-6, max_iter=10000):
    x = np.asarray(x0, dtype=float).copy()
    steps = 0
    g = np.asarray(grad(x), dtype=float) if max_iter > 0 else None
    while steps < max_iter and math.sqrt(float(g @ g)) >= eps:
        x -= lr * g
        steps += 1
        if steps < max_iter:
            g = np.asarray(grad(x), dtype=float)
    return x, steps
''',
    ],
    "linear_regression_gd": [
        '''
def linear_regression_gd(X, y, lr=0.01, epochs=1000):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(y)
    b, w = 0.0, np.zeros(X.shape[1])
    for _ in range(epochs):
        r = y - (b + X @ w)
        b, w = b + lr * 2 * r.mean(), w + lr * 2 / n * (X.T @ r)
    return np.concatenate([[b], w])
''',
        '''
def linear_regression_gd(X, y, lr=0.01, epochs=1000):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    Xb = np.column_stack([np.ones(len(y)), X])
    A = Xb.T @ Xb / len(y)
    c = Xb.T @ y / len(y)
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        beta = beta - lr * 2 * (A @ beta - c)
    return beta
''',
    ],
    "minibatch_sgd": [
        '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(y)
    Xb = np.hstack([np.ones((n, 1)), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        order = np.arange(n)
        rng.shuffle(order)
        start = 0
        while start < n:
            rows = order[start:start + batch_size]
            Xk, yk = Xb[rows], y[rows]
            beta = beta + lr * 2 / len(rows) * (Xk.T @ (yk - Xk @ beta))
            start += batch_size
    return beta
''',
        '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n = X.shape[0]
    b, w = 0.0, np.zeros(X.shape[1])
    for epoch in range(epochs):
        perm = rng.permutation(n)
        Xs, ys = X[perm], y[perm]
        for k in range(0, n, batch_size):
            Xk, yk = Xs[k:k + batch_size], ys[k:k + batch_size]
            r = yk - (b + Xk @ w)
            b, w = b + lr * 2 * r.mean(), w + lr * 2 / len(yk) * (Xk.T @ r)
    return np.concatenate([[b], w])
''',
    ],
}

MUTANTS = {
    "symbolic_gradient": {
        "sorted_variable_order": '''
def symbolic_gradient(expr, variables):
    f = sympy.sympify(expr)
    return [sympy.diff(f, sympy.Symbol(v)) for v in sorted(variables)]
''',
        "free_symbols_instead_of_variables": '''
def symbolic_gradient(expr, variables):
    f = sympy.sympify(expr)
    return [sympy.diff(f, s) for s in sorted(f.free_symbols, key=str)]
''',
        "returns_strings": '''
def symbolic_gradient(expr, variables):
    f = sympy.sympify(expr)
    return [str(sympy.diff(f, sympy.Symbol(v))) for v in variables]
''',
        "mixed_partial_derivative": '''
def symbolic_gradient(expr, variables):
    f = sympy.sympify(expr)
    return [sympy.diff(f, *[sympy.Symbol(v) for v in variables])]
''',
        "second_derivatives": '''
def symbolic_gradient(expr, variables):
    f = sympy.sympify(expr)
    return [sympy.diff(f, sympy.Symbol(v), 2) for v in variables]
''',
        "returns_a_matrix": '''
def symbolic_gradient(expr, variables):
    f = sympy.sympify(expr)
    return sympy.Matrix([sympy.diff(f, sympy.Symbol(v)) for v in variables])
''',
    },
    "numerical_gradient": {
        "forward_difference": '''
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x)) / h
    return grad
''',
        "backward_difference": '''
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x) - f(x - e)) / h
    return grad
''',
        "divides_by_h_not_2h": '''
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / h
    return grad
''',
        "ignores_h": '''
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = 1e-5
        grad[i] = (f(x + e) - f(x - e)) / 2e-5
    return grad
''',
        "mutates_x_never_restores": '''
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        x[i] += h
        plus = f(x)
        x[i] -= 2 * h
        minus = f(x)
        grad[i] = (plus - minus) / (2 * h)
    return grad
''',
        "mutates_x_restores_by_arithmetic": '''
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        x[i] += h
        plus = f(x)
        x[i] -= 2 * h
        minus = f(x)
        x[i] += h
        grad[i] = (plus - minus) / (2 * h)
    return grad
''',
        "integer_input_truncates_the_step": '''
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x)
    grad = np.zeros(x.shape)
    for i in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad
''',
    },
    "gradient_descent": {
        "checks_norm_after_update": '''
def gradient_descent(grad, x0, lr=0.01, eps=1e-6, max_iter=10000):
    x = np.array(x0, dtype=float)
    steps = 0
    while steps < max_iter:
        x = x - lr * np.asarray(grad(x))
        steps += 1
        if np.linalg.norm(grad(x)) < eps:
            break
    return x, steps
''',
        "max_iter_plus_one_updates": '''
def gradient_descent(grad, x0, lr=0.01, eps=1e-6, max_iter=10000):
    x = np.array(x0, dtype=float)
    steps = 0
    while steps <= max_iter:
        g = np.asarray(grad(x))
        if np.linalg.norm(g) < eps:
            break
        x = x - lr * g
        steps += 1
    return x, steps
''',
        "counts_iterations_not_updates": '''
def gradient_descent(grad, x0, lr=0.01, eps=1e-6, max_iter=10000):
    x = np.array(x0, dtype=float)
    i = 0
    for i in range(max_iter):
        g = np.asarray(grad(x))
        if np.linalg.norm(g) < eps:
            break
        x = x - lr * g
    return x, i + 1
''',
        "ascends_instead_of_descends": '''
def gradient_descent(grad, x0, lr=0.01, eps=1e-6, max_iter=10000):
    x = np.array(x0, dtype=float)
    steps = 0
    while steps < max_iter:
        g = np.asarray(grad(x))
        if np.linalg.norm(g) < eps:
            break
        x = x + lr * g
        steps += 1
    return x, steps
''',
        "squared_norm_in_stopping_rule": '''
def gradient_descent(grad, x0, lr=0.01, eps=1e-6, max_iter=10000):
    x = np.array(x0, dtype=float)
    steps = 0
    while steps < max_iter:
        g = np.asarray(grad(x))
        if np.sum(g ** 2) < eps:
            break
        x = x - lr * g
        steps += 1
    return x, steps
''',
        "stops_when_norm_equals_eps": '''
def gradient_descent(grad, x0, lr=0.01, eps=1e-6, max_iter=10000):
    x = np.array(x0, dtype=float)
    steps = 0
    while steps < max_iter:
        g = np.asarray(grad(x))
        if np.linalg.norm(g) <= eps:
            break
        x = x - lr * g
        steps += 1
    return x, steps
''',
        "updates_x0_in_place": '''
def gradient_descent(grad, x0, lr=0.01, eps=1e-6, max_iter=10000):
    x = np.asarray(x0, dtype=float)
    steps = 0
    while steps < max_iter:
        g = np.asarray(grad(x))
        if np.linalg.norm(g) < eps:
            break
        x -= lr * g
        steps += 1
    return x, steps
''',
        "l1_norm_in_stopping_rule": '''
def gradient_descent(grad, x0, lr=0.01, eps=1e-6, max_iter=10000):
    x = np.array(x0, dtype=float)
    steps = 0
    while steps < max_iter:
        g = np.asarray(grad(x))
        if np.sum(np.abs(g)) < eps:
            break
        x = x - lr * g
        steps += 1
    return x, steps
''',
    },
    "linear_regression_gd": {
        "missing_factor_2": '''
def linear_regression_gd(X, y, lr=0.01, epochs=1000):
    X, y = np.asarray(X, float), np.asarray(y, float)
    Xb = np.column_stack([np.ones(len(y)), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        beta = beta + lr / len(y) * (Xb.T @ (y - Xb @ beta))
    return beta
''',
        "sum_instead_of_mean": '''
def linear_regression_gd(X, y, lr=0.01, epochs=1000):
    X, y = np.asarray(X, float), np.asarray(y, float)
    Xb = np.column_stack([np.ones(len(y)), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        beta = beta + lr * 2 * (Xb.T @ (y - Xb @ beta))
    return beta
''',
        "no_intercept": '''
def linear_regression_gd(X, y, lr=0.01, epochs=1000):
    X, y = np.asarray(X, float), np.asarray(y, float)
    beta = np.zeros(X.shape[1])
    for _ in range(epochs):
        beta = beta + lr * 2 / len(y) * (X.T @ (y - X @ beta))
    return beta
''',
        "wrong_sign": '''
def linear_regression_gd(X, y, lr=0.01, epochs=1000):
    X, y = np.asarray(X, float), np.asarray(y, float)
    Xb = np.column_stack([np.ones(len(y)), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        beta = beta - lr * 2 / len(y) * (Xb.T @ (y - Xb @ beta))
    return beta
''',
        "intercept_last": '''
def linear_regression_gd(X, y, lr=0.01, epochs=1000):
    X, y = np.asarray(X, float), np.asarray(y, float)
    Xb = np.column_stack([X, np.ones(len(y))])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        beta = beta + lr * 2 / len(y) * (Xb.T @ (y - Xb @ beta))
    return beta
''',
        "one_epoch_short": '''
def linear_regression_gd(X, y, lr=0.01, epochs=1000):
    X, y = np.asarray(X, float), np.asarray(y, float)
    Xb = np.column_stack([np.ones(len(y)), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(1, epochs):
        beta = beta + lr * 2 / len(y) * (Xb.T @ (y - Xb @ beta))
    return beta
''',
        "starts_at_ones": '''
def linear_regression_gd(X, y, lr=0.01, epochs=1000):
    X, y = np.asarray(X, float), np.asarray(y, float)
    Xb = np.column_stack([np.ones(len(y)), X])
    beta = np.ones(Xb.shape[1])
    for _ in range(epochs):
        beta = beta + lr * 2 / len(y) * (Xb.T @ (y - Xb @ beta))
    return beta
''',
    },
    "minibatch_sgd": {
        "one_permutation_for_all_epochs": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    perm = rng.permutation(n)
    for _ in range(epochs):
        for k in range(0, n, batch_size):
            rows = perm[k:k + batch_size]
            beta = beta + lr * 2 / len(rows) * (Xb[rows].T @ (y[rows] - Xb[rows] @ beta))
    return beta
''',
        "drops_last_partial_batch": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        perm = rng.permutation(n)
        for k in range(n // batch_size):
            rows = perm[k * batch_size:(k + 1) * batch_size]
            beta = beta + lr * 2 / len(rows) * (Xb[rows].T @ (y[rows] - Xb[rows] @ beta))
    return beta
''',
        "divides_by_batch_size_not_batch_length": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        perm = rng.permutation(n)
        for k in range(0, n, batch_size):
            rows = perm[k:k + batch_size]
            beta = beta + lr * 2 / batch_size * (Xb[rows].T @ (y[rows] - Xb[rows] @ beta))
    return beta
''',
        "divides_by_n_not_batch_length": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        perm = rng.permutation(n)
        for k in range(0, n, batch_size):
            rows = perm[k:k + batch_size]
            beta = beta + lr * 2 / n * (Xb[rows].T @ (y[rows] - Xb[rows] @ beta))
    return beta
''',
        "global_np_random": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        perm = np.random.permutation(n)
        for k in range(0, n, batch_size):
            rows = perm[k:k + batch_size]
            beta = beta + lr * 2 / len(rows) * (Xb[rows].T @ (y[rows] - Xb[rows] @ beta))
    return beta
''',
        "seeds_global_state_from_rng": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        perm = rng.permutation(n)
        np.random.seed(int(perm[0]))  # pointless, but touches the global state
        for k in range(0, n, batch_size):
            rows = perm[k:k + batch_size]
            beta = beta + lr * 2 / len(rows) * (Xb[rows].T @ (y[rows] - Xb[rows] @ beta))
    return beta
''',
        "fixed_seed_when_rng_is_none": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng(0) if rng is None else rng
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        perm = rng.permutation(n)
        for k in range(0, n, batch_size):
            rows = perm[k:k + batch_size]
            beta = beta + lr * 2 / len(rows) * (Xb[rows].T @ (y[rows] - Xb[rows] @ beta))
    return beta
''',
        "no_shuffling": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        for k in range(0, n, batch_size):
            rows = np.arange(k, min(k + batch_size, n))
            beta = beta + lr * 2 / len(rows) * (Xb[rows].T @ (y[rows] - Xb[rows] @ beta))
    return beta
''',
        "balanced_batches_with_array_split": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        perm = rng.permutation(n)
        for rows in np.array_split(perm, -(-n // batch_size)):
            beta = beta + lr * 2 / len(rows) * (Xb[rows].T @ (y[rows] - Xb[rows] @ beta))
    return beta
''',
        "shuffles_X_and_y_separately": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        Xs, ys = rng.permutation(Xb), rng.permutation(y)
        for k in range(0, n, batch_size):
            Xk, yk = Xs[k:k + batch_size], ys[k:k + batch_size]
            beta = beta + lr * 2 / len(yk) * (Xk.T @ (yk - Xk @ beta))
    return beta
''',
        "samples_batches_with_replacement": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        for k in range(0, n, batch_size):
            rows = rng.integers(0, n, size=min(batch_size, n - k))
            beta = beta + lr * 2 / len(rows) * (Xb[rows].T @ (y[rows] - Xb[rows] @ beta))
    return beta
''',
        "no_intercept": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    beta = np.zeros(X.shape[1])
    for _ in range(epochs):
        perm = rng.permutation(n)
        for k in range(0, n, batch_size):
            rows = perm[k:k + batch_size]
            beta = beta + lr * 2 / len(rows) * (X[rows].T @ (y[rows] - X[rows] @ beta))
    return beta
''',
        "missing_factor_2": '''
def minibatch_sgd(X, y, lr=0.01, epochs=100, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X, y = np.asarray(X, float), np.asarray(y, float)
    n = len(y)
    Xb = np.column_stack([np.ones(n), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(epochs):
        perm = rng.permutation(n)
        for k in range(0, n, batch_size):
            rows = perm[k:k + batch_size]
            beta = beta + lr / len(rows) * (Xb[rows].T @ (y[rows] - Xb[rows] @ beta))
    return beta
''',
    },
}
