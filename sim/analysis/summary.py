"""Summary statistics of a Monte Carlo: outcome shares, deal timing, threats,
shortages, payoffs and losses — the tables ``tradesim run`` prints.

Give it the runs that completed (:attr:`sim.results.folder.Results.ok`): in a
sweep, a failed run is a row with ``error`` set and no outcome.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd

from sim.engine.outcome import label_order

if TYPE_CHECKING:
    from sim.results.table import StoredTable

#: A summary to read columns from: a DataFrame or a stored table (``Results.table("summary")``).
Columns: TypeAlias = "pd.DataFrame | StoredTable"


def _q(x: pd.Series, q: float) -> float:
    x = x.dropna()
    return float(np.quantile(x, q)) if len(x) else float("nan")


def deal_after_summit(summary: Columns, days: float = 60.0) -> pd.DataFrame:
    """P(deal within ``days`` of the first summit's date | the summit held) and | not held.

    A run counts if its first deal came by the summit's day + ``days`` (a deal before the
    summit counts too). Each share has its Monte Carlo standard error ``sqrt(p(1 − p)/n)``.
    Empty when the runs have no ``first_summit_held`` (the scenario has no summit).
    """
    if "first_summit_held" not in summary.columns or "first_summit_day" not in summary.columns:
        return pd.DataFrame()
    held_or_not = summary["first_summit_held"]
    runs = held_or_not.notna()
    held = held_or_not[runs].astype(bool)
    deal_day, summit_day = summary["deal_day"][runs], summary["first_summit_day"][runs].astype(float)
    early = (deal_day <= summit_day + days).to_numpy()  # NaN (no deal): False
    rows = []
    for label, mask in (("held", held.to_numpy()), ("not held", ~held.to_numpy())):
        n = int(mask.sum())
        k = int(early[mask].sum())
        p = k / n if n else float("nan")
        se = float(np.sqrt(p * (1.0 - p) / n)) if n else float("nan")
        rows.append({"first summit": label, "runs": n, f"deals within {days:g} d": k, "P(deal)": p, "se": se})
    return pd.DataFrame(rows)


def stats_columns(columns: list[str]) -> list[str]:
    """The columns :func:`summary_stats` reads, of a summary with ``columns``."""
    actors = tuple(f"_{c[len('payoff_') :]}" for c in columns if c.startswith("payoff_"))
    chokepoints = [c[len("shortage_days_") :] for c in columns if c.startswith("shortage_days_")]
    summit = (
        ["first_summit_held", "first_summit_day"] if {"first_summit_held", "first_summit_day"} <= set(columns) else []
    )
    wanted = {"outcome", "deal_day", "plausible", *summit, *(f"unmet_demand_days_{c}" for c in chokepoints)}
    return [
        c
        for c in columns
        if c in wanted
        or (c.startswith("threat_") and c.endswith("_carried_out"))
        or c.startswith(("shortage_days_", "payoff_", "below_reference_"))
        or (c.startswith("loss_") and c.endswith(actors))
    ]


def summary_stats(summary: Columns, start: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """Outcome shares, deal timing, threats, shortages, payoffs and losses.

    ``summary``: a DataFrame, or a :class:`~sim.results.table.StoredTable` (``Results.table("summary")``),
    which is read one column at a time (the columns of :func:`stats_columns`): the same figures
    from a fraction of the memory.
    """
    n = len(summary)
    columns = list(summary.columns)
    out: dict[str, pd.DataFrame] = {}
    counts = summary["outcome"].value_counts()
    counts = counts.reindex(label_order(counts.index))
    out["outcomes"] = pd.DataFrame({"outcome": counts.index, "runs": counts.values, "share": counts.values / max(n, 1)})
    deal = summary["deal_day"].dropna()
    row = {
        "deals": len(deal),
        "P(deal)": len(deal) / max(n, 1),
        "median_day": _q(deal, 0.5),
        "p05_day": _q(deal, 0.05),
        "p95_day": _q(deal, 0.95),
    }
    if start is not None:
        for k in ("median", "p05", "p95"):
            v = row[f"{k}_day"]
            row[f"{k}_date"] = "" if np.isnan(v) else str(start + dt.timedelta(days=int(v)))
    out["deal_day"] = pd.DataFrame([row])
    out["summit"] = deal_after_summit(summary)
    threat_cols = [c for c in columns if c.startswith("threat_") and c.endswith("_carried_out")]
    out["threats"] = pd.DataFrame(
        {
            "threat": [c[len("threat_") : -len("_carried_out")] for c in threat_cols],
            "P(carried out)": [float(summary[c].astype(float).mean()) for c in threat_cols],
        }
    )
    cps = [c[len("shortage_days_") :] for c in columns if c.startswith("shortage_days_")]
    shortages = []
    for c in cps:
        days, unmet = summary[f"shortage_days_{c}"], summary[f"unmet_demand_days_{c}"]
        shortages.append(
            {
                "chokepoint": c,
                "mean_days": float(days.mean()),
                "median_days": _q(days, 0.5),
                "p95_days": _q(days, 0.95),
                "P(any shortage)": float((days > 0).mean()),
                "mean_unmet_demand_days": float(unmet.mean()),
            }
        )
    out["shortages"] = pd.DataFrame(
        shortages,
        columns=["chokepoint", "mean_days", "median_days", "p95_days", "P(any shortage)", "mean_unmet_demand_days"],
    )
    rows = []
    actors = [c[len("payoff_") :] for c in columns if c.startswith("payoff_")]
    for a in actors:
        cols = [("payoff", f"payoff_{a}")] + [
            (c[len("loss_") : -len(a) - 1], c) for c in columns if c.startswith("loss_") and c.endswith(f"_{a}")
        ]
        for comp, c in cols:
            x = summary[c]
            rows.append(
                {
                    "actor": a,
                    "component": comp if comp == "payoff" else f"loss: {comp}",
                    "mean_bn": float(x.mean()),
                    "p05_bn": _q(x, 0.05),
                    "p95_bn": _q(x, 0.95),
                }
            )
    out["payoffs"] = pd.DataFrame(rows)
    below = [c for c in columns if c.startswith("below_reference_")]
    if below:
        flags = [summary[c].astype(bool).to_numpy() for c in below]
        either = np.logical_or.reduce(flags)
        out["restraint"] = pd.DataFrame(
            {
                "actor": [c[len("below_reference_") :] for c in below] + ["either side"],
                "share of runs": [float(f.mean()) for f in flags] + [float(either.mean())],
            }
        )
    if "plausible" in columns:
        bad = int((~summary["plausible"].astype(bool)).sum())
        if bad:
            out["warnings"] = pd.DataFrame(
                {"warning": [f"{bad} of {n} runs have a payoff beyond the plausibility bound (docs/limits.md)"]}
            )
    return out


def print_stats(stats: dict[str, pd.DataFrame], title: str = "") -> None:
    """Print the summary statistics as tables on the terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:  # piped or logged: wide enough for every column
        console = Console(width=max(console.width, 120))
    titles = {
        "outcomes": "Outcomes",
        "deal_day": "Deal day (days from start)",
        "summit": "Deal within 60 days of the first summit, by whether it was held (se: Monte Carlo)",
        "threats": "Threats",
        "shortages": "Days in shortage per chokepoint",
        "payoffs": "Payoff and loss components per actor ($bn, discounted)",
        "restraint": "Calibrated instrument moved below its reference level before the first talks",
    }
    if title:
        console.print(f"[bold]{title}[/bold]")
    for key, df in stats.items():
        if df.empty:
            continue
        if key == "warnings":  # one line each, after nothing else: a reader must not miss them
            for w in df["warning"]:
                console.print(f"[bold red]warning:[/bold red] {w}")
            continue
        if len(df) == 1 and len(df.columns) > 4:  # one record: show it as key / value rows
            df = pd.DataFrame({"quantity": list(df.columns), "value": list(df.iloc[0].values)})
        t = Table(title=titles.get(key, key), title_justify="left")
        for c in df.columns:
            t.add_column(str(c), justify="left" if df[c].dtype == object else "right")
        for _, r in df.iterrows():
            t.add_row(*[_fmt(v) for v in r.values])
        console.print(t)


def _fmt(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return "-"
        return f"{v:.3f}" if abs(v) < 10 else f"{v:,.1f}"
    return str(v)
