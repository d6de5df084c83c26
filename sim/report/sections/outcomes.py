"""Outcome classes: the share of runs ending in a deal, escalation, stalemate or a capitulation."""

from __future__ import annotations

import plotly.graph_objects as go

from sim.report.page import PALETTE, Page
from sim.report.sections import Report, section


@section("outcomes", order=10)
def outcomes(page: Page, report: Report) -> None:
    page.heading("Outcomes")
    ok = report.summary
    shares = ok["outcome"].value_counts().sort_index()
    fig = go.Figure(
        go.Bar(
            x=list(shares.index),
            y=list(shares.values / max(len(ok), 1)),
            customdata=list(shares.values),
            marker_color=PALETTE[0],
            hovertemplate="%{x}: %{y:.1%} of runs (%{customdata} runs)<extra></extra>",
        )
    )
    fig.update_yaxes(title="share of runs", tickformat=".0%")
    fig.update_xaxes(title="outcome class")
    page.figure(fig, f"Outcome classes ({len(ok)} runs)")
