"""Start a runner kernel: the command of the ``dlmath-grader`` kernel spec.

nbclient starts ``python -m dlmath.launch -f <connection file>`` in the
submission's folder.  This process belongs to the judge (it runs with the
grader's rights, once, before any learner code); it

1. reads the connection file, whose Unix sockets live in a folder of their
   own made by the executor (:mod:`dlmath.execution`);
2. writes the runner's boot code (:func:`dlmath.runner.boot_source`) and a
   copy of matplotlib's font cache into that folder and gives it to the
   runner's user;
3. either asks the grading process's warm-runner template
   (:mod:`dlmath.warm`, :mod:`dlmath.zygote`) for a runner forked from it,
   hands it a copy of the submission and then stands in for it: it ends
   with the runner's exit code, and killing it kills the runner;
4. or, with no template (or where it is gone), replaces itself with the
   sandbox (:mod:`dlmath.isolation`) running a plain ``ipykernel`` with
   ``python -P`` (the working folder is never ahead of the environment on
   the import path), or, where no sandbox can be had, with the same kernel
   unsandboxed under resource limits.

Settings arrive as environment variables set by the executor from its
traitlets (:data:`ENV`).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

# dlmath.isolation and dlmath.runner are imported where a cold start needs
# them: a warm start is a few milliseconds of this process's time.

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
    "warm": "DLMATH_WARM",                # the warm-runner template's request (JSON)
}

#: matplotlib backend when plots are rasterised (what ipykernel would choose).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

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


def _limits():
    from dlmath import isolation

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


def copy_font_cache(target: Path) -> None:
    """Give the runner matplotlib's font list, so it does not rebuild it per kernel."""
    try:
        import matplotlib

        cache = Path(matplotlib.get_cachedir())
        for item in cache.glob("fontlist-*.json"):
            shutil.copy2(item, target / item.name)
    except Exception:
        pass


def kernel_args(connection_file: Path, boot: Path) -> list[str]:
    """ipykernel's options inside the runner."""
    return ["-f", str(connection_file), f"--IPKernelApp.exec_files={boot}",
            "--HistoryManager.enabled=False", "--HistoryManager.hist_file=:memory:",
            "--IPKernelApp.quiet=True"]


def kernel_argv(connection_file: Path, boot: Path) -> list[str]:
    """The ipykernel command line inside the runner."""
    return [sys.executable, "-P", "-m", "ipykernel_launcher", *kernel_args(connection_file, boot)]


def runner_env(sandboxed: bool, figures: bool) -> dict[str, str]:
    """The runner's whole environment, but for ``MPLCONFIGDIR``.

    Sandboxed: :data:`BASE_ENV` and the private home.  Not sandboxed: the
    grader's environment without its own settings and without the course on
    ``PYTHONPATH``.
    """
    env = dict(BASE_ENV, MPLBACKEND=INLINE_BACKEND if figures else NO_FIGURES_BACKEND)
    if sandboxed:
        from dlmath import isolation

        return dict(env, HOME=isolation.HOME)
    course_root = str(Path(__file__).resolve().parent.parent)
    child = {k: v for k, v in os.environ.items()
             if not k.startswith(("NBGRADER", "DLMATH_", "JPY_", "MPL"))}
    child.update(env)
    child["PYTHONPATH"] = os.pathsep.join(
        p for p in child.get("PYTHONPATH", "").split(os.pathsep) if p and p != course_root)
    return child


def prepare(connection_file: Path, uid: int, sandboxed: bool,
            font_cache: bool = True) -> tuple[Path, Path, Path]:
    """Fill the runner's socket folder; return (folder, connection file, boot file)."""
    info = json.loads(connection_file.read_text())
    if info.get("transport") != "ipc":
        raise SystemExit("dlmath.launch needs a kernel with ipc transport (see dlmath.execution)")
    folder = Path(info["ip"]).parent
    conn = folder / "kernel.json"
    if connection_file.resolve() != conn.resolve():
        shutil.copy2(connection_file, conn)
    boot = folder / "boot.py"
    if not boot.exists():  # the executor writes it once per process; the launcher otherwise
        from dlmath import runner

        figures = os.environ.get(ENV["figures"], "1") != "0"
        boot.write_text(runner.boot_source(hide=() if sandboxed else ("dlmath", "nbgrader"),
                                           close_figures=not figures))
    mpl = folder / "mpl"
    mpl.mkdir(exist_ok=True)
    if font_cache:
        copy_font_cache(mpl)
    if sandboxed:
        for path in [folder, mpl, *mpl.iterdir(), conn, boot]:
            os.chown(path, uid, uid)
        os.chmod(conn, 0o600)
    return folder, conn, boot


def stage_submission(source: Path, target: Path, budget: int, uid: int | None) -> None:
    """Copy the submission's regular files and folders for a warm runner, within ``budget`` bytes.

    Symbolic links, sockets and pipes are left out (a pipe would block the
    copy); so is whatever no longer fits, as the private home would refuse it.
    """
    used = 0
    target.mkdir(exist_ok=True)
    for root, dirs, files in os.walk(source, followlinks=False):
        here = target / Path(root).relative_to(source)
        here.mkdir(exist_ok=True)
        for name in files:
            path = Path(root) / name
            try:
                info = path.lstat()
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode) or used + info.st_size > budget:
                continue
            try:
                shutil.copy2(path, here / name)
            except OSError:
                continue
            used += info.st_size
        dirs[:] = [d for d in dirs if not (Path(root) / d).is_symlink()]
    if uid is not None:
        for root, dirs, files in os.walk(target):
            os.chown(root, uid, uid)
            for name in files:
                os.chown(os.path.join(root, name), uid, uid)


def warm_request(control: str, sandboxed: bool, limits, home: str) -> str:
    """What the executor tells the launcher about its template (:data:`ENV` ``warm``).

    Parameters
    ----------
    control : str
        The template's control socket.
    sandboxed : bool
        Whether the template forks sandboxed runners.
    limits : dlmath.isolation.Limits
        The runners' limits.
    home : str
        The runners' private home inside the sandbox.
    """
    import dataclasses

    from dlmath import isolation

    return json.dumps({"control": control, "sandboxed": sandboxed, "home": home,
                       "limits": dataclasses.asdict(limits), "uid_base": isolation.UID_BASE})


def warm_start(settings: dict, connection_file: Path) -> int:
    """Have the warm-runner template fork this kernel; stand in for it until it ends.

    Parameters
    ----------
    settings : dict
        :func:`warm_request`, decoded.
    connection_file : Path
        The kernel's connection file.

    Returns
    -------
    int
        The runner's exit code.

    Raises
    ------
    OSError
        If the template cannot be reached (the caller then starts cold).
    """
    import socket

    sandboxed = bool(settings["sandboxed"])
    limits = settings["limits"]
    uid = int(os.environ.get(ENV["uid"]) or settings["uid_base"] + os.getpid() % 100_000)
    folder, conn, boot = prepare(connection_file, uid, sandboxed, font_cache=False)
    request = {"folder": str(folder), "spool": str(folder.parent), "uid": uid,
               "sandboxed": sandboxed, "limits": limits, "kernel_args": kernel_args(conn, boot)}
    if sandboxed:
        staged = folder / "submission"
        stage_submission(Path.cwd(), staged, limits["home_mb"] * 1024 * 1024, uid)
        request.update(home=settings["home"], submission=str(staged))
    else:
        request.update(home=str(Path.cwd()), submission=None)
    link = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    link.connect(settings["control"])
    link.sendall((json.dumps(request) + "\n").encode())
    stream = link.makefile("r")
    if not stream.readline():
        raise ConnectionError("the warm-runner template refused the runner")
    for line in stream:  # the watcher says how the runner ended, or the link breaks
        try:
            return int(json.loads(line).get("exit", 1))
        except (ValueError, AttributeError):
            return 1
    return 1


def follow_grader() -> None:
    """Tie this launcher's life, and so its runner's, to the grader that started it.

    jupyter_client starts a kernel with ``JPY_PARENT_PID`` set to its own
    process.  A launcher whose grader has died (a batch worker stopped, a
    Dask worker killed) must not go on to start, or stand in for, a runner
    nobody will ever shut down: the kernel sends this process SIGKILL when
    the grader ends (``PR_SET_PDEATHSIG``, the same rule as bubblewrap's
    ``--die-with-parent`` on a cold runner), and a grader that ended before
    that rule was in place is noticed by its process id (looked up, not
    compared with this process's parent: a wrapper such as a Python shim may
    stand between them).

    Raises
    ------
    SystemExit
        If the grader that started this launcher is already gone.
    """
    from dlmath import zygote

    try:
        zygote.die_with_parent()
    except (OSError, AttributeError):  # not Linux: the runner then ends with its kernel manager
        pass
    grader = os.environ.get("JPY_PARENT_PID", "")
    if grader.isdigit() and int(grader) > 0 and not running(int(grader)):
        raise SystemExit(f"dlmath: the grader that started this runner (process {grader}) is gone")


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not ended (a zombie has).

    Read from ``/proc``; where there is none (not Linux), asked of the kernel.
    """
    if not os.path.isdir("/proc/self"):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # another user's, and alive
            pass
        return True
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def main(argv: list[str] | None = None) -> None:
    """Prepare the runner, then become it (or stand in for a warm one)."""
    follow_grader()
    argv = list(sys.argv[1:] if argv is None else argv)
    connection_file = Path(argv[argv.index("-f") + 1])
    try:
        settings = json.loads(os.environ.get(ENV["warm"]) or "null")
    except ValueError:
        settings = None
    if isinstance(settings, dict) and os.path.exists(settings.get("control", "")):
        try:
            code = warm_start(settings, connection_file)
        except OSError:
            pass  # no template after all: start cold
        else:
            os._exit(code if 0 <= code < 256 else 1)
    from dlmath import isolation

    choice = os.environ.get(ENV["sandbox"], "auto")
    ok, why = isolation.available()
    if choice == "bwrap" and not ok:
        raise SystemExit(f"dlmath: the sandbox was required but cannot start: {why}")
    sandboxed = ok and choice != "none"
    uid = int(os.environ.get(ENV["uid"]) or isolation.runner_uid(os.getpid()))
    limits = _limits()
    figures = os.environ.get(ENV["figures"], "1") != "0"
    folder, conn, boot = prepare(connection_file, uid, sandboxed)
    env = dict(runner_env(sandboxed, figures), MPLCONFIGDIR=str(folder / "mpl"))
    if sandboxed:
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
    args = kernel_argv(conn, boot)
    devnull = os.open(os.devnull, os.O_WRONLY)  # the kernel's own banner is not for anyone
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.execvpe(args[0], args, env)


if __name__ == "__main__":
    main()
