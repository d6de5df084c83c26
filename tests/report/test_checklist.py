"""The per-figure checklist in real Chromium: the run report passes it, and the checker catches
each kind of violation on a page made to have them."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

import sim
from sim.report.build import build_report
from sim.report.page import Page

from ..browser import ARTIFACTS
from .checklist import check_report_file

HOVER = "%{x}: %{y}<extra></extra>"


def line(x, y, **kw) -> go.Scatter:
    return go.Scatter(x=x, y=y, mode="lines", hovertemplate=HOVER, **kw)


def titled(fig: go.Figure, x: str = "x", y: str = "y") -> go.Figure:
    fig.update_xaxes(title=x)
    fig.update_yaxes(title=y)
    return fig


def bad_page(path) -> dict[str, str]:
    """A page with one figure per kind of violation; returns ``{figure title: expected message part}``."""
    page = Page("bad figures")
    number = {"xaxis": {"kind": "number"}, "yaxis": {"kind": "number"}}
    expected: dict[str, str] = {}

    def add(fig, title, checks, expect):
        page.figure(fig, title, checks=checks)
        expected[title] = expect

    add(titled(go.Figure(line([0, 1, 2], [0, 1, 2]))), "good", number, "")
    add(
        titled(go.Figure(line([0, 1, 2, 3], [0, 0.5, 1.5, 2]))),
        "fractional tiers",
        {"xaxis": {"kind": "number"}, "yaxis": {"kind": "integer", "min": 0}},
        "is integer but has ticks",
    )
    fig = titled(go.Figure(line([0, 1], [0.2, 0.8])))
    fig.update_yaxes(range=[-0.5, 1])
    add(fig, "negative share", {"xaxis": {"kind": "number"}, "yaxis": {"kind": "share"}}, "is a share but drawn over")
    fig = titled(go.Figure(line([0, 1], [0, 80])))
    add(fig, "beyond its bounds", {"xaxis": {"kind": "number"}, "yaxis": {"kind": "number", "max": 10}}, "outside")
    add(go.Figure(line([0, 1], [0, 1])), "untitled axes", number, "xaxis has no title")
    add(titled(go.Figure(line([0, 1], [0, 1]))), "no contract", None, "no checks")
    add(
        titled(go.Figure(line([0, 1], [0, 1]))),
        "numbers as dates",
        {"xaxis": {"kind": "date"}, "yaxis": {"kind": "number"}},
        "is date but of type linear",
    )
    labels = [f"a rather long category label {i}" for i in range(30)]
    fig = titled(go.Figure(go.Bar(x=labels, y=[1] * 30, hovertemplate=HOVER)))
    fig.update_xaxes(tickangle=0)
    add(fig, "crowded labels", {"xaxis": {"kind": "category"}, "yaxis": {"kind": "number"}}, "tick labels overlap")
    fig = titled(go.Figure(go.Bar(y=["a category label far too long to fit in the margin", "b"], x=[1, 2])))
    fig.update_traces(orientation="h", hovertemplate=HOVER)
    fig.update_yaxes(automargin=False)
    add(fig, "cut off", {"xaxis": {"kind": "number"}, "yaxis": {"kind": "category"}}, "is cut off")
    fig = titled(go.Figure([line([0, 1], [0, 1]), line([0, 1], [5, 3], yaxis="y2")]))
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", title="other"))
    add(fig, "dual axis", {**number, "yaxis2": {"kind": "number"}}, "overlays y (a dual axis)")
    add(titled(go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))), "no hover text", number, "has no hovertemplate")
    fig = titled(go.Figure(line([0, 1, 2], [0, 0, 0], text=["label one", "label two", "x"])))
    fig.update_traces(mode="markers+text", textposition="middle center", x=[0, 0.001, 2])
    add(fig, "crowded text", number, "text labels overlap")
    fig = titled(go.Figure(line([0, 1], [0, 1])))
    add(fig, "", number, "no title")
    path.write_text(page.html(), encoding="utf-8")
    return expected


def test_the_checker_catches_each_kind_of_violation(tmp_path):
    expected = bad_page(tmp_path / "bad.html")
    found = check_report_file(tmp_path / "bad.html")
    names = [f"'{t}'" if t else f"figure {i} (fig{i})" for i, t in enumerate(expected, 1)]
    for (title, part), name in zip(expected.items(), names):
        mine = [v for v in found if v.startswith(name + ": ")]
        if part:
            assert any(part in v for v in mine), (title, part, mine)
        else:
            assert mine == [], mine  # the good figure passes
    # every figure but the good one is caught
    assert {v.split(": ")[0] for v in found} == {n for n, t in zip(names, expected) if t != "good"}


@pytest.fixture(scope="module")
def run_report(tmp_path_factory):
    folder = sim.run(
        "scenarios/baseline_oct2025.yaml", runs=50, seed=5, workers=1, out=tmp_path_factory.mktemp("chk")
    ).path
    return build_report(folder)


def test_the_run_report_passes_the_checklist(run_report):
    from ..browser import browser_page
    from .checklist import check_page

    with browser_page(1280, 900) as page:
        page.goto(run_report.as_uri())
        violations = check_page(page)
        n = page.evaluate("document.querySelectorAll('.plotly-graph-div').length")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report_checklist_full.png"), full_page=True)
    assert n >= 12
    assert violations == []


def test_the_run_report_passes_at_a_narrow_width(run_report):
    """At the width of a laptop split screen the labels still fit and do not overlap."""
    assert check_report_file(run_report, width=900, height=800) == []
