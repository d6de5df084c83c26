"""Policy-issued threats, policy-called talks and defection from a deal, in the engine."""

from __future__ import annotations

import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.model.trade import LinkTerms, link_welfare

from ..conftest import base_dict


def events(res, kind):
    return [e for e in res.events if e.kind == kind]


def two_tariffs(us_policy: dict, cn_policy: dict, omega: float = 0.0) -> dict:
    """Two tariff links, ε = 2, export supply ω = 1/η on both (pass-through φ = 1/(1+2ω))."""
    d = base_dict()
    d["chokepoints"] = {}
    d["meta"]["horizon_days"] = 120
    d["actors"]["US"]["policy"] = us_policy
    d["actors"]["CN"]["policy"] = cn_policy
    d["actors"]["US"]["review_days"] = 10
    d["actors"]["CN"]["review_days"] = 10
    d["trade_links"]["cn_us"]["supply_omega"] = omega
    d["trade_links"]["us_cn"] = {
        "exporter": "US",
        "importer": "CN",
        "value_bn_per_year": 146,
        "tariff": "CN.tariff",
        "elasticity": 2.0,
        "supply_omega": omega,
        "margin": 0.5,
    }
    return d


def test_best_response_issues_a_threat_the_target_gives_in_to():
    threat = {
        "instrument": "tariff",
        "value": 2.0,
        "deadline_days": 15,
        "condition": {"actor": "CN", "instrument": "tariff", "at_most": 0.0},
        "audience_cost_bn": 5,
    }
    us = {
        "name": "best_response",
        "params": {"rationality": 1e6, "instruments": [], "talks": False, "threats": [threat]},
    }
    cn = {"name": "best_response", "params": {"rationality": 1e6, "instruments": [], "talks": False}}
    d = two_tariffs(us, cn)
    d["actors"]["CN"]["instruments"]["tariff"]["initial"] = 0.5  # China's tariff hurts the US
    res = run_replication(scenario_from_dict(d), 1, 0)
    assert res.summary["threats_issued_US"] >= 1
    (issued, *_) = events(res, "threat_issued")
    assert issued.t == 10.0  # at its first review
    assert events(res, "threat_conceded")  # a 200% tariff costs China more than dropping its 50%
    assert res.summary["outcome"] == "capitulation_CN"


def test_best_response_calls_talks_when_a_deal_pays_both():
    pol = {"name": "best_response", "params": {"rationality": 1e6, "instruments": [], "talks": True}}
    d = two_tariffs(pol, pol)
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = 0.5
    d["actors"]["CN"]["instruments"]["tariff"]["initial"] = 0.5
    d["deal_space"] = {
        "duration_days": 365,
        "items": [
            {"actor": "US", "instrument": "tariff", "values": [0.0, 0.5]},
            {"actor": "CN", "instrument": "tariff", "values": [0.0, 0.5]},
        ],
    }
    res = run_replication(scenario_from_dict(d), 1, 0)
    assert events(res, "talks") and res.summary["outcome"] == "deal" and res.summary["deal_day"] == 10.0
    assert res.summary["deal_US.tariff"] == 0.0 and res.summary["deal_CN.tariff"] == 0.0


@pytest.mark.parametrize("cost,defects", [(0.0, True), (1e4, False)])
def test_defection_when_it_pays_and_not_when_it_costs_too_much(cost, defects):
    # With export supply ω = 2 (pass-through 1/(1+2ω) = 0.2, Johnson's optimal tariff ω = 2) the US
    # tariff is a terms-of-trade gain for the US: China pays the US to drop it; once paid, raising it
    # again pays the US unless defection costs too much.
    us = {"name": "best_response", "params": {"rationality": 1e6, "talks": False, "defect": True}}
    cn = {"name": "scripted"}
    d = two_tariffs(us, cn, omega=2.0)
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = 0.5
    d["calendar"].append({"type": "summit", "date": "2025-01-04", "parties": ["US", "CN"]})
    d["deal_space"] = {
        "duration_days": 365,
        "defection_cost_bn": cost,
        "items": [{"actor": "US", "instrument": "tariff", "values": [0.0]}],
        "transfers": [{"payer": "CN", "payee": "US", "values_bn": [0, 25, 50, 75, 100, 125, 150]}],
    }
    res = run_replication(scenario_from_dict(d), 1, 0)
    assert res.summary["outcome"] == "deal" and res.summary["deal_transfer.CN.US"] > 0
    # the US gives up a year of its terms-of-trade gain at 50% (no discounting): China pays more
    gain = link_welfare(LinkTerms(v0=1.0, elasticity=2.0, omega=2.0), 0.5)
    assert gain.consumer + gain.revenue > 0
    assert res.summary["deal_transfer.CN.US"] > (gain.consumer + gain.revenue) * 365
    assert bool(events(res, "defect")) is defects
    if defects:
        (ev,) = events(res, "defect")
        assert ev.t == 10.0 and res.summary["peak_US.tariff"] >= 0.1
