"""A sweep's parameters: P(deal) and the median deal day against each (two stacked panels, no
second axis), and P(deal) over the first two parameters in binned cells with their run counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.analysis.sweep_bins import binned, binned_2d, grid_of
from sim.report.names import parameter_name
from sim.report.page import PALETTE, Page, esc
from sim.report.sections import Report, section


def swept(summary: pd.DataFrame) -> list[str]:
    """The swept parameters' columns (``sweep.<path>``); empty for a Monte Carlo run."""
    return [c for c in summary.columns if c.startswith("sweep.")]


def against_parameter(t: pd.DataFrame, name: str) -> go.Figure:
    """P(deal) (top) and the median deal day (bottom) per bin of one parameter, on a shared x axis."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    hover = "%{x}<br>" + "%{customdata[0]} runs<extra></extra>"
    custom = np.column_stack([t["runs"]])
    panels = (
        ("p", "P(deal)", "P(deal) %{y:.0%} · "),
        ("median_deal_day", "median deal day", "median deal day %{y:.0f} (of the runs with a deal) · "),
    )
    for row, (column, trace, what) in enumerate(panels, 1):
        fig.add_trace(
            go.Scatter(
                x=t["label"],
                y=t[column],
                mode="lines+markers",
                name=trace,
                marker_color=PALETTE[row - 1],
                customdata=custom,
                hovertemplate=what + hover,
            ),
            row=row,
            col=1,
        )
    fig.update_yaxes(title="P(deal)", range=[0, 1.02], tickformat=".0%", row=1, col=1)
    fig.update_yaxes(title="median deal day", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title=esc(name), type="category", automargin=True, row=2, col=1)
    fig.update_layout(showlegend=False)
    return fig


def heatmap(cells: pd.DataFrame, xname: str, yname: str) -> go.Figure:
    """P(deal) in binned cells, each labelled with its share and its count of runs."""
    xs, ys, p, n = grid_of(cells)
    text = [[f"{p[i, j]:.0%}<br>n={n[i, j]}" if n[i, j] else "" for j in range(len(xs))] for i in range(len(ys))]
    fig = go.Figure(
        go.Heatmap(
            z=p,
            x=xs,
            y=ys,
            text=text,
            texttemplate="%{text}",
            customdata=n.tolist(),
            colorscale="Viridis",
            zmin=0,
            zmax=1,
            colorbar=dict(title="P(deal)", tickformat=".0%"),
            hovertemplate=f"{esc(xname)} %{{x}}<br>{esc(yname)} %{{y}}<br>"
            "P(deal) %{z:.0%} of %{customdata} runs<extra></extra>",
        )
    )
    fig.update_xaxes(title=esc(xname), type="category", automargin=True)
    fig.update_yaxes(title=esc(yname), type="category", automargin=True)
    return fig


@section("sweep", order=60)
def sweep(page: Page, report: Report) -> None:
    summary = report.summary
    params = swept(summary)
    if not params:
        return
    page.heading(
        "Sweep",
        "Share of runs with a deal and median deal day (of the runs with a deal) in bins of each swept "
        "parameter: quantile bins of its runs, or its values when it has few.",
    )
    for p in params:
        name = parameter_name(report.scenario, p)
        t = binned(summary, p)
        fig = against_parameter(t, name)
        page.figure(
            fig,
            f"Deals against {name}",
            checks={
                "xaxis": {"kind": "category"},
                "xaxis2": {"kind": "category"},
                "yaxis": {"kind": "share", "min": 0, "max": 1.02},
                "yaxis2": {"kind": "number", "min": 0},
            },
        )
    if len(params) >= 2:
        xname, yname = (parameter_name(report.scenario, q) for q in params[:2])
        fig = heatmap(binned_2d(summary, params[0], params[1]), xname, yname)
        page.figure(
            fig,
            f"P(deal) over {xname} and {yname} (quantile bins; n = runs per cell)",
            checks={"xaxis": {"kind": "category"}, "yaxis": {"kind": "category"}},
        )
