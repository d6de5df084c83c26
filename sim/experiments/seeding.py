"""Seeds: every run draws from its own ``SeedSequence(seed, spawn_key=...)``.

A Monte Carlo run ``i`` uses ``spawn_key=(i,)``; a sweep run at design point ``p``,
replication ``r`` uses ``spawn_key=(p, r)``. Results therefore depend only on the
root seed and the run's place in the design, never on the executor, the number
of workers or the order in which chunks finish.

>>> spawn_key("run", run=7, point=0, replication=7)
(7,)
>>> spawn_key("point_replication", run=7, point=2, replication=1)
(2, 1)
"""

from __future__ import annotations

import numpy as np

#: How each scheme names a run's seed, as written in the manifest.
SCHEMES = {
    "run": "SeedSequence(seed, spawn_key=(run,))",
    "point_replication": "SeedSequence(seed, spawn_key=(point, replication))",
}
#: The spawn key of the stream that sampling designs draw their points from; far
#: from any (point, replication) key a sweep uses (2**31 - 1: the largest int32).
DESIGN_STREAM = 2**31 - 1


def spawn_key(scheme: str, run: int, point: int, replication: int) -> tuple[int, ...]:
    """The spawn key of one run under ``scheme`` (``"run"`` or ``"point_replication"``)."""
    if scheme == "run":
        return (run,)
    if scheme == "point_replication":
        return (point, replication)
    raise ValueError(f"unknown seeding scheme '{scheme}'; known: {', '.join(SCHEMES)}")


def design_rng(seed: int) -> np.random.Generator:
    """The generator a sampling design (LHS, Sobol, Halton) draws its points from."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(DESIGN_STREAM,)))
