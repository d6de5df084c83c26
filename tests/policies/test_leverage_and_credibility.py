"""Best responses value options with the leverage term (MODEL §4, "Variable threats") and judge threats by their
credibility (MODEL §5, "Threats, credibility, durability"): a bigger credible threat moves the target further, a
threat its owner would never carry out moves a well-informed target not at all, a higher audience cost makes a
threat more credible. Every expectation is the decision rule's formula, with the projected losses read from the
view's projection and the credibility computed here from the uniform belief."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.bargaining.threats import threat_point_value
from sim.engine.compile import scenario_from_dict
from sim.engine.core import Engine, run_replication, sample_params

from ..engine.test_engine import add_threat
from .test_strategic_moves import two_tariffs

H = 90.0  # the policies' default horizon
DEADLINE = 30.0  # the threat's deadline, days from the start


def engine(d: dict, until: float = 10.0) -> Engine:
    sc = scenario_from_dict(d)
    s_params, *seeds = np.random.SeedSequence(1).spawn(4)
    eng = Engine(sc, sample_params(sc, np.random.default_rng(s_params)), seeds)
    if until > 0:
        eng.env.run(until=until)
    eng.prepare()
    return eng


def policy(**params) -> dict:
    return {"name": "best_response", "params": {"rationality": 1e6, "instruments": [], "talks": False, **params}}


# ------------------------------------------------------------------ the leverage term in decisions
def leverage_world(rate: float, w_us: float) -> Engine:
    """The US may raise its tariff (from 0: raising it costs the US a deadweight loss and China its exports);
    background talks at ``rate`` a year over a deal space that never agrees, US weight ``w_us``."""
    d = two_tariffs(policy(instruments=["tariff"]), policy())
    d["deal_space"] = {
        "talks_per_year": rate,
        "transfers": [{"payer": "US", "payee": "CN", "values_bn": [0.0]}],
        "weights": {"US": w_us, "CN": 1.0 - w_us},
    }
    return engine(d, until=0.0)


def stakes(eng: Engine) -> tuple[float, float]:
    """(ΔL_US, ΔL_CN) of one step up of the US tariff over the horizon (the projection with the tariff fixed)."""
    view = eng.actors["US"].view
    up = view.step("tariff", +1)
    d_us = view.outlook(H, {"US.tariff": up}, [], "US") - view.outlook(H, None, [], "US")
    d_cn = view.outlook(H, {"US.tariff": up}, [], "CN") - view.outlook(H, None, [], "CN")
    return float(d_us), float(d_cn)


@pytest.mark.parametrize("side", [-1, +1])
def test_a_costly_weapon_pays_iff_the_leverage_term_says_so(side):
    """The step up pays iff ``−(1 − p·w)·ΔL_US + p·w·ΔL_CN > 0``, i.e. ``p·w > ΔL_US / (ΔL_US + ΔL_CN)``.
    Rates are set so that p·w is 5% above (+1) or below (−1) that threshold (p = 1 − exp(−r·H/365), w = 0.9)."""
    d_us, d_cn = stakes(leverage_world(0.0, 0.9))
    assert d_us > 0 and d_cn > 0
    critical = d_us / (d_us + d_cn)
    p = critical * (1 + 0.05 * side) / 0.9
    assert 0 < p < 1
    rate = -math.log(1 - p) * 365 / H
    eng = leverage_world(rate, 0.9)
    view = eng.actors["US"].view
    assert view.talks_probability(H) == pytest.approx(p, rel=1e-12)
    assert threat_point_value(d_us, d_cn, 0.9, p) * side > 0
    moves = eng.actors["US"].policy.decide(view)
    assert (len(moves) == 1 and moves[0].value > 0) == (side > 0)


def test_without_talks_the_costly_weapon_is_never_used():
    """p = 0: only the own loss counts; the step up costs the US, so it holds."""
    eng = leverage_world(0.0, 0.9)
    assert eng.actors["US"].view.talks_probability(H) == 0.0
    assert eng.actors["US"].policy.decide(eng.actors["US"].view) == []


# ------------------------------------------------------------------ credible threats
def threat_world(size: float, audience: object, concession_cost: float = 0.0) -> dict:
    """China's 50% tariff hurts the US; the US threatens a ``size`` tariff (deadline day 30) unless China drops
    it. The US's audience-cost type: ``audience`` (a number: known; {dist: uniform}: private)."""
    d = two_tariffs(policy(), policy())
    d["actors"]["CN"]["instruments"]["tariff"]["initial"] = 0.5
    d["actors"]["US"]["audience"] = {"cost_bn": audience}
    add_threat(  # backing down costs the US its audience type (no cost of the threat's own)
        d,
        add=None,
        value=size,
        condition={"actor": "CN", "instrument": "tariff", "at_most": 0.0},
        audience_cost_bn=None,
        concession_cost_bn=concession_cost,
    )
    return d


def ingredients(eng: Engine) -> dict[str, float]:
    """China's losses carried out / not / conceded over its horizon, pending threats left out (the branches of
    the decision rule), and the US's stake a* as the public reckons it (the view's ``threat_stakes``: the US's
    extra loss over its horizon if the threat is carried out now, the threshold it decides by)."""
    view = eng.actors["CN"].view
    carried = [(DEADLINE, "US.tariff", eng.threats.target_value(eng.threats.threats[0])[1])]

    def loss(extra, who, over=None):
        return float(view.outlook(H, over, extra, who, include_threats=False))

    return {
        "carried": loss(carried, "CN"),
        "not": loss([], "CN"),
        "conceded": loss([], "CN", {"CN.tariff": 0.0}),
        "stake": view.threat_stakes(eng.threats.threats[0]),
    }


def uniform_q(lo: float, hi: float, stake: float) -> float:
    """P(a ≥ a*) for a ~ U[lo, hi] (a point mass if lo == hi)."""
    if hi <= lo:
        return 1.0 if lo >= stake else 0.0
    return min(1.0, max(0.0, (hi - stake) / (hi - lo)))


def threshold(x: dict[str, float], q: float) -> float:
    """The largest concession cost at which China concedes: ``q·carried + (1 − q)·not − conceded``."""
    return q * x["carried"] + (1 - q) * x["not"] - x["conceded"]


def decisions(eng: Engine, costs: list[float]) -> list[bool]:
    threat = eng.threats.threats[0]
    pol, view = eng.actors["CN"].policy, eng.actors["CN"].view
    return [pol.concede_to_threat(view, threat.model_copy(update={"concession_cost_bn": c})) for c in costs]


def around(c: float) -> list[float]:
    eps = 1e-6 * abs(c) + 1e-9
    return [c - eps, c + eps]


def test_a_bigger_credible_threat_moves_the_target_further():
    """Known audience cost far above the stake (q = 1): China concedes at any cost below
    ``carried − conceded``, and a 200% threat raises that threshold above a 100% one's."""
    cuts = []
    for size in (1.0, 2.0):
        eng = engine(threat_world(size, 1e4))
        x = ingredients(eng)
        assert 0 < x["stake"] < 1e4
        c = threshold(x, 1.0)
        assert decisions(eng, around(c)) == [True, False]
        cuts.append(c)
    assert cuts[1] > cuts[0] > 0


@pytest.mark.parametrize("size", [1.0, 2.0])
def test_a_threat_its_owner_would_never_carry_out_moves_a_well_informed_target_not_at_all(size):
    """Audience cost known to be 0 (a point belief), below the stake: q = 0, so China concedes exactly when it
    would with no threat (``conceded + cost < not carried``), whatever the threat's size; the same threat with a
    known high audience cost moves it (the control). The US, at the deadline, backs down."""
    eng = engine(threat_world(size, 0.0))
    x = ingredients(eng)
    assert x["stake"] > 0
    c = threshold(x, 0.0)
    assert c == pytest.approx(x["not"] - x["conceded"], rel=1e-12)
    assert decisions(eng, around(c)) == [True, False]
    assert decisions(engine(threat_world(size, 1e4)), around(c)) == [True, True]
    never = run_replication(scenario_from_dict(threat_world(size, 0.0, concession_cost=1e3)), 1, 0)
    kept = run_replication(scenario_from_dict(threat_world(size, 1e4, concession_cost=1e3)), 1, 0)
    assert [e.kind for e in never.events if e.kind in ("threat_withdrawn", "threat_carried_out")] == [
        "threat_withdrawn"
    ]
    assert [e.kind for e in kept.events if e.kind in ("threat_withdrawn", "threat_carried_out")] == [
        "threat_carried_out"
    ]


def test_a_higher_audience_cost_makes_a_threat_more_credible():
    """Beliefs U[0.5·a*, 1.5·a*] moved up by 0, a*/4, a*/2: q = 1/2, 3/4, 1 by the uniform law (the view's
    credibility agrees), so China's concession threshold rises with them."""
    stake = ingredients(engine(threat_world(2.0, 1e4)))["stake"]
    cuts = []
    for shift in (0.0, 0.25, 0.5):
        lo, hi = (0.5 + shift) * stake, (1.5 + shift) * stake
        eng = engine(threat_world(2.0, {"dist": "uniform", "low": lo, "high": hi}))
        x = ingredients(eng)
        q = uniform_q(lo, hi, x["stake"])
        assert q == pytest.approx(0.5 + shift, abs=1e-9)
        assert eng.actors["CN"].view.credibility(eng.threats.threats[0], x["stake"]) == pytest.approx(q, rel=1e-12)
        c = threshold(x, q)
        assert decisions(eng, around(c)) == [True, False]
        cuts.append(c)
    assert cuts[0] < cuts[1] < cuts[2]
