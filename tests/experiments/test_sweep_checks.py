"""A sweep file is checked against its base scenario before any run (``--dry-run`` too):
paths that do not exist, values a field cannot take, unknown outputs, designs too small
for their estimator or too large to hold; a sweep in which every run failed is not a success."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sim.errors import ScenarioError
from sim.experiments.sweepcheck import extremes
from sim.experiments.sweepfile import SweepParameter, load_sweep
from sim.experiments.sweeps import AllRunsFailed, run_sweep

from ..conftest import ROOT

TEMPLATE = str(ROOT / "scenarios" / "student_template.yaml")
TARIFF = "actors.US.instruments.tariff_on_cn"


def write(tmp_path: Path, parameters: list, name: str = "chk", **kw) -> Path:
    spec = {"name": name, "scenario": TEMPLATE, "design": "grid", "replications": 1, "seed": 1, **kw}
    spec["parameters"] = parameters
    p = tmp_path / f"{name}.yaml"
    p.write_text(yaml.safe_dump(spec, sort_keys=False, default_flow_style=False), encoding="utf-8")
    return p


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_sweep(path)
    return [str(p) for p in exc.value.problems]


def line_of(path: Path, text: str) -> int:
    return next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if text in ln)


def test_every_bad_parameter_is_reported_at_its_line_with_the_scenarios_message(tmp_path):
    f = write(
        tmp_path,
        [
            {"path": "actors.US.reaction_lag_dayz", "values": [1, 2]},
            {"path": "calendar.7.add", "values": [0.5]},
            {"path": "actors.CN.policy.name", "low": 0, "high": 1},
            {"path": "actors.US.reaction_lag_days", "low": 0, "high": 5000},
            {"path": "actors.US.review_days", "values": [14, 1e-6]},
            {"path": "chokepoints.magnets.initial_stock_days", "values": [14, 56]},  # fine
        ],
    )
    found = problems(f)
    assert len(found) == 5, found
    lag_z, cal, name, lag, review = found
    assert lag_z.startswith(f"{f}:{line_of(f, 'reaction_lag_dayz') + 2}:")  # the line of the value 1
    assert "did you mean 'reaction_lag_days'" in lag_z
    assert "calendar.7.add = 0.5" in cal and "'7'" in cal
    assert "actors.CN.policy.name = 0.0" in name and name.startswith(f"{f}:{line_of(f, 'policy.name') + 1}:")
    assert lag.startswith(f"{f}:{line_of(f, 'high: 5000')}:") and "parameters.3.high" in lag
    assert "actors.US.reaction_lag_days = 5000.0" in lag and "[0, 365]" in lag
    assert "actors.US.review_days = 1e-06" in review and "values.1" in review


def test_a_dry_run_refuses_them_with_exit_2(tmp_path):
    f = write(tmp_path, [{"path": "actors.US.reaction_lag_days", "low": 0, "high": 5000}])
    r = subprocess.run(
        [sys.executable, "-m", "sim", "sweep", str(f), "--dry-run"], cwd=ROOT, capture_output=True, text=True
    )
    assert r.returncode == 2 and "reaction_lag_days = 5000.0" in r.stderr and "Traceback" not in r.stderr


def test_distribution_extremes_follow_the_scenarios_tail_rule(tmp_path):
    ok = SweepParameter.model_validate({"path": "a", "dist": {"dist": "lognormal", "median": 10, "sigma": 0.5}})
    lo, mid, hi = (v for _, v in extremes(ok, 0))
    assert 0 < lo < mid < hi and mid == pytest.approx(10)
    choice = SweepParameter.model_validate({"path": "a", "dist": {"dist": "choice", "values": [3, 1, 3, 2]}})
    assert [v for _, v in extremes(choice, 0)] == [3, 1, 2]
    f = write(
        tmp_path,
        [
            {"path": "actors.US.reaction_lag_days", "dist": {"dist": "normal", "mean": 1, "sd": 1}},
            {"path": "chokepoints.magnets.initial_stock_days", "dist": {"dist": "uniform", "low": 7, "high": 60}},
        ],
        design="lhs",
        points=4,
    )
    (bad,) = problems(f)
    assert "parameters.0.dist" in bad and "reaction_lag_days = -" in bad


def test_values_lists_try_the_extremes_and_every_text(tmp_path):
    p = SweepParameter.model_validate({"path": "a", "values": [5, 1, 9, 2.5, "x", "y", "x"]})
    assert [v for _, v in extremes(p, 0)] == [5, 1, 9, 2.5, "x", "y"]  # min, max, one per type, every text
    f = write(tmp_path, [{"path": "actors.CN.policy.name", "values": ["tit_for_tat", "bayesian", "tit_for_tatt"]}])
    (bad,) = problems(f)  # bayesian needs types_bn, which the template does not give
    assert "values.1" in bad and "'types_bn'" in bad


def test_unknown_outputs_are_refused_and_known_ones_accepted(tmp_path):
    good = ["deal", "deal_day", "payoff_US", "capitulation_CN", "stalemate", "de-escalation", f"sweep.{TARIFF}.max"]
    f = write(tmp_path, [{"path": f"{TARIFF}.max", "values": [1.3, 1.5]}], outputs=good)
    load_sweep(f)
    f = write(tmp_path, [{"path": f"{TARIFF}.max", "values": [1.3, 1.5]}], outputs=["deal", "payof_US", "outcome"])
    bad = problems(f)
    assert len(bad) == 2 and "unknown output 'payof_US' (did you mean 'payoff_US'?)" in bad[0]
    assert "outputs.2" in bad[1]


@pytest.mark.parametrize("design", ["morris", "saltelli"])
def test_sensitivity_designs_need_two_points(tmp_path, design):
    f = write(tmp_path, [{"path": f"{TARIFF}.max", "low": 1.3, "high": 1.5}], design=design, points=1)
    (bad,) = problems(f)
    assert "needs points >= 2" in bad


def test_a_huge_design_is_refused_before_it_is_built(tmp_path):
    params = [{"path": f"p{i}", "low": 0, "high": 1} for i in range(2000)]
    f = write(tmp_path, params, design="lhs", points=1_000_000)
    t0 = time.perf_counter()
    (bad,) = problems(f)
    assert "1,000,000 points x 2,000 parameters" in bad and "at most 10,000,000" in bad
    assert time.perf_counter() - t0 < 5  # building it would allocate ~15 GiB


@pytest.mark.slow
def test_points_invalid_only_together_are_failed_runs_and_all_failed_is_not_a_success(tmp_path):
    # each value alone is valid in the base scenario; initial 1.2 above max 1.0 is not
    f = write(tmp_path, [{"path": f"{TARIFF}.initial", "values": [1.2]}, {"path": f"{TARIFF}.max", "values": [1.0]}])
    load_sweep(f)
    with pytest.raises(AllRunsFailed, match=r"^all 1 runs failed: run 0: invalid point: .*initial"):
        run_sweep(str(f), out=str(tmp_path / "o"), executor="serial", quiet=True)
    r = subprocess.run(
        [sys.executable, "-m", "sim", "sweep", str(f), "--out", str(tmp_path / "o"), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and "all 1 runs failed" in r.stderr
