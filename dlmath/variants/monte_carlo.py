"""Alternative answers and typical mistakes for 05_monte_carlo."""

ALTERNATIVES = {
    "monte_carlo_integral": [
        # The lecture's loop over repeats, with the Generator instead of np.random.
        '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    width = abs(high - low)
    estimates = []
    for _ in range(repeat):
        u = rng.uniform(low=low, high=high, size=sample_size)
        estimates.append(width * np.mean(f(u)))
    return np.mean(estimates), np.std(estimates)
''',
        # One (sample_size, repeat) matrix built from rng.random, columns are repeats, ddof=1.
        '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    rng = np.random.default_rng(rng)
    u = low + (high - low) * rng.random((sample_size, repeat))
    estimates = (high - low) * f(u).mean(axis=0)
    return float(estimates.mean()), float(estimates.std(ddof=1))
''',
        # One flat draw, reshaped; variance by hand.
        '''
import math
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    gen = rng if rng is not None else np.random.default_rng()
    x = gen.uniform(low, high, sample_size * repeat)
    fx = np.asarray(f(x), dtype=float).reshape(repeat, sample_size)
    est = [(high - low) * row.sum() / sample_size for row in fx]
    m = sum(est) / repeat
    return m, math.sqrt(sum((e - m) ** 2 for e in est) / repeat)
''',
    ],
    "estimate_pi": [
        # Two separate coordinate draws, strict inequality.
        '''
def estimate_pi(n, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    x = rng.uniform(0, 1, n)
    y = rng.uniform(0, 1, n)
    return 4 * np.count_nonzero(x**2 + y**2 < 1) / n
''',
        # The whole square [-1, 1]^2 and the whole disc: the same fraction pi/4.
        '''
def estimate_pi(n, rng=None):
    rng = np.random.default_rng(rng)
    p = rng.uniform(-1.0, 1.0, size=(n, 2))
    return float(4.0 * np.mean(np.hypot(p[:, 0], p[:, 1]) <= 1.0))
''',
        # Through mc_expectation: pi = 4 E[indicator of the quarter disc].
        '''
def estimate_pi(n, rng=None):
    inside = lambda r: (r <= 1.0).astype(float)
    radius = lambda gen, m: np.sqrt(gen.random(m) ** 2 + gen.random(m) ** 2)
    return 4 * mc_expectation(inside, radius, n, rng)
''',
    ],
    "mc_expectation": [
        '''
def mc_expectation(g, sampler, n, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    return np.mean(g(sampler(rng, n)))
''',
        # A loop that adds one g value at a time.
        '''
def mc_expectation(g, sampler, n, rng=None):
    rng = rng or np.random.default_rng()
    total = 0.0
    for x in sampler(rng, n):
        total += float(g(x))
    return total / n
''',
    ],
}

MUTANTS = {
    "monte_carlo_integral": {
        "no_interval_length": '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    rng = np.random.default_rng(rng)
    est = f(rng.uniform(low, high, (repeat, sample_size))).mean(axis=1)
    return float(est.mean()), float(est.std())
''',
        "global_np_random": '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    est = (high - low) * f(np.random.uniform(low, high, (repeat, sample_size))).mean(axis=1)
    return float(est.mean()), float(est.std())
''',
        "fresh_generator_ignores_rng": '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    rng = np.random.default_rng()
    est = (high - low) * f(rng.uniform(low, high, (repeat, sample_size))).mean(axis=1)
    return float(est.mean()), float(est.std())
''',
        "std_over_samples": '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    rng = np.random.default_rng(rng)
    values = (high - low) * f(rng.uniform(low, high, (repeat, sample_size)))
    return float(values.mean()), float(values.std())
''',
        "ignores_low": '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    rng = np.random.default_rng(rng)
    est = high * f(rng.uniform(0, high, (repeat, sample_size))).mean(axis=1)
    return float(est.mean()), float(est.std())
''',
        "unit_interval_not_scaled": '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    rng = np.random.default_rng(rng)
    est = (high - low) * f(rng.random((repeat, sample_size))).mean(axis=1)
    return float(est.mean()), float(est.std())
''',
        "returns_variance": '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    rng = np.random.default_rng(rng)
    est = (high - low) * f(rng.uniform(low, high, (repeat, sample_size))).mean(axis=1)
    return float(est.mean()), float(est.var())
''',
        "no_mean_over_repeats": '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    rng = np.random.default_rng(rng)
    est = (high - low) * f(rng.uniform(low, high, (repeat, sample_size))).mean(axis=1)
    return float(est[-1]), float(est.std())
''',
        "lecture_length_two": '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    rng = np.random.default_rng(rng)
    est = 2 * f(rng.uniform(low, high, (repeat, sample_size))).mean(axis=1)
    return float(est.mean()), float(est.std())
''',
        "one_sample_reused": '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    rng = np.random.default_rng(rng)
    x = rng.uniform(low, high, sample_size)
    est = np.array([(high - low) * f(x).mean() for _ in range(repeat)])
    return float(est.mean()), float(est.std())
''',
        "std_divided_by_sqrt_repeat": '''
def monte_carlo_integral(f, low, high, sample_size=100, repeat=10, rng=None):
    rng = np.random.default_rng(rng)
    est = (high - low) * f(rng.uniform(low, high, (repeat, sample_size))).mean(axis=1)
    return float(est.mean()), float(est.std() / np.sqrt(repeat))
''',
    },
    "estimate_pi": {
        "missing_factor_4": '''
def estimate_pi(n, rng=None):
    rng = np.random.default_rng(rng)
    p = rng.random((n, 2))
    return float(np.mean((p ** 2).sum(axis=1) <= 1))
''',
        "global_np_random": '''
def estimate_pi(n, rng=None):
    p = np.random.random((n, 2))
    return float(4 * np.mean((p ** 2).sum(axis=1) <= 1))
''',
        "triangle_not_disc": '''
def estimate_pi(n, rng=None):
    rng = np.random.default_rng(rng)
    p = rng.random((n, 2))
    return float(4 * np.mean(p.sum(axis=1) <= 1))
''',
        "count_not_fraction": '''
def estimate_pi(n, rng=None):
    rng = np.random.default_rng(rng)
    p = rng.random((n, 2))
    return float(4 * np.count_nonzero((p ** 2).sum(axis=1) <= 1))
''',
        "fixed_seed_when_none": '''
def estimate_pi(n, rng=None):
    rng = np.random.default_rng(0 if rng is None else rng)
    p = rng.random((n, 2))
    return float(4 * np.mean((p ** 2).sum(axis=1) <= 1))
''',
        "divides_by_n_plus_one": '''
def estimate_pi(n, rng=None):
    rng = np.random.default_rng(rng)
    p = rng.random((n, 2))
    return 4 * np.count_nonzero((p ** 2).sum(axis=1) <= 1) / (n + 1)
''',
    },
    "mc_expectation": {
        "draws_normals_itself": '''
def mc_expectation(g, sampler, n, rng=None):
    rng = np.random.default_rng(rng)
    return float(np.mean(g(rng.normal(size=n))))
''',
        "g_of_the_mean": '''
def mc_expectation(g, sampler, n, rng=None):
    rng = np.random.default_rng(rng)
    return float(g(np.mean(sampler(rng, n))))
''',
        "forgets_g": '''
def mc_expectation(g, sampler, n, rng=None):
    rng = np.random.default_rng(rng)
    return float(np.mean(sampler(rng, n)))
''',
        "sum_not_mean": '''
def mc_expectation(g, sampler, n, rng=None):
    rng = np.random.default_rng(rng)
    return float(np.sum(g(sampler(rng, n))))
''',
        "passes_none_to_sampler": '''
def mc_expectation(g, sampler, n, rng=None):
    return float(np.mean(g(sampler(rng, n))))
''',
        "ignores_rng": '''
def mc_expectation(g, sampler, n, rng=None):
    return float(np.mean(g(sampler(np.random.default_rng(), n))))
''',
        "global_seed_generator": '''
def mc_expectation(g, sampler, n, rng=None):
    rng = np.random.default_rng(np.random.randint(2**31))
    return float(np.mean(g(sampler(rng, n))))
''',
    },
}
