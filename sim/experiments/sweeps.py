"""Running sweeps: a sweep file (:mod:`sim.experiments.sweepfile`) becomes a :class:`~sim.experiments.execute.Plan`.

The results folder is ``<out>/<sweep name>/<hash of the sweep file and base
scenario>/``, so running the same command again finds it and resumes from the
chunks on disk (see :mod:`sim.experiments.execute`).
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pyarrow as pa

from sim.engine.compile import build
from sim.experiments.chunk import ChunkJob, clean
from sim.experiments.designs.base import REGISTRY as DESIGNS
from sim.experiments.execute import Execution, Outcome, Plan, SweepFailed, SweepInterrupted, cut, execute, grid_tasks
from sim.experiments.progress import cap_workers
from sim.experiments.schemas import summary_schema
from sim.experiments.seeding import SCHEMES
from sim.experiments.sweepfile import design_matrix, load_sweep, sweep_hash
from sim.results.atomic import atomic_write_table
from sim.results.folder import ResultsFolder, check_output_root
from sim.results.provenance import git_commit, now_utc, versions
from sim.scenario.yamlio import load_file

__all__ = ["SweepFailed", "SweepInterrupted", "run_sweep"]


def run_sweep(
    sweep_file: str,
    out: str = "results",
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    fail_fast: bool = False,
    quiet: bool = False,
    stall_seconds: float | None = None,
) -> Outcome:
    """Run (or resume) a sweep; return where its results are."""
    check_output_root(Path(out))
    spec, base, _ = load_sweep(sweep_file)
    located = load_file(base)
    raw = located.data
    base_sc = build(copy.deepcopy(raw), located, {})  # the base scenario itself must be valid
    design = design_matrix(spec)
    seeding = DESIGNS[spec.design].seeding
    check_output_root(Path(out), spec.name)
    path = Path(out) / spec.name / sweep_hash(spec, base.read_text(encoding="utf-8"))
    tasks = grid_tasks(design.to_dict(orient="records"), spec.replications)
    chunks = cut(tasks, spec.chunk_runs)
    names = ["summary"] + (["events"] if spec.record_events else []) + (["series"] if spec.record_series else [])
    manifest = {
        "kind": "sweep",
        "sweep_name": spec.name,
        "sweep_file": str(sweep_file),
        "sweep": spec.model_dump(mode="json"),
        "scenario_file": str(base),
        "seed": spec.seed,
        "design": {
            "kind": spec.design,
            "points": len(design),
            "replications": spec.replications,
            "runs": len(tasks),
            "chunks": len(chunks),
            "parameters": [p.path for p in spec.parameters],
        },
        "seeding": SCHEMES[seeding],
        "versions": versions(),
        "git_commit": git_commit(),
        "created": now_utc(),
    }
    folder = ResultsFolder.create(path, manifest, names, len(tasks), len(chunks))
    if not (path / "design.parquet").is_file():
        atomic_write_table(path / "design.parquet", pa.Table.from_pandas(design.reset_index(names="point")))
    points = design.to_dict(orient="records")
    schema = summary_schema(base_sc, {p: clean(v) for p, v in points[0].items()} if points else {})
    job = ChunkJob(
        spec.seed,
        seeding,
        spec.record_events,
        spec.record_series,
        sweep=True,
        raw=raw,
        source=str(base),
        summary_schema=schema,
    )
    plan = Plan(spec.name, job, chunks, resumable=True, keep_parts=True)
    how = Execution(executor, cap_workers(workers, executor, scheduler), scheduler, fail_fast, quiet)
    if stall_seconds is not None:
        how = dataclasses.replace(how, stall_seconds=stall_seconds)
    return execute(plan, folder, how)
