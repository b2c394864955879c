"""Alternative answers and typical mistakes for 02_matrices."""

ALTERNATIVES = {
    "pinv": [
        '''
def pinv(A, rcond=1e-15):
    # Sum of rank-one pieces: A+ = sum over kept i of (1/s_i) v_i u_i^T.
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    result = np.zeros((n, m))
    if A.size == 0:
        return result
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    for i in range(len(s)):
        if s[i] > rcond * s[0]:
            result += np.outer(Vt[i], U[:, i]) / s[i]
    return result
''',
        '''
def pinv(A, rcond=1e-15):
    # Full SVD with an explicit (n, m) Sigma+.
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    U, s, Vt = np.linalg.svd(A, full_matrices=True)
    sigma_plus = np.zeros((n, m))
    if s.size and s.max() > 0:
        big = s > rcond * s.max()
        idx = np.arange(len(s))[big]
        sigma_plus[idx, idx] = 1.0 / s[big]
    return Vt.T @ sigma_plus @ U.T
''',
        '''
def pinv(A, rcond=1e-15):
    # Decompose the transpose instead: A^T = U S V^T, so A+ = U S+ V^T.
    At = np.asarray(A, dtype=float).T
    U, s, Vt = np.linalg.svd(At, full_matrices=False)
    top = s.max() if s.size else 0.0
    inv = np.divide(1.0, s, out=np.zeros_like(s), where=s > rcond * top)
    return U @ np.diag(inv) @ Vt
''',
    ],
    "solve_least_squares": [
        '''
def solve_least_squares(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    if A.shape[0] != b.shape[0]:
        raise ValueError(f"A has {A.shape[0]} rows but b has {b.shape[0]} entries")
    # x = V S+ U^T b without forming the pseudo-inverse.
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    top = s.max() if s.size else 0.0
    coef = np.divide(U.T @ b, s, out=np.zeros_like(s), where=s > 1e-15 * top)
    return Vt.T @ coef
''',
        '''
def solve_least_squares(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    if len(A) != len(b):
        raise ValueError("row counts differ")
    return np.linalg.lstsq(A, b, rcond=None)[0]
''',
        '''
def solve_least_squares(A, b):
    P = pinv(A)
    b = np.asarray(b, dtype=float)
    if P.shape[1] != b.size or b.ndim != 1:
        raise ValueError("A and b must have the same number of rows")
    x = np.zeros(P.shape[0])
    for i in range(P.shape[0]):
        for j in range(P.shape[1]):
            x[i] += P[i, j] * b[j]
    return x
''',
    ],
    "fit_linear_regression": [
        '''
def fit_linear_regression(X, y):
    X = np.asarray(X, dtype=float)
    return solve_least_squares(np.column_stack([np.ones(len(X)), X]), y)
''',
        '''
def fit_linear_regression(X, y):
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    design = np.ones((n, d + 1))
    for i in range(n):
        for j in range(d):
            design[i, j + 1] = X[i, j]
    return pinv(design) @ np.asarray(y, dtype=float)
''',
        '''
def fit_linear_regression(X, y):
    design = np.insert(np.asarray(X, dtype=float), 0, 1.0, axis=1)
    return np.linalg.lstsq(design, np.asarray(y, dtype=float), rcond=None)[0]
''',
    ],
    "predict": [
        '''
def predict(X, beta):
    X = np.asarray(X, dtype=float)
    return np.c_[np.ones(len(X)), X] @ np.asarray(beta, dtype=float)
''',
        '''
def predict(X, beta):
    out = []
    for row in X:
        value = beta[0]
        for x_j, b_j in zip(row, beta[1:]):
            value += x_j * b_j
        out.append(value)
    return np.array(out, dtype=float)
''',
    ],
}

MUTANTS = {
    "pinv": {
        "transposed_result": '''
def pinv(A, rcond=1e-15):
    # U S+ V^T instead of V S+ U^T: shape (m, n) instead of (n, m).
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    inv = np.where(s > rcond * s.max(), 1.0 / np.where(s > 0, s, 1.0), 0.0)
    return U @ np.diag(inv) @ Vt
''',
        "inverts_every_singular_value": '''
def pinv(A, rcond=1e-15):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return Vt.T @ np.diag(1.0 / s) @ U.T
''',
        "normal_equations_with_inv": '''
def pinv(A, rcond=1e-15):
    A = np.asarray(A, dtype=float)
    return np.linalg.inv(A.T @ A) @ A.T
''',
        "normal_equations_with_solve": '''
def pinv(A, rcond=1e-15):
    # (A^T A)^{-1} A^T: only right for full column rank.
    A = np.asarray(A, dtype=float)
    return np.linalg.solve(A.T @ A, A.T)
''',
        "ignores_rcond": '''
def pinv(A, rcond=1e-15):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > 1e-15 * (s.max() if s.size else 0.0)
    inv = np.zeros_like(s)
    inv[keep] = 1.0 / s[keep]
    return Vt.T @ np.diag(inv) @ U.T
''',
        "absolute_cutoff": '''
def pinv(A, rcond=1e-15):
    # rcond used as an absolute threshold instead of relative to max(s).
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > rcond
    inv = np.zeros_like(s)
    inv[keep] = 1.0 / s[keep]
    return Vt.T @ np.diag(inv) @ U.T
''',
        "keeps_value_equal_to_cutoff": '''
def pinv(A, rcond=1e-15):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = (s >= rcond * (s.max() if s.size else 0.0)) & (s > 0)
    inv = np.zeros_like(s)
    inv[keep] = 1.0 / s[keep]
    return Vt.T @ np.diag(inv) @ U.T
''',
        "forgets_transposing_u": '''
def pinv(A, rcond=1e-15):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > rcond * (s.max() if s.size else 0.0)
    inv = np.zeros_like(s)
    inv[keep] = 1.0 / s[keep]
    return Vt.T @ np.diag(inv) @ U
''',
        "calls_np_linalg_pinv": '''
def pinv(A, rcond=1e-15):
    return np.linalg.pinv(np.asarray(A, dtype=float), rcond=rcond)
''',
        "calls_pinv_through_alias": '''
from numpy.linalg import pinv as _library_pinv
def pinv(A, rcond=1e-15):
    return _library_pinv(np.asarray(A, dtype=float), rcond=rcond)
''',
        "calls_lstsq": '''
def pinv(A, rcond=1e-15):
    A = np.asarray(A, dtype=float)
    return np.linalg.lstsq(A, np.eye(A.shape[0]), rcond=rcond)[0]
''',
    },
    "solve_least_squares": {
        "no_row_check_broadcasts": '''
def solve_least_squares(A, b):
    # Elementwise form of pinv(A) @ b: broadcasting hides a length mismatch.
    return (pinv(A) * np.asarray(b, dtype=float)).sum(axis=1)
''',
        "checks_columns_not_rows": '''
def solve_least_squares(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    if A.shape[1] != b.shape[0]:
        raise ValueError("shapes differ")
    return pinv(A) @ b
''',
        "uses_np_linalg_solve": '''
def solve_least_squares(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    if A.shape[0] != b.shape[0]:
        raise ValueError("row counts differ")
    return np.linalg.solve(A, b)
''',
        "normal_equations": '''
def solve_least_squares(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    if A.shape[0] != b.shape[0]:
        raise ValueError("row counts differ")
    return np.linalg.solve(A.T @ A, A.T @ b)
''',
        "returns_column_vector": '''
def solve_least_squares(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    if A.shape[0] != b.shape[0]:
        raise ValueError("row counts differ")
    return pinv(A) @ b.reshape(-1, 1)
''',
        "b_times_pinv": '''
def solve_least_squares(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    if A.shape[0] != b.shape[0]:
        raise ValueError("row counts differ")
    return b @ pinv(A)
''',
    },
    "fit_linear_regression": {
        "no_intercept": '''
def fit_linear_regression(X, y):
    return pinv(X) @ np.asarray(y, dtype=float)
''',
        "intercept_last": '''
def fit_linear_regression(X, y):
    X = np.asarray(X, dtype=float)
    design = np.column_stack([X, np.ones(len(X))])
    return pinv(design) @ np.asarray(y, dtype=float)
''',
        "normal_equations": '''
def fit_linear_regression(X, y):
    X = np.asarray(X, dtype=float)
    D = np.column_stack([np.ones(len(X)), X])
    return np.linalg.solve(D.T @ D, D.T @ np.asarray(y, dtype=float))
''',
        "polyfit_order": '''
def fit_linear_regression(X, y):
    # np.polyfit returns the highest power first: [slope, intercept].
    X = np.asarray(X, dtype=float)
    return np.polyfit(X[:, 0], np.asarray(y, dtype=float), 1)
''',
        "mean_as_intercept": '''
def fit_linear_regression(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    return np.concatenate([[y.mean()], pinv(X) @ y])
''',
    },
    "predict": {
        "forgets_intercept": '''
def predict(X, beta):
    return np.asarray(X, dtype=float) @ np.asarray(beta, dtype=float)[1:]
''',
        "intercept_last": '''
def predict(X, beta):
    beta = np.asarray(beta, dtype=float)
    return beta[-1] + np.asarray(X, dtype=float) @ beta[:-1]
''',
        "returns_column": '''
def predict(X, beta):
    beta = np.asarray(beta, dtype=float)
    return beta[0] + np.asarray(X, dtype=float) @ beta[1:].reshape(-1, 1)
''',
        "only_first_feature": '''
def predict(X, beta):
    X = np.asarray(X, dtype=float)
    return beta[0] + beta[1] * X[:, 0]
''',
    },
}
