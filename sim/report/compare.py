"""One page comparing two result sets (e.g. the baseline with and without a threat), in its own folder.

When both sets share their seed and runs, run ``i`` of A and run ``i`` of B drew the same random
numbers, and every difference is computed run by run (paired; ``sim/analysis/paired.py``).
The page (``compare.html``) and the differences as numbers (``compare.json``) go to
``results/compare/<A>__vs__<B>/`` unless told otherwise; never into A's or B's folder.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import sim.analysis.aggregate as agg
from sim.analysis import paired as pr
from sim.analysis.tables import scenario_of
from sim.engine.outcome import label_order, labels
from sim.errors import UsageError
from sim.report.page import PALETTE, Page, dates, esc, fmt
from sim.report.stored import finished, read_tables
from sim.results.atomic import atomic_write_text
from sim.results.table import StoredTable

#: Where comparisons go by default (under the working directory, as ``tradesim run``'s results).
COMPARE_ROOT = Path("results") / "compare"
#: The bootstrap's seed: the same two folders give the same intervals.
BOOT_SEED = 0
UNITS = {"share": "percentage points", "days": "days", "$bn": "$bn"}


def _label(folder: Path, manifest: dict) -> str:
    """The name of a result set on the page: scenario (or sweep), run id, and the overrides it was run with.

    >>> _label(Path("r/20250101T000000-seed1-abc"), {"scenario_name": "b", "overrides": ["x.y=2"]})
    'b (20250101T000000-seed1-abc; --set x.y=2)'
    """
    sets = "".join(f"; --set {o}" for o in manifest.get("overrides") or [])
    return f"{manifest.get('sweep_name') or manifest.get('scenario_name')} ({folder.name}{sets})"


def folder_name(folder: Path, manifest: dict) -> str:
    """A file-system-safe name of a result set: scenario (or sweep) name and run id.

    >>> folder_name(Path("results/x/20250101T000000-seed1-abc"), {"scenario_name": "base line"})
    'base_line-20250101T000000-seed1-abc'
    """
    name = f"{manifest.get('sweep_name') or manifest.get('scenario_name') or 'results'}-"
    name += str(manifest.get("run_id") or folder.name)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:120] or "results"


def default_out(fa: Path, ma: dict, fb: Path, mb: dict) -> Path:
    """``results/compare/<A>__vs__<B>``."""
    return COMPARE_ROOT / f"{folder_name(fa, ma)}__vs__{folder_name(fb, mb)}"


def _check_target(target: Path, fa: Path, fb: Path) -> None:
    """Refuse to write into (or under) either result set's folder."""
    t = target.resolve()
    for side, f in (("A", fa), ("B", fb)):
        if t == f.resolve() or t.is_relative_to(f.resolve()):
            raise UsageError(f"--out {target} is inside results folder {side} ({f}); choose a folder of its own")


def _runs(table: StoredTable) -> pd.DataFrame:
    """Every run's id, design keys and whether it failed (a few small columns)."""
    cols = [c for c in ("run", "point", "replication", "error") if c in table]
    runs = table.frame(cols)
    runs["failed"] = runs.pop("error").notna() if "error" in runs else False
    return runs


def _paired_frames(sa: pd.DataFrame, sb: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs finished on both sides, in run order, A's and B's rows aligned."""
    common = np.intersect1d(sa["run"].to_numpy(), sb["run"].to_numpy())
    a = sa.set_index("run").loc[common].reset_index()
    b = sb.set_index("run").loc[common].reset_index()
    return a, b


def compare(a: str | Path, b: str | Path, out: str | Path | None = None, n_boot: int = 1000) -> Path:
    """Write ``compare.html`` and ``compare.json`` into ``out`` (default ``results/compare/<A>__vs__<B>``);
    return the page's path.

    Reads the run, design-key, error, outcome, deal day and payoff columns, nothing else.
    Paired by run when A and B share seed and runs (:func:`sim.analysis.paired.match_runs`),
    else unpaired, with the reason on the page.
    """
    fa, fb = Path(a), Path(b)
    ma, all_a, _, _ = read_tables(fa)
    mb, all_b, _, _ = read_tables(fb)
    target = Path(out) if out is not None else default_out(fa, ma, fb, mb)
    _check_target(target, fa, fb)
    (ok_a, failed_a), (ok_b, failed_b) = finished(all_a), finished(all_b)
    actors = [c[len("payoff_") :] for c in ok_a.columns if c.startswith("payoff_") and c in ok_b]
    needed = ["run", "outcome", "deal_day", *(f"payoff_{act}" for act in actors)]
    sa, sb = ok_a.frame(needed), ok_b.frame(needed)
    la, lb = _label(fa, ma), _label(fb, mb)
    scenario = scenario_of(ma)
    start = dt.date.fromisoformat(scenario["meta"]["start"])
    horizon = float(scenario["meta"]["horizon_days"])
    calendar_note = ""
    meta_b = scenario_of(mb)["meta"]
    if float(meta_b["horizon_days"]) != horizon or meta_b["start"] != scenario["meta"]["start"]:
        calendar_note = (
            f"A and B have different calendars: A starts on {scenario['meta']['start']} with a horizon of "
            f"{horizon:g} days, B on {meta_b['start']} with {float(meta_b['horizon_days']):g}. The deal day "
            f"is compared up to the shorter horizon ({min(horizon, float(meta_b['horizon_days'])):g} days); "
            "P(deal) and the outcome shares are each side's own, over its own horizon."
        )
        horizon = min(horizon, float(meta_b["horizon_days"]))
    seen = [*sa["outcome"].dropna().unique(), *sb["outcome"].dropna().unique()]
    outcomes = label_order([*labels(scenario.get("actors", {})), *seen])  # every label, zeros included

    pairing = pr.match_runs(ma, _runs(all_a), mb, _runs(all_b))
    pa_, pb_ = _paired_frames(sa, sb) if pairing.paired else (sa, sb)
    qs = pr.quantities(actors, outcomes)
    x = pr.per_run(pa_, actors, outcomes, horizon)
    y = pr.per_run(pb_, actors, outcomes, horizon)
    diffs = pr.differences(x, y, pairing.paired, n_boot=n_boot, seed=BOOT_SEED)
    same = fa.resolve() == fb.resolve()

    page = Page(f"tradesim comparison: {la} vs {lb}")
    page.text(f"A = {la}: {len(sa)} finished runs. B = {lb}: {len(sb)} finished runs.")
    failed = [(lab, n) for lab, n in (("A", failed_a), ("B", failed_b)) if n]
    if failed:
        page.text("".join(f"{lab}: {n} failed runs left out. " for lab, n in failed).strip())
    method = pr.interval_method(max(len(x), len(y)))
    page.text(_pairing_note(pairing, _how(method, n_boot)))
    if calendar_note:
        page.text(calendar_note)
    if same:
        page.text(f"A and B are the same results folder ({fa}): every difference is 0. Check the two paths.")
    page.heading("Differences", "B − A of means over runs; a share is the mean of a yes/no per run.")
    page.table(_table(qs, diffs, pairing.paired), _caption(pairing))
    for unit in ("share", "days", "$bn"):
        idx = [i for i, q in enumerate(qs) if q.unit == unit]
        if idx:
            _interval_figure(page, [qs[i] for i in idx], diffs, idx, pairing.paired, unit)
    page.heading("Distributions", "All finished runs of each set.")
    _distributions(page, (la, sa), (lb, sb), outcomes, actors, start, horizon)

    target.mkdir(parents=True, exist_ok=True)
    path = target / "compare.html"
    atomic_write_text(path, page.html())
    interval = {"method": method, "level": pr.LEVEL}
    if method == "percentile bootstrap":
        interval.update(resamples=n_boot, seed=BOOT_SEED)
    record = _record((fa, la, len(sa), failed_a), (fb, lb, len(sb), failed_b), pairing, qs, diffs, interval, same)
    atomic_write_text(target / "compare.json", json.dumps(record, indent=1) + "\n")
    return path


def _how(method: str, n_boot: int) -> str:
    if method == "percentile bootstrap":
        return (
            f"95% percentile bootstrap intervals, {n_boot} resamples (seed {BOOT_SEED}; paired: run ids drawn jointly)."
        )
    return (
        f"95% normal-approximation intervals (B − A ± 1.96 standard errors): more than "
        f"{pr.BOOTSTRAP_MAX_RUNS:,} runs, where the bootstrap distribution of a mean is normal."
    )


def _pairing_note(pairing: pr.Pairing, how: str) -> str:
    if pairing.paired:
        dropped = f" ({pairing.dropped} left out: the run failed in A, in B or in both)" if pairing.dropped else ""
        return (
            f"Paired by run (common random numbers): {pairing.why}. {pairing.pairs} pairs{dropped}. "
            "Each difference is the mean of the per-run differences B − A; its paired interval takes each run's "
            "difference as one observation, the unpaired interval beside it takes A "
            "and B as independent (as if unrelated). " + how
        )
    return (
        f"Unpaired: {pairing.why}. Each difference is B's mean minus A's mean over all their finished runs; "
        "its interval takes A and B as independent. " + how
    )


def _caption(pairing: pr.Pairing) -> str:
    return (
        f"B − A over {pairing.pairs} pairs: paired and unpaired 95% intervals"
        if pairing.paired
        else "B − A with unpaired 95% intervals"
    )


def _span(lo: float, hi: float) -> str:
    return f"[{fmt(lo)}, {fmt(hi)}]"


def _table(qs: list[pr.Quantity], d: dict[str, np.ndarray], paired: bool) -> pd.DataFrame:
    rows = []
    for i, q in enumerate(qs):
        row: dict[str, Any] = {"quantity": q.name, "A": d["a"][i], "B": d["b"][i], "B − A": d["diff"][i]}
        if paired:
            row["paired 95%"] = _span(d["paired_low"][i], d["paired_high"][i])
        row["unpaired 95%"] = _span(d["unpaired_low"][i], d["unpaired_high"][i])
        if paired:
            wide = d["unpaired_high"][i] - d["unpaired_low"][i]
            row["width paired / unpaired"] = (d["paired_high"][i] - d["paired_low"][i]) / wide if wide > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _interval_figure(
    page: Page, qs: list[pr.Quantity], d: dict[str, np.ndarray], idx: list[int], paired: bool, unit: str
) -> None:
    """B − A of the quantities of one unit, each with its paired and its unpaired interval."""
    scale = 100.0 if unit == "share" else 1.0  # shares in percentage points
    names = [q.name for q in qs]
    fig = go.Figure()
    kinds = [("paired", PALETTE[2]), ("unpaired", PALETTE[3])] if paired else [("unpaired", PALETTE[3])]
    for kind, colour in kinds:
        lo, hi = d[f"{kind}_low"][idx] * scale, d[f"{kind}_high"][idx] * scale
        mid = d["diff"][idx] * scale
        fig.add_trace(
            go.Scatter(
                x=mid,
                y=names,
                mode="markers",
                name=f"{kind} 95% interval",
                marker=dict(color=colour, size=9),
                error_x=dict(type="data", array=hi - mid, arrayminus=mid - lo, color=colour, thickness=2, width=6),
                customdata=np.column_stack([lo, hi]),
                offsetgroup=kind,
                orientation="h",
                hovertemplate=f"%{{y}}: B − A = %{{x:.3g}} {UNITS[unit]}, {kind} 95% interval "
                "[%{customdata[0]:.3g}, %{customdata[1]:.3g}]<extra></extra>",
            )
        )
    fig.add_vline(x=0, line=dict(color="#888", width=1, dash="dot"))
    fig.update_layout(scattermode="group", scattergap=0.5, height=160 + 60 * len(names))
    fig.update_xaxes(title=f"B − A ({UNITS[unit]})", zeroline=False)
    fig.update_yaxes(title="quantity", autorange="reversed", automargin=True)
    what = {"share": "probabilities and shares", "days": "deal day", "$bn": "mean payoffs"}[unit]
    title = f"B − A, {what}: " + ("paired vs unpaired 95% intervals" if paired else "unpaired 95% intervals")
    page.figure(fig, title, checks={"xaxis": {"kind": "number"}, "yaxis": {"kind": "category"}})


def _distributions(page: Page, A: tuple, B: tuple, outcomes: list[str], actors: list[str], start, horizon) -> None:
    fig = go.Figure()
    for i, (lab, s) in enumerate((A, B)):
        shares = s["outcome"].value_counts(normalize=True).reindex(outcomes, fill_value=0.0)
        fig.add_trace(
            go.Bar(
                x=outcomes,
                y=shares.values,
                name=lab,
                marker_color=PALETTE[i],
                hovertemplate=esc(lab) + " — %{x}: %{y:.1%}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="share of runs", tickformat=".0%", range=[0, 1])
    fig.update_xaxes(title="outcome label")
    share = {"kind": "share", "min": 0, "max": 1}
    page.figure(fig, "Outcome labels side by side", checks={"xaxis": {"kind": "category"}, "yaxis": share})

    fig = go.Figure()
    for i, (lab, s) in enumerate((A, B)):
        t, S = agg.survival_to_horizon(s["deal_day"], horizon, levels=agg.KM_LEVELS)
        fig.add_trace(
            go.Scatter(
                x=dates(start, t),
                y=S,
                mode="lines",
                line_shape="hv",
                name=lab,
                line=dict(color=PALETTE[i]),
                hovertemplate=esc(lab) + " %{x}: P(no deal yet) %{y:.2f}<extra></extra>",
            )
        )
    fig.update_yaxes(title="P(no deal yet)", range=[0, 1.02])
    fig.update_xaxes(title="date")
    page.figure(fig, "Time to deal (Kaplan–Meier)", checks={"xaxis": {"kind": "date"}, "yaxis": share})

    for act in actors:
        fig = go.Figure()
        span = agg.common_span(A[1][f"payoff_{act}"], B[1][f"payoff_{act}"])  # the same bins for A and B
        for i, (lab, s) in enumerate((A, B)):
            h = agg.histogram(s[f"payoff_{act}"], bins=40, span=span)
            fig.add_trace(
                go.Bar(
                    x=h["centre"],
                    y=h["count"] / max(len(s), 1),
                    width=h["width"],
                    name=lab,
                    opacity=0.6,
                    marker_color=PALETTE[i],
                    hovertemplate=esc(lab) + ": payoff %{x:.1f} $bn — %{y:.1%} of runs<extra></extra>",
                )
            )
        fig.update_layout(barmode="overlay")
        fig.update_xaxes(title="payoff ($bn, discounted)")
        fig.update_yaxes(title="share of runs", tickformat=".0%", rangemode="nonnegative")
        page.figure(fig, f"Payoff of {act}", checks={"xaxis": {"kind": "number"}, "yaxis": share})


def _num(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def _record(A: tuple, B: tuple, pairing: pr.Pairing, qs, d, interval: dict, same: bool) -> dict:
    """``compare.json``: what was compared, how, and every difference as numbers."""
    sides = {
        side: {"folder": str(f), "label": lab, "finished_runs": n, "failed_runs": k}
        for side, (f, lab, n, k) in (("A", A), ("B", B))
    }
    rows = []
    for i, q in enumerate(qs):
        row = {"quantity": q.name, "unit": q.unit, "a": _num(d["a"][i]), "b": _num(d["b"][i])}
        row["b_minus_a"] = _num(d["diff"][i])
        for kind in ("paired", "unpaired"):
            if f"{kind}_low" in d:
                row[f"{kind}_low"], row[f"{kind}_high"] = _num(d[f"{kind}_low"][i]), _num(d[f"{kind}_high"][i])
        rows.append(row)
    return {
        **sides,
        "paired": pairing.paired,
        "pairing": pairing.why,
        "pairs": pairing.pairs,
        "pairs_dropped_failed": pairing.dropped,
        "same_folder": same,
        "interval": interval,
        "differences": rows,
    }
