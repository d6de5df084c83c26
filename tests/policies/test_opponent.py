"""Policies that reason about "the other side" ask the view for its one opponent, never the first of many."""
from __future__ import annotations

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.policies import make_policy

from ..conftest import base_dict


class _TwoSided:
    """A view of a two-actor run reduced to what the attrition hazard reads."""

    actor = "US"
    t = 0.0
    opponent = "CN"

    def loss_rate(self, actor):
        return {"US": 1.0, "CN": 4.0}[actor]


def test_attrition_hazard_uses_the_opponent():
    """λ_US = c_CN / V_CN (Hendricks, Weiss & Wilson 1988)."""
    pol = make_policy("attrition", "US", {"prizes_bn": {"US": 10.0, "CN": 8.0}}, np.random.default_rng(0))
    assert pol.hazard(_TwoSided()) == pytest.approx(4.0 / 8.0)


def test_best_response_believes_the_opponent_answers():
    pol = make_policy("best_response", "US", {"opponent": "tit_for_tat"}, np.random.default_rng(0))
    assert pol._other(_TwoSided()) == "CN"


def _three_actors():
    d = base_dict()
    d["actors"]["EU"] = {"instruments": {"tariff": {"initial": 0.0, "min": 0.0, "max": 2.0, "step": 0.1}},
                         "policy": {"name": "scripted"}, "reaction_lag_days": 0}
    d["actors"]["US"]["policy"] = {"name": "attrition", "params": {"prizes_bn": {"US": 5.0, "CN": 5.0, "EU": 5.0}}}
    try:
        return scenario_from_dict(d)
    except ScenarioError:
        pytest.skip("the scenario validator already rejects more than two actors")


def test_a_third_actor_is_a_clear_error_not_a_silent_pick():
    sc = _three_actors()
    with pytest.raises(ValueError, match="exactly one other actor.*2 others: CN, EU"):
        run_replication(sc, 1, 0)
