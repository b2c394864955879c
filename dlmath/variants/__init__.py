"""Other answers to the exercises, as learners might write them.

One module per assignment, each with two dicts keyed by graded function:

* ``ALTERNATIVES[name]`` -- correct answers written another way (loops,
  vectorised, another formula).  Each must earn full marks.
* ``MUTANTS[name]`` -- ``{label: code}`` of typical mistakes.  Each must lose
  points on at least one hidden check of that function.

Every code string defines the function completely, as a learner's solution
cell would.  The test suite runs them against :mod:`dlmath.hidden`, and the
simulated class (:mod:`dlmath.classroom`) builds its learners from them.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def load(module: str) -> ModuleType:
    """Return ``dlmath.variants.<module>``."""
    return importlib.import_module(f"dlmath.variants.{module}")
