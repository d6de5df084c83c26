"""The Python API: ``sim.run`` and ``sim.load_results``."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Iterable

import numpy as np
import pyarrow as pa

from sim.engine.compile import load_scenario
from sim.results.folder import Results
from sim.experiments.runner import default_workers, monte_carlo
from sim.scenario.schema import Scenario
from sim.results.store import git_commit, scenario_hash, versions, write_results

DEFAULT_SEED = 20251009
DEFAULT_RUNS = 1000


def _with_dates(table: pa.Table, start: dt.date) -> pa.Table:
    t = table.column("t").to_numpy(zero_copy_only=False)
    days = np.floor(t + 1e-9).astype("int64")
    dates = np.datetime64(start, "D") + days.astype("timedelta64[D]")
    return table.add_column(table.schema.get_field_index("t") + 1, "date", pa.array(dates, pa.date32()))


def run(scenario: str | os.PathLike[str] | Scenario, runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED,
        workers: int | None = None, out: str | os.PathLike[str] | None = "results",
        overrides: Iterable[str] = (), record_series: bool = True, quiet: bool = True) -> Results:
    """Run a seeded Monte Carlo of a scenario and (unless ``out=None``) save it.

    Parameters
    ----------
    scenario : path to a scenario YAML file, or a loaded :class:`Scenario`.
    runs : number of runs.
    seed : root seed; run ``i`` uses ``SeedSequence(seed, spawn_key=(i,))``.
    workers : processes (default: all cores). Results do not depend on it.
    out : results root; the run goes to ``out/<scenario>/<run-id>/``.
    overrides : ``"dotted.path=value"`` strings, validated like the file.

    Examples
    --------
    >>> import sim
    >>> res = sim.run("scenarios/student_template.yaml", runs=20, seed=1, workers=1, out=None)
    >>> len(res.summary)
    20
    """
    overrides = list(overrides)
    if isinstance(scenario, Scenario):
        sc, source = scenario, None
        if overrides:
            raise ValueError("overrides apply to scenario files; pass a path")
    else:
        sc, source = load_scenario(scenario, overrides), str(scenario)
    workers = default_workers() if workers is None else workers
    summary, events, series = monte_carlo(sc, runs, seed, workers, record_series, quiet)
    events = _with_dates(events, sc.meta.start)
    series = _with_dates(series, sc.meta.start)
    resolved = sc.model_dump(mode="json")
    manifest = {
        "scenario_name": sc.meta.name, "scenario_file": source, "overrides": overrides,
        "scenario_hash": scenario_hash(resolved), "scenario": resolved, "seed": seed, "runs": runs,
        "workers": workers, "design": {"kind": "monte_carlo", "runs": runs},
        "versions": versions(), "git_commit": git_commit(),
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    path = None
    if out is not None:
        path = write_results(Path(out), sc.meta.name,
                             {"summary": summary, "events": events, "series": series}, manifest)
    return Results(summary.to_pandas(), events.to_pandas(), series.to_pandas(), path, manifest)
