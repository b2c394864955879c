"""In-process guards around a learner call: courtesy, not the reason a grade is right.

Learner code normally runs in the sandboxed runner (:mod:`dlmath.runner`),
and the judge decides every grade from plain data (:mod:`dlmath.judge`).
When a check calls a learner function *in this process* (the test suite
runs the reference, alternatives and mistakes this way, and any tool may),
:func:`dlmath.grading.call` wraps the call in these guards:

* :func:`quiet` silences warnings and numpy floating-point messages;
* :func:`forbid` makes "no shortcut" library functions raise, under any
  alias the learner's namespace, defaults or closures hold;
* :func:`reference_blocked` makes the reference solutions raise;
* :func:`time_limit` interrupts an endless loop;
* :func:`snapshot` and :func:`same` detect inputs changed in place.

None of them can hold against code written to defeat them in the same
process; the runner/judge boundary is what does.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import os
import sys
import types
import warnings
from typing import Any, Callable, Iterable, Iterator

import numpy as np

#: Seconds one call of the learner's function may take (a backstop for
#: endless loops; nbgrader's cell timeout is the last resort).
CALL_SECONDS = float(os.environ.get("DLMATH_CALL_SECONDS", "20"))


class CallTimedOut(BaseException):
    """Raised inside the learner's code when :data:`CALL_SECONDS` have passed."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread on POSIX only)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise CallTimedOut()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)



def _shortcut_error():
    from dlmath.grading import ShortcutUsed

    return ShortcutUsed


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence warnings and numpy floating-point messages inside the block.

    A correct answer may divide by zero on the way to a correct result and
    numpy would print a ``RuntimeWarning`` to stderr, which nbgrader counts as
    a failed cell.  Results are judged by their values instead.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            yield


def _block_in_function(function: Any, targets: dict, blockers: dict,
                       swapped: list) -> None:
    """Replace forbidden objects among a function's defaults and closure cells."""
    defaults = getattr(function, "__defaults__", None)
    if defaults and any(id(d) in targets for d in defaults):
        function.__defaults__ = tuple(blockers.get(id(d), d) for d in defaults)
        swapped.append(lambda f=function, d=defaults: setattr(f, "__defaults__", d))
    kwdefaults = getattr(function, "__kwdefaults__", None)
    if kwdefaults and any(id(v) in targets for v in kwdefaults.values()):
        function.__kwdefaults__ = {k: blockers.get(id(v), v) for k, v in kwdefaults.items()}
        swapped.append(lambda f=function, d=kwdefaults: setattr(f, "__kwdefaults__", d))
    for cell in getattr(function, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if id(value) in targets:
            cell.cell_contents = blockers[id(value)]
            swapped.append(lambda c=cell, v=value: setattr(c, "cell_contents", v))


def _resolve(dotted: str) -> tuple[Any, str, Any]:
    """Return ``(owner, attribute, object)`` for a dotted name like ``numpy.linalg.norm``."""
    module_name, _, attr = dotted.rpartition(".")
    owner = importlib.import_module(module_name)
    return owner, attr, getattr(owner, attr)


@contextlib.contextmanager
def forbid(names: Iterable[str], function: str = "your function",
           namespaces: Iterable[dict] = (), functions: Iterable[Any] = ()) -> Iterator[None]:
    """Make library functions raise :class:`ShortcutUsed` inside the block.

    Every module attribute that *is* the forbidden object is replaced, so an
    alias such as ``from numpy.linalg import norm`` or ``la = np.linalg`` in
    the learner's notebook is caught as well as ``np.linalg.norm``.

    Parameters
    ----------
    names : iterable of str
        Dotted names, e.g. ``["numpy.linalg.norm"]``.
    function : str, optional
        The graded function's name, used in the message.
    namespaces : iterable of dict, optional
        Extra namespaces to search for aliases, e.g. the ``__globals__`` of
        the learner's function when it was not defined in a module.
    functions : iterable of callable, optional
        Learner functions whose default arguments and closure cells may hold
        aliases (``def f(x, _n=np.linalg.norm)``).
    """
    names = list(names)
    if not names:
        yield
        return
    targets = {}
    for dotted in names:
        _, _, obj = _resolve(dotted)
        targets[id(obj)] = (dotted, obj)

    def make_blocker(dotted: str) -> Callable[..., Any]:  # noqa: C901
        def blocked(*args: Any, **kwargs: Any) -> Any:
            raise _shortcut_error()(
                f"{function} must not call {dotted}: this exercise asks you to "
                f"compute the result yourself (see the 'no shortcut' note).")
        blocked.__name__ = dotted.rpartition(".")[2]
        return blocked

    blockers = {key: make_blocker(dotted) for key, (dotted, _) in targets.items()}
    patched: list[tuple[dict, str, Any]] = []
    swapped: list[Callable[[], None]] = []
    try:
        spaces = [getattr(m, "__dict__", None) for m in list(sys.modules.values())]
        spaces += list(namespaces)
        for learner_function in functions:  # defaults and closures hold aliases too
            _block_in_function(learner_function, targets, blockers, swapped)
        seen: set[int] = set()
        for namespace in spaces:
            if not isinstance(namespace, dict) or id(namespace) in seen:
                continue
            seen.add(id(namespace))
            for key, value in list(namespace.items()):
                if id(value) in targets and value is targets[id(value)][1]:
                    patched.append((namespace, key, value))
                    namespace[key] = blockers[id(value)]
        yield
    finally:
        for namespace, key, value in reversed(patched):
            namespace[key] = value
        for undo in reversed(swapped):
            undo()


#: Whether learner calls run with the reference solutions blocked.  Only the
#: test suite turns this off, to run the hidden checks on the reference itself.
BLOCK_REFERENCE = True


def _refuse_reference(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("the course's reference solutions cannot be used by graded code")


@contextlib.contextmanager
def reference_blocked() -> Iterator[None]:
    """Make every reference solution raise inside the block, under any name.

    The code object of each function of the loaded ``dlmath.reference``
    modules is swapped, so a learner who imported or aliased a reference
    function gets an error instead of its answer.
    """
    swapped = []
    for name, module in list(sys.modules.items()) if BLOCK_REFERENCE else []:
        if not name.startswith("dlmath.reference.") or module is None:
            continue
        for value in list(vars(module).values()):
            if (isinstance(value, types.FunctionType) and value.__module__ == name
                    and not value.__code__.co_freevars):
                swapped.append((value, value.__code__))
                value.__code__ = _refuse_reference.__code__
    try:
        yield
    finally:
        for function, code in swapped:
            function.__code__ = code


def snapshot(value: Any) -> Any:
    """Deep copy of the inputs, to detect in-place modification later."""
    try:
        return copy.deepcopy(value)
    except Exception:
        return None


def same(before: Any, after: Any) -> bool:
    """True when an input is unchanged (arrays compared bit for bit, nan == nan)."""
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and before.shape == after.shape
                and before.dtype == after.dtype
                and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
    if isinstance(before, dict):
        return (isinstance(after, dict) and before.keys() == after.keys()
                and all(same(before[k], after[k]) for k in before))
    if isinstance(before, (list, tuple)):
        return (type(before) is type(after) and len(before) == len(after)
                and all(same(b, a) for b, a in zip(before, after)))
    return True
