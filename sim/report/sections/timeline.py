"""The event timeline: the scenario's calendar and the events of one representative run, one lane
per kind of event (threats announced, deadlines, threat outcomes, summits, talks, deals, stockouts,
each side's moves), labelled; the details of each marker in its hover."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

import sim.analysis.aggregate as agg
from sim.report.page import PALETTE, Page, esc
from sim.report.sections import Report, section

#: The lane of each kind of event, and the lanes from top to bottom.
LANE_OF = {
    "threat": "threat outcome",
    "threat_issued": "threat announced",
    "threat_carried_out": "threat outcome",
    "threat_withdrawn": "threat outcome",
    "threat_conceded": "threat outcome",
    "summit": "summit",
    "summit_cancelled": "summit",
    "talks": "talks",
    "no_deal": "talks",
    "deal": "deal",
    "deal_renewed": "deal",
    "deal_expired": "deal",
    "defect": "deal",
    "stockout": "stockout",
    "calendar": "moves",
    "move": "moves",
    "concede": "moves",
    "concession": "moves",
    "licensing": "moves",
}
LANES = ["threat announced", "threat deadline", "threat outcome", "summit", "talks", "deal", "stockout"]
#: Lanes whose markers carry a short label next to them, for the calendar and for the run (the
#: hover has the rest; a lane is labelled by one of the two, so their labels never meet).
LABELLED = {
    "calendar": {"threat announced", "threat deadline", "summit"},
    "run": {"threat outcome", "deal", "stockout"},
}
#: Kinds shown (licence decisions are left out: hundreds per run).
TIMELINE_KINDS = set(LANE_OF)


def calendar_rows(scenario: dict) -> list[dict]:
    """The scenario's calendar as timeline rows: moves, threats announced and their deadlines, summits."""
    rows = []
    for m in scenario.get("calendar", []):
        note = m.get("note") or ""
        if m["type"] == "threat":
            what = m.get("id") or "threat"
            rows.append(row(m.get("announced") or m.get("date"), "threat announced", what, f"threat {what}: {note}"))
            rows.append(row(m["deadline"], "threat deadline", f"deadline {what}", f"deadline of {what}"))
        elif m["type"] == "summit":
            rows.append(row(m["date"], "summit", short(note or "summit"), f"summit: {note}"))
        else:
            lane = f"{m['actor']} moves" if m.get("actor") else "moves"
            what = f"{m['type']} {m.get('actor', '')}.{m.get('instrument', '')}".replace(" .", " ")
            rows.append(row(m.get("date") or m.get("announced"), lane, what, f"{what}: {note}"))
    return [r for r in rows if r["date"]]


def run_rows(events: pd.DataFrame, start: dt.date) -> list[dict]:
    """One run's events as timeline rows (a deal once, by its terms, not once per instrument)."""
    rows = []
    for e in events.itertuples(index=False):
        actor = e.actor if isinstance(e.actor, str) else None
        if e.kind == "deal" and actor is not None and (e.note == "deal terms"):
            continue  # the deal's row without an actor lists the terms
        lane = LANE_OF[e.kind]
        if lane == "moves":
            lane = f"{actor} moves" if actor else "moves"
        what = e.kind + (f" {e.instrument}" if isinstance(e.instrument, str) else "")
        if pd.notna(e.new) and e.kind not in ("stockout", "deal"):
            what += f" → {e.new:.3g}"
        label = {"deal": "deal", "stockout": f"stockout {e.instrument}"}.get(e.kind, what)
        if lane == "threat outcome":
            label = e.kind.replace("threat_", "") + (f" {str(e.note).split(':')[0]}" if isinstance(e.note, str) else "")
        note = f" ({e.note})" if isinstance(e.note, str) and e.note else ""
        rows.append(
            row(str(start + dt.timedelta(days=float(e.t))), lane, label, (actor or "both") + ": " + what + note)
        )
    return rows


def row(date, lane: str, label: str, text: str) -> dict:
    return {"date": str(date)[:10] if date else None, "lane": lane, "label": label, "text": text}


def short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def lane_traces(
    fig: go.Figure, df: pd.DataFrame, source: str, colour: str, symbol: str, labelled: set[str], flip: str
) -> None:
    """One trace per lane of ``df`` (markers on a day merged, their texts joined); labels on the
    labelled lanes, alternately above and below so that neighbours do not overlap, to the right
    of their marker, or to its left from the date ``flip`` on (so none runs off the figure)."""
    first = True
    for lane, g in df.groupby("lane", sort=False):
        texts = g["text"].map(esc)  # each text escaped, then joined by line breaks that stay markup
        g = (
            g.assign(text=texts)
            .groupby("date", sort=True)
            .agg(label=("label", "first"), n=("label", "size"), text=("text", "<br>".join))
        )
        labels = [lab + (f" +{n - 1}" if n > 1 else "") for lab, n in zip(g["label"], g["n"])]
        fig.add_trace(
            go.Scatter(
                x=list(g.index),
                y=[lane] * len(g),
                mode="markers+text" if lane in labelled else "markers",
                text=[esc(t) for t in labels] if lane in labelled else None,
                textposition=[
                    ("top " if i % 2 == 0 else "bottom ") + ("left" if str(d) >= flip else "right")
                    for i, d in enumerate(g.index)
                ],
                textfont=dict(size=11, color=colour),
                name=source,
                legendgroup=source,
                showlegend=first,
                marker=dict(size=11, color=colour, symbol=symbol, line=dict(width=1.5, color=colour)),
                customdata=list(g["text"]),
                hovertemplate="%{x}: %{customdata}<extra>" + esc(source) + "</extra>",
                cliponaxis=False,
            )
        )
        first = False


@section("timeline", order=50)
def timeline(page: Page, report: Report) -> None:
    scenario, events, summary, start = report.scenario, report.events, report.summary, report.start
    scheduled = pd.DataFrame(calendar_rows(scenario), columns=["date", "lane", "label", "text"])
    run = None
    happened = pd.DataFrame(columns=scheduled.columns)
    if not events.empty and not summary.empty:
        run = agg.representative_run(summary)
        of_run = (events.field("run") == run) & events.field("kind").isin(sorted(TIMELINE_KINDS))
        ev = events.frame(filter=of_run)  # row groups of other runs are skipped unread
        happened = pd.DataFrame(run_rows(ev, start), columns=scheduled.columns)
    if scheduled.empty and happened.empty:
        return
    used = set(scheduled["lane"]) | set(happened["lane"])
    movers = sorted(lane for lane in used if lane.endswith("moves"))
    order = [lane for lane in LANES if lane in used] + movers  # top to bottom
    fig = go.Figure()
    end = str(start + dt.timedelta(days=report.horizon))
    flip = str(start + dt.timedelta(days=0.7 * report.horizon))  # labels of the last 30% point left
    if not scheduled.empty:
        calendar = LABELLED["calendar"]
        lane_traces(fig, scheduled, "scheduled (scenario calendar)", PALETTE[0], "diamond-open", calendar, flip)
    if not happened.empty:
        lane_traces(fig, happened, f"run {run}", PALETTE[3], "circle", LABELLED["run"], flip)
    fig.update_xaxes(title="date", range=[str(start - dt.timedelta(days=3)), end])
    fig.update_yaxes(title="event", categoryorder="array", categoryarray=order[::-1], range=[-0.6, len(order) - 0.4])
    fig.update_layout(height=170 + 48 * len(order))
    note = (
        "The scenario's calendar (open diamonds)."
        if run is None
        else f"The scenario's calendar (open diamonds) and run {run} (dots): the run whose payoffs lie closest, "
        "in standard units, to the median payoffs. Markers on one day are merged (+n: n more; hover for all). "
        "Licence decisions are left out."
    )
    page.heading("Event timeline", note)
    page.figure(
        fig,
        "Calendar and a representative run",
        checks={
            "xaxis": {"kind": "date", "min": str(start - dt.timedelta(days=7)), "max": end},
            "yaxis": {"kind": "category"},
        },
    )
