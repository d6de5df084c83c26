"""Failed sweep runs (an ``error`` recorded) are left out of every figure and counted on the page."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from sim.analysis.sweep_bins import binned
from sim.analysis.tables import failed_runs, successful_runs
from sim.report.build import build_report
from sim.report.sections.deal_day import deal_day
from sim.report.stored import load_report

from .test_fans import RecordingPage

HORIZON = 100.0


def results_with_failures(folder):
    """Four runs with deals on days 10, 20, 30, 40 and four failed runs (NaN everywhere, an error)."""
    folder.mkdir(parents=True, exist_ok=True)
    scenario = {"meta": {"name": "t", "start": "2025-01-01", "horizon_days": HORIZON}, "actors": {}}
    (folder / "manifest.json").write_text(
        json.dumps({"scenario_name": "t", "scenario": scenario, "status": "complete"})
    )
    summary = pd.DataFrame(
        {
            "run": range(8),
            "outcome": ["deal"] * 4 + [None] * 4,
            "deal_day": [10.0, 20.0, 30.0, 40.0] + [np.nan] * 4,
            "payoff_A": [1.0, 2.0, 3.0, 4.0] + [np.nan] * 4,
            "sweep.x": [0.0, 1.0] * 4,
            "error": [None] * 4 + ["ValueError: boom"] * 4,
        }
    )
    summary.to_parquet(folder / "summary.parquet")
    for table in ("events", "series"):  # a run folder holds all three tables
        pd.DataFrame({"run": pd.Series([], dtype="int64"), "t": pd.Series([], dtype="float64")}).to_parquet(
            folder / f"{table}.parquet"
        )
    return folder


def test_kaplan_meier_ignores_failed_runs(tmp_path):
    report = load_report(results_with_failures(tmp_path / "r"))
    page = RecordingPage()
    fig_data = []
    page.figure = lambda fig, title, checks=None: fig_data.append((title, fig))  # keep the figures themselves
    deal_day(page, report)
    km = next(fig for title, fig in fig_data if title.startswith("Time to deal"))
    survival = np.asarray(km.data[0].y, float)
    # every finished run reached a deal by day 40: nobody is left without one
    assert survival[-1] == 0.0
    assert len(report.summary) == 4 and report.failed == 4


def test_page_says_how_many_runs_failed(tmp_path):
    html = build_report(results_with_failures(tmp_path / "r")).read_text()
    assert "8 runs, 4 failed" in html


def test_helpers_and_aggregates(tmp_path):
    summary = pd.read_parquet(results_with_failures(tmp_path / "r") / "summary.parquet")
    assert failed_runs(summary) == 4 and len(successful_runs(summary)) == 4
    t = binned(summary, "sweep.x")
    assert t["runs"].sum() == 4 and (t["p"] == 1.0).all()
