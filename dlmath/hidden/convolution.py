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

def _gradients(conv2d_backward, cases):
    """Call the learner's backward pass on every ``(args, kwargs)`` case (one round
    trip) and check each returned three items; yield ``(shown, result)`` in order."""
    for (args, kwargs), result in zip(cases, G.call_each(conv2d_backward, cases)):
        shown = G.describe_call("conv2d_backward", args, kwargs)
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            raise G.GradingFailure(f"{shown} should return a tuple (dx, dw, db), but returned "
                                   f"{G.describe(result)}.")
        yield shown, result


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
    layers = [_numeric_case(np.random.default_rng([825, i]), s, p)
              for i, (s, p) in enumerate(settings)]
    cases = [((dout, x, w), {"stride": s, "padding": p}) for dout, x, w, _, s, p in layers]
    gradients = _gradients(conv2d_backward, cases)
    for (dout, x, w, b, s, p), (shown, (dx, dw, db)) in zip(layers, gradients):
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
    for (args, kwargs), (shown, result) in zip(cases, _gradients(conv2d_backward, cases)):
        G.assert_matches(result[2], ref.conv2d_backward(*args, **kwargs)[2],
                         call=f"{shown}[2] (db)", **GRAD_TOL)


def conv2d_backward_dw(conv2d_backward):
    """dw alone (the second item): the padded input cross-correlated with dout, summed
    over every output position, one kernel per (filter, channel) pair, on 20 random
    layers with various strides and paddings."""
    cases = G.random_cases(827, 20, lambda r: _backward_case(r, strides=(1, 2, 3),
                                                             paddings=(0, 1, 2)))
    for (args, kwargs), (shown, result) in zip(cases, _gradients(conv2d_backward, cases)):
        G.assert_matches(result[1], ref.conv2d_backward(*args, **kwargs)[1],
                         call=f"{shown}[1] (dw)", **GRAD_TOL)


# ----------------------------------------------------------------------------
# max_pool2d and max_pool2d_backward
# ----------------------------------------------------------------------------

#: Pooling sums at most size**2 upstream gradients per position, in any order.
POOL_TOL = {"rtol": 1e-12, "atol": 1e-12}

#: Every entry of a tie-free input is at least this far from every other one,
#: far more than the step of the numerical check, so no maximum ever changes.
POOL_GAP = 0.05
POOL_STEP = 1e-5


def _pool_side(rng, size, stride, extra_max=9, floor=None):
    """A side n >= size; ``floor=True`` makes (n - size) % stride != 0 (the floor drops
    entries), ``floor=False`` makes the windows reach the end exactly."""
    for _ in range(100):
        n = int(rng.integers(size, size + extra_max + 1))
        if floor is None or stride == 1 or ((n - size) % stride != 0) == floor:
            return n
    return n


def _pool_values(rng, shape, kind):
    """Entries of a pooling input: ``normal`` (no ties, almost surely), ``ties`` (small
    integers, so windows often hold repeated maxima), ``negative`` (all below 0),
    ``distinct`` (a shuffled grid POOL_GAP apart: safe for central differences) or
    ``peaks`` (a few large entries, usually the maximum of every window covering them)."""
    n = int(np.prod(shape))
    if kind == "ties":
        return rng.integers(-2, 3, size=shape).astype(float)
    if kind == "negative":
        return -rng.uniform(1.0, 5.0, size=shape)
    if kind == "distinct":
        grid = (rng.permutation(n) - n / 2) * POOL_GAP
        return (grid + rng.uniform(0, POOL_GAP / 5, size=n)).reshape(shape)
    x = rng.normal(size=shape)
    if kind == "peaks":
        flat = x.reshape(-1)
        picks = rng.choice(n, size=max(1, n // 12), replace=False)
        flat[picks] = rng.uniform(3.0, 6.0, size=picks.size)
    return x


def _pool_input(rng, sizes=(2,), strides=(2,), kind="normal", floor=None, cmax=4,
                extra_max=9):
    """(x, size, stride): x (C, H, W) with a non-square H x W."""
    size, stride = int(rng.choice(sizes)), int(rng.choice(strides))
    C = int(rng.integers(1, cmax + 1))
    H = _pool_side(rng, size, stride, extra_max, floor)
    W = _pool_side(rng, size, stride, extra_max, floor)
    if H == W:
        W += 1
    return _pool_values(rng, (C, H, W), kind), size, stride


def _pool_case(rng, keywords=True, **kw):
    x, size, stride = _pool_input(rng, **kw)
    if keywords:
        return (x,), {"size": size, "stride": stride}
    return x, size, stride


def _pool_backward_case(rng, keywords=True, **kw):
    x, size, stride = _pool_input(rng, **kw)
    shape = ref.max_pool2d(x, size, stride).shape
    dout = rng.normal(size=shape)
    if keywords:
        return (dout, x), {"size": size, "stride": stride}
    return dout, x, size, stride


def max_pool2d_default(max_pool2d):
    """max_pool2d with the defaults (2x2 windows, stride 2): 20 random non-square
    inputs with 1-4 channels, even and odd sides (an odd side's last row or column is
    dropped by the floor; a ceiling adds a window that hangs over the edge), channels
    pooled separately, all-negative inputs (a maximum started at 0 is wrong), an
    integer input (the result must be float) and plain lists."""
    cases = [(x,) for (x,), _ in G.random_cases(831, 20, lambda r: _pool_case(r))]
    rng = np.random.default_rng(832)
    cases += [
        (_pool_values(rng, (3, 5, 7), "negative"),),
        (_pool_values(rng, (1, 6, 4), "negative"),),
        (rng.normal(size=(1, 2, 2)),),
        (rng.normal(size=(6, 3, 9)),),
        (np.arange(60).reshape(3, 4, 5) % 7,),
        (rng.normal(size=(2, 4, 5)).tolist(),),
    ]
    G.check_cases(max_pool2d, ref.max_pool2d, cases)


def max_pool2d_size_and_stride(max_pool2d):
    """max_pool2d with window sizes 1-4 and strides 1-4 (keyword and positional):
    overlapping windows (stride < size), gaps between windows (stride > size) and sides
    where the windows do not reach the end, so the output size must be
    floor((H - size) / stride) + 1 on both axes."""
    cases = G.random_cases(833, 25, lambda r: _pool_case(r, sizes=(1, 2, 3, 4),
                                                       strides=(1, 2, 3, 4),
                                                       floor=r.random() < 0.7))
    cases += G.random_cases(834, 10, lambda r: _pool_case(r, False, sizes=(2, 3, 4),
                                                        strides=(1,)))
    rng = np.random.default_rng(835)
    cases += [
        ((rng.normal(size=(2, 7, 8)),), {"size": 3, "stride": 2}),     # (2, 3, 3)
        ((rng.normal(size=(1, 9, 6)),), {"size": 2, "stride": 3}),     # (1, 3, 2)
        ((rng.normal(size=(3, 5, 6)),), {"size": 4, "stride": 1}),     # (3, 2, 3)
        ((rng.normal(size=(2, 8, 5)),), {"stride": 1}),                # (2, 7, 4)
        ((rng.normal(size=(2, 6, 9)),), {"size": 3}),                  # stride stays 2
    ]
    G.check_cases(max_pool2d, ref.max_pool2d, cases)


def max_pool2d_edge_cases(max_pool2d):
    """max_pool2d edge cases: a window as large as the input (one maximum per channel),
    1x1 windows with stride 1 (a copy) and stride 2 or 3 (a subsampling), one row or
    one column of windows, eight channels with different ranges, and inputs with
    repeated maxima (the maximum's value does not depend on which copy wins)."""
    rng = np.random.default_rng(836)
    x8 = rng.normal(size=(8, 6, 7)) * np.arange(1, 9)[:, None, None] \
        + 10 * np.arange(8)[:, None, None]
    cases = [
        ((rng.normal(size=(3, 4, 4)),), {"size": 4, "stride": 1}),
        ((rng.normal(size=(2, 3, 3)),), {"size": 3, "stride": 3}),
        ((rng.normal(size=(2, 4, 5)),), {"size": 1, "stride": 1}),
        ((rng.normal(size=(2, 7, 5)),), {"size": 1, "stride": 2}),
        ((rng.normal(size=(1, 8, 10)),), {"size": 1, "stride": 3}),
        ((rng.normal(size=(2, 2, 11)),), {"size": 2, "stride": 3}),
        ((rng.normal(size=(3, 10, 3)),), {"size": 3, "stride": 2}),
        ((x8,), {}),
        ((x8,), {"size": 3, "stride": 1}),
        ((np.full((2, 4, 6), 1.5),), {"size": 2, "stride": 1}),
    ]
    cases += G.random_cases(837, 8, lambda r: _pool_case(r, sizes=(2, 3), strides=(1, 2, 3),
                                                       kind="ties"))
    G.check_cases(max_pool2d, ref.max_pool2d, cases)


def max_pool2d_backward_values(max_pool2d_backward):
    """max_pool2d_backward with the defaults (2x2 windows, stride 2) on 20 random inputs
    without ties, 1-4 channels, even and odd sides: each window's upstream gradient lands
    on its maximum, exactly, every other entry (including rows and columns the floor
    dropped) gets exactly 0, and dx has the shape of x; also plain lists."""
    cases = [(dout, x) for (dout, x), _ in
             G.random_cases(841, 20, lambda r: _pool_backward_case(r))]
    rng = np.random.default_rng(842)
    x = rng.normal(size=(1, 5, 7))
    cases += [
        (rng.normal(size=(1, 2, 3)), x),
        (rng.normal(size=(5, 1, 1)), rng.normal(size=(5, 2, 3))),
        (rng.normal(size=(2, 2, 2)).tolist(), rng.normal(size=(2, 4, 5)).tolist()),
    ]
    G.check_cases(max_pool2d_backward, ref.max_pool2d_backward, cases, rtol=0, atol=0)


def _overlapping_backward_case(rng):
    """((dout, x), {size, stride}) with stride < size and a few large peaks in x."""
    size = int(rng.integers(2, 5))
    stride = int(rng.integers(1, size))
    return _pool_backward_case(rng, sizes=(size,), strides=(stride,), kind="peaks")


def max_pool2d_backward_overlap(max_pool2d_backward):
    """max_pool2d_backward with overlapping windows (stride < size, sizes 2-4): an entry
    that is the maximum of several windows receives the SUM of their upstream gradients
    (inputs with a few large peaks make this frequent; overwriting keeps only the last
    window's); then random sizes 1-4 and strides 1-4 (gaps, floor) by keyword and by
    position, and a window as large as the input."""
    rng = np.random.default_rng(845)
    x = rng.normal(size=(2, 4, 4))
    x[:, 1:3, 1:3] += 10.0                 # the centre block holds every window's maximum
    cases = [
        ((rng.normal(size=(2, 3, 3)), x), {"size": 2, "stride": 1}),
        ((rng.normal(size=(2, 2, 2)), x), {"size": 3, "stride": 1}),
        ((rng.normal(size=(2, 1, 1)), x), {"size": 4, "stride": 1}),
    ]
    cases += G.random_cases(843, 20, _overlapping_backward_case)
    cases += G.random_cases(844, 15, lambda r: _pool_backward_case(
        r, r.random() < 0.5, sizes=(1, 2, 3, 4), strides=(1, 2, 3, 4),
        kind="peaks", floor=r.random() < 0.7))
    G.check_cases(max_pool2d_backward, ref.max_pool2d_backward, cases, **POOL_TOL)


def max_pool2d_backward_ties(max_pool2d_backward):
    """max_pool2d_backward on inputs with repeated maxima: small-integer inputs (ties in
    most windows) with and without overlap, constant maps, hand-made windows and an
    integer-typed x (dx is still float, not truncated): only
    the FIRST maximum in row-major order (row by row, left to right) receives the
    window's gradient, not every maximum, not the last one, not a share each."""
    rng = np.random.default_rng(848)
    cases = [
        ((np.array([[[5.0]]]), np.array([[[0.0, 7.0], [7.0, 7.0]]])), {}),
        ((np.array([[[5.0]]]), np.array([[[7.0, 0.0], [7.0, 7.0]]])), {}),
        ((np.array([[[2.0, -3.0]]]), np.array([[[1.0, 4.0, 4.0], [4.0, 1.0, 0.0]]])),
         {"size": 2, "stride": 1}),
        ((rng.normal(size=(2, 3, 4)), np.zeros((2, 4, 5))), {"size": 2, "stride": 1}),
        ((rng.normal(size=(3, 2, 2)), np.ones((3, 5, 5))), {"size": 3, "stride": 2}),
        ((rng.normal(size=(1, 2, 2)), np.full((1, 4, 4), -1.0)), {}),
        ((rng.normal(size=(2, 1, 3)), np.array([[[3, 1, 3, 0, 2, 2], [0, 3, 1, 3, 2, 1]],
                                                 [[0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2]]])),
         {}),                               # an integer x: dx must still be float
    ]
    cases += G.random_cases(846, 20, lambda r: _pool_backward_case(
        r, sizes=(2, 3), strides=(1, 2, 3), kind="ties"))
    cases += G.random_cases(847, 6, lambda r: _pool_backward_case(r, kind="ties"))
    G.check_cases(max_pool2d_backward, ref.max_pool2d_backward, cases, **POOL_TOL)


def max_pool2d_backward_numerical_check(max_pool2d_backward):
    """dx agrees with central differences of the reference forward pass on inputs
    without ties (entries at least 0.05 apart, so no maximum changes within the step):
    it is the true gradient of sum(dout * max_pool2d(x, size, stride)), for window
    sizes 1-4 and strides 1-3, overlapping or not, 1-3 channels."""
    settings = ((2, 2), (2, 1), (3, 1), (3, 2), (2, 3), (4, 2), (1, 2), (3, 3))
    cases = []
    for i, (size, stride) in enumerate(settings):
        rng = np.random.default_rng([849, i])
        x, _, _ = _pool_input(rng, (size,), (stride,), kind="distinct", cmax=3, extra_max=5)
        dout = rng.normal(size=ref.max_pool2d(x, size, stride).shape)
        cases.append(((dout, x), {"size": size, "stride": stride}))
    for ((dout, x), kwargs), dx in zip(cases, G.call_each(max_pool2d_backward, cases)):
        size, stride = kwargs["size"], kwargs["stride"]
        shown = G.describe_call("max_pool2d_backward", (dout, x), kwargs)

        def loss(v):
            with G.quiet():
                return float(np.sum(dout * ref.max_pool2d(v, size, stride)))

        numeric = G.numeric_gradient(loss, x, h=POOL_STEP)
        G.assert_gradient(dx, numeric, what=f"dx of {shown}")


CHECKS = {
    "conv2d": [conv2d_plain, conv2d_stride, conv2d_padding, conv2d_stride_and_padding],
    "conv2d_multichannel": [conv2d_multichannel_values, conv2d_multichannel_stride_padding,
                            conv2d_multichannel_channel_mismatch],
    "conv2d_backward": [conv2d_backward_no_stride_no_padding, conv2d_backward_stride_padding,
                        conv2d_backward_numerical_check, conv2d_backward_db,
                        conv2d_backward_dw],
    "max_pool2d": [max_pool2d_default, max_pool2d_size_and_stride, max_pool2d_edge_cases],
    "max_pool2d_backward": [max_pool2d_backward_values, max_pool2d_backward_overlap,
                            max_pool2d_backward_ties, max_pool2d_backward_numerical_check],
}
