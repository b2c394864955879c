"""Warm runners: the judge's side of the runner template (:mod:`dlmath.zygote`).

A grading process starts one zygote per kind of runner it needs (sandboxed
or not, plots rasterised or not) the first time it needs it, and keeps it
until it exits; the kernel that asked starts cold while the zygote imports,
and every kernel after it is forked from the zygote by :mod:`dlmath.launch`.  The zygote lives in a *spool*
folder of its own (``/tmp/dlmath-warm-*``, root's, mode 0755) that holds its
script, its control socket (mode 0600) and the socket folders of the
runners it forks (:meth:`Zygote.run_folder`).

The zygote is started from a thread of its own that lives as long as the
grading process (:func:`_popen`): bubblewrap's ``--die-with-parent`` and the
zygote's own ``PR_SET_PDEATHSIG`` fire when the *thread* that started them
ends (prctl(2)), and a Dask worker runs each task on a pool thread that may
end long before the worker does.

Where the zygote cannot start or dies, :func:`zygote` returns ``None`` or a
fresh one, and the launcher starts runners cold: warm runners change how fast
a kernel starts, never what it can do or how it is graded.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import hashlib
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from dlmath import isolation, launch

#: What the notebooks' graded path imports (the setup cell), imported once by the zygote.
DEFAULT_IMPORTS = ("numpy", "sympy", "matplotlib", "matplotlib.pyplot")

#: What worked examples import besides (``tests/test_notebook_structure.py`` keeps both
#: lists true): preloaded too only where worked examples run while grading
#: (``ResilientExecute.run_demos``), since scipy and scikit-learn cost about a second.
DEMO_IMPORTS = ("scipy.stats", "sklearn.linear_model", "sklearn.datasets")

#: Seconds the zygote may take to import everything and say it is ready.
START_SECONDS = 120.0

#: Environment variable through which a grading process lends its zygote to
#: the worker processes it starts (:func:`lending`).
SHARED_ENV = "DLMATH_WARM_TEMPLATE"


def fingerprint(sandboxed: bool, env: dict[str, str], imports: tuple[str, ...]) -> str:
    """What a zygote was started with: two processes may share one only if these agree."""
    text = json.dumps([bool(sandboxed), sorted(env.items()), list(imports)])
    return hashlib.sha256(text.encode()).hexdigest()


class ZygoteError(RuntimeError):
    """The zygote could not start."""


class Zygote:
    """One running zygote and its spool folder.

    Parameters
    ----------
    sandboxed : bool
        Start it in the sandbox (:func:`dlmath.isolation.zygote_command`);
        otherwise as a plain child of the grader (no isolation, as the cold
        unsandboxed runner).
    env : dict
        Environment of the zygote and so of every runner it forks.
    imports : sequence of str
        Modules to import before forking.
    """

    def __init__(self, sandboxed: bool, env: dict[str, str],
                 imports: tuple[str, ...] = DEFAULT_IMPORTS) -> None:
        self.sandboxed = sandboxed
        self.fingerprint = fingerprint(sandboxed, env, tuple(imports))
        _sweep()
        self.spool = Path(tempfile.mkdtemp(prefix="dlmath-warm-"))
        os.chmod(self.spool, 0o755)
        (self.spool / "owner").write_text(str(os.getpid()))
        self.control = self.spool / "control.sock"
        script = self.spool / "zygote.py"
        shutil.copy2(Path(__file__).with_name("zygote.py"), script)
        font_cache = self.spool / "mpl"
        font_cache.mkdir()
        launch.copy_font_cache(font_cache)
        config = f"{isolation.HOME}/.matplotlib" if sandboxed else str(font_cache)
        env = dict(env, DLMATH_FONT_CACHE=str(font_cache), MPLCONFIGDIR=config)
        argv = [sys.executable, "-P", str(script), str(self.control), ",".join(imports)]
        if sandboxed:
            cmd = isolation.zygote_command(argv, spool=self.spool, env=env)
            child_env = None
        else:
            cmd, child_env = argv + [str(os.getpid())], env
        self.log = open(self.spool / "zygote.log", "wb")
        self._line, self._ready, self.started = b"", False, time.monotonic()
        self.process = _popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=self.log, env=child_env, cwd="/")

    def ready(self, wait: float = 0.0) -> bool:
        """Whether the zygote has finished its imports, waiting up to ``wait`` seconds.

        Raises
        ------
        ZygoteError
            If it ended or said something else than "ready" (it is stopped).
        """
        if self._ready:
            return True
        deadline = time.monotonic() + wait
        while not self._line.endswith(b"\n"):
            left = deadline - time.monotonic()
            readable, _, _ = select.select([self.process.stdout], [], [], max(0.0, min(left, 1.0)))
            if readable:
                chunk = os.read(self.process.stdout.fileno(), 64)
                if not chunk:
                    break
                self._line += chunk
            elif left <= 0:
                if time.monotonic() - self.started > START_SECONDS:
                    break
                return False
        if self._line.strip() != b"ready":
            self.stop()
            raise ZygoteError(f"the warm-runner template did not start: {self.reason()}")
        self._ready = True
        return True

    def reason(self) -> str:
        """The end of the zygote's log (why it failed)."""
        try:
            return (self.spool / "zygote.log").read_text(errors="replace")[-500:] or "no output"
        except OSError:
            return "no log"

    def alive(self) -> bool:
        """Whether the zygote still runs (and, once ready, still listens)."""
        return self.process.poll() is None and (not self._ready or self.control.exists())

    def run_folder(self) -> Path:
        """A new socket folder for one runner, inside the spool."""
        return _run_folder(self.spool)

    def lend(self) -> str:
        """What a worker process needs to fork runners from this zygote (:data:`SHARED_ENV`)."""
        return json.dumps({"fingerprint": self.fingerprint, "pid": self.process.pid,
                           "control": str(self.control), "spool": str(self.spool),
                           "sandboxed": self.sandboxed})

    def stop(self) -> None:
        """End the zygote (its runners end with their launchers) and remove the spool."""
        if self.process.poll() is None:
            self.process.kill()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.process.stdout:
            self.process.stdout.close()
        self.log.close()
        shutil.rmtree(self.spool, ignore_errors=True)


_swept: set[int] = set()


def _sweep() -> None:
    """Remove the spools of zygotes whose grading process was killed (once per process)."""
    if os.getpid() in _swept:
        return
    _swept.add(os.getpid())
    for spool in Path(tempfile.gettempdir()).glob("dlmath-warm-*"):
        try:
            owner = int((spool / "owner").read_text())
        except (OSError, ValueError):
            continue  # not ours to judge (an older layout, or being created)
        if not launch.running(owner):
            shutil.rmtree(spool, ignore_errors=True)


def _run_folder(spool: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=spool))
    os.chmod(folder, 0o755)
    return folder


class Borrowed:
    """A zygote that the grading process which started this one lends it (:func:`lending`).

    A batch's parent starts one zygote before it starts its workers, so that
    the template imports once, while the workers import nbgrader, instead of
    once per worker.  The workers fork their runners from it exactly as
    from their own; if it dies, each worker starts its own.
    """

    def __init__(self, info: dict) -> None:
        self.fingerprint, self.pid = info["fingerprint"], int(info["pid"])
        self.control, self.spool = Path(info["control"]), Path(info["spool"])
        self.sandboxed = bool(info["sandboxed"])
        self._ready = False

    def ready(self, wait: float = 0.0) -> bool:
        """Whether the lender's zygote accepts runners, waiting up to ``wait`` seconds."""
        deadline = time.monotonic() + wait
        while not self._ready and self.alive():
            if self.control.exists():
                probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    probe.connect(str(self.control))
                    self._ready = True
                except OSError:
                    pass
                finally:
                    probe.close()
            if self._ready or time.monotonic() >= deadline:
                break
            time.sleep(0.02)
        return self._ready

    def alive(self) -> bool:
        """Whether the lender's zygote still runs."""
        return launch.running(self.pid) and (not self._ready or self.control.exists())

    def run_folder(self) -> Path:
        """A new socket folder for one runner, inside the lender's spool."""
        return _run_folder(self.spool)

    def stop(self) -> None:
        """Nothing: the lender ends its zygote."""


def _borrow(key_print: str) -> Borrowed | None:
    """The zygote lent through :data:`SHARED_ENV`, if it was started with the same settings."""
    try:
        info = json.loads(os.environ.get(SHARED_ENV) or "null")
    except ValueError:
        return None
    if not isinstance(info, dict) or info.get("fingerprint") != key_print:
        return None
    try:
        found = Borrowed(info)
    except (KeyError, TypeError, ValueError):
        return None
    return found if found.alive() else None


@contextlib.contextmanager
def lending(template: Zygote | None):
    """Within the block, processes started by this one borrow ``template`` (:class:`Borrowed`).

    Parameters
    ----------
    template : Zygote, Borrowed or None
        This process's zygote (one it borrowed itself, or ``None``: lend nothing).
    """
    if not isinstance(template, Zygote):
        yield
        return
    os.environ[SHARED_ENV] = template.lend()
    try:
        yield
    finally:
        os.environ.pop(SHARED_ENV, None)


def discard(template: Zygote | Borrowed | None) -> None:
    """Stop ``template`` and forget it (the next :func:`zygote` call starts a new one)."""
    if template is None:
        return
    with _lock:
        for key, item in list(_zygotes.items()):
            if item is template:
                _zygotes.pop(key)
    template.stop()


_spawner: dict[int, concurrent.futures.ThreadPoolExecutor] = {}
_spawner_lock = threading.Lock()


def _popen(cmd: list[str], **kwargs) -> subprocess.Popen:
    """``subprocess.Popen(cmd, **kwargs)``, called from this process's long-lived spawner thread.

    A child that asked to die with its parent (``PR_SET_PDEATHSIG``, and so
    bubblewrap's ``--die-with-parent``) dies when the thread that forked it
    ends; the spawner thread ends only with the process.
    """
    with _spawner_lock:
        pool = _spawner.get(os.getpid())
        if pool is None:
            pool = _spawner[os.getpid()] = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="dlmath-zygote-spawner")
    return pool.submit(subprocess.Popen, cmd, **kwargs).result()


_lock = threading.Lock()
_zygotes: dict[tuple, Zygote] = {}
_failed: dict[tuple, str] = {}


def zygote(sandboxed: bool, env: dict[str, str], imports: tuple[str, ...] = DEFAULT_IMPORTS,
           wait: float = 0.0) -> Zygote | Borrowed | None:
    """This process's zygote for these settings, once it is ready.

    The first call starts it and, unless ``wait`` allows time for its
    imports, returns ``None`` at once: that kernel starts cold while the
    zygote imports (a command that grades one notebook never waits for it).
    A zygote that died is replaced; one that cannot start is not tried again
    (:func:`failure` says why).  A zygote lent by the process that started
    this one (:func:`lending`) with the same settings is used instead of
    starting one.

    Parameters
    ----------
    sandboxed : bool
        Sandboxed runners or not.
    env : dict
        The runners' environment.
    imports : tuple of str, optional
        Modules imported before forking.
    wait : float, optional
        Seconds to wait for a starting zygote.

    Returns
    -------
    Zygote, Borrowed or None
        A zygote ready to fork, or ``None`` (start this kernel cold).
    """
    key = _key(sandboxed, env, imports)
    with _lock:
        current = _started(key, sandboxed, env, tuple(imports))
        if current is None:
            return None
        try:
            return current if current.ready(wait) else None
        except (ZygoteError, OSError) as exc:
            _failed[key] = str(exc)
            _zygotes.pop(key, None)
            return None


def template(sandboxed: bool, env: dict[str, str],
             imports: tuple[str, ...] = DEFAULT_IMPORTS) -> Zygote | Borrowed | None:
    """Like :func:`zygote`, but at once: the zygote started (or borrowed), ready or still importing.

    A batch calls it before it starts its workers, to lend them the zygote
    while it imports (:func:`lending`).
    """
    with _lock:
        return _started(_key(sandboxed, env, imports), sandboxed, env, tuple(imports))


def _key(sandboxed: bool, env: dict[str, str], imports: tuple[str, ...]) -> tuple:
    return (os.getpid(), sandboxed, tuple(sorted(env.items())), tuple(imports))


def _started(key: tuple, sandboxed: bool, env: dict[str, str],
             imports: tuple[str, ...]) -> Zygote | Borrowed | None:
    """The zygote for ``key``, started (or borrowed) if there is none; ready or not (under ``_lock``)."""
    if key in _failed:
        return None
    current = _zygotes.get(key)
    if isinstance(current, Borrowed) and not current.alive():
        current = None  # the lender's zygote is gone: start our own
    elif current is not None and not current.alive() and current._ready:
        current.stop()  # it died after starting: start another
        current = None
    if current is None and not isinstance(_zygotes.get(key), Borrowed):
        current = _borrow(fingerprint(sandboxed, env, imports))
    try:
        if current is None:
            current = Zygote(sandboxed, env, imports)
    except (ZygoteError, OSError) as exc:
        _failed[key] = str(exc)
        _zygotes.pop(key, None)
        return None
    _zygotes[key] = current
    return current


def failure() -> str:
    """Why the last zygote that failed did not start ("" if none failed)."""
    return next(iter(_failed.values()), "")


@atexit.register
def stop_all() -> None:
    """End every zygote this process started."""
    with _lock:
        for key, item in list(_zygotes.items()):
            if key[0] == os.getpid():
                item.stop()
            _zygotes.pop(key, None)
