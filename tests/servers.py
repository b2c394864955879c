"""Real servers for the scale-out tests: a Dask cluster and a PostgreSQL server on loopback.

Each fixture starts the real program (``dask scheduler``/``dask worker``
from the course's environment, Debian's PostgreSQL ``initdb``/``pg_ctl``)
on 127.0.0.1 and stops it afterwards.  Where a program cannot be had, the
test is skipped with the reason: a skip is never a pass.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, seconds: float = 60) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port}")


class DaskCluster:
    """``dask scheduler`` and ``dask worker`` processes on loopback."""

    def __init__(self, workers: int = 2) -> None:
        dask = Path(sys.executable).with_name("dask")
        if not dask.exists():
            pytest.skip("the dask command is not installed (distributed missing from .venv)")
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.log = open(os.devnull, "w")
        self.scheduler = subprocess.Popen(
            [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-dashboard", "--no-show"], stdout=self.log, stderr=self.log,
            start_new_session=True)
        _wait_port(self.port)
        self.workers = [self._worker(i) for i in range(workers)]
        self.wait_for_workers(workers)

    def _worker(self, i: int) -> subprocess.Popen:
        dask = Path(sys.executable).with_name("dask")
        return subprocess.Popen(
            [str(dask), "worker", self.address, "--nthreads", "1", "--nworkers", "1",
             "--no-nanny", "--name", f"w{i}", "--no-dashboard", "--host", "127.0.0.1",
             "--death-timeout", "60", "--preload", "dlmath.cluster"],
            stdout=self.log, stderr=self.log, start_new_session=True)

    def wait_for_workers(self, n: int, seconds: float = 90) -> None:
        from distributed import Client

        with Client(self.address, timeout="30s") as c:
            c.wait_for_workers(n, timeout=seconds)

    def kill_worker(self, i: int = 0) -> None:
        """SIGKILL a worker and everything it started (its runner kernels too)."""
        os.killpg(self.workers[i].pid, signal.SIGKILL)
        self.workers[i].wait()

    def close(self) -> None:
        """Workers first, then the scheduler.

        A worker told to stop while its scheduler is stopping too waits for
        the scheduler it can no longer reach (20 s and more); stopped first,
        each says goodbye and ends in well under a second.
        """
        for group in (self.workers, [self.scheduler]):
            for p in group:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            for p in group:
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
        self.log.close()


class Postgres:
    """A throwaway PostgreSQL server: ``initdb`` in a temporary folder, a port on 127.0.0.1."""

    def __init__(self, folder: Path | None = None) -> None:
        import tempfile

        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            pytest.skip("PostgreSQL is not installed (Debian package postgresql)")
        if os.geteuid() != 0 or not shutil.which("runuser"):
            pytest.skip("starting PostgreSQL needs root (to run it as the postgres user)")
        self.bin = Path(bins[-1]).parent
        # the postgres user must reach it: not under pytest's root-only tmp folders
        folder = Path(tempfile.mkdtemp(prefix="dlmath-pg-"))
        self.folder = folder
        shutil.chown(folder, "postgres", "postgres")
        os.chmod(folder, 0o700)
        self.data = folder / "data"
        self.port = free_port()
        self._as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "--auth=trust",
                           "-U", "postgres", "-E", "UTF8"])
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-l",
                           str(folder / "server.log"), "-o",
                           f"-p {self.port} -k {folder} -c listen_addresses=127.0.0.1", "start"])
        self.databases = 0

    def _as_postgres(self, cmd: list[str]) -> None:
        done = subprocess.run(["runuser", "-u", "postgres", "--"] + cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, cwd=self.folder)
        if done.returncode:
            raise RuntimeError(f"{Path(cmd[0]).name} failed: {done.stderr.strip()[-500:]}")

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        self.databases += 1
        name = f"gradebook{self.databases}"
        self._as_postgres([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                           "-U", "postgres", name])
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def close(self) -> None:
        try:
            self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                               "stop"])
        except RuntimeError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)
