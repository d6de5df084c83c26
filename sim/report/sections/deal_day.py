"""When deals come: the deal-day histogram, the Kaplan–Meier curve of time to deal, and, for a
textbook war of attrition, the first concession against its closed form."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import sim.analysis.aggregate as agg
from sim.report.page import PALETTE, Page, dates
from sim.report.sections import Report, section

#: Contract of a survival curve on dates (Page.figure's checks).
SURVIVAL_CHECKS = {"xaxis": {"kind": "date"}, "yaxis": {"kind": "share", "min": 0, "max": 1}}


def deal_day_figure(days, runs: int, start) -> go.Figure | None:
    """Bars of the share of runs with a deal in each whole day (whole weeks over a long span),
    each bar covering its dates; ``None`` without any deal."""
    h = agg.day_histogram(days, runs, start)
    if not len(h):
        return None
    width = float(h["width"].iloc[0])
    span = h["first"] if width == 1 else h["first"] + " – " + h["last"]
    fig = go.Figure(
        go.Bar(
            x=h["first"],
            y=h["share"],
            width=width * 86_400_000,  # ms on a date axis: the bar covers its days
            offset=0,
            marker=dict(color=PALETTE[2], line=dict(width=0)),
            customdata=np.c_[span, h["count"]],
            hovertemplate="%{customdata[0]}: %{y:.1%} of runs (%{customdata[1]} runs)<extra></extra>",
        )
    )
    unit = {1.0: "one day", 7.0: "one week"}.get(width, f"{width / 7:g} weeks")
    fig.update_xaxes(title=f"date of the deal (a bar: {unit})")
    fig.update_yaxes(title="share of runs", tickformat=".0%", rangemode="tozero")
    return fig


@section("deal_day", order=20)
def deal_day(page: Page, report: Report) -> None:
    summary, start, horizon = report.summary, report.start, report.horizon
    theory = theory_curve(report.scenario, summary, horizon)
    fig = deal_day_figure(summary["deal_day"], len(summary), start)
    if fig is not None:
        page.figure(fig, "Deal day", checks={"xaxis": {"kind": "date"}, "yaxis": {"kind": "share", "min": 0, "max": 1}})
    fig = go.Figure(km_trace(summary["deal_day"], horizon, start, "P(no deal yet)"))
    fig.update_yaxes(title="P(no deal yet)", range=[0, 1.02], tickformat=".0%")
    fig.update_xaxes(title="date")
    page.figure(fig, "Time to deal (Kaplan–Meier, censored at the horizon)", checks=SURVIVAL_CHECKS)
    if theory is not None and "capitulation_day" in summary:
        fig = go.Figure(km_trace(summary["capitulation_day"], horizon, start, "P(nobody conceded)"))
        fig.add_trace(
            go.Scatter(
                x=dates(start, theory["t"]),
                y=theory["S"],
                mode="lines",
                name=theory["name"],
                line=dict(dash="dash", color=PALETTE[3]),
                hovertemplate="%{x}: theory %{y:.2f}<extra></extra>",
            )
        )
        fig.update_yaxes(title="P(nobody conceded yet)", range=[0, 1.02], tickformat=".0%")
        fig.update_xaxes(title="date")
        page.figure(fig, "Time to the first concession, with the war-of-attrition closed form", checks=SURVIVAL_CHECKS)


def theory_curve(scenario: dict, summary: pd.DataFrame, horizon: float) -> dict[str, Any] | None:
    """Closed-form survival where the scenario is a textbook game: both sides play ``attrition``
    with given flow costs, so the first concession comes at rate c_2/V_2 + c_1/V_1."""
    actors = scenario.get("actors", {})
    pols = [a.get("policy", {}) for a in actors.values()]
    if len(pols) != 2 or any(p.get("name") != "attrition" for p in pols):
        return None
    params = pols[0].get("params", {})
    costs, prizes = params.get("cost_rates_bn_per_day"), params.get("prizes_bn")
    if not costs or not prizes:
        return None
    rate = sum(costs[a] / prizes[a] for a in actors)
    t = np.linspace(0, horizon, 200)
    return {"t": t, "S": np.exp(-rate * t), "name": f"theory: exp(−{rate:.3g}·t), first concession"}


def km_trace(days, horizon: float, start, label: str) -> go.Scatter:
    """The Kaplan–Meier step curve of ``days`` (NaN: no event, censored at the horizon), on dates."""
    t, s = agg.survival_to_horizon(days, horizon, levels=agg.KM_LEVELS)
    return go.Scatter(
        x=dates(start, t),
        y=s,
        mode="lines",
        line_shape="hv",
        name="Kaplan–Meier",
        customdata=np.round(t, 1),
        hovertemplate="%{x} (day %{customdata}): " + label + " = %{y:.2f}<extra></extra>",
    )
