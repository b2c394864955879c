"""Undo what learner code did to the objects the tests rely on.

Learner code runs in the same Python process as the hidden tests, so it can
monkeypatch numpy, builtins, ``math``, the grading helpers or the hidden
tests themselves, change numpy's error or print settings, the recursion
limit, warnings filters, ``sys.path``, the working directory, or install
IPython hooks.  The grading kernel (:mod:`dlmath.sandbox`) takes a
:func:`snapshot` of all of that before the first cell runs; the grader then
calls :func:`restore` before every test cell and around every call of the
learner's code, and every restoration is reported so the instructor sees
it (``[dlmath] restored ...`` in the cell's output and a flag in the batch
summary).

This is a defence against ordinary tampering, not a security boundary: code
in the same process can, with enough effort, reach anything (see the
README's grading section).
"""

from __future__ import annotations

import builtins
import math
import os
import sys
import warnings
from types import ModuleType
from typing import Any

import numpy as np

#: Marker at the start of every line this module prints.
MARK = "[dlmath] restored"

_MODULES: dict[str, tuple[ModuleType, dict[str, Any]]] = {}
#: Builtins IPython itself swaps in and out around every cell.
_IPYTHON_OWNED = {"_", "__", "___", "exit", "quit", "get_ipython", "display", "__IPYTHON__",
                  "help", "copyright", "credits", "license", "input", "raw_input"}
_STATE: dict[str, Any] = {}
#: (id of namespace, key) -> value that may legitimately differ (forbid's blockers).
ALLOWED: dict[tuple[int, str], Any] = {}


def _worth_protecting(key: str, value: Any) -> bool:
    return key not in _IPYTHON_OWNED and (callable(value) or isinstance(value, ModuleType))


def protect(*modules: ModuleType) -> None:
    """Record the functions, classes and submodules of ``modules`` as trusted."""
    for module in modules:
        _MODULES[module.__name__] = (module, {k: v for k, v in vars(module).items()
                                              if _worth_protecting(k, v)})


def snapshot(*modules: ModuleType) -> None:
    """Record the trusted state: core modules, ``modules``, and global settings.

    Parameters
    ----------
    *modules : module
        Extra modules to protect (the hidden tests and reference solutions).
    """
    import numpy.linalg
    import numpy.testing

    protect(builtins, math, np, numpy.linalg, numpy.testing, np.random, *modules)
    for name in [n for n in list(sys.modules) if n.startswith("dlmath")]:
        module = sys.modules[name]
        if isinstance(module, ModuleType) and name not in _MODULES:
            protect(module)
    _STATE.update(
        err=np.geterr(), print=np.get_printoptions(), recursion=sys.getrecursionlimit(),
        warnings=list(warnings.filters), path=list(sys.path), cwd=os.getcwd(),
        stdout=sys.stdout, stderr=sys.stderr)
    ip = _ipython()
    if ip is not None:
        _STATE["ip"] = dict(
            input_transformers_post=list(ip.input_transformers_post),
            input_transformers_cleanup=list(ip.input_transformers_cleanup),
            ast_transformers=list(ip.ast_transformers),
            showtraceback=ip.showtraceback, run_cell=ip.run_cell,
            formatters=dict(ip.display_formatter.formatters))


def _ipython():
    try:
        from IPython import get_ipython
    except Exception:
        return None
    return get_ipython()


def restore(report: bool = True) -> list[str]:
    """Put every protected object and setting back; return what had changed.

    Parameters
    ----------
    report : bool, optional
        Print one ``[dlmath] restored ...`` line when something changed.

    Returns
    -------
    list of str
        Names of what was restored.
    """
    changed: list[str] = []
    for name, (module, saved) in _MODULES.items():
        namespace = vars(module)
        for key, value in saved.items():
            allowed = ALLOWED.get((id(namespace), key), value)
            current = namespace.get(key, _MISSING)
            if current is not value and current is not allowed:
                namespace[key] = value
                changed.append(f"{name}.{key}")
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
            changed.append(f"sys.modules[{name!r}]")
    if _STATE:
        _restore_settings()  # settings are put back silently: honest code changes them too
        changed += _restore_ipython()
    if changed and report:
        shown = ", ".join(changed[:12]) + (" ..." if len(changed) > 12 else "")
        _STATE.get("stdout", sys.stdout).write(f"{MARK} {shown}\n")
    return changed


_MISSING = object()


def _restore_settings() -> list[str]:
    """numpy settings, recursion limit, warnings, sys.path, cwd, sys hooks."""
    changed = []
    if np.geterr() != _STATE["err"]:
        np.seterr(**_STATE["err"])
        changed.append("numpy error settings")
    if np.get_printoptions() != _STATE["print"]:
        np.set_printoptions(**{k: v for k, v in _STATE["print"].items() if k != "override_repr"})
        changed.append("numpy print options")
    if sys.getrecursionlimit() < _STATE["recursion"]:
        sys.setrecursionlimit(_STATE["recursion"])
        changed.append("recursion limit")
    if warnings.filters != _STATE["warnings"]:
        warnings.filters[:] = _STATE["warnings"]
        warnings._filters_mutated()  # type: ignore[attr-defined]
        changed.append("warnings filters")
    if sys.path != _STATE["path"]:
        sys.path[:] = _STATE["path"]
        changed.append("sys.path")
    try:
        here = os.getcwd()
    except OSError:
        here = None
    if here != _STATE["cwd"]:
        try:
            os.chdir(_STATE["cwd"])
            changed.append("working directory")
        except OSError:
            pass
    for attr in ("stdout", "stderr"):  # IPython swaps displayhook itself around each cell
        if getattr(sys, attr) is not _STATE[attr]:
            setattr(sys, attr, _STATE[attr])
            changed.append(f"sys.{attr}")
    return changed


def _restore_ipython() -> list[str]:
    """IPython's transformers, traceback display, run_cell and formatters."""
    changed: list[str] = []
    ip, saved = _ipython(), _STATE.get("ip")
    if ip is not None and saved:
        for attr in ("input_transformers_post", "input_transformers_cleanup", "ast_transformers"):
            if list(getattr(ip, attr)) != saved[attr]:
                getattr(ip, attr)[:] = saved[attr]
                changed.append(f"IPython {attr}")
        for attr in ("showtraceback", "run_cell"):
            if getattr(ip, attr) != saved[attr]:
                setattr(ip, attr, saved[attr])
                changed.append(f"IPython {attr}")
        if dict(ip.display_formatter.formatters) != saved["formatters"]:
            ip.display_formatter.formatters.clear()
            ip.display_formatter.formatters.update(saved["formatters"])
            changed.append("IPython display formatters")
    return changed


#: One line the grader puts in front of every test cell it runs.
PRELUDE = ("__import__('sys').modules.get('dlmath.integrity') and "
           "__import__('sys').modules['dlmath.integrity'].restore()")
