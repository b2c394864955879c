"""Build learner submissions from the course notebooks.

The test suite and the simulated class both need learners' notebooks: the
release notebook with some solution cells filled in.  This module makes them
and can also run one answer against the hidden checks in-process, which is
how the test suite proves that mutants lose points without starting a
kernel for each one.
"""

from __future__ import annotations

import copy
import re
import traceback
from pathlib import Path
from typing import Callable, Mapping

import nbformat

from dlmath import course
from dlmath.notebooks import grade_id, is_solution as is_solution_cell

_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


#: Where the alternative answers and typical mistakes live (test fixtures,
#: outside the installed package).
VARIANTS = course.ROOT / "tests" / "fixtures" / "variants"


def load_variants(module: str):
    """Return the fixture module ``tests/fixtures/variants/<module>.py``.

    Parameters
    ----------
    module : str
        The assignment's module name, e.g. ``"vectors"``.

    Returns
    -------
    module
        With the dicts ``ALTERNATIVES`` and ``MUTANTS``.
    """
    import importlib.util
    import sys

    key = f"dlmath_fixture_variants_{module}"
    if key in sys.modules:
        return sys.modules[key]
    path = VARIANTS / f"{module}.py"
    if not path.exists():
        raise FileNotFoundError(f"no answer fixtures for {module!r} ({path})")
    spec = importlib.util.spec_from_file_location(key, path)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[key] = loaded
    spec.loader.exec_module(loaded)
    return loaded


def solution_code(source_notebook: Path) -> dict[str, str]:
    """Return the instructor's answer of every solution cell.

    Parameters
    ----------
    source_notebook : Path
        A notebook of ``source/``.

    Returns
    -------
    dict
        ``{grade_id: code}``: the cell with the ``### BEGIN/END SOLUTION``
        marker lines removed, as a learner who solved it would have it.
    """
    nb = nbformat.read(str(source_notebook), as_version=4)
    return {grade_id(c): "\n".join(line for line in c.source.splitlines()
                                   if not _MARKER.match(line))
            for c in nb.cells if is_solution_cell(c)}


def fill(release_notebook: Path, answers: Mapping[str, str]) -> nbformat.NotebookNode:
    """Return the release notebook with some solution cells replaced.

    Parameters
    ----------
    release_notebook : Path
        A notebook of ``release/``.
    answers : mapping
        ``{grade_id: code}``; solution cells not named keep their stub.

    Returns
    -------
    NotebookNode
        The learner's notebook.
    """
    nb = nbformat.read(str(release_notebook), as_version=4)
    unknown = set(answers) - {grade_id(c) for c in nb.cells if is_solution_cell(c)}
    if unknown:
        raise KeyError(f"no solution cells {sorted(unknown)} in {release_notebook}")
    for cell in nb.cells:
        if is_solution_cell(cell) and grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)].strip("\n")
    return nb


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    """Write a notebook, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def wrong_type(function: str, correct_code: str) -> str:
    """Turn a correct answer into one that returns the right value as a string."""
    renamed = re.sub(rf"\bdef {function}\(", f"def _{function}_correct(", correct_code, count=1)
    return (f"{renamed}\n\n\ndef {function}(*args, **kwargs):\n"
            f"    return repr(_{function}_correct(*args, **kwargs))\n")


def syntax_error(code: str) -> str:
    """Break an answer with a syntax error (a missing closing parenthesis)."""
    return code.replace("):", ":", 1) if "):" in code else code + "\n)("


# ----------------------------------------------------------------------------
# Running answers in-process
# ----------------------------------------------------------------------------

def base_namespace() -> dict:
    """The names the notebooks' setup cells define, without plotting."""
    import warnings

    import numpy as np
    import sympy

    return {"np": np, "sympy": sympy, "warnings": warnings, "__name__": "__learner__"}


def learner_namespace(assignment: course.Assignment, answers: Mapping[str, str],
                      root: Path = course.ROOT) -> dict:
    """Execute answers the way a notebook would and return its namespace.

    Every solution cell of the source notebook runs first (so an answer can
    call the other functions of the assignment), then each of ``answers``.
    """
    ns = base_namespace()
    for code in solution_code(assignment.source(root)).values():
        exec(compile(code, "<solution>", "exec"), ns)
    for name, code in answers.items():
        exec(compile(code, f"<answer {name}>", "exec"), ns)
    return ns


def run_checks(assignment: course.Assignment, function: str, code: str | None = None,
               root: Path = course.ROOT) -> dict[str, str | None]:
    """Run every hidden check of ``function`` on one answer, in-process.

    Parameters
    ----------
    assignment : Assignment
        The assignment.
    function : str
        The graded function.
    code : str, optional
        The answer; default the instructor's solution.
    root : Path, optional
        Course root.

    Returns
    -------
    dict
        ``{check name: None if it passed else its failure message}``.
    """
    from dlmath.hidden import load

    answers = {function: code} if code is not None else {}
    ns = learner_namespace(assignment, answers, root)
    results: dict[str, str | None] = {}
    for check in load(assignment.module).CHECKS[function]:
        results[check.__name__] = _outcome(check, ns)
    return results


def _outcome(check: Callable, ns: dict) -> str | None:
    import inspect

    params = list(inspect.signature(check).parameters)
    try:
        check(*(ns[p] for p in params))
    except AssertionError as exc:
        return str(exc) or type(exc).__name__
    except Exception:  # a check should only fail by assertion; keep the trace
        return traceback.format_exc()
    return None
