"""The PRIM box of a sweep, when ``tradesim analyze discover`` has written it."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sim.report.names import parameter_name
from sim.report.page import PALETTE, Page, esc
from sim.report.sections import Report, section
from sim.report.sections.sweep import swept


@section("discovery", order=62)
def discovery(page: Page, report: Report) -> None:
    summary = report.summary
    disc = report.folder / "discovery.parquet"
    if not swept(summary) or not disc.exists():
        return
    d = pd.read_parquet(disc)
    if d.empty:  # the outcome is likely everywhere: no box restricts any parameter
        return
    fig = go.Figure()
    for i, r in enumerate(d.itertuples(index=False)):
        col = summary.get(f"sweep.{r.parameter}")
        lo, hi = (float(col.min()), float(col.max())) if col is not None else (r.min, r.max)
        span = (hi - lo) or 1.0
        name = parameter_name(report.scenario, r.parameter)
        fig.add_trace(
            go.Bar(
                x=[(r.max - r.min) / span],
                base=[(r.min - lo) / span],
                y=[name],
                orientation="h",
                marker_color=PALETTE[i % 8],
                showlegend=False,
                hovertemplate=f"{esc(name)}: {r.min:.3g} to {r.max:.3g} (swept {lo:.3g} to {hi:.3g})<extra></extra>",
            )
        )
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    first = d.iloc[0]
    fig.update_xaxes(title="box as a share of each parameter's swept range")
    fig.update_yaxes(title="parameter", type="category", automargin=True)
    page.figure(
        fig,
        f"Scenario discovery: where '{first['outcome']}' is likely "
        f"(coverage {first['coverage']:.0%}, density {first['density']:.0%})",
        checks={"xaxis": {"kind": "share", "min": 0, "max": 1}, "yaxis": {"kind": "category"}},
    )
