"""The hidden checks: right answers pass, wrong answers lose points.

Everything here runs in-process (no kernel), by calling the checks of
``dlmath.hidden`` on the reference, on the source notebook's solutions, on
alternative correct answers and on typical mistakes from ``tests/fixtures/variants``.
The end-to-end tests in ``test_autograde.py`` prove the same checks work
inside nbgrader.
"""

from __future__ import annotations

import functools
import inspect

import pytest

from dlmath import course, submissions
from dlmath.hidden import load as load_hidden
from dlmath.reference import __name__ as _ref_pkg  # noqa: F401
from dlmath.submissions import load_variants


def _variant_params(kind):
    params = []
    for a in course.assignments():
        table = getattr(load_variants(a.module), kind)
        for function in a.functions:
            entries = table.get(function, [] if kind == "ALTERNATIVES" else {})
            items = (enumerate(entries) if kind == "ALTERNATIVES" else entries.items())
            for label, code in items:
                params.append(pytest.param(a, function, code, id=f"{a.id}-{function}-{label}"))
    return params


@functools.lru_cache(maxsize=None)
def _results(assignment_id, function, code):
    """Hidden-check outcomes of one answer (cached: several tests read them)."""
    return submissions.run_checks(course.get(assignment_id), function, code)


def test_checks_cover_every_function(assignment):
    checks = load_hidden(assignment.module).CHECKS
    assert list(checks) == list(assignment.functions)
    for function, family in checks.items():
        assert len(family) >= 2, f"{function} needs at least two hidden checks for partial credit"
        for check in family:
            assert check.__doc__, f"{check.__name__} needs a docstring saying what it proves"


def test_reference_passes_every_check(assignment, monkeypatch):
    import importlib

    from dlmath import guard

    monkeypatch.setattr(guard, "BLOCK_REFERENCE", False)  # the reference plays the learner here

    ref = importlib.import_module(f"dlmath.reference.{assignment.module}")
    namespace = {name: getattr(ref, name) for name in dir(ref)}
    for function, family in load_hidden(assignment.module).CHECKS.items():
        for check in family:
            args = [namespace[p] for p in inspect.signature(check).parameters]
            check(*args)


def test_source_solutions_pass_every_check(assignment):
    for function in assignment.functions:
        results = submissions.run_checks(assignment, function)
        failed = {k: v for k, v in results.items() if v}
        assert not failed, f"the source solution of {function} fails: {failed}"


@pytest.mark.parametrize("assignment_, function, code", _variant_params("ALTERNATIVES"))
def test_alternative_answer_gets_full_marks(assignment_, function, code):
    results = submissions.run_checks(assignment_, function, code)
    failed = {k: v for k, v in results.items() if v}
    assert not failed, f"a correct alternative for {function} lost points: {failed}"


@pytest.mark.parametrize("assignment_, function, code", _variant_params("MUTANTS"))
def test_mutant_loses_points(assignment_, function, code):
    results = _results(assignment_.id, function, code)
    assert any(results.values()), f"this wrong {function} passed every hidden check:\n{code}"


def test_every_hidden_check_catches_some_mistake(assignment):
    """No hidden cell is free points: each check fails on at least one typical mistake."""
    mutants = load_variants(assignment.module).MUTANTS
    for function, family in load_hidden(assignment.module).CHECKS.items():
        caught = set()
        for code in mutants.get(function, {}).values():
            caught |= {name for name, message in _results(assignment.id, function, code).items()
                       if message}
        idle = [check.__name__ for check in family if check.__name__ not in caught]
        assert not idle, f"no mutant of {function} fails {idle}"


def test_every_function_has_mutants(assignment):
    variants = load_variants(assignment.module)
    for function in assignment.functions:
        assert variants.MUTANTS.get(function), f"{function} has no typical mistakes to test"
    assert any(variants.ALTERNATIVES.get(f) for f in assignment.functions)


def test_failure_messages_name_input_expected_and_actual(assignment):
    """A wrong value's message shows the call, the expected and the actual value."""
    variants = load_variants(assignment.module)
    for function in assignment.functions:
        for code in variants.MUTANTS.get(function, {}).values():
            for message in submissions.run_checks(assignment, function, code).values():
                if message and "returned" in message and "expected" in message:
                    assert f"{function}(" in message or "[" in message
                    return
    pytest.fail("no mutant produced a value-comparison message")
