"""The bargaining-protocol registry: entries, their contract, and the scenario check."""

from __future__ import annotations

import numpy as np
import pytest

from sim.bargaining import REGISTRY, Settings, alternating_offers, first_proposer_share, nash_bargain, round_discount
from sim.bargaining.nash import nash_weight
from sim.engine.compile import protocol_checks, scenario_from_dict
from sim.errors import ScenarioError

from ..conftest import base_dict

PIE = np.linspace(0.0, 1.0, 1001)
SETTINGS = Settings(parties=("US", "CN"), rho=(0.3, 0.1))


def test_shipped_protocols_are_registered():
    assert {"nash", "alternating_offers"} <= set(REGISTRY.names())


@pytest.mark.parametrize("name", REGISTRY.names())
def test_every_protocol_picks_a_package_both_sides_gain_from_or_none(name):
    g1, g2 = PIE - 0.2, 0.9 - PIE
    idx = REGISTRY[name](g1, g2, SETTINGS)
    assert idx is not None and g1[idx] > 0 and g2[idx] > 0
    assert REGISTRY[name](-PIE - 0.1, PIE - 2.0, SETTINGS) is None


def test_nash_entry_weights():
    assert nash_weight(SETTINGS) == 0.5
    # patience: BRW weights from the discount rates and the breakdown hazard (losses are in the gains)
    s = Settings(("US", "CN"), rho=(0.3, 0.1), weights="patience")
    assert nash_weight(s) == pytest.approx(0.1 / 0.4)
    s = Settings(("US", "CN"), rho=(0.3, 0.1), weights="patience", breakdown=0.5, round_days=2.0)
    lam = np.log(2.0) / 2.0  # λ_b = −ln(1 − p)/Δ
    assert nash_weight(s) == pytest.approx((0.1 + lam) / (0.4 + 2 * lam), rel=1e-12)
    assert nash_weight(Settings(("US", "CN"), weights={"US": 3.0})) == pytest.approx(0.75)  # CN defaults to 1
    g1, g2 = PIE, 1.0 - PIE
    idx = REGISTRY["nash"](g1, g2, Settings(("US", "CN"), weights={"US": 3.0, "CN": 1.0}))
    assert idx == nash_bargain(g1, g2, 0.75) and PIE[idx] == pytest.approx(0.75)


def test_alternating_entry_discounts_by_rate_and_hazard():
    """δ_i = exp(−(ρ_i + λ_b)Δ); the loss rates do not enter (they are in the gains)."""
    g1, g2 = PIE, 1.0 - PIE
    s = Settings(("US", "CN"), rho=(0.02, 0.01), round_days=2.0, first_proposer="CN")
    d1, d2 = round_discount(0.02, 2.0), round_discount(0.01, 2.0)
    expected = alternating_offers(g1, g2, d1, d2, first=2).index
    assert REGISTRY["alternating_offers"](g1, g2, s) == expected
    p = 0.1
    s = Settings(("US", "CN"), rho=(0.02, 0.01), round_days=2.0, breakdown=p, transferable=True)
    d1, d2 = round_discount(0.02, 2.0) * (1 - p), round_discount(0.01, 2.0) * (1 - p)
    assert PIE[REGISTRY["alternating_offers"](g1, g2, s)] == pytest.approx(first_proposer_share(d1, d2), abs=1e-3)


def _summit(protocol):
    d = base_dict()
    d["calendar"].append({"type": "summit", "date": "2025-01-11", "parties": ["US", "CN"], "protocol": protocol})
    d["deal_space"] = {"items": [{"actor": "US", "instrument": "tariff", "values": [0.0, 0.1]}]}
    return d


def test_protocol_check_accepts_registered_names():
    for name in REGISTRY.names():
        assert list(protocol_checks(scenario_from_dict(_summit(name)))) == []


def test_protocol_check_rejects_unknown_name_with_did_you_mean_and_line():
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(_summit("alternating_offer"))
    text = str(err.value)
    assert "calendar.0.protocol" in text and "unknown bargaining protocol 'alternating_offer'" in text
    assert "did you mean 'alternating_offers'" in text and f"known: {', '.join(REGISTRY.names())}" in text
