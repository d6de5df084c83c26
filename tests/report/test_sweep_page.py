"""The sweep sections of the report, drawn in Chromium: no second y axis, binned P(deal) cells with
their run counts, readable parameter names, one sensitivity figure per output with intervals,
the method named and the small-sample warning shown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.report.page import Page
from sim.report.sections import Report
from sim.report.sections.sensitivity import sensitivity as sensitivity_section
from sim.report.sections.sweep import sweep as sweep_section

from ..browser import browser_page

SCENARIO = {
    "meta": {"start": "2025-10-09", "horizon_days": 100},
    "calendar": [{"type": "set", "actor": "US"}, {"type": "threat", "id": "tariff_nov1", "add": 1.0}],
    "chokepoints": {"magnets": {"initial_stock_days": 30}},
}
POINTS, REPS = 30, 5


def summary() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for p in range(POINTS):
        add, stock = rng.uniform(0.25, 1.5), rng.uniform(14, 56)
        for r in range(REPS):
            deal = rng.random() < 1 - 0.5 * add / 1.5
            rows.append(
                {
                    "run": len(rows),
                    "point": p,
                    "replication": r,
                    "error": None,
                    "sweep.calendar.1.add": add,
                    "sweep.chokepoints.magnets.initial_stock_days": stock,
                    "outcome": "deal" if deal else "stalemate",
                    "deal_day": rng.uniform(5, 60) if deal else np.nan,
                }
            )
    return pd.DataFrame(rows)


def sensitivity_table() -> pd.DataFrame:
    rows = []
    for out in ("deal", "payoff_US"):
        for par, v in (("calendar.1.add", 0.4), ("chokepoints.magnets.initial_stock_days", 0.05)):
            rows.append(
                {
                    "output": out,
                    "method": "delta",
                    "parameter": par,
                    "delta": v,
                    "delta_low": v - 0.03,
                    "delta_high": v + 0.03,
                    "S1": v / 2,
                    "S1_low": v / 2 - 0.05,
                    "S1_high": v / 2 + 0.05,
                    "warning": "30 design points for 2 parameters, fewer than 50 per parameter",
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def sweep_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep")
    sensitivity_table().to_parquet(folder / "sensitivity.parquet")
    empty = pd.DataFrame()
    report = Report(folder, {"kind": "sweep"}, SCENARIO, summary(), empty, empty)
    page = Page("sweep")
    sweep_section(page, report)
    sensitivity_section(page, report)
    path = folder / "page.html"
    path.write_text(page.html(), encoding="utf-8")
    return path


FIGURES = """() => { const arr = x => (x && typeof x === 'object' && x.length !== undefined) ? Array.from(x, arr) : x;
  return [...document.querySelectorAll('.plotly-graph-div')].map(gd => {
    const box = gd.getBoundingClientRect();
    const ticks = [...gd.querySelectorAll('.xtick text, .ytick text')].map(t => {
        const r = t.getBoundingClientRect();
        return {text: t.textContent, left: r.left - box.left, right: r.right - box.left,
                top: r.top - box.top, bottom: r.bottom - box.top};
    });
    return {title: gd.layout.title.text, layout: gd._fullLayout ? JSON.parse(JSON.stringify({
                yaxis2: gd.layout.yaxis2 || null, yaxis: gd.layout.yaxis || null})) : null,
            meta: gd.layout.meta || null, data: gd._fullData.map(t => ({type: t.type, name: t.name,
            text: arr(t.text) || null,
            customdata: arr(t.customdata) || null, hovertemplate: t.hovertemplate || null,
            error_x: t.error_x ? {type: t.error_x.type, symmetric: t.error_x.symmetric,
                                  plus: arr(t.error_x.array), minus: arr(t.error_x.arrayminus)} : null})),
            width: box.width, height: box.height, ticks: ticks};
}); }"""


def test_sweep_figures_render_without_dual_axes_and_with_binned_counts(sweep_page):
    with browser_page() as page:
        page.goto(sweep_page.as_uri())
        page.wait_for_function("document.querySelectorAll('.plotly-graph-div .main-svg').length > 0")
        figs = page.evaluate(FIGURES)
        text = page.evaluate("document.body.innerText")
    titles = [f["title"] for f in figs]
    # two parameters, one heatmap, one sensitivity figure per output
    assert titles[:2] == [
        "Deals against calendar[threat tariff_nov1].add",
        "Deals against chokepoints.magnets.initial_stock_days",
    ]
    assert sum(t.startswith("Sensitivity of") for t in titles) == 2
    for f in figs:
        assert f["meta"] and f["meta"]["checks"], f["title"]  # every figure declares its axes
        assert all(t["hovertemplate"] for t in f["data"]), f["title"]
        for axis in ("yaxis", "yaxis2"):
            assert not (f["layout"][axis] or {}).get("overlaying"), f["title"]  # no dual axes
        for t in f["ticks"]:  # no tick label cut off by the plot
            assert t["left"] >= -1 and t["right"] <= f["width"] + 1 and t["bottom"] <= f["height"] + 1, t
    heat = next(f for f in figs if f["title"].startswith("P(deal) over"))
    cells = heat["data"][0]
    counts = np.array(cells["customdata"], dtype=float)
    assert counts.sum() == POINTS * REPS  # every run in one cell
    shown = [c for row in cells["text"] for c in row if c]
    assert shown and all("n=" in c for c in shown)
    assert sorted(int(c.split("n=")[1]) for c in shown) == sorted(int(n) for n in counts.ravel() if n)
    assert "P(deal) over calendar[threat tariff_nov1].add" in heat["title"]
    sens = [f for f in figs if f["title"].startswith("Sensitivity of")]
    assert [f["title"] for f in sens] == ["Sensitivity of deal (delta)", "Sensitivity of payoff_US (delta)"]
    for f in sens:
        assert {t["type"] for t in f["data"]} == {"bar"}
        for t in f["data"]:  # every bar has its interval, from its own low and high
            e = t["error_x"]
            assert e["type"] == "data" and e["symmetric"] is False
            half = 0.03 if t["name"] == "delta" else 0.05
            assert np.allclose(e["plus"], half) and np.allclose(e["minus"], half)
            assert all(high - low == pytest.approx(2 * half) for low, high in t["customdata"])
    assert "Borgonovo's delta" in text
    assert "Warning (deal): 30 design points for 2 parameters, fewer than 50 per parameter" in text


@pytest.mark.parametrize("width", [1280, 900])
def test_sweep_page_passes_the_figure_checklist(sweep_page, width):
    from .checklist import check_report_file

    assert check_report_file(sweep_page, width=width) == []
