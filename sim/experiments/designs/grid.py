"""Full factorial: every combination of every parameter's levels."""

from __future__ import annotations

import itertools

import pandas as pd

from sim.experiments.designs.base import DesignSpec, design


@design("grid", summary="full factorial over each parameter's levels")
def grid(spec: DesignSpec) -> pd.DataFrame:
    rows = list(itertools.product(*[p.levels() for p in spec.parameters]))
    return pd.DataFrame(rows, columns=[p.path for p in spec.parameters], index=range(len(rows)))
