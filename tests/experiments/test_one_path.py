"""One execution path: a Monte Carlo runs through the sweep machinery (chunks, executors,
parts, consolidation) and gives, run for run, what ``run_replication`` gives with
``SeedSequence(seed, spawn_key=(i,))`` — whatever the executor and the number of workers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

import sim
from sim.engine import run_replication
from sim.engine.compile import load_scenario
from sim.experiments.chunk import ChunkJob
from sim.experiments.execute import Execution, Plan, cut, execute, grid_tasks
from sim.experiments.executors.base import REGISTRY as EXECUTORS
from sim.experiments.sweeps import run_sweep
from sim.results.folder import ResultsFolder, load_results
from sim.results.manifest import RUN_TABLES

from ..conftest import ROOT

TEMPLATE = ROOT / "scenarios" / "student_template.yaml"


def _monte_carlo(tmp: Path, executor: str, workers: int, runs: int = 12, seed: int = 4, chunk: int = 5):
    """A Monte Carlo as :func:`sim.run` builds it, on a chosen executor."""
    sc = load_scenario(TEMPLATE)
    job = ChunkJob(seed, "run", record_events=True, record_series=True, sweep=False, scenario=sc, start=sc.meta.start)
    plan = Plan("t", job, cut(grid_tasks([{}], runs), chunk), resumable=False, keep_parts=False)
    folder = ResultsFolder.create(
        tmp / executor, {"scenario": sc.model_dump(mode="json")}, RUN_TABLES, runs, len(plan.chunks)
    )
    execute(plan, folder, Execution(executor, workers))
    return load_results(folder.path)


def test_monte_carlo_rows_are_run_replication_with_the_run_seed():
    runs, seed = 7, 3
    res = sim.run(TEMPLATE, runs=runs, seed=seed, workers=1, out=None)
    sc = load_scenario(TEMPLATE)
    assert list(res.summary["run"]) == list(range(runs))
    for i in range(runs):
        one = run_replication(sc, seed, i, True)
        row = res.summary.iloc[i]
        for key, value in one.summary.items():
            if isinstance(value, float) and value != value:  # NaN
                assert pd.isna(row[key]), key
            else:
                assert row[key] == value, (i, key)
        assert (res.events["run"] == i).sum() == len(one.events)
        assert (res.series["run"] == i).sum() == len(one.series)
    # and not the sweep seeding (point 0, replication i)
    other = run_replication(sc, seed, 1, True, spawn_key=(0, 1))
    assert other.summary["actors.US.resolve_bn"] != res.summary.iloc[1]["actors.US.resolve_bn"]


@pytest.mark.slow
def test_one_and_two_workers_give_identical_tables():
    one = sim.run(TEMPLATE, runs=30, seed=9, workers=1, out=None)
    two = sim.run(TEMPLATE, runs=30, seed=9, workers=2, out=None)
    for a, b in ((one.summary, two.summary), (one.events, two.events), (one.series, two.series)):
        pd.testing.assert_frame_equal(a, b)
    assert list(one.events.columns) == ["run", "t", "date", "actor", "kind", "instrument", "old", "new", "note"]
    assert list(one.series.columns[:3]) == ["run", "t", "date"]


@pytest.mark.parametrize(
    "executor", [pytest.param(n, marks=pytest.mark.slow) if n == "dask" else n for n in EXECUTORS.names()]
)
@pytest.mark.slow
def test_every_registered_executor_gives_identical_tables(tmp_path, executor):
    """Registry contract: the serial executor is the reference (dask: a real LocalCluster)."""
    ref = _monte_carlo(tmp_path / "ref", "serial", 1)
    got = _monte_carlo(tmp_path, executor, 2)
    for a, b in ((ref.summary, got.summary), (ref.events, got.events), (ref.series, got.series)):
        pd.testing.assert_frame_equal(a, b)
    assert not (got.path / "parts").exists() and got.manifest["executor"] == executor


def test_a_sweep_with_the_monte_carlo_design_is_tradesim_run(tmp_path):
    spec = {
        "name": "mc",
        "scenario": str(TEMPLATE),
        "design": "monte_carlo",
        "replications": 9,
        "seed": 5,
        "chunk_runs": 4,
    }
    f = tmp_path / "mc.yaml"
    f.write_text(yaml.safe_dump(spec), encoding="utf-8")
    swept = pd.read_parquet(
        run_sweep(str(f), out=str(tmp_path / "o"), executor="serial", quiet=True).path / "summary.parquet"
    )
    ran = sim.run(TEMPLATE, runs=9, seed=5, workers=1, out=None).summary
    assert list(swept["replication"]) == list(range(9)) and swept["error"].isna().all()
    pd.testing.assert_frame_equal(swept[list(ran.columns)], ran)


def test_the_cli_offers_every_registered_executor():
    from sim.cli.main import build_parser

    sweep = build_parser()._subparsers._group_actions[0].choices["sweep"]
    (action,) = [a for a in sweep._actions if a.dest == "executor"]
    assert list(action.choices) == EXECUTORS.names() and {"serial", "processes", "dask"} <= set(action.choices)


def test_an_unknown_executor_is_a_usage_error():
    from sim.errors import UsageError
    from sim.experiments.executors.base import make_executor

    with pytest.raises(UsageError, match=r"unknown executor 'proceses' .did you mean 'processes'"):
        make_executor("proceses", 1)
