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


def client(address: str):
    """One Dask client per process and scheduler address."""
    from distributed import Client

    with _lock:
        if address not in _clients:
            _clients[address] = Client(address, timeout="30s", set_as_default=False)
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
    from traitlets.config import Config

    from dlmath import course
    from dlmath.execution import ResilientExecute

    kernels = str(course.ROOT / "dlmath" / "jupyter")  # the runner's kernel spec
    if kernels not in os.environ.get("JUPYTER_PATH", "").split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            p for p in (kernels, os.environ.get("JUPYTER_PATH", "")) if p)

    folder = Path(tempfile.mkdtemp(prefix="dlmath-task-"))
    try:
        for rel, data in payload.get("files", {}).items():
            target = (folder / rel).resolve()
            if folder.resolve() not in target.parents:
                continue  # no paths outside the task's folder
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(base64.b64decode(data))
        nb = nbformat.reads(payload["notebook"], as_version=4)
        config = Config()
        config.ResilientExecute.kernel_name = "dlmath-grader"
        for key, value in payload.get("settings", {}).items():
            setattr(config.ResilientExecute, key, value)
        executor = ResilientExecute(config=config)
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
        future = client(self.scheduler).submit(execute, payload, pure=False, retries=self.retries)
        result = future.result(timeout=self.timeout)
        executed = nbformat.reads(result["notebook"], as_version=4)
        executed.metadata.setdefault("dlmath", {})["worker"] = result.get("worker")
        return executed, resources
