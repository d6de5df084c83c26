"""Runs of a sweep binned over its parameters: P(outcome), the median deal day and the run count per bin.

A continuous parameter is cut into quantile bins of its runs (an LHS or a law's
sample fills them equally; ties collapse bins), a parameter with few values
(a grid's levels, choices) keeps its values. Each bin carries its label (the
range of values it holds) and how many runs fell in it, so a figure can say how
much each cell rests on.

>>> import pandas as pd
>>> runs = pd.DataFrame({"sweep.a": [0.1, 0.2, 0.3, 0.4], "outcome": ["deal", "x", "deal", "deal"],
...                      "deal_day": [5.0, None, 7.0, 9.0]})
>>> binned(runs, "sweep.a", bins=2)[["label", "p", "runs"]].to_dict("list")
{'label': ['0.1–0.2', '0.3–0.4'], 'p': [0.5, 1.0], 'runs': [2, 2]}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.analysis.aggregate import columns_of
from sim.analysis.tables import successful_runs

if TYPE_CHECKING:
    from sim.analysis.aggregate import Columns


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def bin_key(x: pd.Series, bins: int) -> tuple[pd.Series, pd.Series]:
    """``(bin order, bin label)`` per run: quantile bins of a continuous parameter, else its values."""
    if pd.api.types.is_numeric_dtype(x) and x.nunique() > bins:
        code = pd.qcut(x.astype(float), q=bins, labels=False, duplicates="drop")
        lo = x.groupby(code).transform("min")
        hi = x.groupby(code).transform("max")
        label = [f"{_fmt(a)}–{_fmt(b)}" for a, b in zip(lo, hi)]
        return code.astype(int), pd.Series(label, index=x.index)
    if pd.api.types.is_numeric_dtype(x):
        return x.rank(method="dense").astype(int) - 1, x.map(lambda v: _fmt(float(v)))
    codes, _ = pd.factorize(x, sort=True)
    return pd.Series(codes, index=x.index), x.astype(str)


def binned(summary: Columns, param: str, outcome: str = "deal", bins: int = 8) -> pd.DataFrame:
    """Per bin of ``param``: ``order``, ``label``, ``lo``/``hi``, ``p`` (share with ``outcome``),
    ``median_deal_day`` (of the runs with a deal; NaN without) and ``runs``."""
    ok = successful_runs(columns_of(summary, [param, "outcome", "deal_day", "error"]))
    order, label = bin_key(ok[param], bins)
    g = pd.DataFrame(
        {
            "order": order,
            "label": label,
            "x": ok[param],
            "hit": (ok["outcome"] == outcome).astype(float),
            "deal_day": ok["deal_day"].astype(float),
        }
    )
    out = g.groupby(["order", "label"], sort=True).agg(
        p=("hit", "mean"), median_deal_day=("deal_day", "median"), runs=("hit", "size")
    )
    out = out.reset_index()
    if pd.api.types.is_numeric_dtype(ok[param]):
        mid = g.groupby("order")["x"].agg(["min", "max"])
        out["lo"], out["hi"] = mid["min"].to_numpy(), mid["max"].to_numpy()
    return out


def binned_2d(summary: Columns, px: str, py: str, outcome: str = "deal", bins: int = 6) -> pd.DataFrame:
    """Per cell of two parameters' bins: ``x``/``y`` labels and orders, ``p`` and ``runs``."""
    ok = successful_runs(columns_of(summary, [px, py, "outcome", "error"]))
    xo, xl = bin_key(ok[px], bins)
    yo, yl = bin_key(ok[py], bins)
    g = pd.DataFrame({"xo": xo, "x": xl, "yo": yo, "y": yl, "hit": (ok["outcome"] == outcome).astype(float)})
    return g.groupby(["xo", "x", "yo", "y"], sort=True)["hit"].agg(p="mean", runs="size").reset_index()


def grid_of(cells: pd.DataFrame) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """``(x labels, y labels, P matrix [y, x], run counts [y, x])`` of :func:`binned_2d`'s cells (NaN/0 where empty)."""
    xs = cells[["xo", "x"]].drop_duplicates().sort_values("xo")["x"].tolist()
    ys = cells[["yo", "y"]].drop_duplicates().sort_values("yo")["y"].tolist()
    p = np.full((len(ys), len(xs)), np.nan)
    n = np.zeros((len(ys), len(xs)), dtype=int)
    for r in cells.itertuples(index=False):
        i, j = ys.index(r.y), xs.index(r.x)
        p[i, j], n[i, j] = r.p, r.runs
    return xs, ys, p, n
