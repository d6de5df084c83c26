"""A runaway run hits the event budget: a sweep records it as failed and goes on,
``--fail-fast`` stops, a Monte Carlo stops with the budget's reason and a failed folder."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

import sim
from sim.experiments.chunk import RunFailed
from sim.experiments.sweeps import SweepFailed, run_sweep
from sim.policies.base import REGISTRY
from sim.results.manifest import read_manifest
from tests.conftest import base_dict
from tests.engine.test_event_budget import RUNAWAY, RunawayWake


@pytest.fixture
def runaway():
    REGISTRY.register(RunawayWake)
    yield RUNAWAY
    REGISTRY._entries.pop(RUNAWAY, None)


def _files(tmp_path, policy_values):
    data = base_dict()
    base = tmp_path / "base.yaml"
    base.write_text(yaml.safe_dump(data), encoding="utf-8")
    spec = {
        "name": "runaway",
        "scenario": str(base),
        "design": "grid",
        "replications": 2,
        "seed": 1,
        "chunk_runs": 2,
        "parameters": [{"path": "actors.CN.policy.name", "values": policy_values}],
    }
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return str(sweep), data


def test_a_sweep_records_runaway_runs_as_failed_and_goes_on(tmp_path, runaway):
    sweep, _ = _files(tmp_path, [runaway, "scripted"])
    res = run_sweep(sweep, out=str(tmp_path / "o"), executor="serial", quiet=True)
    s = pd.read_parquet(res.path / "summary.parquet")
    assert res.failed == 2 and len(s) == 4
    bad = s[s["error"].notna()]
    assert list(bad["point"]) == [0, 0]
    assert bad["error"].str.contains("event budget").all()
    assert bad["error"].str.contains("at day 0").all() and bad["error"].str.contains("of CN").all()
    assert s[s["error"].isna()]["outcome"].notna().all()


def test_fail_fast_stops_at_the_runaway_run(tmp_path, runaway):
    sweep, _ = _files(tmp_path, [runaway, "scripted"])
    with pytest.raises(SweepFailed, match="event budget"):
        run_sweep(sweep, out=str(tmp_path / "o"), executor="serial", quiet=True, fail_fast=True)
    (folder,) = (tmp_path / "o" / "runaway").iterdir()
    assert read_manifest(folder)["status"] == "failed"


def test_a_monte_carlo_stops_with_the_budget_reason(tmp_path, runaway):
    data = base_dict()
    data["actors"]["CN"]["policy"] = {"name": runaway}
    path = tmp_path / "runaway.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RunFailed, match=r"run 0 \(seed 3\) failed: EventBudgetExceeded: event budget .* at day 0"):
        sim.run(str(path), runs=2, seed=3, workers=1, out=tmp_path / "o")
    (folder,) = (tmp_path / "o" / "unit").iterdir()
    assert read_manifest(folder)["status"] == "failed"
