"""Paths over time: fan charts (median, 50% and 90% bands over runs) of instruments, stocks and shortfall."""
from __future__ import annotations

import plotly.graph_objects as go

import sim.analysis.aggregate as agg
from sim.report.page import PALETTE, Page, dates, rgba
from sim.report.sections import Report, section

FAN_GROUPS = [("Tariffs", "additional ad-valorem rate", lambda c: "tariff" in c),
              ("Control tiers", "tier", lambda c: "controls" in c),
              ("Licence approval", "share approved", lambda c: "approval" in c),
              ("Stocks", "days of cover", lambda c: c.startswith("stock_")),
              ("Shortfall", "share of demand unmet", lambda c: c.startswith("shortfall_"))]


@section("fans", order=40)
def fans(page: Page, report: Report) -> None:
    series, start = report.series, report.start
    if series.empty:
        return
    page.heading("Paths over time")
    step = float(report.meta.get("series_every_days", 7))
    cols = [c for c in series.columns if c not in ("run", "t", "date") and not c.startswith(("loss_", "belief_"))]
    quantiles = agg.fan(series, cols, step)
    for title, unit, pick in FAN_GROUPS:
        chosen = [c for c in cols if pick(c)]
        if not chosen:
            continue
        fig = go.Figure()
        for i, c in enumerate(chosen):
            f = quantiles[quantiles["column"] == c]
            x = dates(start, f["t"])
            colour = PALETTE[i % 8]
            for lo, hi, op in (("q5", "q95", 0.15), ("q25", "q75", 0.3)):
                fig.add_trace(go.Scatter(x=x, y=f[hi], mode="lines", line=dict(width=0, color=colour),
                                         showlegend=False, hoverinfo="skip"))
                fig.add_trace(go.Scatter(x=x, y=f[lo], mode="lines", line=dict(width=0, color=colour), fill="tonexty",
                                         opacity=op, showlegend=False, hoverinfo="skip",
                                         fillcolor=rgba(colour, op)))
            fig.add_trace(go.Scatter(x=x, y=f["q50"], mode="lines", name=c, line=dict(color=colour, width=2),
                                     hovertemplate=c + " %{x}: median %{y:.3g}<extra></extra>"))
        fig.update_xaxes(title="date")
        fig.update_yaxes(title=unit)
        page.figure(fig, f"{title}: median, 50% and 90% bands over runs")
