"""The event-driven engine (SimPy only here): one run of a compiled scenario.

``run_replication``, ``Engine``, ``RunResult`` and ``sample_params`` are imported from
:mod:`sim.engine.core` on first use, so checking a scenario (:mod:`sim.engine.compile`)
does not load SimPy and the run machinery.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Engine", "RunResult", "run_replication", "sample_params"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("sim.engine.core"), name)
    raise AttributeError(f"module 'sim.engine' has no attribute {name!r}")
