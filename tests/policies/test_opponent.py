"""Policies that reason about "the other side" ask the view for its one opponent, never the first of many."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.engine.view import EngineView
from sim.policies import make_policy


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


def _view_in(actors: list[str], me: str = "US") -> EngineView:
    """An engine view whose scenario has ``actors`` (the view reads only the actor names here)."""
    sources = SimpleNamespace(sc=SimpleNamespace(actors={a: None for a in actors}))
    return EngineView(sources, me)  # type: ignore[arg-type]


def test_opponent_is_the_one_other_actor():
    assert _view_in(["US", "CN"]).opponent == "CN"


@pytest.mark.parametrize("actors, found", [(["US", "CN", "EU"], "2 others: CN, EU"), (["US"], "0 others: none")])
def test_anything_but_one_other_actor_is_a_clear_error_not_a_silent_pick(actors, found):
    """Scenarios are validated to have two actors; a view that somehow has more or fewer says so."""
    with pytest.raises(ValueError, match=f"exactly one other actor.*{found}"):
        _ = _view_in(actors).opponent
