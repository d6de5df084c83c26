"""Payoffs per actor (overlaid histograms) and each actor's loss components (median and the
middle 50% and 90% of runs, one row per component)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import sim.analysis.aggregate as agg
from sim.report.page import PALETTE, Page
from sim.report.sections import Report, section

#: Quantiles drawn per loss component: 5%, 25%, 50%, 75%, 95%.
LOSS_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def loss_quantiles(summary, actor: str) -> pd.DataFrame:
    """Per loss component of ``actor`` (one column read at a time): its name and the quantiles
    :data:`LOSS_QUANTILES` over runs; components zero in every run are left out. Ordered by
    median, largest loss on top."""
    rows = []
    for c in [c for c in summary.columns if c.startswith("loss_") and c.endswith(f"_{actor}")]:
        x = pd.to_numeric(summary[c], errors="coerce").dropna().to_numpy(float)
        if len(x) == 0 or not np.any(x != 0):
            continue
        rows.append((c[len("loss_") : -len(actor) - 1], *np.quantile(x, LOSS_QUANTILES)))
    df = pd.DataFrame(rows, columns=["component", "q5", "q25", "q50", "q75", "q95"])
    return df.sort_values("q50", kind="stable").reset_index(drop=True)


def loss_figure(q: pd.DataFrame, colour: str) -> go.Figure:
    """One row per component: the middle 90% of runs as a thin bar, the middle 50% thick, the median a dot."""
    fig = go.Figure()
    custom = np.c_[q["q5"], q["q25"], q["q50"], q["q75"], q["q95"]]
    hover = (
        "%{y}: median %{customdata[2]:.3g} $bn; middle 50% of runs %{customdata[1]:.3g} to %{customdata[3]:.3g},"
        " middle 90% %{customdata[0]:.3g} to %{customdata[4]:.3g}<extra></extra>"
    )
    for lo, hi, width, name in (("q5", "q95", 3, "middle 90% of runs"), ("q25", "q75", 10, "middle 50% of runs")):
        xs: list = []
        ys: list = []
        for r in q.itertuples(index=False):
            xs += [getattr(r, lo), getattr(r, hi), None]
            ys += [r.component, r.component, None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=name,
                line=dict(color=colour, width=width),
                opacity=0.45 if lo == "q5" else 0.8,
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=q["q50"],
            y=q["component"],
            mode="markers",
            name="median",
            marker=dict(color="white", size=9, line=dict(color="black", width=1.5)),
            customdata=custom,
            hovertemplate=hover,
        )
    )
    fig.add_vline(x=0, line=dict(color="#888", width=1))
    fig.update_xaxes(title="loss ($bn, discounted; negative: a gain)", zeroline=False)
    fig.update_yaxes(title="loss component", type="category", automargin=True)
    fig.update_layout(height=140 + 26 * max(len(q), 1))
    return fig


@section("payoffs", order=30)
def payoffs(page: Page, report: Report) -> None:
    summary = report.summary
    n = max(len(summary), 1)
    actors = [c[len("payoff_") :] for c in summary.columns if c.startswith("payoff_")]
    fig = go.Figure()
    values = {a: summary[f"payoff_{a}"] for a in actors}
    span = agg.common_span(*values.values())  # one set of bins: bar heights comparable across actors
    for i, a in enumerate(actors):
        h = agg.histogram(values[a], bins=40, span=span)
        fig.add_trace(
            go.Bar(
                x=h["centre"],
                y=h["count"] / n,
                width=h["width"],
                name=a,
                opacity=0.6,
                marker_color=PALETTE[i % 8],
                customdata=np.c_[h["centre"] - h["width"] / 2, h["centre"] + h["width"] / 2, h["count"]],
                hovertemplate=a
                + ": payoff %{customdata[0]:.1f} to %{customdata[1]:.1f} $bn: %{y:.1%} of runs"
                + " (%{customdata[2]} runs)<extra></extra>",
            )
        )
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title="payoff ($bn, discounted)")
    fig.update_yaxes(title="share of runs", tickformat=".0%", rangemode="tozero")
    page.figure(
        fig, "Payoff per actor", checks={"xaxis": {"kind": "number"}, "yaxis": {"kind": "share", "min": 0, "max": 1}}
    )
    for i, a in enumerate(actors):
        q = loss_quantiles(summary, a)
        if q.empty:
            continue
        page.figure(
            loss_figure(q, PALETTE[i % 8]),
            f"Loss components of {a}: median, middle 50% and 90% of runs",
            checks={"xaxis": {"kind": "number"}, "yaxis": {"kind": "category"}},
        )
