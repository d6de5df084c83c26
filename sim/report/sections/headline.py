"""The headline card at the top of the page: P(deal), the median deal day, P(each threat carried
out) and each actor's expected payoff, each with its 95% interval, its Monte Carlo standard error
and the runs a stated precision needs (:mod:`sim.analysis.headline`).

A sweep's card pools every run of every point and says so (the sweep section shows the figures
per point)."""

from __future__ import annotations

import datetime as dt
import json
import math

from sim.analysis.headline import DAY_HALF_WIDTH, P_HALF_WIDTH, PAYOFF_REL_HALF_WIDTH, Estimate, headline
from sim.report.page import Page, esc
from sim.report.sections import Report, section

STYLE = """<style>
.headline { border: 1px solid #ccc; border-radius: 8px; padding: 10px 16px; margin: 16px 0;
            background: #f8fafc; }
.headline table { margin: 6px 0; width: 100%; }
.headline td.value { font-weight: bold; white-space: nowrap; }
.headline p { margin: 4px 0; }
</style>"""


def _pct(x: float) -> str:
    return "–" if not math.isfinite(x) else f"{100 * x:.1f}%"


def _num(x: float) -> str:
    if not math.isfinite(x):
        return "–"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}".replace("-", "−")


def _day(x: float, start: dt.date, horizon: float) -> str:
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return f"after the horizon (day {horizon:g})"
    return f"day {x:.0f} ({start + dt.timedelta(days=float(x))})"


def _row(key: str, what: str, e: Estimate, value: str, interval: str, se: str) -> str:
    data = " ".join(f"data-{k}='{json.dumps(float(getattr(e, k)))}'" for k in ("value", "low", "high", "se"))
    return (
        f"<tr data-key='{esc(key)}' {data} data-needed='{e.needed}'>"
        f"<td>{esc(what)}</td><td class='value'>{esc(value)}</td>"
        f"<td>{esc(interval)}</td><td>{esc(se)}</td></tr>"
    )


def _share_row(key: str, what: str, e: Estimate) -> str:
    return _row(key, what, e, _pct(e.value), f"{_pct(e.low)} to {_pct(e.high)}", f"{100 * e.se:.2g} pp")


@section("headline", order=5)
def headline_card(page: Page, report: Report) -> None:
    h = headline(report.summary, report.horizon)
    if h.runs == 0:
        return
    start, horizon, n = report.start, report.horizon, h.runs
    rows = []
    notes = []
    deal = h.estimates["deal"]
    rows.append(_share_row("deal", "P(deal by the horizon)", deal))
    med = h.estimates["median"]
    if math.isinf(med.value):
        what = "beyond the horizon: fewer than half the runs reach a deal"
    else:
        what = _day(med.value, start, horizon)
    interval = " to ".join(_day(x, start, horizon) for x in dict.fromkeys((med.low, med.high)))
    rows.append(_row("median", "median deal day (Kaplan–Meier)", med, what, interval, f"{_num(med.se)} days"))
    for t in h.threats:
        rows.append(_share_row(f"threat:{t.name}", f"P(threat {t.name} carried out)", t))
    for p in h.payoffs:
        rows.append(
            _row(
                f"payoff:{p.name}",
                f"expected payoff of {p.name} ($bn)",
                p,
                _num(p.value),
                f"{_num(p.low)} to {_num(p.high)}",
                _num(p.se),
            )
        )
    for key, e, target in (
        ("deal", deal, f"±{P_HALF_WIDTH:g} on P(deal)"),
        ("median", med, f"±{DAY_HALF_WIDTH:g} days on the median deal day"),
        *((f"threat:{t.name}", t, f"±{P_HALF_WIDTH:g} on P({t.name} carried out)") for t in h.threats),
        *((f"payoff:{p.name}", p, f"±{PAYOFF_REL_HALF_WIDTH:.0%} on {p.name}'s expected payoff") for p in h.payoffs),
    ):
        if e.needed > n:
            notes.append(f"<li data-key='{esc(key)}'>{esc(target)} needs about {e.needed:,} runs.</li>")
    pooled = report.manifest.get("kind") == "sweep"
    scope = (
        f"All {n:,} runs of the sweep pooled over its parameter points (the Sweep section shows the figures per point)."
        if pooled
        else f"{n:,} runs."
    )
    body = (
        f"<div class='headline' id='headline'><p><b>Headline</b> — {esc(scope)} 95% intervals: Wilson's for "
        "shares, order statistics for the median (no deal counts as after the horizon), mean ± 1.96 SE for "
        "payoffs. SE: Monte Carlo standard error.</p>"
        "<table><thead><tr><th>figure</th><th>estimate</th><th>95% interval</th><th>SE</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    if notes:
        body += (
            f"<p>More runs for a tighter estimate (precision as 95% half-width; the SE falls as 1/√runs; this "
            f"page has {n:,}):</p><ul>{''.join(notes)}</ul>"
        )
    page.parts.append(STYLE + body + "</div>")
