"""Worked examples that grading may leave out: which ``demo`` cells no graded cell needs.

A notebook teaches with worked examples: simulations, tables and plots that
call the learner's functions so the learner sees them at work.  They are a
third of the time a notebook takes to run, and no grade depends on them: the
hidden checks call the learner's functions with inputs of their own, and
the visible tests use nothing a worked example makes.  Grading
therefore skips them (``ResilientExecute.run_demos``, off unless feedback
with plots is asked for).

The author marks such a cell with the cell tag ``demo`` (a code cell that
is neither a test nor an answer).  The mark is a promise checked twice:

* by the test suite on the source notebooks: no later cell reads a name a
  ``demo`` cell binds, and a ``demo`` cell changes nothing it does not bind
  (``tests/test_notebook_structure.py``);
* at grading time on the learner's own code, by :func:`skippable`: a ``demo``
  cell still runs if any cell that runs after it, the learner's answers and
  added cells included, reads a name it binds, or uses ``globals()``,
  ``eval`` and the like, which no reading of the code can follow.  So an
  answer that leans on a variable of a worked example is graded exactly as
  when every cell runs.
"""

from __future__ import annotations

import ast
import functools

from dlmath import notebooks as nbs

#: The cell tag that marks a worked example.
TAG = "demo"

#: Names and attributes through which code can reach any global by a string: an
#: answer that uses one may need anything, so no ``demo`` cell before it is skipped.
DYNAMIC = frozenset({"globals", "locals", "vars", "eval", "exec", "compile", "__import__",
                     "get_ipython", "__main__", "__builtins__", "builtins", "sys", "importlib",
                     "inspect", "__dict__", "__globals__", "f_globals", "modules"})


def is_demo(cell) -> bool:
    """True for a code cell tagged :data:`TAG` that is neither a test nor an answer.

    What is graded is the release's own cells with the learner's answers put
    in (:mod:`dlmath.intake`), so a tagged cell holds the author's code; a
    cell the learner added and tagged holds only the learner's own code.
    """
    meta = nbs.nbgrader_meta(cell)
    return (cell.get("cell_type") == "code" and TAG in cell.get("metadata", {}).get("tags", [])
            and not meta.get("grade") and not meta.get("solution"))


def _tree(source: str) -> ast.Module | None:
    """The cell's syntax tree after IPython's rewriting of magics; ``None`` if it does not parse."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        source = TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 -- plain Python then
        pass
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


class Usage:
    """What one cell does with global names.

    Attributes
    ----------
    exposed : set of str
        Globals read when the cell runs, before the cell itself binds them.
    deferred : set of str
        Globals read inside the functions and lambdas the cell defines (their
        own parameters and locals left out): read whenever those are called,
        in any later cell.
    binds : set of str
        Names the cell may bind.
    kills : set of str
        Names the cell surely binds (plain top-level assignments, defs,
        imports): what a cell before it bound is no longer seen after it.
    dynamic : bool
        The cell may reach globals by a string (:data:`DYNAMIC`), or its code
        cannot be read (a syntax error, a star import).
    """

    def __init__(self, source: str) -> None:
        self.exposed: set[str] = set()
        self.deferred: set[str] = set()
        self.binds: set[str] = set()
        self.kills: set[str] = set()
        self.dynamic = False
        tree = _tree(source)
        if tree is None:
            self.dynamic = True
            return
        for node in ast.walk(tree):
            self._note(node)
        self.binds |= _scope_binds(tree.body)[0]
        self.kills = self._flow(tree.body, set())

    def _flow(self, statements: list[ast.stmt], kills: set[str]) -> set[str]:
        """Follow ``statements`` in order: note reads not yet bound; return what is surely bound after."""
        kills = set(kills)
        for statement in statements:
            if isinstance(statement, (ast.With, ast.AsyncWith)):
                for item in statement.items:
                    self._expose(item.context_expr, kills)
                    if item.optional_vars is not None:
                        kills |= _target_names(item.optional_vars)
                kills = self._flow(statement.body, kills)
            elif isinstance(statement, ast.If):
                self._expose(statement.test, kills)
                kills = self._flow(statement.body, kills) & self._flow(statement.orelse, kills)
            elif isinstance(statement, (ast.For, ast.AsyncFor)):
                self._expose(statement.iter, kills)
                self._flow(statement.body, kills | _target_names(statement.target))
                self._flow(statement.orelse, kills)
            elif isinstance(statement, ast.While):
                self._expose(statement.test, kills)
                self._flow(statement.body, kills)
                self._flow(statement.orelse, kills)
            elif isinstance(statement, ast.Try):
                after_body = self._flow(statement.body, kills)
                for handler in statement.handlers:
                    self._flow(handler.body, kills)
                self._flow(statement.orelse, after_body)
                self._flow(statement.finalbody, kills)
            else:
                self._expose(statement, kills)
                kills |= _surely_bound(statement)
        return kills

    def _expose(self, node: ast.AST, kills: set[str]) -> None:
        self.exposed |= _reads(node, self.deferred) - kills

    def _note(self, node: ast.AST) -> None:
        """Signs of dynamic access, at any depth, and globals that functions declare."""
        if isinstance(node, ast.Name):
            self.dynamic |= node.id in DYNAMIC
        elif isinstance(node, ast.Attribute):
            self.dynamic |= node.attr in DYNAMIC
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self.dynamic |= any(a.name == "*" for a in node.names) or bool(
                _import_names(node) & DYNAMIC)
        elif isinstance(node, ast.Global):
            self.binds.update(node.names)  # a function that rebinds a global


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _reads(node: ast.AST, deferred: set[str]) -> set[str]:
    """Names ``node`` reads in its own scope now; free reads of functions inside go to ``deferred``."""
    found: set[str] = set()
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load):
            found.add(node.id)
        return found
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return set(node.names)
    if isinstance(node, _FUNCTIONS):
        args = node.args
        for default in args.defaults + [d for d in args.kw_defaults if d is not None]:
            found |= _reads(default, deferred)
        if not isinstance(node, ast.Lambda):
            for decorator in node.decorator_list:
                found |= _reads(decorator, deferred)
        deferred |= _free_reads(node, deferred)
        return found
    if isinstance(node, _COMPREHENSIONS):
        targets = {n.id for g in node.generators for n in ast.walk(g.target)
                   if isinstance(n, ast.Name)}
        inner: set[str] = set()
        for child in ast.iter_child_nodes(node):
            inner |= _reads(child, deferred)
        return inner - targets | _reads(node.generators[0].iter, deferred)
    for child in ast.iter_child_nodes(node):
        found |= _reads(child, deferred)
    return found


def _free_reads(function: ast.AST, deferred: set[str]) -> set[str]:
    """Globals a function or lambda reads when called: its reads less its parameters and locals."""
    body = _body(function)
    local, declared = _scope_binds(body)
    inner: set[str] = set()
    reads = set().union(*(_reads(statement, inner) for statement in body)) | inner
    return reads - ((local | _params(function)) - declared)


def _body(function: ast.AST) -> list[ast.AST]:
    return function.body if isinstance(function.body, list) else [function.body]


def _params(function: ast.AST) -> set[str]:
    """The parameter names of a function or lambda."""
    args = function.args
    names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    return names | {a.arg for a in (args.vararg, args.kwarg) if a is not None}


def _import_names(node: ast.AST) -> set[str]:
    """The names an ``import`` statement binds (``import a.b`` binds ``a``)."""
    return {(a.asname or a.name).split(".")[0] for a in node.names}


def _scope_binds(statements: list[ast.AST]) -> tuple[set[str], set[str]]:
    """``(bound, declared)``: names a scope binds, and those it declares ``global``/``nonlocal``.

    Nested functions, classes and comprehensions are not entered (their own
    names are theirs), but a nested def's own name and a walrus bind here.
    """
    bound, declared = set(), set()
    for statement in statements:
        for node in _same_scope(statement):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                bound.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound |= _import_names(node)
            elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                bound.add(node.target.id)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                declared.update(node.names)
    return bound, declared


def _same_scope(node: ast.AST):
    """``node`` and its descendants, not entering nested functions, classes or comprehensions."""
    yield node
    if isinstance(node, _FUNCTIONS + (ast.ClassDef,) + _COMPREHENSIONS):
        return
    for child in ast.iter_child_nodes(node):
        yield from _same_scope(child)


def _surely_bound(statement: ast.stmt) -> set[str]:
    """Names a top-level statement binds whenever it completes."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return _import_names(statement)
    targets = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)) and statement.value is not None:
        targets = [statement.target]
    return set().union(*(_target_names(target) for target in targets))


def _target_names(target: ast.AST) -> set[str]:
    """Plain names an assignment target binds (``a``, ``a, (b, *c)``; not ``a[0]`` or ``a.x``)."""
    names, stack = set(), [target]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Name):
            names.add(item.id)
        elif isinstance(item, (ast.Tuple, ast.List)):
            stack.extend(item.elts)
        elif isinstance(item, ast.Starred):
            stack.append(item.value)
    return names


@functools.lru_cache(maxsize=4096)
def usage_of(source: str) -> Usage:
    """The :class:`Usage` of ``source``, read once per grading process.

    Nearly every cell of a submission is the release's own, the same for
    every learner; reading them again costs about a tenth of a grading.
    Callers only read the result.
    """
    return Usage(source)


def skippable(cells) -> set[int]:
    """Indices of the ``demo`` cells that grading may leave out.

    A backward pass over the code cells with the names that cells which run
    will read: a ``demo`` cell runs anyway if it binds one of them (and then
    what it reads is needed too).  Names read inside the functions of cells
    that run stay needed everywhere, since a function reads its globals when
    it is called; a cell that surely rebinds a name hides earlier bindings
    from the cells after it.  An answer or added cell (not locked) that may
    reach globals by a string, or cannot be read, makes every ``demo`` cell
    before it run; the course's own cells (locked or tagged) are held to the
    rules by the test suite instead.

    Parameters
    ----------
    cells : list of notebook cells
        The notebook about to be graded (learner's answers included).

    Returns
    -------
    set of int
        Cell indices safe to skip.
    """
    code = [(i, c) for i, c in enumerate(cells) if c.get("cell_type") == "code"]
    usage = {i: usage_of(c.get("source", "")) for i, c in code}
    demo = {i for i, c in code if is_demo(c)}
    course = demo | {i for i, c in code if nbs.nbgrader_meta(c).get("locked")}
    skip = set(demo)
    while True:  # run until no further demo cell is found to be needed
        deferred = set().union(*(usage[i].deferred for i, _ in code if i not in skip))
        live, everything, needed = set(deferred), False, set()
        for i, _ in reversed(code):
            use = usage[i]
            if i in demo and not everything and not use.binds & live:
                continue
            if i in skip:
                needed.add(i)
            if use.dynamic and i not in course:
                everything = True
            live = (live - use.kills) | use.exposed | deferred
        if not needed:
            return skip
        skip -= needed


#: Methods that only read their object (calling them on another cell's array is fine).
READING_METHODS = frozenset({"all", "any", "argmax", "argmin", "astype", "copy", "count",
                             "cumsum", "dot", "flatten", "get", "index", "item", "items", "keys",
                             "max", "mean", "min", "nonzero", "prod", "ravel", "reshape", "round",
                             "squeeze", "std", "sum", "tolist", "transpose", "values", "var"})

#: Module functions that change state every later cell sees.
STATEFUL_CALLS = frozenset({"seed", "set_printoptions", "filterwarnings", "simplefilter",
                            "resetwarnings", "rc", "use", "setattr", "delattr"})


def author_problems(source: str, modules: set[str]) -> list[str]:
    """Why a cell cannot be tagged :data:`TAG` (empty when it can).

    A worked example may read anything, but may change only what it binds
    itself: no ``global`` statement, no assignment into an object it did not
    create (``params["W1"] = ...``, ``np.x = ...``), no method call on such
    an object (``rng.normal()`` on another cell's generator advances it for
    every later cell; ``X.sort()`` reorders another cell's data), except on
    imported modules (``np.linspace``), and none of the calls that change
    global state (:data:`STATEFUL_CALLS`, e.g. ``np.random.seed``).

    Parameters
    ----------
    source : str
        The cell's code.
    modules : set of str
        Names the notebook binds by ``import`` (calls on them are fine).

    Returns
    -------
    list of str
        One line per problem.
    """
    tree = _tree(source)
    if tree is None:
        return ["the cell does not parse"]
    own = set(Usage(source).binds)
    for node in ast.walk(tree):  # a function's parameters and locals are its own too
        if isinstance(node, _FUNCTIONS):
            own |= _params(node) | _scope_binds(_body(node))[0]
        elif isinstance(node, _COMPREHENSIONS):
            own |= {n.id for g in node.generators for n in ast.walk(g.target)
                    if isinstance(n, ast.Name)}
    problems = []

    def base(node):
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        return node.id if isinstance(node, ast.Name) else None

    for node in ast.walk(tree):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            problems.append(f"line {node.lineno}: `{type(node).__name__.lower()}` statement")
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, ast.Delete) else [node.target]
        for target in targets:
            for item in ast.walk(target):
                if isinstance(item, (ast.Attribute, ast.Subscript)):
                    name = base(item)
                    if name is not None and name not in own:
                        problems.append(f"line {node.lineno}: assigns into `{name}`, "
                                        "which another cell made")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = base(node.func)
            if node.func.attr in STATEFUL_CALLS:
                problems.append(f"line {node.lineno}: `.{node.func.attr}(...)` changes "
                                "state later cells see")
            elif (name is not None and name not in own and name not in modules
                  and node.func.attr not in READING_METHODS):
                problems.append(f"line {node.lineno}: calls `{name}.{node.func.attr}(...)` "
                                "on an object another cell made")
    return sorted(set(problems))
