"""Sweep definitions and designs.

A sweep file names a base scenario, the parameters to vary (by the same dotted
paths as ``--set``), a design, replications per point, a root seed and the
outputs of interest::

    name: tariff_threat_sweep
    scenario: ../scenarios/baseline_oct2025.yaml
    design: sobol            # any registered design: grid | lhs | sobol | halton | saltelli | morris | monte_carlo
    points: 256              # grid: ignored (the product of the levels)
    replications: 20
    seed: 1
    parameters:
      - {path: calendar.2.add, low: 0.25, high: 1.5}
      - {path: actors.US.resolve_bn, dist: {dist: lognormal, median: 120, sigma: 0.6}}
      - {path: chokepoints.rare_earth_magnets.initial_stock_days, values: [14, 35, 56]}
    outputs: [deal, deal_day, payoff_US, payoff_CN]

Run ``(point i, replication r)`` draws from ``SeedSequence(seed, spawn_key=(i, r))``
(``design: monte_carlo``: run ``i`` from ``spawn_key=(i,)``, as ``tradesim run``).
Designs are registered in :mod:`sim.experiments.designs`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, field_validator, model_validator

from sim.errors import Problem, ScenarioError, did_you_mean, known
from sim.experiments.defaults import MAX_RUNS, MAX_SEED
from sim.experiments.designs.base import REGISTRY as DESIGNS
from sim.experiments.designs.base import design_matrix
from sim.results.provenance import tradesim_version
from sim.scenario.distributions import Dist
from sim.scenario.loader import convert_errors
from sim.scenario.numbers import Finite
from sim.scenario.yamlio import Located, load_file

#: Most runs (points x replications) a sweep may ask for (:data:`sim.experiments.defaults.MAX_RUNS`:
#: a million runs is a summary of ~400 MB with 50 columns and, at ~5 ms a run, hours on
#: a laptop; larger studies are several sweeps). Checked when the file is loaded,
#: before any design is built (so ``--dry-run`` allocates nothing for a huge design).
#: Largest root seed (:data:`sim.experiments.defaults.MAX_SEED`): seeds are stored as int64.
#: Most cells (points x parameters) of a design (a chosen limit): the driver holds the
#: design, its rows as dicts and the task list, measured at ~80 bytes a cell, so ten
#: million cells is ~0.8 GB before the first run (and ~15 s to build); checked before
#: the design is built.
MAX_DESIGN_CELLS = 10_000_000
#: Most levels of one grid parameter (chosen limit).
MAX_LEVELS = 10_000

Int = Annotated[int, Strict()]

__all__ = ["SweepParameter", "SweepSpec", "dry_run", "load_sweep", "open_sweep", "sweep_hash"]


class SweepParameter(BaseModel):
    """One varied parameter: a list of values, a uniform range, or a distribution."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="Dotted path in the scenario, as for --set.")
    values: list[Any] | None = Field(
        default=None, max_length=MAX_LEVELS, description="Levels (grid) or choices (sampling designs)."
    )
    low: Finite | None = None
    high: Finite | None = None
    num: Int | None = Field(default=None, ge=2, le=MAX_LEVELS, description="grid: levels between low and high.")
    dist: Dist | None = Field(default=None, description="Sampling designs: map the unit interval through this law.")

    @model_validator(mode="after")
    def _one_kind(self) -> SweepParameter:
        kinds = [self.values is not None, self.low is not None or self.high is not None, self.dist is not None]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of: values, low/high, dist")
        if kinds[1] and (self.low is None or self.high is None or not self.low < self.high):
            raise ValueError("a range needs low < high")
        if self.values is not None and not self.values:
            raise ValueError("values must not be empty")
        for v in self.values or ():
            if isinstance(v, float) and not math.isfinite(v):
                raise ValueError(f"values must be finite numbers, found {v}")
        return self

    def n_levels(self) -> int:
        """Levels of this parameter in a grid."""
        return len(self.values) if self.values is not None else (self.num or 5)

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map points of [0, 1) onto this parameter."""
        if self.values is not None:
            idx = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            return [self.values[i] for i in idx]
        if self.dist is not None:
            x = self.dist.frozen().ppf(u)
            if hasattr(self.dist, "values"):  # a choice: its frozen law is over the ranks of the sorted values
                return [float(v) for v in np.sort(np.asarray(self.dist.values, dtype=float))[x.astype(int)]]
            return [float(v) for v in x]
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
    design: str = Field(
        default="grid",
        description="A registered design: grid, lhs, sobol, halton, saltelli, "
        "morris, monte_carlo (see sim/experiments/designs/).",
    )
    points: Int = Field(
        default=64,
        ge=1,
        le=MAX_RUNS,
        description="Sampling designs: points (saltelli: base N; morris: trajectories).",
    )
    replications: Int = Field(default=1, ge=1, le=MAX_RUNS)
    seed: Int = Field(default=20251009, ge=0, le=MAX_SEED, description="Root seed, 0 to 2^63 - 1.")
    parameters: list[SweepParameter] = Field(
        default_factory=list, description="Varied parameters; none: a Monte Carlo of the base scenario."
    )
    outputs: list[str] = Field(default_factory=lambda: ["deal", "deal_day"])
    second_order: bool = Field(default=False, description="saltelli: also second-order indices.")
    morris_levels: Int = Field(default=4, ge=2, le=MAX_LEVELS)
    chunk_runs: Int = Field(default=100, ge=1, le=MAX_RUNS, description="Runs per task sent to a worker.")
    record_events: bool = False
    record_series: bool = Field(default=False, description="Series are large: off by default in sweeps.")

    @field_validator("design")
    @classmethod
    def _registered(cls, name: str) -> str:
        if name not in DESIGNS:
            raise ValueError(f"unknown design '{name}'{did_you_mean(name, DESIGNS)}; known: {known(DESIGNS)}")
        return name

    @model_validator(mode="after")
    def _check(self) -> SweepSpec:
        d = DESIGNS[self.design]
        if not d.takes_parameters and self.parameters:
            raise ValueError(f"{self.design} takes no parameters (it runs the base scenario)")
        if d.needs_range:
            for p in self.parameters:
                if p.low is None:
                    raise ValueError(f"{self.design} needs a low/high range for every parameter ({p.path})")
        if len({p.path for p in self.parameters}) != len(self.parameters):
            raise ValueError("a parameter path is listed twice")
        if d.indices is not None and self.parameters and self.points < 2:
            raise ValueError(
                f"{self.design} needs points >= 2 ({'trajectories' if self.design == 'morris' else 'base samples'}): "
                "with one, the spread of the estimates is undefined"
            )
        points = self.design_points()
        runs = points * self.replications
        if runs > MAX_RUNS:
            raise ValueError(
                f"the design has {points:,} points x {self.replications:,} replications = {runs:,} runs; "
                f"a sweep has at most {MAX_RUNS:,} (docs/limits.md): lower points, levels or replications"
            )
        cells = points * len(self.parameters)
        if cells > MAX_DESIGN_CELLS:
            raise ValueError(
                f"the design has {points:,} points x {len(self.parameters):,} parameters = {cells:,} values; "
                f"a design has at most {MAX_DESIGN_CELLS:,} (docs/limits.md): lower points or parameters"
            )
        return self

    def design_points(self) -> int:
        """Points the design will have, computed without building it."""
        d = len(self.parameters)
        if not DESIGNS[self.design].takes_parameters:
            return 1
        if self.design == "grid":
            return math.prod(p.n_levels() for p in self.parameters)
        if self.design == "saltelli":
            return self.points * (2 * d + 2 if self.second_order else d + 2)
        if self.design == "morris":
            return self.points * (d + 1)
        return self.points

    def problem(self) -> dict[str, Any]:
        """The SALib problem dict (names are the dotted paths)."""
        return {
            "num_vars": len(self.parameters),
            "names": [p.path for p in self.parameters],
            "bounds": [[p.low, p.high] for p in self.parameters],
        }


def load_sweep(path: str | os.PathLike[str]) -> tuple[SweepSpec, Path, Located]:
    """Read and validate a sweep file; return it and the resolved base scenario path.

    The parameters and outputs are checked against the base scenario
    (:mod:`sim.experiments.sweepcheck`): every problem is reported, at its line.
    """
    spec, base, located, _ = open_sweep(path)
    return spec, base, located


def open_sweep(path: str | os.PathLike[str]) -> tuple[SweepSpec, Path, Located, Located]:
    """:func:`load_sweep`, and the loaded base scenario document."""
    from sim.engine.compile import build
    from sim.experiments.sweepcheck import check_against_base, check_outputs
    from sim.scenario.loader import unshared_copy

    located = load_file(path)
    try:
        spec = SweepSpec.model_validate(located.data)
    except ValidationError as exc:
        raise ScenarioError(convert_errors(exc, located.data, located, {}, SweepSpec)) from None
    base = (Path(path).parent / spec.scenario).resolve()
    if not base.is_file():
        raise ScenarioError([Problem(located.where(("scenario",)), "scenario", f"base scenario {base} does not exist")])
    base_doc = load_file(base)
    data = unshared_copy(base_doc.data)
    base_sc = build(data, base_doc, {})  # the base scenario itself must be valid
    problems = check_outputs(spec.outputs, spec.parameters, base_sc, located)
    problems += check_against_base(spec.parameters, located, base_doc.data, str(base))
    if problems:
        raise ScenarioError(problems)
    return spec, base, located, base_doc


def sweep_hash(spec: SweepSpec, scenario_text: str) -> str:
    """Identifies a sweep: same file and same base scenario -> same results folder (resume)."""
    blob = json.dumps(
        {"spec": spec.model_dump(mode="json"), "scenario": scenario_text, "version": tradesim_version()}, sort_keys=True
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def dry_run(sweep_file: str, workers: int | None = None, sample_runs: int = 20) -> str:
    """Design size and an estimate of the wall time from timing a few runs of the base scenario."""
    import time

    from sim.engine.compile import build
    from sim.engine.core import run_replication
    from sim.experiments.progress import default_workers
    from sim.scenario.loader import unshared_copy

    spec, _, _, base_doc = open_sweep(sweep_file)
    design = design_matrix(spec)
    runs = len(design) * spec.replications
    sc = build(unshared_copy(base_doc.data), base_doc, {})
    t0 = time.perf_counter()
    for i in range(sample_runs):
        run_replication(sc, spec.seed, i, spec.record_series)
    per_run = (time.perf_counter() - t0) / sample_runs
    w = workers or default_workers()
    est = per_run * runs / w
    return (
        f"sweep {spec.name}: design {spec.design}, {len(design)} points x {spec.replications} replications "
        f"= {runs} runs in {math.ceil(runs / spec.chunk_runs)} chunks; about {per_run * 1e3:.1f} ms per run "
        f"-> about {est:,.0f} s on {w} workers"
    )
