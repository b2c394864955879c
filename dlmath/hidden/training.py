"""Hidden tests for 10_training.

``softmax``, ``relu``, ``mlp_forward`` and ``mlp_gradients`` (04) and
``clip_by_global_norm`` (09) are graded again here by exactly the checks of
:mod:`dlmath.hidden.neural_networks` and :mod:`dlmath.hidden.rnn`, re-exported
under their own names.  The checks of ``init_params``, ``accuracy`` and
``train_mlp`` are new; ``train_mlp`` is compared with the reference on small
synthetic problems (a few milliseconds each) with seeded generators on both
sides, so the learner's loop must draw the same random numbers in the same
order: ``init_params`` first, then one ``rng.permutation(n)`` per epoch.
"""

from __future__ import annotations

import numpy as np

from dlmath import grading as G
from dlmath.hidden import neural_networks as _nn
from dlmath.hidden import rnn as _rnn
from dlmath.reference import training as ref

#: The functions of 04 and 09 graded again here, with the module that grades them there.
BROUGHT = {"softmax": _nn, "relu": _nn, "mlp_forward": _nn, "mlp_gradients": _nn,
           "clip_by_global_norm": _rnn}

# Re-export every check of the brought functions under its own name, so that a hidden
# cell of this notebook reads ``hidden.softmax_1d(softmax)`` exactly as in 04.
for _function, _module in BROUGHT.items():
    for _check in _module.CHECKS[_function]:
        globals()[_check.__name__] = _check
del _function, _module, _check

PARAM_KEYS = ref.PARAM_KEYS

#: Tolerances for a whole training run: the same arithmetic in another order
#: (another but correct mlp_gradients) drifts by far less than this.
TRAIN_TOL = {"rtol": 1e-6, "atol": 1e-9}


class _Shown:
    """A value shown in failure messages as ``text`` (e.g. how a generator was made)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _seeded(seed, kind="default_rng"):
    """A fresh generator and the text that shows how it was made."""
    if kind == "philox":
        return (np.random.Generator(np.random.Philox(seed)),
                _Shown(f"np.random.Generator(np.random.Philox({seed}))"))
    return np.random.default_rng(seed), _Shown(f"np.random.default_rng({seed})")


def _fail(message):
    raise G.GradingFailure(message)


# ----------------------------------------------------------------------------
# init_params
# ----------------------------------------------------------------------------

INIT_HINT = ("He initialisation: W1 = rng.normal(0, sqrt(2 / d), (d, h)) drawn FIRST, then "
             "W2 = rng.normal(0, sqrt(2 / h), (h, k)); the standard deviation uses the fan-in "
             "(the number of inputs of the layer), and the biases are zeros, not drawn.")


def _init_case(rng):
    d, h, k = (int(v) for v in rng.integers(1, 13, size=3))
    return d, h, k, int(rng.integers(0, 2**31))


def _check_init(init_params, d, h, k, seed, kind="default_rng"):
    _check_inits(init_params, [(d, h, k, seed, kind)])


def _check_inits(init_params, cases):
    """:func:`_check_init` for every ``(d, h, k, seed[, kind])`` case, in one round trip."""
    seeded = [_seeded(*case[3:]) for case in cases]
    calls = [(d, h, k, rng) for (d, h, k, *_), (rng, _) in zip(cases, seeded)]
    results = G.call_each(init_params, calls, name="init_params")
    for (d, h, k, *rng_args), (_, shown), got in zip(cases, seeded, results):
        rng_ref, _ = _seeded(*rng_args)
        call = G.describe_call("init_params", (d, h, k, shown))
        _check_param_structure(got, d, h, k, call)
        try:
            G.assert_matches(got, ref.init_params(d, h, k, rng_ref), call=call, rtol=1e-12,
                             atol=0)
        except G.GradingFailure as failure:
            _fail(f"{failure}\n{INIT_HINT}")


def _check_param_structure(params, d, h, k, call):
    """Fail unless ``params`` is a dict of float arrays W1 (d, h), b1 (h,), W2 (h, k), b2 (k,)."""
    shapes = {"W1": (d, h), "b1": (h,), "W2": (h, k), "b2": (k,)}
    if type(params) is not dict or sorted(map(str, params)) != sorted(shapes):
        _fail(f"{call} should return a dict with exactly the keys W1, b1, W2, b2, but returned "
              f"{G.describe(params)}.")
    for key, shape in shapes.items():
        value = params[key]
        if type(value) is not np.ndarray or value.shape != shape:
            _fail(f"{call}[{key!r}] should be a NumPy array of shape {shape}, but is "
                  f"{G.describe(value)}.")
        if value.dtype != np.float64:
            _fail(f"{call}[{key!r}] has dtype {value.dtype}; expected float64 "
                  f"(np.zeros(...) gives float64; np.zeros(..., dtype=int) does not).")


def init_params_matches_reference(init_params):
    """25 random sizes (d, h, k from 1 to 12) with seeded generators on both sides, and a
    Philox generator: exactly the reference's weights, so W1 is drawn first with
    rng.normal(0, sqrt(2/d), (d, h)), then W2 with rng.normal(0, sqrt(2/h), (h, k)), and
    nothing else is drawn (the biases are zeros)."""
    cases = G.random_cases(1001, 25, _init_case)
    cases += [(4, 6, 3, 77, "philox"), (1, 1, 2, 5), (64, 16, 10, 2024)]
    _check_inits(init_params, cases)


def _moments(W, sigma, call, key):
    """Fail unless the entries of W look like N(0, sigma^2) draws (mean and mean square)."""
    N = W.size
    G.assert_within_se(float(np.mean(W)), 0.0, sigma / np.sqrt(N),
                       call=f"the mean of {call}[{key!r}] (He initialisation: mean 0)")
    G.assert_within_se(float(np.mean(W ** 2)), sigma ** 2, sigma ** 2 * np.sqrt(2.0 / N),
                       call=f"the mean square of {call}[{key!r}] (the variance, which should be "
                            f"2 / fan_in = {sigma ** 2:.6g})")


def init_params_he_scale(init_params):
    """Large layers of different widths (d, h, k) = (500, 200, 50) and (30, 400, 3): the entries
    of W1 have mean 0 and variance 2/d, those of W2 variance 2/h (fan-in, not fan-out, and
    not 1/fan_in), judged within the standard error (false-fail probability 1e-9 per
    moment); biases are exactly zero; every array float64 of the right shape."""
    layers = [((500, 200, 50), _seeded(1002)), ((30, 400, 3), _seeded(1003))]
    results = G.call_each(init_params, [(d, h, k, rng) for (d, h, k), (rng, _) in layers],
                          name="init_params")
    for ((d, h, k), (_, shown)), got in zip(layers, results):
        call = G.describe_call("init_params", (d, h, k, shown))
        _check_param_structure(got, d, h, k, call)
        for key in ("b1", "b2"):
            if np.any(got[key] != 0):
                _fail(f"{call}[{key!r}] should be all zeros (biases start at 0), got "
                      f"{G.describe(got[key])}.")
        _moments(got["W1"], np.sqrt(2.0 / d), call, "W1")
        _moments(got["W2"], np.sqrt(2.0 / h), call, "W2")


def init_params_rng_discipline(init_params):
    """Randomness only from rng: NumPy's global random state is untouched; the same seed gives
    the same weights, different seeds give different weights; numpy integers as sizes."""
    for seed in (1004, 1005):
        rng, shown = _seeded(seed)
        call = G.describe_call("init_params", (5, 7, 3, shown))
        with G.global_rng_untouched(call, "Use rng.normal(...), not np.random.normal(...)."):
            first = G.call(init_params, 5, 7, 3, rng, name="init_params")
        _check_param_structure(first, 5, 7, 3, call)
        again = G.call(init_params, 5, 7, 3, _seeded(seed)[0], name="init_params")
        _check_param_structure(again, 5, 7, 3, call)
        for key in PARAM_KEYS:
            if not np.array_equal(first[key], again[key]):
                _fail(f"{call} twice with the same seed gave different {key!r}: the weights must "
                      f"come from rng alone.\nfirst:  {G.describe(first[key])}\n"
                      f"second: {G.describe(again[key])}")
    other = G.call(init_params, 5, 7, 3, _seeded(1006)[0], name="init_params")
    _check_param_structure(other, 5, 7, 3, "init_params(5, 7, 3, np.random.default_rng(1006))")
    if np.array_equal(other["W1"], first["W1"]):
        _fail("init_params(5, 7, 3, rng) gave the same W1 for the seeds 1005 and 1006: draw "
              "the weights from the rng you are given.")
    _check_init(init_params, np.int64(3), np.int64(4), np.int64(2), 1007)


# ----------------------------------------------------------------------------
# accuracy
# ----------------------------------------------------------------------------

def _accuracy_case(rng):
    n, k = int(rng.integers(1, 41)), int(rng.integers(2, 7))
    probs = ref.softmax(rng.normal(scale=float(rng.choice([0.5, 2.0, 5.0])), size=(n, k)))
    labels = rng.integers(0, k, size=n)
    if rng.random() < 0.5:   # a mostly right classifier: accuracies near 1 as well
        right = rng.random(n) < 0.8
        labels = np.where(right, np.argmax(probs, axis=1), labels)
    return probs, labels


def accuracy_values(accuracy):
    """30 random batches (1 to 40 rows, 2 to 6 classes, probabilities of several sharpnesses,
    random and mostly-right labels): the share (a float in [0, 1], not a count or a
    percentage) of rows whose largest probability is at the true label."""
    G.check_cases(accuracy, ref.accuracy, G.random_cases(1011, 30, _accuracy_case),
                  rtol=0, atol=1e-12)


def accuracy_ties_and_edge_cases(accuracy):
    """Ties count for the FIRST largest entry (as np.argmax): uniform rows, two equal maxima
    before and after the label; every row right (1.0) and every row wrong (0.0); one row;
    more classes than rows and more rows than classes (argmax along each row); plain lists;
    scores that are not probabilities (counts, negative numbers)."""
    cases = [
        (np.full((4, 3), 1 / 3), np.array([0, 0, 1, 2])),
        (np.array([[0.4, 0.4, 0.2], [0.1, 0.45, 0.45], [0.3, 0.3, 0.4]]), np.array([1, 1, 2])),
        (np.array([[0.4, 0.4, 0.2], [0.1, 0.45, 0.45]]), np.array([0, 2])),
        (np.array([[0.25, 0.25, 0.25, 0.25]]), np.array([3])),
        (np.array([[0.25, 0.25, 0.25, 0.25]]), np.array([0])),
        (np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]), np.array([0, 1, 0])),
        (np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]), np.array([1, 0, 1])),
        (np.array([[0.1, 0.7, 0.2]]), np.array([1])),
        (np.array([[0.1, 0.2, 0.3, 0.4, 0.0], [0.5, 0.1, 0.1, 0.1, 0.2]]), np.array([3, 0])),
        (np.array([[0.6, 0.4], [0.3, 0.7], [0.55, 0.45], [0.2, 0.8], [0.9, 0.1]]),
         np.array([0, 1, 1, 1, 0])),
        ([[0.2, 0.5, 0.3], [0.5, 0.5, 0.0]], [1, 1]),
        (np.array([[3, 1, 3], [0, 2, 2], [5, 0, 1]]), np.array([2, 1, 0])),
        (np.array([[-2.0, -1.0, -3.0], [-0.5, -0.5, -4.0]]), np.array([1, 0])),
    ]
    G.check_cases(accuracy, ref.accuracy, cases, rtol=0, atol=1e-12)


# ----------------------------------------------------------------------------
# train_mlp
# ----------------------------------------------------------------------------

TRAIN_HINT = ("Check the order of the loop: params = init_params(d, hidden, k, rng) with "
              "k = y.max() + 1 first; then every epoch a NEW perm = rng.permutation(n) and one "
              "step per consecutive batch perm[s:s + batch_size] (the last batch may be "
              "smaller), params[key] - lr * g[key] with g = mlp_gradients on the batch (clipped "
              "by clip_by_global_norm(g, max_norm) when max_norm is set); after each epoch the "
              "mean cross-entropy on ALL of X. Your init_params, mlp_gradients and "
              "clip_by_global_norm must be right as well.")


def _classification_data(rng, n, d, k, scale=1.0):
    """Inputs X (n, d) and labels 0..k-1 from a random linear teacher, every class present."""
    X = rng.normal(scale=scale, size=(n, d))
    teacher = rng.normal(size=(d, k))
    y = np.argmax(X @ teacher + rng.normal(scale=0.5, size=(n, k)), axis=1)
    y[rng.permutation(n)[:k]] = np.arange(k)      # make y.max() + 1 == k
    return X, y


def _train_case(rng):
    n, d = int(rng.integers(6, 41)), int(rng.integers(1, 6))
    k = int(rng.integers(2, 5))
    X, y = _classification_data(rng, n, d, k)
    hidden = int(rng.integers(1, 9))
    batch_size = [1, 3, 4, 5, 7, max(2, n // 3), n, n + 3][int(rng.integers(0, 8))]
    kwargs = {"lr": float(rng.choice([0.01, 0.05, 0.1, 0.3])),
              "epochs": int(rng.integers(1, 7)), "batch_size": int(batch_size)}
    return X, y, hidden, kwargs, int(rng.integers(0, 2**31))


def _train_call(X, y, hidden, kwargs, rng_shown):
    return G.describe_call("train_mlp", (X, y, hidden), {**kwargs, "rng": rng_shown})


def _check_result_structure(result, d, hidden, k, epochs, call):
    """Fail unless ``result`` is ``(params, losses)`` of the right types and shapes."""
    if type(result) not in (tuple, list) or len(result) != 2:
        _fail(f"{call} should return a tuple (params, losses), but returned "
              f"{G.describe(result)}.")
    params, losses = result
    _check_param_structure(params, d, hidden, k, f"{call}[0]")
    if type(losses) is not np.ndarray or losses.shape != (epochs,):
        _fail(f"{call}[1] (the losses) should be a NumPy array of shape ({epochs},), one mean "
              f"cross-entropy per epoch, but is {G.describe(losses)}.")
    if losses.dtype.kind != "f":
        _fail(f"{call}[1] has dtype {losses.dtype}; expected float64 losses.")


def _check_trains(train_mlp, cases, hint=TRAIN_HINT):
    """Compare train_mlp with the reference on every ``(X, y, hidden, kwargs, seed[, kind])``
    case, seeded generators on both sides, in one round trip."""
    seeded = [_seeded(*case[4:]) for case in cases]
    calls = [((X, y, hidden), {"rng": rng, **kwargs})
             for (X, y, hidden, kwargs, *_), (rng, _) in zip(cases, seeded)]
    results = G.call_each(train_mlp, calls, name="train_mlp")
    for (X, y, hidden, kwargs, *rng_args), (_, shown), got in zip(cases, seeded, results):
        rng_ref, _ = _seeded(*rng_args)
        call = _train_call(X, y, hidden, kwargs, shown)
        with G.quiet():
            expected = ref.train_mlp(X, y, hidden, rng=rng_ref, **kwargs)
        d = np.shape(X)[1]
        _check_result_structure(got, d, hidden, expected[0]["W2"].shape[1],
                                kwargs.get("epochs", 20), call)
        params, losses = got
        try:
            G.assert_matches(params, expected[0], call=f"{call}[0]", **TRAIN_TOL)
        except G.GradingFailure as failure:
            _fail(f"{failure}\nThe trained parameters differ from the reference's. {hint}")
        try:
            G.assert_matches(losses, expected[1], call=f"{call}[1]", **TRAIN_TOL)
        except G.GradingFailure as failure:
            _fail(f"{failure}\nThe trained parameters are right but the losses are not: "
                  f"losses[e] is the mean cross-entropy of the network on the WHOLE of X (not "
                  f"the last batch, not a sum) after the last step of epoch e.")


def train_mlp_matches_reference(train_mlp):
    """16 random small problems (6 to 40 rows, 1 to 5 inputs, 1 to 8 hidden units, 2 to 4
    classes) with seeded generators on both sides: batch sizes 1, dividing n or not (the last
    batch is smaller), n and more than n; several learning rates and epochs; the default
    arguments (lr 0.1, 20 epochs, batches of 32) and a Philox generator. The parameters and
    the per-epoch losses on the whole of X equal the reference's."""
    cases = G.random_cases(1021, 16, _train_case)
    X, y = _classification_data(np.random.default_rng(1022), 70, 3, 3)
    cases += [(X, y, 5, {}, 1023),                                  # all defaults: 3 batches
              (X[:20], y[:20], 4, {"lr": 0.2, "epochs": 4, "batch_size": 6}, 1024, "philox")]
    _check_trains(train_mlp, cases)


def _clip_case(rng):
    n, d = int(rng.integers(8, 31)), int(rng.integers(2, 6))
    k = int(rng.integers(2, 5))
    X, y = _classification_data(rng, n, d, k, scale=float(rng.choice([1.0, 3.0])))
    kwargs = {"lr": float(rng.choice([0.5, 1.0, 3.0])), "epochs": int(rng.integers(2, 6)),
              "batch_size": int(rng.choice([3, 5, 8])),
              "max_norm": float(rng.choice([0.05, 0.2, 0.5]))}
    return X, y, int(rng.integers(2, 8)), kwargs, int(rng.integers(0, 2**31))


CLIP_HINT = ("With max_norm set, clip the gradient of every batch as a whole, "
             "g = clip_by_global_norm(mlp_gradients(...), max_norm) (one common factor for W1, "
             "b1, W2 and b2, not each array on its own, and the gradient, not lr * g or the "
             "parameters), then step params - lr * g.")


def train_mlp_clipping(train_mlp):
    """max_norm set: 12 random problems with large learning rates (0.5 to 3) and small max_norm
    (0.05 to 0.5), so that most steps are clipped: the gradient of every batch is clipped by
    its global norm before the step, exactly as the reference does. A max_norm far above every
    gradient norm changes nothing (the same run as max_norm=None)."""
    _check_trains(train_mlp, G.random_cases(1031, 12, _clip_case), hint=CLIP_HINT)
    X, y = _classification_data(np.random.default_rng(1032), 24, 3, 3)
    kwargs = {"lr": 0.1, "epochs": 3, "batch_size": 5}
    rng, shown = _seeded(1033)
    call = _train_call(X, y, 4, {**kwargs, "max_norm": 1e6}, shown)
    got = G.call(train_mlp, X, y, 4, name="train_mlp", rng=rng, max_norm=1e6, **kwargs)
    _check_result_structure(got, 3, 4, 3, 3, call)
    with G.quiet():
        plain = ref.train_mlp(X, y, 4, rng=_seeded(1033)[0], **kwargs)
    G.assert_matches(tuple(got), plain, **TRAIN_TOL,
                     call=call + " (max_norm far above every gradient norm: no clipping at all, "
                                 "the same run as max_norm=None)")


def train_mlp_rng_and_inputs(train_mlp):
    """Randomness only from rng: NumPy's global random state is untouched (with a Generator and
    with rng=None); rng=None means a fresh np.random.default_rng() (two calls differ); the same
    seed gives the same result twice. The result is a tuple (dict of float arrays, float array
    of shape (epochs,)); X and y are not modified; plain lists, integer X, a label that never
    occurs (k = y.max() + 1 classes, not the number of distinct labels), one input and one
    hidden unit."""
    X, y = _classification_data(np.random.default_rng(1041), 18, 3, 3)
    kwargs = {"lr": 0.1, "epochs": 3, "batch_size": 4}
    rng, shown = _seeded(1042)
    call = _train_call(X, y, 5, kwargs, shown)
    with G.global_rng_untouched(call, "Draw everything from rng (rng.normal, rng.permutation)."):
        first = G.call(train_mlp, X, y, 5, name="train_mlp", rng=rng, **kwargs)
    _check_result_structure(first, 3, 5, 3, 3, call)
    again = G.call(train_mlp, X, y, 5, name="train_mlp", rng=_seeded(1042)[0], **kwargs)
    _check_result_structure(again, 3, 5, 3, 3, call)
    if not all(np.array_equal(first[0][key], again[0][key]) for key in PARAM_KEYS) \
            or not np.array_equal(first[1], again[1]):
        _fail(f"{call} twice with the same seed gave different results: every random number "
              f"must come from rng.\nfirst:  {G.describe(first)}\nsecond: {G.describe(again)}")
    # rng=None: a fresh default_rng(), never the global state, never a fixed seed.
    call_none = G.describe_call("train_mlp", (X, y, 5), kwargs) + " (rng=None)"
    with G.global_rng_untouched(call_none,
                                "rng=None means rng = np.random.default_rng(), not np.random.*."):
        one = G.call(train_mlp, X, y, 5, name="train_mlp", **kwargs)
    _check_result_structure(one, 3, 5, 3, 3, call_none)
    two = G.call(train_mlp, X, y, 5, name="train_mlp", **kwargs)
    _check_result_structure(two, 3, 5, 3, 3, call_none)
    if np.array_equal(one[0]["W1"], two[0]["W1"]):
        _fail(f"{call_none} returned the same W1 twice: rng=None must mean a fresh "
              f"np.random.default_rng() (new random weights every call), not a fixed seed.\n"
              f"both calls: {G.describe(one[0]['W1'])}")
    # Inputs of other kinds and sizes, against the reference.
    small = {"lr": 0.1, "epochs": 3, "batch_size": 5}
    Xi = np.random.default_rng(1044).integers(-3, 4, size=(15, 2))
    gap = np.where(y == 1, 2, y)          # labels 0 and 2 only: k = 3 classes, W2 (h, 3)
    X1, y1 = _classification_data(np.random.default_rng(1048), 12, 1, 2)
    _check_trains(train_mlp, [(X.tolist(), y.tolist(), 3, small, 1043),
                              (Xi, np.arange(15) % 3, 3, small, 1045),
                              (X, gap, 4, small, 1046),
                              (X, y + 1, 4, small, 1047),   # labels 1..3: k = 4, class 0 unseen
                              (X1, y1, 1, {"lr": 0.3, "epochs": 5, "batch_size": 5}, 1049)])


CHECKS = {
    **{function: list(module.CHECKS[function]) for function, module in BROUGHT.items()},
    "init_params": [init_params_matches_reference, init_params_he_scale,
                    init_params_rng_discipline],
    "accuracy": [accuracy_values, accuracy_ties_and_edge_cases],
    "train_mlp": [train_mlp_matches_reference, train_mlp_clipping, train_mlp_rng_and_inputs],
}
