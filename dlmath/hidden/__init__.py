"""Hidden tests, one module per assignment.

Each module exposes one check per hidden grade cell, named
``<function>_<what it proves>`` and taking the learner's function(s) as
arguments, plus ``CHECKS``: a dict from each graded function's name to its
checks in notebook order.  A hidden grade cell is a single call such as::

    from dlmath.hidden import vectors as hidden
    hidden.l1_norm_values(l1_norm)

so the autograded notebook and the feedback show the call and the failure
message, never the test code or its inputs.
"""

import importlib
from types import ModuleType


def load(module: str) -> ModuleType:
    """Return ``dlmath.hidden.<module>``."""
    return importlib.import_module(f"dlmath.hidden.{module}")
