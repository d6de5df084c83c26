"""The report and the comparison page read results by scans (columns, batches, filters), never a
whole table, and every figure is of a bounded size whatever the number of runs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sim
import sim.results.reading
from sim.analysis.aggregate import KM_LEVELS
from sim.report.build import build_report
from sim.report.compare import compare
from sim.report.sections.deal_day import deal_day
from sim.report.stored import load_report

from .test_fans import RecordingPage


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return sim.run("scenarios/baseline_oct2025.yaml", runs=40, seed=2, workers=1, out=tmp_path_factory.mktemp("r")).path


def test_pages_are_built_without_reading_a_whole_table(folder, tmp_path, monkeypatch):
    def whole(*args, **kwargs):
        raise AssertionError("a whole table was read")

    monkeypatch.setattr(pd, "read_parquet", whole)
    monkeypatch.setattr(sim.results.reading, "read_table", whole)
    html = build_report(folder).read_text(encoding="utf-8")
    for title in ("Outcome labels", "Time to deal", "Payoff per actor", "Stocks", "Calendar and a", "Provenance"):
        assert title in html
    page = compare(folder, folder, tmp_path / "cmp", n_boot=20).read_text(encoding="utf-8")
    assert "paired and unpaired 95% intervals" in page


def test_the_timeline_reads_the_events_of_one_run(folder):
    report = load_report(folder)
    page = RecordingPage()
    from sim.report.sections.timeline import timeline

    timeline(page, report)
    ((title, sources),) = page.figures
    runs = {name for name in sources if name.startswith("run ")}
    assert title == "Calendar and a representative run" and len(runs) == 1


def many_runs(folder, n: int):
    """A results folder of ``n`` runs with as many distinct deal days (summary only, no rows elsewhere)."""
    folder.mkdir(parents=True)
    scenario = {"meta": {"name": "t", "start": "2025-01-01", "horizon_days": 365}, "actors": {}}
    (folder / "manifest.json").write_text(
        json.dumps({"scenario_name": "t", "scenario": scenario, "status": "complete"})
    )
    rng = np.random.default_rng(4)
    day = np.where(rng.random(n) < 0.9, rng.uniform(0, 365, n), np.nan)
    pd.DataFrame(
        {"run": np.arange(n), "outcome": np.where(np.isnan(day), "stalemate", "deal"), "deal_day": day}
    ).to_parquet(folder / "summary.parquet")
    for table in ("events", "series"):
        pd.DataFrame({"run": pd.Series([], dtype="int64"), "t": pd.Series([], dtype="float64")}).to_parquet(
            folder / f"{table}.parquet"
        )
    return folder


def test_the_survival_curve_of_many_runs_has_a_bounded_number_of_points(tmp_path):
    figures = []
    page = RecordingPage()
    page.figure = lambda fig, title, checks=None: figures.append((title, fig))
    deal_day(page, load_report(many_runs(tmp_path / "big", 30_000)))
    km = next(fig for title, fig in figures if title.startswith("Time to deal"))
    assert len(km.data[0].x) <= KM_LEVELS + 3
    small = tmp_path / "small"
    a = build_report(many_runs(small, 300)).stat().st_size
    b = build_report(tmp_path / "big").stat().st_size
    assert b - a < 60_000, (a, b)  # 100 times the runs, the same page


def test_implausible_runs_are_listed_from_a_filtered_scan():
    from pathlib import Path

    from sim.report.page import Page
    from sim.report.sections import Report
    from sim.report.sections.plausibility import plausibility

    class TablePage(Page):
        def __init__(self) -> None:
            super().__init__("test")
            self.tables: list[pd.DataFrame] = []

        def table(self, df, caption: str = "") -> None:
            self.tables.append(df)

    n = 100
    summary = pd.DataFrame(
        {
            "run": np.arange(n),
            "outcome": "deal",
            "payoff_US": np.arange(n, dtype=float),
            "plausible": pd.array([None if i == 3 else i % 4 != 1 for i in range(n)], dtype=object),
            "plausibility_bound_bn": 5.0,
        }
    )
    scenario = {"meta": {"start": "2025-01-01", "horizon_days": 100}, "actors": {}}
    page = TablePage()
    plausibility(page, Report(Path("."), {}, scenario, summary, pd.DataFrame(), pd.DataFrame()))
    (shown,) = page.tables
    flagged = [i for i in range(n) if i == 3 or i % 4 == 1]  # a missing flag counts as implausible
    assert list(shown["run"]) == flagged[:20] and list(shown.columns) == list(
        summary.columns.drop(["outcome", "plausible"])
    )


def test_a_folder_with_older_column_names_is_read_under_todays(folder, tmp_path):
    import shutil

    import pyarrow.parquet as pq

    old = tmp_path / "old"
    shutil.copytree(folder, old)
    for name, new in (("series", "shortfall_share_"), ("summary", "unmet_demand_days_")):
        t = pq.read_table(old / f"{name}.parquet")
        pq.write_table(
            t.rename_columns([c.replace(new, "shortfall_") for c in t.column_names]), old / f"{name}.parquet"
        )
    report = load_report(old)
    today = load_report(folder)
    assert report.series.columns == today.series.columns and report.summary.columns == today.summary.columns
    chokepoint = next(c for c in today.series.columns if c.startswith("shortfall_share_"))
    pd.testing.assert_series_equal(report.series[chokepoint], today.series[chokepoint])
    from sim.analysis.aggregate import fan

    pd.testing.assert_frame_equal(fan(report.series, [chokepoint], 7.0), fan(today.series, [chokepoint], 7.0))


def test_deal_days_are_binned_by_whole_days_or_weeks():
    import datetime as dt

    from sim.analysis.aggregate import day_histogram

    start = dt.date(2025, 10, 9)
    h = day_histogram(pd.Series([0.2, 0.9, 3.5, np.nan]), 4, start)
    assert list(h["first"]) == ["2025-10-09", "2025-10-10", "2025-10-11", "2025-10-12"]
    assert list(h["count"]) == [2, 0, 0, 1] and h["share"].iloc[0] == 0.5 and (h["first"] == h["last"]).all()
    h = day_histogram(pd.Series([10.5, 22.0, 300.0]), 3, start)  # a long span: weeks from the start
    assert (h["width"] == 7).all() and h["day"].iloc[0] == 7 and h["count"].sum() == 3
    assert (h.iloc[0]["first"], h.iloc[0]["last"]) == ("2025-10-16", "2025-10-22")
    assert h.loc[h["first"] == "2025-10-30", "count"].item() == 1  # day 22 lies in the week from day 21


def test_share_in_shortage_by_scan_equals_the_whole_table(folder):
    from sim.analysis.aggregate import share_above

    series = load_report(folder).series
    cols = [c for c in series.columns if c.startswith("shortfall_share_")]
    scanned = share_above(series, cols, 7.0, budget=2_000)  # a tiny budget: many passes
    whole = pd.read_parquet(folder / "series.parquet")
    last = whole[np.isclose(whole["t"] % 7.0, 0) | np.isclose(whole["t"] % 7.0, 7.0)].groupby(["run", "t"]).last()
    for c in cols:
        expected = (last[c] > 0).groupby(level="t").mean()
        got = scanned[scanned["column"] == c].set_index("t")["share"]
        np.testing.assert_allclose(got.to_numpy(), expected.loc[got.index].to_numpy())
        assert (scanned["runs"] == 40).all()
    assert scanned["share"].max() > 0  # some runs of the baseline run short
