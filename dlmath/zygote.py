"""The warm-runner template: one process that has imported what notebooks import.

Starting a kernel costs about a second, nearly all of it imports (numpy,
sympy, matplotlib, IPython).  A *zygote* pays that once per grading process:
it starts inside the sandbox (:func:`dlmath.isolation.zygote_command`), as
root but with only the capabilities it needs to build a runner, imports the
libraries, starts nothing else (no kernel, no threads, no ZeroMQ context) and
then waits on a Unix socket that only root can open.  For each kernel the
judge wants, the launcher (:mod:`dlmath.launch`) sends one line of JSON and
the zygote forks:

``A`` (watcher, outside the runner's namespaces)
    holds the launcher's connection: when the launcher dies (the kernel
    manager killed it) it kills the runner; when the runner ends it reports
    the exit code, so the launcher looks exactly like the kernel to the kernel
    manager.  It enters new mount, PID, network, IPC and UTS namespaces for
    its child.
``B`` (init, PID 1 of the new PID namespace)
    mounts a fresh ``/proc``, ``/tmp``, ``/dev/shm`` and a size-limited home,
    hides every other runner's folder (only its own socket folder stays), and
    reaps; when the kernel ends, ``B`` ends and the kernel takes every process
    it started with it.
``C`` (the runner)
    drops to the runner's own user (no groups, no capabilities, no bounding
    set, ``no_new_privs`` from bubblewrap), sets its resource limits, reseeds
    every random generator it inherited, closes every inherited descriptor,
    copies the submission into its home and becomes an ``ipykernel``.

So each submission still gets a new process, a new user, new namespaces and
nothing of another submission's state: what it inherits is the zygote's
memory right after imports, the same for everyone (Python's string-hash seed
included, which decides no grade).

This file runs as a script inside the sandbox, where ``dlmath`` does not
exist: it imports nothing of the course.
"""

import ctypes
import json
import os
import select
import signal
import socket
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = 4096, 8192, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_CAPBSET_DROP = 1, 24
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source.encode() if source else None, target.encode(),
                       fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                       data.encode() if data else None), f"mount {target}")


def _prctl(option, arg):
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), f"prctl {option}")


def die_with_parent():
    """Have the kernel send this process SIGKILL when its parent ends (``PR_SET_PDEATHSIG``).

    Raises
    ------
    OSError
        If ``prctl`` refuses (or AttributeError where there is no ``prctl``: not Linux).
    """
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _drop_capabilities():
    """Clear the bounding set and ambient set (then setuid clears the rest)."""
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last + 1):
        _libc.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(cap), 0, 0, 0)
    _libc.prctl(PR_CAP_AMBIENT, ctypes.c_ulong(PR_CAP_AMBIENT_CLEAR_ALL), 0, 0, 0)


def _clear_inheritable():
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header = Header(0x20080522, 0)
    data = (Data * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def preload(names):
    """Import what notebooks import, so every runner starts with it."""
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:
                pass
        # the kernel's own modules, debugger included (its import alone is 0.1 s)
        for name in ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
                     "ipykernel.iostream", "ipykernel.debugger", "ipykernel.comm",
                     "matplotlib_inline.backend_inline"):
            try:
                importlib.import_module(name)
            except Exception:
                pass
        try:  # matplotlib's font list, read once here instead of once per runner
            import matplotlib.font_manager  # noqa: F401
        except Exception:
            pass


# -- the three processes of one runner -----------------------------------------------------

def _runner_mounts(request):
    """In B: a view of the file system that shows only this runner's folder."""
    folder = request["folder"]
    home = request["home"]
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    spool = request["spool"]
    hide = ["/tmp"] + ([spool] if not spool.startswith("/tmp/") else [])
    # What must stay visible under the hidden folders: this runner's own folder, and the
    # sandbox's read-only mounts there (a virtual environment under /tmp, say).
    keep = [(folder, MS_BIND | MS_REC)]
    for point in _mount_points():
        inside = any(point.startswith(h + "/") for h in hide)
        if inside and point != spool and not point.startswith(spool + "/"):
            keep.append((point, MS_MOVE))
    keep = [(p, how) for p, how in keep if not any(p.startswith(q + "/") for q, _ in keep)]
    staged = []
    for i, (path, how) in enumerate(keep):
        stage = f"/.dlmath-keep-{i}"
        os.mkdir(stage, 0o700)
        _mount(path, stage, None, how)
        staged.append((stage, path))
    for path in hide:
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m")
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m")
    for stage, path in staged:
        os.makedirs(path, exist_ok=True)
        _mount(stage, path, None, MS_MOVE)
        os.rmdir(stage)
    uid = request["uid"]
    _mount("tmpfs", home, "tmpfs", MS_NOSUID | MS_NODEV,
           f"mode=0700,uid={uid},gid={uid},size={request['limits']['home_mb']}m")


def _mount_points():
    """Mount points of this mount namespace (``/proc/self/mountinfo``)."""
    points = []
    with open("/proc/self/mountinfo") as handle:
        for line in handle:
            fields = line.split()
            if len(fields) > 4:
                points.append(fields[4].encode().decode("unicode_escape"))
    return points


def _become_runner(request):
    """In C: drop every privilege, reset inherited state, start the kernel (never returns)."""
    import resource

    os.setsid()
    limits = request["limits"]
    for what, value in ((resource.RLIMIT_AS, limits.get("memory_mb", 0) << 20),
                        (resource.RLIMIT_CPU, limits.get("cpu_seconds", 0)),
                        (resource.RLIMIT_NPROC, limits.get("processes", 0)),
                        (resource.RLIMIT_FSIZE, limits.get("file_mb", 0) << 20),
                        (resource.RLIMIT_CORE, 0)):
        if value or what == resource.RLIMIT_CORE:
            resource.setrlimit(what, (value, value))
    if request["sandboxed"]:
        uid = request["uid"]
        _drop_capabilities()
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        _clear_inheritable()
    die_with_parent()  # after setuid, which clears it
    home = request["home"]
    os.chdir(home)
    _copy_submission(request["submission"], home)
    if os.environ.get("MPLCONFIGDIR"):
        os.makedirs(os.environ["MPLCONFIGDIR"], exist_ok=True)
    _reseed()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(3, 65536)
    sys.argv = ["ipykernel_launcher", *request["kernel_args"]]
    from ipykernel.kernelapp import IPKernelApp

    code = 0
    try:
        app = IPKernelApp.instance()
        app.initialize(request["kernel_args"])
        app.start()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        code = 1
    os._exit(code)


def _copy_submission(source, home):
    """The staged submission (regular files only) into the private home; what does not fit
    is left out."""
    import shutil

    if not source or not os.path.isdir(source):
        return
    for name in os.listdir(source):
        src, dst = os.path.join(source, name), os.path.join(home, name)
        try:
            if os.path.isdir(src):
                shutil.copytree(src, dst)
            else:
                shutil.copy2(src, dst)
        except OSError:
            pass


def _reseed():
    """Fresh entropy for every generator a fork would otherwise share."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _init(request):
    """B: PID 1 of the runner's namespace; ends (taking everything with it) with the kernel."""
    die_with_parent()
    if request["sandboxed"]:
        _runner_mounts(request)
    kernel = os.fork()
    if kernel == 0:
        _become_runner(request)

    def end(signum, frame):  # the watcher's order: end the kernel and all it started
        try:
            os.killpg(kernel, signal.SIGKILL)
        except OSError:
            pass
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, end)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(1)
        if pid == kernel:
            try:  # without a PID namespace, what the kernel started is still here
                os.killpg(kernel, signal.SIGKILL)
            except OSError:
                pass
            code = os.waitstatus_to_exitcode(status)
            os._exit((code if code >= 0 else 128 - code) & 0xFF)


def _watch(conn, request):
    """A: start B, then relay its end to the launcher, or end it when the launcher goes."""
    die_with_parent()
    if request["sandboxed"]:
        _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
                             | CLONE_NEWUTS), "unshare")
    init = os.fork()
    if init == 0:
        conn.close()
        try:
            _init(request)
        finally:
            os._exit(1)
    conn.sendall((json.dumps({"pid": init}) + "\n").encode())
    try:
        pidfd = os.pidfd_open(init)
    except (AttributeError, OSError):
        pidfd = None
    while True:
        watched = [conn] + ([pidfd] if pidfd is not None else [])
        ready, _, _ = select.select(watched, [], [], 0.5 if pidfd is None else None)
        if conn in ready and not conn.recv(1):  # the launcher is gone: so goes the runner
            os.kill(init, signal.SIGTERM)
            for _ in range(100):
                if os.waitpid(init, os.WNOHANG)[0]:
                    break
                select.select([], [], [], 0.01)
            else:
                os.kill(init, signal.SIGKILL)
                os.waitpid(init, 0)
            os._exit(0)
        done, status = os.waitpid(init, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            try:
                conn.sendall((json.dumps({"exit": code}) + "\n").encode())
            except OSError:
                pass
            os._exit(0)


def _read_request(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > 1 << 20:
            return None
    return json.loads(data)


def serve(control):
    """Accept requests on ``control`` forever, one watcher per runner."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # watchers are reaped by the kernel
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o077)
    server.bind(control)
    os.umask(old)
    server.listen(16)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        conn, _ = server.accept()
        try:
            request = _read_request(conn)
        except (OSError, ValueError):
            request = None
        if request is None:
            conn.close()
            continue
        pid = os.fork()
        if pid == 0:
            server.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                _watch(conn, request)
            finally:
                os._exit(1)
        conn.close()


def _font_cache():
    """Put matplotlib's font list where matplotlib will look, before it is imported."""
    import shutil

    source = os.environ.pop("DLMATH_FONT_CACHE", "")
    target = os.environ.get("MPLCONFIGDIR")
    if not target:
        return
    os.makedirs(target, exist_ok=True)
    if source and os.path.isdir(source) and os.path.realpath(source) != os.path.realpath(target):
        for name in os.listdir(source):
            shutil.copy2(os.path.join(source, name), os.path.join(target, name))


def main(argv):
    control, imports = argv[0], [name for name in argv[1].split(",") if name]
    die_with_parent()  # never outlive the grader (or bwrap)
    if len(argv) > 2 and os.getppid() != int(argv[2]):
        sys.exit(4)  # the grader is already gone
    _font_cache()
    preload(imports)
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:  # a fork would copy locks held by threads that do not come along
        sys.stderr.write(f"dlmath.zygote: {threads} threads after imports; not forking\n")
        sys.exit(3)
    serve(control)


if __name__ == "__main__":
    main(sys.argv[1:])
