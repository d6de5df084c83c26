"""The start state against the reference state: the short-run loss already under way, and the no-dispute path.

- A link whose start tariff lies away from its reference has lost sales ``V0·(s_ref − s_0)``;
  ``adjustment_at_start`` of their short-run loss is still to be borne at day 0 (``A(0)``), so
  going back to the reference is no windfall when it is 1.
- The no-dispute path (instruments at the reference from day 0, licensing starting with an empty
  queue as in a run) is what pain is measured against: a run that stays at the reference has pain
  near zero.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

import sim.engine.core as core
from sim.engine.compile import scenario_from_dict
from sim.engine.world import World
from sim.model.trade import quantity_share


def one_link(at_start: float) -> dict:
    return {
        "meta": {"name": "start", "start": "2025-01-01", "horizon_days": 90},
        "actors": {
            "US": {"instruments": {"tariff": {"initial": 0.5, "min": 0.0, "max": 1.0, "step": 0.1}}},
            "CN": {"instruments": {"tariff": {"initial": 0.0, "min": 0.0, "max": 1.0, "step": 0.1}}},
        },
        "trade_links": {
            "cn_us": {
                "exporter": "CN",
                "importer": "US",
                "value_bn_per_year": 365,
                "tariff": "US.tariff",
                "elasticity": 2.0,
                "supply_omega": 0.2,
                "margin": 0.5,
                "adjustment_at_start": at_start,
            }
        },
        "calibration": {"reference_date": "2024-12-31", "reference": {"US.tariff": 0.0}},
    }


@pytest.mark.parametrize("at_start", [0.0, 0.4, 1.0])
def test_the_short_run_loss_under_way_at_the_start(at_start):
    world = World(scenario_from_dict(one_link(at_start)), {})
    lost = 1.0 - quantity_share(0.5, 0.0, 2.0, 0.2)  # V0 = 1 $bn/day, reference share 1
    assert world.links[0].a == pytest.approx(at_start * lost, rel=1e-12)
    # back to the reference on day 0: the sales come back, A falls by the same amount
    world.set("US.tariff", 0.0)
    world.refresh()
    assert world.links[0].a == pytest.approx((at_start - 1.0) * lost, rel=1e-12, abs=1e-15)


def test_back_to_the_reference_at_once_is_no_windfall_when_the_start_is_new():
    """adjustment_at_start = 1: going back at once leaves nothing short-run, and every link loss is 0."""
    d = one_link(1.0)
    d["calendar"] = [{"type": "set", "date": "2025-01-01", "actor": "US", "instrument": "tariff", "value": 0.0}]
    res = core.run_replication(scenario_from_dict(d), 1, 0)
    for a in ("US", "CN"):
        for comp in ("consumer", "revenue", "producer", "adjustment"):
            assert res.summary[f"loss_{comp}_{a}"] == pytest.approx(0.0, abs=1e-12), (comp, a)


def test_pain_of_a_run_held_at_the_reference_is_near_zero():
    """The baseline with every instrument at its reference, no calendar, scripted actors: the pain against
    the no-dispute path at the horizon is within 15% of that path's own pain (+$1bn) on average over 30
    runs (licence cohorts and the alternative supply ramp, which the path leaves out, make the rest)."""
    d = yaml.safe_load(open("scenarios/baseline_oct2025.yaml", encoding="utf-8"))
    ref = d["calibration"]["reference"]
    for a, act in d["actors"].items():
        act["policy"] = {"name": "scripted"}
        for n, ins in act["instruments"].items():
            ins["initial"] = ref.get(f"{a}.{n}", ins["initial"])
    d["calendar"] = []
    d.pop("deal_space")
    d["calibration"].pop("file")
    d["chokepoints"]["advanced_chips"]["initial_stock_days"] = 90  # China runs out of chips on the path
    sc = scenario_from_dict(copy.deepcopy(d))
    pain, path = {"US": [], "CN": []}, {"US": [], "CN": []}
    for i in range(30):
        ss = np.random.SeedSequence(1, spawn_key=(i,))
        s_params, s_summit, s_actors, s_lic = ss.spawn(4)
        rng = np.random.default_rng(s_params)
        params = core.sample_params(sc, rng)
        eng = core.Engine(sc, params, [s_summit, s_actors, s_lic], i, False, core.run_weights(sc, params, rng))
        eng.run()
        for a in pain:
            pain[a].append(eng.actors[a].view.public_losses(a))
            path[a].append(eng.world.reference_pain(a, sc.meta.horizon_days))
    for a in pain:
        assert abs(np.mean(pain[a])) <= 0.15 * abs(np.mean(path[a])) + 1.0, (a, np.mean(pain[a]), np.mean(path[a]))
    assert np.mean(path["CN"]) > 20.0  # the path itself has a chip shortage for China: the check has teeth
