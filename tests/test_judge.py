"""The judge: hidden checks call learner functions through the runner protocol.

These tests use :class:`dlmath.judge.LocalChannel`, the runner's own server
in this process, so they prove the protocol and the judge's decisions
without a kernel; ``test_robustness.py`` proves the same through real
sandboxed kernels.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlmath import grading as G
from dlmath import judge, shortcuts, wire


class CountingChannel(judge.LocalChannel):
    def __init__(self, namespace):
        super().__init__(namespace)
        self.requests = 0

    def send(self, text, timeout):
        self.requests += 1
        return super().send(text, timeout)


def _proxy(code, name):
    namespace = {"np": np}
    exec(code, namespace)
    channel = CountingChannel(namespace)
    return judge.RunnerFunction(name, channel, [code], seconds=2.0), channel


def _ref(x):
    return float(np.sum(np.abs(x)))


def test_a_check_of_many_cases_is_one_round_trip():
    f, channel = _proxy("def l1(x):\n    return float(np.abs(x).sum())\n", "l1")
    G.check_cases(f, _ref, G.random_cases(1, 40, lambda r: (r.normal(size=5),)), name="l1")
    assert channel.requests == 1


def test_wrong_values_fail_with_the_call_expected_and_actual():
    f, _ = _proxy("def l1(x):\n    return float(np.sum(x))\n", "l1")
    with pytest.raises(G.GradingFailure) as info:
        G.check_cases(f, _ref, [(np.array([1.0, -2.0]),)], name="l1")
    assert "l1(array([ 1., -2.]" in str(info.value) and "expected 3.0" in str(info.value)


@pytest.mark.parametrize("code, words", [
    ("def l1(x):\n    x *= 0\n    return 0.0\n", "modified its input"),
    ("def l1(x):\n    raise NotImplementedError()\n", "not implemented"),
    ("def l1(x):\n    raise SystemExit(1)\n", "raised SystemExit"),
    ("def l1(x):\n    return object()\n", "not a number, an array"),
    ("def l1(x):\n    while True:\n        pass\n", "did not finish"),
    ("l1 = 3\n", "not a function"),
    ("def other(x):\n    return 0.0\n", "not defined"),
    ("def l1(x):\n    return np.linalg.norm(x, 1)\n", "must not"),
])
def test_failures_are_explained(code, words):
    f, _ = _proxy(code, "l1")
    with pytest.raises(G.GradingFailure) as info:
        G.check_cases(f, _ref, [(np.array([1.0, -2.0]),)], name="l1",
                      forbidden=["numpy.linalg.norm"])
    assert words in str(info.value)


def test_the_runner_blocks_a_forbidden_function_under_numpys_other_paths():
    namespace = {"np": np}
    exec("def l1(x):\n    return float(np.linalg._linalg.norm(x, 1))\n", namespace)
    f = judge.RunnerFunction("l1", CountingChannel(namespace), [], seconds=2.0)  # no code: runner alone
    with pytest.raises(G.GradingFailure, match="must not"):
        G.check_cases(f, _ref, [(np.array([1.0, -2.0]),)], name="l1", forbidden=["numpy.linalg.norm"])
    assert np.linalg._linalg.norm is np.linalg.norm and np.linalg.norm(np.ones(4)) == 2.0  # put back


def test_a_reply_too_large_to_read_fails_the_call(monkeypatch):
    monkeypatch.setattr(judge, "MAX_REPLY_CHARS", 100_000)
    f, _ = _proxy("def l1(x):\n    return np.zeros(20_000)\n", "l1")
    with pytest.raises(G.GradingFailure, match="more than the 0.1 MB the grader reads"):
        G.check_cases(f, _ref, [(np.array([1.0, -2.0]),)], name="l1")
    g, _ = _proxy("def l1(x):\n    return float(np.abs(x).sum())\n", "l1")
    G.check_cases(g, _ref, [(np.array([1.0, -2.0]),)] * 40, name="l1")  # ordinary replies pass


def test_expected_value_error_is_recognised_by_its_class():
    f, _ = _proxy("class Mine(ValueError):\n    pass\ndef l1(x):\n    raise Mine('bad')\n", "l1")
    G.expect_value_error(f, np.ones(2), why="always")
    g, _ = _proxy("def l1(x):\n    return 1.0\n", "l1")
    with pytest.raises(G.GradingFailure):
        G.expect_value_error(g, np.ones(2), why="always")


def test_global_random_state_is_watched_in_the_runner():
    f, _ = _proxy("def draw(n, rng=None):\n    return np.random.random(n)\n", "draw")
    with pytest.raises(G.GradingFailure, match="global random state"):
        with G.global_rng_untouched("draw(3)"):
            G.call(f, 3, name="draw")
    g, _ = _proxy("def draw(n, rng=None):\n    return np.random.default_rng(rng).random(n)\n",
                  "draw")
    with G.global_rng_untouched("draw(3)"):
        G.call(g, 3, name="draw")


def test_generators_come_back_advanced():
    f, _ = _proxy("def draw(n, rng):\n    return rng.random(n)\n", "draw")
    rng = np.random.default_rng(3)
    got = G.call(f, 4, rng)
    twin = np.random.default_rng(3)
    assert np.array_equal(got, twin.random(4))
    assert np.array_equal(rng.random(2), twin.random(2))


def test_public_callables_run_in_the_runner():
    f, _ = _proxy("def apply(g, x):\n    return g(x)\n", "apply")
    got = G.call(f, G.public("lambda v: A @ v", A=np.eye(2) * 3), np.ones(2))
    assert np.array_equal(got, [3.0, 3.0])


def test_runner_cannot_decide_the_verdict():
    """A forged reply says only 'returned': the judge still compares."""
    f, channel = _proxy("def l1(x):\n    return 0.0\n", "l1")

    def forged(text, timeout):
        import json
        request = json.loads(text)
        return json.dumps({"id": request["id"], "replies": [
            {"status": "passed", "verdict": "ok"} for _ in request["calls"]]})

    channel.send = forged
    with pytest.raises(G.GradingFailure):
        G.check_cases(f, _ref, [(np.ones(2),)], name="l1")


def test_sympy_replies_are_parsed_without_eval():
    import sympy

    x = sympy.Symbol("x")
    expr = judge.parse_sympy(sympy.srepr(sympy.sin(x) ** 2 + sympy.Rational(1, 3) * x))
    assert sympy.simplify(expr - (sympy.sin(x) ** 2 + x / 3)) == 0
    for bad in ("__import__('os').system('true')", "Symbol('x').__class__", "(lambda: 1)()",
                "Add(Symbol('x'), eval('1'))"):
        with pytest.raises(wire.WireError):
            judge.parse_sympy(bad)


def test_hidden_regions_are_split_and_read():
    source = ("# visible\nassert True\n### BEGIN HIDDEN TESTS\n"
              "from dlmath.hidden import vectors as hidden\nhidden.l1_norm_values(l1_norm)\n"
              "### END HIDDEN TESTS\n")
    public, regions = judge.split_hidden(source)
    assert "hidden" not in public and len(regions) == 1
    calls = judge.parse_hidden(regions[0])
    assert [(c.module, c.check, c.names) for c in calls] == [
        ("vectors", "l1_norm_values", ["l1_norm"])]
    for bad in ("import os\n", "hidden.l1_norm_values(l1_norm)\nprint(1)\n",
                "from dlmath.hidden import vectors as h\nh.l1_norm_values(lambda x: 0)\n"):
        with pytest.raises(judge.CellNotUnderstood):
            judge.parse_hidden("from dlmath.hidden import vectors as hidden\n" + bad)


@pytest.mark.parametrize("code", [
    "def l1(x):\n    return np.linalg.norm(x, 1)\n",
    "import numpy.linalg as la\ndef l1(x):\n    return la.norm(x, 1)\n",
    "from numpy.linalg import norm as n\ndef l1(x):\n    return n(x, 1)\n",
    "la = np.linalg\ndef l1(x):\n    return la.norm(x, 1)\n",
    "def h(x):\n    return np.linalg.norm(x, 1)\ndef l1(x):\n    return h(x)\n",
    "def l1(x, f=np.linalg.norm):\n    return f(x, 1)\n",
    "def l1(x):\n    return getattr(np.linalg, 'no' + 'rm')(x, 1)\n",
    "def l1(x):\n    return vars(np.linalg)['norm'](x, 1)\n",
    "T = [np.linalg.norm]\ndef l1(x):\n    return T[0](x, 1)\n",
    "def l1(x):\n    return np.linalg.norm._implementation(x, 1)\n",
    "def l1(x):\n    return eval('np.linalg.norm')(x, 1)\n",
    # the same function under numpy's private paths
    "def l1(x):\n    return np.linalg._linalg.norm(x, 1)\n",
    "from numpy.linalg._linalg import norm as nn\ndef l1(x):\n    return nn(x, 1)\n",
    "import numpy.linalg._linalg as L\ndef l1(x):\n    return L.norm(x, 1)\n",
    # reached at run time, where reading cannot follow
    "import sys\ndef l1(x):\n    return sys.modules['numpy'].linalg.norm(x, 1)\n",
    "def l1(x):\n    return np.linalg.__dict__['no' + 'rm'](x, 1)\n",
    "def l1(x):\n    return vars(np.linalg)[''.join(['n', 'o', 'r', 'm'])](x, 1)\n",
    "def l1(x):\n    return vars(np.linalg).get('no' + 'rm')(x, 1)\n",
    "la, = (np.linalg,)\ndef l1(x):\n    return la.norm(x, 1)\n",
    "d = {'f': np.linalg}\ndef l1(x):\n    return d['f'].norm(x, 1)\n",
    "def lin():\n    return np.linalg\ndef l1(x):\n    return lin().norm(x, 1)\n",
    "def l1(x):\n    return np.__getattribute__('linalg').norm(x, 1)\n",
    "import functools\ndef l1(x):\n    return functools.reduce(getattr, ['linalg', 'norm'], np)(x, 1)\n",
    "import operator\ndef l1(x):\n    return operator.attrgetter('linalg.norm')(np)(x, 1)\n",
    # stored away where a later call finds it without naming it
    "import builtins\nbuiltins.zz = np.linalg.norm\ndef l1(x):\n    return zz(x, 1)\n",
    "import math\nsetattr(math, 'zz', np.linalg.norm)\ndef l1(x):\n    return math.zz(x, 1)\n",
    "import math\ndef stash():\n    math.zz = np.linalg.norm\nstash()\ndef l1(x):\n    return math.zz(x, 1)\n",
])
def test_static_check_finds_shortcuts(code):
    assert shortcuts.find(["import numpy as np\n", code], "l1", ["numpy.linalg.norm"])


def test_static_check_leaves_honest_code_alone():
    code = ("import numpy as np\ndef l1(x):\n    \"\"\"The L1 norm (no np.linalg.norm).\"\"\"\n"
            "    return float(np.sum(np.abs(x)))\n"
            "def distance(x, y):\n    return np.linalg.norm(x - y)\n")
    assert shortcuts.find([code], "l1", ["numpy.linalg.norm"]) == []


@pytest.mark.parametrize("code", [
    # comparing one's answer with the library's at top level is not a shortcut
    "v = np.array([3.0, -4.0])\nprint(l1(v), np.linalg.norm(v, 1))\n",
    "results = {}\nresults['library'] = np.linalg.norm(np.ones(3), 1)\n",
    "for f in (l1,):\n    print(f(np.ones(2)))\n",
    # another module's function of the same name, and ordinary lookups
    "import math\ndef tanh_of(x):\n    return math.tanh(x)\n",
    "def l1(x):\n    size = getattr(x, 'size', None)  # a default is not a name\n"
    "    return float(np.sum(np.abs(x)))\n",
])
def test_static_check_leaves_exploration_and_other_modules_alone(code):
    answer = "import numpy as np\ndef l1(x):\n    return float(np.sum(np.abs(x)))\n"
    assert shortcuts.find([answer, code], "l1", ["numpy.linalg.norm"]) == []
    assert shortcuts.find([answer, code], "l1", ["numpy.tanh"]) == []
