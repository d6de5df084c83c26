"""Pain is measured against the no-dispute path: what a side suffers anyway does not make it concede.

The ``resolve`` policy concedes once ``view.losses_bn`` (its weighted loss so far minus the loss of
the no-dispute path, instruments at the reference state, over the same days) reaches its resolve.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import Engine, run_replication

from ..conftest import base_dict, reference_state, two_tariff_links

S, LICENSED, I0, VAR, GAMMA = 0.8, 0.5, 20.0, 2.0, 2.0  # base_dict's magnets, tier 1


def events(res, kind):
    return [e for e in res.events if e.kind == kind]


def test_a_side_at_the_reference_state_has_no_losses_and_never_concedes():
    """China's controls are at tier 1 with approval 0 from the start, and that is the reference state:
    the US stock runs out on day I0/(s·L) = 50 on the no-dispute path too. The US's absolute pain,
    ``VaR·(s·L)^γ·(100 − 50)`` = $16bn, passes its resolve of $1bn, but against the no-dispute path it
    has lost nothing: losses_bn = 0 and it never concedes. China's security gain is on both paths."""
    d = base_dict()
    d["actors"]["CN"]["instruments"]["controls"]["initial"] = 1
    d["actors"]["CN"]["motives"] = {"security": [{"chokepoint": "magnets", "weight": 1.0, "exponent": 0.5}]}
    for a in ("US", "CN"):
        d["actors"][a]["policy"] = {"name": "resolve"}
        d["actors"][a]["resolve_bn"] = 1.0
        d["actors"][a]["review_days"] = 7
    sc = scenario_from_dict(d)
    assert not events(run_replication(sc, 1, 0), "concede")
    eng = Engine(sc, {}, list(np.random.SeedSequence(1).spawn(3)), record_series=False)
    eng.env.run(until=100.0)
    eng.prepare()
    gap = S * LICENSED
    pain = eng.world.pain
    assert pain["US"] == pytest.approx(VAR * gap**GAMMA * (100.0 - I0 / gap), rel=1e-12)
    assert pain["CN"] == pytest.approx(-VAR * gap**0.5 * 100.0, rel=1e-12)  # a gain: security
    for a in ("US", "CN"):
        view = eng.actors[a].view
        assert abs(view.losses_bn) <= 1e-12 * abs(pain[a])
        assert abs(view.pain_rate) <= 1e-12 * abs(eng.world.loss_rate(a))
        assert not eng.actors[a].policy.concede(view)


def test_a_side_winning_a_dispute_does_not_concede():
    """From free trade with China's controls at tier 1 (the reference state: the US stock runs out on
    day 50 on the no-dispute path too) the US raises its tariff to 0.5 on day 2 on a link where China's
    export supply is steep (ω = 1: Johnson's optimal tariff is 1). The US gains on its terms of trade,
    so its losses against the no-dispute path are negative and, however small its resolve, it does
    not concede, although its absolute pain (the shortage outgrows the gain) passes that resolve.
    China loses its producer surplus and short-run value added: with a resolve it concedes."""
    d = base_dict()
    d["meta"]["horizon_days"] = 200
    d["trade_links"] = two_tariff_links()
    d["trade_links"]["cn_us"]["supply_omega"] = 1.0
    d["actors"]["CN"]["instruments"]["controls"]["initial"] = 1
    d["actors"]["US"].update(policy={"name": "resolve"}, resolve_bn=1e-6, review_days=7)
    d["calendar"].append({"type": "set", "date": "2025-01-03", "actor": "US", "instrument": "tariff", "value": 0.5})
    d["calibration"] = reference_state({"US.tariff": 0.0, "CN.tariff": 0.0, "CN.controls": 1})
    sc = scenario_from_dict(d)
    assert not events(run_replication(sc, 1, 0), "concede")
    eng = Engine(sc, {}, list(np.random.SeedSequence(1).spawn(3)), record_series=False)
    eng.env.run(until=200.0)
    eng.prepare()
    us = eng.actors["US"].view
    assert eng.world.pain["US"] > 1.0  # absolute pain: the shortage from day 50 outweighs the gain
    assert us.losses_bn < 0.0 and us.pain_rate < 0.0
    assert not eng.actors["US"].policy.concede(us)
    d["actors"]["CN"].update(policy={"name": "resolve"}, resolve_bn=2.0, review_days=7)
    res = run_replication(scenario_from_dict(d), 1, 0)
    assert [e.actor for e in events(res, "concede")] == ["CN"] and res.summary["outcome"] == "capitulation_CN"
