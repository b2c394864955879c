"""Executing a submission so that one bad cell cannot sink the notebook.

nbgrader's ``Execute`` preprocessor gives up on the whole notebook when the
kernel dies (``os._exit``, a crash, the memory limit), so every function of
that learner scores 0, and it keeps every byte a cell prints.
:class:`ResilientExecute` replaces it in the course's autograde pipeline:

* **Kernel death.**  The cell that killed the kernel gets an error output
  (so it scores 0 if it is a grade cell), a fresh kernel starts, the earlier
  setup, answer and demo cells are run again silently to rebuild the
  learner's definitions (cells that killed a kernel are skipped), and grading
  goes on with the next cell.  After :attr:`max_restarts` deaths the rest of
  the notebook is marked as not run.
* **Output floods.**  After :attr:`max_output_bytes` bytes of output, a cell's
  further stdout and displays are dropped with one note.  Errors, stderr and
  results are never dropped (only shortened), because nbgrader scores on them.
* **Receipts.**  nbgrader gives full credit to a grade cell that shows no
  error, so a learner who blanks or rewrites the test cells (IPython input or
  AST transformers, event hooks) would get every point.  Each grade cell is
  therefore run with one extra last line, a fresh random token, and only
  counts when the token comes back: a cell that ends without its receipt and
  without an error gets a ``TestDidNotRun`` error.  Receipts and any other
  result a grade cell displays are removed before nbgrader scores the cell,
  so no learner code can fake nbgrader's partial-credit output either.
* **Judge and runner.**  The kernel is the *runner*: it executes the
  learner's cells in a sandbox (:mod:`dlmath.launch`, :mod:`dlmath.isolation`).
  The hidden regions of test cells never reach it: :mod:`dlmath.judge` runs
  them in this process, calling the learner's functions through the runner
  with plain data, and this executor writes their outcome into the cell.
"""

from __future__ import annotations

import copy
import os
import secrets
import shutil
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Bool, Enum, Float, Integer

from dlmath import demos, isolation, judge, launch, runner, warm
from dlmath import notebooks as nbs

_KEEP_CHARS = 2000


def _size(msg: dict) -> int:
    content = msg.get("content", {})
    size = len(str(content.get("text", "")))
    for value in (content.get("data") or {}).values():
        size += len(value) if isinstance(value, str) else len(str(value))
    return size


def _shorten(msg: dict) -> dict:
    msg = copy.deepcopy(msg)
    content = msg.get("content", {})
    if isinstance(content.get("text"), str) and len(content["text"]) > _KEEP_CHARS:
        content["text"] = content["text"][:_KEEP_CHARS] + "\n[... cut by the grader]\n"
    if isinstance(content.get("traceback"), list):
        content["traceback"] = [line[:_KEEP_CHARS] for line in content["traceback"][-30:]]
    if isinstance(content.get("evalue"), str):
        content["evalue"] = content["evalue"][:_KEEP_CHARS]
    data = content.get("data") or {}
    for key, value in list(data.items()):
        if isinstance(value, str) and len(value) > _KEEP_CHARS:
            data[key] = value[:_KEEP_CHARS] + "\n[... cut by the grader]"
    return msg


def _has_code(source: str) -> bool:
    """Whether a cell has anything but blank lines and comments."""
    return any(line.strip() and not line.strip().startswith("#") for line in source.splitlines())


def _error(ename: str, evalue: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=[f"{ename}: {evalue}"])


#: The output of a worked example left out while grading (``ResilientExecute.run_demos``).
SKIPPED_NOTE = ("(worked example: not run while grading, since no graded cell and none of "
                "your code needs it)\n")


class KernelChannel(judge.Channel):
    """Requests to the runner: comm messages, or silent executions where no comm answers."""

    def __init__(self, executor: "ResilientExecute") -> None:
        self.executor = executor

    def send(self, text: str, timeout: float) -> str:
        """One request; the reply comes back as a comm or a display message."""
        from jupyter_core.utils import run_sync

        ex = self.executor
        try:
            return run_sync(self._send)(text, timeout)
        except TimeoutError:
            ex.runner_lost = f"a call of your function did not finish within {int(timeout)} seconds"
            raise judge.RunnerLost(ex.runner_lost) from None
        except DeadKernelError:
            ex.runner_lost = ("the kernel died while your function ran (a crash, os._exit, or the "
                              "memory limit)")
            raise judge.RunnerLost(ex.runner_lost) from None

    async def _send(self, text: str, timeout: float) -> str:
        import uuid

        ex = self.executor
        kc = ex.kc
        comm = getattr(ex, "_comm", None)
        if comm is None or comm[0] is not kc:  # a new kernel: open the server's comm once
            comm_id = uuid.uuid4().hex
            await self._roundtrip(kc.session.msg("comm_open", {
                "comm_id": comm_id, "target_name": runner.COMM_TARGET, "data": {}}), timeout)
            ex._comm = comm = (kc, comm_id)
        if comm[1]:
            reply = await self._roundtrip(kc.session.msg("comm_msg", {
                "comm_id": comm[1], "data": {"request": text}}), timeout)
            if reply:
                return reply
            ex._comm = (kc, "")  # no answer on the comm (closed or replaced): execute instead
        code = f"{runner.SERVER}.serve({text!r})"
        return await self._roundtrip(kc.session.msg("execute_request", {
            "code": code, "silent": False, "store_history": False, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": False}), timeout, shell_reply=True)

    async def _roundtrip(self, msg: dict, timeout: float, shell_reply: bool = False) -> str:
        """Send ``msg`` on the shell channel; wait for its idle status, reading only its own.

        Cheaper than a notebook cell's execution (no output processing, no
        hooks): a check's round trip costs about a millisecond of the judge.
        """
        import asyncio
        import queue

        from jupyter_core.utils import ensure_async

        ex = self.executor
        kc = ex.kc
        msg_id = msg["header"]["msg_id"]
        kc.shell_channel.send(msg)
        deadline = time.monotonic() + timeout
        reply = ""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError()
            try:
                msg = await ensure_async(kc.get_iopub_msg(timeout=min(1.0, remaining)))
            except (queue.Empty, asyncio.TimeoutError):
                if not await ensure_async(ex.km.is_alive()):
                    raise DeadKernelError("the kernel died") from None
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg.get("msg_type")
            content = msg.get("content", {})
            if kind in ("display_data", "execute_result"):
                value = (content.get("data") or {}).get(runner.REPLY_MIME)
                if isinstance(value, dict) and isinstance(value.get("wire"), str):
                    reply = value["wire"]
            elif kind == "comm_msg":
                value = content.get("data") or {}
                if isinstance(value.get("wire"), str):
                    reply = value["wire"]
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        if shell_reply:
            try:  # consume the shell reply so nothing waits for it later
                while True:
                    msg = await ensure_async(kc.get_shell_msg(timeout=1.0))
                    if msg.get("parent_header", {}).get("msg_id") == msg_id:
                        break
            except (queue.Empty, asyncio.TimeoutError):
                pass
        return reply


async def wait_until_ready(kc, km, timeout: float) -> None:
    """Wait for a new kernel's first reply and for its IOPub channel to be connected.

    jupyter_client's ``wait_for_ready`` does the same and then waits 0.2 s
    more for IOPub to fall silent, on every kernel start; the status messages
    of our own ``kernel_info`` request prove IOPub is connected, and later
    readers skip messages that are not theirs.
    """
    import asyncio
    import queue

    from jupyter_core.utils import ensure_async

    deadline = time.monotonic() + timeout
    while True:
        msg_id = kc.kernel_info()
        reply = None
        try:
            while reply is None:
                msg = await ensure_async(kc.get_shell_msg(timeout=1.0))
                if msg.get("parent_header", {}).get("msg_id") == msg_id:
                    reply = msg
        except (queue.Empty, asyncio.TimeoutError):
            pass
        if reply is not None:  # IOPub may still be connecting: ask again soon rather than wait
            until = time.monotonic() + 0.1
            while time.monotonic() < until:
                try:
                    msg = await ensure_async(kc.get_iopub_msg(timeout=0.02))
                except (queue.Empty, asyncio.TimeoutError):
                    continue
                if msg.get("parent_header", {}).get("msg_id") == msg_id:
                    kc._handle_kernel_info_reply(reply)
                    return
        if not await ensure_async(km.is_alive()):
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


class ResilientExecute(Execute):
    """nbgrader's ``Execute`` with a sandboxed runner, a judge, and survival."""

    max_output_bytes = Integer(
        200_000, help="Output a cell may produce before further output is dropped."
    ).tag(config=True)

    max_restarts = Integer(
        30, help="Kernel deaths after which the rest of the notebook is not run (a function "
                 "that crashes the kernel kills it once per check that calls it)."
    ).tag(config=True)

    call_seconds = Float(
        20.0, help="Seconds one call of a learner function from a hidden check may take; "
                   "the judge interrupts and replaces the runner after that."
    ).tag(config=True)

    sandbox = Enum(
        ["auto", "bwrap", "none"], "auto",
        help="How the learner's kernel is isolated: 'bwrap' requires bubblewrap (grading "
             "fails without it), 'auto' uses it where it can start and otherwise runs "
             "unsandboxed (reported in the batch summary), 'none' never sandboxes."
    ).tag(config=True)

    render_figures = Bool(
        False, help="Rasterise the learner's plots into the graded notebook (and so into the "
                    "feedback). Off: plt.show() still runs and counts, but no PNG is drawn, "
                    "which saves most of a plotting notebook's time."
    ).tag(config=True)

    run_demos = Bool(
        False, help="Run the worked examples (cells tagged 'demo', dlmath.demos) while grading. "
                    "Off: a worked example that no graded cell and none of the learner's code "
                    "needs is left out (its output in the graded notebook says so); grades are "
                    "the same, and grading takes about a third less time."
    ).tag(config=True)

    warm_runners = Bool(
        True, help="Fork each learner's kernel from a template process that has already "
                   "imported numpy, sympy and matplotlib (dlmath.zygote), inside the same "
                   "sandbox, instead of starting it cold (about a second per kernel). Each "
                   "runner is still a new process with its own user, namespaces and home."
    ).tag(config=True)

    warm_wait = Float(
        0.0, help="Seconds a kernel waits for a warm-runner template that is still importing "
                  "before it starts cold instead. 0 (one notebook: never wait); grading "
                  "batches wait, since the template serves every later submission and a cold "
                  "kernel beside it only doubles the imports."
    ).tag(config=True)

    memory_mb = Integer(3072, help="Address space of the learner's kernel, MiB (0: none).").tag(config=True)
    cpu_seconds = Integer(600, help="CPU seconds of the learner's kernel (0: none).").tag(config=True)
    processes = Integer(64, help="Processes and threads of the learner's kernel user.").tag(config=True)
    file_mb = Integer(64, help="Largest file the learner's kernel may write, MiB.").tag(config=True)
    home_mb = Integer(128, help="Size of the learner's private writable folder, MiB.").tag(config=True)

    runner_lost = ""

    def event(self, kind: str, cell_index: int | None, message: str) -> None:
        """Record what happened for the batch summary (``nb.metadata['dlmath']['events']``)."""
        where = None
        if cell_index is not None and 0 <= cell_index < len(self.nb.cells):
            meta = self.nb.cells[cell_index].get("metadata", {}).get("nbgrader", {})
            where = meta.get("grade_id") or self.nb.cells[cell_index].get("id")
        self.nb.metadata.setdefault("dlmath", {}).setdefault("events", []).append(
            {"kind": kind, "cell": where, "message": message})

    def isolation_status(self) -> dict:
        """Whether the learner's kernel runs sandboxed, and with what."""
        ok, why = isolation.available()
        sandboxed = ok and self.sandbox != "none"
        return {"sandboxed": sandboxed,
                "how": why if sandboxed else (why if not ok else "sandbox = 'none'")}

    def create_kernel_manager(self):
        """A kernel manager whose kernel talks over Unix sockets in a folder of its own."""
        km = super().create_kernel_manager()
        try:  # the kernel binds its sockets after the client connects: retry every 10 ms, not 100
            import zmq

            km.context.setsockopt(zmq.RECONNECT_IVL, 10)
        except Exception:
            pass
        template = self.zygote()
        if template is not None:
            folder = str(template.run_folder())
            os.environ[launch.ENV["warm"]] = launch.warm_request(
                str(template.control), template.sandboxed, self._limits(), isolation.HOME)
        else:
            folder = tempfile.mkdtemp(prefix="dlmath-run-")
            os.chmod(folder, 0o755)
            os.environ.pop(launch.ENV["warm"], None)
        self._write_boot(folder)
        self._warm = template is not None
        self._run_dirs = getattr(self, "_run_dirs", []) + [folder]
        km.transport = "ipc"
        km.ip = os.path.join(folder, "kernel")
        settings = {"sandbox": self.sandbox, "memory_mb": self.memory_mb,
                    "cpu_seconds": self.cpu_seconds, "processes": self.processes,
                    "file_mb": self.file_mb, "home_mb": self.home_mb,
                    "figures": int(self.render_figures)}
        for key, value in settings.items():
            os.environ[launch.ENV[key]] = str(value)
        return km

    async def async_start_new_kernel_client(self):
        """nbclient's, with a readiness check that wastes no fixed 0.2 s per kernel."""
        from jupyter_core.utils import ensure_async
        from nbclient.util import run_hook

        self.kc = self.km.client()
        await ensure_async(self.kc.start_channels())
        try:
            await wait_until_ready(self.kc, self.km, self.startup_timeout)
        except Exception:
            await self._async_cleanup_kernel()
            raise
        self.kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    def start_new_kernel_client(self):
        """Synchronous :meth:`async_start_new_kernel_client` (nbclient binds its own)."""
        from jupyter_core.utils import run_sync

        return run_sync(self.async_start_new_kernel_client)()

    def _limits(self) -> isolation.Limits:
        return isolation.Limits(memory_mb=self.memory_mb, cpu_seconds=self.cpu_seconds,
                                processes=self.processes, file_mb=self.file_mb,
                                home_mb=self.home_mb)

    def _write_boot(self, folder: str) -> None:
        """The runner's boot code, made once per process (the launcher would make it again)."""
        sandboxed = self.isolation_status()["sandboxed"]
        key = (sandboxed, self.render_figures)
        cache = ResilientExecute._boot_cache
        if key not in cache:
            cache[key] = runner.boot_source(hide=() if sandboxed else ("dlmath", "nbgrader"),
                                            close_figures=not self.render_figures)
        with open(os.path.join(folder, "boot.py"), "w") as handle:
            handle.write(cache[key])

    _boot_cache: dict = {}

    def zygote(self):
        """This process's warm-runner template for these settings once it is ready, or ``None``.

        Waits up to :attr:`warm_wait` seconds for one that is starting; ``None``
        means the kernel starts cold.
        """
        if not self.warm_runners:
            return None
        return warm.zygote(*self._template_settings(), wait=self.warm_wait)

    def template(self):
        """Start this process's warm-runner template for these settings; ready or not (or ``None``)."""
        if not self.warm_runners:
            return None
        return warm.template(*self._template_settings())

    def _template_settings(self) -> tuple[bool, dict[str, str], tuple[str, ...]]:
        """What the template depends on: sandbox or not, the runners' environment, its imports."""
        sandboxed = self.isolation_status()["sandboxed"]
        imports = warm.DEFAULT_IMPORTS + (warm.DEMO_IMPORTS if self.run_demos else ())
        return sandboxed, launch.runner_env(sandboxed, self.render_figures), imports

    def _remove_run_dirs(self) -> None:
        for folder in getattr(self, "_run_dirs", []):
            shutil.rmtree(folder, ignore_errors=True)
        self._run_dirs = []

    def preprocess(self, nb, resources=None, km=None):
        """Execute every cell, restarting the kernel where it dies."""
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        record = self.nb.metadata.setdefault("dlmath", {})
        record.update(isolation=self.isolation_status(), events=[])
        self._timing = {"runner_start": 0.0, "learner_cells": 0.0, "visible_tests": 0.0,
                        "hidden_checks": 0.0}
        if not self.nb.metadata["dlmath"]["isolation"]["sandboxed"]:
            self.event("not_isolated", None, "the learner's code ran WITHOUT a sandbox: "
                       + self.nb.metadata["dlmath"]["isolation"]["how"])
        self._check_assign_resources(resources)
        self._out_bytes: dict[int, int] = {}
        self._cut: set[int] = set()
        cells = self.nb.cells
        self._skipped = set() if self.run_demos else demos.skippable(cells)
        record["demos_skipped"] = len(self._skipped)
        killers: set[int] = set()
        start, deaths = 0, 0
        while start < len(cells):
            replaying, current = True, None
            try:
                started = time.perf_counter()
                with self.setup_kernel():
                    info = self.wait_for_reply(self.kc.kernel_info())
                    self._timing["runner_start"] += time.perf_counter() - started
                    self.nb.metadata["language_info"] = info["content"]["language_info"]
                    for j in range(start):
                        if (j not in killers and j not in self._skipped
                                and self._replayable(cells[j])):
                            current = j
                            self.execute_cell(copy.deepcopy(cells[j]), j, store_history=False)
                    replaying = False
                    self._out_bytes, self._cut = {}, set()  # replayed output does not count
                    for i in range(start, len(cells)):
                        current = i
                        self.preprocess_cell(cells[i], resources, i)
                    start = len(cells)
            except (DeadKernelError, CellTimeoutError) as exc:
                if isinstance(exc, CellTimeoutError) and not self.runner_lost:
                    # the kernel stopped answering (busy forking, stuck in C code): replace it
                    self.runner_lost = "the cell did not finish in time and the kernel stopped answering"
                deaths += 1
                killers.add(current)
                if not replaying:
                    if self.runner_lost:
                        note = f"{self.runner_lost}; grading went on in a fresh kernel"
                        if not any(o.output_type == "error" for o in cells[current].outputs):
                            cells[current].outputs.append(_error("GradingFailure", note))
                        self.event("timeout", current, note)
                        self.runner_lost = ""
                    else:
                        cells[current].outputs.append(_error(
                            "KernelDied", "the kernel died while running this cell (os._exit, "
                            "a crash, or the memory limit); grading went on in a fresh kernel"))
                        self.event("kernel_died", current, "the kernel died; grading went on")
                    start = current + 1
                if deaths > self.max_restarts:
                    self.event("gave_up", start, f"the kernel died {deaths} times; the rest "
                               "of the notebook was not run")
                    for cell in cells[start:]:
                        if cell.cell_type == "code":
                            cell.outputs = [_error("NotRun", "not run: the kernel died too often")]
                    break
        self.set_widgets_metadata()
        self.nb.metadata["dlmath"]["isolation"]["warm"] = bool(getattr(self, "_warm", False))
        self.nb.metadata.setdefault("dlmath", {})["timing"] = {
            k: round(v, 4) for k, v in self._timing.items()}
        self._remove_run_dirs()
        return self.nb, self.resources

    def preprocess_cell(self, cell, resources, index):
        """Run one cell: public code in the runner, hidden regions in the judge."""
        if index in getattr(self, "_skipped", ()):
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=SKIPPED_NOTE)]
            cell.execution_count = None
            return cell, resources
        started = time.perf_counter()
        if not nbs.is_test(cell):
            try:
                return super().preprocess_cell(cell, resources, index)
            finally:
                self._timing["learner_cells"] += time.perf_counter() - started
        try:
            return self._test_cell(cell, resources, index)
        finally:
            self._timing["visible_tests"] += time.perf_counter() - started - self._judged
            self._timing["hidden_checks"] += self._judged
            self._judged = 0.0

    _judged = 0.0

    def _test_cell(self, cell, resources, index):
        """A test cell: its public part in the runner, its hidden regions in the judge."""
        original = cell.source
        public, regions = judge.split_hidden(original)
        cell.outputs = []
        if _has_code(public):
            token = f"dlmath-receipt-{secrets.token_hex(12)}"
            cell.source = f"{public}\n{token!r}"
            try:
                super().preprocess_cell(cell, resources, index)
            finally:
                cell.source = original
            cell = self.nb.cells[index]
            results = [o for o in cell.outputs if o.output_type == "execute_result"]
            receipt = any(token in str(o.get("data", {}).get("text/plain", "")) for o in results)
            cell.outputs = [o for o in cell.outputs if o.output_type != "execute_result"]
            errored = any(o.output_type == "error" for o in cell.outputs)
            if not receipt and not errored:
                cell.outputs.append(_error(
                    "TestDidNotRun", "this test cell did not run to its end (was it rewritten, "
                    "blanked or interrupted by code in the notebook?)"))
                self.event("test_did_not_run", index, "the visible part of this test cell did "
                           "not run to its end")
            if errored or not receipt:
                return cell, self.resources
        learner_code = [c.source for c in self.nb.cells
                        if c.cell_type == "code" and not nbs.is_test(c)]
        for code in regions:
            judged = time.perf_counter()
            try:
                verdict = judge.run_hidden(code, KernelChannel(self), learner_code,
                                           self.call_seconds)
            except judge.RunnerLost:
                cell.outputs.append(_error(
                    "GradingFailure", f"{self.runner_lost}; grading went on in a fresh kernel"))
                raise DeadKernelError("runner lost") from None
            finally:
                self._judged += time.perf_counter() - judged
            if verdict is not None:
                cell.outputs.append(_error(*verdict))
                break
        return cell, self.resources

    @staticmethod
    def _replayable(cell) -> bool:
        """Cells whose definitions later cells need: all code but test cells."""
        return cell.cell_type == "code" and not nbs.is_test(cell)

    def output(self, outs, msg, display_id, cell_index):
        """Keep at most :attr:`max_output_bytes` of a cell's stdout and displays."""
        used = self._out_bytes.get(cell_index, 0) + _size(msg)
        self._out_bytes[cell_index] = used
        if used <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        droppable = (msg["msg_type"] in ("display_data", "update_display_data")
                     or (msg["msg_type"] == "stream" and msg["content"].get("name") == "stdout"))
        if droppable:
            if cell_index not in self._cut:
                self._cut.add(cell_index)
                self.event("output_cut", cell_index, f"output cut after {self.max_output_bytes} bytes")
                outs.append(nbformat.v4.new_output(
                    "stream", name="stdout",
                    text=f"\n[output cut by the grader after {self.max_output_bytes} bytes]\n"))
            return None
        return super().output(outs, _shorten(msg), display_id, cell_index)
