"""The Python API: ``sim.run`` — a Monte Carlo, executed as a sweep with no parameters."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from sim.engine.compile import load_scenario
from sim.errors import UsageError
from sim.experiments.chunk import ChunkJob
from sim.experiments.defaults import DEFAULT_RUNS, DEFAULT_SEED, MAX_RUNS, MAX_SEED, MAX_WORKERS, whole_number
from sim.experiments.designs.base import REGISTRY as DESIGNS
from sim.experiments.execute import Execution, Plan, cut, grid_tasks, monte_carlo_chunk_runs, run_plan
from sim.experiments.progress import cap_workers, default_workers
from sim.experiments.schemas import summary_schema
from sim.experiments.seeding import SCHEMES
from sim.results.folder import Results, ResultsFolder, check_output_root, load_results
from sim.results.manifest import RUN_TABLES
from sim.results.provenance import git_commit, new_run_id, now_utc, scenario_hash, versions
from sim.scenario.schema import Scenario


def run(
    scenario: str | os.PathLike[str] | Scenario,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    workers: int | None = None,
    out: str | os.PathLike[str] | None = "results",
    overrides: Iterable[str] = (),
    record_series: bool = True,
    quiet: bool = True,
) -> Results:
    """Run a seeded Monte Carlo of a scenario and (unless ``out=None``) save it.

    Parameters
    ----------
    scenario : path to a scenario YAML file, or a loaded :class:`Scenario`.
    runs : number of runs.
    seed : root seed; run ``i`` uses ``SeedSequence(seed, spawn_key=(i,))``.
    workers : processes (default: all cores). Results do not depend on it.
    out : results root; the run goes to ``out/<scenario>/<run-id>/``, which exists
        from the start with ``status: running`` in its manifest (``complete`` at
        the end). The tables of the returned :class:`Results` are read from that
        folder when first used (``res.summary``...), and ``res.table(name)`` scans
        one without loading it: memory does not grow with the number of runs.
        ``None``: a temporary folder, removed before returning, so its three tables
        are read into memory first (give ``out`` for large runs).
    overrides : ``"dotted.path=value"`` strings, validated like the file.

    Arguments are checked before any work, with the bounds of the command line
    (:mod:`sim.experiments.defaults`): a bad one raises :class:`sim.errors.UsageError`.

    Examples
    --------
    >>> import sim
    >>> res = sim.run("scenarios/student_template.yaml", runs=20, seed=1, workers=1, out=None)
    >>> len(res.summary)
    20
    """
    if not isinstance(scenario, (str, os.PathLike, Scenario)):
        raise UsageError(f"scenario is a file path or a Scenario, found {type(scenario).__name__}")
    runs = whole_number(runs, "runs", 1, MAX_RUNS)
    seed = whole_number(seed, "seed", 0, MAX_SEED)
    if workers is not None:
        workers = whole_number(workers, "workers", 1, MAX_WORKERS)
    if isinstance(overrides, str):
        raise UsageError("overrides is a list of 'dotted.path=value' strings, found one string")
    overrides = list(overrides)
    if not all(isinstance(o, str) for o in overrides):
        raise UsageError("overrides is a list of 'dotted.path=value' strings")
    if isinstance(scenario, Scenario):
        sc, source = scenario, None
        if overrides:
            raise UsageError("overrides apply to scenario files; pass a path")
    else:
        sc, source = load_scenario(scenario, overrides), str(scenario)
    workers = default_workers() if workers is None else max(1, cap_workers(workers) or 1)
    if out is not None:
        check_output_root(Path(out), sc.meta.name)
    resolved = sc.model_dump(mode="json")
    design = DESIGNS["monte_carlo"]
    manifest = {
        "scenario_name": sc.meta.name,
        "scenario_file": source,
        "overrides": overrides,
        "scenario_hash": scenario_hash(resolved),
        "scenario": resolved,
        "seed": seed,
        "runs": runs,
        "workers": workers,
        "design": {"kind": design.name, "runs": runs},
        "seeding": SCHEMES[design.seeding],
        "versions": versions(),
        "git_commit": git_commit(),
        "created": now_utc(),
        "run_id": new_run_id(seed),
    }
    job = ChunkJob(
        seed,
        design.seeding,
        record_events=True,
        record_series=record_series,
        sweep=False,
        scenario=sc,
        summary_schema=summary_schema(sc),
        start=sc.meta.start,
    )
    points = design.matrix(None).to_dict(orient="records")  # type: ignore[arg-type]
    chunks = cut(grid_tasks(points, runs), monte_carlo_chunk_runs(runs, workers))
    plan = Plan(sc.meta.name, job, chunks, resumable=False, keep_parts=False)
    how = Execution("processes", workers, quiet=quiet)
    if out is None:
        with tempfile.TemporaryDirectory(prefix="tradesim-") as tmp:
            res = _execute(plan, how, Path(tmp), manifest)
            return Results(res.summary, res.events, res.series, None, res.manifest)
    return _execute(plan, how, Path(out), manifest)


def _execute(plan: Plan, how: Execution, root: Path, manifest: dict) -> Results:
    path = root / str(manifest["scenario_name"]) / str(manifest["run_id"])
    run_plan(plan, how, lambda: ResultsFolder.create(path, manifest, RUN_TABLES, plan.runs, len(plan.chunks)))
    return load_results(path)
