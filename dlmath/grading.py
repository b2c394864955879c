"""Helpers that every hidden test reuses.

A hidden test cell calls one check of :mod:`dlmath.hidden`; each check is a
few lines built from the pieces here:

* :func:`call` calls the learner's function: in the runner through the judge
  (a :class:`dlmath.judge.RunnerFunction`, plain data both ways) or, for a
  function in this process, under the courtesy guards of :mod:`dlmath.guard`;
  either way warnings are silenced (nbgrader scores a cell 0 when anything
  reaches stderr, so a correct answer must never lose points to a
  ``RuntimeWarning``), "no shortcut" functions fail, and an input modified in
  place fails the check.
* :func:`assert_matches` compares a result with the expected value and, when
  they differ, says which call was made, what was expected and what came back.
* :func:`check_cases` runs a whole list of inputs against the reference.
* :func:`random_cases` makes reproducible random inputs from a seed.
* :func:`expect_value_error` checks the contract's ``ValueError`` rows.
* :func:`numeric_gradient`, :func:`relative_error` and :func:`assert_gradient`
  check backpropagation against central differences.
* :func:`z_for` and :func:`assert_within_se` grade random estimates with a
  tolerance derived from the standard error and a stated false-fail rate.

Every failure raises :class:`GradingFailure`, an ``AssertionError`` whose
message is what the learner reads in the feedback.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from dlmath import guard
from dlmath.guard import CALL_SECONDS, CallTimedOut, forbid, quiet, reference_blocked  # noqa: F401

__all__ = [
    "GradingFailure",
    "ShortcutUsed",
    "describe",
    "Described",
    "describe_call",
    "quiet",
    "forbid",
    "call",
    "assert_matches",
    "check_cases",
    "call_each_rng_untouched",
    "call_each",
    "random_cases",
    "expect_value_error",
    "numeric_gradient",
    "relative_error",
    "assert_gradient",
    "z_for",
    "assert_within_se",
    "is_number",
    "global_rng_untouched",
    "assert_gradients",
    "Public",
    "public",
]

#: Characters of one value shown in a failure message before it is cut.
MAX_REPR = 600

class GradingFailure(AssertionError):
    """A hidden test failed; the message is written for the learner."""


class ShortcutUsed(GradingFailure):
    """The learner's code called a library function the exercise forbids."""


# ----------------------------------------------------------------------------
# Describing values and calls
# ----------------------------------------------------------------------------

def describe(value: Any, limit: int = MAX_REPR) -> str:
    """Return a short, readable representation of ``value``.

    Parameters
    ----------
    value : object
        Anything a graded function takes or returns.
    limit : int, optional
        Maximum number of characters; longer text is cut with ``...``.

    Returns
    -------
    str
        Arrays are shown with their values, shape and dtype kept short;
        other objects by ``repr``.
    """
    try:
        if isinstance(value, np.ndarray):
            body = np.array2string(value, precision=6, threshold=40,
                                   edgeitems=3, separator=", ")
            text = f"array({body}, shape={value.shape}, dtype={value.dtype})"
        elif isinstance(value, dict):
            text = "{" + ", ".join(f"{k!r}: {describe(v, limit)}"
                                   for k, v in value.items()) + "}"
        elif isinstance(value, (list, tuple)) and any(
                isinstance(v, np.ndarray) for v in value):
            inner = ", ".join(describe(v, limit) for v in value)
            text = f"[{inner}]" if isinstance(value, list) else f"({inner})"
        elif isinstance(value, (float, np.floating)):
            text = repr(float(value))
        elif isinstance(value, np.random.Generator):  # never its memory address
            text = f"np.random.Generator({type(value.bit_generator).__name__}(...))"
        else:
            text = repr(value)
    except Exception as exc:  # a hostile __repr__ must not break grading
        text = f"<{type(value).__name__} object (repr failed: {type(exc).__name__})>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


class Described:
    """Text made only when a message shows it.

    Describing the arrays of every *passing* case costs more than checking
    them (numpy's array printing); a check builds its failure text only
    when it fails.  Formats like the text it stands for.

    Parameters
    ----------
    make : callable
        Returns the text.
    """

    __slots__ = ("_make", "_text")

    def __init__(self, make: Callable[[], str]) -> None:
        self._make = make
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = str(self._make())
        return self._text

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return repr(str(self))


def _item(call: Any, suffix: str) -> Described:
    """``f"{call}{suffix}"``, made only when shown."""
    return Described(lambda: f"{call}{suffix}")


def describe_call(name: str, args: Sequence[Any] = (),
                  kwargs: Mapping[str, Any] | None = None) -> str:
    """Return ``name(arg, ..., key=value)`` with every value described.

    Parameters
    ----------
    name : str
        The function's name.
    args : sequence
        Positional arguments.
    kwargs : mapping, optional
        Keyword arguments.

    Returns
    -------
    str
        The call as the learner could type it, with long values shortened.
    """
    parts = [describe(a) for a in args]
    parts += [f"{k}={describe(v)}" for k, v in (kwargs or {}).items()]
    return f"{name}({', '.join(parts)})"


# ----------------------------------------------------------------------------
# Callables handed to the learner
# ----------------------------------------------------------------------------

class Public:
    """A callable a hidden check hands to a learner function (``grad``, ``f``, ``sampler``).

    The learner's function runs in another process (the runner), so a
    callable argument cannot be an arbitrary Python object: it is defined by
    public source text and plain data, which cross to the runner and are
    evaluated there with ``np`` (numpy) and ``math`` in scope.  The same text
    is evaluated here, so the judge can call it too.  Nothing in the text is
    secret: it is what a failure message shows.

    Parameters
    ----------
    source : str
        A Python expression that evaluates to a callable, e.g.
        ``"lambda x: A @ x - b"`` or ``"np.cos"``.
    text : str, optional
        How the callable is shown in messages (default: ``source``).
    **data
        Names the expression uses, bound to plain data (numbers, arrays,
        lists, dicts).

    Examples
    --------
    >>> grad = Public("lambda x: A @ x - b", A=np.eye(2), b=np.ones(2))
    >>> grad(np.zeros(2))
    array([-1., -1.])
    """

    def __init__(self, source: str, text: str | None = None, **data: Any) -> None:
        self.source = source
        self.text = text or source
        self.data = data
        self._func = evaluate_public(source, data)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._func(*args, **kwargs)

    def __repr__(self) -> str:
        return self.text


def evaluate_public(source: str, data: Mapping[str, Any]) -> Callable[..., Any]:
    """Evaluate the source of a :class:`Public` callable (numpy as ``np``, ``math``)."""
    import math

    namespace = {"np": np, "math": math, "__builtins__": __builtins__}
    namespace.update(data)
    func = eval(compile(source, "<public callable>", "eval"), namespace)  # noqa: S307 - our own text
    if not callable(func):
        raise TypeError(f"public callable {source!r} is not callable")
    return func


def public(source: str, text: str | None = None, **data: Any) -> Public:
    """Return ``Public(source, text, **data)``; see :class:`Public`."""
    return Public(source, text, **data)


# ----------------------------------------------------------------------------
# Running the learner's code
# ----------------------------------------------------------------------------

class Raised:
    """What :func:`call` returns when the learner raised the ``expect``-ed exception."""

    def __init__(self, exception: BaseException) -> None:
        self.exception = exception


def call(func: Callable[..., Any], *args: Any, name: str | None = None,
         forbidden: Iterable[str] = (), expect: type | None = None, **kwargs: Any) -> Any:
    """Call the learner's ``func`` the way every hidden test should.

    Parameters
    ----------
    func : callable
        The learner's function.
    *args, **kwargs
        Its arguments.  The function receives deep copies, so the originals
        stay usable for the reference and for the message.
    name : str, optional
        Name shown in messages (default ``func.__name__``).
    forbidden : iterable of str, optional
        Dotted names of library functions that must not be called.
    expect : exception class, optional
        An exception the learner's code is supposed to raise: it is returned
        wrapped in :class:`Raised` instead of failing the check.

    Returns
    -------
    object
        Whatever ``func`` returned (or :class:`Raised`).

    Raises
    ------
    GradingFailure
        If ``func`` raised, called a forbidden function, or changed an input.
    """
    name = name or getattr(func, "__name__", "function")
    if is_remote(func):
        return remote_calls(func, [(args, kwargs)], name=name, forbidden=forbidden,
                            expect=expect)[0]()
    given_args = copy.deepcopy(args)
    given_kwargs = copy.deepcopy(kwargs)
    before = (guard.snapshot(given_args), guard.snapshot(given_kwargs))
    shown = Described(functools.partial(describe_call, name, args, kwargs))
    if not callable(func):
        raise GradingFailure(f"{name} is not a function (it is {describe(func)}).")
    raised = None
    try:
        spaces = [getattr(func, "__globals__", {})]
        with quiet(), forbid(forbidden, name, spaces, [func]), reference_blocked(), \
                guard.time_limit(CALL_SECONDS):
            result = func(*given_args, **given_kwargs)
    except ShortcutUsed:
        raise
    except CallTimedOut:
        raise GradingFailure(f"{shown} did not finish within {CALL_SECONDS} seconds "
                             "(an endless loop, or far too slow).") from None
    except GradingFailure:
        raise
    except NotImplementedError:
        raise GradingFailure(f"{name} is not implemented yet ({shown} raised NotImplementedError).") from None
    except BaseException as exc:  # SystemExit and KeyboardInterrupt must not end the test run
        if expect is None or not isinstance(exc, expect):
            raise GradingFailure(
                f"{shown} raised {type(exc).__name__}: {exc}") from None
        raised = Raised(exc)
    if raised is not None:
        return raised
    for given, original in ((given_args, before[0]), (given_kwargs, before[1])):
        if original is not None and not guard.same(original, given):
            raise GradingFailure(
                f"{shown} modified its input in place; graded functions must "
                f"leave their arguments unchanged (copy them first).")
    return result


#: While :func:`global_rng_untouched` is active: one flag per remote call,
#: True when the runner saw numpy's global random state move.
_WATCH_RNG: "contextvars.ContextVar[list | None]" = contextvars.ContextVar("dlmath_watch_rng",
                                                                           default=None)


def is_remote(func: Any) -> bool:
    """Whether ``func`` is a learner function living in the runner (see :mod:`dlmath.judge`)."""
    return getattr(type(func), "__dlmath_remote__", False) is True


class LearnerRaised(Exception):
    """An exception the learner's code raised in the runner (its name and message)."""

    def __init__(self, type_name: str, message: str, mro: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.type_name = type_name
        self.mro = list(mro)


def remote_calls(func: Any, cases: Sequence[tuple[tuple, dict]], *, name: str,
                 forbidden: Iterable[str] = (), expect: type | None = None
                 ) -> list[Callable[[], Any]]:
    """Run ``cases`` of a runner-side learner function in one round trip.

    Returns one function per case that returns the result (or
    :class:`Raised`) or raises :class:`GradingFailure` exactly as
    :func:`call` would, so a check fails at the first wrong case in order.
    """
    from dlmath import judge

    forbidden = list(forbidden)
    found = func.shortcuts(forbidden) if forbidden else []
    if found:
        raise ShortcutUsed(
            f"{name} must not use {found[0]}: this exercise asks you to compute the result "
            f"yourself (see the 'no shortcut' note).")
    watch = _WATCH_RNG.get()
    # The arguments are only encoded, never handed over, so no copies are needed; a
    # Generator argument is moved to the state the learner's calls left it in.
    calls = [judge.Call(tuple(a), dict(k)) for a, k in cases]
    outcomes = func.run(calls, forbidden=forbidden, global_rng=watch is not None)
    settlers = []
    for (args, kwargs), sent, outcome in zip(cases, calls, outcomes):
        if watch is not None:
            watch.append(outcome.global_rng_changed)
        judge.adopt_generators(outcome, sent)
        shown = Described(functools.partial(describe_call, name, args, kwargs))
        settlers.append(functools.partial(_settle, outcome, name, shown, expect))
    return settlers


def _settle(outcome: Any, name: str, shown: Any, expect: type | None) -> Any:
    status = outcome.status
    if status == "undefined":
        raise GradingFailure(f"{name} is not defined: run the cell that defines it, "
                             f"and keep its name as the exercise gives it.")
    if status == "not_callable":
        raise GradingFailure(f"{name} is not a function (it is a {outcome.type}).")
    if status == "timeout":
        raise GradingFailure(f"{shown} did not finish within {CALL_SECONDS} seconds "
                             "(an endless loop, or far too slow).")
    if status == "shortcut":
        raise ShortcutUsed(f"{name} must not call {outcome.message}: this exercise asks you to "
                           f"compute the result yourself (see the 'no shortcut' note).")
    if status == "raised":
        if "NotImplementedError" in outcome.mro:
            raise GradingFailure(f"{name} is not implemented yet ({shown} raised "
                                 f"NotImplementedError).")
        if expect is not None and expect.__name__ in outcome.mro:
            return Raised(LearnerRaised(outcome.type, outcome.message, outcome.mro))
        raise GradingFailure(f"{shown} raised {outcome.type}: {outcome.message}")
    if status == "unencodable":
        raise GradingFailure(f"{shown} returned a {outcome.type}, which is not a number, an "
                             f"array, or a list, tuple or dict of them.")
    if status != "returned":
        raise GradingFailure(f"{shown}: {outcome.message or 'no answer from the kernel'}")
    if outcome.mutated:
        raise GradingFailure(
            f"{shown} modified its input in place; graded functions must "
            f"leave their arguments unchanged (copy them first).")
    return outcome.result


# ----------------------------------------------------------------------------
# Comparing results
# ----------------------------------------------------------------------------

def is_number(value: Any) -> bool:
    """A plain real number: exact built-in or numpy types only.

    Subclasses are refused on purpose: an object that only *claims* to be a
    number (a custom ``__eq__``, ``__float__`` or ``__array__``) earns nothing.
    """
    kind = type(value)
    if kind in (int, float):
        return True
    if kind.__module__ == "numpy" and isinstance(value, (np.integer, np.floating)):
        return True
    return kind is np.ndarray and value.ndim == 0 and value.dtype.kind in "iuf"


def _close(actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """Elementwise closeness; inf equals inf of the same sign, nan equals nan."""
    with np.errstate(all="ignore"):
        same = (actual == expected) | (np.isnan(actual) & np.isnan(expected))
        finite = np.isfinite(actual) & np.isfinite(expected)
        near = np.zeros(np.shape(actual), dtype=bool)
        near[finite] = (np.abs(actual[finite] - expected[finite])
                        <= atol + rtol * np.abs(expected[finite]))
    return same | near


def assert_matches(actual: Any, expected: Any, *, call: str | Described, rtol: float = 1e-7,
                   atol: float = 1e-9) -> None:
    """Fail with a teaching message unless ``actual`` matches ``expected``.

    ``expected`` decides what is checked: a float wants a real scalar; an
    array wants a floating NumPy array of the same shape; a tuple, list or
    dict wants the same structure, compared item by item.

    Parameters
    ----------
    actual : object
        What the learner's function returned.
    expected : object
        The reference result.
    call : str
        The call that produced ``actual`` (see :func:`describe_call`).
    rtol, atol : float, optional
        Relative and absolute tolerance: ``|a - e| <= atol + rtol * |e|``.

    Raises
    ------
    GradingFailure
        On the first difference in type, shape or value.
    """
    if isinstance(expected, dict):
        if type(actual) is not dict:
            raise GradingFailure(f"{call} should return a dict with keys "
                                 f"{sorted(expected)}, but returned {describe(actual)}.")
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            raise GradingFailure(f"{call} returned a dict with keys {sorted(map(str, actual))}; "
                                 f"expected exactly {sorted(expected)}.")
        for key in expected:
            assert_matches(actual[key], expected[key], call=_item(call, f"[{key!r}]"),
                           rtol=rtol, atol=atol)
        return
    if isinstance(expected, (tuple, list)):
        kind = type(expected).__name__
        if type(actual) not in (tuple, list) or len(actual) != len(expected):
            raise GradingFailure(f"{call} should return a {kind} of {len(expected)} "
                                 f"items, but returned {describe(actual)}.")
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_matches(a, e, call=_item(call, f"[{i}]"), rtol=rtol, atol=atol)
        return
    if isinstance(expected, np.ndarray):
        if type(actual) is not np.ndarray:
            raise GradingFailure(f"{call} should return a NumPy array of shape "
                                 f"{expected.shape}, but returned {describe(actual)} "
                                 f"(type {type(actual).__name__}).")
        if actual.shape != expected.shape:
            raise GradingFailure(f"{call} returned an array of shape {actual.shape}; "
                                 f"expected shape {expected.shape}.\n"
                                 f"expected: {describe(expected)}\nactual:   {describe(actual)}")
        if actual.dtype.kind not in "fiu":
            raise GradingFailure(f"{call} returned an array of dtype {actual.dtype}; "
                                 f"expected float64 numbers.")
        a = actual.astype(np.float64)
        e = np.asarray(expected, dtype=np.float64)
        ok = _close(a, e, rtol, atol)
        if not ok.all():
            where = tuple(int(i) for i in np.argwhere(~ok)[0])
            raise GradingFailure(
                f"{call} returned wrong values ({int((~ok).sum())} of {ok.size} "
                f"entries differ; first at index {where}: expected {e[where]!r}, "
                f"got {a[where]!r}).\nexpected: {describe(expected)}\nactual:   {describe(actual)}")
        return
    if is_number(expected):
        if not is_number(actual):
            raise GradingFailure(f"{call} should return a single number (float), "
                                 f"but returned {describe(actual)} (type {type(actual).__name__}).")
        a = np.float64(actual)
        e = np.float64(expected)
        if not _close(np.array([a]), np.array([e]), rtol, atol)[0]:
            raise GradingFailure(
                f"{call} returned {float(a)!r}; expected {float(e)!r} "
                f"(difference {abs(float(a) - float(e)):.3g}, "
                f"tolerance {atol + rtol * abs(float(e)):.3g}).")
        return
    if actual != expected:  # exact objects, e.g. ints used as counts
        raise GradingFailure(f"{call} returned {describe(actual)}; expected {describe(expected)}.")


# ----------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------

def random_cases(seed: int, count: int,
                 make: Callable[[np.random.Generator], Any]) -> list[Any]:
    """Return ``count`` reproducible random cases.

    Parameters
    ----------
    seed : int
        Seed of the whole family; case ``i`` uses ``default_rng([seed, i])``,
        so adding cases never changes the earlier ones.
    count : int
        Number of cases.
    make : callable
        ``make(rng)`` returns one case (usually a tuple of arguments).

    Returns
    -------
    list
        The cases in order.
    """
    return [make(np.random.default_rng([seed, i])) for i in range(count)]


def _as_args(case: Any) -> tuple[tuple, dict]:
    if isinstance(case, dict):
        return (), dict(case)
    if isinstance(case, tuple) and len(case) == 2 and isinstance(case[1], dict) \
            and isinstance(case[0], tuple):
        return case[0], dict(case[1])
    if isinstance(case, tuple):
        return case, {}
    return (case,), {}


def check_cases(func: Callable[..., Any], reference: Callable[..., Any],
                cases: Iterable[Any], *, name: str | None = None,
                forbidden: Iterable[str] = (), rtol: float = 1e-7,
                atol: float | Callable[[Any], float] = 1e-9) -> None:
    """Check ``func`` against ``reference`` on every case.

    Parameters
    ----------
    func : callable
        The learner's function.
    reference : callable
        The reference solution with the same signature.
    cases : iterable
        Each case is a tuple of positional arguments, a dict of keyword
        arguments, ``(args, kwargs)``, or a single argument.
    name : str, optional
        Name used in messages (default: the reference's name).
    forbidden : iterable of str, optional
        "No shortcut" functions, see :func:`forbid`.
    rtol, atol : float, optional
        Tolerances, see :func:`assert_matches`; ``atol`` may also be a
        function of the expected value (a tolerance scaled to each case).

    Raises
    ------
    GradingFailure
        At the first case whose result differs.
    """
    tol = atol if callable(atol) else (lambda expected: atol)
    name = name or reference.__name__
    cases = [_as_args(case) for case in cases]
    with quiet():  # all reference results first: no shortcut is blocked for the reference
        expected = [reference(*copy.deepcopy(a), **copy.deepcopy(k)) for a, k in cases]
    if is_remote(func):  # every case in one round trip to the runner
        settle = remote_calls(func, cases, name=name, forbidden=forbidden)
        for (args, kwargs), want, result in zip(cases, expected, settle):
            assert_matches(result(), want,
                           call=Described(functools.partial(describe_call, name, args, kwargs)),
                           rtol=rtol, atol=tol(want))
        return
    # One scan for aliases of the forbidden functions covers every call.
    with forbid(forbidden, name, [getattr(func, "__globals__", {})], [func]):
        for (args, kwargs), want in zip(cases, expected):
            actual = call(func, *args, name=name, **kwargs)
            assert_matches(actual, want,
                           call=Described(functools.partial(describe_call, name, args, kwargs)),
                           rtol=rtol, atol=tol(want))


def call_each(func: Callable[..., Any], cases: Iterable[Any], *, name: str | None = None,
              forbidden: Iterable[str] = ()) -> Iterator[Any]:
    """Call ``func`` on every case (one round trip to the runner); yield the results in order.

    Like ``[call(func, *a, **k) for a, k in cases]``, except that a learner
    function in the runner is called for all cases at once.  A failed call
    raises :class:`GradingFailure` when its turn comes, so a check still
    stops at the first failing case.
    """
    name = name or getattr(func, "__name__", "function")
    cases = [_as_args(case) for case in cases]
    if is_remote(func):
        for settle in remote_calls(func, cases, name=name, forbidden=forbidden):
            yield settle()
        return
    for args, kwargs in cases:
        yield call(func, *args, name=name, forbidden=forbidden, **kwargs)


def expect_value_error(func: Callable[..., Any], *args: Any, why: str,
                       name: str | None = None, **kwargs: Any) -> None:
    """Check that ``func(*args, **kwargs)`` raises ``ValueError``.

    Parameters
    ----------
    func : callable
        The learner's function.
    *args, **kwargs
        Invalid arguments.
    why : str
        What is wrong with them, for the message (e.g. "shapes differ").
    name : str, optional
        Name used in messages.

    Raises
    ------
    GradingFailure
        If no exception or another exception is raised.
    """
    name = name or getattr(func, "__name__", "function")
    shown = describe_call(name, args, kwargs)
    try:
        result = call(func, *args, name=name, expect=ValueError, **kwargs)
    except ShortcutUsed:
        raise
    except GradingFailure as failure:
        raise GradingFailure(f"{shown} should raise ValueError ({why}); instead: {failure}") from None
    if isinstance(result, Raised):
        return
    raise GradingFailure(f"{shown} should raise ValueError ({why}), "
                         f"but returned {describe(result)}.")


# ----------------------------------------------------------------------------
# Gradient checks
# ----------------------------------------------------------------------------

def numeric_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                     h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function of an array.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; ``x`` may have any shape.
    x : ndarray
        Point of evaluation (not modified).
    h : float, optional
        Step.

    Returns
    -------
    ndarray
        Same shape as ``x``.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    out = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = float(f(x))
        flat[i] = old - h
        minus = float(f(x))
        flat[i] = old
        out[i] = (plus - minus) / (2 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """Largest elementwise relative error ``|a - b| / max(1e-8, |a| + |b|)``.

    This is the measure of the well-known deep-learning courses' gradient
    checks: about 1e-7 or less means the analytic gradient is right.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def assert_gradients(grads: Any, loss: Callable[[dict], float], values: Mapping[str, np.ndarray],
                     *, call: str, tol: float = 1e-6) -> None:
    """Check a dict of analytic gradients against central differences of ``loss``.

    Parameters
    ----------
    grads : object
        What the learner's backward function returned; must be a dict with
        exactly the keys of ``values``.
    loss : callable
        ``loss(point) -> float`` for a dict ``point`` with the keys of ``values``;
        it should use the *reference* forward pass.
    values : mapping
        The point of evaluation, key by key.
    call : str
        The call that produced ``grads``, for messages.
    tol : float, optional
        Largest acceptable :func:`relative_error` per key.
    """
    keys = list(values)
    if type(grads) is not dict or sorted(map(str, grads)) != sorted(keys):
        raise GradingFailure(f"{call} should return a dict with keys {keys}, "
                             f"but returned {describe(grads)}.")
    for key in keys:
        numeric = numeric_gradient(lambda v, key=key: loss({**values, key: v}), values[key])
        assert_gradient(grads[key], numeric, what=f"the gradient {key!r} of {call}", tol=tol)


def assert_gradient(analytic: Any, numeric: np.ndarray, *, what: str,
                    tol: float = 1e-6) -> None:
    """Fail unless an analytic gradient agrees with a numerical one.

    Parameters
    ----------
    analytic : array_like
        The learner's gradient.
    numeric : ndarray
        Central-difference gradient of the same quantity.
    what : str
        Description for the message, e.g. ``"dW1 of mlp_gradients(X, y, params)"``.
    tol : float, optional
        Largest acceptable :func:`relative_error`.
    """
    if not isinstance(analytic, np.ndarray) or analytic.shape != numeric.shape:
        raise GradingFailure(f"{what}: expected an array of shape {numeric.shape}, "
                             f"got {describe(analytic)}.")
    err = relative_error(analytic, numeric)
    if not err <= tol:
        raise GradingFailure(
            f"{what} disagrees with a numerical gradient check (central differences): "
            f"relative error {err:.3g} > {tol:g}.\nnumerical: {describe(numeric)}\n"
            f"yours:     {describe(analytic)}")


# ----------------------------------------------------------------------------
# Random results
# ----------------------------------------------------------------------------

@contextlib.contextmanager
def global_rng_untouched(call: str, hint: str = "") -> Iterator[None]:
    """Fail if the block moves numpy's global random state (``np.random.*``).

    The contract says randomness comes only from the ``rng`` argument.  The
    global state is seeded for the block and put back afterwards, so the
    check neither depends on nor disturbs anything else.

    Parameters
    ----------
    call : str
        The call made inside the block, for the message.
    hint : str, optional
        An extra sentence for the message.
    """
    saved = np.random.get_state()
    np.random.seed(20240605)
    before = np.random.get_state()
    token = _WATCH_RNG.set([])
    try:
        yield
        after = np.random.get_state()
        remote_changed = any(_WATCH_RNG.get())
    finally:
        _WATCH_RNG.reset(token)
        np.random.set_state(saved)
    same = (before[0] == after[0] and np.array_equal(before[1], after[1])
            and tuple(before[2:]) == tuple(after[2:]))
    if not same or remote_changed:
        raise _global_rng_moved(call, hint)


def _global_rng_moved(call: Any, hint: str) -> GradingFailure:
    return GradingFailure(
        f"{call} changed NumPy's global random state (np.random.seed, np.random.uniform, "
        f"np.random.permutation, ...). Take every random number from the Generator `rng` "
        f"you are given.{(' ' + hint) if hint else ''}")


def call_each_rng_untouched(func: Callable[..., Any], cases: Iterable[Any], shown: Sequence[Any],
                            *, hint: str = "", name: str | None = None,
                            forbidden: Iterable[str] = ()) -> Iterator[Any]:
    """:func:`call_each`, each call inside its own :func:`global_rng_untouched`.

    One round trip for a learner function in the runner, which reports for
    every call whether numpy's global random state moved; the failure names
    the case that moved it, as the loop of single blocks would.

    Parameters
    ----------
    func : callable
        The learner's function.
    cases : iterable
        Argument tuples or ``(args, kwargs)`` pairs.
    shown : sequence
        For each case, the call as the message shows it.
    hint : str, optional
        An extra sentence for the message.
    name, forbidden : optional
        As for :func:`call`.

    Yields
    ------
    object
        Each call's result, in order.
    """
    name = name or getattr(func, "__name__", "function")
    cases = [_as_args(case) for case in cases]
    shown = list(shown)
    if not is_remote(func):
        for (args, kwargs), text in zip(cases, shown):
            with global_rng_untouched(text, hint):
                result = call(func, *args, name=name, forbidden=forbidden, **kwargs)
            yield result
        return
    saved = np.random.get_state()
    token = _WATCH_RNG.set([])
    try:
        settlers = remote_calls(func, cases, name=name, forbidden=forbidden)
        moved = list(_WATCH_RNG.get())
    finally:
        _WATCH_RNG.reset(token)
        np.random.set_state(saved)
    for settle, changed, text in zip(settlers, moved, shown):
        result = settle()
        if changed:
            raise _global_rng_moved(text, hint)
        yield result

def z_for(false_fail: float) -> float:
    """Two-sided normal quantile: ``P(|Z| > z) = false_fail``.

    Parameters
    ----------
    false_fail : float
        Probability that a correct estimator falls outside ``z`` standard
        errors, e.g. ``1e-9`` gives ``z = 6.109``.

    Returns
    -------
    float
        ``z``.
    """
    import math

    lo, hi = 0.0, 40.0
    for _ in range(200):  # bisection on the complementary error function
        mid = (lo + hi) / 2
        if math.erfc(mid / math.sqrt(2)) > false_fail:
            lo = mid
        else:
            hi = mid
    return hi


def assert_within_se(estimate: Any, truth: float, se: float, *, call: str,
                     false_fail: float = 1e-9) -> None:
    """Fail unless a random estimate is within ``z(false_fail)`` standard errors.

    Parameters
    ----------
    estimate : float
        The learner's estimate.
    truth : float
        The exact value it estimates.
    se : float
        Standard error of a correct estimator (computed, not guessed).
    call : str
        The call that produced ``estimate``.
    false_fail : float, optional
        Probability that a correct answer fails this check (default 1e-9).
    """
    if not is_number(estimate):
        raise GradingFailure(f"{call} should return a number, but returned {describe(estimate)}.")
    z = z_for(false_fail)
    value = float(estimate)
    if not abs(value - truth) <= z * se:
        raise GradingFailure(
            f"{call} returned {value!r}; the exact value is {truth!r} and a correct "
            f"estimator lands within {z:.2f} standard errors ({z * se:.3g}) of it "
            f"with probability 1 - {false_fail:g}. Yours is off by {abs(value - truth):.3g}.")
