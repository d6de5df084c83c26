"""Defaults and bounds of ``tradesim run``/``sweep`` and :func:`sim.run` (kept apart so the
CLI's help imports nothing heavy; the CLI's argument types and the Python API share them)."""

from __future__ import annotations

import numbers
from typing import Any

from sim.errors import UsageError

#: The root seed of ``tradesim run`` (the date of the baseline scenario, 2025-10-09).
DEFAULT_SEED = 20251009
#: Runs of ``tradesim run``: a share's 95% interval is at most ±3.1 points (1.96·√(0.25/1000)).
DEFAULT_RUNS = 1000
#: Most runs of one command or sweep (a chosen limit: the task list of a million runs
#: takes ~150 MB before the first run; at ~100 runs/s per core it is hours of work,
#: and larger experiments are several sweeps or a cluster).
MAX_RUNS = 1_000_000
#: Most worker processes asked for (a chosen limit; local workers are capped at the
#: cores anyway, a Dask scheduler's size is its own).
MAX_WORKERS = 1024
#: Seeds are stored as int64 in the tables (numpy's SeedSequence takes any size).
MAX_SEED = 2**63 - 1


def whole_number(value: Any, what: str, minimum: int, maximum: int) -> int:
    """``value`` as an int in ``[minimum, maximum]``, or :class:`UsageError` (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise UsageError(f"{what} is a whole number from {minimum:,} to {maximum:,}, found {value!r:.60}")
    v = int(value)
    if not minimum <= v <= maximum:
        raise UsageError(f"{what} is a whole number from {minimum:,} to {maximum:,}, found {v:,}"[:300])
    return v
