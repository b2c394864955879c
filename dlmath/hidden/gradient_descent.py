"""Hidden tests for 03_gradient_descent."""

from __future__ import annotations

import numpy as np
import sympy

from dlmath import grading as G
from dlmath.reference import gradient_descent as ref


# ----------------------------------------------------------------------------
# Small helpers private to this assignment
# ----------------------------------------------------------------------------

class _Shown:
    """A value shown in failure messages as ``text`` (messages only: never passed to the
    learner; the callables the learner receives are ``G.public`` objects)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _fail(message):
    raise G.GradingFailure(message)


def _short(args):
    """Arguments for a message: long plain lists are cut (arrays are already kept short)."""
    return tuple(_Shown(G.describe(a, 200)) if isinstance(a, list) else a for a in args)


def _plain_symbols(expr):
    """Replace every symbol by the assumption-free symbol of the same name."""
    return expr.subs({s: sympy.Symbol(s.name) for s in expr.free_symbols
                      if isinstance(s, sympy.Symbol)})


def _sympy_equal(actual, expected, seed=0):
    """True when two SymPy expressions are the same function.

    Tried in order: identical after ``doit``/expand, ``sympy.simplify(a - e) == 0``,
    and, for forms that ``simplify`` cannot reconcile, agreement at five random
    points (a wrong derivative agrees with the right one at five random points
    with probability 0).
    """
    a = _plain_symbols(actual.doit())
    diff = a - expected
    if diff == 0 or sympy.expand(diff) == 0:
        return True
    if sympy.simplify(diff) == 0:
        return True
    rng = np.random.default_rng(seed)
    symbols = sorted(diff.free_symbols, key=str)
    for _ in range(5):
        point = {s: sympy.Float(float(rng.uniform(0.3, 1.7))) for s in symbols}
        try:
            d = complex(diff.evalf(subs=point))
            e = complex(sympy.sympify(expected).evalf(subs=point))
        except (TypeError, ValueError):
            return False
        if not abs(d) <= 1e-9 * (1 + abs(e)):
            return False
    return True


def _assert_symbolic(actual, expected, variables, call):
    """The return of symbolic_gradient is a list of matching SymPy expressions."""
    if isinstance(actual, str) or not isinstance(actual, list):
        _fail(f"{call} should return a list of SymPy expressions (one per variable), "
              f"but returned {G.describe(actual)} (type {type(actual).__name__}).")
    if len(actual) != len(expected):
        _fail(f"{call} returned {len(actual)} expressions; expected {len(expected)}, "
              f"one partial derivative for each of the variables {list(variables)}, "
              f"in that order.\nexpected: {expected}\nactual:   {G.describe(actual)}")
    for i, (a, e) in enumerate(zip(actual, expected)):
        if not isinstance(a, sympy.Basic):
            _fail(f"{call}[{i}] is {G.describe(a)} of type {type(a).__name__}; expected a "
                  f"SymPy expression (what sympy.diff returns), here {e}.")
        if not _sympy_equal(a, e, seed=i):
            _fail(f"{call}[{i}], the partial derivative with respect to "
                  f"{list(variables)[i]!r}, is {a}; expected {e} "
                  f"(sympy.simplify(actual - expected) is not 0).\n"
                  f"expected list: {expected}\nactual list:   {actual}")


def _check_symbolic(symbolic_gradient, cases):
    results = G.call_each(symbolic_gradient, cases, name="symbolic_gradient")
    for (expr, variables), actual in zip(cases, results):
        expected = ref.symbolic_gradient(expr, variables)
        call = G.describe_call("symbolic_gradient", (expr, variables))
        _assert_symbolic(actual, expected, variables, call)


def _seeded(seed, kind="default_rng"):
    """A fresh generator and the text that shows how it was made."""
    if kind == "philox":
        return (np.random.Generator(np.random.Philox(seed)),
                _Shown(f"np.random.Generator(np.random.Philox({seed}))"))
    return np.random.default_rng(seed), _Shown(f"np.random.default_rng({seed})")


# ----------------------------------------------------------------------------
# symbolic_gradient
# ----------------------------------------------------------------------------

SYMBOLIC_CASES = [
    ("x**2 + 3*x*y", ["x", "y"]),
    ("sin(x)*cos(y) + exp(x*y)", ["y", "x"]),
    ("log(x**2 + 1) + sqrt(y)", ["x", "y"]),
    ("x**3*y**2*z - 4*z", ["z", "x", "y"]),
    ("exp(-(x**2 + y**2)/2)", ["x", "y"]),
    ("w1*x1 + w2*x2 + b", ["w1", "w2", "b"]),
    ("(a*t + b - 3)**2", ["b", "a"]),
    ("1/(1 + exp(-x))", ["x"]),
    ("tanh(u)*v", ["v", "u"]),
    ("x**2 + y**2", ["x", "y", "z"]),
    ("5", ["x"]),
    ("x*y*z", ("z", "y", "x")),
]


def symbolic_gradient_values(symbolic_gradient):
    """Polynomials, exp/log/trig/sigmoid formulas, variables in non-alphabetical order, a variable
    the formula does not contain (derivative 0), a constant, and a tuple of names."""
    _check_symbolic(symbolic_gradient, SYMBOLIC_CASES)


def _random_polynomial(rng):
    names = ["p", "q", "r", "s", "t"]
    k = int(rng.integers(1, 5))
    used = [str(v) for v in rng.choice(names, size=k, replace=False)]
    terms = []
    for _ in range(int(rng.integers(1, 5))):
        coef = int(rng.integers(-9, 10)) or 1
        powers = "*".join(f"{v}**{int(rng.integers(0, 4))}" for v in used)
        terms.append(f"({coef})*{powers}")
    expr = " + ".join(terms)
    variables = list(used)
    rng.shuffle(variables)
    if rng.random() < 0.3:  # a name the formula does not contain
        variables.append(next(n for n in names if n not in used))
        rng.shuffle(variables)
    return expr, variables


def symbolic_gradient_random_polynomials(symbolic_gradient):
    """20 random polynomials in up to four variables, the variables in shuffled order
    (sometimes with an extra one), so the result must follow the order given."""
    _check_symbolic(symbolic_gradient, G.random_cases(301, 20, _random_polynomial))


def symbolic_gradient_structure(symbolic_gradient):
    """The return is a list (not a string, not one expression) of SymPy expressions with one
    entry per variable, also for a single variable and for variables the formula lacks."""
    _check_symbolic(symbolic_gradient, [("x**2", ["x"]), ("x*y", ["y"]),
                                        ("3*x + 2", ["a", "b", "x"]),
                                        ("theta**2*omega", ["omega", "theta"])])


# ----------------------------------------------------------------------------
# numerical_gradient
# ----------------------------------------------------------------------------

def _smooth_function(rng):
    """A random smooth scalar function of a 1-D vector, with a readable name."""
    n = int(rng.integers(1, 9))
    x = rng.normal(scale=float(rng.choice([0.5, 1.0, 3.0])), size=n)
    kind = int(rng.integers(0, 4))
    if kind == 0:
        A = rng.normal(size=(n, n))
        A = A @ A.T
        b = rng.normal(size=n)
        f = G.public("lambda v: 0.5 * v @ A @ v + b @ v", A=A, b=b,
                     text=f"f(x) = 0.5 * x @ A @ x + b @ x with A={G.describe(A, 200)}, "
                          f"b={G.describe(b, 120)}")
    elif kind == 1:
        c = rng.normal(size=n)
        f = G.public("lambda v: np.sum(np.sin(c * v))", c=c,
                     text=f"f(x) = sum(sin(c * x)) with c={G.describe(c, 120)}")
    elif kind == 2:
        f = G.public("lambda v: np.log(np.sum(np.exp(v)))", text="f(x) = log(sum(exp(x)))")
    else:
        c = rng.normal(size=n)
        f = G.public("lambda v: np.sum(v ** 3) / 3 + np.exp(c @ v)", c=c,
                     text=f"f(x) = sum(x**3) / 3 + exp(c @ x) with c={G.describe(c, 120)}")
    return f, x


def numerical_gradient_values(numerical_gradient):
    """30 random smooth functions (quadratics, sines, log-sum-exp, cubics with exp) at random
    points of 1 to 8 coordinates, with the default step h."""
    G.check_cases(numerical_gradient, ref.numerical_gradient,
                  G.random_cases(302, 30, _smooth_function), rtol=1e-6, atol=1e-8)


def numerical_gradient_central(numerical_gradient):
    """Central, not forward or backward, differences: exact (to rounding) on a quadratic with
    curvature 1e6, where a one-sided difference is off by about 5; and the step h is used (a
    large h on a cubic gives a result that depends on h)."""
    k = 1e6
    f = G.public("lambda v: 0.5 * k * np.sum(v ** 2)", text="f(x) = 0.5e6 * sum(x**2)", k=k)
    cubic = G.public("lambda v: np.sum(v ** 3)", text="f(x) = sum(x**3)")
    x = np.array([1.0, -2.0, 0.25])
    # (args, kwargs, expected, rtol, atol); all calls in one round trip.
    checks = [((f, v), {}, k * v, 1e-7, 1e-4)
              for v in (np.array([1.0, -2.0, 0.5]), np.array([0.0]), np.array([3.0, 1e-3]))]
    # ((x+h)^3 - (x-h)^3) / (2h) = 3x^2 + h^2, exactly.
    checks += [((cubic, x), {"h": h}, 3 * x ** 2 + h ** 2, 1e-9, 1e-9) for h in (0.5, 0.1, 1e-3)]
    results = G.call_each(numerical_gradient, [(args, kwargs) for args, kwargs, *_ in checks],
                          name="numerical_gradient")
    for (args, kwargs, expected, rtol, atol), got in zip(checks, results):
        G.assert_matches(got, expected, call=G.describe_call("numerical_gradient", args, kwargs),
                         rtol=rtol, atol=atol)
    cases = G.random_cases(303, 8, lambda r: (_smooth_function(r),
                                              {"h": float(r.choice([0.3, 1e-2, 1e-4]))}))
    G.check_cases(numerical_gradient, ref.numerical_gradient, cases, rtol=1e-6, atol=1e-8)


def numerical_gradient_inputs(numerical_gradient):
    """Plain lists (also of integers), a single coordinate, a function that returns a
    Python float; the result is a float array of shape (n,) and x is left unchanged."""
    square = G.public("lambda v: float(np.sum(np.asarray(v) ** 2))", text="f(x) = sum(x**2)")
    shifted = G.public("lambda v: np.sum((np.asarray(v) - 0.5) ** 4)",
                       text="f(x) = sum((x - 0.5)**4)")
    cases = [(square, [1, 2, 3]), (square, [0.5, -1.5]), (shifted, [2]),
             (square, np.array([7.0])), (shifted, np.array([1.0, 0.0, -1.0, 2.0])),
             (square, np.arange(-3.0, 4.0))]
    G.check_cases(numerical_gradient, ref.numerical_gradient, cases, rtol=1e-6, atol=1e-6)


# ----------------------------------------------------------------------------
# gradient_descent
# ----------------------------------------------------------------------------

def _quadratic_problem(rng):
    """grad of f(x) = 0.5 x^T A x - b^T x, eigenvalues of A in [1, 4]."""
    n = int(rng.integers(1, 7))
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = (Q * rng.uniform(1.0, 4.0, size=n)) @ Q.T
    b = rng.normal(scale=3.0, size=n)
    grad = G.public("lambda x: A @ x - b", A=A, b=b,
                    text=f"grad of f(x) = 0.5 * x @ A @ x - b @ x with A={G.describe(A, 200)}, "
                         f"b={G.describe(b, 120)}")
    x0 = rng.normal(scale=5.0, size=n)
    kwargs = {"lr": float(rng.choice([0.05, 0.1, 0.2, 0.3])),
              "eps": float(rng.choice([1e-2, 1e-4, 1e-6, 1e-8]))}
    if rng.random() < 0.3:
        kwargs["max_iter"] = int(rng.integers(1, 40))
    return (grad, x0), kwargs


def _nonlinear_problem(rng):
    """grad of f(x) = sum(log cosh(x - c)) + 0.1 ||x||^2 (convex, not quadratic)."""
    n = int(rng.integers(1, 5))
    c = rng.normal(scale=2.0, size=n)
    grad = G.public("lambda x: np.tanh(x - c) + 0.2 * x", c=c,
                    text=f"grad of f(x) = sum(log(cosh(x - c))) + 0.1 * x @ x with c={G.describe(c, 120)}")
    x0 = rng.normal(scale=3.0, size=n)
    return (grad, x0), {"lr": float(rng.choice([0.5, 1.0, 1.5])), "eps": 1e-6}


def gradient_descent_values(gradient_descent):
    """24 random convex quadratics in 1 to 6 dimensions and 8 convex non-quadratic functions,
    with various learning rates, tolerances and iteration caps: both x and steps must match."""
    cases = G.random_cases(304, 24, _quadratic_problem)
    cases += G.random_cases(305, 8, _nonlinear_problem)
    G.check_cases(gradient_descent, ref.gradient_descent, cases, rtol=1e-7, atol=1e-10)


def gradient_descent_step_count(gradient_descent):
    """The exact loop of the contract: the norm is checked before each update, steps counts
    updates, a stationary start makes 0 steps, the cap allows exactly max_iter updates, and a
    norm equal to eps does not stop (the rule is norm < eps)."""
    identity = G.public("lambda x: np.array(x, dtype=float)",
                        text="grad of f(x) = 0.5 * x @ x (grad(x) = x)")
    c = np.array([1.5, -2.0])
    to_c = G.public("lambda x: 2 * (x - c)", c=c, text="grad of f(x) = ||x - c||^2 with c=[1.5, -2.0]")
    g = np.array([1.0, -2.0])
    constant = G.public("lambda x: g.copy()", g=g, text="grad(x) = [1.0, -2.0] (constant)")
    half = G.public("lambda x: np.array([0.5, 0.0])",
                    text="grad(x) = [0.5, 0.0] (constant, norm exactly 0.5)")
    checks = [  # (grad, x0, kwargs, expected); all calls in one round trip
        # x_k = x0 / 2^k with lr = 0.5: the first k with ||x_k|| < eps is known in closed form.
        (identity, np.array([1.0]), {"lr": 0.5, "eps": 1e-3}, (np.array([2.0 ** -10]), 10)),
        (identity, np.array([3.0, 4.0]), {"lr": 0.5, "eps": 1e-2}, (np.array([3.0, 4.0]) / 512, 9)),
        (identity, np.array([3.0, 4.0]), {"lr": 0.5, "eps": 0.1}, (np.array([3.0, 4.0]) / 64, 6)),
        # Already stationary: no update at all.
        (identity, np.zeros(3), {}, (np.zeros(3), 0)),
        (to_c, c.copy(), {"lr": 0.1}, (c.copy(), 0)),
        (identity, np.array([1e-7, -1e-7]), {}, (np.array([1e-7, -1e-7]), 0)),
    ]
    # A gradient that never vanishes: exactly max_iter updates.
    for max_iter in (0, 1, 7, 50):
        x = np.array([0.5, 0.5])
        for _ in range(max_iter):
            x = x - 0.125 * g
        checks.append((constant, np.array([0.5, 0.5]), {"lr": 0.125, "max_iter": max_iter},
                       (x, max_iter)))
    # ||g|| == eps exactly is not "< eps": keep going until max_iter.
    checks.append((half, np.array([0.0, 1.0]), {"lr": 0.25, "eps": 0.5, "max_iter": 4},
                   (np.array([-0.5, 1.0]), 4)))
    results = G.call_each(gradient_descent,
                          [((grad, x0), kwargs) for grad, x0, kwargs, _ in checks],
                          name="gradient_descent")
    for (grad, x0, kwargs, expected), got in zip(checks, results):
        G.assert_matches(got, expected, rtol=1e-12, atol=1e-15,
                         call=G.describe_call("gradient_descent", (grad, x0), kwargs))


def gradient_descent_inputs(gradient_descent):
    """x0 as a plain list (also of integers) and of length 1, x0 left unchanged, the default
    lr, eps and max_iter, and a learning rate too large (divergence until max_iter)."""
    identity = G.public("lambda x: np.array(x, dtype=float)",
                        text="grad of f(x) = 0.5 * x @ x (grad(x) = x)")
    quartic = G.public("lambda x: np.asarray(x) ** 3 + 2 * np.asarray(x)",
                       text="grad of f(x) = sum(x**4) / 4 + x @ x")
    cases = [((identity, [3, -4]), {"lr": 0.25}),
             ((identity, [2.0]), {"lr": 0.3, "eps": 1e-9}),
             ((quartic, [1, 2, -1]), {"lr": 0.05}),
             ((identity, np.array([1.0, 2.0])), {}),
             ((identity, np.array([1.0, -1.0])), {"lr": 2.5, "max_iter": 30}),
             ((quartic, np.array([0.5])), {"lr": 0.1, "eps": 1e-3, "max_iter": 5})]
    G.check_cases(gradient_descent, ref.gradient_descent, cases, rtol=1e-7, atol=1e-12)


# ----------------------------------------------------------------------------
# linear_regression_gd
# ----------------------------------------------------------------------------

def _regression_data(rng, n_low=5, n_high=80):
    n = int(rng.integers(n_low, n_high))
    d = int(rng.integers(1, 5))
    X = rng.normal(scale=float(rng.choice([0.5, 1.0])), size=(n, d)) + rng.normal(size=d)
    beta = rng.normal(scale=2.0, size=d + 1)
    y = beta[0] + X @ beta[1:] + rng.normal(scale=0.5, size=n)
    return X, y


def _safe_lr(X, lr):
    """Shrink lr below the divergence threshold 2 / lambda_max(2/n Xb^T Xb)."""
    Xb = np.column_stack([np.ones(len(X)), X])
    top = np.linalg.eigvalsh(2.0 / len(X) * Xb.T @ Xb)[-1]
    return float(min(lr, 1.5 / top))


def _gd_case(rng):
    X, y = _regression_data(rng)
    lr = _safe_lr(X, float(rng.choice([0.001, 0.01, 0.05, 0.1])))
    return (X, y), {"lr": lr, "epochs": int(rng.choice([1, 2, 5, 17, 100, 300]))}


def linear_regression_gd_values(linear_regression_gd):
    """25 random regression problems (1 to 4 features, 5 to 79 rows) with various learning
    rates and numbers of epochs, against the reference path of full-batch gradient descent."""
    G.check_cases(linear_regression_gd, ref.linear_regression_gd,
                  G.random_cases(306, 25, _gd_case), rtol=1e-7, atol=1e-10)


def linear_regression_gd_first_epochs(linear_regression_gd):
    """The first steps in closed form: 0 epochs give zeros (intercept included, shape d+1),
    one epoch from zeros gives lr * (2/n) [1,X]^T y, a second adds lr * (2/n) [1,X]^T r.
    This pins down the sign, the factor 2, the division by n and the intercept."""
    checks = []  # (args, kwargs, expected); all calls in one round trip
    for i, (X, y) in enumerate(G.random_cases(307, 6, _regression_data)):
        n = len(y)
        Xb = np.column_stack([np.ones(n), X])
        lr = _safe_lr(X, 0.05)
        b1 = lr * 2.0 / n * (Xb.T @ y)
        b2 = b1 + lr * 2.0 / n * (Xb.T @ (y - Xb @ b1))
        args = (X.tolist(), y.tolist()) if i == 5 else (X, y)
        for epochs, expected in ((0, np.zeros(Xb.shape[1])), (1, b1), (2, b2)):
            checks.append((args, {"lr": lr, "epochs": epochs}, expected))
    results = G.call_each(linear_regression_gd, [(args, kwargs) for args, kwargs, _ in checks],
                          name="linear_regression_gd")
    for (args, kwargs, expected), got in zip(checks, results):
        G.assert_matches(got, expected, rtol=1e-9, atol=1e-12,
                         call=G.describe_call("linear_regression_gd", _short(args), kwargs))


def linear_regression_gd_converges(linear_regression_gd):
    """With a good learning rate and enough epochs the result is the least-squares solution
    (numpy.linalg.lstsq on [1, X]); also with the default lr and epochs on scaled data."""
    checks = []  # (X, y, kwargs, expected, tolerance); all calls in one round trip
    for X, y in G.random_cases(308, 4, lambda r: _regression_data(r, 20, 60)):
        Xc = X - X.mean(axis=0)  # centred features: a well-conditioned problem
        Xb = np.column_stack([np.ones(len(y)), Xc])
        best = np.linalg.lstsq(Xb, y, rcond=None)[0]
        checks.append((Xc, y, {"lr": _safe_lr(Xc, 0.2), "epochs": 3000}, best, 1e-6))
    X = np.linspace(-3, 3, 40).reshape(-1, 1)
    checks.append((X, 1.0 - 2.0 * X[:, 0], {}, np.array([1.0, -2.0]), 1e-4))
    results = G.call_each(linear_regression_gd, [((X, y), kwargs) for X, y, kwargs, *_ in checks],
                          name="linear_regression_gd")
    for (X, y, kwargs, expected, tol), got in zip(checks, results):
        G.assert_matches(got, expected, rtol=tol, atol=tol,
                         call=G.describe_call("linear_regression_gd", (X, y), kwargs))


# ----------------------------------------------------------------------------
# minibatch_sgd
# ----------------------------------------------------------------------------

def _sgd_case(rng):
    X, y = _regression_data(rng, 1, 70)
    n = len(y)
    choice = int(rng.integers(0, 6))
    batch_size = [1, 32, n, n + int(rng.integers(1, 10)),
                  max(1, n // 3), int(rng.integers(2, 12))][choice]
    kwargs = {"lr": _safe_lr(X, float(rng.choice([0.001, 0.01, 0.05]))),
              "epochs": int(rng.integers(1, 25)), "batch_size": int(batch_size)}
    if batch_size == 32 and rng.random() < 0.5:
        del kwargs["batch_size"]  # the default
    return X, y, kwargs, int(rng.integers(0, 2**31))


def _check_sgd(minibatch_sgd, X, y, kwargs, seed, kind="default_rng", rtol=1e-7):
    _check_sgds(minibatch_sgd, [(X, y, kwargs, seed, kind)], rtol=rtol)


def _check_sgds(minibatch_sgd, problems, rtol=1e-7):
    """Each (X, y, kwargs, seed, kind) with seeded generators on both sides, in one round trip;
    numpy's global random state untouched by every call."""
    cases, shown, expected = [], [], []
    for X, y, kwargs, seed, kind in problems:
        rng, text = _seeded(seed, kind)
        rng_ref, _ = _seeded(seed, kind)
        cases.append(((X, y), {**kwargs, "rng": rng}))
        shown.append(G.describe_call("minibatch_sgd", _short((X, y)), {**kwargs, "rng": text}))
        with G.quiet():
            expected.append(ref.minibatch_sgd(X, y, rng=rng_ref, **kwargs))
    results = G.call_each_rng_untouched(minibatch_sgd, cases, shown, name="minibatch_sgd",
                                        hint="Shuffle with rng.permutation(n).")
    for call, want, got in zip(shown, expected, results):
        G.assert_matches(got, want, call=call, rtol=rtol, atol=1e-10)


def minibatch_sgd_values(minibatch_sgd):
    """30 random problems with seeded generators on both sides: batch sizes that divide n,
    that do not (the last batch is smaller), batch_size 1, n, larger than n and the default,
    various learning rates, epochs and seeds. Each epoch must draw rng.permutation(n) once."""
    problems = [(X, y, kwargs, seed, "default_rng")
                for X, y, kwargs, seed in G.random_cases(309, 30, _sgd_case)]
    X, y = _regression_data(np.random.default_rng(310))
    problems.append((X, y, {"lr": 0.01, "epochs": 4, "batch_size": 5}, 11, "philox"))
    _check_sgds(minibatch_sgd, problems)


def minibatch_sgd_rng(minibatch_sgd):
    """Randomness only from rng: the global np.random state is untouched (with a Generator and
    with rng=None); rng=None works (a fresh default_rng: two calls differ) and still converges
    to the exact coefficients on noise-free data."""
    X, y = _regression_data(np.random.default_rng(311), 30, 40)
    _check_sgd(minibatch_sgd, X, y, {"lr": 0.01, "epochs": 3, "batch_size": 7}, 2024)
    Xc = X - X.mean(axis=0)
    truth = np.array([0.5, *np.linspace(-1.0, 1.0, X.shape[1])])
    y_exact = truth[0] + Xc @ truth[1:]
    kwargs = {"lr": _safe_lr(Xc, 0.1) / 2, "epochs": 400, "batch_size": 8}
    call = G.describe_call("minibatch_sgd", (Xc, y_exact), kwargs)
    with G.global_rng_untouched(call + " (rng=None)",
                                "rng=None means rng = np.random.default_rng(), not np.random.*."):
        got = G.call(minibatch_sgd, Xc, y_exact, name="minibatch_sgd", **kwargs)
    G.assert_matches(got, truth, call=call + " on noise-free data y = 0.5 + X @ w",
                     rtol=1e-5, atol=1e-5)
    kwargs = {"lr": 0.01, "epochs": 2, "batch_size": 4}
    first, second = G.call_each(minibatch_sgd, [((X, y), kwargs)] * 2, name="minibatch_sgd")
    if isinstance(first, np.ndarray) and isinstance(second, np.ndarray) \
            and first.shape == second.shape and np.array_equal(first, second):
        _fail(f"{G.describe_call('minibatch_sgd', (X, y), kwargs)} returned the same "
              f"coefficients twice: rng=None must mean a fresh np.random.default_rng() "
              f"(new random permutations every call), not a fixed seed.\n"
              f"both calls: {G.describe(first)}")


def minibatch_sgd_edge_cases(minibatch_sgd):
    """0 epochs give zeros of shape d+1; a batch at least as large as the data makes every
    epoch one full-batch step (the same path as linear_regression_gd); plain lists; one row."""
    X, y = _regression_data(np.random.default_rng(312), 10, 30)
    n, d = X.shape
    _check_sgd(minibatch_sgd, X, y, {"epochs": 0}, 5)
    rng, shown = _seeded(6)
    checks = [  # (kwargs, shown kwargs, expected, rtol, atol, note); all calls in one round trip
        ({"lr": 0.0, "epochs": 3, "rng": rng}, {"lr": 0.0, "epochs": 3, "rng": shown},
         np.zeros(d + 1), 0, 0, "")]
    full = ref.linear_regression_gd(X, y, lr=0.02, epochs=12)
    for batch_size in (n, n + 7, 1000):
        kwargs = {"lr": 0.02, "epochs": 12, "batch_size": batch_size}
        rng, shown = _seeded(7)
        checks.append(({"rng": rng, **kwargs}, {**kwargs, "rng": shown}, full, 1e-9, 1e-12,
                       " (one batch per epoch = full-batch gradient descent)"))
    results = G.call_each(minibatch_sgd, [((X, y), kwargs) for kwargs, *_ in checks],
                          name="minibatch_sgd")
    for (_, shown_kwargs, expected, rtol, atol, note), got in zip(checks, results):
        G.assert_matches(got, expected, rtol=rtol, atol=atol,
                         call=G.describe_call("minibatch_sgd", (X, y), shown_kwargs) + note)
    _check_sgd(minibatch_sgd, X, y, {"lr": 0.01, "epochs": 5, "batch_size": 3}, 8)
    _check_sgd(minibatch_sgd, X.tolist(), y.tolist(), {"lr": 0.01, "epochs": 5, "batch_size": 3}, 8)
    _check_sgd(minibatch_sgd, [[2.0]], [3.0], {"lr": 0.1, "epochs": 4, "batch_size": 2}, 9)


CHECKS = {
    "symbolic_gradient": [symbolic_gradient_values, symbolic_gradient_random_polynomials,
                          symbolic_gradient_structure],
    "numerical_gradient": [numerical_gradient_values, numerical_gradient_central,
                           numerical_gradient_inputs],
    "gradient_descent": [gradient_descent_values, gradient_descent_step_count,
                         gradient_descent_inputs],
    "linear_regression_gd": [linear_regression_gd_values, linear_regression_gd_first_epochs,
                             linear_regression_gd_converges],
    "minibatch_sgd": [minibatch_sgd_values, minibatch_sgd_rng, minibatch_sgd_edge_cases],
}
