from __future__ import annotations

import copy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SHIPPED = sorted(p for p in SCENARIOS.glob("*.yaml"))


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch):
    """Tests (and doctests) use paths relative to the repository root."""
    monkeypatch.chdir(ROOT)


def base_dict() -> dict:
    """A small deterministic scenario: one trade link, one chokepoint, scripted actors."""
    return copy.deepcopy({
        "meta": {"name": "unit", "start": "2025-01-01", "horizon_days": 100,
                 "discount_rate_per_year": 0.0, "series_every_days": 7},
        "actors": {
            "US": {"instruments": {"tariff": {"initial": 0.0, "min": 0.0, "max": 2.0, "step": 0.1}},
                   "policy": {"name": "scripted"}, "reaction_lag_days": 0},
            "CN": {"instruments": {
                "tariff": {"initial": 0.0, "min": 0.0, "max": 2.0, "step": 0.1},
                "controls": {"initial": 0, "min": 0, "max": 2, "step": 1},
                "approval": {"initial": 0.0, "min": 0.0, "max": 1.0, "step": 0.1, "hostile": "down"},
                "delay": {"initial": 30, "min": 0, "max": 365, "step": 15}},
                "policy": {"name": "scripted"}, "reaction_lag_days": 0},
        },
        "trade_links": {
            "cn_us": {"exporter": "CN", "importer": "US", "value_bn_per_year": 365.0,
                      "tariff": "US.tariff", "elasticity": 2.0, "pass_through": 1.0, "margin": 0.5},
        },
        "chokepoints": {
            "magnets": {"supplier": "CN", "consumer": "US", "supplier_share": 0.8,
                        "initial_stock_days": 20, "control": "CN.controls",
                        "licensed_share_by_tier": [0.0, 0.5, 1.0], "approval": "CN.approval",
                        "delay_days": "CN.delay", "value_at_risk_bn_per_day": 2.0, "gamma": 2.0},
        },
        "calendar": [],
    })
