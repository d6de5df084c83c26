"""The HTML report: interactive plotly figures of stored results, offline, from a file.

Built only from a results folder (never a live model) and only from
pre-aggregated tables (``sim.aggregate``), with plotly.js embedded once, so the
page opens by double-click, needs no network and stays small however many runs
it describes. Text that comes from scenarios is escaped.
"""
from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline

import sim.analysis.aggregate as agg
from sim.errors import UsageError
from sim.results.store import atomic_write_text

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
LAYOUT = dict(template="plotly_white", colorway=PALETTE, height=380, margin=dict(l=60, r=20, t=60, b=50),
              font=dict(size=13), hoverlabel=dict(font_size=13), legend=dict(orientation="h", y=-0.2))
TIMELINE_KINDS = {"calendar", "move", "threat", "threat_issued", "threat_carried_out", "threat_withdrawn",
                  "threat_conceded", "concede", "concession", "stockout", "summit", "summit_cancelled",
                  "no_deal", "deal", "deal_renewed", "deal_expired", "defect", "talks", "licensing"}


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


class Page:
    """Collects sections of figures and tables, then writes one HTML file."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.parts: list[str] = []
        self.n_figs = 0

    def heading(self, text: str, note: str = "") -> None:
        self.parts.append(f"<h2>{esc(text)}</h2>" + (f"<p class='note'>{esc(note)}</p>" if note else ""))

    def figure(self, fig: go.Figure, title: str) -> None:
        fig.update_layout(**LAYOUT)
        fig.update_layout(title=dict(text=esc(title)))
        self.n_figs += 1
        self.parts.append(fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"fig{self.n_figs}",
                                      config={"responsive": True, "displaylogo": False}))

    def table(self, df: pd.DataFrame, caption: str = "") -> None:
        cap = f"<caption>{esc(caption)}</caption>" if caption else ""
        head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
        rows = "".join("<tr>" + "".join(f"<td>{esc(_fmt(v))}</td>" for v in r) + "</tr>" for r in df.itertuples(index=False))
        self.parts.append(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")

    def text(self, text: str) -> None:
        self.parts.append(f"<p>{esc(text)}</p>")

    def html(self) -> str:
        js = plotly.offline.get_plotlyjs()
        body = "\n".join(self.parts)
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(self.title)}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px;
       padding: 0 16px 40px; color: #222; }}
h1 {{ font-size: 1.6em; margin-top: 24px; }} h2 {{ margin-top: 36px; border-bottom: 1px solid #ddd; }}
.note {{ color: #555; font-size: 0.95em; }}
table {{ border-collapse: collapse; margin: 12px 0; font-size: 0.92em; }}
td, th {{ border: 1px solid #ddd; padding: 3px 8px; text-align: left; }} caption {{ text-align: left; font-weight: bold; }}
.plotly-graph-div {{ width: 100%; }}
</style>
<script type="text/javascript">{js}</script>
</head><body>
<h1>{esc(self.title)}</h1>
{body}
</body></html>
"""


def _fmt(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return "–" if np.isnan(v) else (f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}")
    return str(v)


def _dates(start: dt.date, days: Any) -> list[str]:
    return [str(start + dt.timedelta(days=float(d))) if np.isfinite(d) else None for d in np.asarray(days, float)]


# ------------------------------------------------------------------ sections
def outcomes_section(page: Page, summary: pd.DataFrame) -> None:
    ok = summary[summary["error"].isna()] if "error" in summary else summary
    shares = ok["outcome"].value_counts().sort_index()
    fig = go.Figure(go.Bar(x=list(shares.index), y=list(shares.values / max(len(ok), 1)),
                           customdata=list(shares.values), marker_color=PALETTE[0],
                           hovertemplate="%{x}: %{y:.1%} of runs (%{customdata} runs)<extra></extra>"))
    fig.update_yaxes(title="share of runs", tickformat=".0%")
    fig.update_xaxes(title="outcome class")
    page.figure(fig, f"Outcome classes ({len(ok)} runs)")


def deal_day_section(page: Page, summary: pd.DataFrame, start: dt.date, horizon: float, theory: Any = None) -> None:
    h = agg.histogram(summary["deal_day"], bins=40)
    if len(h):
        fig = go.Figure(go.Bar(x=_dates(start, h["centre"]), y=h["count"], marker_color=PALETTE[2],
                               customdata=np.round(h["centre"], 1),
                               hovertemplate="%{x} (day %{customdata}): %{y} runs<extra></extra>"))
        fig.update_xaxes(title="date of the deal")
        fig.update_yaxes(title="runs")
        page.figure(fig, "Deal day")
    t, s = agg.survival_to_horizon(summary["deal_day"], horizon)
    fig = go.Figure(go.Scatter(x=_dates(start, t), y=s, mode="lines", line_shape="hv", name="Kaplan–Meier",
                               customdata=np.round(t, 1),
                               hovertemplate="%{x} (day %{customdata}): P(no deal yet) = %{y:.2f}<extra></extra>"))
    fig.update_yaxes(title="P(no deal yet)", range=[0, 1.02])
    fig.update_xaxes(title="date")
    page.figure(fig, "Time to deal (Kaplan–Meier, censored at the horizon)")
    if theory is not None and "capitulation_day" in summary:
        t, s = agg.survival_to_horizon(summary["capitulation_day"], horizon)
        fig = go.Figure(go.Scatter(x=_dates(start, t), y=s, mode="lines", line_shape="hv", name="Kaplan–Meier",
                                   customdata=np.round(t, 1),
                                   hovertemplate="%{x} (day %{customdata}): P(nobody conceded) = %{y:.2f}<extra></extra>"))
        fig.add_trace(go.Scatter(x=_dates(start, theory["t"]), y=theory["S"], mode="lines", name=theory["name"],
                                 line=dict(dash="dash", color=PALETTE[3]),
                                 hovertemplate="%{x}: theory %{y:.2f}<extra></extra>"))
        fig.update_yaxes(title="P(nobody conceded yet)", range=[0, 1.02])
        fig.update_xaxes(title="date")
        page.figure(fig, "Time to the first concession, with the war-of-attrition closed form")


def payoff_section(page: Page, summary: pd.DataFrame) -> None:
    actors = [c[len("payoff_"):] for c in summary.columns if c.startswith("payoff_")]
    fig = go.Figure()
    for i, a in enumerate(actors):
        h = agg.histogram(summary[f"payoff_{a}"], bins=40)
        fig.add_trace(go.Bar(x=h["centre"], y=h["count"], name=a, opacity=0.6, marker_color=PALETTE[i % 8],
                             hovertemplate=a + ": payoff %{x:.1f} $bn — %{y} runs<extra></extra>"))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title="payoff ($bn, discounted)")
    fig.update_yaxes(title="runs")
    page.figure(fig, "Payoff per actor")
    for a in actors:
        fig = go.Figure()
        comps = [c for c in summary.columns if c.startswith("loss_") and c.endswith(f"_{a}")]
        for i, c in enumerate(comps):
            e = agg.ecdf(summary[c])
            name = c[len("loss_"):-len(a) - 1]
            fig.add_trace(go.Scatter(x=e["x"], y=e["F"], mode="lines", name=name, line=dict(color=PALETTE[i % 8]),
                                     hovertemplate=name + ": %{x:.2f} $bn or less in %{y:.0%} of runs<extra></extra>"))
        fig.update_xaxes(title="loss ($bn, discounted)")
        fig.update_yaxes(title="share of runs (ECDF)", tickformat=".0%")
        page.figure(fig, f"Loss components of {a} (ECDF)")


FAN_GROUPS = [("Tariffs", "additional ad-valorem rate", lambda c: "tariff" in c),
              ("Control tiers", "tier", lambda c: "controls" in c),
              ("Licence approval", "share approved", lambda c: "approval" in c),
              ("Stocks", "days of cover", lambda c: c.startswith("stock_")),
              ("Shortfall", "share of demand unmet", lambda c: c.startswith("shortfall_"))]


def fan_section(page: Page, series: pd.DataFrame, start: dt.date, step: float) -> None:
    if series.empty:
        return
    cols = [c for c in series.columns if c not in ("run", "t", "date") and not c.startswith(("loss_", "belief_"))]
    fans = agg.fan(series, cols, step)
    for title, unit, pick in FAN_GROUPS:
        chosen = [c for c in cols if pick(c)]
        if not chosen:
            continue
        fig = go.Figure()
        for i, c in enumerate(chosen):
            f = fans[fans["column"] == c]
            x = _dates(start, f["t"])
            colour = PALETTE[i % 8]
            for lo, hi, op in (("q5", "q95", 0.15), ("q25", "q75", 0.3)):
                fig.add_trace(go.Scatter(x=x, y=f[hi], mode="lines", line=dict(width=0, color=colour),
                                         showlegend=False, hoverinfo="skip"))
                fig.add_trace(go.Scatter(x=x, y=f[lo], mode="lines", line=dict(width=0, color=colour), fill="tonexty",
                                         opacity=op, showlegend=False, hoverinfo="skip",
                                         fillcolor=_rgba(colour, op)))
            fig.add_trace(go.Scatter(x=x, y=f["q50"], mode="lines", name=c, line=dict(color=colour, width=2),
                                     hovertemplate=c + " %{x}: median %{y:.3g}<extra></extra>"))
        fig.update_xaxes(title="date")
        fig.update_yaxes(title=unit)
        page.figure(fig, f"{title}: median, 50% and 90% bands over runs")


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def timeline_section(page: Page, scenario: dict, events: pd.DataFrame, summary: pd.DataFrame, start: dt.date) -> None:
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
        ev = events[(events["run"] == run) & events["kind"].isin(TIMELINE_KINDS)]
        for e in ev.itertuples(index=False):
            what = e.kind + (f" {e.instrument}" if isinstance(e.instrument, str) else "")
            if pd.notna(e.new):
                what += f" → {e.new:.3g}"
            rows.append({"date": str(start + dt.timedelta(days=float(e.t))),
                         "lane": f"run {run}: {e.actor if isinstance(e.actor, str) else 'both'}",
                         "text": what + (f" ({e.note})" if isinstance(e.note, str) and e.note else "")})
    if not rows:
        return
    df = pd.DataFrame(rows)
    fig = go.Figure()
    for i, (lane, g) in enumerate(df.groupby("lane", sort=False)):
        fig.add_trace(go.Scatter(x=g["date"], y=[lane] * len(g), mode="markers", name=lane,
                                 marker=dict(size=10, color=PALETTE[i % 8], symbol="diamond"),
                                 text=[esc(t) for t in g["text"]], hovertemplate="%{x}: %{text}<extra></extra>"))
    fig.update_xaxes(title="date")
    fig.update_layout(height=320 + 20 * df["lane"].nunique())
    note = ("" if run is None else f"Run {run} is shown: the run whose payoffs lie closest, in standard units, "
            "to the median payoffs. Licence decisions are left out.")
    page.heading("Event timeline", note)
    page.figure(fig, "Calendar moves and a representative run")


def sweep_section(page: Page, summary: pd.DataFrame, folder: Path) -> None:
    params = [c for c in summary.columns if c.startswith("sweep.")]
    if not params:
        return
    page.heading("Sweep", "Share of deals and median deal day across the swept parameters.")
    for i, p in enumerate(params):
        t = agg.by_parameter(summary, p)
        fig = go.Figure()
        fig.add_trace(go.Scatter(x=t["x"], y=t["p"], mode="lines+markers", name="P(deal)", customdata=t["runs"],
                                 hovertemplate="%{x}: P(deal) %{y:.2f} (%{customdata} runs)<extra></extra>"))
        fig.add_trace(go.Scatter(x=t["x"], y=t["median_deal_day"], mode="lines+markers", name="median deal day",
                                 yaxis="y2", hovertemplate="%{x}: median deal day %{y:.0f}<extra></extra>"))
        fig.update_layout(yaxis=dict(title="P(deal)", range=[0, 1]),
                          yaxis2=dict(title="median deal day (days)", overlaying="y", side="right"))
        fig.update_xaxes(title=p[len("sweep."):])
        page.figure(fig, f"Deals against {p[len('sweep.'):]}")
    if len(params) >= 2:
        hm = agg.heatmap(summary, params[0], params[1])
        fig = go.Figure(go.Heatmap(z=hm.to_numpy().T, x=list(hm.index), y=list(hm.columns), colorscale="Viridis",
                                   zmin=0, zmax=1, colorbar=dict(title="P(deal)"),
                                   hovertemplate="%{x}, %{y}: P(deal) %{z:.2f}<extra></extra>"))
        fig.update_xaxes(title=params[0][len("sweep."):])
        fig.update_yaxes(title=params[1][len("sweep."):])
        page.figure(fig, "P(deal) over two swept parameters")
    sens = folder / "sensitivity.parquet"
    if sens.exists():
        s = pd.read_parquet(sens)
        fig = go.Figure()
        if "S1" in s:
            for i, (idx, conf) in enumerate((("S1", "S1_conf"), ("ST", "ST_conf"))):
                fig.add_trace(go.Bar(x=s["output"] + " · " + s["parameter"], y=s[idx], name=idx,
                                     error_y=dict(type="data", array=s[conf]), marker_color=PALETTE[i],
                                     hovertemplate="%{x}: " + idx + " %{y:.2f}<extra></extra>"))
            fig.update_yaxes(title="Sobol index")
        else:
            fig.add_trace(go.Bar(x=s["output"] + " · " + s["parameter"], y=s["mu_star"], name="mu*",
                                 error_y=dict(type="data", array=s["mu_star_conf"]),
                                 hovertemplate="%{x}: mu* %{y:.3g}<extra></extra>"))
            fig.update_yaxes(title="Morris mu*")
        fig.update_layout(barmode="group")
        page.figure(fig, "Sensitivity indices")
    disc = folder / "discovery.parquet"
    if disc.exists():
        d = pd.read_parquet(disc)
        fig = go.Figure()
        for i, r in enumerate(d.itertuples(index=False)):
            col = summary.get(f"sweep.{r.parameter}")
            lo, hi = (float(col.min()), float(col.max())) if col is not None else (r.min, r.max)
            span = (hi - lo) or 1.0
            fig.add_trace(go.Bar(x=[(r.max - r.min) / span], base=[(r.min - lo) / span], y=[r.parameter],
                                 orientation="h", marker_color=PALETTE[i % 8], showlegend=False,
                                 hovertemplate=f"{esc(r.parameter)}: {r.min:.3g} to {r.max:.3g} "
                                               f"(swept {lo:.3g} to {hi:.3g})<extra></extra>"))
        fig.update_xaxes(range=[0, 1], tickformat=".0%")
        first = d.iloc[0]
        fig.update_xaxes(title="box as a share of each parameter's swept range")
        page.figure(fig, f"Scenario discovery: where '{first['outcome']}' is likely "
                         f"(coverage {first['coverage']:.0%}, density {first['density']:.0%})")


def theory_curve(scenario: dict, summary: pd.DataFrame, horizon: float) -> dict | None:
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


def provenance_section(page: Page, manifest: dict, summary: pd.DataFrame) -> None:
    page.heading("Parameters and provenance")
    sampled = [c for c in summary.columns if c.split(".")[0] in ("meta", "actors", "trade_links", "chokepoints",
                                                                  "calendar", "deal_space")]
    if sampled:
        rows = [{"parameter": c, "mean": float(summary[c].mean()), "5%": float(summary[c].quantile(0.05)),
                 "95%": float(summary[c].quantile(0.95))} for c in sampled]
        page.table(pd.DataFrame(rows), "Parameters drawn per run")
    keys = ["scenario_name", "sweep_name", "scenario_file", "scenario_hash", "seed", "runs", "workers", "status",
            "created", "git_commit", "run_id"]
    rows = [{"field": k, "value": manifest[k]} for k in keys if k in manifest]
    rows.append({"field": "tradesim version", "value": manifest.get("versions", {}).get("tradesim", "")})
    page.table(pd.DataFrame(rows), "Provenance")


# ------------------------------------------------------------------- public
def _read(folder: Path) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    if not (folder / "manifest.json").is_file():
        raise UsageError(f"{folder}: not a results folder (no manifest.json)")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if (folder / "summary.parquet").is_file() is False:
        raise UsageError(f"{folder}: summary.parquet is missing (is the sweep complete?)")
    summary = pd.read_parquet(folder / "summary.parquet")
    events = pd.read_parquet(folder / "events.parquet") if (folder / "events.parquet").is_file() else pd.DataFrame()
    series = pd.read_parquet(folder / "series.parquet") if (folder / "series.parquet").is_file() else pd.DataFrame()
    return manifest, summary, events, series


def scenario_of(manifest: dict) -> dict:
    if "scenario" in manifest:
        return manifest["scenario"]
    from sim.engine.compile import load_scenario

    return load_scenario(manifest["scenario_file"]).model_dump(mode="json")


def build_report(folder: str | Path) -> Path:
    """Write ``report.html`` into a results folder (a run or a sweep); return its path."""
    folder = Path(folder)
    manifest, summary, events, series = _read(folder)
    scenario = scenario_of(manifest)
    meta = scenario["meta"]
    start = dt.date.fromisoformat(meta["start"])
    horizon = float(meta["horizon_days"])
    name = manifest.get("sweep_name") or manifest.get("scenario_name") or meta["name"]
    page = Page(f"tradesim report: {name}")
    page.text(meta.get("description", ""))
    failed = int(summary["error"].notna().sum()) if "error" in summary else 0
    page.text(f"{len(summary)} runs" + (f", {failed} failed" if failed else "") + f"; start {start}, horizon "
              f"{horizon:g} days.")
    page.heading("Outcomes")
    outcomes_section(page, summary)
    deal_day_section(page, summary, start, horizon, theory_curve(scenario, summary, horizon))
    payoff_section(page, summary)
    if not series.empty:
        page.heading("Paths over time")
        fan_section(page, series, start, float(meta.get("series_every_days", 7)))
    timeline_section(page, scenario, events, summary, start)
    sweep_section(page, summary, folder)
    provenance_section(page, manifest, summary)
    out = folder / "report.html"
    atomic_write_text(out, page.html())
    return out
