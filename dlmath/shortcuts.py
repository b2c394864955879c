""""No shortcut" rules decided by reading the learner's code, not by trusting it.

The contract forbids some library functions in some exercises (``l1_norm``
may not call ``np.linalg.norm``).  The runner blocks them while the
learner's code runs, but that block lives in the learner's own process and
is only a courtesy.  The judge decides with :func:`find`, a static reading of
the notebook's code:

* the graded function and every top-level function, class or variable of the
  notebook it reaches by name (helpers count: a helper calling the forbidden
  function is a shortcut of every function that calls it);
* any reference to the forbidden function in that code: the attribute chain
  (``np.linalg.norm``, ``numpy.linalg.norm``), module aliases
  (``import numpy.linalg as la; la.norm``, ``la = np.linalg``), names
  imported from the module (``from numpy.linalg import norm as n``);
* ways of reaching a function that reading cannot follow: ``getattr`` or
  ``operator.attrgetter`` with a string that names it, ``__import__``,
  ``importlib``, ``eval``/``exec``/``compile``, ``globals()``/``vars()``/
  ``__dict__`` with that string.  A string naming the forbidden function
  anywhere in reached code counts.

A correct answer never needs any of these, so a false alarm needs code
written on purpose to look like a shortcut.
"""

from __future__ import annotations

import ast
from typing import Iterable, Sequence

#: Calls that run code built at run time: any use in reached code counts.
_CODE = {"eval", "exec", "compile", "__import__", "import_module"}
#: Calls that look a name up: a computed or forbidden name counts.
_LOOKUP = {"getattr", "attrgetter", "methodcaller"}


def _parse(cells: Iterable[str]) -> list[ast.Module]:
    trees = []
    for source in cells:
        try:
            trees.append(ast.parse(source))
        except SyntaxError:
            # IPython magics and shell lines: drop them line by line, keep the rest
            kept = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                             for line in source.splitlines())
            try:
                trees.append(ast.parse(kept))
            except SyntaxError:
                continue
    return trees


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for an attribute chain on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _module_aliases(trees: Sequence[ast.Module]) -> dict[str, str]:
    """Name -> dotted module or object it stands for (``np`` -> ``numpy``)."""
    aliases: dict[str, str] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        aliases[a.asname] = a.name
                    else:
                        aliases[a.name.split(".")[0]] = a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    for _ in range(3):  # assignments like la = np.linalg, chains of them
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                        and isinstance(node.targets[0], ast.Name):
                    dotted = _dotted(node.value)
                    if dotted:
                        head, _, rest = dotted.partition(".")
                        if head in aliases:
                            aliases[node.targets[0].id] = aliases[head] + ("." + rest if rest else "")
    return aliases


def _expand(dotted: str, aliases: dict[str, str]) -> str:
    head, _, rest = dotted.partition(".")
    if head in aliases:
        return aliases[head] + ("." + rest if rest else "")
    return dotted


def _top_level(trees: Sequence[ast.Module]) -> dict[str, list[ast.AST]]:
    """Top-level name -> the statements that define it."""
    defs: dict[str, list[ast.AST]] = {}
    for tree in trees:
        for node in tree.body:
            names = []
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    names += [n.id for n in ast.walk(t) if isinstance(n, ast.Name)]
            for name in names:
                defs.setdefault(name, []).append(node)
    return defs


def _reached(function: str, defs: dict[str, list[ast.AST]]) -> list[ast.AST]:
    seen, todo, nodes = set(), [function], []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in defs.get(name, []):
            nodes.append(node)
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and sub.id in defs and sub.id not in seen:
                    todo.append(sub.id)
    return nodes


def _matches(full: str, forbidden: str) -> bool:
    return full == forbidden or full.startswith(forbidden + ".")


def find(cells: Sequence[str], function: str, forbidden: Sequence[str]) -> list[str]:
    """The forbidden functions that the learner's ``function`` reaches.

    Parameters
    ----------
    cells : sequence of str
        The learner's code cells (answers and any code they added).
    function : str
        The graded function's name.
    forbidden : sequence of str
        Dotted names, e.g. ``["numpy.linalg.norm"]``.

    Returns
    -------
    list of str
        Each a human-readable finding, e.g. ``"numpy.linalg.norm (as la.norm)"``;
        empty when the code is clean.
    """
    if not forbidden:
        return []
    trees = _parse(cells)
    aliases = _module_aliases(trees)
    defs = _top_level(trees)
    findings: list[str] = []
    leaves = {f: f.rpartition(".")[2] for f in forbidden}
    for node in _reached(function, defs):
        for sub in ast.walk(node):
            dotted = _dotted(sub) if isinstance(sub, (ast.Attribute, ast.Name)) else None
            if dotted:
                full = _expand(dotted, aliases)
                for f in forbidden:
                    if _matches(full, f) and isinstance(getattr(sub, "ctx", ast.Load()), ast.Load):
                        findings.append(f"{f}" + (f" (as {dotted})" if dotted != f else ""))
            if isinstance(sub, ast.Call):
                name = (_dotted(sub.func) or "").rpartition(".")[2]
                if name in _CODE:
                    findings.append(f"{name}() (code built at run time can reach "
                                    f"{', '.join(forbidden)})")
                elif name in _LOOKUP:
                    names = sub.args[1:] if name == "getattr" else sub.args
                    for arg in names:
                        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                            findings.append(f"{name}() with a computed name (it could reach "
                                            f"{', '.join(forbidden)})")
                        elif any(arg.value == leaf or f in arg.value for f, leaf in leaves.items()):
                            findings.append(f"{_expand(name, aliases)}({arg.value!r})")
            if isinstance(sub, ast.Subscript) and isinstance(sub.slice, ast.Constant) \
                    and isinstance(sub.slice.value, str) and sub.slice.value in leaves.values():
                findings.append(f"[{sub.slice.value!r}] lookup of a forbidden function")
    unique = []
    for item in findings:
        if item not in unique:
            unique.append(item)
    return unique
