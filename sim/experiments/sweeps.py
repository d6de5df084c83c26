"""Running sweeps: a sweep file (:mod:`sim.experiments.sweepfile`) becomes a :class:`~sim.experiments.execute.Plan`.

The results folder is ``<out>/<sweep name>/<hash of the sweep file and base
scenario>/``, so running the same command again finds it and resumes from the
chunks on disk (see :mod:`sim.experiments.execute`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.engine.compile import build
from sim.experiments.chunk import ChunkJob, clean
from sim.experiments.designs.base import REGISTRY as DESIGNS
from sim.experiments.execute import (
    AllRunsFailed,
    ChunkStalled,
    Execution,
    Outcome,
    Plan,
    SweepFailed,
    SweepInterrupted,
    cut,
    grid_tasks,
    run_plan,
)
from sim.experiments.progress import cap_workers
from sim.experiments.schemas import summary_schema
from sim.experiments.seeding import SCHEMES
from sim.experiments.sweepfile import design_matrix, open_sweep, sweep_hash
from sim.results.atomic import atomic_write_table
from sim.results.folder import ResultsFolder, check_output_root
from sim.results.provenance import git_commit, now_utc, versions
from sim.scenario.loader import unshared_copy

__all__ = ["AllRunsFailed", "ChunkStalled", "SweepFailed", "SweepInterrupted", "run_sweep"]


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
    """Run (or resume) a sweep; return where its results are.

    Raises :class:`AllRunsFailed` when every run failed (the folder is complete, each
    run's error in its summary row), :class:`ChunkStalled` when the watchdog stops it.
    """
    check_output_root(Path(out))
    spec, base, _, located = open_sweep(sweep_file)
    raw = located.data
    base_sc = build(unshared_copy(raw), located, {})
    design = design_matrix(spec)
    seeding = DESIGNS[spec.design].seeding
    check_output_root(Path(out), spec.name)
    path = Path(out) / spec.name / sweep_hash(spec, base.read_text(encoding="utf-8"))
    points = design.to_dict(orient="records")
    tasks = grid_tasks(points, spec.replications)
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

    def open_folder() -> ResultsFolder:
        folder = ResultsFolder.create(path, manifest, names, len(tasks), len(chunks))
        if not (path / "design.parquet").is_file():
            atomic_write_table(path / "design.parquet", pa.Table.from_pandas(design.reset_index(names="point")))
        return folder

    outcome = run_plan(plan, how, open_folder)  # the executor connects before the folder is made
    if outcome.runs and outcome.failed == outcome.runs:
        raise AllRunsFailed(f"all {outcome.runs} runs failed: {_first_error(outcome.path)}")
    return outcome


def _first_error(path: Path) -> str:
    """The error of the first failed run of a finished sweep."""
    s = pq.read_table(path / "summary.parquet", columns=["run", "error"]).to_pandas()
    bad = s[s["error"].notna()]
    first = f"run {int(bad['run'].iloc[0])}: {bad['error'].iloc[0]}" if len(bad) else "no error recorded"
    return f"{first} (every run's error is in {path / 'summary.parquet'})"[:1000]
