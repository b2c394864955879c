"""The grading kernel: IPython under resource limits.

``nbgrader_config.py`` makes nbgrader run every notebook it executes in the
``dlmath-grader`` kernel (``dlmath/jupyter/kernels/dlmath-grader``), which
starts this module instead of a plain ``ipykernel``.  Before the kernel
serves its first cell it

* caps its address space (:data:`MEMORY_ENV`, MiB) so a memory bomb raises
  ``MemoryError`` in the learner's cell instead of swapping the machine,
  caps the size of files it may write, and disables core dumps;
* makes starting processes (``os.fork``, ``os.system``, ``subprocess``,
  ``os.exec*``, ``os.posix_spawn``) raise ``PermissionError``, so a fork
  bomb or a runaway child cannot start (the kernel's process group is also
  killed when nbgrader shuts the kernel down);
* imports the grading helpers and the assignment's hidden tests, so files a
  learner writes into the working folder can never shadow them, and takes
  the :mod:`dlmath.integrity` snapshot the grader restores before each test;
* runs numerical libraries on one thread, so parallel grading workers do not
  fight over the cores.

These are best-effort defences inside one Python process; see the README's
grading section for what they cannot stop.
"""

from __future__ import annotations

import os
import resource
import sys

#: Environment variable with the kernel's memory limit in MiB (0: no limit).
MEMORY_ENV = "DLMATH_GRADER_MEMORY_MB"
#: Environment variable with the largest file the kernel may write, in MiB.
FILE_ENV = "DLMATH_GRADER_FILE_MB"


def apply_limits(memory_mb: int, file_mb: int) -> None:
    """Set the kernel's resource limits (address space, file size, core dumps).

    Parameters
    ----------
    memory_mb : int
        Address-space limit in MiB; 0 leaves it unlimited.
    file_mb : int
        Largest file the process may write, in MiB; 0 leaves it unlimited.
    """
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if file_mb > 0:
        limit = file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _refuse(name: str):
    def refused(*args, **kwargs):
        raise PermissionError(f"{name} is not allowed while grading: graded code may not "
                              "start other processes")
    refused.__name__ = name.rpartition(".")[2]
    return refused


def block_subprocesses() -> None:
    """Make every way of starting a process from Python raise ``PermissionError``."""
    import posix
    import subprocess

    names = ["fork", "forkpty", "system", "popen", "posix_spawn", "posix_spawnp",
             "execv", "execve", "execl", "execle", "execlp", "execlpe", "execvp", "execvpe",
             "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe"]
    for module in (os, posix):
        for name in names:
            if hasattr(module, name):
                setattr(module, name, _refuse(f"{module.__name__}.{name}"))
    subprocess.Popen._execute_child = _refuse("subprocess.Popen")  # type: ignore[assignment]


def preload() -> None:
    """Import what the hidden tests need before any learner code runs."""
    import numpy  # noqa: F401

    import dlmath.grading  # noqa: F401
    import dlmath.hidden  # noqa: F401


def protect_assignment() -> None:
    """Load the hidden tests of the assignment being graded and snapshot the trusted state.

    The kernel runs in ``.../<assignment>/``; its hidden tests (and through
    them the reference solutions) are imported now, before learner code.
    """
    import importlib

    from dlmath import course, integrity

    name = os.path.basename(os.getcwd())
    try:
        importlib.import_module(f"dlmath.hidden.{course.get(name).module}")
    except Exception:  # not a course folder: protect the core modules only
        pass
    integrity.snapshot()


def short_tracebacks() -> None:
    """Show errors raised inside the course package as one line, without its code.

    A failing hidden test must teach through its message, not show the test's
    source lines (which would leak the hidden tests into the feedback).
    """
    from IPython import get_ipython

    ip = get_ipython()
    course_dir = os.path.dirname(os.path.abspath(__file__))

    def handler(shell, etype, value, tb, tb_offset=None):
        frames, inside = tb, False
        while frames is not None:
            if os.path.abspath(frames.tb_frame.f_code.co_filename).startswith(course_dir):
                inside = True
                break
            frames = frames.tb_next
        if inside:
            stb = [f"{etype.__name__}: {value}"]
        else:
            stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        shell._showtraceback(etype, value, stb)
        return stb

    if ip is not None:
        ip.set_custom_exc((BaseException,), handler)


def main() -> None:
    """Apply the limits, then run an ordinary IPython kernel."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    preload()
    from ipykernel import kernelapp

    apply_limits(int(os.environ.get(MEMORY_ENV, "0") or 0), int(os.environ.get(FILE_ENV, "0") or 0))
    app = kernelapp.IPKernelApp.instance()
    app.initialize(sys.argv[1:])
    block_subprocesses()
    os.environ.pop("NBGRADER_EXECUTION", None)  # do not tell graded code it is being graded
    protect_assignment()
    short_tracebacks()
    app.start()


if __name__ == "__main__":
    main()
