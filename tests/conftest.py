"""Shared fixtures: the assignments present and their modules."""

from __future__ import annotations

import pytest

from dlmath import course


def pytest_generate_tests(metafunc):
    """Parametrize ``assignment`` over every assignment with a source notebook."""
    if "assignment" in metafunc.fixturenames:
        found = course.assignments()
        metafunc.parametrize("assignment", found, ids=[a.id for a in found])


@pytest.fixture(scope="session")
def assignments():
    """All assignments with a source notebook."""
    return course.assignments()
