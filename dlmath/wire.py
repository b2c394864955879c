"""The wire format between judge and runner: plain data, nothing that executes.

Everything that crosses between the grader (the *judge*) and the learner's
kernel (the *runner*) is JSON built by :func:`encode` and read back by
:func:`decode`.  Only these values can cross:

* ``None``, ``bool``, ``int``, ``float`` (``nan`` and ``inf`` included),
  ``complex``, ``str``;
* ``list``, ``tuple`` and ``dict`` (keys: ``str``, ``int``, ``float``,
  ``bool``, ``None``) of those;
* NumPy arrays and scalars of boolean, integer, float and complex dtypes
  (raw little-endian bytes in base64: never ``pickle``, never object dtype);
* a ``numpy.random.Generator`` (as its bit generator's name and state, so
  the same random numbers are drawn on the other side);
* public callables (:class:`dlmath.grading.Public`): source text and plain
  data, sent from the judge to the runner only;
* SymPy expressions (as ``srepr`` text), from the runner to the judge only,
  read by a parser that accepts SymPy constructors and literals and nothing
  else (see :mod:`dlmath.judge`).

Anything else raises :class:`WireError`.  :func:`decode` checks every tag,
dtype, shape and size, so a hostile runner can make a reply *wrong* but
never make the judge run code.  This file imports nothing from ``dlmath``:
its source is also sent into the runner, where the course is not installed.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np

#: Dtype kinds an array may have on the wire.
ARRAY_KINDS = "biufc"
#: Bit generators a Generator may be rebuilt with.
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")
#: Deepest nesting accepted.
MAX_DEPTH = 40
#: Most array elements accepted in one value.
MAX_ELEMENTS = 50_000_000


class WireError(ValueError):
    """A value cannot cross, or a message is not in the wire format."""


def _float(value: float):
    if math.isfinite(value):
        return value
    return {"$float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}


def encode(value, *, allow_public: bool = False, allow_sympy: bool = False, _depth: int = 0):
    """Return a JSON-ready structure for ``value``.

    Parameters
    ----------
    value : object
        Plain data (see the module docstring).
    allow_public : bool, optional
        Accept public callables (judge to runner).
    allow_sympy : bool, optional
        Accept SymPy expressions (runner to judge).

    Raises
    ------
    WireError
        For any other value.
    """
    if _depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    again = dict(allow_public=allow_public, allow_sympy=allow_sympy, _depth=_depth + 1)
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        return _float(value)
    if type(value) is complex:
        return {"$complex": [_float(value.real), _float(value.imag)]}
    if type(value) is list:
        return [encode(v, **again) for v in value]
    if type(value) is tuple:
        return {"$tuple": [encode(v, **again) for v in value]}
    if type(value) is dict:
        return {"$dict": [[encode(k, **again), encode(v, **again)] for k, v in value.items()]}
    if isinstance(value, np.ndarray) and type(value) is np.ndarray:
        if value.dtype.kind not in ARRAY_KINDS or value.dtype.fields is not None:
            raise WireError(f"an array of dtype {value.dtype} cannot cross")
        data = np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<"), copy=False)
        return {"$array": {"dtype": data.dtype.str, "shape": list(value.shape),
                           "data": base64.b64encode(data.tobytes()).decode("ascii")}}
    if isinstance(value, np.generic) and value.dtype.kind in ARRAY_KINDS:
        data = np.asarray(value).astype(value.dtype.newbyteorder("<"))
        return {"$scalar": {"dtype": data.dtype.str,
                            "data": base64.b64encode(data.tobytes()).decode("ascii")}}
    if isinstance(value, np.random.Generator):
        bit = value.bit_generator
        name = type(bit).__name__
        if name not in BIT_GENERATORS:
            raise WireError(f"a Generator of {name} cannot cross")
        return {"$generator": {"bit_generator": name, "state": encode(bit.state, **again)}}
    if allow_public and type(value).__name__ == "Public" and hasattr(value, "source"):
        return {"$public": {"source": str(value.source), "text": str(value.text),
                            "data": encode(dict(value.data), **again)}}
    if allow_sympy and type(value).__module__.startswith("sympy"):
        import sympy

        return {"$sympy": sympy.srepr(value)}
    raise WireError(f"a {type(value).__name__} cannot cross between grader and kernel")


def _dtype(text) -> np.dtype:
    if not isinstance(text, str) or len(text) > 8:
        raise WireError("bad dtype")
    try:
        dtype = np.dtype(text)
    except TypeError as exc:
        raise WireError(f"bad dtype {text!r}") from exc
    if dtype.kind not in ARRAY_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise WireError(f"dtype {text!r} may not cross")
    return dtype


def _bytes(text) -> bytes:
    if not isinstance(text, str):
        raise WireError("bad array data")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except Exception as exc:
        raise WireError("bad array data") from exc


def decode(value, *, make_public=None, parse_sympy=None, _depth: int = 0):
    """Rebuild a value from :func:`encode`'s structure, checking everything.

    Parameters
    ----------
    value : object
        Parsed JSON.
    make_public : callable, optional
        ``make_public(source, text, data)`` builds a callable; without it a
        public callable is refused.
    parse_sympy : callable, optional
        ``parse_sympy(text)`` builds a SymPy expression; without it refused.

    Raises
    ------
    WireError
        For anything that is not in the wire format.
    """
    if _depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    again = dict(make_public=make_public, parse_sympy=parse_sympy, _depth=_depth + 1)
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is list:
        return [decode(v, **again) for v in value]
    if type(value) is not dict or len(value) != 1:
        raise WireError("not a wire value")
    (tag, body), = value.items()
    if tag == "$float":
        if body not in ("nan", "inf", "-inf"):
            raise WireError("bad float")
        return float(body)
    if tag == "$complex":
        if type(body) is not list or len(body) != 2:
            raise WireError("bad complex")
        re, im = (decode(v, **again) for v in body)
        if type(re) not in (int, float) or type(im) not in (int, float):
            raise WireError("bad complex")
        return complex(re, im)
    if tag == "$tuple":
        if type(body) is not list:
            raise WireError("bad tuple")
        return tuple(decode(v, **again) for v in body)
    if tag == "$dict":
        if type(body) is not list:
            raise WireError("bad dict")
        out = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("bad dict item")
            key = decode(pair[0], **again)
            if key is not None and type(key) not in (str, int, float, bool):
                raise WireError("bad dict key")
            out[key] = decode(pair[1], **again)
        return out
    if tag == "$array":
        if type(body) is not dict or set(body) != {"dtype", "shape", "data"}:
            raise WireError("bad array")
        dtype = _dtype(body["dtype"])
        shape = body["shape"]
        if type(shape) is not list or len(shape) > 32 or \
                any(type(n) is not int or n < 0 for n in shape):
            raise WireError("bad array shape")
        count = math.prod(shape)
        if count > MAX_ELEMENTS:
            raise WireError("array too large")
        raw = _bytes(body["data"])
        if len(raw) != count * dtype.itemsize:
            raise WireError("array data does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
    if tag == "$scalar":
        if type(body) is not dict or set(body) != {"dtype", "data"}:
            raise WireError("bad scalar")
        dtype = _dtype(body["dtype"])
        raw = _bytes(body["data"])
        if len(raw) != dtype.itemsize:
            raise WireError("bad scalar data")
        return np.frombuffer(raw, dtype=dtype)[0].astype(dtype.newbyteorder("="))
    if tag == "$generator":
        if type(body) is not dict or set(body) != {"bit_generator", "state"}:
            raise WireError("bad generator")
        name = body["bit_generator"]
        if name not in BIT_GENERATORS:
            raise WireError(f"bit generator {name!r} may not cross")
        bit = getattr(np.random, name)()
        try:
            bit.state = decode(body["state"], **again)
        except WireError:
            raise
        except Exception as exc:
            raise WireError("bad generator state") from exc
        return np.random.Generator(bit)
    if tag == "$public":
        if make_public is None:
            raise WireError("a callable may not cross this way")
        if type(body) is not dict or set(body) != {"source", "text", "data"}:
            raise WireError("bad public callable")
        data = decode(body["data"], **again)
        if type(data) is not dict or not all(type(k) is str for k in data):
            raise WireError("bad public callable data")
        return make_public(str(body["source"]), str(body["text"]), data)
    if tag == "$sympy":
        if parse_sympy is None or type(body) is not str:
            raise WireError("a SymPy expression may not cross this way")
        return parse_sympy(body)
    raise WireError(f"unknown wire tag {tag!r}")


def dumps(value, **options) -> str:
    """``json.dumps(encode(value))`` (strict JSON: no NaN literals)."""
    return json.dumps(encode(value, **options), allow_nan=False, separators=(",", ":"))


def loads(text: str, **options):
    """``decode(json.loads(text))``, refusing NaN literals and oversized text."""
    if not isinstance(text, str):
        raise WireError("not text")

    def refuse(name):
        raise WireError(f"{name} is not JSON")

    try:
        parsed = json.loads(text, parse_constant=refuse)
    except WireError:
        raise
    except Exception as exc:
        raise WireError("not JSON") from exc
    return decode(parsed, **options)
