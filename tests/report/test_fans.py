"""Fan charts: groups come from the scenario's own references, so no instrument is left out."""

from __future__ import annotations

import json

import pytest

import sim
from sim.report.page import Page
from sim.report.sections.fans import fan_groups, fans, instrument_roles
from sim.report.stored import load_report

from ..conftest import ROOT
from ..conftest import SHIPPED as SCENARIOS  # not the calibration records next to them


class RecordingPage(Page):
    """A page that keeps its figures' titles, trace names and panel titles, and their checks, instead of HTML."""

    def __init__(self) -> None:
        super().__init__("test")
        self.figures: list[tuple[str, list[str]]] = []
        self.checks: list[dict | None] = []

    def figure(self, fig, title: str, checks=None) -> None:
        panels = [a.text for a in fig.layout.annotations if a.text]
        self.figures.append((title, [t.name for t in fig.data if t.name] + panels))
        self.checks.append(checks)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_instrument_series_is_in_exactly_one_fan_chart(tmp_path, path):
    res = sim.run(path, runs=2, seed=1, workers=1, out=tmp_path)
    report = load_report(res.path)
    page = RecordingPage()
    fans(page, report)
    plotted = [name for _, names in page.figures for name in names]
    instruments = [f"{a}.{n}" for a, spec in report.scenario["actors"].items() for n in spec["instruments"]]
    assert instruments and set(instruments) <= set(report.series.columns)
    assert sorted(c for c in plotted if c in instruments) == sorted(instruments)  # a panel each, exactly once
    chokepoints = list(report.scenario["chokepoints"])
    assert {f"stock_{k}" for k in chokepoints} <= set(plotted)
    # P(in shortage): a line per chokepoint, read from today's shortfall share column
    shortage = next(names for title, names in page.figures if title.startswith("P(in shortage)"))
    assert set(chokepoints) == set(shortage)
    assert all(checks for checks in page.checks)  # every figure has its contract


def test_roles_come_from_references_not_names():
    """An instrument called 'tariff_x' that is a chokepoint's control is a control tier; names do not matter."""
    scenario = {
        "actors": {"A": {"instruments": {"tariff_x": {}, "fee": {}, "buy": {}, "wait": {}, "ok": {}, "spare": {}}}},
        "chokepoints": {"c": {"control": "A.tariff_x", "approval": "A.ok", "delay_days": "A.wait"}},
        "trade_links": {
            "l": {"tariff": "A.spare", "quota": "A.buy", "tariff_equivalents": [{"instrument": "A.fee", "rate": 0.01}]}
        },
    }
    assert instrument_roles(scenario) == {
        "A.tariff_x": "control",
        "A.fee": "tariff",
        "A.buy": "quota",
        "A.wait": "delay",
        "A.ok": "approval",
        "A.spare": "tariff",
    }
    scenario["actors"]["A"]["instruments"]["loose"] = {}
    groups = {title: cols for title, _, cols in fan_groups(scenario, ["A.loose", "A.tariff_x", "stock_c"])}
    assert groups == {"Control tiers": ["A.tariff_x"], "Other instruments": ["A.loose"], "Stocks": ["stock_c"]}


def test_baseline_groups_name_port_fees_soy_and_delays():
    from sim.engine.compile import load_scenario

    scenario = json.loads(load_scenario(ROOT / "scenarios" / "baseline_oct2025.yaml").model_dump_json())
    roles = instrument_roles(scenario)
    assert roles["US.port_fees"] == roles["CN.port_fees"] == "tariff"
    assert roles["CN.soy_purchases"] == "quota"
    assert roles["CN.licence_delay_days"] == roles["US.chip_licence_delay_days"] == "delay"


def test_a_quota_panel_is_a_share_axis():
    from sim.report.sections.fans import bounds

    scenario = {"actors": {"CN": {"instruments": {"soy_purchases": {"min": 0.0, "max": 1.0}}}}}
    assert bounds(scenario, "CN.soy_purchases", "quota") == {"kind": "share", "min": 0, "max": 1}
    assert bounds(scenario, "CN.soy_purchases", None) == {"kind": "number", "min": 0.0, "max": 1.0}
