"""Source and release notebooks are well formed and teach what they grade.

Static checks only (no kernel): cell roles, grade ids, points, the hidden
cells against ``dlmath.hidden``, and what a release notebook may contain.
"""

from __future__ import annotations

import re

import pytest

from dlmath import notebooks as nbs
from dlmath.hidden import load as load_hidden

HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture
def source(assignment):
    return nbs.read(assignment.source())


@pytest.fixture
def release(assignment):
    path = assignment.release()
    assert path.exists(), f"{path} is missing: run `make generate`"
    return nbs.read(path)


def test_source_has_no_outputs(source):
    for cell in source.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, cell.source[:80]


def test_ids_are_unique(source):
    ids = [nbs.grade_id(c) for c in source.cells if nbs.grade_id(c)]
    assert len(ids) == len(set(ids)), "duplicate grade ids"
    cell_ids = [c.get("id") for c in source.cells]
    assert len(cell_ids) == len(set(cell_ids)), "duplicate cell ids"


def test_every_function_has_solution_visible_and_hidden_cells(assignment, source):
    checks = load_hidden(assignment.module).CHECKS
    by_id = {nbs.grade_id(c): c for c in source.cells if nbs.grade_id(c)}
    for function in assignment.functions:
        sol = by_id.get(function)
        assert sol is not None and nbs.is_solution(sol), f"no solution cell '{function}'"
        assert f"def {function}(" in sol.source and "### BEGIN SOLUTION" in sol.source
        visible = by_id.get(f"test_{function}_visible")
        assert visible is not None and nbs.is_test(visible), f"no visible test for {function}"
        assert nbs.points(visible) >= 1
        # The visible cell re-runs the first hidden check: hard-coding its answers earns nothing.
        assert [name for name, _ in nbs.hidden_calls(visible)] == [checks[function][0].__name__]
        visible_part = nbs.HIDDEN_REGION.sub("", visible.source)
        assert "dlmath" not in visible_part
        hidden_cells = [c for c in source.cells if nbs.is_test(c) and nbs.hidden_region(c)
                        and c is not visible
                        and any(name in [ch.__name__ for ch in checks[function]]
                                for name, _ in nbs.hidden_calls(c))]
        called = [name for c in hidden_cells for name, _ in nbs.hidden_calls(c)]
        assert called == [ch.__name__ for ch in checks[function]], \
            f"hidden cells of {function} call {called}, CHECKS lists {checks[function]}"
        for cell in hidden_cells:
            assert nbs.grade_id(cell) == "test_" + nbs.hidden_calls(cell)[0][0]
            assert 1 <= nbs.points(cell) <= 5


def test_hidden_cells_only_call_the_hidden_module(assignment, source):
    for cell in source.cells:
        region = nbs.hidden_region(cell)
        if region is None:
            assert "dlmath" not in cell.source, f"dlmath outside a hidden region: {cell.source[:80]}"
            continue
        lines = [line for line in region.strip().splitlines()
                 if line.strip() and not line.lstrip().startswith("#")]
        assert lines[0] == f"from dlmath.hidden import {assignment.module} as hidden", lines[0]
        assert all(line.startswith("hidden.") for line in lines[1:]), region


def test_points_are_sensible(assignment, source):
    graded = [c for c in source.cells if nbs.is_test(c)]
    total = sum(nbs.points(c) for c in graded)
    assert 10 <= total <= 60, total
    assert all(float(nbs.points(c)).is_integer() for c in graded)


def test_notebook_teaches(assignment, source):
    text = "\n".join(c.source for c in source.cells if c.cell_type == "markdown")
    assert len(HANGUL.findall(text)) >= 40, "Korean terms belong beside the English ones"
    plots = [c for c in source.cells if c.cell_type == "code" and "plt." in c.source
             and not nbs.nbgrader_meta(c)]
    assert plots, "at least one plot"
    assert source.metadata["kernelspec"]["name"] == "python3"


def test_no_shortcut_rules_are_stated(assignment, source):
    rules = getattr(load_hidden(assignment.module), "NO_SHORTCUT", {})
    text = "\n".join(c.source for c in source.cells if c.cell_type == "markdown")
    for function, names in rules.items():
        for dotted in names:
            short = dotted.replace("numpy.", "np.")
            assert short in text, f"the notebook must say that {function} may not call {short}"


def test_release_leaks_nothing(assignment, release):
    raw = assignment.release().read_text(encoding="utf-8")
    for secret in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "dlmath"):
        assert secret not in raw, f"release notebook contains {secret!r}"
    for cell in release.cells:
        if cell.cell_type == "code":
            assert not cell.outputs
        if nbs.is_solution(cell):
            assert "raise NotImplementedError()" in cell.source


def _imported(nb) -> set[str]:
    import ast

    names = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def test_worked_examples_keep_the_rules_that_let_grading_skip_them(source):
    """Cells tagged ``demo`` change nothing they do not bind, and no graded cell needs one."""
    from dlmath import demos

    tagged = {i for i, c in enumerate(source.cells) if demos.is_demo(c)}
    assert tagged, "no worked example is tagged 'demo'"
    modules = _imported(source)
    problems = {i: demos.author_problems(source.cells[i].source, modules) for i in tagged}
    assert not any(problems.values()), {i: p for i, p in problems.items() if p}
    needed = tagged - demos.skippable(source.cells)
    assert not needed, [source.cells[i].source.splitlines()[0] for i in sorted(needed)]
    for i, cell in enumerate(source.cells):  # only teaching cells carry the tag
        if demos.TAG in cell.metadata.get("tags", []):
            assert i in tagged and cell.cell_type == "code"


def test_release_keeps_the_worked_example_tags(source, release):
    from dlmath import demos

    count = sum(demos.is_demo(c) for c in source.cells)
    assert sum(demos.is_demo(c) for c in release.cells) == count


def test_the_runner_template_preloads_what_the_notebooks_import(source):
    """Warm runners preload the graded cells' imports, and the worked examples' where they run."""
    import ast
    import sys

    from dlmath import demos, warm

    for cell in source.cells:
        if cell.cell_type != "code" or "### BEGIN HIDDEN TESTS" in cell.source:
            continue
        preloaded = warm.DEFAULT_IMPORTS + (warm.DEMO_IMPORTS if demos.is_demo(cell) else ())
        for node in ast.walk(ast.parse(cell.source)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.split(".")[0] not in sys.stdlib_module_names:
                    assert name in preloaded, f"{name} is imported but not preloaded: {cell.source[:60]}"
