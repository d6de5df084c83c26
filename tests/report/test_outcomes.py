"""The outcomes section and the comparison page know every outcome label, de-escalation included."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

import sim
from sim.engine.outcome import labels
from sim.report.compare import compare
from sim.report.page import Page
from sim.report.sections import Report
from sim.report.sections.outcomes import outcomes
from sim.report.stored import load_report

from ..conftest import base_dict


class BarPage(Page):
    """A page that keeps each figure's first trace (x, y) and its texts instead of HTML."""

    def __init__(self) -> None:
        super().__init__("test")
        self.bars: list[tuple[list, list]] = []
        self.texts: list[str] = []

    def figure(self, fig, title: str, checks=None) -> None:
        self.bars.append((list(fig.data[0].x), list(fig.data[0].y)))

    def text(self, text: str) -> None:
        self.texts.append(text)


def report_of(outcome: list[str]) -> Report:
    scenario = {"meta": {"start": "2025-01-01", "horizon_days": 100}, "actors": {"US": {}, "CN": {}}}
    summary = pd.DataFrame({"run": range(len(outcome)), "outcome": outcome})
    return Report(Path("."), {}, scenario, summary, pd.DataFrame(), pd.DataFrame())


def test_every_label_is_listed_in_order_with_its_share():
    page = BarPage()
    outcomes(page, report_of(["de-escalation", "deal", "de-escalation", "capitulation_CN"]))
    ((x, y),) = page.bars
    assert x == labels(["US", "CN"])
    shares = dict(zip(x, y))
    assert shares["de-escalation"] == 0.5 and shares["deal"] == 0.25 and shares["capitulation_CN"] == 0.25
    assert shares["escalation"] == shares["stalemate"] == shares["capitulation_US"] == 0.0
    assert "0.05" in page.texts[0]  # the band is stated next to the figure


def de_escalating_scenario(tmp_path: Path) -> Path:
    d = base_dict()
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = 2.0
    d["calendar"].append({"type": "set", "date": "2025-01-11", "actor": "US", "instrument": "tariff", "value": 0.0})
    p = tmp_path / "calm.yaml"
    p.write_text(yaml.safe_dump(d), encoding="utf-8")
    return p


@pytest.fixture()
def calm_results(tmp_path) -> Path:
    return sim.run(de_escalating_scenario(tmp_path), runs=2, seed=1, workers=1, out=tmp_path / "r").path


def test_stored_runs_that_de_escalate_are_shown_as_de_escalation(calm_results):
    page = BarPage()
    report = load_report(calm_results)
    outcomes(page, report)
    ((x, y),) = page.bars
    assert dict(zip(x, y))["de-escalation"] == 1.0
    assert "hostility" in report.series.columns


def test_comparison_lists_de_escalation(calm_results, tmp_path):
    html = compare(calm_results, calm_results, tmp_path / "cmp", n_boot=20).read_text(encoding="utf-8")
    assert '"de-escalation"' in html


def test_the_hostility_index_has_its_own_fan_chart():
    from sim.report.sections.fans import fan_groups

    groups = {title: cols for title, _, cols in fan_groups({"actors": {}}, ["stock_c", "hostility", "loss_US"])}
    assert groups == {"Stocks": ["stock_c"], "Hostility index": ["hostility"]}
