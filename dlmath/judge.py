"""The judge: hidden checks run in the grader, the learner's code in the runner.

A hidden grade cell is never sent to the learner's kernel.  The executor
(:mod:`dlmath.execution`) hands its source to :func:`run_hidden`, which

1. reads the cell: it may only import a module of :mod:`dlmath.hidden` and
   call its checks with names of the learner's functions
   (``hidden.l1_norm_values(l1_norm)``), nothing else;
2. gives each check a :class:`RunnerFunction` for each name: a proxy whose
   calls travel to the runner as plain data (:mod:`dlmath.wire`), a whole
   batch of cases in one round trip (:func:`dlmath.grading.check_cases`);
3. runs the check here, where the reference, the random cases and the
   comparison live, and writes the cell's outcome itself.

The runner can only answer "this is what the function returned"; it never
sees an expected value and nothing it says is taken as a verdict.  "No
shortcut" rules are decided here too, by reading the learner's code
(:mod:`dlmath.shortcuts`).
"""

from __future__ import annotations

import ast
import functools
import importlib
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from dlmath import shortcuts, wire

#: The hidden region of a test cell.
HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n(.*?)^[ \t]*### END HIDDEN TESTS[ \t]*$",
                    re.S | re.M)


class RunnerLost(RuntimeError):
    """The runner did not answer in time or died; the kernel must be replaced."""


class CellNotUnderstood(ValueError):
    """A hidden region holds something other than imports and check calls."""


def split_hidden(source: str) -> tuple[str, list[str]]:
    """Split a test cell into its public part and its hidden regions.

    Returns
    -------
    (str, list of str)
        The source without hidden regions, and the code of each region.
    """
    regions = [m.group(1) for m in HIDDEN.finditer(source)]
    return HIDDEN.sub("", source), regions


@dataclass
class Call:
    """One call of a learner function, as the judge sends it."""

    args: tuple
    kwargs: dict


@dataclass
class Outcome:
    """What the runner reported for one call, decoded and checked."""

    status: str
    result: Any = None
    type: str = ""
    message: str = ""
    mro: list = field(default_factory=list)
    mutated: list = field(default_factory=list)
    generators: dict = field(default_factory=dict)
    global_rng_changed: bool = False


class Channel:
    """How requests reach a runner.  Subclasses implement :meth:`send`."""

    def send(self, text: str, timeout: float) -> str:  # pragma: no cover - interface
        """Deliver one request (wire text); return the reply (wire text)."""
        raise NotImplementedError


class LocalChannel(Channel):
    """A runner in this process (unit tests): the same server, no kernel."""

    def __init__(self, namespace: dict) -> None:
        from dlmath import runner

        self.server = runner.Server(namespace)

    def send(self, text: str, timeout: float) -> str:
        return self.server.handle(text)


_ids = itertools.count(1)

#: Longest reply the judge reads, in characters of wire text.  A check's
#: results are small (the largest hidden input is well under a megabyte); a
#: reply near this size is a function returning far more than it was asked
#: for, and reading it would cost the grader the memory it took to make.
MAX_REPLY_CHARS = 64 * 1024 * 1024


@functools.lru_cache(maxsize=256)
def _shortcuts_cached(code: tuple, name: str, forbidden: tuple) -> tuple:
    """:func:`dlmath.shortcuts.find`, read once per notebook, function and rule."""
    return tuple(shortcuts.find(list(code), name, list(forbidden)))

#: SymPy constructors a reply may use (srepr of ordinary expressions).
SYMPY_NAMES = {
    "Symbol", "Integer", "Rational", "Float", "Add", "Mul", "Pow", "exp", "log", "sin", "cos",
    "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan", "sqrt", "Abs", "sign", "Half",
    "One", "Zero", "NegativeOne", "Pi", "E", "ImaginaryUnit", "Function", "Derivative",
    "Piecewise", "ExprCondPair", "true", "false", "BooleanTrue", "BooleanFalse", "Heaviside",
    "StrictGreaterThan", "StrictLessThan", "GreaterThan", "LessThan", "Max", "Min", "oo",
    "Infinity", "NegativeInfinity", "NaN", "nan", "zoo", "ComplexInfinity", "Tuple", "cot",
    "sec", "csc", "atan2", "erf", "gamma", "re", "im", "conjugate", "floor", "ceiling",
    "Equality", "Unequality", "And", "Or", "Not", "acosh", "asinh", "atanh", "DiracDelta",
}


def parse_sympy(text: str):
    """Rebuild a SymPy expression from ``srepr`` text without ``eval`` of learner text.

    Only calls of the constructors in :data:`SYMPY_NAMES` with literal
    arguments (numbers, strings, booleans, nested calls, keywords) are
    accepted; anything else raises :class:`dlmath.wire.WireError`.
    """
    import sympy

    if len(text) > 200_000:
        raise wire.WireError("expression too long")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise wire.WireError("not a SymPy expression") from exc

    def build(node, depth=0):
        if depth > 200:
            raise wire.WireError("expression too deep")
        if isinstance(node, ast.Constant) and type(node.value) in (int, float, str, bool,
                                                                   type(None)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value = build(node.operand, depth + 1)
            if type(value) not in (int, float):
                raise wire.WireError("bad literal")
            return -value
        if isinstance(node, ast.Tuple):
            return tuple(build(e, depth + 1) for e in node.elts)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in SYMPY_NAMES:
            target = getattr(sympy, node.func.id, None)
            if target is None:
                raise wire.WireError(f"unknown SymPy name {node.func.id}")
            args = [build(a, depth + 1) for a in node.args]
            kwargs = {k.arg: build(k.value, depth + 1) for k in node.keywords if k.arg}
            try:
                return target(*args, **kwargs)
            except Exception as exc:
                raise wire.WireError(f"bad SymPy expression: {exc}") from exc
        if isinstance(node, ast.Name) and node.id in SYMPY_NAMES:
            return getattr(sympy, node.id)
        raise wire.WireError("not a SymPy expression")

    return build(tree.body)


def _decode_result(encoded: Any) -> Any:
    return wire.decode(encoded, parse_sympy=parse_sympy)


class RunnerFunction:
    """A learner function that lives in the runner.

    Hidden checks receive one in place of the learner's function;
    :mod:`dlmath.grading` recognises it and sends its calls through
    :meth:`run`.  Calling it directly works too (one call, one round trip).

    Parameters
    ----------
    name : str
        The function's name in the notebook.
    channel : Channel
        The way to the runner.
    code : list of str, optional
        The learner's code cells, for the static "no shortcut" check.
    seconds : float, optional
        Time limit of one call.
    """

    __dlmath_remote__ = True

    def __init__(self, name: str, channel: Channel, code: Sequence[str] = (),
                 seconds: float = 20.0) -> None:
        self.__name__ = name
        self.name = name
        self.channel = channel
        self.code = list(code)
        self.seconds = seconds

    def __repr__(self) -> str:
        return f"<learner function {self.name}>"

    def shortcuts(self, forbidden: Sequence[str]) -> list[str]:
        """Forbidden functions the learner's code of this function reaches (static)."""
        return list(_shortcuts_cached(tuple(self.code), self.name, tuple(forbidden)))

    def run(self, calls: Sequence[Call], *, forbidden: Sequence[str] = (),
            global_rng: bool = False) -> list[Outcome]:
        """Send ``calls`` in one request; return their outcomes in order.

        Raises
        ------
        RunnerLost
            When the runner does not answer within the calls' time limits.
        """
        if not calls:
            return []
        requests = []
        for c in calls:
            requests.append({
                "function": self.name,
                "args": wire.encode(list(c.args), allow_public=True),
                "kwargs": wire.encode(dict(c.kwargs), allow_public=True),
                "forbidden": list(forbidden), "global_rng": bool(global_rng),
                "seconds": self.seconds})
        request_id = next(_ids)
        text = json.dumps({"id": request_id, "calls": requests}, allow_nan=False)
        timeout = self.seconds * len(calls) + 10.0
        reply = self.channel.send(text, timeout)
        return self._read(reply, request_id, calls)

    def _read(self, reply: str, request_id: int, calls: Sequence[Call]) -> list[Outcome]:
        if len(reply) > MAX_REPLY_CHARS:
            too_large = Outcome(status="broken", message=(
                f"the results sent back were {len(reply) / 2**20:.1f} MB, more than the "
                f"{MAX_REPLY_CHARS / 2**20:.1f} MB the grader reads (a result far larger than "
                "asked for)"))
            return [too_large for _ in calls]
        broken = Outcome(status="broken", message="the kernel's reply was not understood")
        try:
            data = json.loads(reply, parse_constant=lambda c: None)
        except Exception:
            return [broken for _ in calls]
        if type(data) is not dict or data.get("id") != request_id \
                or type(data.get("replies")) is not list or len(data["replies"]) != len(calls):
            return [broken for _ in calls]
        outcomes = []
        for raw, sent in zip(data["replies"], calls):
            outcomes.append(self._outcome(raw, sent))
        return outcomes

    def _outcome(self, raw: Any, sent: Call) -> Outcome:
        if type(raw) is not dict or type(raw.get("status")) is not str:
            return Outcome(status="broken", message="the kernel's reply was not understood")
        status = raw["status"]
        out = Outcome(status=status)
        text = lambda key, n=2000: str(raw.get(key, ""))[:n]  # noqa: E731
        if status == "returned":
            try:
                out.result = _decode_result(raw.get("result"))
            except wire.WireError as exc:
                return Outcome(status="unencodable", type="value", message=str(exc))
        elif status == "raised":
            out.type, out.message = text("type", 200), text("message")
            mro = raw.get("mro")
            out.mro = [str(m)[:100] for m in mro[:50]] if type(mro) is list else [out.type]
        elif status in ("unencodable", "not_callable"):
            out.type, out.message = text("type", 200), text("message", 300)
        elif status == "shortcut":
            out.message = text("name", 200)
        elif status not in ("undefined", "timeout"):
            return Outcome(status="broken", message="the kernel's reply was not understood")
        mutated = raw.get("mutated")
        out.mutated = [str(m)[:50] for m in mutated[:50]] if type(mutated) is list else []
        out.global_rng_changed = raw.get("global_rng_changed") is True
        generators = raw.get("generators")
        if type(generators) is dict:
            for label, encoded in list(generators.items())[:50]:
                try:
                    out.generators[str(label)] = wire.decode(encoded)
                except wire.WireError:
                    pass
        return out

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from dlmath import grading

        return grading.call(self, *args, name=self.name, **kwargs)


def adopt_generators(outcome: Outcome, call: Call) -> None:
    """Move the judge's Generator arguments to the state the runner left them in."""
    import numpy as np

    for label, final in outcome.generators.items():
        target = None
        if label.isdigit() and int(label) < len(call.args):
            target = call.args[int(label)]
        elif label in call.kwargs:
            target = call.kwargs[label]
        if isinstance(target, np.random.Generator) and isinstance(final, np.random.Generator) \
                and type(target.bit_generator) is type(final.bit_generator):
            target.bit_generator.state = final.bit_generator.state


# ----------------------------------------------------------------------------
# Hidden cells
# ----------------------------------------------------------------------------

@dataclass
class HiddenCall:
    """One ``module.check(name, ...)`` line of a hidden region."""

    module: str
    check: str
    names: list[str]


def parse_hidden(code: str) -> list[HiddenCall]:
    """Read a hidden region: imports of :mod:`dlmath.hidden` modules and check calls.

    Raises
    ------
    CellNotUnderstood
        For any other statement.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise CellNotUnderstood(f"the hidden test does not parse: {exc}") from None
    aliases: dict[str, str] = {}
    calls: list[HiddenCall] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "dlmath.hidden" and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = alias.name
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dlmath.hidden.") and alias.asname:
                    aliases[alias.asname] = alias.name.rpartition(".")[2]
                else:
                    raise CellNotUnderstood("hidden tests may only import dlmath.hidden modules")
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                    and func.value.id in aliases and not node.value.keywords \
                    and all(isinstance(a, ast.Name) for a in node.value.args):
                calls.append(HiddenCall(aliases[func.value.id], func.attr,
                                        [a.id for a in node.value.args]))
                continue
        raise CellNotUnderstood(f"line {node.lineno} of the hidden test is not a check call")
    return calls


def resolve(call: HiddenCall) -> Callable[..., None]:
    """The check function of a hidden call, from the judge's own :mod:`dlmath.hidden`."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", call.module) or call.check.startswith("_"):
        raise CellNotUnderstood(f"no hidden check {call.module}.{call.check}")
    module = importlib.import_module(f"dlmath.hidden.{call.module}")
    check = getattr(module, call.check, None)
    if not callable(check):
        raise CellNotUnderstood(f"no hidden check {call.module}.{call.check}")
    return check


def run_hidden(code: str, channel: Channel, learner_code: Sequence[str] = (),
               seconds: float = 20.0) -> tuple[str, str] | None:
    """Run a hidden region in the judge.

    Parameters
    ----------
    code : str
        The region's source (between the ``HIDDEN TESTS`` markers).
    channel : Channel
        The way to the learner's runner.
    learner_code : sequence of str
        The learner's code cells (for "no shortcut" rules).
    seconds : float
        Time limit of one learner call.

    Returns
    -------
    None or (str, str)
        ``None`` when every check passed, else ``(error name, message)``.

    Raises
    ------
    RunnerLost
        When the runner stopped answering (the caller replaces the kernel).
    """
    from dlmath import grading

    try:
        calls = parse_hidden(code)
        checks = [(resolve(c), c) for c in calls]
    except CellNotUnderstood as exc:
        return "HiddenTestError", str(exc)
    for check, hidden_call in checks:
        proxies = [RunnerFunction(n, channel, learner_code, seconds) for n in hidden_call.names]
        try:
            with grading.quiet():
                check(*proxies)
        except RunnerLost:
            raise
        except grading.GradingFailure as failure:
            return type(failure).__name__, str(failure)
        except Exception as exc:  # a check that broke on an unexpected value is a failed check
            return "GradingFailure", (f"{hidden_call.check} could not judge the answer: "
                                      f"{type(exc).__name__}: {str(exc)[:500]}")
    return None
