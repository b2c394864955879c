"""Hidden tests for 09_rnn."""

from __future__ import annotations

import copy

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
    for dhs, x, h0, Wx, Wh, b in cases:
        args = (dhs, x, h0, Wx, Wh, b)
        shown = G.describe_call("rnn_backward", args)
        grads = G.call(rnn_backward, *args)

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


def clip_by_global_norm_returns_new_arrays(clip_by_global_norm):
    """The result is a new dict holding new arrays (not the input's arrays nor views
    of them), whether or not clipping happens, and the input is left untouched."""
    # Mutation of the input (dict or arrays) is detected by G.call.
    for grads, max_norm in (G.random_cases(923, 5, _above_case)
                            + G.random_cases(924, 5, _below_case)):
        G.call(clip_by_global_norm, grads, max_norm)
    # Identity: G.call passes deep copies, so call the function directly here.
    for grads, max_norm in (G.random_cases(925, 3, _below_case)
                            + G.random_cases(926, 3, _above_case)
                            + [({"W": np.zeros((2, 2)), "b": np.zeros(2)}, 1.0)]):
        shown = G.describe_call("clip_by_global_norm", (grads, max_norm))
        given = copy.deepcopy(grads)
        keep = dict(given)   # the original array objects, in case the dict is changed
        try:
            with G.quiet():
                result = clip_by_global_norm(given, max_norm)
        except NotImplementedError:
            raise G.GradingFailure("clip_by_global_norm is not implemented yet "
                                   f"({shown} raised NotImplementedError).") from None
        except Exception as exc:
            raise G.GradingFailure(f"{shown} raised {type(exc).__name__}: {exc}") from None
        if not isinstance(result, dict):
            raise G.GradingFailure(f"{shown} should return a dict, but returned "
                                   f"{G.describe(result)}.")
        if result is given:
            raise G.GradingFailure(f"{shown} returned the very dict it was given; it must "
                                   f"return a new dict.")
        for key, original in keep.items():
            if key not in result:
                raise G.GradingFailure(f"{shown} returned a dict without the key {key!r}.")
            out = result[key]
            if out is original or (isinstance(out, np.ndarray)
                                   and np.shares_memory(out, original)):
                raise G.GradingFailure(
                    f"{shown} returned the input's own array (or a view of it) under "
                    f"{key!r}; it must return new arrays, so that changing the result can "
                    f"never change the gradients you were given (copy even when nothing "
                    f"is scaled).")
        if given.keys() != grads.keys() or not all(
                isinstance(given[k], np.ndarray) and np.array_equal(given[k], grads[k])
                and keep[k].shape == grads[k].shape and np.array_equal(keep[k], grads[k])
                for k in grads):
            raise G.GradingFailure(f"{shown} modified its input in place; it must leave the "
                                   f"gradients it was given unchanged.")
        G.assert_matches(result, ref.clip_by_global_norm(grads, max_norm), call=shown)


CHECKS = {
    "rnn_forward": [rnn_forward_values, rnn_forward_edge_cases],
    "rnn_backward": [rnn_backward_values, rnn_backward_last_step_only,
                     rnn_backward_numerical_check, rnn_backward_edge_cases],
    "clip_by_global_norm": [clip_by_global_norm_scales_large, clip_by_global_norm_keeps_small,
                            clip_by_global_norm_returns_new_arrays],
}
