"""The bargaining-protocol registry: entries, their contract, and the scenario check."""

from __future__ import annotations

import numpy as np
import pytest

from sim.bargaining import REGISTRY, Settings, first_proposer_share, round_discount
from sim.bargaining.base import Problem
from sim.bargaining.frontier import Part
from sim.bargaining.nash import nash_weight
from sim.engine.compile import protocol_checks, scenario_from_dict
from sim.errors import ScenarioError

from ..conftest import base_dict

PIE = np.linspace(0.0, 1.0, 1001)
SETTINGS = Settings(parties=("US", "CN"), rho=(0.3, 0.1))


def _pie(f1, f2, rng=None):
    return Problem((Part("pie", np.asarray(f1, dtype=float), np.asarray(f2, dtype=float)),), 0.0, 0.0, rng=rng)


def test_shipped_protocols_are_registered():
    assert {"nash", "alternating_offers", "screening"} <= set(REGISTRY.names())


@pytest.mark.parametrize("name", REGISTRY.names())
def test_every_protocol_picks_a_point_both_sides_gain_from_or_none(name):
    rng = np.random.default_rng(0)
    for _ in range(20):
        pt = REGISTRY[name](_pie(PIE - 0.2, 0.9 - PIE, rng), SETTINGS).point
        # screening: the proposer may leave the responder exactly its disagreement value
        assert pt is not None and pt.u1 >= 0 and pt.u2 >= 0 and pt.u1 + pt.u2 > 0
        assert REGISTRY[name](_pie(-PIE - 0.1, PIE - 2.0, rng), SETTINGS).point is None


def test_nash_entry_weights():
    assert nash_weight(SETTINGS) == 0.5
    # patience: BRW weights from the discount rates and the breakdown hazard (losses are in the gains)
    s = Settings(("US", "CN"), rho=(0.3, 0.1), weights="patience")
    assert nash_weight(s) == pytest.approx(0.1 / 0.4)
    s = Settings(("US", "CN"), rho=(0.3, 0.1), weights="patience", breakdown=0.5, round_days=2.0)
    lam = np.log(2.0) / 2.0  # λ_b = −ln(1 − p)/Δ
    assert nash_weight(s) == pytest.approx((0.1 + lam) / (0.4 + 2 * lam), rel=1e-12)
    assert nash_weight(Settings(("US", "CN"), weights={"US": 3.0})) == pytest.approx(0.75)  # CN defaults to 1
    pt = REGISTRY["nash"](_pie([0.0, 1.0], [1.0, 0.0]), Settings(("US", "CN"), weights={"US": 3.0, "CN": 1.0}))
    assert pt.point.u1 == pytest.approx(0.75, abs=1e-12)


def test_alternating_entry_discounts_by_rate_and_hazard():
    """δ_i = exp(−(ρ_i + λ_b)Δ); the loss rates do not enter (they are in the gains)."""
    unit = _pie([0.0, 1.0], [1.0, 0.0])
    s = Settings(("US", "CN"), rho=(0.02, 0.01), round_days=2.0, first_proposer="CN")
    d1, d2 = round_discount(0.02, 2.0), round_discount(0.01, 2.0)
    assert REGISTRY["alternating_offers"](unit, s).point.u1 == pytest.approx(
        1 - first_proposer_share(d2, d1), abs=1e-10
    )
    p = 0.1
    s = Settings(("US", "CN"), rho=(0.02, 0.01), round_days=2.0, breakdown=p, transferable=True)
    d1, d2 = round_discount(0.02, 2.0) * (1 - p), round_discount(0.01, 2.0) * (1 - p)
    assert REGISTRY["alternating_offers"](unit, s).point.u1 == pytest.approx(first_proposer_share(d1, d2), abs=1e-10)
    # a last round (Ståhl): the closed form of the finite game
    s = Settings(("US", "CN"), rho=(0.02, 0.01), round_days=2.0, rounds=5)
    d1, d2 = round_discount(0.02, 2.0), round_discount(0.01, 2.0)
    assert REGISTRY["alternating_offers"](unit, s).point.u1 == pytest.approx(first_proposer_share(d1, d2, 5), abs=1e-10)


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
