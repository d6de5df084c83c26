"""Aggregates from scans of a results folder equal those of the whole tables in pandas.

On a real 200-run folder of the baseline: the fan quantiles streamed from series.parquet (in
one scan, or in many under a small memory budget) against the pandas expression the report
used to evaluate on the whole series; ``summary_stats`` read column by column against the same
on the whole summary; the other report aggregates from a stored table against a DataFrame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import sim
import sim.analysis.aggregate as agg
from sim.analysis.summary import stats_columns, summary_stats
from sim.analysis.sweep_bins import binned, binned_2d
from sim.errors import UsageError
from sim.report.sections.fans import fan_groups
from sim.results.folder import load_results
from sim.results.table import StoredTable

BASELINE = "scenarios/baseline_oct2025.yaml"
STEP = 7.0
Q = [f"q{int(q * 100)}" for q in agg.QUANTILES]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return sim.run(BASELINE, runs=200, seed=5, workers=1, out=tmp_path_factory.mktemp("scan")).path


def pandas_fan(series: pd.DataFrame, columns: list[str], step: float) -> pd.DataFrame:
    """The fan as computed on the whole series in memory (a run's last row at each grid time)."""
    on_grid = series[np.isclose(series["t"] / step, np.round(series["t"] / step))]
    last = on_grid.groupby(["run", "t"], sort=False).tail(1)
    frames = []
    for c in columns:
        g = last.groupby("t")[c].quantile(list(agg.QUANTILES)).unstack()
        g.columns = Q
        g = g.reset_index()
        g.insert(0, "column", c)
        frames.append(g)
    return pd.concat(frames, ignore_index=True)


def fan_columns(series: pd.DataFrame) -> list[str]:
    return [c for c in series.columns if c not in ("run", "t", "date") and not c.startswith(("loss_", "belief_"))]


def same_fan(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == ["column", "t", *Q]
    assert list(got["column"]) == list(want["column"]) and np.array_equal(got["t"], want["t"])
    np.testing.assert_allclose(got[Q].to_numpy(float), want[Q].to_numpy(float), rtol=1e-12, atol=1e-12)


def test_fan_streamed_from_the_folder_equals_pandas_on_the_whole_series(folder):
    series = pd.read_parquet(folder / "series.parquet")
    columns = fan_columns(series)
    want = pandas_fan(series, columns, STEP)
    assert len(want) > 40 * len(columns) and want[Q].notna().all().all()
    stored = load_results(folder).table("series")
    same_fan(agg.fan(stored, columns, STEP), want)
    # a budget of 20 kB: several scans, a column or a few grid points of one column at a time
    same_fan(agg.fan(stored, columns, STEP, budget=20_000), want)
    same_fan(agg.fan(series, columns, STEP), want)  # a DataFrame: the same code on a table in memory


def test_fan_of_runs_with_different_grid_points_equals_pandas(folder):
    """Runs that stop early (a swept horizon) or skip grid points: values grouped by grid time."""
    series = pd.read_parquet(folder / "series.parquet")
    rng = np.random.default_rng(3)
    drop = (series["run"] % 3 == 0) & (series["t"] > 200) | (rng.random(len(series)) < 0.05)
    uneven = series[~drop].reset_index(drop=True)
    columns = fan_columns(series)[:4]
    want = pandas_fan(uneven, columns, STEP)
    same_fan(agg.fan(uneven, columns, STEP), want)
    same_fan(agg.fan(uneven, columns, STEP, budget=5_000), want)
    shuffled = uneven.sample(frac=1.0, random_state=1)  # in memory, any order: sorted by run and time, stably
    same_fan(agg.fan(shuffled, columns, STEP), pandas_fan(shuffled, columns, STEP))


def test_a_series_file_out_of_order_is_refused(folder, tmp_path):
    table = pq.read_table(folder / "series.parquet")
    pq.write_table(table.take(np.arange(len(table))[::-1].copy()), tmp_path / "series.parquet")
    with pytest.raises(UsageError, match="not in run and time order"):
        agg.fan(StoredTable(tmp_path / "series.parquet"), ["hostility"], STEP)


def test_summary_stats_read_column_by_column_are_identical(folder, monkeypatch):
    res = load_results(folder)
    want = summary_stats(res.summary, res.start)
    read: list[list[str]] = []
    frame = StoredTable.frame
    monkeypatch.setattr(
        StoredTable, "frame", lambda self, columns=None, **kw: read.append(columns) or frame(self, columns, **kw)
    )
    got = summary_stats(res.table("summary"), res.start)
    assert sorted(got) == sorted(want)
    for key in want:
        pd.testing.assert_frame_equal(got[key], want[key], check_exact=True)
    assert all(c is not None and len(c) == 1 for c in read)  # one column at a time, never the whole table
    needed = set(stats_columns(res.table("summary").columns))
    assert {c[0] for c in read} == needed and len(needed) < len(res.summary.columns) / 2


def test_report_aggregates_from_a_stored_table_equal_those_of_the_dataframe(folder):
    res = load_results(folder)
    summary, stored = res.summary, res.table("summary")
    assert agg.representative_run(stored) == agg.representative_run(summary)
    sweep_like = summary.assign(**{"sweep.x": summary["actors.US.resolve_bn"], "sweep.y": summary["seed"] % 3})
    stored_sweep = StoredTable.of(sweep_like)
    pd.testing.assert_frame_equal(binned(stored_sweep, "sweep.x"), binned(sweep_like, "sweep.x"))
    pd.testing.assert_frame_equal(
        binned_2d(stored_sweep, "sweep.x", "sweep.y"), binned_2d(sweep_like, "sweep.x", "sweep.y")
    )
    for c in ("deal_day", "payoff_US", "loss_shortage_CN"):
        pd.testing.assert_frame_equal(agg.histogram(stored[c]), agg.histogram(summary[c]))


def test_every_fan_chart_column_is_in_the_streamed_fan(folder):
    report_cols = fan_columns(pq.read_schema(folder / "series.parquet").empty_table().to_pandas())
    manifest = load_results(folder).manifest
    chosen = [c for _, _, cols in fan_groups(manifest["scenario"], report_cols) for c in cols]
    got = agg.fan(load_results(folder).table("series"), report_cols, STEP)
    assert set(chosen) <= set(got["column"])


def test_thinned_survival_stays_within_its_bound():
    rng = np.random.default_rng(0)
    days = pd.Series(rng.uniform(0, 300, 50_000)).where(rng.random(50_000) < 0.8)  # 20% no event
    t, s = agg.survival_to_horizon(days, 365.0)
    tt, ss = agg.survival_to_horizon(days, 365.0, levels=200)
    assert len(t) > 40_000 and len(tt) <= 200 + 3
    assert tt[0] == t[0] and tt[-1] == t[-1] and ss[-1] == s[-1]
    # the thinned step curve, read at every original step, is within 1/200 of the curve
    drawn = ss[np.searchsorted(tt, t, side="right") - 1]
    assert np.abs(drawn - s).max() <= 1 / 200
    few = pd.Series([3.0, 5.0, np.nan, 8.0])
    for a, b in zip(agg.survival_to_horizon(few, 10.0), agg.survival_to_horizon(few, 10.0, levels=200)):
        assert np.array_equal(a, b)  # a short curve is kept whole


def test_survival_of_a_table_in_memory_and_on_disk_agree(tmp_path):
    frame = pd.DataFrame({"run": np.arange(500), "deal_day": np.r_[np.linspace(1, 90, 400), [np.nan] * 100]})
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "s.parquet")
    disk = StoredTable(tmp_path / "s.parquet")
    for a, b in zip(
        agg.survival_to_horizon(disk["deal_day"], 100.0), agg.survival_to_horizon(frame["deal_day"], 100.0)
    ):
        assert np.array_equal(a, b)


def test_kaplan_meier_is_the_product_limit_step_by_step():
    rng = np.random.default_rng(1)
    d = np.round(rng.uniform(0, 100, 5000), 1)  # ties, as deal days on a calendar have
    e = rng.random(5000) < 0.7
    km = agg.kaplan_meier(d, e)
    times, surv, s = [0.0], [1.0], 1.0
    for t in np.unique(d):
        deaths, at_risk = int(e[d == t].sum()), int((d >= t).sum())
        if deaths:
            s *= 1.0 - deaths / at_risk
            times.append(float(t))
            surv.append(s)
    pd.testing.assert_frame_equal(km, pd.DataFrame({"t": times, "S": surv}), check_exact=True)
    assert agg.kaplan_meier(np.zeros(0), np.zeros(0, bool)).equals(pd.DataFrame({"t": [0.0], "S": [1.0]}))


def test_the_packed_mask_reads_back_every_slice():
    from sim.analysis.grid import Bits

    rng = np.random.default_rng(2)
    flags = rng.random(10_007) < 0.4
    bits = Bits(len(flags))
    cuts = np.sort(rng.choice(np.arange(1, len(flags)), 60, replace=False))
    for part in np.split(flags, cuts):  # pieces of any length, not on byte boundaries
        bits.append(part)
    bits.close()
    assert bits.bytes.nbytes == (len(flags) + 7) // 8
    for first, n in [(0, len(flags)), (3, 5), (8, 8), (9, 1000), (10_000, 7), (5_001, 0)]:
        assert np.array_equal(bits.read(first, n), flags[first : first + n])
    short = Bits(10)
    short.append(np.ones(9, bool))
    with pytest.raises(RuntimeError, match="changed while read"):
        short.close()
