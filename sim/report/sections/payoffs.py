"""Payoffs per actor (overlaid histograms) and each actor's loss components (ECDFs)."""

from __future__ import annotations

import plotly.graph_objects as go

import sim.analysis.aggregate as agg
from sim.report.page import PALETTE, Page
from sim.report.sections import Report, section


@section("payoffs", order=30)
def payoffs(page: Page, report: Report) -> None:
    summary = report.summary
    actors = [c[len("payoff_") :] for c in summary.columns if c.startswith("payoff_")]
    fig = go.Figure()
    for i, a in enumerate(actors):
        h = agg.histogram(summary[f"payoff_{a}"], bins=40)
        fig.add_trace(
            go.Bar(
                x=h["centre"],
                y=h["count"],
                name=a,
                opacity=0.6,
                marker_color=PALETTE[i % 8],
                hovertemplate=a + ": payoff %{x:.1f} $bn — %{y} runs<extra></extra>",
            )
        )
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title="payoff ($bn, discounted)")
    fig.update_yaxes(title="runs")
    page.figure(fig, "Payoff per actor")
    for a in actors:
        fig = go.Figure()
        comps = [c for c in summary.columns if c.startswith("loss_") and c.endswith(f"_{a}")]
        for i, c in enumerate(comps):
            e = agg.ecdf(summary[c])
            name = c[len("loss_") : -len(a) - 1]
            fig.add_trace(
                go.Scatter(
                    x=e["x"],
                    y=e["F"],
                    mode="lines",
                    name=name,
                    line=dict(color=PALETTE[i % 8]),
                    hovertemplate=name + ": %{x:.2f} $bn or less in %{y:.0%} of runs<extra></extra>",
                )
            )
        fig.update_xaxes(title="loss ($bn, discounted)")
        fig.update_yaxes(title="share of runs (ECDF)", tickformat=".0%")
        page.figure(fig, f"Loss components of {a} (ECDF)")
