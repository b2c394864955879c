"""Quiet, honest autograding: no "checksum has changed" alarm for untouched cells.

Why plain ``nbgrader autograde`` warns on every honest submission (upstream
nbgrader issue #1961): ``generate_assignment`` records each locked cell in the
gradebook *with* its hidden tests (so autograde can put them back) and then
removes the hidden regions from the release notebook.  nbgrader's
``OverwriteCells`` compares the checksum of each submitted locked cell with the
recorded one; a cell with a hidden region can never match, so every such cell
of every learner logs ``Attribute 'checksum' for cell ... has changed!``,
which reads like tampering.

:class:`RestoreHiddenTests` runs just before ``OverwriteCells``: when a locked
cell's source is exactly the recorded source with its hidden regions removed
(what the release notebook holds), it puts the recorded source back.  The
checksums then agree, nothing is logged, and the notebook graded is the one
``OverwriteCells`` would have produced anyway.  A cell that differs in any
other way is left alone, so real edits still get nbgrader's warning (and are
overwritten by it).
"""

from __future__ import annotations

import copy

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor


class RestoreHiddenTests(NbGraderPreprocessor):
    """Give untouched locked cells back their hidden tests before ``OverwriteCells`` checks them."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        info = resources["nbgrader"]
        self._clear = ClearHiddenTests(parent=self)
        self._restored = 0
        with Gradebook(info["db_url"]) as gb:
            try:
                notebook = gb.find_notebook(info["notebook"], info["assignment"])
            except MissingEntry:
                return nb, resources
            recorded = {c.name: c for c in notebook.source_cells}
            for cell in nb.cells:
                self._restore(cell, recorded)
        if self._restored:
            self.log.debug("restored the hidden tests of %d untouched locked cells", self._restored)
        return nb, resources

    def _restore(self, cell: NotebookNode, recorded: dict) -> None:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = recorded.get(meta.get("grade_id"))
        if source is None or not source.locked or cell.source == source.source:
            return
        if cell.cell_type != source.cell_type or not utils.is_locked(cell):
            return
        released = copy.deepcopy(cell)
        released.source = source.source
        try:
            self._clear._remove_hidden_test_region(released)
        except Exception:  # noqa: BLE001 -- a malformed region: leave the cell to OverwriteCells
            return
        if released.source == cell.source:
            cell.source = source.source
            self._restored += 1
