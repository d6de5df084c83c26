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
import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, field_validator, model_validator

from sim.errors import Problem, ScenarioError, did_you_mean, known
from sim.experiments.defaults import MAX_RUNS, MAX_SEED
from sim.experiments.designs.base import REGISTRY as DESIGNS
from sim.experiments.designs.base import design_matrix
from sim.experiments.estimate import estimate, startup_seconds
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


#: The dry run's pilot, in its own process: at most this many real runs of design points, or about this long.
PILOT_RUNS, PILOT_SECONDS = 20, 2.0


def scenario_builds(runs: int, replications: int, chunk_runs: int) -> int:
    """Scenario builds a sweep does: one per point in every chunk that has its runs
    (runs are in point order, ``replications`` a point, ``chunk_runs`` a chunk)."""
    first = np.arange(0, runs, chunk_runs)
    last = np.minimum(first + chunk_runs, runs) - 1
    return int(np.sum(last // replications - first // replications + 1))


def pilot_order(points: int, n: int) -> list[int]:
    """``n`` design points spread evenly over ``points``, ordered so that every prefix is
    spread too (van der Corput: 0, 1/2, 1/4, 3/4, ... of the range): a pilot stopped early
    by its time limit still covers the design."""
    picks = sorted({round(x) for x in np.linspace(0, points - 1, min(n, points))})
    order: list[int] = []
    j = 0
    while len(order) < len(picks):
        x, k, f = 0.0, j, 0.5
        while k:
            x, k, f = x + f * (k & 1), k >> 1, f / 2
        if picks[int(x * len(picks))] not in order:
            order.append(picks[int(x * len(picks))])
        j += 1
    return order


def _pilot(
    spec: SweepSpec, base: Path, base_doc: Located, points: list[dict[str, Any]], max_runs: int, max_seconds: float
) -> tuple[list[float], list[float]]:
    """CPU seconds to build each pilot point's scenario, and of each pilot run (points in
    :func:`pilot_order`, one replication each, then the next replications if runs are left)."""
    from sim.engine.compile import build
    from sim.engine.core import run_replication
    from sim.experiments.chunk import clean, set_path
    from sim.experiments.seeding import spawn_key
    from sim.scenario.loader import unshared_copy

    scheme = DESIGNS[spec.design].seeding
    order = pilot_order(len(points), max_runs)
    built: dict[int, Any] = {}
    builds: list[float] = []
    runs: list[float] = []
    t_end = time.perf_counter() + max_seconds
    for k in range(min(max_runs, len(points) * spec.replications)):
        if k and time.perf_counter() > t_end:
            break
        point, rep = order[k % len(order)], (k // len(order)) % spec.replications
        c0 = time.process_time()
        if point not in built:
            data = unshared_copy(base_doc.data)
            try:
                for path, value in points[point].items():
                    set_path(data, path, clean(value))
                built[point] = build(data, Located(data, str(base), {}), {})
            except ScenarioError:  # an invalid point: its runs fail at once, as in the sweep
                built[point] = None
            builds.append(time.process_time() - c0)
        c0 = time.process_time()
        if built[point] is not None:
            run = point * spec.replications + rep
            try:
                run_replication(
                    built[point], spec.seed, run, spec.record_series, spawn_key=spawn_key(scheme, run, point, rep)
                )
            except Exception:  # a failing run is a row of the sweep; its time counts
                pass
        runs.append(time.process_time() - c0)
    return builds, runs


def dry_run(
    sweep_file: str, workers: int | None = None, pilot_runs: int = PILOT_RUNS, pilot_seconds: float = PILOT_SECONDS
) -> str:
    """Design size, and the sweep's wall time estimated from a timed pilot; writes nothing.

    The pilot builds a few design points' scenarios and runs them in this process (at
    most ``pilot_runs`` runs or about ``pilot_seconds``); their mean CPU times, times the
    sweep's builds and runs, are the work (:func:`estimate`). The start-up is timed (a fresh
    interpreter importing the runner), and so is the reading of the sweep, here as in the sweep.
    """
    from sim.experiments.progress import cap_workers, default_workers

    t0 = time.perf_counter()
    spec, base, _, base_doc = open_sweep(sweep_file)
    points = design_matrix(spec).to_dict(orient="records")
    setup = time.perf_counter() - t0
    runs = len(points) * spec.replications
    chunks = math.ceil(runs / spec.chunk_runs)
    n_builds = scenario_builds(runs, spec.replications, spec.chunk_runs)
    t0 = time.perf_counter()
    builds, pilot = _pilot(spec, base, base_doc, points, pilot_runs, pilot_seconds)
    pilot_wall = time.perf_counter() - t0
    t_build, t_run = sum(builds) / len(builds), sum(pilot) / len(pilot)
    work = n_builds * t_build + runs * t_run
    cores = default_workers()
    w = min(cap_workers(workers) or cores, chunks)  # as the sweep: no more workers than chunks
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    start = startup_seconds()
    from sim.experiments.executors.processes import start_method

    forked = (
        start_method() == "fork"
    )  # as the sweep's pool will start its workers (checked before it starts any thread)
    est, how = estimate(work, setup, start, w, cores, load, (sum(builds) + sum(pilot)) / pilot_wall, forked)
    return "\n".join(
        [
            f"sweep {spec.name}: design {spec.design}, {len(points)} points x {spec.replications} replications "
            f"= {runs} runs in {chunks} chunks, {n_builds} scenario builds (a point's in each chunk with its runs)",
            f"pilot: {len(pilot)} runs of {len(builds)} design points in {pilot_wall:.1f} s in this process: "
            f"{t_build * 1e3:.1f} ms CPU to build a point's scenario, {t_run * 1e3:.1f} ms CPU a run",
            f"estimate: about {est:,.0f} s on {w} local worker{'s' if w > 1 else ''} = {start:.1f} s start-up "
            f"+ {setup:.1f} s reading the sweep + {work:,.1f} CPU-s of builds and runs {how}",
            f"(load average {load:.1f} on {cores} cores: others' work takes its share; the report is not included)",
        ]
    )
