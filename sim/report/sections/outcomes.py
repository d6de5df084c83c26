"""Outcome labels: the share of runs ending in each label (:mod:`sim.engine.outcome`), every label shown."""

from __future__ import annotations

import plotly.graph_objects as go

from sim.engine.outcome import BAND, label_order, labels
from sim.report.page import PALETTE, Page
from sim.report.sections import Report, section


def outcome_shares(report: Report) -> tuple[list[str], list[int]]:
    """(labels, run counts): every label the scenario's runs can get, in display order, zeros included
    (and any other label found in the summary, last)."""
    ok = report.summary
    counts = ok["outcome"].value_counts()
    shown = label_order([*labels(report.scenario.get("actors", {})), *counts.index])
    return shown, [int(counts.get(k, 0)) for k in shown]


@section("outcomes", order=10)
def outcomes(page: Page, report: Report) -> None:
    page.heading("Outcomes")
    n = len(report.summary)
    shown, counts = outcome_shares(report)
    fig = go.Figure(
        go.Bar(
            x=shown,
            y=[c / max(n, 1) for c in counts],
            customdata=counts,
            marker_color=PALETTE[0],
            hovertemplate="%{x}: %{y:.1%} of runs (%{customdata} runs)<extra></extra>",
        )
    )
    fig.update_yaxes(title="share of runs", tickformat=".0%", rangemode="tozero")
    fig.update_xaxes(title="outcome label")
    page.figure(
        fig,
        f"Outcome labels ({n} runs)",
        checks={"xaxis": {"kind": "category"}, "yaxis": {"kind": "share", "min": 0, "max": 1}},
    )
    page.text(
        "deal: an agreement was reached; capitulation_<actor>: no deal, and that actor met the other's "
        "demands unilaterally; otherwise escalation, de-escalation or stalemate: the hostility index ended "
        f"more than {BAND:g} above, more than {BAND:g} below, or within {BAND:g} of its start."
    )
