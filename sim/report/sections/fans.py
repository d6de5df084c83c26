"""Paths over time: fan charts (median, middle 50% and 90% of runs; a panel per series) of instruments,
stocks and hostility, and P(in shortage) per chokepoint."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

import sim.analysis.aggregate as agg
from sim.report.page import PALETTE, Page, dates, rgba
from sim.report.sections import Report, section

#: Instrument groups, by role in the scenario, in page order: (title, y-axis unit).
INSTRUMENT_GROUPS = {
    "tariff": ("Tariffs and tariff-equivalent fees", "level (tariff: added rate)"),
    "control": ("Control tiers", "tier"),
    "approval": ("Licence approval", "share approved"),
    "delay": ("Licence delays", "delay (days)"),
    "quota": ("Purchase commitments", "share of base quantity"),
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
    groups.append(("Hostility index", "0 friendliest, 1 most hostile", [c for c in columns if c == "hostility"]))
    return [g for g in groups if g[2]]


#: Fan bands, widest first: (lower quantile, upper, legend name, fill opacity).
BANDS = (("q5", "q95", "middle 90% of runs", 0.18), ("q25", "q75", "middle 50% of runs", 0.45))
#: Padding around a panel's range, as a share of its span (within the checklist's 5%).
PAD = 0.04


def bounds(scenario: dict, column: str, role: str | None) -> dict:
    """The contract of a fan panel's value axis: kind and physical bounds (an instrument's min and
    max; control tiers are whole numbers; approval, quotas and the hostility index are shares; stocks ≥ 0)."""
    if column == "hostility" or role in ("approval", "quota"):  # a quota is a share of the reference (checked)
        return {"kind": "share", "min": 0, "max": 1}
    if column.startswith("stock_"):
        return {"kind": "number", "min": 0}
    actor, _, name = column.partition(".")
    spec = scenario.get("actors", {}).get(actor, {}).get("instruments", {}).get(name, {})
    out: dict = {"kind": "integer" if role == "control" else "number"}
    for key in ("min", "max"):
        if spec.get(key) is not None:
            out[key] = float(spec[key])
    return out


def axis_range(check: dict, lo: float, hi: float) -> list[float]:
    """A panel's drawn range: whole bounds for shares and tiers; else the data (and 0) within the bounds."""
    b_lo, b_hi = check.get("min"), check.get("max")
    if check["kind"] in ("share", "integer") and b_lo is not None and b_hi is not None:
        lo, hi = b_lo, b_hi
    else:
        lo = min(lo, 0.0) if np.isfinite(lo) else 0.0
        hi = hi if np.isfinite(hi) else lo + 1.0
        lo, hi = (max(lo, b_lo) if b_lo is not None else lo), (min(hi, b_hi) if b_hi is not None else hi)
        if hi - lo < 1e-9:
            hi = lo + (1.0 if b_hi is None else max(b_hi - lo, 1e-9))
    pad = PAD * (hi - lo)
    return [lo - pad, hi + pad]


def fan_figure(quantiles, chosen: list[str], unit: str, start, scenario: dict) -> tuple[go.Figure, dict]:
    """Small multiples, one panel per column (two columns of panels): the middle 90% and 50% of
    runs as bands and the median as a line; one legend for all. Returns the figure and its checks."""
    from plotly.subplots import make_subplots

    roles = instrument_roles(scenario)
    n = len(chosen)
    cols = 1 if n == 1 else 2
    rows = (n + cols - 1) // cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=chosen, vertical_spacing=0.5 / max(rows * 2, 4))
    checks: dict[str, dict] = {}
    colour = PALETTE[0]
    for k, c in enumerate(chosen):
        row, col = k // cols + 1, k % cols + 1
        f = quantiles[quantiles["column"] == c]
        x = dates(start, f["t"])
        for lo, hi, name, op in BANDS:
            common = dict(
                mode="lines", line=dict(width=0, color=colour, shape="hv"), hoverinfo="skip", legendgroup=name
            )
            fig.add_trace(go.Scatter(x=x, y=f[hi], showlegend=False, **common), row=row, col=col)
            fig.add_trace(
                go.Scatter(
                    x=x, y=f[lo], fill="tonexty", fillcolor=rgba(colour, op), name=name, showlegend=k == 0, **common
                ),
                row=row,
                col=col,
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=f["q50"],
                mode="lines",
                name="median",
                legendgroup="median",
                showlegend=k == 0,
                line=dict(color="#123", width=2, shape="hv"),
                customdata=np.c_[f["q25"], f["q75"], f["q5"], f["q95"]],
                hovertemplate=c
                + " %{x}: median %{y:.3g}; middle 50% of runs %{customdata[0]:.3g} to %{customdata[1]:.3g},"
                " middle 90% %{customdata[2]:.3g} to %{customdata[3]:.3g}<extra></extra>",
            ),
            row=row,
            col=col,
        )
        check = bounds(scenario, c, roles.get(c))
        suffix = "" if k == 0 else str(k + 1)
        checks[f"yaxis{suffix}"] = check
        yaxis = dict(title=unit, range=axis_range(check, float(f["q5"].min()), float(f["q95"].max())))
        if check["kind"] == "integer":
            yaxis.update(dtick=1, tickformat="d")
        elif check["kind"] == "share":
            yaxis.update(tickformat=".0%")
        fig.update_yaxes(row=row, col=col, **yaxis)
        below = k + cols < n  # another panel below: its dates stand for this one's
        fig.update_xaxes(row=row, col=col, matches="x", showticklabels=not below, title=None if below else "date")
        checks[f"xaxis{suffix}"] = {"kind": "date"}
    height = 110 + 230 * rows
    legend = dict(orientation="h", x=0, xanchor="left", y=-75 / (height - 110), yanchor="top")  # below the dates
    fig.update_layout(height=height, legend=legend)
    return fig, checks


def shortage_figure(shares, chosen: list[str], start) -> go.Figure:
    """P(in shortage) over time, one line per chokepoint: the share of runs whose shortfall share is above 0."""
    fig = go.Figure()
    for i, c in enumerate(chosen):
        f = shares[shares["column"] == c]
        name = c[len("shortfall_share_") :]
        fig.add_trace(
            go.Scatter(
                x=dates(start, f["t"]),
                y=f["share"],
                mode="lines",
                line_shape="hv",
                name=name,
                line=dict(color=PALETTE[(i + 3) % 8], width=2),
                customdata=f["runs"],
                hovertemplate=name + " %{x}: %{y:.1%} of runs in shortage (of %{customdata:.0f})<extra></extra>",
            )
        )
    fig.update_xaxes(title="date")
    fig.update_yaxes(title="share of runs in shortage", tickformat=".0%", range=[-0.02, 1.02])
    return fig


@section("fans", order=40)
def fans(page: Page, report: Report) -> None:
    series, start = report.series, report.start
    if series.empty:
        return
    page.heading("Paths over time")
    step = float(report.meta.get("series_every_days", 7))
    cols = [c for c in series.columns if c not in ("run", "t", "date") and not c.startswith(("loss_", "belief_"))]
    shortfall = [c for c in cols if c.startswith("shortfall_share_")]
    quantiles = agg.fan(series, [c for c in cols if c not in shortfall], step)
    for title, unit, chosen in fan_groups(report.scenario, cols):
        if chosen[0] in shortfall:
            shares = agg.share_above(series, chosen, step, 0.0)
            page.figure(
                shortage_figure(shares, chosen, start),
                "P(in shortage) per chokepoint: share of runs with a shortfall",
                checks={"xaxis": {"kind": "date"}, "yaxis": {"kind": "share", "min": 0, "max": 1}},
            )
            continue
        fig, checks = fan_figure(quantiles, chosen, unit, start, report.scenario)
        page.figure(fig, f"{title}: median, middle 50% and 90% of runs", checks=checks)
