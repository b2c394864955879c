"""Hidden tests for 08_convolution."""

from __future__ import annotations

import numpy as np

from dlmath import grading as G
from dlmath.reference import convolution as ref

#: Tolerances for gradients: sums over positions may be accumulated in any order.
GRAD_TOL = {"rtol": 1e-6, "atol": 1e-9}

#: Step of the numerical gradient check.  The loss sum(dout * conv) is linear in
#: x, w and b, so central differences have no truncation error and a large step
#: only shrinks the rounding error.
NUM_STEP = 1e-4


# ----------------------------------------------------------------------------
# Random arguments
# ----------------------------------------------------------------------------

def _kernel_shape(rng, kmax=4):
    """(kh, kw) between 1 and kmax, non-square about three times in four."""
    kh, kw = (int(v) for v in rng.integers(1, kmax + 1, size=2))
    if kh == kw and rng.random() < 0.75:
        kw = kh % kmax + 1
    return kh, kw


def _length(rng, k, stride, padding, extra_max=7, floor=None):
    """An input length n with n + 2p >= k.

    With ``floor=True`` the kernel positions do not tile the padded input
    exactly ((n + 2p - k) % stride != 0, so the floor of the output-size
    formula drops rows); with ``floor=False`` they do; ``None`` leaves it to
    chance.
    """
    low = max(1, k - 2 * padding)
    for _ in range(100):
        n = int(rng.integers(low, low + extra_max + 1))
        if floor is None or stride == 1 or ((n + 2 * padding - k) % stride != 0) == floor:
            return n
    return n


def _settings(rng, strides, paddings):
    return int(rng.choice(strides)), int(rng.choice(paddings))


def _single(rng, strides=(1,), paddings=(0,), floor=None):
    """((x, w), {stride, padding}) for conv2d, non-square x and (mostly) kernel."""
    s, p = _settings(rng, strides, paddings)
    kh, kw = _kernel_shape(rng)
    H = _length(rng, kh, s, p, floor=floor)
    W = _length(rng, kw, s, p, floor=floor)
    if H == W:
        W += 1
    x = rng.normal(size=(H, W))
    w = rng.normal(size=(kh, kw))
    return (x, w), {"stride": s, "padding": p}


def _multi(rng, strides=(1,), paddings=(0,), floor=None, cmax=4, fmax=4, extra_max=6):
    """(x, w, b) of a convolutional layer and its (stride, padding)."""
    s, p = _settings(rng, strides, paddings)
    C, F = int(rng.integers(1, cmax + 1)), int(rng.integers(1, fmax + 1))
    kh, kw = _kernel_shape(rng, 3)
    H = _length(rng, kh, s, p, extra_max, floor)
    W = _length(rng, kw, s, p, extra_max, floor)
    x = rng.normal(size=(C, H, W))
    w = rng.normal(size=(F, C, kh, kw))
    b = rng.normal(size=F)
    return x, w, b, s, p


def _multi_case(rng, **kw):
    x, w, b, s, p = _multi(rng, **kw)
    return (x, w, b), {"stride": s, "padding": p}


def _backward_case(rng, **kw):
    x, w, _, s, p = _multi(rng, **kw)
    F, _, kh, kwid = w.shape
    shape = (F, ref.output_size(x.shape[1], kh, s, p), ref.output_size(x.shape[2], kwid, s, p))
    return (rng.normal(size=shape), x, w), {"stride": s, "padding": p}


def _grid(rng, make, **kw):
    """One case for every (stride, padding) in {1, 2, 3} x {0, 1, 2}, floor forced for s > 1."""
    return [make(rng, strides=(s,), paddings=(p,), floor=(s > 1) or None)
            for s in (1, 2, 3) for p in (0, 1, 2)]


# ----------------------------------------------------------------------------
# conv2d
# ----------------------------------------------------------------------------

def conv2d_plain(conv2d):
    """conv2d with stride 1 and no padding: 20 random non-square inputs and kernels
    (a flipped or transposed kernel fails), a 1x1 kernel, a kernel as large as the
    input (one output), a one-row input, integer inputs with a fractional kernel
    (the result must be float) and plain lists."""
    cases = G.random_cases(801, 20, lambda r: _single(r)[0])
    rng = np.random.default_rng(802)
    cases += [
        (rng.normal(size=(4, 6)), np.array([[2.5]])),
        (rng.normal(size=(3, 5)), rng.normal(size=(3, 5))),
        (rng.normal(size=(1, 7)), np.array([[1.0, -2.0, 0.5]])),
        (np.arange(20).reshape(4, 5), np.array([[0.5, -0.25], [0.0, 1.5]])),
        ([[1, 2, 3, 0], [4, 5, 6, 1], [7, 8, 9, 2]], [[1, 0], [0, -1], [2, 0]]),
    ]
    G.check_cases(conv2d, ref.conv2d, cases)


def conv2d_stride(conv2d):
    """conv2d with strides 2 and 3 and no padding, on both axes: 20 random cases
    where the kernel positions mostly do not tile the input exactly, so the
    output size needs the floor in floor((H - kh) / s) + 1 (ceil is off by one),
    and a stride larger than the room left (a single output row or column)."""
    cases = G.random_cases(803, 20, lambda r: _single(r, (2, 3), (0,), floor=r.random() < 0.8))
    rng = np.random.default_rng(804)
    cases += [
        ((rng.normal(size=(7, 5)), rng.normal(size=(2, 3))), {"stride": 2}),   # (3, 2)
        ((rng.normal(size=(6, 9)), rng.normal(size=(3, 2))), {"stride": 3}),   # (2, 3)
        ((rng.normal(size=(4, 3)), rng.normal(size=(2, 2))), {"stride": 3}),   # (1, 1)
        ((rng.normal(size=(8, 11)), rng.normal(size=(3, 1))), {"stride": 2}),  # (3, 6)
        ((rng.normal(size=(9, 4)), rng.normal(size=(1, 2))), {"stride": 3, "padding": 0}),
    ]
    G.check_cases(conv2d, ref.conv2d, cases)


def conv2d_padding(conv2d):
    """conv2d with stride 1 and padding 1 or 2 (zeros on all four sides, the same
    number on each): 20 random cases, a 'same' convolution, a kernel larger than the
    input that fits only thanks to the padding, and padding passed positionally."""
    cases = G.random_cases(805, 20, lambda r: _single(r, (1,), (1, 2)))
    rng = np.random.default_rng(806)
    cases += [
        ((rng.normal(size=(5, 7)), rng.normal(size=(3, 3))), {"padding": 1}),
        ((rng.normal(size=(2, 3)), rng.normal(size=(4, 5))), {"padding": 1}),
        ((rng.normal(size=(1, 1)), rng.normal(size=(2, 3))), {"padding": 2}),
        (rng.normal(size=(3, 6)), rng.normal(size=(2, 4)), 1, 2),
    ]
    G.check_cases(conv2d, ref.conv2d, cases)


def conv2d_stride_and_padding(conv2d):
    """conv2d on every combination of stride 1-3 and padding 0-2 (floor cases for
    strides above 1), then 15 random combinations, passed by keyword and by position."""
    rng = np.random.default_rng(807)
    cases = _grid(rng, _single)
    cases += G.random_cases(808, 15, lambda r: _single(r, (1, 2, 3), (0, 1, 2)))
    (x, w), kw = _single(rng, (2,), (1,), floor=True)
    cases.append((x, w, kw["stride"], kw["padding"]))
    (x, w), kw = _single(rng, (3,), (2,), floor=True)
    cases.append((x.tolist(), w.tolist(), kw["stride"], kw["padding"]))
    G.check_cases(conv2d, ref.conv2d, cases)


# ----------------------------------------------------------------------------
# conv2d_multichannel
# ----------------------------------------------------------------------------

def conv2d_multichannel_values(conv2d_multichannel):
    """conv2d_multichannel with stride 1 and no padding: 20 random layers with 1-4
    input channels and 1-4 filters (every channel's kernel is applied to its own
    channel and the results are summed, plus one bias per filter), all-zero filters
    (the output is the bias everywhere), one channel and one filter, and plain lists."""
    cases = G.random_cases(811, 20, lambda r: _multi_case(r)[0])
    rng = np.random.default_rng(812)
    x = rng.normal(size=(3, 4, 6))
    cases += [
        (x, np.zeros((2, 3, 2, 3)), np.array([1.5, -0.5])),
        (rng.normal(size=(1, 5, 3)), rng.normal(size=(1, 1, 2, 2)), np.array([0.25])),
        (np.arange(24).reshape(2, 3, 4), np.ones((3, 2, 3, 1)), np.array([0, 1, -1])),
        (x.tolist(), rng.normal(size=(2, 3, 3, 2)).tolist(), [0.1, 0.2]),
    ]
    G.check_cases(conv2d_multichannel, ref.conv2d_multichannel, cases)


def conv2d_multichannel_stride_padding(conv2d_multichannel):
    """conv2d_multichannel on every combination of stride 1-3 and padding 0-2 (floor
    cases for strides above 1; padding goes around each channel's rows and columns,
    never along the channel axis), then 12 random combinations."""
    rng = np.random.default_rng(813)
    cases = _grid(rng, _multi_case)
    cases += G.random_cases(814, 12, lambda r: _multi_case(r, strides=(1, 2, 3),
                                                            paddings=(0, 1, 2)))
    x, w, b, s, p = _multi(rng, (2,), (1,), floor=True)
    cases.append((x, w, b, s, p))
    G.check_cases(conv2d_multichannel, ref.conv2d_multichannel, cases)


def conv2d_multichannel_channel_mismatch(conv2d_multichannel):
    """ValueError when the kernel's channel count differs from the input's, including
    the cases that numpy broadcasting would silently accept (one channel against
    three) and ones where a loop over the input's channels would never look at the
    extra kernel channels."""
    rng = np.random.default_rng(815)
    for c_in, c_w, settings in ((3, 2, {}), (2, 3, {}), (3, 1, {}), (1, 3, {}),
                                (1, 2, {"stride": 2}), (4, 5, {"padding": 1})):
        x = rng.normal(size=(c_in, 5, 6))
        w = rng.normal(size=(2, c_w, 2, 3))
        G.expect_value_error(conv2d_multichannel, x, w, np.zeros(2), **settings,
                             why=f"the kernel has {c_w} channels but the input has {c_in}")


# ----------------------------------------------------------------------------
# conv2d_backward
# ----------------------------------------------------------------------------

def _gradients(conv2d_backward, args, kwargs):
    """Call the learner's backward pass and check it returned three items."""
    shown = G.describe_call("conv2d_backward", args, kwargs)
    result = G.call(conv2d_backward, *args, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise G.GradingFailure(f"{shown} should return a tuple (dx, dw, db), but returned "
                               f"{G.describe(result)}.")
    return shown, result


def conv2d_backward_no_stride_no_padding(conv2d_backward):
    """conv2d_backward with stride 1 and no padding: (dx, dw, db) match the reference
    on 15 random layers (1-4 channels, 1-4 filters, non-square kernels), on a single
    channel and filter, and on plain lists."""
    cases = G.random_cases(821, 15, lambda r: _backward_case(r)[0])
    rng = np.random.default_rng(822)
    cases.append((rng.normal(size=(1, 2, 4)), rng.normal(size=(1, 3, 6)),
                  rng.normal(size=(1, 1, 2, 3))))
    cases.append((rng.normal(size=(2, 2, 2)).tolist(), rng.normal(size=(2, 3, 4)).tolist(),
                  rng.normal(size=(2, 2, 2, 3)).tolist()))
    G.check_cases(conv2d_backward, ref.conv2d_backward, cases, **GRAD_TOL)


def conv2d_backward_stride_padding(conv2d_backward):
    """conv2d_backward on every combination of stride 1-3 and padding 0-2 and 10 random
    ones: dx must be the gradient of the padded input cropped back to x's shape, rows
    and columns that no kernel position reached (the floor) get 0, and the stride
    spaces the scattered kernels on both axes."""
    rng = np.random.default_rng(823)
    cases = _grid(rng, _backward_case)
    cases += G.random_cases(824, 10, lambda r: _backward_case(r, strides=(1, 2, 3),
                                                              paddings=(0, 1, 2)))
    G.check_cases(conv2d_backward, ref.conv2d_backward, cases, **GRAD_TOL)


def _numeric_case(rng, s, p):
    x, w, b, _, _ = _multi(rng, (s,), (p,), floor=s > 1, cmax=2, fmax=2, extra_max=4)
    out = ref.conv2d_multichannel(x, w, b, s, p)
    return rng.normal(size=out.shape), x, w, b, s, p


def conv2d_backward_numerical_check(conv2d_backward):
    """dx, dw and db agree with central differences of the reference forward pass,
    i.e. they are the true gradients of sum(dout * conv2d_multichannel(x, w, b, s, p)),
    for small layers with strides 1-3 and paddings 0-2."""
    settings = ((1, 0), (1, 2), (2, 0), (2, 1), (3, 1), (3, 2), (2, 2))
    for i, (s, p) in enumerate(settings):
        dout, x, w, b, s, p = _numeric_case(np.random.default_rng([825, i]), s, p)
        kwargs = {"stride": s, "padding": p}
        shown, (dx, dw, db) = _gradients(conv2d_backward, (dout, x, w), kwargs)
        values = {"x": x, "w": w, "b": b}
        for label, key, analytic in (("dx", "x", dx), ("dw", "w", dw), ("db", "b", db)):
            def loss(v, key=key):
                changed = dict(values, **{key: v})
                with G.quiet():
                    return float(np.sum(dout * ref.conv2d_multichannel(
                        changed["x"], changed["w"], changed["b"], s, p)))
            numeric = G.numeric_gradient(loss, values[key], h=NUM_STEP)
            G.assert_gradient(analytic, numeric, what=f"{label} (item {'xwb'.index(key)}) of {shown}")


def conv2d_backward_db(conv2d_backward):
    """db alone (the third item): for every filter, the sum of dout over all output
    positions, shape (F,), on 20 random layers with various strides and paddings."""
    cases = G.random_cases(826, 20, lambda r: _backward_case(r, strides=(1, 2, 3),
                                                             paddings=(0, 1, 2)))
    for args, kwargs in cases:
        shown, result = _gradients(conv2d_backward, args, kwargs)
        G.assert_matches(result[2], ref.conv2d_backward(*args, **kwargs)[2],
                         call=f"{shown}[2] (db)", **GRAD_TOL)


def conv2d_backward_dw(conv2d_backward):
    """dw alone (the second item): the padded input cross-correlated with dout, summed
    over every output position, one kernel per (filter, channel) pair, on 20 random
    layers with various strides and paddings."""
    cases = G.random_cases(827, 20, lambda r: _backward_case(r, strides=(1, 2, 3),
                                                             paddings=(0, 1, 2)))
    for args, kwargs in cases:
        shown, result = _gradients(conv2d_backward, args, kwargs)
        G.assert_matches(result[1], ref.conv2d_backward(*args, **kwargs)[1],
                         call=f"{shown}[1] (dw)", **GRAD_TOL)


CHECKS = {
    "conv2d": [conv2d_plain, conv2d_stride, conv2d_padding, conv2d_stride_and_padding],
    "conv2d_multichannel": [conv2d_multichannel_values, conv2d_multichannel_stride_padding,
                            conv2d_multichannel_channel_mismatch],
    "conv2d_backward": [conv2d_backward_no_stride_no_padding, conv2d_backward_stride_padding,
                        conv2d_backward_numerical_check, conv2d_backward_db,
                        conv2d_backward_dw],
}
