"""The HTML report in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
from sim.analysis.discovery import discover
from sim.analysis.sensitivity import sensitivity
from sim.experiments.sweeps import run_sweep
from sim.report.build import build_report
from sim.report.compare import compare

from ..browser import ARTIFACTS, browser_page
from ..conftest import ROOT

NASTY = '<script>window.__pwned = 1</script>"><img src=x onerror="window.__pwned = 2">'


@pytest.fixture(scope="module")
def nasty_run(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    d = yaml.safe_load((ROOT / "scenarios" / "baseline_oct2025.yaml").read_text())
    d["meta"]["description"] = NASTY
    d["calendar"][0]["note"] = NASTY
    p = tmp / "nasty.yaml"
    p.write_text(yaml.safe_dump(d), encoding="utf-8")
    return sim.run(p, runs=60, seed=3, workers=1, out=tmp / "results").path


def open_page(page, path: Path) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0", timeout=30_000)
    return errors, requests


def figures_with_data(page) -> list[int]:
    """Per figure, the number of traces plotly computed at least one finite point for."""
    return page.evaluate("""Array.from(document.querySelectorAll('.js-plotly-plot')).map(d =>
        (d.calcdata || []).filter(cd => (cd || []).some(p => Number.isFinite(p.y) || Number.isFinite(p.x)
            || Number.isFinite(p.s) || (p.z && p.z.length))).length)""")


@pytest.mark.slow
def test_run_report_renders_offline_with_every_figure(nasty_run):
    report = build_report(nasty_run)
    with browser_page(1366, 768) as page:
        errors, requests = open_page(page, report)
        counts = figures_with_data(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report_run_top.png"))
        page.screenshot(path=str(ARTIFACTS / "report_run_full.png"), full_page=True)
        too_wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        pwned = page.evaluate("window.__pwned")
        images = page.evaluate("document.querySelectorAll('img').length")
        shown = page.evaluate("document.body.innerText")
    assert errors == [] and requests == []
    assert len(counts) >= 10 and all(c > 0 for c in counts), counts
    assert not too_wide
    assert pwned is None and images == 0  # the scenario text was shown as text
    assert NASTY[:30] in shown


@pytest.mark.slow
def test_hover_shows_a_tooltip(nasty_run):
    report = build_report(nasty_run)
    with browser_page() as page:
        open_page(page, report)
        bars = [
            page.locator("#fig1 g.point path").nth(i).bounding_box()
            for i in range(page.locator("#fig1 g.point path").count())
        ]
        tallest = max(bars, key=lambda b: b["height"])  # plotly's drag layer takes the events: move the mouse
        page.mouse.move(tallest["x"] + tallest["width"] / 2, tallest["y"] + tallest["height"] / 2)
        page.wait_for_selector("#fig1 .hoverlayer .hovertext", timeout=5_000)
        text = page.locator("#fig1 .hoverlayer .hovertext").first.text_content()
        page.screenshot(path=str(ARTIFACTS / "report_hover.png"))
    assert "of runs" in text


def sweep_results(tmp: Path) -> Path:
    base = yaml.safe_load((ROOT / "scenarios" / "student_template.yaml").read_text(encoding="utf-8"))
    base["deal_space"]["talks_after_deadlines"] = False  # talks only at the summit: deals vary with the parameters
    (tmp / "template.yaml").write_text(yaml.safe_dump(base), encoding="utf-8")
    spec = {
        "name": "rep",
        "scenario": str(tmp / "template.yaml"),
        "design": "saltelli",
        "points": 8,
        "replications": 2,
        "chunk_runs": 32,
        "seed": 2,
        "outputs": ["deal", "payoff_US"],
        "parameters": [
            {"path": "calendar.1.add", "low": 0.2, "high": 1.5},
            {"path": "chokepoints.magnets.initial_stock_days", "low": 10, "high": 60},
        ],
    }
    f = tmp / "rep.yaml"
    f.write_text(yaml.safe_dump(spec))
    path = run_sweep(str(f), out=str(tmp / "o"), executor="serial", quiet=True).path
    sensitivity(path)
    discover(path, "deal", threshold=0.5)
    return path


@pytest.mark.slow
def test_sweep_report_shows_parameters_indices_and_boxes(tmp_path):
    path = sweep_results(tmp_path)
    report = build_report(path)
    with browser_page() as page:
        errors, requests = open_page(page, report)
        counts = figures_with_data(page)
        titles = page.evaluate("Array.from(document.querySelectorAll('.gtitle')).map(t => t.textContent)")
        page.screenshot(path=str(ARTIFACTS / "report_sweep_full.png"), full_page=True)
    assert errors == [] and requests == [] and all(c > 0 for c in counts)
    joined = " | ".join(titles)
    for title in (
        "Deals against calendar[threat tariff_100].add",
        "P(deal) over calendar[threat tariff_100].add and chokepoints.magnets.initial_stock_days",
        "Sensitivity of deal (sobol",
        "Sensitivity of payoff_US (sobol",
        "Scenario discovery",
    ):
        assert title in joined


@pytest.mark.slow
def test_compare_page(tmp_path, nasty_run):
    other = sim.run(
        "scenarios/baseline_oct2025.yaml", runs=60, seed=4, workers=1, out=tmp_path, overrides=["calendar.2.add=0"]
    ).path
    page_file = compare(nasty_run, other, tmp_path / "cmp", n_boot=200)
    with browser_page() as page:
        errors, requests = open_page(page, page_file)
        counts = figures_with_data(page)
        rows = page.evaluate("document.querySelectorAll('table tbody tr').length")
        pwned = page.evaluate("window.__pwned")
        page.screenshot(path=str(ARTIFACTS / "compare_full.png"), full_page=True)
    assert errors == [] and requests == [] and len(counts) >= 3 and all(c > 0 for c in counts)
    # P(deal), P(deal by day 60), restricted mean deal day, two payoffs, five other outcome labels' shares
    assert rows == 10 and pwned is None


@pytest.mark.slow
def test_page_size_does_not_grow_with_runs(tmp_path):
    small = sim.run("scenarios/student_template.yaml", runs=300, seed=1, workers=2, out=tmp_path / "s").path
    large = sim.run("scenarios/student_template.yaml", runs=3000, seed=1, workers=2, out=tmp_path / "l").path
    a, b = build_report(small).stat().st_size, build_report(large).stat().st_size
    assert abs(b - a) < 60_000, (a, b)  # aggregated: bins, quantiles and curves, not runs


def test_textbook_game_overlays_its_closed_form(tmp_path):
    """Both sides play the war-of-attrition equilibrium: the Kaplan–Meier curve of the first
    concession sits on exp(−(c1/V1 + c2/V2)·t) (the report draws both)."""
    from ..policies.test_attrition_theory import V
    from ..policies.test_attrition_theory import scenario as woa

    d, c = woa()
    for a in d["actors"].values():
        a["policy"]["params"]["cost_rates_bn_per_day"] = c
    p = tmp_path / "woa.yaml"
    p.write_text(yaml.safe_dump(d), encoding="utf-8")
    res = sim.run(p, runs=400, seed=1, workers=1, out=tmp_path)
    report = build_report(res.path)
    rate = c["US"] / V["US"] + c["CN"] / V["CN"]
    with browser_page() as page:
        errors, _ = open_page(page, report)
        names = page.evaluate(
            "Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => d.data.map(t => t.name))"
        )
    assert errors == []
    assert any(any(str(n).startswith("theory: exp") for n in fig) for fig in names)
    # and the simulated curve agrees with the closed form at its median
    day = res.summary["capitulation_day"].dropna()
    assert abs(day.median() - np.log(2) / rate) < 0.25 * np.log(2) / rate


def test_histogram_of_nearly_constant_values():
    from sim.analysis.aggregate import histogram

    h = histogram(pd.Series([-1.0, -1.0 + 1e-15, -1.0]))
    assert h["count"].sum() == 3


def test_histograms_over_a_common_span_share_their_bins():
    from sim.analysis.aggregate import common_span, histogram

    a, b = pd.Series([-1300.0, -100.0, -50.0, np.nan]), pd.Series([-540.0, -90.0, 0.0])
    span = common_span(a, b)
    assert span == (-1300.0, 0.0)
    ha, hb = histogram(a, bins=40, span=span), histogram(b, bins=40, span=span)
    assert np.allclose(ha["centre"], hb["centre"]) and np.allclose(ha["width"], hb["width"])
    assert ha["count"].sum() == 3 and hb["count"].sum() == 3
    assert common_span(pd.Series([np.nan])) is None


def test_the_payoff_histograms_of_the_actors_share_their_bins():
    from types import SimpleNamespace

    from sim.report.page import Page
    from sim.report.sections.payoffs import payoffs

    rng = np.random.default_rng(0)
    summary = pd.DataFrame({"payoff_US": rng.normal(-100, 200, 300), "payoff_CN": rng.normal(-30, 20, 300)})
    page = Page("t")
    figures = []
    page.figure = lambda fig, title, checks=None: figures.append((title, fig))
    payoffs(page, SimpleNamespace(summary=summary))
    (fig,) = [f for t, f in figures if t == "Payoff per actor"]
    us, cn = fig.data
    assert np.allclose(us.x, cn.x) and np.allclose(us.width, cn.width)
