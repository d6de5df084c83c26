"""Pre-aggregation of stored results for the report: small tables, whatever the run count.

Every function returns a compact summary (bins, quantiles, curves), so a page for
100,000 runs embeds the same few kilobytes of data as a page for 100. The tables come
as a pandas DataFrame or as a :class:`~sim.results.table.StoredTable` of a results
folder; from a stored table only the columns needed are read (one or a few at a time),
and the series are streamed in batches (:func:`fan`), so memory does not grow with the
number of runs either.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import pandas as pd

from sim.analysis.grid import GridRows, linear_quantiles
from sim.results.table import StoredTable, release_memory

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Values :func:`fan` holds at once (bytes): beyond it, the series are scanned again for
#: the next columns or the next grid points.
FAN_BUDGET = 24 * 2**20
#: Steps a survival curve keeps at most (:func:`thin_steps`): drawn, it stays within
#: 1/1000 of the Kaplan–Meier curve.
KM_LEVELS = 1000
#: A table to read columns from.
Columns: TypeAlias = "pd.DataFrame | StoredTable"


def columns_of(table: Columns, columns: Sequence[str]) -> pd.DataFrame:
    """The columns of ``table`` among ``columns`` (in that order) as a DataFrame."""
    if isinstance(table, StoredTable):
        return table.frame(columns)
    return table[[c for c in columns if c in table.columns]]


def histogram(values: pd.Series, bins: int = 40, span: tuple[float, float] | None = None) -> pd.DataFrame:
    """Bin centres, widths and counts of the finite values, over ``span`` (default: their range).

    Histograms drawn over each other need one ``span`` (:func:`common_span`): with bins of other
    widths, the heights of their bars (shares of runs per bin) cannot be compared.
    """
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return pd.DataFrame({"centre": [], "width": [], "count": []})
    lo, hi = span if span is not None else (float(x.min()), float(x.max()))
    if hi - lo <= 1e-9 * max(1.0, abs(hi)):  # (nearly) one value: one bin around it
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(x, bins=bins, range=(lo, hi))
    return pd.DataFrame({"centre": (edges[:-1] + edges[1:]) / 2, "width": np.diff(edges), "count": counts})


def common_span(*values: pd.Series) -> tuple[float, float] | None:
    """The range of the finite values of every series (None if there are none): one ``span`` for
    :func:`histogram` of each, so their bins are the same."""
    parts = [pd.to_numeric(v, errors="coerce").to_numpy(dtype=float) for v in values]
    x = np.concatenate([p[np.isfinite(p)] for p in parts]) if parts else np.empty(0)
    return (float(x.min()), float(x.max())) if len(x) else None


def kaplan_meier(durations: np.ndarray, observed: np.ndarray) -> pd.DataFrame:
    """Kaplan–Meier survival ``S(t)`` (Kaplan & Meier 1958): step values after each event time."""
    d = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    order = np.argsort(d, kind="stable")
    d, e = d[order], e[order]
    times, first = np.unique(d, return_index=True)  # each distinct time and its first row
    deaths = np.add.reduceat(e.astype(np.int64), first) if len(d) else np.zeros(0, np.int64)
    at_risk = len(d) - first
    hit = deaths > 0
    s = np.cumprod(1.0 - deaths[hit] / at_risk[hit])  # the product-limit, step by step in time order
    return pd.DataFrame({"t": np.r_[0.0, times[hit]], "S": np.r_[1.0, s]})


def thin_steps(t: np.ndarray, s: np.ndarray, levels: int = KM_LEVELS) -> tuple[np.ndarray, np.ndarray]:
    """A falling step curve ``s(t)`` (values in [0, 1]) with at most ``levels + 2`` of its steps.

    Kept: the first and last points and each step at which the curve enters a new band
    ``[k/levels, (k+1)/levels)``. Every step left out lies in the band of the kept step
    before it, so the thinned curve, drawn as steps, is within ``1/levels`` of the curve
    everywhere (and equal to it at every kept step). A curve with few steps is returned whole.
    """
    t, s = np.asarray(t, float), np.asarray(s, float)
    if len(t) <= levels + 2:
        return t, s
    band = np.floor(s * levels)
    keep = np.r_[True, band[1:] != band[:-1]]
    keep[-1] = True
    return t[keep], s[keep]


def survival_to_horizon(days: pd.Series, horizon: float, levels: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan–Meier steps of an event day (NaN: no event, censored at the horizon), drawn to the horizon.

    ``levels``: at most that many steps, within ``1/levels`` of the curve (:func:`thin_steps`).
    """
    day = days.astype(float)
    km = kaplan_meier(day.fillna(horizon).to_numpy(), day.notna().to_numpy())
    t, s = km["t"].to_numpy(), km["S"].to_numpy()
    if levels is not None:
        t, s = thin_steps(t, s, levels)
    return np.append(t, horizon), np.append(s, s[-1])


def fan(series: Columns, columns: Sequence[str], step: float, budget: int = FAN_BUDGET) -> pd.DataFrame:
    """Quantiles over runs of each column at each point of the regular grid (long table).

    A run's value at a grid point ``t`` (a multiple of ``step``) is its last row at ``t``:
    the state after every event at ``t``. The quantiles are exact, interpolated linearly
    between order statistics as pandas does. The series are streamed in batches: one scan
    of ``run`` and ``t`` finds the rows on the grid (:class:`GridRows`), then scans of the
    columns collect their values at the grid points, as many columns (or grid points of
    one column) per scan as ``budget`` bytes of values hold.
    """
    names = [f"q{int(q * 100)}" for q in QUANTILES]
    return over_grid(series, columns, step, lambda x: linear_quantiles(x, QUANTILES), names, budget)


def share_above(
    series: Columns, columns: Sequence[str], step: float, threshold: float = 0.0, budget: int = FAN_BUDGET
) -> pd.DataFrame:
    """The share of runs whose value of each column is above ``threshold`` at each grid point
    (long table: ``column, t, share, runs``; runs with no value there are not counted), by the
    same scans as :func:`fan`. With a shortfall share and 0: P(in shortage) over time."""

    def stat(x: np.ndarray) -> list[float]:
        x = x[~np.isnan(x)]
        return [float((x > threshold).mean()) if len(x) else float("nan"), float(len(x))]

    return over_grid(series, columns, step, stat, ["share", "runs"], budget)


def over_grid(
    series: Columns,
    columns: Sequence[str],
    step: float,
    stat: Callable[[np.ndarray], list[float]],
    names: list[str],
    budget: int = FAN_BUDGET,
) -> pd.DataFrame:
    """``stat`` of the runs' values of each column at each point of the regular grid (long table:
    ``column, t, *names``), by the scans of :class:`GridRows` (see :func:`fan`)."""
    table = StoredTable.of(series)
    if table.empty or "t" not in table or "run" not in table:
        return pd.DataFrame(columns=["column", "t", *names])
    if not isinstance(table.source, Path):  # in memory: in run and time order first (a stable sort)
        import pyarrow.compute as pc

        arrow = table.arrow()
        table = StoredTable(arrow.take(pc.sort_indices(arrow, [("run", "ascending"), ("t", "ascending")])))
    columns = [c for c in dict.fromkeys(columns) if c in table]
    grid = GridRows.scan(table, step)
    rows: list[tuple] = []
    for chosen, keys in grid.passes(len(columns), budget):  # column by column, grid points in ascending time
        for c, t, q in grid.reduce(table, columns[chosen], keys, stat):
            rows.append((c, t, *q))
    release_memory()  # the values read are free: give the memory back to the system
    if not rows:
        return pd.DataFrame(columns=["column", "t", *names])
    return pd.DataFrame(rows, columns=["column", "t", *names])


def day_histogram(days: pd.Series, runs: int, start: dt.date, long_span: float = 92.0) -> pd.DataFrame:
    """Counts of event days (day offsets from ``start``; NaN: no event) in bins of whole days —
    of whole weeks (7, 14, … days: at most about 100 bins) when the days span more than ``long_span``.

    A bin ``[first, first + width)`` holds the events from the date ``first`` to ``last``
    (inclusive; ``first`` and ``last`` as ISO dates); ``share`` is its count over ``runs``.
    """
    x = pd.to_numeric(days, errors="coerce").to_numpy(dtype=float)
    x = x[np.isfinite(x)]
    cols = ["day", "width", "first", "last", "count", "share"]
    if len(x) == 0:
        return pd.DataFrame(columns=cols)
    lo, hi = int(np.floor(x.min())), int(np.floor(x.max()))
    width = 1 if hi - lo < long_span else 7 * int(np.ceil((hi - lo + 1) / 700))
    lo -= lo % width  # bins aligned on the start (day 0, 7, 14, … for weeks)
    edges = np.arange(lo, hi + width + 1, width, dtype=float)
    counts, _ = np.histogram(x, bins=edges)
    first = edges[:-1]
    return pd.DataFrame(
        {
            "day": first,
            "width": float(width),
            "first": [str(start + dt.timedelta(days=int(d))) for d in first],
            "last": [str(start + dt.timedelta(days=int(d) + width - 1)) for d in first],
            "count": counts,
            "share": counts / max(runs, 1),
        }
    )


def representative_run(summary: Columns) -> int:
    """The run whose payoffs lie closest (in standard units) to the median payoffs."""
    cols = [c for c in summary.columns if c.startswith("payoff_")]
    summary = columns_of(summary, ["run", *cols])
    x = summary[cols].astype(float)
    z = (x - x.median()) / x.std(ddof=0).replace(0, 1.0)
    return int(summary.loc[(z**2).sum(axis=1).idxmin(), "run"])
