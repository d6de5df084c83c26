"""A Monte Carlo: one point (the base scenario), ``replications`` runs seeded by run index.

This is what ``tradesim run`` executes: run ``i`` draws from
``SeedSequence(seed, spawn_key=(i,))``, so a sweep file with ``design: monte_carlo``
gives the summary rows of ``tradesim run --runs <replications>`` with the same seed.
"""

from __future__ import annotations

import pandas as pd

from sim.experiments.designs.base import DesignSpec, design, one_point


@design(
    "monte_carlo",
    summary="no parameters: runs of the base scenario, seeded as tradesim run",
    takes_parameters=False,
    seeding="run",
)
def monte_carlo(spec: DesignSpec) -> pd.DataFrame:
    return one_point(spec)
