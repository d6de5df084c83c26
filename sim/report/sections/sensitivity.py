"""Sobol or Morris indices of a sweep, when ``tradesim analyze sensitivity`` has written them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sim.report.page import PALETTE, Page
from sim.report.sections import Report, section
from sim.report.sections.sweep import swept


@section("sensitivity", order=61)
def sensitivity(page: Page, report: Report) -> None:
    sens = report.folder / "sensitivity.parquet"
    if not swept(report.summary) or not sens.exists():
        return
    s = pd.read_parquet(sens)
    fig = go.Figure()
    if "S1" in s:
        for i, (idx, conf) in enumerate((("S1", "S1_conf"), ("ST", "ST_conf"))):
            fig.add_trace(
                go.Bar(
                    x=s["output"] + " · " + s["parameter"],
                    y=s[idx],
                    name=idx,
                    error_y=dict(type="data", array=s[conf]),
                    marker_color=PALETTE[i],
                    hovertemplate="%{x}: " + idx + " %{y:.2f}<extra></extra>",
                )
            )
        fig.update_yaxes(title="Sobol index")
    else:
        fig.add_trace(
            go.Bar(
                x=s["output"] + " · " + s["parameter"],
                y=s["mu_star"],
                name="mu*",
                error_y=dict(type="data", array=s["mu_star_conf"]),
                hovertemplate="%{x}: mu* %{y:.3g}<extra></extra>",
            )
        )
        fig.update_yaxes(title="Morris mu*")
    fig.update_layout(barmode="group")
    page.figure(fig, "Sensitivity indices")
