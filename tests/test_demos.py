"""dlmath.demos: which worked examples grading may leave out, and the rules for tagging one."""

from __future__ import annotations

from nbformat.v4 import new_code_cell

from dlmath import demos


def demo(source: str):
    return new_code_cell(source, metadata={"tags": [demos.TAG]})


def answer(source: str, grade_id: str = "answer"):
    return new_code_cell(source, metadata={"nbgrader": {
        "grade": False, "solution": True, "locked": False, "grade_id": grade_id,
        "schema_version": 3}})


def graded(source: str, grade_id: str = "test"):
    return new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": grade_id, "points": 1,
        "schema_version": 3}})


SETUP = new_code_cell("import numpy as np\nimport matplotlib.pyplot as plt",
                      metadata={"nbgrader": {"grade": False, "solution": False, "locked": True,
                                             "grade_id": "setup", "schema_version": 3}})
PLOT = demo("rng = np.random.default_rng(0)\nx = rng.normal(size=100)\n"
            "plt.hist(f(x))\nplt.show()")


def test_a_worked_example_nobody_needs_is_skipped():
    cells = [SETUP, answer("def f(x):\n    return np.abs(x)"), PLOT, graded("assert f(-1) == 1")]
    assert demos.skippable(cells) == {2}


def test_an_answer_that_reads_a_worked_examples_variable_keeps_it():
    cells = [SETUP, PLOT, answer("def f(y):\n    return y + x.mean()"),
             graded("assert f(0) == f(0)")]
    assert demos.skippable(cells) == set()


def test_a_test_that_reads_a_worked_examples_variable_inside_a_block_keeps_it():
    cells = [SETUP, answer("def f(x):\n    return x"), PLOT,
             graded("with open('/dev/null'):\n    assert f(x) is x")]
    assert demos.skippable(cells) == set()


def test_a_name_rebound_before_it_is_read_does_not_keep_the_example():
    cells = [SETUP, PLOT, answer("def f(v):\n    return v"),
             graded("x = np.zeros(3)\nassert f(x) is x")]
    assert demos.skippable(cells) == {1}


def test_a_name_bound_in_one_branch_only_still_keeps_the_example():
    cells = [SETUP, PLOT, graded("if np.pi > 4:\n    x = 1\nassert x is not None")]
    assert demos.skippable(cells) == set()


def test_parameters_and_locals_are_not_the_examples_globals():
    cells = [SETUP, PLOT, answer("def f(x, rng=None):\n    y = x * 2\n    return [y for x in y]"),
             graded("assert f(np.ones(2))")]
    assert demos.skippable(cells) == {1}


def test_an_example_needed_by_a_needed_example_runs_too():
    first = demo("base = np.arange(3)")
    second = demo("data = base * 2")
    cells = [SETUP, first, second, answer("def g():\n    return data.sum()"),
             graded("assert g() == 6")]
    assert demos.skippable(cells) == set()


def test_functions_an_example_defines_keep_what_they_read():
    helper = demo("scale = 3.0")
    maker = demo("def scaled(v):\n    return v * scale")
    cells = [SETUP, helper, maker, answer("def f(v):\n    return scaled(v)"),
             graded("assert f(1) == 3")]
    assert demos.skippable(cells) == set()


def test_answers_that_reach_globals_by_a_string_keep_every_example_before_them():
    for code in ("def f():\n    return globals()['x']", "def f():\n    return eval('x')",
                 "import sys\ndef f():\n    return sys.modules['__main__'].x",
                 "def f(:\n    broken", "%timeit 1 + 1", "from os import *"):
        cells = [SETUP, PLOT, answer(code), demo("later = 1"), graded("assert True")]
        assert demos.skippable(cells) == {3}, code


def test_untagged_cells_and_graded_cells_always_run():
    plain = new_code_cell("x = 1")
    tagged_test = graded("assert True")
    tagged_test.metadata["tags"] = [demos.TAG]
    assert demos.skippable([SETUP, plain, tagged_test]) == set()


def test_the_rules_for_tagging_a_cell():
    modules = {"np", "plt"}
    fine = ("rng = np.random.default_rng(0)\nxs = rng.normal(size=3)\nys = xs.copy()\n"
            "ys[0] = 1\nfig, ax = plt.subplots()\nax.plot(xs)\nprint(X.max(), X.shape)\n"
            "def show(values):\n    out = []\n    out.append(values)\n    return out\n")
    assert demos.author_problems(fine, modules) == []
    bad = {"rng.normal(size=3)": "calls `rng.normal",
           "params['W1'] = 0": "assigns into `params`",
           "np.random.seed(0)": "changes state",
           "X.sort()": "calls `X.sort",
           "def f():\n    global counter\n    counter = 1": "`global` statement",
           "plt.rcParams['figure.dpi'] = 50": "assigns into `plt`"}
    for code, why in bad.items():
        problems = demos.author_problems(code, modules)
        assert any(why in p for p in problems), (code, problems)
