"""nbgrader's ``CheckCellMetadata``, with the metadata schema compiled once.

nbgrader checks each cell's ``nbgrader`` metadata with
``jsonschema.validate(metadata, schema)``, which first checks the *schema*
itself against the JSON Schema meta-schema: about 2 ms a cell, a quarter of
a second per notebook, spent twice per submission (the sanitize and the
autograde pipelines both end with this check).  :class:`CheckCellMetadata`
runs nbgrader's own validator (the same version checks, the same rules on
grade ids, points and cell types, the same errors) with one change: the
schema is checked once per process and its validator reused.
"""

from __future__ import annotations

import traceback

import jsonschema
from nbgrader.nbgraderformat import MetadataValidator, SchemaTooNewError, SchemaTooOldError
from nbgrader.nbgraderformat import ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator
from nbgrader.preprocessors import CheckCellMetadata as NbgraderCheckCellMetadata


class _CompiledSchema(BaseMetadataValidator):
    """The base class's per-cell check, against a validator built once."""

    _validators: dict = {}

    def validate_cell(self, cell) -> None:
        if "nbgrader" not in cell.metadata:
            return
        meta = cell.metadata["nbgrader"]
        schema = meta.get("schema_version", 0)
        if schema < self.schema_version:
            raise SchemaTooOldError(
                f"Outdated schema version: {schema} (expected {self.schema_version})",
                schema, self.schema_version)
        if schema > self.schema_version:
            raise SchemaTooNewError(
                f"Schema version is too new: {schema} (expected {self.schema_version})",
                schema, self.schema_version)
        validator = _CompiledSchema._validators.get(self.schema_version)
        if validator is None:
            cls = jsonschema.validators.validator_for(self.schema)
            cls.check_schema(self.schema)
            validator = _CompiledSchema._validators[self.schema_version] = cls(self.schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(meta))
        if error is not None:
            raise error


class CompiledMetadataValidator(MetadataValidator, _CompiledSchema):
    """nbgrader's current metadata validator; its ``super()`` call lands in :class:`_CompiledSchema`.

    The method resolution order is this class, nbgrader's ``MetadataValidatorV3``,
    :class:`_CompiledSchema`, then nbgrader's ``BaseMetadataValidator``: every
    rule of V3 runs unchanged, and only the schema check of the base class is
    replaced.
    """


class CheckCellMetadata(NbgraderCheckCellMetadata):
    """Check that the nbgrader metadata of every cell is valid and grade ids are unique."""

    def preprocess(self, nb, resources):
        """Raise nbgrader's ``ValidationError`` if ``nb``'s nbgrader metadata is corrupted."""
        try:
            CompiledMetadataValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg)
        return nb, resources
