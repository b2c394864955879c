"""The runner's OS sandbox: bubblewrap, an unprivileged user, resource limits.

The learner's notebook runs in a Jupyter kernel (the *runner*) that must see
nothing of the course but its own submission.  This module builds the
command that starts such a kernel:

* **bubblewrap** (``bwrap``, Debian's ``bubblewrap``) gives the kernel its
  own mount, PID, network, IPC and UTS namespaces.  Its file system is a
  fresh tmpfs holding, read-only, only the system (``/usr``), the Python
  installation and its virtual environment; a private, size-limited tmpfs
  home (``/home/learner``) with a copy of the submission's folder is the only
  writable place besides the kernel's own socket folder.  ``source/``,
  ``solutions/``, ``dlmath/``, the gradebook, other submissions and other
  kernels' connection files do not exist there, so ``dlmath`` cannot be
  imported and nothing can be read or written outside.
* **An unprivileged user.**  ``setpriv`` drops from root to a user id of its
  own (:func:`runner_uid`) with no groups, no capabilities and
  ``no_new_privs``, so the limits below hold (``RLIMIT_NPROC`` is not
  enforced for root).
* **Limits** (``prlimit``): address space, CPU seconds, processes, file
  size, no core dumps.
* **Lifetime.**  ``--die-with-parent`` ends the sandbox with its grader;
  killing the kernel kills the sandbox's PID namespace and everything in it.
* **Transport.**  With no network, the kernel talks to the grader over Unix
  sockets (ZeroMQ ``ipc``) in its own folder, bound into the sandbox.

Where bubblewrap cannot run (not root, no user namespaces, another OS),
:func:`available` says why and grading falls back to an unsandboxed runner:
the judge still decides every grade, but the batch summary says loudly that
the learner's code was not isolated.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

#: Where the learner's copy of their folder lives inside the sandbox.
HOME = "/home/learner"
#: Where the submission's folder is mounted read-only for the copy.
SUBMISSION = "/submission"
#: First user id handed to runners (far above ordinary accounts).
UID_BASE = 200_000


@dataclass(frozen=True)
class Limits:
    """Resource limits of one runner (0: no limit).

    Attributes
    ----------
    memory_mb : int
        Address space of each process, MiB.
    cpu_seconds : int
        CPU time of each process.
    processes : int
        Processes and threads of the runner's user.
    file_mb : int
        Largest file a process may write, MiB.
    home_mb : int
        Size of the writable home folder, MiB.
    """

    memory_mb: int = 3072
    cpu_seconds: int = 600
    processes: int = 64
    file_mb: int = 64
    home_mb: int = 128


@functools.lru_cache(maxsize=None)
def available() -> tuple[bool, str]:
    """Whether a sandboxed runner can start on this machine, and why not.

    Returns
    -------
    (bool, str)
        ``(True, "bubblewrap ...")`` or ``(False, reason)``.
    """
    if not sys.platform.startswith("linux"):
        return False, f"no sandbox on {sys.platform} (bubblewrap needs Linux)"
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False, "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
    if os.geteuid() != 0:
        return False, "the grader is not root, so it cannot drop the runner to its own user"
    for tool in ("setpriv", "prlimit"):
        if not shutil.which(tool):
            return False, f"{tool} (util-linux) is missing"
    probe = subprocess.run([bwrap, "--unshare-all", "--ro-bind", "/", "/", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return False, f"bubblewrap cannot create namespaces here: {probe.stderr.strip()[:200]}"
    version = subprocess.run([bwrap, "--version"], capture_output=True, text=True).stdout.strip()
    return True, version or "bubblewrap"


def runner_uid(slot: int) -> int:
    """A user id of its own for a runner (one per grading process)."""
    return UID_BASE + slot % 100_000


def _python_roots() -> list[str]:
    """Folders the runner's Python needs, read-only: the installation and the venv."""
    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(os.path.realpath(path))
    real = os.path.realpath(sys.executable)
    roots.add(os.path.dirname(os.path.dirname(real)))
    keep = []
    for root in sorted(roots):  # drop folders inside others
        if not root.startswith("/usr") and not any(root.startswith(k + os.sep) for k in keep):
            keep.append(root)
    return keep


def _ancestors(path: str) -> list[str]:
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def _base(env: dict[str, str] | None, rw: list[Path]) -> list[str]:
    """bwrap options shared by a runner and the zygote: namespaces, system, Python, tmpfs."""
    bwrap = shutil.which("bwrap") or "bwrap"
    cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
           "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--clearenv"]
    for key, value in sorted((env or {}).items()):
        cmd += ["--setenv", key, value]
    cmd += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        target = os.readlink(f"/{name}") if os.path.islink(f"/{name}") else None
        if target:
            cmd += ["--symlink", target, f"/{name}"]
        elif os.path.isdir(f"/{name}"):
            cmd += ["--ro-bind", f"/{name}", f"/{name}"]
    for path in ("/etc/ld.so.cache", "/etc/localtime", "/etc/ssl/certs"):
        if os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm",
            "--perms", "1777", "--tmpfs", "/tmp"]
    made: set[str] = {"/tmp"}
    binds = [(root, "--ro-bind") for root in _python_roots()] + [(str(p), "--bind") for p in rw]
    for path, kind in binds:
        for parent in _ancestors(path):
            if parent not in made and parent not in ("/usr",):
                made.add(parent)
                cmd += ["--perms", "0755", "--dir", parent]
        cmd += [kind, path, path]
    return cmd


def _limit_args(limits: Limits) -> list[str]:
    args = ["prlimit", "--core=0"]
    if limits.memory_mb:
        args.append(f"--as={limits.memory_mb * 1024 * 1024}")
    if limits.cpu_seconds:
        args.append(f"--cpu={limits.cpu_seconds}")
    if limits.processes:
        args.append(f"--nproc={limits.processes}")
    if limits.file_mb:
        args.append(f"--fsize={limits.file_mb * 1024 * 1024}")
    return args


def command(kernel_argv: list[str], *, submission: Path, sockets: Path, uid: int,
            limits: Limits = Limits(), env: dict[str, str] | None = None,
            quiet: bool = True) -> list[str]:
    """The command that runs ``kernel_argv`` inside the sandbox.

    Parameters
    ----------
    kernel_argv : list of str
        The kernel's command line as it runs inside (paths must exist there).
    submission : Path
        The submission's folder; copied into the private home at start.
    sockets : Path
        Folder of the kernel's connection file and Unix sockets; bound
        read-write at the same path (it must belong to ``uid``).
    uid : int
        The runner's user and group id.
    limits : Limits, optional
        Resource limits.
    env : dict, optional
        The kernel's whole environment (the grader's is not inherited).
    quiet : bool, optional
        Send the kernel's own stdout and stderr (not the notebook's outputs,
        which travel over its sockets) to ``/dev/null``.

    Returns
    -------
    list of str
        ``bwrap ... setpriv ... prlimit ... sh -c 'copy; exec kernel'``.
    """
    cmd = _base(env, [sockets])
    cmd += ["--ro-bind", str(submission), SUBMISSION,
            "--perms", "1777", "--size", str(limits.home_mb * 1024 * 1024), "--tmpfs", HOME,
            "--chdir", HOME]
    cmd += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
            "--inh-caps=-all", "--bounding-set=-all"]
    cmd += _limit_args(limits)
    script = f'cp -R {SUBMISSION}/. {HOME}/ 2>/dev/null; exec "$@"' + (" >/dev/null 2>&1" if quiet else "")
    cmd += ["--", "/bin/sh", "-c", script, "dlmath-runner"] + list(kernel_argv)
    return cmd


#: What the zygote may still do as root inside its sandbox: build each runner's
#: namespaces and mounts (SYS_ADMIN), then drop to the runner's user (SETUID,
#: SETGID) and clear the capability bounding set (SETPCAP).  Nothing else.
ZYGOTE_CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP")


def zygote_command(zygote_argv: list[str], *, spool: Path, env: dict[str, str] | None = None
                   ) -> list[str]:
    """The command that starts the warm-runner template (:mod:`dlmath.zygote`) sandboxed.

    The zygote sees what a runner sees (system, Python, no network, no
    course) plus ``spool``, the folder of its control socket and of every
    runner's socket folder, read-write.  It stays root with only
    :data:`ZYGOTE_CAPABILITIES`, and runs no learner code: each runner it
    forks hides the spool but for its own folder and drops to its own user.

    Parameters
    ----------
    zygote_argv : list of str
        The zygote's command line (paths inside ``spool`` or the Python roots).
    spool : Path
        The zygote's folder (it must belong to root, mode 0755).
    env : dict, optional
        The zygote's (and so every runner's) environment.

    Returns
    -------
    list of str
        ``bwrap ... python zygote.py ...``.
    """
    cmd = _base(env, [spool])
    cmd += ["--perms", "0755", "--dir", HOME, "--chdir", "/", "--cap-drop", "ALL"]
    for cap in ZYGOTE_CAPABILITIES:
        cmd += ["--cap-add", cap]
    return cmd + ["--"] + list(zygote_argv)
