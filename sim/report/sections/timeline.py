"""The event timeline: the scenario's calendar and the moves of one representative run."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

import sim.analysis.aggregate as agg
from sim.report.page import PALETTE, Page, esc
from sim.report.sections import Report, section

TIMELINE_KINDS = {
    "calendar",
    "move",
    "threat",
    "threat_issued",
    "threat_carried_out",
    "threat_withdrawn",
    "threat_conceded",
    "concede",
    "concession",
    "stockout",
    "summit",
    "summit_cancelled",
    "no_deal",
    "deal",
    "deal_renewed",
    "deal_expired",
    "defect",
    "talks",
    "licensing",
}


@section("timeline", order=50)
def timeline(page: Page, report: Report) -> None:
    scenario, events, summary, start = report.scenario, report.events, report.summary, report.start
    rows = []
    for m in scenario.get("calendar", []):
        date = m.get("date") or m.get("announced")
        label = m.get("note") or m.get("id") or m["type"]
        rows.append({"date": date, "lane": "calendar", "text": f"{m['type']}: {label}"})
        if m["type"] == "threat":
            rows.append({"date": m["deadline"], "lane": "calendar", "text": f"deadline of {m['id']}"})
    run = None
    if not events.empty and not summary.empty:
        run = agg.representative_run(summary)
        of_run = (events.field("run") == run) & events.field("kind").isin(sorted(TIMELINE_KINDS))
        ev = events.frame(filter=of_run)  # row groups of other runs are skipped unread
        for e in ev.itertuples(index=False):
            what = e.kind + (f" {e.instrument}" if isinstance(e.instrument, str) else "")
            if pd.notna(e.new):
                what += f" → {e.new:.3g}"
            rows.append(
                {
                    "date": str(start + dt.timedelta(days=float(e.t))),
                    "lane": f"run {run}: {e.actor if isinstance(e.actor, str) else 'both'}",
                    "text": what + (f" ({e.note})" if isinstance(e.note, str) and e.note else ""),
                }
            )
    if not rows:
        return
    df = pd.DataFrame(rows)
    fig = go.Figure()
    for i, (lane, g) in enumerate(df.groupby("lane", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=g["date"],
                y=[lane] * len(g),
                mode="markers",
                name=lane,
                marker=dict(size=10, color=PALETTE[i % 8], symbol="diamond"),
                text=[esc(t) for t in g["text"]],
                hovertemplate="%{x}: %{text}<extra></extra>",
            )
        )
    fig.update_xaxes(title="date")
    fig.update_layout(height=320 + 20 * df["lane"].nunique())
    note = (
        ""
        if run is None
        else f"Run {run} is shown: the run whose payoffs lie closest, in standard units, "
        "to the median payoffs. Licence decisions are left out."
    )
    page.heading("Event timeline", note)
    page.figure(fig, "Calendar moves and a representative run")
