"""Reference solutions for 08_convolution (CNN, 합성곱 순전파·역전파).

The deep-learning "convolution" is a cross-correlation: the kernel is slid
over the zero-padded input without being flipped, and every output entry is
the sum of the products of the kernel with the patch under it.  Max pooling
(최대 풀링) keeps the largest entry of each window instead.  Every function
works on views of the (padded) input made by
``numpy.lib.stride_tricks.sliding_window_view`` and reduces them with
``numpy.einsum``, ``max`` or ``argmax``; nothing is modified in place.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _check_settings(stride, padding):
    """Return ``(stride, padding)`` as ints after checking them.

    Raises
    ------
    ValueError
        If ``stride`` is not a positive integer or ``padding`` is not a
        non-negative integer.
    """
    if isinstance(stride, (bool, np.bool_)) or not isinstance(stride, numbers.Integral) \
            or stride < 1:
        raise ValueError(f"stride must be a positive integer, got {stride!r}")
    if isinstance(padding, (bool, np.bool_)) or not isinstance(padding, numbers.Integral) \
            or padding < 0:
        raise ValueError(f"padding must be a non-negative integer, got {padding!r}")
    return int(stride), int(padding)


def output_size(n, k, stride=1, padding=0):
    """Length of a convolution's output along one axis.

    Parameters
    ----------
    n : int
        Input length.
    k : int
        Kernel length.
    stride : int, optional
        Step between two kernel positions.
    padding : int, optional
        Zeros added on each side.

    Returns
    -------
    int
        ``floor((n + 2 * padding - k) / stride) + 1``.

    Raises
    ------
    ValueError
        If the kernel is longer than the padded input.
    """
    stride, padding = _check_settings(stride, padding)
    span = n + 2 * padding - k
    if span < 0:
        raise ValueError(f"a kernel of length {k} does not fit in an input of length {n} "
                         f"with padding {padding}")
    return span // stride + 1


def _windows(xp, kh, kw, stride):
    """Strided view ``(..., H', W', kh, kw)`` of the kernel-sized patches of ``xp``."""
    view = sliding_window_view(xp, (kh, kw), axis=(-2, -1))
    return view[..., ::stride, ::stride, :, :]


def conv2d(x, w, stride=1, padding=0):
    """2-D cross-correlation (a deep-learning "convolution") of one channel.

    Parameters
    ----------
    x : array_like, shape (H, W)
        The input image.
    w : array_like, shape (kh, kw)
        The kernel (filter); it is *not* flipped.
    stride : int, optional
        Step of the kernel along both axes.
    padding : int, optional
        Number of rows and columns of zeros added on every side of ``x``.

    Returns
    -------
    ndarray, shape (H', W')
        ``out[i, j] = sum_{a, b} xp[i*stride + a, j*stride + b] * w[a, b]``
        where ``xp`` is the padded input, ``H' = floor((H + 2p - kh) / s) + 1``
        and ``W' = floor((W + 2p - kw) / s) + 1``.

    Raises
    ------
    ValueError
        If ``x`` or ``w`` is not 2-D, the settings are invalid, or the kernel
        does not fit in the padded input.
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if x.ndim != 2 or w.ndim != 2:
        raise ValueError(f"conv2d needs a 2-D input and a 2-D kernel, got shapes "
                         f"{x.shape} and {w.shape}")
    stride, padding = _check_settings(stride, padding)
    kh, kw = w.shape
    output_size(x.shape[0], kh, stride, padding)
    output_size(x.shape[1], kw, stride, padding)
    xp = np.pad(x, padding)
    return np.einsum("ijab,ab->ij", _windows(xp, kh, kw, stride), w)


def _check_multichannel(x, w):
    if x.ndim != 3 or w.ndim != 4:
        raise ValueError(f"expected x of shape (C, H, W) and w of shape (F, C, kh, kw), "
                         f"got {x.shape} and {w.shape}")
    if w.shape[1] != x.shape[0]:
        raise ValueError(f"the kernel has {w.shape[1]} channels but the input has "
                         f"{x.shape[0]}; they must be equal")


def conv2d_multichannel(x, w, b, stride=1, padding=0):
    """Convolutional layer: F filters over a C-channel input, plus a bias.

    Parameters
    ----------
    x : array_like, shape (C, H, W)
        The input, one 2-D map per channel.
    w : array_like, shape (F, C, kh, kw)
        F filters, each with one kernel per input channel.
    b : array_like, shape (F,)
        One bias per filter.
    stride : int, optional
        Step of the kernels along both spatial axes.
    padding : int, optional
        Zeros added on every side of each channel (not along the channel axis).

    Returns
    -------
    ndarray, shape (F, H', W')
        ``out[f] = b[f] + sum_c conv2d(x[c], w[f, c], stride, padding)``.

    Raises
    ------
    ValueError
        If the kernel's channel count ``w.shape[1]`` differs from the input's
        ``x.shape[0]`` (or the shapes are not (C, H, W) and (F, C, kh, kw)).
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    _check_multichannel(x, w)
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape ({w.shape[0]},), got {b.shape}")
    stride, padding = _check_settings(stride, padding)
    F, C, kh, kw = w.shape
    output_size(x.shape[1], kh, stride, padding)
    output_size(x.shape[2], kw, stride, padding)
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    out = np.einsum("cijab,fcab->fij", _windows(xp, kh, kw, stride), w)
    return out + b[:, None, None]


def conv2d_backward(dout, x, w, stride=1, padding=0):
    """Backpropagation through :func:`conv2d_multichannel`.

    Parameters
    ----------
    dout : array_like, shape (F, H', W')
        Upstream gradient, the derivative of the loss with respect to the
        layer's output.
    x : array_like, shape (C, H, W)
        The layer's input.
    w : array_like, shape (F, C, kh, kw)
        The layer's filters.
    stride, padding : int, optional
        The settings of the forward pass.

    Returns
    -------
    dx : ndarray, shape (C, H, W)
        ``dL/dx``: every output position scatters ``dout[f, i, j] * w[f]``
        back onto the patch it read (an accumulation into the gradient of the
        padded input), and the padding border is cropped off at the end.
    dw : ndarray, shape (F, C, kh, kw)
        ``dL/dw[f, c, a, b] = sum_{i, j} dout[f, i, j] * xp[c, i*s + a, j*s + b]``,
        the cross-correlation of the padded input with ``dout``.
    db : ndarray, shape (F,)
        ``dL/db[f] = sum_{i, j} dout[f, i, j]``.

    Raises
    ------
    ValueError
        If the channel counts of ``x`` and ``w`` differ or ``dout`` does not
        have the shape of the forward pass's output.
    """
    dout = np.asarray(dout, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    _check_multichannel(x, w)
    stride, padding = _check_settings(stride, padding)
    F, C, kh, kw = w.shape
    _, H, W = x.shape
    Ho = output_size(H, kh, stride, padding)
    Wo = output_size(W, kw, stride, padding)
    if dout.shape != (F, Ho, Wo):
        raise ValueError(f"dout must have the output's shape {(F, Ho, Wo)}, got {dout.shape}")
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))

    db = dout.sum(axis=(1, 2))
    dw = np.einsum("fij,cijab->fcab", dout, _windows(xp, kh, kw, stride))

    dxp = np.zeros_like(xp)
    # Kernel entry (a, b) touched the padded input at rows a, a+s, ..., a+(Ho-1)s
    # and columns b, b+s, ..., b+(Wo-1)s, once for every output position.
    back = np.einsum("fij,fcab->abcij", dout, w)
    for a in range(kh):
        for bb in range(kw):
            dxp[:, a:a + stride * (Ho - 1) + 1:stride,
                bb:bb + stride * (Wo - 1) + 1:stride] += back[a, bb]
    dx = dxp[:, padding:padding + H, padding:padding + W].copy()
    return dx, dw, db


# ----------------------------------------------------------------------------
# Max pooling
# ----------------------------------------------------------------------------

def _check_pool(x, size, stride):
    """Check a pooling input and settings; return ``(size, stride, H', W')``.

    Raises
    ------
    ValueError
        If ``x`` is not 3-D, ``size`` or ``stride`` is not a positive integer,
        or the window is larger than the input.
    """
    if x.ndim != 3:
        raise ValueError(f"max pooling needs an input of shape (C, H, W), got {x.shape}")
    for label, value in (("size", size), ("stride", stride)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
                or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}")
    size, stride = int(size), int(stride)
    _, H, W = x.shape
    if size > H or size > W:
        raise ValueError(f"a {size}x{size} window does not fit in an input of "
                         f"{H}x{W}")
    return size, stride, (H - size) // stride + 1, (W - size) // stride + 1


def max_pool2d(x, size=2, stride=2):
    """Max pooling (최대 풀링) of every channel, no padding.

    Parameters
    ----------
    x : array_like, shape (C, H, W)
        The input, one 2-D map per channel.
    size : int, optional
        Side of the square window.
    stride : int, optional
        Step between two windows along both axes (``stride < size`` makes
        the windows overlap, ``stride > size`` skips pixels).

    Returns
    -------
    ndarray, shape (C, H', W')
        ``out[c, i, j] = max_{a, b < size} x[c, i*stride + a, j*stride + b]``
        with ``H' = floor((H - size) / stride) + 1`` (likewise ``W'``).

    Raises
    ------
    ValueError
        If ``x`` is not 3-D, the settings are not positive integers, or the
        window does not fit in the input.
    """
    x = np.asarray(x, dtype=np.float64)
    size, stride, _, _ = _check_pool(x, size, stride)
    return _windows(x, size, size, stride).max(axis=(-2, -1))


def max_pool2d_backward(dout, x, size=2, stride=2):
    """Backpropagation through :func:`max_pool2d`.

    Parameters
    ----------
    dout : array_like, shape (C, H', W')
        Upstream gradient, the derivative of the loss with respect to the
        pooled output.
    x : array_like, shape (C, H, W)
        The input of the forward pass.
    size, stride : int, optional
        The settings of the forward pass.

    Returns
    -------
    ndarray, shape (C, H, W)
        ``dx``: each window ``(c, i, j)`` adds ``dout[c, i, j]`` to the
        position of its maximum, the first one in row-major order when
        several entries tie; positions that are the maximum of several
        (overlapping) windows collect the sum, all others get 0.

    Raises
    ------
    ValueError
        If the input or settings are invalid, or ``dout`` does not have the
        shape of the pooled output.
    """
    dout = np.asarray(dout, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    size, stride, Ho, Wo = _check_pool(x, size, stride)
    C = x.shape[0]
    if dout.shape != (C, Ho, Wo):
        raise ValueError(f"dout must have the pooled output's shape {(C, Ho, Wo)}, "
                         f"got {dout.shape}")
    windows = _windows(x, size, size, stride).reshape(C, Ho, Wo, size * size)
    first = windows.argmax(axis=-1)             # argmax returns the first maximum
    rows = np.arange(Ho)[None, :, None] * stride + first // size
    cols = np.arange(Wo)[None, None, :] * stride + first % size
    channels = np.broadcast_to(np.arange(C)[:, None, None], first.shape)
    dx = np.zeros_like(x)
    np.add.at(dx, (channels, rows, cols), dout)  # unbuffered: repeated positions add up
    return dx
