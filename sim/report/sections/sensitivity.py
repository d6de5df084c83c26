"""Sensitivity indices of a sweep, when ``tradesim analyze sensitivity`` has written them: one figure
per output (indices of payoffs in $bn and of shares are not comparable), every index with its 95%
interval, the method named and its small-sample warnings shown."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sim.analysis.sensitivity import INDICES, method_of, with_intervals
from sim.report.names import parameter_name
from sim.report.page import PALETTE, Page
from sim.report.sections import Report, section
from sim.report.sections.sweep import swept

#: Most parameters drawn per output (the largest by the method's main index).
TOP = 12
METHOD_NAMES = {
    "sobol": "Sobol indices (Saltelli 2010): S1 first order, ST total",
    "morris": "Morris elementary effects: mu* (importance)",
    "delta": "Borgonovo's delta (moment-independent, SALib given-data estimator) and first-order S1",
    "pawn": "PAWN (median Kolmogorov–Smirnov distance over conditioning intervals)",
    "rbd_fast": "RBD-FAST first-order S1",
}
LABELS = {"mu_star": "mu*", "S1": "S1", "ST": "ST", "delta": "delta", "pawn": "PAWN"}


def output_figure(rows: pd.DataFrame, method: str, scenario: dict) -> tuple[go.Figure, int]:
    """Horizontal bars of each index with its interval, largest first; and how many parameters were left out."""
    main = INDICES[method][0]
    rows = rows.sort_values(main, ascending=False, key=lambda s: s.abs())
    shown = rows.head(TOP).iloc[::-1]  # the largest at the top
    names = [parameter_name(scenario, p) for p in shown["parameter"]]
    fig = go.Figure()
    for i, idx in enumerate(INDICES[method]):
        v = shown[idx]
        fig.add_trace(
            go.Bar(
                x=v,
                y=names,
                orientation="h",
                name=LABELS[idx],
                marker_color=PALETTE[i],
                error_x=dict(
                    type="data", symmetric=False, array=shown[f"{idx}_high"] - v, arrayminus=v - shown[f"{idx}_low"]
                ),
                customdata=shown[[f"{idx}_low", f"{idx}_high"]].to_numpy().tolist(),
                hovertemplate="%{y}<br>" + LABELS[idx] + " %{x:.3g} (95% interval %{customdata[0]:.3g} "
                "to %{customdata[1]:.3g})<extra></extra>",
            )
        )
    if "null_high" in shown:
        fig.add_trace(
            go.Scatter(
                x=shown["null_high"],
                y=names,
                mode="markers",
                name="noise floor (outputs shuffled, 95%)",
                marker=dict(symbol="line-ns-open", size=14, color=PALETTE[7]),
                hovertemplate="%{y}<br>noise floor %{x:.3g}: a parameter without effect stays below it "
                "in 95% of shuffles<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=" / ".join(LABELS[i] for i in INDICES[method]), zeroline=True)
    fig.update_yaxes(title="parameter", type="category", automargin=True)
    return fig, len(rows) - len(shown)


@section("sensitivity", order=61)
def sensitivity(page: Page, report: Report) -> None:
    sens = report.folder / "sensitivity.parquet"
    if not swept(report.summary) or not sens.exists():
        return
    s = pd.read_parquet(sens)
    if s.empty:
        return
    method = method_of(s)
    s = with_intervals(s, method)
    page.heading(
        "Sensitivity",
        f"{METHOD_NAMES[method]}, each with its 95% interval, per output (written by tradesim analyze "
        "sensitivity). Outputs have their own axes: indices of payoffs ($bn) and of shares do not compare.",
    )
    for out, rows in s.groupby("output", sort=False):
        fig, left_out = output_figure(rows, method, report.scenario)
        more = f"; the {TOP} largest of {len(rows)} parameters" if left_out else ""
        page.figure(
            fig,
            f"Sensitivity of {out} ({method}{more})",
            checks={"xaxis": {"kind": "number"}, "yaxis": {"kind": "category"}},
        )
        warnings = rows["warning"].fillna("") if "warning" in rows else []
        notes = sorted({n for text in warnings for n in text.split("; ") if n})
        if notes:
            page.text(f"Warning ({out}): " + "; ".join(notes) + ". The indices are not reliable.")
