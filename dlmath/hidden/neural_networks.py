"""Hidden tests for 04_neural_networks."""

from __future__ import annotations

import numpy as np

from dlmath import grading as G
from dlmath.reference import neural_networks as ref

#: Keys of a parameter dict and of the gradient dict, in forward-pass order.
PARAM_KEYS = ref.PARAM_KEYS

#: Entries of this size must give finite, correct results (the contract's ±1e4).
BIG = 1e4

#: The "no shortcut" rule of tanh and tanh_grad.
NO_TANH = ["numpy.tanh"]

#: Graded function -> library functions it may not call (stated in the notebook).
NO_SHORTCUT = {"tanh": NO_TANH, "tanh_grad": NO_TANH}


# ----------------------------------------------------------------------------
# Shared pieces
# ----------------------------------------------------------------------------

def _elementwise_input(rng, scale=None):
    """A random 1-D, 2-D or 3-D float array (never containing an exact 0)."""
    ndim = int(rng.integers(1, 4))
    shape = tuple(int(s) for s in rng.integers(1, 7, size=ndim))
    s = float(rng.choice([0.3, 1.0, 4.0, 20.0])) if scale is None else scale
    return rng.normal(scale=s, size=shape)


def _check_float64(func, name, cases, forbidden=()):
    """Fail unless ``func`` returns float64 numbers for every case (the contract's
    "float64 results even for integer input"), then compare with the reference.

    Values alone cannot see this mistake: ``np.maximum(np.array([-3, 4]), 0)`` holds
    the right numbers as int64.
    """
    reference = getattr(ref, name)
    cases = [case if isinstance(case, tuple) else (case,) for case in cases]
    results = G.call_each(func, [(args, {}) for args in cases], name=name, forbidden=forbidden)
    for args, result in zip(cases, results):
        shown = G.describe_call(name, args)
        dtype = np.asarray(result).dtype if isinstance(result, (np.ndarray, np.generic, int, float)) \
            else None
        if dtype is not None and dtype != np.float64:
            raise G.GradingFailure(
                f"{shown} returned {G.describe(result)} of dtype {dtype};\nexpected float64 "
                f"numbers (the contract: float64 results even for integer input).\nConvert "
                f"first with np.asarray(x, dtype=float).")
        G.assert_matches(result, reference(*args), call=shown)


def _check_probability_rows(result, shape, shown, hint):
    """Fail with a teaching message unless ``result`` is a finite float array of
    ``shape`` whose entries are in [0, 1] and sum to 1 along the last axis.

    ``hint`` says where the shape comes from, for the message.
    """
    if not isinstance(result, np.ndarray) or result.shape != shape:
        raise G.GradingFailure(f"{shown} should return a NumPy array of shape {shape} "
                               f"({hint}), but returned {G.describe(result)}.")
    if result.dtype.kind != "f":
        raise G.GradingFailure(f"{shown} returned an array of dtype {result.dtype}; "
                               f"expected float64 probabilities.")
    if not np.all(np.isfinite(result)):
        raise G.GradingFailure(
            f"{shown} returned nan or inf: {G.describe(result)}.\nSubtract the largest "
            f"score of each row before exponentiating, so that exp never overflows.")
    sums = result.sum(axis=-1)
    if np.any(result < 0) or not np.allclose(sums, 1.0, rtol=0, atol=1e-9):
        raise G.GradingFailure(
            f"{shown} does not return probability vectors along the last axis: the sums "
            f"along the last axis are {G.describe(sums)}, expected all 1.\n"
            f"actual: {G.describe(result)}\nEach row (the last axis) must be normalised by "
            f"its own sum (axis=-1, keepdims=True).")


def _check_softmax(softmax, cases):
    for z, result in zip(cases, G.call_each(softmax, [(z,) for z in cases], name="softmax")):
        shown = G.describe_call("softmax", (z,))
        _check_probability_rows(result, np.shape(z), shown, "the shape of its input")
        G.assert_matches(result, ref.softmax(z), call=shown)


def _logits_case(rng, scale=None):
    n, k = int(rng.integers(1, 9)), int(rng.integers(1, 6))
    s = float(rng.choice([0.5, 2.0, 10.0])) if scale is None else scale
    logits = rng.normal(scale=s, size=(n, k))
    return logits, rng.integers(0, k, size=n)


# ----------------------------------------------------------------------------
# softmax
# ----------------------------------------------------------------------------

def softmax_1d(softmax):
    """softmax of 30 random 1-D score vectors (lengths 1 to 12, several scales),
    equal scores, one entry, integers and a plain list: a probability vector equal
    to the reference."""
    def make(rng):
        return rng.normal(scale=float(rng.choice([0.1, 1.0, 5.0])), size=int(rng.integers(1, 13)))
    cases = G.random_cases(401, 30, make)
    cases += [np.zeros(4), np.array([2.5]), np.array([1, 2, 3]), [0.5, -1.0, 2.0, 0.0],
              np.array([-3.0, -1.0, -2.0])]
    _check_softmax(softmax, cases)


def softmax_2d_rows(softmax):
    """softmax of 30 random 2-D score matrices (square and non-square, one row, one
    column, plain lists): each ROW (the last axis) is a probability vector equal to the
    softmax of that row alone."""
    def make(rng):
        n, k = int(rng.integers(1, 8)), int(rng.integers(1, 8))
        return rng.normal(scale=float(rng.choice([0.3, 1.0, 4.0])), size=(n, k))
    cases = G.random_cases(402, 30, make)
    cases += [np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), np.array([[5.0], [-2.0], [0.0]]),
              np.array([[3.0, -1.0, 0.5, 2.0]]), [[1, 2], [3, 5], [0, 0]],
              np.array([[0.0, 10.0], [10.0, 0.0]])]
    _check_softmax(softmax, cases)


def softmax_large_inputs(softmax):
    """Scores up to ±1e4 (1-D and 2-D, rows of very different sizes in one matrix,
    all-equal huge scores, all-equal hugely negative scores): finite, correct
    probability vectors, never nan or inf."""
    cases = [np.array([BIG, 0.0, -BIG]), np.array([BIG, BIG]), np.array([-BIG, -BIG, -BIG]),
             np.array([1000.0, 1001.0, 1002.0]), np.array([-800.0, -799.0]),
             np.array([[BIG, BIG - 1.0, BIG - 2.0], [-BIG, -BIG + 1.0, -BIG + 3.0],
                       [0.0, 1.0, 2.0]]),
             np.array([[750.0, -750.0], [-750.0, 750.0], [710.0, 709.0]]),
             [[BIG, -BIG], [-BIG, BIG]]]
    cases += G.random_cases(403, 10, lambda r: r.uniform(-BIG, BIG, size=(int(r.integers(1, 6)),
                                                                            int(r.integers(2, 6)))))
    cases += G.random_cases(404, 5, lambda r: r.normal(size=int(r.integers(2, 8)))
                            + float(r.choice([-BIG, BIG])))
    _check_softmax(softmax, cases)


# ----------------------------------------------------------------------------
# relu and relu_grad
# ----------------------------------------------------------------------------

def relu_values(relu):
    """relu of 30 random 1-D, 2-D and 3-D arrays of several scales: max(x, 0) elementwise,
    same shape as the input."""
    G.check_cases(relu, ref.relu, G.random_cases(411, 30, lambda r: (_elementwise_input(r),)))


def relu_edge_cases(relu):
    """All negative, all zero, all positive, plain lists, huge values and scalars (a
    scalar input gives a single number); integer arrays, integer lists and integer
    scalars give float64 results (np.maximum(x, 0) on integers stays int64)."""
    cases = [(-np.arange(1.0, 6.0),), (np.zeros((2, 3)),), (np.arange(1.0, 5.0),),
             ([-1.5, 2.5, 0.0],), ([[1.0, -1.0], [-2.0, 2.0]],),
             (np.array([-1e300, 1e300, -BIG, BIG]),), (np.array([-1e-300, 1e-300]),),
             (3.5,), (-2.0,), (0.0,)]
    G.check_cases(relu, ref.relu, cases)
    _check_float64(relu, "relu", [(np.array([-3, 0, 4]),), (np.array([[2, -1], [0, 5]]),),
                                  ([-2, 0, 7],), (3,), (-4,), (np.arange(-3, 3, dtype=np.int32),)])


def relu_grad_values(relu_grad):
    """relu_grad of 30 random 1-D, 2-D and 3-D arrays (no exact zeros): 1.0 where x > 0,
    0.0 where x < 0, as float numbers of the input's shape."""
    G.check_cases(relu_grad, ref.relu_grad,
                  G.random_cases(412, 30, lambda r: (_elementwise_input(r),)))


def relu_grad_at_zero(relu_grad):
    """relu_grad(0) = 0 (the contract's convention at the kink): exact zeros inside
    arrays, -0.0, the scalar 0, plain lists, tiny values either side of 0; integer
    arrays and integer scalars give float64 0.0 and 1.0 (not int 0 and 1)."""
    cases = [(np.array([-2.0, 0.0, 3.0]),), (np.zeros(5),), (np.array([[0.0, 1.0], [-1.0, 0.0]]),),
             (np.array([-0.0, 0.0]),), (0.0,), ([0.0, 0.5, -0.5],),
             (np.array([-1e-300, 1e-300, 5e-324]),)]
    G.check_cases(relu_grad, ref.relu_grad, cases)
    _check_float64(relu_grad, "relu_grad", [(0,), (np.array([-1, 0, 1, 2]),), ([0, 3, -3],),
                                            (np.array([[0, 2], [-2, 0]]),), (5,)])


# ----------------------------------------------------------------------------
# sigmoid and sigmoid_grad
# ----------------------------------------------------------------------------

def _moderate_case(rng):
    return (_elementwise_input(rng, scale=float(rng.choice([0.5, 2.0, 8.0]))),)


def _large_cases(seed):
    cases = [(np.array([BIG, -BIG]),), (np.array([-BIG, -1000.0, -710.0, -40.0, 0.0,
                                                  40.0, 710.0, 1000.0, BIG]),),
             (np.array([[800.0, -800.0], [745.0, -745.0]]),), (BIG,), (-BIG,),
             ([-750.0, 750.0],)]
    cases += G.random_cases(seed, 8, lambda r: (r.uniform(-BIG, BIG, size=(int(r.integers(1, 5)),
                                                                           int(r.integers(1, 5)))),))
    return cases


def sigmoid_values(sigmoid):
    """sigmoid of 30 random arrays of moderate size (1-D, 2-D, 3-D), plus 0 (gives 0.5),
    integers, plain lists and scalars."""
    cases = G.random_cases(421, 30, _moderate_case)
    cases += [(np.zeros(3),), (np.array([-2, -1, 0, 1, 2]),), ([0.5, -0.5],), (0.0,), (1.5,)]
    G.check_cases(sigmoid, ref.sigmoid, cases)


def sigmoid_large_inputs(sigmoid):
    """Entries up to ±1e4 (beyond exp's overflow at about ±709.8): sigmoid is 1 for
    large positive and 0 for large negative input, never nan or inf."""
    G.check_cases(sigmoid, ref.sigmoid, _large_cases(422))


def sigmoid_grad_values(sigmoid_grad):
    """sigmoid_grad of 30 random arrays of moderate size, plus 0 (gives 1/4), integers,
    plain lists and scalars: sigmoid(x) (1 - sigmoid(x)) elementwise."""
    cases = G.random_cases(431, 30, _moderate_case)
    cases += [(np.zeros(3),), (np.array([-2, -1, 0, 1, 2]),), ([0.5, -0.5],), (0.0,), (-3.0,)]
    G.check_cases(sigmoid_grad, ref.sigmoid_grad, cases)


def sigmoid_grad_large_inputs(sigmoid_grad):
    """Entries up to ±1e4: the derivative is (numerically) 0 in both tails, never nan."""
    G.check_cases(sigmoid_grad, ref.sigmoid_grad, _large_cases(432))


# ----------------------------------------------------------------------------
# tanh and tanh_grad
# ----------------------------------------------------------------------------

def _tanh_case(rng):
    """A random 1-D, 2-D or 3-D array of moderate entries, sometimes tiny ones (where
    2 sigmoid(2x) - 1 is accurate only in the absolute sense)."""
    scale = float(rng.choice([1e-9, 0.05, 0.5, 2.0, 8.0]))
    return (_elementwise_input(rng, scale=scale),)


#: Integer and 0-D inputs: the results must be float64 of the input's shape.
TYPE_CASES = [(0,), (3,), (-2,), (0.75,), (np.float64(-1.25),), (np.array(0.5),),
              (np.array([-2, -1, 0, 1, 2]),), (np.array([[3, -3], [0, 1]]),), ([1, 0, -1],),
              ([[0.5, -0.5, 1.0]],), (np.arange(-4, 4, dtype=np.int32).reshape(2, 4),),
              (np.zeros((2, 1, 3)),)]


def tanh_values(tanh):
    """tanh of 30 random 1-D, 2-D and 3-D arrays (entries from about 1e-9 to 20), plus
    0, -0.0, tiny entries (compared with an absolute tolerance of 1e-9: 2 sigmoid(2x) - 1
    loses relative precision there) and odd pairs x, -x.  np.tanh is not allowed."""
    cases = G.random_cases(481, 30, _tanh_case)
    cases += [(np.array([0.0, -0.0]),), (np.array([1e-300, -1e-300, 1e-17, -1e-12]),),
              (np.array([-3.0, -0.5, 0.5, 3.0]),), (np.array([0.25, 1.0, 2.0, 4.0, 8.0]),)]
    G.check_cases(tanh, ref.tanh, cases, forbidden=NO_TANH, atol=1e-9)


def tanh_large_inputs(tanh):
    """Entries up to ±1e4 (e^x overflows beyond about 709.8, and the textbook quotient
    becomes inf/inf = nan): tanh is exactly ±1 in the tails, never nan or inf.
    np.tanh is not allowed."""
    G.check_cases(tanh, ref.tanh, _large_cases(482), forbidden=NO_TANH)


def tanh_types_and_shapes(tanh):
    """Integer scalars, integer arrays and integer lists give float64; 0-D input (a
    Python number, a NumPy scalar, a 0-d array) gives a single number, 1-D, 2-D and 3-D
    input an array of the same shape.  np.tanh is not allowed."""
    _check_float64(tanh, "tanh", TYPE_CASES, forbidden=NO_TANH)


def tanh_grad_values(tanh_grad):
    """tanh_grad of 30 random 1-D, 2-D and 3-D arrays, plus 0 (gives 1), tiny entries and
    pairs x, -x (the derivative is even): 1 - tanh(x)**2 elementwise.  np.tanh is not
    allowed."""
    cases = G.random_cases(483, 30, _tanh_case)
    cases += [(np.array([0.0, -0.0]),), (np.array([1e-300, -1e-8, 1e-4]),),
              (np.array([-3.0, -0.5, 0.5, 3.0]),), (np.array([0.25, 1.0, 2.0, 4.0, 8.0]),)]
    G.check_cases(tanh_grad, ref.tanh_grad, cases, forbidden=NO_TANH, atol=1e-9)


def tanh_grad_large_inputs(tanh_grad):
    """Entries up to ±1e4: the derivative is (numerically) 0 in both tails, never nan.
    np.tanh is not allowed."""
    G.check_cases(tanh_grad, ref.tanh_grad, _large_cases(484), forbidden=NO_TANH)


def tanh_grad_types_and_shapes(tanh_grad):
    """Integer scalars, arrays and lists give float64; 0-D input gives a single number,
    1-D, 2-D and 3-D input an array of the same shape.  np.tanh is not allowed."""
    _check_float64(tanh_grad, "tanh_grad", TYPE_CASES, forbidden=NO_TANH)


# ----------------------------------------------------------------------------
# cross_entropy_loss
# ----------------------------------------------------------------------------

def cross_entropy_loss_values(cross_entropy_loss):
    """30 random batches (1 to 8 rows, 1 to 5 classes, several logit scales): the MEAN
    over rows of -log softmax(logits)[i, labels[i]]."""
    G.check_cases(cross_entropy_loss, ref.cross_entropy_loss,
                  G.random_cases(441, 30, _logits_case))


def cross_entropy_loss_large_logits(cross_entropy_loss):
    """Logits up to ±1e4, including labels whose softmax probability underflows to 0
    (the loss is large but finite: log-softmax, not log of softmax) and rows of equal
    huge logits (the loss is log k)."""
    cases = [(np.array([[BIG, -BIG]]), np.array([1])), (np.array([[BIG, -BIG]]), np.array([0])),
             (np.array([[BIG, BIG, BIG], [-BIG, -BIG, -BIG]]), np.array([2, 0])),
             (np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 0.0]]), np.array([2, 0])),
             (np.array([[-BIG, 0.0], [BIG, 0.0], [0.5, 0.25]]), np.array([0, 1, 0]))]
    cases += G.random_cases(442, 10, lambda r: _logits_case(r, scale=BIG / 3))
    G.check_cases(cross_entropy_loss, ref.cross_entropy_loss, cases)


def cross_entropy_loss_edge_cases(cross_entropy_loss):
    """One row, one class (loss 0), all-zero logits (loss log k), a confident correct
    prediction (loss near 0), the same row repeated (the mean does not grow with the
    batch), integer logits and plain lists."""
    row = np.array([[1.5, -0.5, 0.25, 2.0]])
    cases = [(row, np.array([3])), (np.repeat(row, 6, axis=0), np.full(6, 3)),
             (np.array([[0.7], [-3.0]]), np.array([0, 0])),
             (np.zeros((5, 4)), np.array([0, 1, 2, 3, 0])),
             (np.array([[30.0, 0.0, 0.0], [0.0, 30.0, 0.0]]), np.array([0, 1])),
             (np.array([[2, 1, 0], [0, 1, 2]]), np.array([0, 0])),
             ([[2.0, 1.0, 0.0], [1.0, 1.0, 1.0]], [0, 2])]
    G.check_cases(cross_entropy_loss, ref.cross_entropy_loss, cases)


# ----------------------------------------------------------------------------
# The network
# ----------------------------------------------------------------------------

def _network(rng, n, d, h, k, scale=1.0):
    """Random ``(X, y, params)`` of the given sizes (weights ~ scale / sqrt(fan-in))."""
    X = rng.normal(size=(n, d))
    params = {"W1": rng.normal(scale=scale / np.sqrt(d), size=(d, h)),
              "b1": rng.normal(scale=0.5, size=h),
              "W2": rng.normal(scale=scale / np.sqrt(h), size=(h, k)),
              "b2": rng.normal(scale=0.5, size=k)}
    return X, rng.integers(0, k, size=n), params


def _kill_unit(X, params, j, rng):
    """Make hidden unit ``j`` dead: its pre-activation is below -1 for every row of X."""
    W1, b1 = params["W1"].copy(), params["b1"].copy()
    W1[:, j] = rng.normal(scale=0.3, size=W1.shape[0])
    b1[j] = -float(np.max(np.abs(X) @ np.abs(W1[:, j]))) - 1.0
    return dict(params, W1=W1, b1=b1)


def _sizes(rng, n_max=12, d_max=6, h_max=7, k_max=5):
    return (int(rng.integers(1, n_max)), int(rng.integers(1, d_max)),
            int(rng.integers(1, h_max)), int(rng.integers(2, k_max)))


def _forward_case(rng):
    X, _, params = _network(rng, *_sizes(rng), scale=float(rng.choice([0.5, 1.0, 2.0])))
    return X, params


def mlp_forward_values(mlp_forward):
    """mlp_forward on 25 random networks (1 to 11 rows, input size 1 to 5, 1 to 6 hidden
    units, 2 to 4 classes): softmax(relu(X W1 + b1) W2 + b2), one probability row per
    example."""
    G.check_cases(mlp_forward, ref.mlp_forward, G.random_cases(451, 25, _forward_case))


def mlp_forward_edge_cases(mlp_forward):
    """Rows are probability vectors; a dead hidden unit and units that are negative for
    some rows (the ReLU must clip them); all units dead (every row is softmax(b2)); one
    example; one hidden unit; large weights (logits in the thousands: the softmax must be
    stable); X as a plain list."""
    rng = np.random.default_rng(452)
    cases = []
    X, _, params = _network(rng, 7, 3, 4, 3)
    cases.append((X, _kill_unit(X, params, 1, rng)))
    X, _, params = _network(rng, 5, 2, 3, 4)
    for j in range(3):
        params = _kill_unit(X, params, j, rng)
    cases.append((X, params))
    cases.append(_network(rng, 1, 4, 5, 3)[::2])
    cases.append(_network(rng, 6, 2, 1, 2)[::2])
    X, _, params = _network(rng, 6, 3, 4, 3, scale=1.0)
    cases.append((X, dict(params, W2=params["W2"] * 3000.0)))
    X, _, params = _network(rng, 4, 2, 3, 2)
    cases.append((X.tolist(), params))
    # Every row of a hand-made network: units switch on and off across the rows.
    cases.append((np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [2.0, -3.0]]),
                  {"W1": np.array([[1.0, -1.0, 0.5], [-1.0, 2.0, 0.5]]),
                   "b1": np.array([0.0, -0.5, 0.1]),
                   "W2": np.array([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.0]]),
                   "b2": np.array([0.1, -0.1])}))
    results = G.call_each(mlp_forward, [(case, {}) for case in cases], name="mlp_forward")
    for (X, params), result in zip(cases, results):
        shown = G.describe_call("mlp_forward", (X, params))
        n, k = np.shape(X)[0], np.shape(params["W2"])[1]
        _check_probability_rows(result, (n, k), shown, "one row per example, one column per class")
        G.assert_matches(result, ref.mlp_forward(X, params), call=shown)


# ----------------------------------------------------------------------------
# mlp_gradients
# ----------------------------------------------------------------------------

def _gradient_case(rng):
    X, y, params = _network(rng, *_sizes(rng, n_max=16), scale=float(rng.choice([0.5, 1.0, 2.0])))
    return X, y, params


def mlp_gradients_values(mlp_gradients):
    """mlp_gradients on 25 random networks and batches (1 to 15 rows, input size 1 to 5,
    1 to 6 hidden units, 2 to 4 classes) against the reference backpropagation, every
    gradient shaped like its parameter."""
    G.check_cases(mlp_gradients, ref.mlp_gradients, G.random_cases(461, 25, _gradient_case))


def _loss(X, y, params):
    """Mean cross-entropy of the reference network (used for finite differences)."""
    with G.quiet():
        X = np.asarray(X, dtype=np.float64)
        logits = ref.relu(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
        return ref.cross_entropy_loss(logits, y)


def _smooth_case(seed, n, d, h, k, dead=None):
    """A random network whose hidden pre-activations stay at least 1e-2 away from ReLU's
    kink on every row (so central differences with h = 1e-6 never cross it).  Unit
    ``dead``, if given, is below -1 on every row; every other unit is active on some row,
    and with two or more rows some unit is active on some rows and off on others (so the
    ReLU mask matters)."""
    for attempt in range(1000):
        rng = np.random.default_rng([seed, attempt])
        X, y, params = _network(rng, n, d, h, k)
        if dead is not None:
            params = _kill_unit(X, params, dead, rng)
        Z1 = X @ params["W1"] + params["b1"]
        live = [j for j in range(h) if j != dead]
        active = (Z1 > 0).any(axis=0)[live].all()
        mixed = n == 1 or bool(((Z1 > 0).any(axis=0) & (Z1 < 0).any(axis=0))[live].any())
        if np.min(np.abs(Z1)) > 1e-2 and active and mixed:
            return X, y, params
    raise RuntimeError("no smooth case found")  # pragma: no cover


#: (n, d, h, k, dead unit) of the numerical gradient checks; small so they run fast.
NUMERIC_SIZES = ((1, 2, 3, 2, None), (3, 1, 2, 3, None), (4, 3, 4, 2, None),
                 (6, 4, 5, 3, None), (5, 2, 3, 3, 1), (6, 4, 5, 3, 0), (2, 3, 2, 2, 1))


def mlp_gradients_numerical_check(mlp_gradients):
    """Every gradient (W1, b1, W2, b2) agrees with central differences of the mean
    cross-entropy, on 7 small random networks with batches of 1 to 6 rows, including
    networks with a hidden unit stuck at zero (its gradients must be exactly what the
    finite differences say: zero for W1's column, b1's entry and W2's row)."""
    cases = [_smooth_case(463 + i, *sizes) for i, sizes in enumerate(NUMERIC_SIZES)]
    results = G.call_each(mlp_gradients, cases, name="mlp_gradients")
    for (X, y, params), grads in zip(cases, results):
        shown = G.describe_call("mlp_gradients", (X, y, params))
        G.assert_gradients(grads, lambda point: _loss(X, y, point),
                           {key: params[key] for key in PARAM_KEYS}, call=shown)


def mlp_gradients_edge_cases(mlp_gradients):
    """One example, one input feature, one hidden unit, two classes; a dead hidden unit;
    all hidden units dead (only b2 learns); every example of the same class; the same
    batch repeated 3 times (the mean loss, hence the gradients, do not change); plain
    lists for X and y."""
    rng = np.random.default_rng(470)
    cases = [_network(rng, 1, 1, 1, 2), _network(rng, 1, 3, 4, 3), _network(rng, 5, 1, 3, 2),
             _network(rng, 4, 3, 1, 3)]
    X, y, params = _network(rng, 6, 3, 4, 3)
    cases.append((X, y, _kill_unit(X, params, 2, rng)))
    X, y, params = _network(rng, 5, 2, 3, 4)
    for j in range(3):
        params = _kill_unit(X, params, j, rng)
    cases.append((X, y, params))
    X, _, params = _network(rng, 5, 3, 4, 3)
    cases.append((X, np.full(5, 2), params))
    X, y, params = _network(rng, 4, 2, 3, 3)
    cases.append((X, y, params))
    cases.append((np.tile(X, (3, 1)), np.tile(y, 3), params))
    X, y, params = _network(rng, 3, 2, 2, 2)
    cases.append((X.tolist(), y.tolist(), params))
    G.check_cases(mlp_gradients, ref.mlp_gradients, cases)


CHECKS = {
    "softmax": [softmax_1d, softmax_2d_rows, softmax_large_inputs],
    "relu": [relu_values, relu_edge_cases],
    "relu_grad": [relu_grad_values, relu_grad_at_zero],
    "sigmoid": [sigmoid_values, sigmoid_large_inputs],
    "sigmoid_grad": [sigmoid_grad_values, sigmoid_grad_large_inputs],
    "tanh": [tanh_values, tanh_large_inputs, tanh_types_and_shapes],
    "tanh_grad": [tanh_grad_values, tanh_grad_large_inputs, tanh_grad_types_and_shapes],
    "cross_entropy_loss": [cross_entropy_loss_values, cross_entropy_loss_large_logits,
                           cross_entropy_loss_edge_cases],
    "mlp_forward": [mlp_forward_values, mlp_forward_edge_cases],
    "mlp_gradients": [mlp_gradients_values, mlp_gradients_numerical_check,
                      mlp_gradients_edge_cases],
}
