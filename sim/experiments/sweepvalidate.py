"""``tradesim validate`` of a sweep file: told from a scenario by its keys, checked as ``tradesim sweep`` checks it.

A sweep file is checked whole before any run: its own keys, its base scenario, every
parameter's values in the base scenario, every combination of each actor's policy values
and its outputs (:func:`sim.experiments.sweepfile.open_sweep`).
"""

from __future__ import annotations

import os
from typing import Any

from sim.experiments.sweepfile import SweepSpec, open_sweep
from sim.scenario.schema import Scenario

__all__ = ["is_sweep", "validate_sweep"]


def is_sweep(data: Any) -> bool:
    """Whether a parsed YAML document is a sweep file: it has more of a sweep's top-level keys
    (``scenario``, ``parameters``, ``design``, ...) than of a scenario's (``meta``, ``actors``, ...)."""
    if not isinstance(data, dict):
        return False
    keys = set(data)
    return len(keys & set(SweepSpec.model_fields)) > len(keys & set(Scenario.model_fields))


def validate_sweep(path: str | os.PathLike[str]) -> str:
    """``"sweep OK: N points × R replications"``, or :class:`sim.errors.ScenarioError` with every problem."""
    spec, _, _, _ = open_sweep(path)
    points = spec.design_points()
    runs = points * spec.replications
    return f"sweep OK: {points:,} points × {spec.replications:,} replications ({runs:,} runs, design {spec.design})"
