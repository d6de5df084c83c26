"""Sweeps on real executors: same tables from serial, processes and a Dask LocalCluster;
a killed sweep resumes to identical tables; failing runs are recorded; Sobol indices."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analysis.discovery import discover
from sim.analysis.sensitivity import sensitivity, sobol_indices
from sim.errors import ScenarioError, UsageError
from sim.experiments.designs.base import design_matrix
from sim.experiments.sweepfile import SweepSpec, load_sweep
from sim.experiments.sweeps import SweepFailed, run_sweep

from ..conftest import ROOT, calendar_index

TEMPLATE = str(ROOT / "scenarios" / "student_template.yaml")
BASELINE = str(ROOT / "scenarios" / "baseline_oct2025.yaml")
# the template's threat (its size is ``add``), named by content rather than by position
BASELINE_THREAT_ADD = f"calendar.{calendar_index(Path(BASELINE).read_text(encoding='utf-8'), 'add:')}.add"
THREAT_ADD = f"calendar.{calendar_index(Path(TEMPLATE).read_text(encoding='utf-8'), 'add:')}.add"


def sweep_file(tmp_path: Path, **kw) -> str:
    spec = {
        "name": "t",
        "scenario": TEMPLATE,
        "design": "grid",
        "replications": 3,
        "seed": 5,
        "chunk_runs": 4,
        "parameters": [
            {"path": THREAT_ADD, "values": [0.5, 1.0]},
            {"path": "chokepoints.magnets.initial_stock_days", "values": [14, 56]},
        ],
    }
    spec.update(kw)
    p = tmp_path / f"{spec['name']}.yaml"
    p.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return str(p)


def summary(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path / "summary.parquet")


def test_grid_design_and_seeds(tmp_path):
    res = run_sweep(sweep_file(tmp_path), out=str(tmp_path / "o"), executor="serial", quiet=True)
    s = summary(res.path)
    assert res.runs == 12 and res.failed == 0
    assert list(s["run"]) == list(range(12))
    assert list(s["point"]) == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert sorted(set(zip(s[f"sweep.{THREAT_ADD}"], s["sweep.chokepoints.magnets.initial_stock_days"]))) == [
        (0.5, 14),
        (0.5, 56),
        (1.0, 14),
        (1.0, 56),
    ]
    m = json.loads((res.path / "manifest.json").read_text())
    assert m["status"] == "complete" and m["design"]["runs"] == 12 and m["progress"]["runs_done"] == 12


def test_processes_and_workers_give_identical_tables(tmp_path):
    f = sweep_file(tmp_path)
    a = run_sweep(f, out=str(tmp_path / "a"), executor="serial", workers=1, quiet=True)
    b = run_sweep(f, out=str(tmp_path / "b"), executor="processes", workers=2, quiet=True)
    pd.testing.assert_frame_equal(summary(a.path), summary(b.path))


@pytest.mark.slow
def test_dask_local_cluster_equals_process_pool(tmp_path):
    f = sweep_file(tmp_path)
    a = run_sweep(f, out=str(tmp_path / "a"), executor="processes", workers=2, quiet=True)
    b = run_sweep(f, out=str(tmp_path / "b"), executor="dask", workers=2, quiet=True)
    pd.testing.assert_frame_equal(summary(a.path), summary(b.path))


def test_invalid_points_are_recorded_and_the_sweep_goes_on(tmp_path):
    # each value is valid alone (checked when the file is loaded); initial 1.2 above max 1.0 is not
    tariff = "actors.US.instruments.tariff_on_cn"
    f = sweep_file(
        tmp_path,
        parameters=[{"path": f"{tariff}.initial", "values": [0.3, 1.2]}, {"path": f"{tariff}.max", "values": [1.0]}],
    )
    res = run_sweep(f, out=str(tmp_path / "o"), executor="serial", quiet=True)
    s = summary(res.path)
    assert res.failed == 3 and s["error"].notna().sum() == 3
    bad = s[s["error"].notna()]
    assert set(bad["point"]) == {1} and bad["error"].str.contains("initial").all()
    assert s.loc[s["error"].isna(), "outcome"].notna().all()
    with pytest.raises(SweepFailed, match=r"run 3 .point 1"):
        run_sweep(f, out=str(tmp_path / "ff"), executor="serial", fail_fast=True, quiet=True)


def _slow_sweep(tmp_path: Path) -> str:
    return sweep_file(
        tmp_path,
        name="slow",
        scenario=BASELINE,
        replications=25,
        chunk_runs=5,
        parameters=[{"path": BASELINE_THREAT_ADD, "values": [0.5, 1.0, 1.5, 2.0]}],
    )


def _wait_for_parts(out: Path, n: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        parts = list(out.rglob("parts/summary-*.parquet"))
        if len(parts) >= n:
            return
        assert proc.poll() is None, "the sweep finished before it could be interrupted"
        time.sleep(0.05)
    raise AssertionError("no parts appeared")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
@pytest.mark.slow
def test_interrupted_sweep_resumes_to_identical_tables(tmp_path, sig):
    f = _slow_sweep(tmp_path)
    ref = run_sweep(f, out=str(tmp_path / "ref"), executor="serial", quiet=True)
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "sim", "sweep", f, "--executor", "serial", "--out", str(out), "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_parts(out, 3, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "run the same command to resume" in err and "Traceback" not in err
        manifest = json.loads(next(out.rglob("manifest.json")).read_text())
        assert manifest["status"] == "interrupted" and 0 < manifest["progress"]["runs_done"] < 100
    else:
        assert proc.returncode == -signal.SIGKILL
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "resumed from disk" in done.stdout
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("results: "))
    path = Path(line.split(": ", 1)[1])
    assert (path / "report.html").is_file()
    pd.testing.assert_frame_equal(summary(path), summary(ref.path))


def test_bad_sweep_files_point_at_the_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(f"name: x\nscenario: {TEMPLATE}\ndesing: grid\nparameters:\n  - {{path: a, values: [1]}}\n")
    with pytest.raises(ScenarioError) as exc:
        load_sweep(p)
    assert f"{p}:3:1: desing: unknown key 'desing' (did you mean 'design'?)" in str(exc.value)
    p.write_text(f"name: x\nscenario: {TEMPLATE}\ndesign: saltelli\nparameters:\n  - {{path: a, values: [1, 2]}}\n")
    with pytest.raises(ScenarioError, match="saltelli needs a low/high range"):
        load_sweep(p)
    r = subprocess.run([sys.executable, "-m", "sim", "sweep", str(p)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function():
    """Known indices (a=7, b=0.1): S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)."""
    spec = SweepSpec(
        name="ishigami",
        scenario="-",
        design="saltelli",
        points=2048,
        seed=3,
        parameters=[{"path": f"x{i}", "low": -math.pi, "high": math.pi} for i in range(3)],
    )
    x = design_matrix(spec).to_numpy()
    table = sobol_indices(spec.problem(), ishigami(x), seed=3)
    a, b = 7.0, 0.1
    v = a**2 / 8 + b * math.pi**4 / 5 + b**2 * math.pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 / 18 - b**2 * math.pi**8 / 50
    s1 = [v1 / v, v2 / v, 0.0]
    st = [(v1 + v13) / v, v2 / v, v13 / v]
    for i in range(3):
        assert abs(table["S1"][i] - s1[i]) < max(3 * table["S1_conf"][i], 0.02)
        assert abs(table["ST"][i] - st[i]) < max(3 * table["ST_conf"][i], 0.02)


def summit_talks_only(tmp_path: Path) -> str:
    """The template with talks only at its summit (none after the threat's deadline), so that
    whether a deal comes depends on the swept parameters and discovery has a box to find."""
    d = yaml.safe_load(Path(TEMPLATE).read_text(encoding="utf-8"))
    d["deal_space"]["talks_after_deadlines"] = False
    p = tmp_path / "summit_talks_only.yaml"
    p.write_text(yaml.safe_dump(d), encoding="utf-8")
    return str(p)


def test_sensitivity_and_discovery_on_a_sweep(tmp_path):
    f = sweep_file(
        tmp_path,
        name="sal",
        scenario=summit_talks_only(tmp_path),
        design="saltelli",
        points=8,
        replications=2,
        chunk_runs=16,
        parameters=[
            {"path": THREAT_ADD, "low": 0.2, "high": 1.5},
            {"path": "chokepoints.magnets.initial_stock_days", "low": 10, "high": 60},
        ],
        outputs=["deal", "payoff_US"],
    )
    res = run_sweep(f, out=str(tmp_path / "o"), executor="serial", quiet=True)
    table, path = sensitivity(res.path)
    assert path.exists() and set(table["output"]) == {"deal", "payoff_US"}
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns) and len(table) == 4
    boxes, bpath = discover(res.path, "deal", threshold=0.5)
    assert bpath.exists() and set(boxes["parameter"]) <= {THREAT_ADD, "chokepoints.magnets.initial_stock_days"}
    assert ((boxes["coverage"] > 0) & (boxes["coverage"] <= 1) & (boxes["density"] <= 1)).all()
    with pytest.raises(UsageError, match="did you mean 'de-escalation'"):
        discover(res.path, "de_escalation")


def test_morris_sensitivity_ranks_the_parameter_that_matters(tmp_path):
    """In a deterministic scenario the spacing of the series grid changes no payoff — its
    elementary effects are exactly zero — while the discount rate changes every payoff."""
    from ..conftest import base_dict

    d = base_dict()
    # the tariff stands at 0.5 throughout, against a no-dispute path without it: a constant loss to discount
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = 0.5
    d["calibration"] = {"reference_date": "2024-12-31", "reference": {"US.tariff": 0.0}}
    scen = tmp_path / "deterministic.yaml"
    scen.write_text(yaml.safe_dump(d), encoding="utf-8")
    f = sweep_file(
        tmp_path,
        name="mor",
        scenario=str(scen),
        design="morris",
        points=6,
        replications=2,
        chunk_runs=20,
        outputs=["payoff_US"],
        parameters=[
            {"path": "meta.series_every_days", "low": 1, "high": 30},
            {"path": "meta.discount_rate_per_year", "low": 0.0, "high": 0.5},
        ],
    )
    res = run_sweep(f, out=str(tmp_path / "o"), executor="serial", quiet=True)
    table, _ = sensitivity(res.path)
    mu = dict(zip(table["parameter"], table["mu_star"]))
    assert mu["meta.series_every_days"] == 0.0
    assert mu["meta.discount_rate_per_year"] > 0.0


@pytest.mark.slow
def test_existing_dask_scheduler_by_address(tmp_path):
    """--scheduler tcp://HOST:PORT: the sweep runs on a cluster it did not start."""
    from distributed import LocalCluster

    f = sweep_file(tmp_path)
    ref = run_sweep(f, out=str(tmp_path / "ref"), executor="serial", quiet=True)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        res = run_sweep(f, out=str(tmp_path / "remote"), scheduler=cluster.scheduler_address, quiet=True)
    pd.testing.assert_frame_equal(summary(res.path), summary(ref.path))
    assert json.loads((res.path / "manifest.json").read_text())["executor"] == "dask"
