"""The meta-game page in Chromium: policy labels shown in full (never cut off by the plot), and
every figure declares its axes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.analysis.games import MetaGame, PolicyChoice, analyse
from sim.report.games import game_page

from ..browser import browser_page

ROWS = [PolicyChoice("resolve"), PolicyChoice("best_response", {"rationality": 5, "horizon_days": 90})]
COLS = [
    PolicyChoice("resolve"),
    PolicyChoice("bayesian", {"softness_bn": 20, "rationality": 2.5}),
    PolicyChoice("tit_for_tat"),
]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    rng = np.random.default_rng(1)
    pr, pc, oc = {}, {}, {}
    for i in range(len(ROWS)):
        for j in range(len(COLS)):
            pr[(i, j)] = rng.normal(i - j, 1.0, 20)
            pc[(i, j)] = rng.normal(j - i, 1.0, 20)
            oc[(i, j)] = np.array(["deal"] * 20)
    game = MetaGame("scenarios/x.yaml", "US", "CN", ROWS, COLS, 20, 1, pr, pc, oc)
    path = tmp_path_factory.mktemp("game") / "report.html"
    path.write_text(game_page(game, analyse(game, bootstrap=5)).html(), encoding="utf-8")
    return path


TICKS = """() => [...document.querySelectorAll('.plotly-graph-div')].map(gd => {
    const box = gd.getBoundingClientRect();
    const side = (sel) => [...gd.querySelectorAll(sel)].map(t => {
        const r = t.getBoundingClientRect();
        return {text: t.textContent, left: r.left - box.left, right: r.right - box.left,
                bottom: r.bottom - box.top};
    });
    return {title: gd.layout.title.text, checks: (gd.layout.meta || {}).checks || null,
            width: box.width, height: box.height, x: side('.xtick text'), y: side('.ytick text')};
})"""


def test_heatmap_labels_are_whole_and_inside_the_figure(page_file):
    with browser_page(1000, 800) as page:
        page.goto(page_file.as_uri())
        page.wait_for_function("document.querySelectorAll('.plotly-graph-div .main-svg').length > 0")
        figs = page.evaluate(TICKS)
    heatmaps = [f for f in figs if f["title"].startswith("Payoff of")]
    assert len(heatmaps) == 2
    for f in figs:
        assert f["checks"], f["title"]
    for f in heatmaps:
        assert f["checks"] == {"xaxis": {"kind": "category"}, "yaxis": {"kind": "category"}}
        assert [t["text"] for t in f["y"]] == [p.label for p in ROWS]  # the full labels
        assert [t["text"] for t in f["x"]] == [p.label for p in COLS]
        for t in f["x"] + f["y"]:
            assert t["left"] >= -1 and t["right"] <= f["width"] + 1 and t["bottom"] <= f["height"] + 1, t
        xs = sorted(f["x"], key=lambda t: t["left"])
        assert all(a["right"] <= b["left"] + 1 for a, b in itertools.pairwise(xs))  # column labels do not overlap


@pytest.mark.parametrize("width", [1280, 900])
def test_game_page_passes_the_figure_checklist(page_file, width):
    from .checklist import check_report_file

    assert check_report_file(page_file, width=width) == []
