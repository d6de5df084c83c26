"""Paths over time: fan charts (median, 50% and 90% bands over runs) of instruments, stocks, shortfall, hostility."""

from __future__ import annotations

import plotly.graph_objects as go

import sim.analysis.aggregate as agg
from sim.report.page import PALETTE, Page, dates, rgba
from sim.report.sections import Report, section

#: Instrument groups, by role in the scenario, in page order: (title, y-axis unit).
INSTRUMENT_GROUPS = {
    "tariff": ("Tariffs and tariff-equivalent fees", "level (tariff: additional ad-valorem rate)"),
    "control": ("Control tiers", "tier"),
    "approval": ("Licence approval", "share of applications approved"),
    "delay": ("Licence delays", "mean processing delay (days)"),
    "quota": ("Purchase commitments", "purchase floor, share of the base quantity"),
    "other": ("Other instruments", "level"),
}
#: An instrument with several roles goes to the first of these (a chokepoint's lever before a trade link's).
ROLE_PRIORITY = ("control", "approval", "delay", "tariff", "quota")


def instrument_roles(scenario: dict) -> dict[str, str]:
    """Each instrument (``ACTOR.name``) of a resolved scenario, with its role: the key of
    :data:`INSTRUMENT_GROUPS` chosen from where the scenario refers to it.

    Chokepoints name their ``control``, ``approval`` and ``delay_days`` instruments, trade
    links their ``tariff``, ``tariff_equivalents`` and ``quota``; an instrument nothing
    refers to is ``other``.
    """
    refs: dict[str, set[str]] = {}
    for ch in scenario.get("chokepoints", {}).values():
        for key, role in (("control", "control"), ("approval", "approval"), ("delay_days", "delay")):
            if ch.get(key):
                refs.setdefault(ch[key], set()).add(role)
    for link in scenario.get("trade_links", {}).values():
        if link.get("tariff"):
            refs.setdefault(link["tariff"], set()).add("tariff")
        for eq in link.get("tariff_equivalents") or []:
            refs.setdefault(eq["instrument"], set()).add("tariff")
        if link.get("quota"):
            refs.setdefault(link["quota"], set()).add("quota")
    roles = {}
    for actor, spec in scenario.get("actors", {}).items():
        for name in spec.get("instruments", {}):
            ref = f"{actor}.{name}"
            roles[ref] = next((r for r in ROLE_PRIORITY if r in refs.get(ref, ())), "other")
    return roles


def fan_groups(scenario: dict, columns: list[str]) -> list[tuple[str, str, list[str]]]:
    """``(title, unit, columns)`` of every fan chart: instruments by role, stocks, shortfall, hostility index.

    Every instrument column of ``columns`` lands in exactly one group.
    """
    roles = instrument_roles(scenario)
    groups = [
        (title, unit, [c for c in columns if roles.get(c) == role]) for role, (title, unit) in INSTRUMENT_GROUPS.items()
    ]
    groups.append(("Stocks", "days of cover", [c for c in columns if c.startswith("stock_")]))
    groups.append(("Shortfall", "share of demand unmet", [c for c in columns if c.startswith("shortfall_share_")]))
    groups.append(("Hostility index", "0 = friendliest, 1 = most hostile", [c for c in columns if c == "hostility"]))
    return [g for g in groups if g[2]]


@section("fans", order=40)
def fans(page: Page, report: Report) -> None:
    series, start = report.series, report.start
    if series.empty:
        return
    page.heading("Paths over time")
    step = float(report.meta.get("series_every_days", 7))
    cols = [c for c in series.columns if c not in ("run", "t", "date") and not c.startswith(("loss_", "belief_"))]
    quantiles = agg.fan(series, cols, step)
    for title, unit, chosen in fan_groups(report.scenario, cols):
        fig = go.Figure()
        for i, c in enumerate(chosen):
            f = quantiles[quantiles["column"] == c]
            x = dates(start, f["t"])
            colour = PALETTE[i % 8]
            for lo, hi, op in (("q5", "q95", 0.15), ("q25", "q75", 0.3)):
                fig.add_trace(
                    go.Scatter(
                        x=x, y=f[hi], mode="lines", line=dict(width=0, color=colour), showlegend=False, hoverinfo="skip"
                    )
                )
                fig.add_trace(
                    go.Scatter(
                        x=x,
                        y=f[lo],
                        mode="lines",
                        line=dict(width=0, color=colour),
                        fill="tonexty",
                        opacity=op,
                        showlegend=False,
                        hoverinfo="skip",
                        fillcolor=rgba(colour, op),
                    )
                )
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=f["q50"],
                    mode="lines",
                    name=c,
                    line=dict(color=colour, width=2),
                    hovertemplate=c + " %{x}: median %{y:.3g}<extra></extra>",
                )
            )
        fig.update_xaxes(title="date")
        fig.update_yaxes(title=unit)
        page.figure(fig, f"{title}: median, 50% and 90% bands over runs")
