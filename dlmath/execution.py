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
* **Clean slate.**  Each grade cell starts with :data:`dlmath.integrity.PRELUDE`,
  which puts back whatever learner code monkeypatched since the kernel
  started (see :mod:`dlmath.integrity`).
"""

from __future__ import annotations

import copy
import secrets

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Integer

from dlmath import integrity
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


def _error(ename: str, evalue: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=[f"{ename}: {evalue}"])


class ResilientExecute(Execute):
    """nbgrader's ``Execute`` that survives kernel deaths and output floods."""

    max_output_bytes = Integer(
        200_000, help="Output a cell may produce before further output is dropped."
    ).tag(config=True)

    max_restarts = Integer(
        8, help="Kernel deaths after which the rest of the notebook is not run."
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        """Execute every cell, restarting the kernel where it dies."""
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._out_bytes: dict[int, int] = {}
        self._cut: set[int] = set()
        cells = self.nb.cells
        killers: set[int] = set()
        start, deaths = 0, 0
        while start < len(cells):
            replaying, current = True, None
            try:
                with self.setup_kernel():
                    info = self.wait_for_reply(self.kc.kernel_info())
                    self.nb.metadata["language_info"] = info["content"]["language_info"]
                    for j in range(start):
                        if j not in killers and self._replayable(cells[j]):
                            current = j
                            self.execute_cell(copy.deepcopy(cells[j]), j, store_history=False)
                    replaying = False
                    self._out_bytes, self._cut = {}, set()  # replayed output does not count
                    for i in range(start, len(cells)):
                        current = i
                        self.preprocess_cell(cells[i], resources, i)
                    start = len(cells)
            except DeadKernelError:
                deaths += 1
                killers.add(current)
                if not replaying:
                    cells[current].outputs.append(_error(
                        "KernelDied", "the kernel died while running this cell (os._exit, a "
                        "crash, or the memory limit); grading went on in a fresh kernel"))
                    start = current + 1
                if deaths > self.max_restarts:
                    for cell in cells[start:]:
                        if cell.cell_type == "code":
                            cell.outputs = [_error("NotRun", "not run: the kernel died too often")]
                    break
        self.set_widgets_metadata()
        return self.nb, self.resources

    def preprocess_cell(self, cell, resources, index):
        """Run one cell; grade cells must hand back their receipt."""
        if not nbs.is_test(cell):
            return super().preprocess_cell(cell, resources, index)
        token = f"dlmath-receipt-{secrets.token_hex(12)}"
        original = cell.source
        cell.source = f"{integrity.PRELUDE}\n{original}\n{token!r}"
        try:
            super().preprocess_cell(cell, resources, index)
        finally:
            cell.source = original
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        receipt = any(token in str(o.get("data", {}).get("text/plain", "")) for o in results)
        cell.outputs = [o for o in cell.outputs if o.output_type != "execute_result"]
        errored = any(o.output_type == "error" for o in cell.outputs)
        if not receipt and not errored:
            cell.outputs.append(_error(
                "TestDidNotRun", "this test cell did not run to its end (was it rewritten, "
                "blanked or interrupted by code in the notebook?)"))
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
                outs.append(nbformat.v4.new_output(
                    "stream", name="stdout",
                    text=f"\n[output cut by the grader after {self.max_output_bytes} bytes]\n"))
            return None
        return super().output(outs, _shorten(msg), display_id, cell_index)
