"""Alternative answers and typical mistakes for 06_mle_kl."""

ALTERNATIVES = {
    "gaussian_mle": [
        '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return np.mean(x), np.var(x)  # np.var divides by n by default (ddof=0)
''',
        '''
def gaussian_mle(x):
    n = len(x)
    mu = sum(float(v) for v in x) / n
    var = sum((float(v) - mu) ** 2 for v in x) / n
    return mu, var
''',
        '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    mu = x.mean()
    return [mu, (x * x).mean() - mu * mu]  # E[x^2] - E[x]^2: fine at these scales
''',
    ],
    "categorical_mle": [
        '''
def categorical_mle(labels, num_classes):
    labels = np.asarray(labels)
    return np.bincount(labels, minlength=num_classes) / labels.size
''',
        '''
def categorical_mle(labels, num_classes):
    counts = [0] * num_classes
    for y in labels:
        counts[int(y)] += 1
    return np.array(counts, dtype=float) / len(labels)
''',
        '''
def categorical_mle(labels, num_classes):
    one_hot = np.eye(num_classes)[np.asarray(labels)]
    return one_hot.mean(axis=0)
''',
        '''
def categorical_mle(labels, num_classes):
    values, counts = np.unique(labels, return_counts=True)
    p = np.zeros(num_classes)
    p[values] = counts / counts.sum()
    return p
''',
    ],
    "gaussian_log_likelihood": [
        '''
def gaussian_log_likelihood(x, mu, var):
    x = np.asarray(x, dtype=float)
    return float(np.sum(-0.5 * np.log(2 * np.pi * var) - (x - mu) ** 2 / (2 * var)))
''',
        '''
import math
def gaussian_log_likelihood(x, mu, var):
    total = 0.0
    for v in x:
        density = math.exp(-(v - mu) ** 2 / (2 * var)) / math.sqrt(2 * math.pi * var)
        total += math.log(density)  # log of each density, never of the product
    return total
''',
        '''
def gaussian_log_likelihood(x, mu, var):
    x = np.asarray(x, dtype=float)
    n = x.size
    return -n / 2 * np.log(2 * np.pi) - n / 2 * np.log(var) - ((x - mu) @ (x - mu)) / (2 * var)
''',
    ],
    "entropy": [
        '''
def entropy(p):
    p = np.asarray(p, dtype=float)
    # log(0) warns and gives -inf, but np.where picks 0 there: the value is right.
    return float(-np.sum(np.where(p > 0, p * np.log(p), 0.0)))
''',
        '''
import math
def entropy(p):
    return -sum(v * math.log(v) for v in p if v > 0)
''',
        '''
def entropy(p):
    p = np.asarray(p, dtype=float)
    nz = p[p > 0]
    return -(nz @ np.log(nz))
''',
    ],
    "cross_entropy": [
        '''
def cross_entropy(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    # p * log(q) is nan where p = q = 0 and -inf where q = 0 < p; np.where fixes the first.
    return float(-np.sum(np.where(p > 0, p * np.log(q), 0.0)))
''',
        '''
import math
def cross_entropy(p, q):
    total = 0.0
    for pi, qi in zip(p, q):
        if pi == 0:
            continue
        if qi == 0:
            return math.inf
        total -= pi * math.log(qi)
    return total
''',
        '''
def cross_entropy(p, q):
    # H(p, q) = H(p) + KL(p || q), reusing entropy from the cell above
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = p > 0
    if (q[m] == 0).any():
        return float("inf")
    return entropy(p) + float(np.sum(p[m] * np.log(p[m] / q[m])))
''',
    ],
    "kl_divergence": [
        '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError(f"shapes differ: {p.shape} and {q.shape}")
    for name, v in (("p", p), ("q", q)):
        if np.any(v < 0):
            raise ValueError(f"{name} has a negative entry")
        if abs(v.sum() - 1) > 1e-6:
            raise ValueError(f"{name} does not sum to 1")
    return float(np.sum(np.where(p > 0, p * np.log(p / q), 0.0)))
''',
        '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape or (p < 0).any() or (q < 0).any() \\
            or not np.isclose(p.sum(), 1, rtol=0, atol=1e-6) \\
            or not np.isclose(q.sum(), 1, rtol=0, atol=1e-6):
        raise ValueError("p and q must be probability vectors of the same shape")
    return cross_entropy(p, q) - entropy(p)
''',
        '''
import math
def kl_divergence(p, q):
    if np.shape(p) != np.shape(q):
        raise ValueError("shapes differ")
    for v in (p, q):
        if min(v) < 0 or abs(sum(v) - 1) > 1e-6:
            raise ValueError("not a probability vector")
    total = 0.0
    for pi, qi in zip(p, q):
        if pi > 0:
            if qi == 0:
                return math.inf
            total += pi * math.log(pi / qi)
    return total
''',
    ],
}

MUTANTS = {
    "gaussian_mle": {
        "unbiased_variance_ddof_1": '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return float(np.mean(x)), float(np.var(x, ddof=1))
''',
        "divides_by_n_minus_1_by_hand": '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    mu = x.mean()
    return mu, float(((x - mu) ** 2).sum() / max(len(x) - 1, 1))
''',
        "returns_standard_deviation": '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return float(np.mean(x)), float(np.std(x))
''',
        "median_for_mean": '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return float(np.median(x)), float(np.var(x))
''',
    },
    "categorical_mle": {
        "np_unique_counts": '''
def categorical_mle(labels, num_classes):
    _, counts = np.unique(labels, return_counts=True)
    return counts / counts.sum()
''',
        "bincount_without_minlength": '''
def categorical_mle(labels, num_classes):
    labels = np.asarray(labels)
    return np.bincount(labels) / labels.size
''',
        "counts_not_frequencies": '''
def categorical_mle(labels, num_classes):
    return np.bincount(np.asarray(labels), minlength=num_classes).astype(float)
''',
        "divides_by_num_classes": '''
def categorical_mle(labels, num_classes):
    return np.bincount(np.asarray(labels), minlength=num_classes) / num_classes
''',
    },
    "gaussian_log_likelihood": {
        "missing_normalising_term": '''
def gaussian_log_likelihood(x, mu, var):
    x = np.asarray(x, dtype=float)
    return float(-np.sum((x - mu) ** 2) / (2 * var))
''',
        "treats_var_as_std": '''
def gaussian_log_likelihood(x, mu, var):
    x = np.asarray(x, dtype=float)
    sigma = var
    return float(np.sum(-np.log(np.sqrt(2 * np.pi) * sigma) - (x - mu) ** 2 / (2 * sigma ** 2)))
''',
        "log_of_product": '''
def gaussian_log_likelihood(x, mu, var):
    x = np.asarray(x, dtype=float)
    density = np.exp(-(x - mu) ** 2 / (2 * var)) / np.sqrt(2 * np.pi * var)
    return float(np.log(np.prod(density)))
''',
        "mean_not_sum": '''
def gaussian_log_likelihood(x, mu, var):
    x = np.asarray(x, dtype=float)
    return float(np.mean(-0.5 * np.log(2 * np.pi * var) - (x - mu) ** 2 / (2 * var)))
''',
        "normalising_term_without_pi": '''
def gaussian_log_likelihood(x, mu, var):
    x = np.asarray(x, dtype=float)
    return float(np.sum(-0.5 * np.log(var) - (x - mu) ** 2 / (2 * var)))
''',
        "missing_factor_two": '''
def gaussian_log_likelihood(x, mu, var):
    x = np.asarray(x, dtype=float)
    return float(np.sum(-0.5 * np.log(2 * np.pi * var) - (x - mu) ** 2 / var))
''',
    },
    "entropy": {
        "no_zero_convention_nan": '''
def entropy(p):
    p = np.asarray(p, dtype=float)
    return float(-np.sum(p * np.log(p)))
''',
        "wrong_sign": '''
def entropy(p):
    p = np.asarray(p, dtype=float)
    nz = p[p > 0]
    return float(np.sum(nz * np.log(nz)))
''',
        "log2_bits": '''
def entropy(p):
    p = np.asarray(p, dtype=float)
    nz = p[p > 0]
    return float(-np.sum(nz * np.log2(nz)))
''',
        "forgets_the_weights": '''
def entropy(p):
    p = np.asarray(p, dtype=float)
    return float(-np.sum(np.log(p[p > 0])))
''',
    },
    "cross_entropy": {
        "no_convention_nan_for_zero_terms": '''
def cross_entropy(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    return float(-np.sum(p * np.log(q)))
''',
        "log2": '''
def cross_entropy(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = p > 0
    return float(-np.sum(p[m] * np.log2(q[m])))
''',
        "arguments_swapped": '''
def cross_entropy(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = q > 0
    return float(-np.sum(q[m] * np.log(p[m])))
''',
        "epsilon_instead_of_inf": '''
def cross_entropy(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    return float(-np.sum(p * np.log(q + 1e-12)))
''',
        "zero_q_terms_dropped": '''
def cross_entropy(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = (p > 0) & (q > 0)
    return float(-np.sum(p[m] * np.log(q[m])))
''',
        "mean_not_sum": '''
def cross_entropy(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    return float(-np.mean(np.where(p > 0, p * np.log(q), 0.0)))
''',
    },
    "kl_divergence": {
        "arguments_swapped": '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("shapes differ")
    for v in (p, q):
        if (v < 0).any() or abs(v.sum() - 1) > 1e-6:
            raise ValueError("not a probability vector")
    return float(np.sum(np.where(q > 0, q * np.log(q / p), 0.0)))
''',
        "no_convention_nan": '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("shapes differ")
    for v in (p, q):
        if (v < 0).any() or abs(v.sum() - 1) > 1e-6:
            raise ValueError("not a probability vector")
    return float(np.sum(p * np.log(p / q)))
''',
        "no_validation": '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    return float(np.sum(np.where(p > 0, p * np.log(p / q), 0.0)))
''',
        "validates_p_only": '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape or (p < 0).any() or abs(p.sum() - 1) > 1e-6:
        raise ValueError("bad p")
    return float(np.sum(np.where(p > 0, p * np.log(p / q), 0.0)))
''',
        "no_negative_check": '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape or abs(p.sum() - 1) > 1e-6 or abs(q.sum() - 1) > 1e-6:
        raise ValueError("bad input")
    return float(np.sum(np.where(p > 0, p * np.log(p / q), 0.0)))
''',
        "no_shape_check_broadcasts": '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    for v in (p, q):
        if (v < 0).any() or abs(v.sum() - 1) > 1e-6:
            raise ValueError("not a probability vector")
    return float(np.sum(np.where(p > 0, p * np.log(p / q), 0.0)))
''',
        "sum_tolerance_too_loose": '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape or (p < 0).any() or (q < 0).any():
        raise ValueError("bad input")
    if not np.isclose(p.sum(), 1) or not np.isclose(q.sum(), 1):  # rtol 1e-5 + atol 1e-8
        raise ValueError("does not sum to 1")
    return float(np.sum(np.where(p > 0, p * np.log(p / q), 0.0)))
''',
        "exact_sum_required": '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape or (p < 0).any() or (q < 0).any():
        raise ValueError("bad input")
    if abs(p.sum() - 1) > 1e-12 or abs(q.sum() - 1) > 1e-12:
        raise ValueError("does not sum to 1")
    return float(np.sum(np.where(p > 0, p * np.log(p / q), 0.0)))
''',
        "log2": '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("shapes differ")
    for v in (p, q):
        if (v < 0).any() or abs(v.sum() - 1) > 1e-6:
            raise ValueError("not a probability vector")
    return float(np.sum(np.where(p > 0, p * np.log2(p / q), 0.0)))
''',
        "nan_instead_of_inf": '''
def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("shapes differ")
    for v in (p, q):
        if (v < 0).any() or abs(v.sum() - 1) > 1e-6:
            raise ValueError("not a probability vector")
    if ((q == 0) & (p > 0)).any():
        return float("nan")
    return float(np.sum(np.where(p > 0, p * np.log(p / q), 0.0)))
''',
    },
}
