"""Hidden tests for 09_rnn."""

from __future__ import annotations

import numpy as np

from dlmath import grading as G
from dlmath.reference import rnn as ref

#: Keys of the dict returned by rnn_backward, in argument order.
GRAD_KEYS = ("x", "h0", "Wx", "Wh", "b")

#: Tolerances for gradients: sums over time may be accumulated in any order.
GRAD_TOL = {"rtol": 1e-6, "atol": 1e-9}


def _params(rng, T, D, H, scale=None):
    """Random RNN arguments ``(x, h0, Wx, Wh, b)`` of the given sizes.

    Weights are scaled like a typical initialisation (about 1/sqrt(fan-in))
    times a random factor, so the states are neither all near 0 nor all
    saturated; ``Wh`` is never symmetric, so transposes matter.
    """
    s = float(rng.choice([0.5, 1.0, 1.5])) if scale is None else scale
    x = rng.normal(size=(T, D))
    h0 = rng.uniform(-0.9, 0.9, size=H)
    Wx = rng.normal(scale=s / np.sqrt(D), size=(D, H))
    Wh = rng.normal(scale=s / np.sqrt(H), size=(H, H))
    b = rng.normal(scale=0.3, size=H)
    return x, h0, Wx, Wh, b


def _sizes(rng, t_max=9, d_max=6, h_max=6):
    return (int(rng.integers(1, t_max)), int(rng.integers(1, d_max)),
            int(rng.integers(1, h_max)))


def _forward_case(rng):
    return _params(rng, *_sizes(rng))


def _backward_case(rng):
    T, D, H = _sizes(rng)
    return (rng.normal(size=(T, H)),) + _params(rng, T, D, H)


def _last_step_case(rng):
    T, D, H = int(rng.integers(2, 9)), int(rng.integers(1, 5)), int(rng.integers(1, 5))
    dhs = np.zeros((T, H))
    dhs[-1] = rng.normal(size=H)
    return (dhs,) + _params(rng, T, D, H)


# ----------------------------------------------------------------------------
# rnn_forward
# ----------------------------------------------------------------------------

def rnn_forward_values(rnn_forward):
    """rnn_forward matches the reference on 30 random sequences (T, D, H from 1 to 8)."""
    cases = G.random_cases(901, 30, _forward_case)
    G.check_cases(rnn_forward, ref.rnn_forward, cases)


def rnn_forward_edge_cases(rnn_forward):
    """T = 1, D = 1, H = 1, a long sequence, a nonzero h0 with zero inputs
    (the state must start from h0 and be carried through Wh, not Wh transposed),
    saturated units (no nan) and plain lists."""
    rng = np.random.default_rng(902)
    cases = [_params(rng, 1, 1, 1), _params(rng, 1, 4, 3), _params(rng, 5, 1, 3),
             _params(rng, 4, 3, 1), _params(rng, 60, 3, 4)]
    H = 4
    Wh = np.array([[0.0, 1.2, 0.0, 0.0], [0.0, 0.0, -0.9, 0.0],
                   [0.0, 0.0, 0.0, 1.1], [0.7, 0.0, 0.0, 0.0]])   # a rotation-like cycle
    cases.append((np.zeros((6, 2)), np.array([0.8, -0.5, 0.3, 0.9]), np.ones((2, H)), Wh,
                  np.zeros(H)))
    big = _params(rng, 7, 3, 3, scale=400.0)   # |pre-activations| in the hundreds: tanh = +-1
    cases.append(big)
    cases.append(([[0.5, -1.0], [2.0, 0.0], [1.0, 1.0]], [0.1, -0.2],
                  [[0.3, -0.1], [0.2, 0.4]], [[0.5, -0.3], [0.8, 0.1]], [0.0, 0.05]))
    G.check_cases(rnn_forward, ref.rnn_forward, cases)


# ----------------------------------------------------------------------------
# rnn_backward
# ----------------------------------------------------------------------------

def rnn_backward_values(rnn_backward):
    """rnn_backward matches the reference on 25 random sequences with an upstream
    gradient at every step (T, D, H from 1 to 8)."""
    cases = G.random_cases(911, 25, _backward_case)
    G.check_cases(rnn_backward, ref.rnn_backward, cases, **GRAD_TOL)


def rnn_backward_last_step_only(rnn_backward):
    """Loss on the last state only: every earlier input, Wh and h0 get their
    gradient solely through the chain h_T <- h_{T-1} <- ... (BPTT must not stop
    after one step)."""
    cases = G.random_cases(912, 20, _last_step_case)
    G.check_cases(rnn_backward, ref.rnn_backward, cases, **GRAD_TOL)


def _numeric_case(rng, T):
    D, H = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    dhs = rng.normal(size=(T, H))
    if rng.random() < 0.5 and T > 1:
        dhs[:-1] = 0.0
    return (dhs,) + _params(rng, T, D, H, scale=1.0)


def rnn_backward_numerical_check(rnn_backward):
    """Every gradient (x, h0, Wx, Wh, b) agrees with central differences of the
    reference forward pass, for sequences of length 1 to 4, with the upstream
    gradient at every step or at the last step only."""
    cases = [_numeric_case(np.random.default_rng([913, i]), T)
             for i, T in enumerate((1, 1, 2, 3, 4, 4))]
    for args, grads in zip(cases, G.call_each(rnn_backward, cases)):
        dhs, x, h0, Wx, Wh, b = args
        shown = G.describe_call("rnn_backward", args)

        def loss(point, dhs=dhs):
            with G.quiet():
                return float(np.sum(dhs * ref.rnn_forward(*(point[k] for k in GRAD_KEYS))))

        G.assert_gradients(grads, loss, dict(zip(GRAD_KEYS, (x, h0, Wx, Wh, b))), call=shown)


def rnn_backward_edge_cases(rnn_backward):
    """T = 1 (dWh uses h0), D = 1, H = 1, a zero upstream gradient (all gradients 0),
    saturated units and plain lists."""
    rng = np.random.default_rng(914)
    cases = []
    for T, D, H in ((1, 1, 1), (1, 3, 4), (6, 1, 2), (5, 3, 1)):
        cases.append((rng.normal(size=(T, H)),) + _params(rng, T, D, H))
    cases.append((np.zeros((4, 3)),) + _params(rng, 4, 2, 3))
    cases.append((rng.normal(size=(5, 3)),) + _params(rng, 5, 2, 3, scale=30.0))
    cases.append(([[1.0, -0.5], [0.0, 2.0], [0.3, 0.3]],
                  [[0.5, -1.0], [2.0, 0.0], [1.0, 1.0]], [0.1, -0.2],
                  [[0.3, -0.1], [0.2, 0.4]], [[0.5, -0.3], [0.8, 0.1]], [0.0, 0.05]))
    G.check_cases(rnn_backward, ref.rnn_backward, cases, **GRAD_TOL)


# ----------------------------------------------------------------------------
# clip_by_global_norm
# ----------------------------------------------------------------------------

_KEY_POOL = ("Wx", "Wh", "b", "W1", "b1", "W2", "b2", "embedding", "gamma", "kernel")


def _grads(rng, scale):
    count = int(rng.integers(1, 6))
    keys = rng.choice(len(_KEY_POOL), size=count, replace=False)
    grads = {}
    for k in keys:
        shape = tuple(int(n) for n in rng.integers(1, 5, size=int(rng.integers(1, 4))))
        grads[_KEY_POOL[k]] = rng.normal(scale=scale, size=shape)
    return grads


def _global_norm(grads):
    return float(np.sqrt(sum(np.sum(np.asarray(g, dtype=float) ** 2) for g in grads.values())))


def _above_case(rng):
    grads = _grads(rng, float(rng.choice([0.5, 3.0, 100.0])))
    norm = _global_norm(grads)
    return grads, float(norm * rng.uniform(0.05, 0.9))


def _below_case(rng):
    grads = _grads(rng, float(rng.choice([1e-3, 0.5, 3.0])))
    norm = _global_norm(grads)
    return grads, float(norm * rng.uniform(1.05, 20.0))


def clip_by_global_norm_scales_large(clip_by_global_norm):
    """Dicts of 1 to 5 arrays of various keys and shapes whose global norm is above
    max_norm: every array is scaled by the same factor max_norm / global_norm
    (not by its own norm), so the result has global norm max_norm."""
    cases = G.random_cases(921, 30, _above_case)
    # Every array alone is below max_norm, yet together they are above it.
    cases.append(({"Wx": np.array([[3.0, 0.0]]), "Wh": np.array([[0.0], [4.0]]),
                   "b": np.array([12.0])}, 5.0))
    cases.append(({"a": np.full((2, 3), 0.9), "c": np.full(4, -0.9)}, 2.0))
    G.check_cases(clip_by_global_norm, ref.clip_by_global_norm, cases)


def clip_by_global_norm_keeps_small(clip_by_global_norm):
    """A global norm at or below max_norm leaves the values unchanged (no scaling at
    all), and all-zero gradients (global norm 0) come back as zeros, never nan."""
    cases = G.random_cases(922, 25, _below_case)
    cases.append(({"Wx": np.array([[3.0, 0.0]]), "b": np.array([4.0])}, 5.0))   # norm == max_norm
    cases.append(({"Wx": np.zeros((3, 2)), "Wh": np.zeros((2, 2)), "b": np.zeros(2)}, 1.0))
    cases.append(({"only": np.zeros(5)}, 0.5))
    G.check_cases(clip_by_global_norm, ref.clip_by_global_norm, cases)


def _list_case(rng):
    grads, max_norm = _below_case(rng)
    return {key: value.tolist() for key, value in grads.items()}, max_norm


def clip_by_global_norm_returns_new_arrays(clip_by_global_norm):
    """The result is a new dict of float64 NumPy arrays whether or not clipping
    happens: gradients at or below max_norm come back with equal values, given
    as arrays or as plain lists (returning ``grads`` itself, or its values, hands
    back lists), and the input dict and its arrays are left untouched.

    Only returned data is judged (the learner's function may run in another
    process), so whether a returned array shares memory with an input array
    cannot be seen here; the notebook's visible test checks that in the
    learner's own kernel."""
    # Mutation of the input (dict or arrays) is detected by G.call.
    cases = (G.random_cases(923, 5, _above_case) + G.random_cases(924, 5, _below_case)
             + G.random_cases(925, 6, _list_case)
             + [({"W": np.zeros((2, 2)), "b": np.zeros(2)}, 1.0),
                ({"W": [[0.0, 0.0]], "b": [0.0]}, 1.0),
                ({"Wx": [[3, 0]], "b": [4]}, 5.0)])
    G.check_cases(clip_by_global_norm, ref.clip_by_global_norm, cases)


# ----------------------------------------------------------------------------
# truncated_rnn_backward
# ----------------------------------------------------------------------------

def _truncated_case(rng):
    T, D, H = int(rng.integers(2, 13)), int(rng.integers(1, 5)), int(rng.integers(1, 5))
    k = int(rng.integers(1, T)) if rng.random() < 0.85 else int(rng.integers(T, T + 3))
    return (rng.normal(size=(T, H)),) + _params(rng, T, D, H) + (k,)


def truncated_rnn_backward_values(truncated_rnn_backward):
    """truncated_rnn_backward matches the reference on 30 random sequences (T from 2
    to 12, mostly 1 <= k < T, sometimes k >= T), upstream gradient at every step."""
    cases = G.random_cases(931, 30, _truncated_case)
    G.check_cases(truncated_rnn_backward, ref.truncated_rnn_backward, cases, **GRAD_TOL)


def _truncated_loss(dhs, x, h0, Wx, Wh, b, k):
    """The truncated objective as a function of the arguments, for central differences.

    Term t is rebuilt explicitly from the steps max(0, t-k+1) .. t; when that
    window does not start at step 0, the state feeding it is a constant taken at
    the base point, so no gradient passes it (a stopped gradient).
    """
    with G.quiet():
        base = ref.rnn_forward(x, h0, Wx, Wh, b)
    T = base.shape[0]

    def loss(point):
        total = 0.0
        with G.quiet():
            for t in range(T):
                start = max(0, t - k + 1)
                h_in = point["h0"] if start == 0 else base[start - 1]
                window = ref.rnn_forward(point["x"][start:t + 1], h_in, point["Wx"],
                                         point["Wh"], point["b"])
                total += float(np.dot(dhs[t], window[-1]))
        return total

    return loss


def truncated_rnn_backward_numerical_check(truncated_rnn_backward):
    """Every gradient (x, h0, Wx, Wh, b) agrees with central differences of the
    truncated objective, each term's k-step graph built explicitly with its first
    state held fixed (k = 1, 2, T - 1 and k >= T, T from 1 to 6)."""
    settings = ((1, 1), (3, 1), (3, 2), (4, 2), (5, 3), (5, 4), (6, 2), (4, 7))
    cases = []
    for i, (T, k) in enumerate(settings):
        rng = np.random.default_rng([932, i])
        D, H = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        dhs = rng.normal(size=(T, H))
        cases.append((dhs,) + _params(rng, T, D, H, scale=1.0) + (k,))
    for args, grads in zip(cases, G.call_each(truncated_rnn_backward, cases)):
        dhs, x, h0, Wx, Wh, b, k = args
        shown = G.describe_call("truncated_rnn_backward", args)
        G.assert_gradients(grads, _truncated_loss(*args),
                           dict(zip(GRAD_KEYS, (x, h0, Wx, Wh, b))), call=shown)


def _long_k_case(rng):
    T, D, H = _sizes(rng, t_max=10)
    k = T + int(rng.choice([0, 0, 1, 5, 100]))
    return (rng.normal(size=(T, H)),) + _params(rng, T, D, H) + (k,)


def truncated_rnn_backward_full_when_k_large(truncated_rnn_backward):
    """With k >= T nothing is cut: the result equals full BPTT (rnn_backward) on 20
    random sequences, k = T exactly in many of them."""
    cases = G.random_cases(933, 20, _long_k_case)
    with G.quiet():
        expected = [ref.rnn_backward(*case[:-1]) for case in cases]
    for case, want, got in zip(cases, expected, G.call_each(truncated_rnn_backward, cases)):
        G.assert_matches(got, want, call=G.describe_call("truncated_rnn_backward", case),
                         **GRAD_TOL)


def truncated_rnn_backward_window_edges(truncated_rnn_backward):
    """The window's ends: k = 1 (each term only through its own step), upstream
    gradient only in rows t >= k (h0 must get exactly nothing) or only in row
    t = k - 1 (the last term that reaches h0), T = 1, H = 1, plain lists; and
    ValueError for k = 0 and k = -2."""
    rng = np.random.default_rng(934)
    cases = []
    for T, D, H, k in ((5, 2, 3, 1), (1, 1, 1, 1), (6, 1, 1, 2), (7, 3, 2, 3)):
        dhs = rng.normal(size=(T, H))
        cases.append((dhs,) + _params(rng, T, D, H) + (k,))
    for T, D, H, k in ((6, 2, 3, 1), (6, 2, 3, 2), (8, 2, 2, 4), (5, 3, 2, 4)):
        late = rng.normal(size=(T, H))
        late[:k] = 0.0                               # terms t >= k only: dh0 = 0
        cases.append((late,) + _params(rng, T, D, H) + (k,))
        edge = np.zeros((T, H))
        edge[k - 1] = rng.normal(size=H)             # term t = k - 1 only: reaches h0 exactly
        cases.append((edge,) + _params(rng, T, D, H) + (k,))
    cases.append(([[1.0, -0.5], [0.0, 2.0], [0.3, 0.3]],
                  [[0.5, -1.0], [2.0, 0.0], [1.0, 1.0]], [0.1, -0.2],
                  [[0.3, -0.1], [0.2, 0.4]], [[0.5, -0.3], [0.8, 0.1]], [0.0, 0.05], 2))
    G.check_cases(truncated_rnn_backward, ref.truncated_rnn_backward, cases, **GRAD_TOL)
    args = (rng.normal(size=(4, 2)),) + _params(rng, 4, 2, 2)
    for k in (0, -2):
        G.expect_value_error(truncated_rnn_backward, *args, k, why=f"k = {k} is below 1",
                             name="truncated_rnn_backward")


# ----------------------------------------------------------------------------
# lstm_step_forward, lstm_step_backward
# ----------------------------------------------------------------------------

#: Keys of the dict returned by lstm_step_backward, in argument order.
LSTM_KEYS = ("x", "h_prev", "c_prev", "Wx", "Wh", "b")

#: The forward pass is a fixed formula: compared tightly.
FORWARD_TOL = {"rtol": 1e-9, "atol": 1e-12}


def _lstm_params(rng, N, D, H, scale=None):
    """Random LSTM arguments ``(x, h_prev, c_prev, Wx, Wh, b)`` of the given sizes.

    The weight scale varies (about 1/sqrt(fan-in) times 0.5, 1 or 2) so gates
    range from undecided to nearly saturated; every gate block of the bias is
    different, so a wrong gate order changes the result.
    """
    s = float(rng.choice([0.5, 1.0, 2.0])) if scale is None else scale
    return (rng.normal(size=(N, D)), rng.uniform(-1, 1, size=(N, H)),
            rng.normal(scale=1.5, size=(N, H)),
            rng.normal(scale=s / np.sqrt(D), size=(D, 4 * H)),
            rng.normal(scale=s / np.sqrt(H), size=(H, 4 * H)),
            rng.normal(scale=0.7, size=4 * H))


def _lstm_sizes(rng):
    return int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(1, 6))


def _lstm_forward_case(rng):
    return _lstm_params(rng, *_lstm_sizes(rng))


def lstm_step_forward_values(lstm_step_forward):
    """lstm_step_forward matches the reference closely (rtol 1e-9) on 30 random
    batches (N, D, H from 1 to 5): gate order i, f, o, g, c = f c_prev + i g,
    h = o tanh(c)."""
    cases = G.random_cases(941, 30, _lstm_forward_case)
    G.check_cases(lstm_step_forward, ref.lstm_step_forward, cases, **FORWARD_TOL)


def _bias_only(b, c_prev, D=2):
    """Zero weights, so each gate is its own bias block: the gate order is visible."""
    b = np.asarray(b, dtype=float)
    N, H = np.shape(c_prev)
    return (np.ones((N, D)), np.zeros((N, H)), np.asarray(c_prev, dtype=float),
            np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), b)


def lstm_step_forward_edge_cases(lstm_step_forward):
    """N = 1, D = 1, H = 1; zero weights with distinct bias blocks (each gate is its
    own bias, so i, f, o, g must be read in that order); huge pre-activations up to
    +-1e3 (gates exactly 0 or 1, no nan or overflow); a large cell state (tanh(c)
    saturates); plain lists."""
    rng = np.random.default_rng(942)
    cases = [_lstm_params(rng, 1, 1, 1), _lstm_params(rng, 1, 4, 3), _lstm_params(rng, 6, 1, 2),
             _lstm_params(rng, 3, 2, 1)]
    cases.append(_bias_only([2.0, -1.0, 0.5, 3.0, -2.5, 1.5, 0.8, -0.3], [[0.7, -1.2]]))
    cases.append(_bias_only([-1.0, 0.3, 2.0, -0.5, 1.2, -2.0, -0.7, 0.9],
                            [[1.5, 0.4], [-0.6, 2.0]]))
    big = _lstm_params(rng, 3, 3, 2, scale=1.0)
    cases.append(big[:3] + (big[3] * 500.0, big[4] * 500.0, big[5] * 500.0))   # |a| ~ 1e2..1e3
    cases.append(_bias_only([1e3, -1e3, 1e3, -1e3, -1e3, 1e3, 1e3, -1e3], [[0.5, -0.5]]))
    large_c = _lstm_params(rng, 2, 2, 3)
    cases.append(large_c[:2] + (large_c[2] * 40.0,) + large_c[3:])
    cases.append(([[0.5, -1.0]], [[0.1, -0.2]], [[0.3, 0.6]],
                  [[0.2, -0.1, 0.4, 0.3, -0.5, 0.1, 0.2, 0.6],
                   [0.1, 0.3, -0.2, 0.5, 0.2, -0.4, 0.3, -0.1]],
                  [[0.3, 0.1, -0.2, 0.2, 0.4, -0.3, 0.1, 0.5],
                   [-0.1, 0.2, 0.3, -0.4, 0.1, 0.2, -0.2, 0.3]],
                  [0.0, 0.1, 1.0, 0.5, -0.2, 0.0, 0.3, -0.1]))
    G.check_cases(lstm_step_forward, ref.lstm_step_forward, cases, **FORWARD_TOL)


def _lstm_backward_case(rng):
    N, D, H = _lstm_sizes(rng)
    return (rng.normal(size=(N, H)), rng.normal(size=(N, H))) + _lstm_params(rng, N, D, H)


def lstm_step_backward_values(lstm_step_backward):
    """lstm_step_backward matches the reference on 25 random batches (N, D, H from 1
    to 5) with upstream gradients on both h and c."""
    cases = G.random_cases(951, 25, _lstm_backward_case)
    G.check_cases(lstm_step_backward, ref.lstm_step_backward, cases, **GRAD_TOL)


def lstm_step_backward_numerical_check(lstm_step_backward):
    """Every gradient (x, h_prev, c_prev, Wx, Wh, b) agrees with central differences
    of the reference forward pass of sum(dh * h) + sum(dc * c), for N = 1 to 3, with
    the upstream gradient on h only, on c only, or on both."""
    settings = ((1, 1, 1, "both"), (1, 2, 2, "dh"), (2, 1, 3, "dc"), (3, 2, 2, "both"),
                (1, 3, 1, "dh"), (2, 2, 2, "both"))
    cases = []
    for i, (N, D, H, which) in enumerate(settings):
        rng = np.random.default_rng([952, i])
        dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))
        if which == "dh":
            dc[:] = 0.0
        elif which == "dc":
            dh[:] = 0.0
        cases.append((dh, dc) + _lstm_params(rng, N, D, H, scale=1.0))
    for args, grads in zip(cases, G.call_each(lstm_step_backward, cases)):
        dh, dc, values = args[0], args[1], args[2:]
        shown = G.describe_call("lstm_step_backward", args)

        def loss(point, dh=dh, dc=dc):
            with G.quiet():
                h, c = ref.lstm_step_forward(*(point[k] for k in LSTM_KEYS))
            return float(np.sum(dh * h) + np.sum(dc * c))

        G.assert_gradients(grads, loss, dict(zip(LSTM_KEYS, values)), call=shown)


def lstm_step_backward_paths(lstm_step_backward):
    """Each path on its own: gradient on c only (the additive cell path: dc_prev must
    be dc times the forget gate f) and gradient on h only (it reaches c through
    h = o tanh(c), so times o (1 - tanh(c)^2)), on 16 random batches."""
    cases = []
    for i in range(16):
        rng = np.random.default_rng([953, i])
        N, D, H = _lstm_sizes(rng)
        upstream = rng.normal(size=(N, H))
        zero = np.zeros((N, H))
        pair = (zero, upstream) if i % 2 == 0 else (upstream, zero)
        cases.append(pair + _lstm_params(rng, N, D, H))
    G.check_cases(lstm_step_backward, ref.lstm_step_backward, cases, **GRAD_TOL)


def lstm_step_backward_edge_cases(lstm_step_backward):
    """N = 1, D = 1, H = 1; saturated gates from pre-activations up to +-1e3 (the
    gradients stay finite and those gates pass almost nothing); a large cell state;
    plain lists."""
    rng = np.random.default_rng(954)
    cases = []
    for N, D, H in ((1, 1, 1), (1, 3, 2), (4, 1, 1), (2, 2, 3)):
        cases.append((rng.normal(size=(N, H)), rng.normal(size=(N, H)))
                     + _lstm_params(rng, N, D, H))
    big = _lstm_params(rng, 3, 2, 2, scale=1.0)
    cases.append((rng.normal(size=(3, 2)), rng.normal(size=(3, 2)))
                 + big[:3] + (big[3] * 500.0, big[4] * 500.0, big[5] * 500.0))
    cases.append((rng.normal(size=(1, 2)), rng.normal(size=(1, 2)))
                 + _bias_only([1e3, -1e3, -1e3, 1e3, 1e3, -1e3, 1e3, -1e3], [[0.5, -0.5]]))
    large_c = _lstm_params(rng, 2, 2, 2)
    cases.append((rng.normal(size=(2, 2)), rng.normal(size=(2, 2)))
                 + large_c[:2] + (large_c[2] * 40.0,) + large_c[3:])
    cases.append(([[1.0, -0.5]], [[0.2, 0.4]], [[0.5, -1.0]], [[0.1, -0.2]], [[0.3, 0.6]],
                  [[0.2, -0.1, 0.4, 0.3, -0.5, 0.1, 0.2, 0.6],
                   [0.1, 0.3, -0.2, 0.5, 0.2, -0.4, 0.3, -0.1]],
                  [[0.3, 0.1, -0.2, 0.2, 0.4, -0.3, 0.1, 0.5],
                   [-0.1, 0.2, 0.3, -0.4, 0.1, 0.2, -0.2, 0.3]],
                  [0.0, 0.1, 1.0, 0.5, -0.2, 0.0, 0.3, -0.1]))
    G.check_cases(lstm_step_backward, ref.lstm_step_backward, cases, **GRAD_TOL)


CHECKS = {
    "rnn_forward": [rnn_forward_values, rnn_forward_edge_cases],
    "rnn_backward": [rnn_backward_values, rnn_backward_last_step_only,
                     rnn_backward_numerical_check, rnn_backward_edge_cases],
    "clip_by_global_norm": [clip_by_global_norm_scales_large, clip_by_global_norm_keeps_small,
                            clip_by_global_norm_returns_new_arrays],
    "truncated_rnn_backward": [truncated_rnn_backward_values,
                               truncated_rnn_backward_numerical_check,
                               truncated_rnn_backward_full_when_k_large,
                               truncated_rnn_backward_window_edges],
    "lstm_step_forward": [lstm_step_forward_values, lstm_step_forward_edge_cases],
    "lstm_step_backward": [lstm_step_backward_values, lstm_step_backward_numerical_check,
                           lstm_step_backward_paths, lstm_step_backward_edge_cases],
}
