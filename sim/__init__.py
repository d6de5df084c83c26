"""tradesim: trade negotiations as games, simulated event by event.

This module is a thin facade: the names below are imported from their packages
on first use, so ``import sim`` stays cheap.

>>> import sim
>>> sc = sim.load_scenario("scenarios/student_template.yaml")
>>> sc.meta.name
'student_template'
"""

from __future__ import annotations

import importlib
from typing import Any

_FACADE = {
    "run": "sim.experiments.api",
    "load_results": "sim.results.folder",
    "Results": "sim.results.folder",
    "load_scenario": "sim.engine.compile",
    "ScenarioError": "sim.errors",
}

__all__ = [*_FACADE, "__version__"]


def __getattr__(name: str) -> Any:
    if name == "__version__":  # one source: the package metadata, read by sim.results.provenance
        version: str = importlib.import_module("sim.results.provenance").tradesim_version()
        globals()[name] = version
        return version
    if name in _FACADE:
        value = getattr(importlib.import_module(_FACADE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
