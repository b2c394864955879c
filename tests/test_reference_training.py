"""The reference of 10_training against independent oracles.

Oracles: the moments of a normal distribution (He initialisation on large
layers), NumPy's own Generator stream drawn by hand, scikit-learn's
``accuracy_score`` and ``log_loss``, a plain training loop written out here
with its own (example-by-example) backpropagation, central differences of
the loss for a single step, and the functions re-used from 04 and 09.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlmath.hidden import neural_networks as hidden_nn
from dlmath.hidden import rnn as hidden_rnn
from dlmath.hidden import training as hidden
from dlmath.reference import neural_networks as ref_nn
from dlmath.reference import rnn as ref_rnn
from dlmath.reference import training as ref


# ----------------------------------------------------------------------------
# The functions brought from 04 and 09
# ----------------------------------------------------------------------------

def test_brought_functions_are_the_reference_of_04_and_09():
    for name in ("softmax", "relu", "mlp_forward", "mlp_gradients"):
        assert getattr(ref, name) is getattr(ref_nn, name)
    assert ref.clip_by_global_norm is ref_rnn.clip_by_global_norm


def test_brought_functions_are_graded_by_the_same_checks():
    for name in ("softmax", "relu", "mlp_forward", "mlp_gradients"):
        assert hidden.CHECKS[name] == hidden_nn.CHECKS[name]
        for check in hidden.CHECKS[name]:
            assert getattr(hidden, check.__name__) is check
    assert hidden.CHECKS["clip_by_global_norm"] == hidden_rnn.CHECKS["clip_by_global_norm"]


# ----------------------------------------------------------------------------
# init_params
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("d, h, k", [(1, 1, 2), (3, 5, 2), (7, 2, 4), (64, 16, 10)])
def test_init_params_is_the_generator_stream_in_order(d, h, k):
    got = ref.init_params(d, h, k, np.random.default_rng(3))
    rng = np.random.default_rng(3)
    z1 = rng.standard_normal(d * h).reshape(d, h)     # W1 first ...
    z2 = rng.standard_normal(h * k).reshape(h, k)     # ... then W2, nothing else
    np.testing.assert_array_equal(got["W1"], z1 * math.sqrt(2 / d))
    np.testing.assert_array_equal(got["W2"], z2 * math.sqrt(2 / h))
    assert list(got) == ["W1", "b1", "W2", "b2"]
    for key, shape in {"W1": (d, h), "b1": (h,), "W2": (h, k), "b2": (k,)}.items():
        assert got[key].shape == shape and got[key].dtype == np.float64
    assert not got["b1"].any() and not got["b2"].any()


def test_init_params_he_moments_on_large_layers():
    d, h, k = 800, 300, 40
    got = ref.init_params(d, h, k, np.random.default_rng(11))
    z = 6.0
    for key, fan_in in (("W1", d), ("W2", h)):
        W = got[key]
        var = 2.0 / fan_in
        assert abs(W.mean()) < z * math.sqrt(var / W.size)
        # mean square estimates the variance with standard error var * sqrt(2 / N)
        assert abs(np.mean(W ** 2) - var) < z * var * math.sqrt(2 / W.size)
        # the standard deviation is sqrt(2 / fan_in), not sqrt(2 / fan_out) nor sqrt(1 / fan_in)
        assert abs(W.std() / math.sqrt(var) - 1) < 0.03
        # normal, not uniform: the excess kurtosis is near 0 (uniform: -1.2)
        centred = W - W.mean()
        assert abs(np.mean(centred ** 4) / np.mean(centred ** 2) ** 2 - 3) < 0.15


def test_he_initialisation_keeps_the_activation_scale_through_relu_layers():
    """The reason for the factor 2: E[relu(z)^2] = Var(z) / 2, so the mean square of the
    pre-activations stays the same from one ReLU layer to the next."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(4000, 200))
    p = ref.init_params(200, 300, 300, rng)
    z1 = X @ p["W1"]
    z2 = ref.relu(z1) @ p["W2"]
    assert abs(np.mean(z1 ** 2) / np.mean(X ** 2) - 2) < 0.1      # raw inputs: no ReLU before
    assert abs(np.mean(z2 ** 2) / np.mean(z1 ** 2) - 1) < 0.15


# ----------------------------------------------------------------------------
# accuracy
# ----------------------------------------------------------------------------

def test_accuracy_matches_sklearn():
    from sklearn.metrics import accuracy_score

    rng = np.random.default_rng(0)
    for _ in range(30):
        n, k = int(rng.integers(1, 60)), int(rng.integers(2, 8))
        probs = ref.softmax(rng.normal(size=(n, k)))
        labels = rng.integers(0, k, size=n)
        got = ref.accuracy(probs, labels)
        assert isinstance(got, float)
        assert got == pytest.approx(accuracy_score(labels, probs.argmax(axis=1)), abs=1e-15)


def test_accuracy_ties_go_to_the_first_maximum():
    assert ref.accuracy(np.full((3, 4), 0.25), [0, 0, 0]) == 1.0
    assert ref.accuracy(np.full((3, 4), 0.25), [3, 1, 2]) == 0.0
    assert ref.accuracy([[0.4, 0.4, 0.2], [0.1, 0.45, 0.45]], [0, 1]) == 1.0
    assert ref.accuracy([[0.4, 0.4, 0.2], [0.1, 0.45, 0.45]], [1, 2]) == 0.0
    assert ref.accuracy([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5], [0.9, 0.1]], [1, 1, 0, 0]) == 0.75


# ----------------------------------------------------------------------------
# train_mlp
# ----------------------------------------------------------------------------

def _backprop_one_by_one(X, y, params):
    """Gradients of the mean cross-entropy, example by example with explicit loops."""
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    g = {k: np.zeros_like(v) for k, v in params.items()}
    n = len(X)
    for x, label in zip(X, y):
        z1 = x @ W1 + b1
        a = np.where(z1 > 0, z1, 0.0)
        z2 = a @ W2 + b2
        e = np.exp(z2 - z2.max())
        p = e / e.sum()
        p[label] -= 1.0
        g["W2"] += np.outer(a, p) / n
        g["b2"] += p / n
        back = (W2 @ p) * (z1 > 0)
        g["W1"] += np.outer(x, back) / n
        g["b1"] += back / n
    return g


def _loss_by_rows(X, y, params):
    total = 0.0
    for x, label in zip(X, y):
        z = np.maximum(x @ params["W1"] + params["b1"], 0) @ params["W2"] + params["b2"]
        m = z.max()
        total += -(z[label] - m - math.log(np.exp(z - m).sum()))
    return total / len(X)


def _plain_loop(X, y, hidden_units, lr, epochs, batch_size, max_norm, seed):
    """The contract's loop, written out with nothing of the reference but its description."""
    rng = np.random.default_rng(seed)
    n, d = X.shape
    k = int(max(y)) + 1
    W1 = rng.normal(0.0, math.sqrt(2 / d), size=(d, hidden_units))
    W2 = rng.normal(0.0, math.sqrt(2 / hidden_units), size=(hidden_units, k))
    params = {"W1": W1, "b1": np.zeros(hidden_units), "W2": W2, "b2": np.zeros(k)}
    losses = []
    for _ in range(epochs):
        order = rng.permutation(n)
        batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
        assert sum(len(b) for b in batches) == n
        for rows in batches:
            g = _backprop_one_by_one(X[rows], y[rows], params)
            if max_norm is not None:
                norm = math.sqrt(sum(float((v ** 2).sum()) for v in g.values()))
                if norm > max_norm:
                    g = {key: v * (max_norm / norm) for key, v in g.items()}
            for key in params:
                params[key] = params[key] - lr * g[key]
        losses.append(_loss_by_rows(X, y, params))
    return params, np.array(losses)


def _data(seed, n, d, k):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = np.argmax(X @ rng.normal(size=(d, k)), axis=1)
    y[:k] = np.arange(k)
    return X, y


@pytest.mark.parametrize("n, d, k, hidden_units, lr, epochs, batch_size, max_norm", [
    (10, 2, 2, 3, 0.1, 3, 4, None),
    (25, 4, 3, 6, 0.3, 5, 7, None),
    (17, 3, 4, 5, 0.05, 4, 1, None),
    (12, 1, 2, 1, 0.2, 6, 12, None),
    (30, 5, 3, 8, 0.1, 2, 64, None),
    (20, 3, 3, 4, 2.0, 4, 5, 0.3),
    (24, 4, 2, 5, 1.0, 3, 6, 50.0),
])
def test_train_mlp_equals_a_plain_loop(n, d, k, hidden_units, lr, epochs, batch_size, max_norm):
    X, y = _data(n * d, n, d, k)
    X0, y0 = X.copy(), y.copy()
    params, losses = ref.train_mlp(X, y, hidden_units, lr=lr, epochs=epochs,
                                   batch_size=batch_size, max_norm=max_norm,
                                   rng=np.random.default_rng(42))
    want_params, want_losses = _plain_loop(X, y, hidden_units, lr, epochs, batch_size,
                                           max_norm, 42)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    assert losses.shape == (epochs,) and losses.dtype == np.float64
    np.testing.assert_allclose(losses, want_losses, rtol=1e-10)
    for key in want_params:
        np.testing.assert_allclose(params[key], want_params[key], rtol=1e-10, atol=1e-13)


def test_train_mlp_losses_match_sklearn_log_loss():
    from sklearn.metrics import log_loss

    X, y = _data(9, 40, 3, 3)
    params, losses = ref.train_mlp(X, y, 6, epochs=3, batch_size=8, rng=np.random.default_rng(1))
    probs = ref.mlp_forward(X, params)
    assert losses[-1] == pytest.approx(log_loss(y, probs, labels=[0, 1, 2]), rel=1e-10)


def test_one_small_step_decreases_the_loss_along_the_finite_difference_gradient():
    """One full-batch step with a small lr lowers the loss by about lr * |grad|^2, where the
    gradient is measured by central differences of the loss (no backpropagation)."""
    X, y = _data(3, 15, 3, 3)
    lr = 1e-3
    params, losses = ref.train_mlp(X, y, 4, lr=lr, epochs=1, batch_size=len(X),
                                   rng=np.random.default_rng(8))
    start = ref.init_params(3, 4, 3, np.random.default_rng(8))
    before = _loss_by_rows(X, y, start)
    squared = 0.0
    for key, value in start.items():
        for idx in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in start.items()}
            minus = {k: v.copy() for k, v in start.items()}
            plus[key][idx] += 1e-6
            minus[key][idx] -= 1e-6
            squared += ((_loss_by_rows(X, y, plus) - _loss_by_rows(X, y, minus)) / 2e-6) ** 2
    drop = before - losses[0]
    assert drop > 0
    assert drop == pytest.approx(lr * squared, rel=0.02)


def test_train_mlp_same_seed_same_result_and_rng_none_is_fresh():
    X, y = _data(4, 20, 2, 2)
    a = ref.train_mlp(X, y, 3, epochs=2, batch_size=6, rng=np.random.default_rng(5))
    b = ref.train_mlp(X, y, 3, epochs=2, batch_size=6, rng=np.random.default_rng(5))
    for key in a[0]:
        np.testing.assert_array_equal(a[0][key], b[0][key])
    np.testing.assert_array_equal(a[1], b[1])
    state = np.random.get_state()
    c = ref.train_mlp(X, y, 3, epochs=2, batch_size=6)
    d = ref.train_mlp(X, y, 3, epochs=2, batch_size=6)
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2:] == after[2:]
    assert not np.array_equal(c[0]["W1"], d[0]["W1"])


def test_clipping_tames_a_too_large_learning_rate():
    X, y = _data(6, 60, 4, 3)
    X = 3 * X
    with np.errstate(all="ignore"):
        _, wild = ref.train_mlp(X, y, 16, lr=5.0, epochs=10, batch_size=10,
                                rng=np.random.default_rng(0))
    _, tame = ref.train_mlp(X, y, 16, lr=5.0, epochs=10, batch_size=10, max_norm=0.2,
                            rng=np.random.default_rng(0))
    assert np.all(np.isfinite(tame)) and tame[-1] < tame[0]
    assert not np.all(np.isfinite(wild)) or wild.max() > 5 * tame.max()


def test_train_mlp_learns_the_digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    X, y = digits.data / 16.0, digits.target
    perm = np.random.default_rng(0).permutation(len(y))
    train, test = perm[:1400], perm[1400:]
    params, losses = ref.train_mlp(X[train], y[train], 32, lr=0.2, epochs=10, batch_size=32,
                                   rng=np.random.default_rng(1))
    assert losses[-1] < 0.3 and np.all(np.diff(losses[:5]) < 0)
    assert ref.accuracy(ref.mlp_forward(X[test], params), y[test]) > 0.9


def test_k_is_the_largest_label_plus_one():
    X, y = _data(7, 12, 2, 2)
    params, _ = ref.train_mlp(X, 2 * y, 3, epochs=1, rng=np.random.default_rng(0))   # labels 0, 2
    assert params["W2"].shape == (3, 3) and params["b2"].shape == (3,)
