"""Grading on a Dask cluster: the expensive part on workers, the bookkeeping at home.

``python -m dlmath.batch --cluster tcp://HOST:8786`` grades as usual, with
one change in nbgrader's autograde pipeline: the execution step
(:class:`dlmath.execution.ResilientExecute`, which starts the sandboxed
runner and runs the judge) is replaced by :class:`RemoteExecute`, which
ships the notebook to a Dask worker and waits for it to come back executed.
Everything else stays on the instructor's side:

* the intake and nbgrader's sanitizing (the hidden test sources come from
  the instructor's gradebook), and nbgrader's own scoring
  (``SaveAutoGrades``) into the instructor's gradebook, so scores are exactly
  what local grading records;
* a task carries one submission's notebook (hidden tests restored) and the
  files handed in beside it; it brings back the executed notebook, with its
  outputs and events.  Workers need no shared file system and no database.

Start workers with ``dask worker --preload dlmath.cluster`` (:func:`dask_setup`)
so that each starts its warm-runner template at once; without it, a worker
starts it when the first grader connects (:func:`warm_up`).

A worker that dies mid-task loses nothing: Dask runs the task again
elsewhere (``retries``), and since only the instructor's side records a
submission, and only once its task has returned, nothing is recorded twice.
Workers run the same sandboxed runner and judge as local grading; their
machines need bubblewrap and root for the sandbox, as a local grader does.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
import threading
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Integer, Unicode

#: Largest total size of the files shipped beside a notebook.
MAX_FILES_BYTES = 64 * 1024 * 1024

_clients: dict[str, object] = {}
_lock = threading.Lock()


def client(address: str, settings: dict | None = None):
    """One Dask client per process and scheduler address.

    A new client asks every worker to start its warm-runner template
    (:func:`warm_up`) with the executor's ``settings``.
    """
    from distributed import Client

    with _lock:
        if address not in _clients:
            _clients[address] = Client(address, timeout="30s", set_as_default=False)
            if settings is not None:
                try:
                    _clients[address].run(warm_up, settings)
                except Exception:  # noqa: BLE001 -- tasks start templates themselves
                    pass
        return _clients[address]


def _files(folder: Path, notebook: str) -> dict[str, str]:
    """Files handed in beside the notebook (base64), skipping the notebook itself."""
    out, total = {}, 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name == notebook or path.is_symlink():
            continue
        data = path.read_bytes()
        total += len(data)
        if total > MAX_FILES_BYTES:
            break
        out[str(path.relative_to(folder))] = base64.b64encode(data).decode("ascii")
    return out


def _config(settings: dict):
    """The executor's configuration on a worker, from the settings a task carries."""
    from traitlets.config import Config

    config = Config()
    config.ResilientExecute.kernel_name = "dlmath-grader"
    for key, value in settings.items():
        setattr(config.ResilientExecute, key, value)
    return config


def _kernel_path() -> None:
    """Put the runner's kernel spec on ``JUPYTER_PATH`` of this worker."""
    from dlmath import course

    kernels = str(course.ROOT / "dlmath" / "jupyter")
    if kernels not in os.environ.get("JUPYTER_PATH", "").split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            p for p in (kernels, os.environ.get("JUPYTER_PATH", "")) if p)


def warm_up(settings: dict) -> None:
    """Run on every worker when a grader connects: start its warm-runner template.

    Returns at once; a thread of the worker starts the template for the
    executor's ``settings`` (:meth:`dlmath.execution.ResilientExecute.template`),
    so that the worker's first task finds it importing or ready.
    """
    _start_template(lambda: _config(settings))


def dask_setup(worker=None) -> None:
    """Dask's preload hook (``dask worker --preload dlmath.cluster``): warm up at worker start.

    The worker starts its warm-runner template with the course's own
    settings (``nbgrader_config.py``) as soon as it starts, before any grader
    connects, so that even its first task forks a warm runner.
    """
    from dlmath import course, nbgrader_api

    _start_template(lambda: nbgrader_api.load_config(course.ROOT))


def _start_template(make_config) -> None:
    """In a thread of this worker: start the template for the configuration ``make_config()``."""
    def start() -> None:
        try:
            from dlmath.execution import ResilientExecute

            _kernel_path()
            ResilientExecute(config=make_config()).template()
        except Exception:  # noqa: BLE001 -- the first task then starts it
            pass

    threading.Thread(target=start, name="dlmath-warm-up", daemon=True).start()


def execute(payload: dict) -> dict:
    """Run on a Dask worker: execute one notebook with the sandboxed runner and the judge.

    Parameters
    ----------
    payload : dict
        ``notebook`` (JSON text, hidden tests included), ``files``
        (relative path -> base64), ``settings`` (traitlets of
        :class:`~dlmath.execution.ResilientExecute`), ``name`` (file name).

    Returns
    -------
    dict
        ``notebook``: the executed notebook as JSON text; ``worker``: which
        process ran it.
    """
    from dlmath.execution import ResilientExecute

    _kernel_path()
    folder = Path(tempfile.mkdtemp(prefix="dlmath-task-"))
    try:
        for rel, data in payload.get("files", {}).items():
            target = (folder / rel).resolve()
            if folder.resolve() not in target.parents:
                continue  # no paths outside the task's folder
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(base64.b64decode(data))
        nb = nbformat.reads(payload["notebook"], as_version=4)
        executor = ResilientExecute(config=_config(payload.get("settings", {})))
        nb, _ = executor.preprocess(nb, {"metadata": {"path": str(folder)}})
        return {"notebook": nbformat.writes(nb), "worker": f"{os.uname().nodename}:{os.getpid()}"}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class RemoteExecute(NbGraderPreprocessor):
    """nbgrader's execution step, done on a Dask cluster."""

    scheduler = Unicode("", help="Address of the Dask scheduler, e.g. tcp://10.0.0.5:8786.").tag(
        config=True)
    retries = Integer(3, help="How often a task lost with its worker is run again.").tag(config=True)
    settings = Dict(help="Traitlets of ResilientExecute for the workers (call_seconds, "
                         "memory_mb, sandbox, ...).").tag(config=True)
    timeout = Integer(1800, help="Seconds to wait for one notebook to come back.").tag(config=True)

    def preprocess(self, nb, resources):
        """Send ``nb`` to a worker; return it executed."""
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        name = resources.get("unique_key", "notebook") + ".ipynb"
        payload = {"notebook": nbformat.writes(nb), "files": _files(folder, name),
                   "settings": dict(self.settings), "name": name}
        future = client(self.scheduler, dict(self.settings)).submit(
            execute, payload, pure=False, retries=self.retries)
        result = future.result(timeout=self.timeout)
        executed = nbformat.reads(result["notebook"], as_version=4)
        executed.metadata.setdefault("dlmath", {})["worker"] = result.get("worker")
        return executed, resources
