"""The figure checklist on pages of real results: a sweep of the shipped baseline with its
sensitivity indices and scenario discovery, and a tournament (their figures depend on the
data: a date label at the right end of an axis, a share that is 1 at most points)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main

from .checklist import check_report_file

ROOT = Path(__file__).resolve().parents[2]
SWEEP = """name: checklist
scenario: {scenario}
design: lhs
points: 16
replications: 3
seed: 1
parameters:
  - {{path: calendar.2.add, low: 0.25, high: 1.5}}
  - {{path: chokepoints.rare_earth_magnets.initial_stock_days, low: 14, high: 56}}
outputs: [deal, deal_by_60, payoff_US]
chunk_runs: 12
"""


@pytest.fixture(scope="module")
def sweep_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sweep")
    spec = tmp / "sweep.yaml"
    spec.write_text(SWEEP.format(scenario=ROOT / "scenarios" / "baseline_oct2025.yaml"))
    assert main(["sweep", str(spec), "--out", str(tmp / "r"), "--quiet", "--no-report", "--workers", "1"]) == 0
    folder = next((tmp / "r").rglob("manifest.json")).parent
    for cmd in (["analyze", "sensitivity", str(folder)], ["analyze", "discover", str(folder)], ["report", str(folder)]):
        assert main(cmd) == 0
    return folder / "report.html"


@pytest.fixture(scope="module")
def tournament_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("tournament")
    scenario = str(ROOT / "scenarios" / "student_template.yaml")
    args = ["tournament", scenario, "--policies", "resolve,tit_for_tat,scripted", "--runs", "10"]
    assert main([*args, "--out", str(out), "--quiet", "--workers", "1"]) == 0
    return next(out.rglob("report.html"))


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 900])
def test_a_real_sweep_page_passes_the_checklist(sweep_report, width):
    text = sweep_report.read_text()
    assert "Sensitivity" in text and "plotly-graph-div" in text
    assert check_report_file(sweep_report, width=width) == []


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 900])
def test_a_real_tournament_page_passes_the_checklist(tournament_report, width):
    assert check_report_file(tournament_report, width=width) == []
