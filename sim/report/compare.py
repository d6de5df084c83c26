"""One page comparing two result sets (e.g. the baseline with and without a threat)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import sim.analysis.aggregate as agg
from sim.analysis.tables import scenario_of
from sim.engine.outcome import label_order, labels
from sim.report.page import PALETTE, Page, dates, esc
from sim.report.stored import finished, read_tables
from sim.results.atomic import atomic_write_text


def _label(folder: Path, manifest: dict) -> str:
    return f"{manifest.get('sweep_name') or manifest.get('scenario_name')} ({folder.name})"


def compare(a: str | Path, b: str | Path, out: str | Path | None = None, n_boot: int = 1000) -> Path:
    """Write ``compare.html`` (into ``out``, default: the second folder); return its path.

    Reads the outcome, deal day and payoff columns of the runs that finished, nothing else.
    """
    fa, fb = Path(a), Path(b)
    ma, all_a, _, _ = read_tables(fa)
    mb, all_b, _, _ = read_tables(fb)
    (ok_a, failed_a), (ok_b, failed_b) = finished(all_a), finished(all_b)
    actors = [c[len("payoff_") :] for c in ok_a.columns if c.startswith("payoff_") and c in ok_b]
    needed = ["outcome", "deal_day", *(f"payoff_{act}" for act in actors)]
    sa, sb = ok_a.frame(needed), ok_b.frame(needed)
    la, lb = _label(fa, ma), _label(fb, mb)
    scenario = scenario_of(ma)
    meta = scenario["meta"]
    start = dt.date.fromisoformat(meta["start"])
    horizon = float(meta["horizon_days"])
    page = Page(f"tradesim comparison: {la} vs {lb}")
    failed = [(lab, n) for lab, n in ((la, failed_a), (lb, failed_b)) if n]
    page.text(
        f"A = {la}: {len(sa)} runs. B = {lb}: {len(sb)} runs. Differences are B − A with 95% "
        f"bootstrap intervals ({n_boot} resamples)."
        + "".join(f" {lab}: {n} failed runs left out." for lab, n in failed)
    )

    seen = [*sa["outcome"].dropna().unique(), *sb["outcome"].dropna().unique()]
    outcomes = label_order([*labels(scenario.get("actors", {})), *seen])  # every label, zeros included
    fig = go.Figure()
    for i, (lab, s) in enumerate(((la, sa), (lb, sb))):
        shares = s["outcome"].value_counts(normalize=True).reindex(outcomes, fill_value=0.0)
        fig.add_trace(
            go.Bar(
                x=outcomes,
                y=shares.values,
                name=lab,
                marker_color=PALETTE[i],
                hovertemplate=esc(lab) + " — %{x}: %{y:.1%}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="share of runs", tickformat=".0%")
    fig.update_xaxes(title="outcome label")
    page.heading("Outcomes")
    page.figure(fig, "Outcome labels side by side")

    fig = go.Figure()
    for i, (lab, s) in enumerate(((la, sa), (lb, sb))):
        t, S = agg.survival_to_horizon(s["deal_day"], horizon, levels=agg.KM_LEVELS)
        fig.add_trace(
            go.Scatter(
                x=dates(start, t),
                y=S,
                mode="lines",
                line_shape="hv",
                name=lab,
                line=dict(color=PALETTE[i]),
                hovertemplate=esc(lab) + " %{x}: P(no deal yet) %{y:.2f}<extra></extra>",
            )
        )
    fig.update_yaxes(title="P(no deal yet)", range=[0, 1.02])
    fig.update_xaxes(title="date")
    page.figure(fig, "Time to deal (Kaplan–Meier)")

    for act in actors:
        fig = go.Figure()
        for i, (lab, s) in enumerate(((la, sa), (lb, sb))):
            h = agg.histogram(s[f"payoff_{act}"], bins=40)
            fig.add_trace(
                go.Bar(
                    x=h["centre"],
                    y=h["count"] / max(len(s), 1),
                    name=lab,
                    opacity=0.6,
                    marker_color=PALETTE[i],
                    hovertemplate=esc(lab) + ": payoff %{x:.1f} $bn — %{y:.1%} of runs<extra></extra>",
                )
            )
        fig.update_layout(barmode="overlay")
        fig.update_xaxes(title="payoff ($bn, discounted)")
        fig.update_yaxes(title="share of runs", tickformat=".0%")
        page.figure(fig, f"Payoff of {act}")

    rows = []
    stats = [
        ("P(deal)", lambda s: (s["outcome"] == "deal").to_numpy(float), np.mean),
        ("median deal day (no deal = horizon)", lambda s: s["deal_day"].fillna(horizon).to_numpy(float), np.median),
    ]
    stats += [
        (f"mean payoff {act} ($bn)", lambda s, a=act: s[f"payoff_{a}"].to_numpy(float), np.mean) for act in actors
    ]
    for k, (name, pick, stat) in enumerate(stats):
        d, lo, hi = agg.bootstrap_diff(pick(sa), pick(sb), stat, n=n_boot, seed=k)
        rows.append(
            {"quantity": name, "A": stat(pick(sa)), "B": stat(pick(sb)), "B − A": d, "95% low": lo, "95% high": hi}
        )
    page.heading("Differences")
    page.table(pd.DataFrame(rows), "B − A with percentile bootstrap intervals")
    target = Path(out) if out is not None else fb
    target.mkdir(parents=True, exist_ok=True)
    path = target / "compare.html"
    atomic_write_text(path, page.html())
    return path
