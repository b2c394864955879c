"""Start a runner kernel: the command of the ``dlmath-grader`` kernel spec.

nbclient starts ``python -m dlmath.launch -f <connection file>`` in the
submission's folder.  This process belongs to the judge (it runs with the
grader's rights, once, before any learner code); it

1. reads the connection file, whose Unix sockets live in a folder of their
   own made by the executor (:mod:`dlmath.execution`);
2. writes the runner's boot code (:func:`dlmath.runner.boot_source`) and a
   copy of matplotlib's font cache into that folder and gives it to the
   runner's user;
3. replaces itself with the sandbox (:mod:`dlmath.isolation`) running a
   plain ``ipykernel`` with ``python -P`` (the working folder is never ahead
   of the environment on the import path), or, where no sandbox can be
   had, with the same kernel unsandboxed under resource limits.

Settings arrive as environment variables set by the executor from its
traitlets (:data:`ENV`).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from dlmath import isolation, runner

#: Environment variables the executor sets for this launcher.
ENV = {
    "sandbox": "DLMATH_SANDBOX",          # "auto", "bwrap" or "none"
    "memory_mb": "DLMATH_RUNNER_MEMORY_MB",
    "cpu_seconds": "DLMATH_RUNNER_CPU_SECONDS",
    "processes": "DLMATH_RUNNER_PROCESSES",
    "file_mb": "DLMATH_RUNNER_FILE_MB",
    "home_mb": "DLMATH_RUNNER_HOME_MB",
    "uid": "DLMATH_RUNNER_UID",
    "figures": "DLMATH_RUNNER_FIGURES",   # "1": rasterise plots as usual
}

#: matplotlib backend when plots are not rasterised: figures are built and
#: ``plt.show()`` works, nothing is drawn (part of matplotlib itself).
NO_FIGURES_BACKEND = "module://matplotlib.backends.backend_template"

#: Environment of the kernel (the grader's own is never passed on in the sandbox).
BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONNOUSERSITE": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "JOBLIB_MULTIPROCESSING": "0",
}


def _limits() -> isolation.Limits:
    def get(key: str, default: int) -> int:
        try:
            return int(os.environ.get(ENV[key], default))
        except ValueError:
            return default

    d = isolation.Limits()
    return isolation.Limits(memory_mb=get("memory_mb", d.memory_mb),
                            cpu_seconds=get("cpu_seconds", d.cpu_seconds),
                            processes=get("processes", d.processes),
                            file_mb=get("file_mb", d.file_mb),
                            home_mb=get("home_mb", d.home_mb))


def _font_cache(target: Path) -> None:
    """Give the runner matplotlib's font list, so it does not rebuild it per kernel."""
    try:
        import matplotlib

        cache = Path(matplotlib.get_cachedir())
        for item in cache.glob("fontlist-*.json"):
            shutil.copy2(item, target / item.name)
    except Exception:
        pass


def kernel_argv(connection_file: Path, boot: Path) -> list[str]:
    """The ipykernel command line inside the runner."""
    return [sys.executable, "-P", "-m", "ipykernel_launcher", "-f", str(connection_file),
            f"--IPKernelApp.exec_files={boot}", "--HistoryManager.enabled=False",
            "--HistoryManager.hist_file=:memory:", "--IPKernelApp.quiet=True"]


def prepare(connection_file: Path, uid: int, sandboxed: bool) -> tuple[Path, Path, Path]:
    """Fill the runner's socket folder; return (folder, connection file, boot file)."""
    info = json.loads(connection_file.read_text())
    if info.get("transport") != "ipc":
        raise SystemExit("dlmath.launch needs a kernel with ipc transport (see dlmath.execution)")
    folder = Path(info["ip"]).parent
    conn = folder / "kernel.json"
    if connection_file.resolve() != conn.resolve():
        shutil.copy2(connection_file, conn)
    boot = folder / "boot.py"
    figures = os.environ.get(ENV["figures"], "1") != "0"
    boot.write_text(runner.boot_source(hide=() if sandboxed else ("dlmath", "nbgrader"),
                                       close_figures=not figures))
    mpl = folder / "mpl"
    mpl.mkdir(exist_ok=True)
    _font_cache(mpl)
    if sandboxed:
        for path in [folder, mpl, *mpl.iterdir(), conn, boot]:
            os.chown(path, uid, uid)
        os.chmod(conn, 0o600)
    return folder, conn, boot


def main(argv: list[str] | None = None) -> None:
    """Prepare the runner, then become it."""
    argv = list(sys.argv[1:] if argv is None else argv)
    connection_file = Path(argv[argv.index("-f") + 1])
    choice = os.environ.get(ENV["sandbox"], "auto")
    ok, why = isolation.available()
    if choice == "bwrap" and not ok:
        raise SystemExit(f"dlmath: the sandbox was required but cannot start: {why}")
    sandboxed = ok and choice != "none"
    uid = int(os.environ.get(ENV["uid"]) or isolation.runner_uid(os.getpid()))
    folder, conn, boot = prepare(connection_file, uid, sandboxed)
    limits = _limits()
    env = dict(BASE_ENV, MPLCONFIGDIR=str(folder / "mpl"))
    if os.environ.get(ENV["figures"], "1") == "0":
        env["MPLBACKEND"] = NO_FIGURES_BACKEND
    if sandboxed:
        env["HOME"] = isolation.HOME
        cmd = isolation.command(kernel_argv(conn, boot), submission=Path.cwd(), sockets=folder,
                                uid=uid, limits=limits, env=env)
        os.execvpe(cmd[0], cmd, os.environ)
    # Not isolated: the same kernel and boot, under limits, as the grader's user.
    import resource

    for what, value in ((resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024),
                        (resource.RLIMIT_FSIZE, limits.file_mb * 1024 * 1024),
                        (resource.RLIMIT_CORE, 0)):
        if value or what == resource.RLIMIT_CORE:
            resource.setrlimit(what, (value, value))
    course_root = str(Path(__file__).resolve().parent.parent)
    child_env = {k: v for k, v in os.environ.items()
                 if not k.startswith(("NBGRADER", "DLMATH_", "JPY_"))}
    child_env.update(env)
    child_env["PYTHONPATH"] = os.pathsep.join(
        p for p in child_env.get("PYTHONPATH", "").split(os.pathsep) if p and p != course_root)
    args = kernel_argv(conn, boot)
    devnull = os.open(os.devnull, os.O_WRONLY)  # the kernel's own banner is not for anyone
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.execvpe(args[0], args, child_env)


if __name__ == "__main__":
    main()
