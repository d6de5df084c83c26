"""The dry run's estimate of a sweep's wall time: the work a timed pilot measured, shared among
the workers at the parallel efficiency ``make bench`` measured, plus the start-up."""

from __future__ import annotations

import subprocess
import sys
import time

#: Efficiency of local worker processes: CPU seconds per run on one process over CPU seconds
#: per run on all cores (workers and driver, the workers' start-up apart), measured by
#: ``make bench`` on the shipped sweep: 95% on 2 cores with forked workers (benchmarks/results.json,
#: ``sweep``; 86% when workers were spawned).
PARALLEL_EFFICIENCY = 0.95


def startup_seconds() -> float:
    """Wall seconds for a fresh Python to start and import what a worker process imports."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sim.experiments.chunk"], check=True, capture_output=True)
    return time.perf_counter() - t0


def estimate(
    work: float,
    setup: float,
    start: float,
    workers: int,
    cores: int,
    load: float,
    pilot_share: float,
    forked: bool = False,
) -> tuple[float, str]:
    """Wall seconds of a sweep, and how they add up: ``work`` CPU-seconds of builds and runs,
    plus the start-up of the command (``start``) and the reading of the sweep (``setup``).
    One worker runs the chunks in the command's process, at the share of a core the pilot
    got (``pilot_share``: its CPU over its wall time). Several share the work at
    :data:`PARALLEL_EFFICIENCY`, each with its share of the cores among the others' runnable
    processes (``load``), after starting (``start`` again: they start together), unless they are
    ``forked`` from the command's process, which has imported what they need (a few milliseconds)."""
    if workers == 1:
        share = min(1.0, pilot_share)
        return start + setup + work / share, f"/ {share:.0%} of a core (the pilot's share)"
    share = min(1.0, cores / (workers + load))
    starting = 0.0 if forked else start
    return starting + start + setup + work / (workers * PARALLEL_EFFICIENCY * share), (
        f"/ ({workers} workers x {PARALLEL_EFFICIENCY:.0%} efficiency, measured by `make bench` on the shipped sweep, "
        f"x {share:.0%} of a core each) + "
        + (
            "workers forked from this process (no start-up of their own)"
            if forked
            else f"{start:.1f} s starting the workers"
        )
    )
