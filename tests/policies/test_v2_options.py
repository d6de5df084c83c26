"""What a strategic policy may choose on the v2 economics.

- A move made now does not cancel the calendar's later moves of the same instrument in the
  projection (the engine will still make them), so "move now" is valued as it will play out.
- A move that changes nothing over the horizon is not an option (no cheap, meaningless moves).
- ``move_cost_bn`` is subtracted from every move: a gain below it is not worth moving for.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.engine.projection import Projector
from sim.engine.world import World


def scenario(us_policy: dict, calendar: list | None = None) -> dict:
    return {
        "meta": {"name": "options", "start": "2025-01-01", "horizon_days": 120},
        "actors": {
            "US": {
                "instruments": {
                    "tariff": {"initial": 0.3, "min": 0.0, "max": 1.0, "step": 0.1},
                    "spare": {"initial": 0.5, "min": 0.0, "max": 1.0, "step": 0.1},  # nothing depends on it
                },
                "policy": us_policy,
                "review_days": 10,
            },
            "CN": {"instruments": {"tariff": {"initial": 0.0, "min": 0.0, "max": 1.0, "step": 0.1}}},
        },
        "trade_links": {
            "cn_us": {"exporter": "CN", "importer": "US", "value_bn_per_year": 365, "tariff": "US.tariff"},
            "us_cn": {"exporter": "US", "importer": "CN", "value_bn_per_year": 146, "tariff": "CN.tariff"},
        },
        "calendar": calendar or [],
    }


def test_a_move_now_keeps_the_calendars_later_move_of_the_instrument():
    sc = scenario_from_dict(scenario({"name": "scripted"}))
    world = World(sc, {})
    later = [(10.0, "US.tariff", 0.8)]
    got = Projector(world).project_options(30.0, [("US.tariff", 0.5)], later, "US")
    # expected: the instrument at 0.5 from now, then the calendar's 0.8 from day 10
    moved = World(sc, {})
    moved.set("US.tariff", 0.5)
    moved.refresh()
    expected = Projector(moved).project(30.0, None, later)["US"]
    assert got[1] == pytest.approx(float(expected), rel=1e-12)
    # and not the value as if the move had cancelled the calendar's move
    cancelled = Projector(moved).project(30.0, None, [])["US"]
    assert abs(got[1] - float(cancelled)) > 1e-6


def test_a_move_that_changes_nothing_is_never_chosen():
    """With rationality 0 the logit draws uniformly among the options: a pointless move would be drawn
    about half the time; it never is because it is not an option."""
    d = scenario({"name": "best_response", "params": {"rationality": 0.0, "talks": False}})
    moves = []
    for i in range(20):
        res = run_replication(scenario_from_dict(d), 1, i)
        moves += [e for e in res.events if e.kind == "move" and e.actor == "US"]
    assert moves, "the tariff moves (uniformly at random)"
    assert not [e for e in moves if e.instrument == "spare"]


def test_a_move_cost_above_every_gain_keeps_the_policy_still():
    base = {"name": "best_response", "params": {"rationality": 1e6, "talks": False}}
    free = run_replication(scenario_from_dict(scenario(base)), 1, 0)
    assert any(e.kind == "move" and e.actor == "US" for e in free.events)  # cutting its tariff pays
    costly = dict(base, params=dict(base["params"], move_cost_bn=1e4))
    still = run_replication(scenario_from_dict(scenario(costly)), 1, 0)
    assert not any(e.kind == "move" and e.actor == "US" for e in still.events)
    assert np.isfinite(still.summary["payoff_US"])
