"""The runner's side of a hidden check: call the learner's function, report plain data.

This code runs *inside* the learner's kernel, where nothing of the course is
installed: :func:`boot_source` sends the text of :mod:`dlmath.wire` and of
this module into the kernel when it starts, and :func:`install` puts one
object, ``__dlmath_runner__``, into the notebook's namespace.  The judge
then executes ``__dlmath_runner__.serve("<request>")``; the request names
the learner's functions and their arguments (in the wire format), and the
reply, displayed under :data:`REPLY_MIME`, holds for each call what came
back: the result, or the exception's name and message, whether an input was
changed in place, whether numpy's global random state moved, and the final
state of every ``Generator`` argument.

Nothing here is trusted.  Learner code can replace this object or forge its
replies; the judge treats a reply as no more than "what the learner's
function returned", checks its form, and compares it with a reference the
runner never sees.  The time limit and the "no shortcut" block applied here
are courtesies that make honest mistakes fail fast and clearly; the judge
enforces its own time limit and decides "no shortcut" by reading the code.
"""

from __future__ import annotations

import sys

try:  # inside the runner the wire module's source precedes this one
    from dlmath.wire import decode, dumps, encode, loads  # noqa: F401
except ImportError:  # pragma: no cover - the runner has no dlmath
    pass

#: MIME type of the runner's replies.
REPLY_MIME = "application/vnd.dlmath.reply+json"
#: Name of the server object in the notebook's namespace.
SERVER = "__dlmath_runner__"
#: Comm target of the server: a request as a comm message skips IPython's
#: cell machinery (history, transformers, hooks), half a round trip's cost.
COMM_TARGET = "dlmath.runner"
#: Seed of the global random state while watching it.
WATCH_SEED = 20240605


class _TimedOut(BaseException):
    pass


class _Shortcut(BaseException):
    def __init__(self, name):
        super().__init__(name)
        self.name = name


def _make_public(source, text, data):
    import math

    import numpy as np

    namespace = {"np": np, "math": math}
    namespace.update(data)
    func = eval(compile(source, "<public callable>", "eval"), namespace)  # judge's own text

    def public(*args, **kwargs):
        return func(*args, **kwargs)

    public.__name__ = "public"
    public.__qualname__ = text
    return public


class Server:
    """Serves the judge's requests in one notebook namespace.

    Parameters
    ----------
    namespace : dict
        The notebook's namespace (IPython's ``user_ns``).
    """

    def __init__(self, namespace):
        self.namespace = namespace
        self._home_cache = {}  # forbidden name -> (len(sys.modules) when searched, namespaces)

    # -- one call -------------------------------------------------------------
    def _blocked(self, forbidden):
        """Replace forbidden library functions, wherever their package or the notebook holds them.

        Every loaded module of the function's package is searched
        (``np.linalg._linalg.norm`` is ``np.linalg.norm`` under another
        path); where they hold it is remembered until more modules load.
        """
        import importlib

        patched = []
        for dotted in forbidden:
            module_name, _, attr = dotted.rpartition(".")
            try:
                owner = importlib.import_module(module_name)
                original = getattr(owner, attr)
            except Exception:
                continue

            def blocked(*args, _name=dotted, **kwargs):
                raise _Shortcut(_name)

            for space in self._homes(dotted, original) + [self.namespace]:
                for key, value in list(space.items()):
                    if value is original:
                        patched.append((space, key, value))
                        space[key] = blocked
        return patched

    def _homes(self, dotted, original):
        """The namespaces of ``dotted``'s package that hold ``original`` (cached)."""
        cache = self._home_cache
        known = cache.get(dotted)
        if known is None or known[0] != len(sys.modules):
            root = dotted.partition(".")[0]
            homes = []
            for name, module in list(sys.modules.items()):
                if name != root and not name.startswith(root + "."):
                    continue
                space = getattr(module, "__dict__", None)
                if isinstance(space, dict) and any(v is original for v in list(space.values())):
                    homes.append(space)
            known = cache[dotted] = (len(sys.modules), homes)
        return known[1]

    def _time_limit(self, seconds):
        import signal
        import threading

        if seconds <= 0 or threading.current_thread() is not threading.main_thread():
            return None

        def expire(signum, frame):
            raise _TimedOut()

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        return previous

    def call(self, request):
        """Run one call; return its outcome as a dict of plain data."""
        import warnings

        import numpy as np

        name = request["function"]
        func = self.namespace.get(name)
        if func is None:
            return {"status": "undefined"}
        if not callable(func):
            return {"status": "not_callable", "type": type(func).__name__}
        sent_args, sent_kwargs = request["args"], request["kwargs"]
        args = decode(sent_args, make_public=_make_public)
        kwargs = decode(sent_kwargs, make_public=_make_public)
        watch = bool(request.get("global_rng"))
        patched = self._blocked(request.get("forbidden") or [])
        saved_rng = np.random.get_state() if watch else None
        if watch:
            np.random.seed(WATCH_SEED)
        previous = self._time_limit(float(request.get("seconds") or 0))
        outcome = {}
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                result = func(*args, **kwargs)
            outcome = {"status": "returned", "result": result}
        except _TimedOut:
            outcome = {"status": "timeout"}
        except _Shortcut as exc:
            outcome = {"status": "shortcut", "name": exc.name}
        except BaseException as exc:  # SystemExit, KeyboardInterrupt: a failed call, no more
            try:
                message = str(exc)[:2000]
            except BaseException:
                message = "<message could not be shown>"
            outcome = {"status": "raised", "type": type(exc).__name__, "message": message,
                       "mro": [c.__name__ for c in type(exc).__mro__]}
        finally:
            import signal

            if previous is not None:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
            for space, key, value in reversed(patched):
                space[key] = value
            if watch:
                after = np.random.get_state()
                np.random.seed(WATCH_SEED)
                fresh = np.random.get_state()
                outcome["global_rng_changed"] = not (
                    after[0] == fresh[0] and np.array_equal(after[1], fresh[1])
                    and tuple(after[2:]) == tuple(fresh[2:]))
                np.random.set_state(saved_rng)
        mutated, generators = [], {}
        for label, given, sent in ([(i, a, s) for i, (a, s) in enumerate(zip(args, sent_args))]
                                   + [(k, kwargs[k], sent_kwargs_value)
                                      for k, sent_kwargs_value in _pairs(sent_kwargs)]):
            if isinstance(given, np.random.Generator):
                generators[str(label)] = encode(given)
                continue
            if callable(given):
                continue
            try:
                if encode(given) != sent:
                    mutated.append(str(label))
            except Exception:
                mutated.append(str(label))
        outcome["mutated"] = mutated
        outcome["generators"] = generators
        return outcome

    # -- a request --------------------------------------------------------------
    def handle(self, text):
        """Answer one request (wire text) with one reply (wire text)."""
        import json

        request = json.loads(text)
        replies = []
        for one in request["calls"]:
            if replies and replies[-1].get("status") == "timeout":
                # the check fails at that call: the rest would only cost their time limits
                replies.append({"status": "timeout", "message": "not run"})
                continue
            outcome = self.call(one)
            if outcome.get("status") == "returned":
                try:
                    outcome["result"] = encode(outcome["result"], allow_sympy=True)
                except Exception as exc:
                    result = outcome.pop("result")
                    outcome.update(status="unencodable", type=type(result).__name__,
                                   message=str(exc)[:300])
            replies.append(outcome)
        return json.dumps({"id": request["id"], "replies": replies}, allow_nan=False)

    def serve(self, text):
        """Answer a request and display the reply for the judge."""
        from IPython.display import display

        display({REPLY_MIME: {"wire": self.handle(text)}}, raw=True)

    def open_comm(self, comm, msg):
        """Serve requests arriving as messages of a comm the judge opened."""
        @comm.on_msg
        def _request(message):
            text = (message.get("content", {}).get("data") or {}).get("request", "")
            try:
                reply = self.handle(text)
            except Exception:
                reply = ""
            comm.send({"wire": reply})


def _pairs(encoded_dict):
    """(key, encoded value) pairs of an encoded dict."""
    return [(k, v) for k, v in encoded_dict["$dict"]] if isinstance(encoded_dict, dict) else []


def _import_path_last():
    """Put the working folder at the end of sys.path: a learner's numpy.py never wins."""
    import os

    here = {"", ".", os.getcwd()}
    front = [p for p in sys.path if p not in here]
    back = [p for p in sys.path if p in here]
    sys.path[:] = front + back[:1]


def install(shell=None, hide=(), close_figures=False):
    """Put the server into the notebook's namespace.

    Parameters
    ----------
    shell : InteractiveShell, optional
        The kernel's shell (default: the running one).
    hide : iterable of str
        Top-level packages that must not be importable (used only when the
        runner is not sandboxed, as a courtesy: the sandbox hides them for
        real).
    close_figures : bool
        Close every matplotlib figure after each cell (when figures are not
        rasterised, nothing else would).
    """
    import numpy  # noqa: F401 - imported before any learner file can shadow it

    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    _import_path_last()
    hidden = tuple(hide)
    if hidden:
        import importlib.abc

        class _Hide(importlib.abc.MetaPathFinder):
            def find_spec(self, fullname, path=None, target=None):
                if fullname.split(".")[0] in hidden:
                    raise ImportError(f"{fullname} is not available to graded code")
                return None

        sys.meta_path.insert(0, _Hide())
        for name in list(sys.modules):
            if name.split(".")[0] in hidden:
                del sys.modules[name]
    import os

    # A Python-level fork of the kernel would share its message sockets; such a
    # child ends at once (subprocesses started with exec still work).
    def _reap():  # those children end at once: never let them pile up as zombies
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass

    os.register_at_fork(after_in_child=lambda: os._exit(70), after_in_parent=_reap)
    if close_figures:
        def _close_figures(*args):
            pyplot = sys.modules.get("matplotlib.pyplot")
            if pyplot is not None:
                pyplot.close("all")

        shell.events.register("post_run_cell", _close_figures)
    server = Server(shell.user_ns)
    shell.user_ns[SERVER] = server
    shell.user_ns_hidden[SERVER] = server
    manager = getattr(getattr(shell, "kernel", None), "comm_manager", None)
    if manager is not None:
        manager.register_target(COMM_TARGET, server.open_comm)


def boot_source(hide=(), close_figures=False) -> str:
    """Python source that installs the runner in a kernel with no dlmath.

    Parameters
    ----------
    hide : iterable of str
        Packages to hide (see :func:`install`).
    """
    from pathlib import Path

    here = Path(__file__).resolve().parent
    future = "from __future__ import annotations\n"
    body = "\n".join((here / name).read_text().replace(future, "")
                     for name in ("wire.py", "runner.py"))
    return ("def __dlmath_boot():\n"
            "    import builtins\n"
            f"    namespace = {{'__name__': '_dlmath_runner', '__builtins__': builtins}}\n"
            f"    exec(compile({body!r}, '<dlmath runner>', 'exec'), namespace)\n"
            f"    namespace['install'](hide={tuple(hide)!r}, close_figures={bool(close_figures)!r})\n"
            "__dlmath_boot()\n"
            "del __dlmath_boot\n")
