"""Sweep definitions and designs.

A sweep file names a base scenario, the parameters to vary (by the same dotted
paths as ``--set``), a design, replications per point, a root seed and the
outputs of interest::

    name: tariff_threat_sweep
    scenario: ../scenarios/baseline_oct2025.yaml
    design: sobol            # grid | lhs | sobol | halton | saltelli | morris
    points: 256              # grid: ignored (the product of the levels)
    replications: 20
    seed: 1
    parameters:
      - {path: calendar.2.add, low: 0.25, high: 1.5}
      - {path: actors.US.resolve_bn, dist: {dist: lognormal, median: 120, sigma: 0.6}}
      - {path: chokepoints.rare_earth_magnets.initial_stock_days, values: [14, 35, 56]}
    outputs: [deal, deal_day, payoff_US, payoff_CN]

Run ``(point i, replication r)`` draws from ``SeedSequence(seed, spawn_key=(i, r))``.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from scipy.stats import qmc

from sim.scenario.distributions import Dist
from sim.errors import Problem, ScenarioError
from sim.scenario.loader import convert_errors
from sim.scenario.yamlio import Located, load_file

DESIGNS = ("grid", "lhs", "sobol", "halton", "saltelli", "morris")


class SweepParameter(BaseModel):
    """One varied parameter: a list of values, a uniform range, or a distribution."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="Dotted path in the scenario, as for --set.")
    values: list[Any] | None = Field(default=None, description="Levels (grid) or choices (sampling designs).")
    low: float | None = None
    high: float | None = None
    num: int | None = Field(default=None, ge=2, description="grid: levels between low and high.")
    dist: Dist | None = Field(default=None, description="Sampling designs: map the unit interval through this law.")

    @model_validator(mode="after")
    def _one_kind(self) -> "SweepParameter":
        kinds = [self.values is not None, self.low is not None or self.high is not None, self.dist is not None]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of: values, low/high, dist")
        if kinds[1] and (self.low is None or self.high is None or not self.low < self.high):
            raise ValueError("a range needs low < high")
        if self.values is not None and not self.values:
            raise ValueError("values must not be empty")
        return self

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map points of [0, 1) onto this parameter."""
        if self.values is not None:
            idx = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            return [self.values[i] for i in idx]
        if self.dist is not None:
            return [float(x) for x in self.dist.frozen().ppf(u)]
        return [float(x) for x in self.low + u * (self.high - self.low)]

    def levels(self) -> list[Any]:
        if self.values is not None:
            return list(self.values)
        if self.low is not None:
            return [float(x) for x in np.linspace(self.low, self.high, self.num or 5)]
        raise ValueError(f"{self.path}: a grid needs values or low/high/num, not a distribution")


class SweepSpec(BaseModel):
    """A whole sweep file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    scenario: str = Field(description="Base scenario, relative to the sweep file.")
    design: Literal["grid", "lhs", "sobol", "halton", "saltelli", "morris"] = "grid"
    points: int = Field(default=64, ge=1, description="Sampling designs: points (saltelli: base N; morris: trajectories).")
    replications: int = Field(default=1, ge=1)
    seed: int = Field(default=20251009, ge=0)
    parameters: list[SweepParameter] = Field(
        default_factory=list, description="Varied parameters; none: a Monte Carlo of the base scenario.")
    outputs: list[str] = Field(default_factory=lambda: ["deal", "deal_day"])
    second_order: bool = Field(default=False, description="saltelli: also second-order indices.")
    morris_levels: int = Field(default=4, ge=2)
    chunk_runs: int = Field(default=100, ge=1, description="Runs per task sent to a worker.")
    record_events: bool = False
    record_series: bool = Field(default=False, description="Series are large: off by default in sweeps.")

    @model_validator(mode="after")
    def _check(self) -> "SweepSpec":
        if self.design in ("saltelli", "morris"):
            for p in self.parameters:
                if p.low is None:
                    raise ValueError(f"{self.design} needs a low/high range for every parameter ({p.path})")
        if len({p.path for p in self.parameters}) != len(self.parameters):
            raise ValueError("a parameter path is listed twice")
        return self

    def problem(self) -> dict[str, Any]:
        """The SALib problem dict (names are the dotted paths)."""
        return {"num_vars": len(self.parameters), "names": [p.path for p in self.parameters],
                "bounds": [[p.low, p.high] for p in self.parameters]}


def design_matrix(spec: SweepSpec) -> pd.DataFrame:
    """One row per point, one column per parameter path (index = point number)."""
    names = [p.path for p in spec.parameters]
    d = len(names)
    if spec.design == "grid" or not spec.parameters:
        rows = list(itertools.product(*[p.levels() for p in spec.parameters]))
        return pd.DataFrame(rows, columns=names, index=range(len(rows)))
    if spec.design in ("lhs", "sobol", "halton"):
        rng = np.random.default_rng(np.random.SeedSequence(spec.seed, spawn_key=(2**31 - 1,)))
        sampler = {"lhs": qmc.LatinHypercube, "sobol": qmc.Sobol, "halton": qmc.Halton}[spec.design](d=d, seed=rng)
        u = sampler.random(spec.points)
        return pd.DataFrame({p.path: p.from_unit(u[:, j]) for j, p in enumerate(spec.parameters)})
    if spec.design == "saltelli":
        from SALib.sample import sobol as sobol_sample

        x = sobol_sample.sample(spec.problem(), spec.points, calc_second_order=spec.second_order, seed=spec.seed)
        return pd.DataFrame(x, columns=names)
    from SALib.sample import morris as morris_sample

    x = morris_sample.sample(spec.problem(), spec.points, num_levels=spec.morris_levels, seed=spec.seed)
    return pd.DataFrame(x, columns=names)


def load_sweep(path: str | os.PathLike[str]) -> tuple[SweepSpec, Path, Located]:
    """Read and validate a sweep file; return it and the resolved base scenario path."""
    located = load_file(path)
    try:
        spec = SweepSpec.model_validate(located.data)
    except ValidationError as exc:
        raise ScenarioError(convert_errors(exc, located.data, located, {}, SweepSpec)) from None
    base = (Path(path).parent / spec.scenario).resolve()
    if not base.is_file():
        raise ScenarioError([Problem(located.where(("scenario",)), "scenario",
                                     f"base scenario {base} does not exist")])
    return spec, base, located


def sweep_hash(spec: SweepSpec, scenario_text: str) -> str:
    """Identifies a sweep: same file and same base scenario -> same results folder (resume)."""
    from sim.results.store import tradesim_version

    blob = json.dumps({"spec": spec.model_dump(mode="json"), "scenario": scenario_text, "version": tradesim_version()},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def dry_run(sweep_file: str, workers: int | None = None, sample_runs: int = 20) -> str:
    """Design size and an estimate of the wall time from timing a few runs of the base scenario."""
    import time

    from sim.engine.core import run_replication
    from sim.engine.compile import load_scenario
    from sim.experiments.runner import default_workers

    spec, base, _ = load_sweep(sweep_file)
    design = design_matrix(spec)
    runs = len(design) * spec.replications
    sc = load_scenario(base)
    t0 = time.perf_counter()
    for i in range(sample_runs):
        run_replication(sc, spec.seed, i, spec.record_series)
    per_run = (time.perf_counter() - t0) / sample_runs
    w = workers or default_workers()
    est = per_run * runs / w
    return (f"sweep {spec.name}: design {spec.design}, {len(design)} points x {spec.replications} replications "
            f"= {runs} runs in {math.ceil(runs / spec.chunk_runs)} chunks; about {per_run * 1e3:.1f} ms per run "
            f"-> about {est:,.0f} s on {w} workers")
