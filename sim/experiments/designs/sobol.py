"""Scrambled Sobol sequence (scipy.stats.qmc): ``points`` points of the unit cube mapped onto the parameters."""

from __future__ import annotations

import pandas as pd
from scipy.stats import qmc

from sim.experiments.designs.base import DesignSpec, design, from_unit
from sim.experiments.seeding import design_rng


@design("sobol", summary="scrambled Sobol sequence (scipy.stats.qmc)")
def sobol(spec: DesignSpec) -> pd.DataFrame:
    sampler = qmc.Sobol(d=len(spec.parameters), seed=design_rng(spec.seed))
    return from_unit(spec, sampler.random(spec.points))
