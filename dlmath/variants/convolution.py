"""Alternative answers and typical mistakes for 08_convolution."""

ALTERNATIVES = {
    "conv2d": [
        # Sum over kernel offsets of shifted, strided slices of the padded input.
        '''
def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    xp = np.pad(x, ((padding, padding), (padding, padding)))
    Ho = (xp.shape[0] - kh) // stride + 1
    Wo = (xp.shape[1] - kw) // stride + 1
    out = np.zeros((Ho, Wo))
    for a in range(kh):
        for b in range(kw):
            out += w[a, b] * xp[a:a + stride * (Ho - 1) + 1:stride,
                                b:b + stride * (Wo - 1) + 1:stride]
    return out
''',
        # im2col: every patch becomes a row, then one matrix-vector product.
        '''
def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    H, W = x.shape
    xp = np.zeros((H + 2 * padding, W + 2 * padding))
    xp[padding:padding + H, padding:padding + W] = x
    Ho = (H + 2 * padding - kh) // stride + 1
    Wo = (W + 2 * padding - kw) // stride + 1
    cols = np.empty((Ho * Wo, kh * kw))
    for i in range(Ho):
        for j in range(Wo):
            cols[i * Wo + j] = xp[i * stride:i * stride + kh, j * stride:j * stride + kw].ravel()
    return (cols @ w.ravel()).reshape(Ho, Wo)
''',
        # A true convolution (kernel flipped) applied to the flipped kernel.
        '''
def _true_convolution(x, k, stride, padding):
    x = np.pad(np.asarray(x, dtype=float), padding)
    k = np.asarray(k, dtype=float)
    kh, kw = k.shape
    Ho = (x.shape[0] - kh) // stride + 1
    Wo = (x.shape[1] - kw) // stride + 1
    out = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            for a in range(kh):
                for b in range(kw):
                    out[i, j] += x[i * stride + a, j * stride + b] * k[kh - 1 - a, kw - 1 - b]
    return out

def conv2d(x, w, stride=1, padding=0):
    return _true_convolution(x, np.asarray(w, dtype=float)[::-1, ::-1], stride, padding)
''',
    ],
    "conv2d_multichannel": [
        # Fully vectorised with sliding windows and einsum (does not call conv2d).
        '''
from numpy.lib.stride_tricks import sliding_window_view as _windows
def conv2d_multichannel(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    b = np.asarray(b, dtype=float)
    if w.shape[1] != x.shape[0]:
        raise ValueError(f"kernel channels {w.shape[1]} != input channels {x.shape[0]}")
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    patches = _windows(xp, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    return np.einsum("cijab,fcab->fij", patches, w) + b[:, None, None]
''',
        # One loop over output positions, each a sum over (channel, row, column).
        '''
def conv2d_multichannel(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    b = np.asarray(b, dtype=float)
    C, H, W = x.shape
    F, Cw, kh, kw = w.shape
    if C != Cw:
        raise ValueError("channel mismatch")
    xp = np.zeros((C, H + 2 * padding, W + 2 * padding))
    xp[:, padding:padding + H, padding:padding + W] = x
    Ho = (H + 2 * padding - kh) // stride + 1
    Wo = (W + 2 * padding - kw) // stride + 1
    out = np.empty((F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, i, j] = np.tensordot(w, patch, axes=3) + b
    return out
''',
    ],
    "conv2d_backward": [
        # The textbook formulas: dx is a full convolution of the (dilated) upstream
        # gradient with the flipped kernel, dw the padded input correlated with it.
        '''
def conv2d_backward(dout, x, w, stride=1, padding=0):
    dout = np.asarray(dout, dtype=float)
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    C, H, W = x.shape
    F, _, kh, kw = w.shape
    _, Ho, Wo = dout.shape
    Hp, Wp = H + 2 * padding, W + 2 * padding
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    # Dilate: put stride - 1 zeros between neighbouring entries of dout.
    dil = np.zeros((F, (Ho - 1) * stride + 1, (Wo - 1) * stride + 1))
    dil[:, ::stride, ::stride] = dout
    dxp = np.zeros((C, Hp, Wp))
    dw = np.zeros_like(w)
    for f in range(F):
        for c in range(C):
            full = conv2d(np.pad(dil[f], ((kh - 1, kh - 1), (kw - 1, kw - 1))),
                          w[f, c, ::-1, ::-1])
            dxp[c, :full.shape[0], :full.shape[1]] += full
            dw[f, c] = conv2d(xp[c], dil[f])[:kh, :kw]
    dx = dxp[:, padding:padding + H, padding:padding + W]
    return dx, dw, dout.sum(axis=(1, 2))
''',
        # Vectorised: one einsum per gradient and a loop over the kernel offsets.
        '''
from numpy.lib.stride_tricks import sliding_window_view as _windows
def conv2d_backward(dout, x, w, stride=1, padding=0):
    dout = np.asarray(dout, dtype=float)
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    C, H, W = x.shape
    F, _, kh, kw = w.shape
    _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    patches = _windows(xp, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    dw = np.einsum("fij,cijab->fcab", dout, patches)
    dxp = np.zeros_like(xp)
    for a in range(kh):
        for b in range(kw):
            dxp[:, a:a + stride * Ho:stride, b:b + stride * Wo:stride] += \\
                np.einsum("fij,fc->cij", dout, w[:, :, a, b])
    return dxp[:, padding:padding + H, padding:padding + W], dw, np.einsum("fij->f", dout)
''',
    ],
}


# The correct loops every backward mutant below starts from.
_BACKWARD_HEAD = '''
def conv2d_backward(dout, x, w, stride=1, padding=0):
    dout = np.asarray(dout, dtype=float)
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    C, H, W = x.shape
    F, _, kh, kw = w.shape
    _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
'''

MUTANTS = {
    "conv2d": {
        "true_convolution_flips_kernel": '''
def conv2d(x, w, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), padding)
    w = np.asarray(w, dtype=float)[::-1, ::-1]
    kh, kw = w.shape
    Ho = (x.shape[0] - kh) // stride + 1
    Wo = (x.shape[1] - kw) // stride + 1
    out = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[i, j] = np.sum(x[i * stride:i * stride + kh, j * stride:j * stride + kw] * w)
    return out
''',
        "stride_on_rows_only": '''
def conv2d(x, w, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), padding)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    Ho = (x.shape[0] - kh) // stride + 1
    Wo = x.shape[1] - kw + 1
    out = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[i, j] = np.sum(x[i * stride:i * stride + kh, j:j + kw] * w)
    return out
''',
        "ignores_padding": '''
def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    Ho = (x.shape[0] - kh) // stride + 1
    Wo = (x.shape[1] - kw) // stride + 1
    out = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[i, j] = np.sum(x[i * stride:i * stride + kh, j * stride:j * stride + kw] * w)
    return out
''',
        "pads_bottom_right_only": '''
def conv2d(x, w, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), ((0, 2 * padding), (0, 2 * padding)))
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    Ho = (x.shape[0] - kh) // stride + 1
    Wo = (x.shape[1] - kw) // stride + 1
    out = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[i, j] = np.sum(x[i * stride:i * stride + kh, j * stride:j * stride + kw] * w)
    return out
''',
        "pads_top_left_only": '''
def conv2d(x, w, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), ((padding, 0), (padding, 0)))
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    Ho = (x.shape[0] - kh) // stride + 1
    Wo = (x.shape[1] - kw) // stride + 1
    out = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[i, j] = np.sum(x[i * stride:i * stride + kh, j * stride:j * stride + kw] * w)
    return out
''',
        "ceil_output_size": '''
import math
def conv2d(x, w, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), padding)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    Ho = math.ceil((x.shape[0] - kh) / stride) + 1
    Wo = math.ceil((x.shape[1] - kw) / stride) + 1
    xp = np.pad(x, ((0, kh), (0, kw)))
    out = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[i, j] = np.sum(xp[i * stride:i * stride + kh, j * stride:j * stride + kw] * w)
    return out
''',
        "output_size_off_by_one": '''
def conv2d(x, w, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), padding)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    Ho = (x.shape[0] - kh + 1) // stride
    Wo = (x.shape[1] - kw + 1) // stride
    out = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[i, j] = np.sum(x[i * stride:i * stride + kh, j * stride:j * stride + kw] * w)
    return out
''',
        "ignores_stride": '''
def conv2d(x, w, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), padding)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    Ho, Wo = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[i, j] = np.sum(x[i:i + kh, j:j + kw] * w)
    return out
''',
        "takes_every_stride_th_output_of_wrong_size": '''
def conv2d(x, w, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), padding)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    full = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(full.shape[0]):
        for j in range(full.shape[1]):
            full[i, j] = np.sum(x[i:i + kh, j:j + kw] * w)
    return full[:full.shape[0] // stride, :full.shape[1] // stride] if stride > 1 else full
''',
        "transposed_kernel": '''
def conv2d(x, w, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), padding)
    w = np.asarray(w, dtype=float).T
    kh, kw = w.shape
    Ho = (x.shape[0] - kh) // stride + 1
    Wo = (x.shape[1] - kw) // stride + 1
    out = np.zeros((Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[i, j] = np.sum(x[i * stride:i * stride + kh, j * stride:j * stride + kw] * w)
    return out
''',
        "width_from_height": '''
def conv2d(x, w, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), padding)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    Ho = (x.shape[0] - kh) // stride + 1
    out = np.zeros((Ho, Ho))
    for i in range(Ho):
        for j in range(Ho):
            out[i, j] = np.sum(x[i * stride:i * stride + kh, j * stride:j * stride + kw] * w)
    return out
''',
        "integer_output_for_integer_input": '''
def conv2d(x, w, stride=1, padding=0):
    x = np.pad(np.asarray(x), padding)
    w = np.asarray(w)
    kh, kw = w.shape
    Ho = (x.shape[0] - kh) // stride + 1
    Wo = (x.shape[1] - kw) // stride + 1
    out = np.zeros((Ho, Wo), dtype=x.dtype)
    for i in range(Ho):
        for j in range(Wo):
            out[i, j] = np.sum(x[i * stride:i * stride + kh, j * stride:j * stride + kw] * w)
    return out
''',
    },
    "conv2d_multichannel": {
        "no_channel_check_loops_over_input_channels": '''
def conv2d_multichannel(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    out = []
    for f in range(w.shape[0]):
        out.append(sum(conv2d(x[c], w[f, c], stride, padding) for c in range(x.shape[0])) + b[f])
    return np.array(out)
''',
        "no_channel_check_broadcasts": '''
from numpy.lib.stride_tricks import sliding_window_view as _windows
def conv2d_multichannel(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    patches = _windows(xp, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    # (1, C, H', W', kh, kw) * (F, C, 1, 1, kh, kw), summed over C, kh, kw
    prod = patches[None] * w[:, :, None, None]
    return prod.sum(axis=(1, 4, 5)) + np.asarray(b, dtype=float)[:, None, None]
''',
        "ignores_bias": '''
def conv2d_multichannel(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if w.shape[1] != x.shape[0]:
        raise ValueError("channel mismatch")
    return np.array([sum(conv2d(x[c], w[f, c], stride, padding) for c in range(x.shape[0]))
                     for f in range(w.shape[0])])
''',
        "adds_every_bias_to_every_map": '''
def conv2d_multichannel(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if w.shape[1] != x.shape[0]:
        raise ValueError("channel mismatch")
    return np.array([sum(conv2d(x[c], w[f, c], stride, padding) for c in range(x.shape[0]))
                     + np.sum(b) for f in range(w.shape[0])])
''',
        "first_channel_only": '''
def conv2d_multichannel(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if w.shape[1] != x.shape[0]:
        raise ValueError("channel mismatch")
    return np.array([conv2d(x[0], w[f, 0], stride, padding) + b[f]
                     for f in range(w.shape[0])])
''',
        "pads_the_channel_axis_too": '''
def conv2d_multichannel(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if w.shape[1] != x.shape[0]:
        raise ValueError("channel mismatch")
    xp = np.pad(x, padding)          # pads along the channel axis as well
    return np.array([sum(conv2d(xp[c], w[f, c], stride, 0) for c in range(x.shape[0])) + b[f]
                     for f in range(w.shape[0])])
''',
        "forgets_stride_and_padding": '''
def conv2d_multichannel(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if w.shape[1] != x.shape[0]:
        raise ValueError("channel mismatch")
    return np.array([sum(conv2d(x[c], w[f, c]) for c in range(x.shape[0])) + b[f]
                     for f in range(w.shape[0])])
''',
        "filter_and_channel_axes_swapped": '''
def conv2d_multichannel(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if w.shape[1] != x.shape[0]:
        raise ValueError("channel mismatch")
    # reads w as (C, F, kh, kw): kernel w[c, f] for channel c of filter f
    return np.array([sum(conv2d(x[c], w[c % w.shape[0], f % w.shape[1]], stride, padding)
                         for c in range(x.shape[0])) + b[f] for f in range(w.shape[0])])
''',
    },
    "conv2d_backward": {
        "dx_not_cropped": _BACKWARD_HEAD + '''
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * stride, j * stride
                dxp[:, r:r + kh, s:s + kw] += dout[f, i, j] * w[f]
                dw[f] += dout[f, i, j] * xp[:, r:r + kh, s:s + kw]
    return dxp, dw, dout.sum(axis=(1, 2))
''',
        "crops_top_left_instead_of_border": _BACKWARD_HEAD + '''
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * stride, j * stride
                dxp[:, r:r + kh, s:s + kw] += dout[f, i, j] * w[f]
                dw[f] += dout[f, i, j] * xp[:, r:r + kh, s:s + kw]
    return dxp[:, :H, :W], dw, dout.sum(axis=(1, 2))
''',
        "ignores_padding_in_backward": '''
def conv2d_backward(dout, x, w, stride=1, padding=0):
    dout = np.asarray(dout, dtype=float)
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    F, _, kh, kw = w.shape
    _, Ho, Wo = dout.shape
    dx = np.zeros_like(x)
    dw = np.zeros_like(w)
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * stride, j * stride
                if r + kh <= x.shape[1] and s + kw <= x.shape[2]:
                    dx[:, r:r + kh, s:s + kw] += dout[f, i, j] * w[f]
                    dw[f] += dout[f, i, j] * x[:, r:r + kh, s:s + kw]
    return dx, dw, dout.sum(axis=(1, 2))
''',
        "ignores_stride_in_backward": _BACKWARD_HEAD + '''
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                dxp[:, i:i + kh, j:j + kw] += dout[f, i, j] * w[f]
                dw[f] += dout[f, i, j] * xp[:, i:i + kh, j:j + kw]
    return dxp[:, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(1, 2))
''',
        "stride_on_rows_only_in_backward": _BACKWARD_HEAD + '''
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r = i * stride
                dxp[:, r:r + kh, j:j + kw] += dout[f, i, j] * w[f]
                dw[f] += dout[f, i, j] * xp[:, r:r + kh, j:j + kw]
    return dxp[:, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(1, 2))
''',
        "db_mean_instead_of_sum": _BACKWARD_HEAD + '''
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * stride, j * stride
                dxp[:, r:r + kh, s:s + kw] += dout[f, i, j] * w[f]
                dw[f] += dout[f, i, j] * xp[:, r:r + kh, s:s + kw]
    return dxp[:, padding:padding + H, padding:padding + W], dw, dout.mean(axis=(1, 2))
''',
        "db_summed_over_wrong_axes": _BACKWARD_HEAD + '''
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * stride, j * stride
                dxp[:, r:r + kh, s:s + kw] += dout[f, i, j] * w[f]
                dw[f] += dout[f, i, j] * xp[:, r:r + kh, s:s + kw]
    return dxp[:, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(0, 1))
''',
        "db_total_for_every_filter": _BACKWARD_HEAD + '''
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * stride, j * stride
                dxp[:, r:r + kh, s:s + kw] += dout[f, i, j] * w[f]
                dw[f] += dout[f, i, j] * xp[:, r:r + kh, s:s + kw]
    return dxp[:, padding:padding + H, padding:padding + W], dw, np.full(F, dout.sum())
''',
        "db_one_position_only": _BACKWARD_HEAD + '''
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * stride, j * stride
                dxp[:, r:r + kh, s:s + kw] += dout[f, i, j] * w[f]
                dw[f] += dout[f, i, j] * xp[:, r:r + kh, s:s + kw]
    return dxp[:, padding:padding + H, padding:padding + W], dw, dout[:, 0, 0].copy()
''',
        "dw_overwritten_not_accumulated": _BACKWARD_HEAD + '''
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * stride, j * stride
                dxp[:, r:r + kh, s:s + kw] += dout[f, i, j] * w[f]
                dw[f] = dout[f, i, j] * xp[:, r:r + kh, s:s + kw]
    return dxp[:, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(1, 2))
''',
        "dw_same_for_every_channel": _BACKWARD_HEAD + '''
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * stride, j * stride
                dxp[:, r:r + kh, s:s + kw] += dout[f, i, j] * w[f]
                dw[f] += dout[f, i, j] * xp[:, r:r + kh, s:s + kw].sum(axis=0)
    return dxp[:, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(1, 2))
''',
        "dx_from_last_filter_only": _BACKWARD_HEAD + '''
    for f in range(F):
        dxp = np.zeros_like(xp)
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * stride, j * stride
                dxp[:, r:r + kh, s:s + kw] += dout[f, i, j] * w[f]
                dw[f] += dout[f, i, j] * xp[:, r:r + kh, s:s + kw]
    return dxp[:, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(1, 2))
''',
        "dx_full_correlation_without_flip": '''
def conv2d_backward(dout, x, w, stride=1, padding=0):
    dout = np.asarray(dout, dtype=float)
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    C, H, W = x.shape
    F, _, kh, kw = w.shape
    _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    dil = np.zeros((F, (Ho - 1) * stride + 1, (Wo - 1) * stride + 1))
    dil[:, ::stride, ::stride] = dout
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for f in range(F):
        for c in range(C):
            full = conv2d(np.pad(dil[f], ((kh - 1, kh - 1), (kw - 1, kw - 1))), w[f, c])
            dxp[c, :full.shape[0], :full.shape[1]] += full
            dw[f, c] = conv2d(xp[c], dil[f])[:kh, :kw]
    return dxp[:, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(1, 2))
''',
        "dx_uses_transposed_channel_sum": _BACKWARD_HEAD + '''
    for f in range(F):
        for i in range(Ho):
            for j in range(Wo):
                r, s = i * stride, j * stride
                dxp[:, r:r + kh, s:s + kw] += dout[f, i, j] * w[f].sum(axis=0)
                dw[f] += dout[f, i, j] * xp[:, r:r + kh, s:s + kw]
    return dxp[:, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(1, 2))
''',
    },
}
