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
* the same function under another path of its package: numpy's private
  modules (``np.linalg._linalg.norm``, ``from numpy.linalg._linalg import
  norm``) and attributes of it (``np.linalg.norm._implementation``): any
  dotted path from the package's root that passes through the function's
  name;
* the function's name as an attribute of something reading cannot resolve
  to a module (``lin().norm``, ``d["f"].norm``, ``la.norm`` after
  ``la, = (np.linalg,)``); an attribute of another imported module
  (``math.tanh``) is that module's own function and is allowed;
* ways of reaching a function that reading cannot follow: ``getattr`` or
  ``operator.attrgetter`` with a string that names it or a computed string,
  ``getattr`` passed around as a value, ``__getattribute__``,
  ``__import__``, ``importlib``, ``eval``/``exec``/``compile``,
  ``sys.modules``, ``globals()``/``vars()``/``__dict__`` looked up with that
  string or with a computed one.  A string naming the forbidden function
  anywhere in reached code counts;
* the function stored where a later call can find it without naming it:
  a statement anywhere in the code that puts it into an attribute, an item
  or ``setattr`` (``builtins.f = np.linalg.norm``) counts for every function
  under that rule.  Code that merely *calls* it (``print(np.linalg.norm(v))``
  at top level, to compare with one's own answer) does not.

A correct answer never needs any of these, so a false alarm needs code
written on purpose to look like a shortcut.
"""

from __future__ import annotations

import ast
from typing import Iterable, Sequence

#: Calls that run code built at run time: any use in reached code counts.
_CODE = {"eval", "exec", "compile", "__import__", "import_module"}
#: Calls that look a name up: a computed or forbidden name counts.
_LOOKUP = {"getattr", "attrgetter", "methodcaller", "__getattribute__", "__getattr__"}
#: Namespaces as dicts: a lookup with a computed key counts.
_NAMESPACES = {"vars", "globals", "locals"}
#: Calls that store into an object: an argument that is the forbidden function counts.
_STORES = {"setattr", "__setattr__", "update", "setdefault", "__setitem__"}


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
    """Whether the dotted path ``full`` is, or goes through, ``forbidden``.

    ``numpy.linalg.norm`` is matched by itself, by its attributes
    (``numpy.linalg.norm._implementation``) and by any other path from
    ``numpy`` that passes through ``norm`` (``numpy.linalg._linalg.norm``).
    """
    if full == forbidden or full.startswith(forbidden + "."):
        return True
    root, leaf = forbidden.partition(".")[0], forbidden.rpartition(".")[2]
    parts = full.split(".")
    return parts[0] == root and leaf in parts[1:]


def _looked_up_names(func_name: str, call: ast.Call) -> list[ast.AST]:
    """The arguments of a lookup call that are names: ``getattr(obj, NAME, default)``,
    ``attrgetter(NAME, ...)``, ``methodcaller(NAME, ...)``, ``obj.__getattribute__(NAME)``."""
    if func_name == "getattr":
        return call.args[1:2]
    if func_name == "attrgetter":
        return list(call.args)
    return call.args[:1]


def _is_call_func(name: ast.Name, within: ast.AST) -> bool:
    """Whether ``name`` is the function of a call in ``within`` (``getattr(...)``)."""
    return any(isinstance(c, ast.Call) and c.func is name for c in ast.walk(within))


def _is_namespace(node: ast.AST) -> bool:
    """``x.__dict__``, ``vars(...)``, ``globals()``, ``locals()``."""
    if isinstance(node, ast.Attribute) and node.attr == "__dict__":
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
        and node.func.id in _NAMESPACES


def _escapes(trees: Sequence[ast.Module], aliases: dict[str, str],
             forbidden: Sequence[str]) -> list[str]:
    """Statements anywhere in the code that store a forbidden function away.

    An assignment to an attribute or an item, or a ``setattr``/``update``
    style call, whose value is the function itself (not a call of it).
    Honest code never does this, reached or not, so all code is read.
    """
    found = []
    for tree in trees:
        for sub in ast.walk(tree):
            stored = None
            if isinstance(sub, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                if sub.value is not None and any(
                        isinstance(n, (ast.Attribute, ast.Subscript))
                        for t in targets for n in ast.walk(t)):
                    stored = [sub.value]
            elif isinstance(sub, ast.Call):
                name = sub.func.attr if isinstance(sub.func, ast.Attribute) else \
                    (_dotted(sub.func) or "").rpartition(".")[2]
                if name in _STORES:
                    stored = list(sub.args) + [k.value for k in sub.keywords]
            for value in stored or []:
                called = {id(c.func) for c in ast.walk(value) if isinstance(c, ast.Call)}
                for ref in ast.walk(value):
                    if id(ref) in called or not isinstance(ref, (ast.Attribute, ast.Name)):
                        continue
                    dotted = _dotted(ref)
                    full = _expand(dotted, aliases) if dotted else ""
                    for f in forbidden:
                        if full and _matches(full, f):
                            found.append(f"{f} stored away (line {getattr(sub, 'lineno', '?')}: "
                                         f"{dotted})")
    return found


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
    modules = set(aliases) - set(defs)  # names bound by import only
    for node in _reached(function, defs):
        for sub in ast.walk(node):
            dotted = _dotted(sub) if isinstance(sub, (ast.Attribute, ast.Name)) else None
            loading = isinstance(getattr(sub, "ctx", ast.Load()), ast.Load)
            named = False  # this node names a forbidden function outright
            if dotted and loading:
                full = _expand(dotted, aliases)
                for f in forbidden:
                    if _matches(full, f):
                        named = True
                        findings.append(f"{f}" + (f" (as {dotted})" if dotted != f else ""))
                if full == "sys.modules" or full.startswith("sys.modules."):
                    findings.append(f"sys.modules (a module looked up at run time can reach "
                                    f"{', '.join(forbidden)})")
            if isinstance(sub, ast.Attribute) and loading and not named and sub.attr in leaves.values():
                base = _dotted(sub.value)
                head = base.partition(".")[0] if base else None
                if base is None or head not in modules:
                    shown = ast.unparse(sub.value)
                    shown = shown if len(shown) <= 40 else shown[:39] + "…"
                    findings.append(f".{sub.attr} of {shown} (reading cannot tell which module "
                                    f"that is; it could be {', '.join(forbidden)})")
            if isinstance(sub, ast.Name) and loading and sub.id in {"getattr", "attrgetter"} \
                    and not _is_call_func(sub, node):
                findings.append(f"{sub.id} passed as a value (it could reach {', '.join(forbidden)})")
            if isinstance(sub, ast.Call):
                func_name = sub.func.attr if isinstance(sub.func, ast.Attribute) else \
                    (_dotted(sub.func) or "").rpartition(".")[2]
                if func_name in _CODE:
                    findings.append(f"{func_name}() (code built at run time can reach "
                                    f"{', '.join(forbidden)})")
                elif func_name in _LOOKUP:
                    for arg in _looked_up_names(func_name, sub):
                        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                            findings.append(f"{func_name}() with a computed name (it could reach "
                                            f"{', '.join(forbidden)})")
                        elif any(leaf in arg.value.split(".") or f in arg.value
                                 for f, leaf in leaves.items()):
                            findings.append(f"{_expand(func_name, aliases)}({arg.value!r})")
                elif func_name == "get" and isinstance(sub.func, ast.Attribute) \
                        and _is_namespace(sub.func.value) and sub.args \
                        and not (isinstance(sub.args[0], ast.Constant)
                                 and isinstance(sub.args[0].value, str)
                                 and sub.args[0].value not in leaves.values()):
                    findings.append("a namespace looked up with a computed or forbidden name "
                                    f"(it could reach {', '.join(forbidden)})")
            if isinstance(sub, ast.Subscript):
                key = sub.slice
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    if key.value in leaves.values():
                        findings.append(f"[{key.value!r}] lookup of a forbidden function")
                elif _is_namespace(sub.value):
                    findings.append("a namespace looked up with a computed name "
                                    f"(it could reach {', '.join(forbidden)})")
    findings += _escapes(trees, aliases, forbidden)
    unique = []
    for item in findings:
        if item not in unique:
            unique.append(item)
    return unique
