"""Defaults of ``tradesim run`` and :func:`sim.run` (kept apart so the CLI's help imports nothing heavy)."""

from __future__ import annotations

#: The root seed of ``tradesim run`` (the date of the baseline scenario, 2025-10-09).
DEFAULT_SEED = 20251009
#: Runs of ``tradesim run``: a share's 95% interval is at most ±3.1 points (1.96·√(0.25/1000)).
DEFAULT_RUNS = 1000
