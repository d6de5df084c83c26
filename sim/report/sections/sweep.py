"""A sweep's parameters: P(deal) and the median deal day against each, P(deal) over the first two."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

import sim.analysis.aggregate as agg
from sim.report.page import Page
from sim.report.sections import Report, section


def swept(summary: pd.DataFrame) -> list[str]:
    """The swept parameters' columns (``sweep.<path>``); empty for a Monte Carlo run."""
    return [c for c in summary.columns if c.startswith("sweep.")]


@section("sweep", order=60)
def sweep(page: Page, report: Report) -> None:
    summary = report.summary
    params = swept(summary)
    if not params:
        return
    page.heading("Sweep", "Share of deals and median deal day across the swept parameters.")
    for p in params:
        t = agg.by_parameter(summary, p)
        fig = go.Figure()
        fig.add_trace(
            go.Scatter(
                x=t["x"],
                y=t["p"],
                mode="lines+markers",
                name="P(deal)",
                customdata=t["runs"],
                hovertemplate="%{x}: P(deal) %{y:.2f} (%{customdata} runs)<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=t["x"],
                y=t["median_deal_day"],
                mode="lines+markers",
                name="median deal day",
                yaxis="y2",
                hovertemplate="%{x}: median deal day %{y:.0f}<extra></extra>",
            )
        )
        fig.update_layout(
            yaxis=dict(title="P(deal)", range=[0, 1]),
            yaxis2=dict(title="median deal day (days)", overlaying="y", side="right"),
        )
        fig.update_xaxes(title=p[len("sweep.") :])
        page.figure(fig, f"Deals against {p[len('sweep.') :]}")
    if len(params) >= 2:
        hm = agg.heatmap(summary, params[0], params[1])
        fig = go.Figure(
            go.Heatmap(
                z=hm.to_numpy().T,
                x=list(hm.index),
                y=list(hm.columns),
                colorscale="Viridis",
                zmin=0,
                zmax=1,
                colorbar=dict(title="P(deal)"),
                hovertemplate="%{x}, %{y}: P(deal) %{z:.2f}<extra></extra>",
            )
        )
        fig.update_xaxes(title=params[0][len("sweep.") :])
        fig.update_yaxes(title=params[1][len("sweep.") :])
        page.figure(fig, "P(deal) over two swept parameters")
