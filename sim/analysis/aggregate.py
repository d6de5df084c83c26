"""Pre-aggregation of stored results for the report: small tables, whatever the run count.

Every function takes pandas tables read from a results folder and returns a
compact summary (bins, quantiles, curves), so a page for 100,000 runs embeds
the same few kilobytes of data as a page for 100.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.tables import successful_runs

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def histogram(values: pd.Series, bins: int = 40) -> pd.DataFrame:
    """Bin centres, widths and counts of the finite values."""
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return pd.DataFrame({"centre": [], "width": [], "count": []})
    lo, hi = float(x.min()), float(x.max())
    if hi - lo <= 1e-9 * max(1.0, abs(hi)):  # (nearly) one value: one bin around it
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(x, bins=bins, range=(lo, hi))
    return pd.DataFrame({"centre": (edges[:-1] + edges[1:]) / 2, "width": np.diff(edges), "count": counts})


def ecdf(values: pd.Series, points: int = 200) -> pd.DataFrame:
    """The empirical CDF at (at most) ``points`` quantiles."""
    x = np.sort(pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float))
    if len(x) == 0:
        return pd.DataFrame({"x": [], "F": []})
    q = np.linspace(0, 1, min(points, len(x)))
    return pd.DataFrame({"x": np.quantile(x, q), "F": q})


def kaplan_meier(durations: np.ndarray, observed: np.ndarray) -> pd.DataFrame:
    """Kaplan–Meier survival ``S(t)`` (Kaplan & Meier 1958): step values after each event time."""
    d = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    order = np.argsort(d, kind="stable")
    d, e = d[order], e[order]
    times, surv = [0.0], [1.0]
    s = 1.0
    n = len(d)
    i = 0
    while i < n:
        t = d[i]
        j = i
        while j < n and d[j] == t:
            j += 1
        deaths = int(e[i:j].sum())
        at_risk = n - i
        if deaths:
            s *= 1.0 - deaths / at_risk
            times.append(float(t))
            surv.append(s)
        i = j
    return pd.DataFrame({"t": times, "S": surv})


def survival_to_horizon(days: pd.Series, horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan–Meier steps of an event day (NaN: no event, censored at the horizon), drawn to the horizon."""
    day = days.astype(float)
    km = kaplan_meier(day.fillna(horizon).to_numpy(), day.notna().to_numpy())
    return np.append(km["t"].to_numpy(), horizon), np.append(km["S"].to_numpy(), km["S"].iloc[-1])


def fan(series: pd.DataFrame, columns: list[str], step: float) -> pd.DataFrame:
    """Quantiles over runs of each column at each point of the regular grid (long table)."""
    if series.empty:
        return pd.DataFrame(columns=["column", "t", *[f"q{int(q * 100)}" for q in QUANTILES]])
    on_grid = series[np.isclose(series["t"] / step, np.round(series["t"] / step))]
    last = on_grid.groupby(["run", "t"], sort=False).tail(1)  # the state after every event at t
    frames = []
    for c in columns:
        if c not in last:
            continue
        g = last.groupby("t")[c].quantile(list(QUANTILES)).unstack()
        g.columns = [f"q{int(q * 100)}" for q in QUANTILES]
        g = g.reset_index()
        g.insert(0, "column", c)
        frames.append(g)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def representative_run(summary: pd.DataFrame) -> int:
    """The run whose payoffs lie closest (in standard units) to the median payoffs."""
    cols = [c for c in summary.columns if c.startswith("payoff_")]
    x = summary[cols].astype(float)
    z = (x - x.median()) / x.std(ddof=0).replace(0, 1.0)
    return int(summary.loc[(z**2).sum(axis=1).idxmin(), "run"])


def bootstrap_diff(a: np.ndarray, b: np.ndarray, stat, n: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """``stat(b) − stat(a)`` with a 95% percentile bootstrap interval (Efron 1979)."""
    rng = np.random.default_rng(seed)
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    diffs = np.empty(n)
    for i in range(n):
        diffs[i] = stat(rng.choice(b, len(b))) - stat(rng.choice(a, len(a)))
    return float(stat(b) - stat(a)), float(np.quantile(diffs, 0.025)), float(np.quantile(diffs, 0.975))


def by_parameter(summary: pd.DataFrame, param: str, outcome: str = "deal", bins: int = 10) -> pd.DataFrame:
    """P(outcome) and median deal day against one swept parameter (binned if continuous)."""
    ok = successful_runs(summary)
    x = ok[param]
    if pd.api.types.is_numeric_dtype(x) and x.nunique() > bins:
        key = pd.cut(x.astype(float), bins=bins)
        centre = key.map(lambda iv: iv.mid).astype(float)
    else:
        centre = x
    g = pd.DataFrame({"x": centre, "hit": (ok["outcome"] == outcome).astype(float), "deal_day": ok["deal_day"]})
    out = (
        g.groupby("x", observed=True)
        .agg(p=("hit", "mean"), median_deal_day=("deal_day", "median"), runs=("hit", "size"))
        .reset_index()
    )
    return out


def heatmap(summary: pd.DataFrame, px: str, py: str, outcome: str = "deal", bins: int = 8) -> pd.DataFrame:
    """P(outcome) over two swept parameters (each binned if continuous)."""
    ok = successful_runs(summary)

    def key(col: str) -> pd.Series:
        x = ok[col]
        if pd.api.types.is_numeric_dtype(x) and x.nunique() > bins:
            return pd.cut(x.astype(float), bins=bins).map(lambda iv: iv.mid).astype(float)
        return x

    g = pd.DataFrame({"x": key(px), "y": key(py), "hit": (ok["outcome"] == outcome).astype(float)})
    return g.groupby(["x", "y"], observed=True)["hit"].mean().unstack()
