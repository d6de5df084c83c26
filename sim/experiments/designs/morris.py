"""Morris trajectories for SALib's elementary-effects analysis (``points`` = trajectories)."""

from __future__ import annotations

import pandas as pd

from sim.experiments.designs.base import DesignSpec, design


@design("morris", summary="the trajectories SALib's Morris analyser needs", needs_range=True, indices="morris")
def morris(spec: DesignSpec) -> pd.DataFrame:
    from SALib.sample import morris as morris_sample

    x = morris_sample.sample(spec.problem(), spec.points, num_levels=spec.morris_levels, seed=spec.seed)
    return pd.DataFrame(x, columns=[p.path for p in spec.parameters])
