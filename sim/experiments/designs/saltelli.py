"""Saltelli's sample for SALib's Sobol analysis (``points`` = base N)."""

from __future__ import annotations

import pandas as pd

from sim.experiments.designs.base import DesignSpec, design


@design("saltelli", summary="the sample SALib's Sobol analyser needs", needs_range=True, indices="sobol")
def saltelli(spec: DesignSpec) -> pd.DataFrame:
    from SALib.sample import sobol as sobol_sample

    x = sobol_sample.sample(spec.problem(), spec.points, calc_second_order=spec.second_order, seed=spec.seed)
    return pd.DataFrame(x, columns=[p.path for p in spec.parameters])
