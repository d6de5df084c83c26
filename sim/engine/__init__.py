"""The event-driven engine (SimPy only here): one run of a compiled scenario."""

from __future__ import annotations

from sim.engine.core import Engine, RunResult, run_replication, sample_params

__all__ = ["Engine", "RunResult", "run_replication", "sample_params"]
