"""The browser test setup works: an offline plotly page of real results renders in Chromium."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

import sim

from ..browser import ARTIFACTS, browser_page


@pytest.mark.slow
def test_offline_plotly_page_renders_in_headless_chromium(tmp_path):
    res = sim.run("scenarios/student_template.yaml", runs=30, seed=2, workers=1, out=None)
    shares = res.summary["outcome"].value_counts(normalize=True).sort_index()
    fig = go.Figure(go.Bar(x=list(shares.index), y=list(shares.values), name="share of runs"))
    fig.update_layout(title="Outcome shares", yaxis_title="share of runs")
    page_file = tmp_path / "outcomes.html"
    fig.write_html(page_file, include_plotlyjs=True, full_html=True)

    with browser_page() as page:
        errors, requests = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None
        )
        page.goto(page_file.as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
        n_bars = page.evaluate("document.querySelector('.js-plotly-plot').data[0].x.length")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "browser_setup.png"))
    assert errors == [] and requests == []
    assert n_bars == len(shares)
