"""The view a policy sees changes nothing: reading every member leaves the run as it was."""

from __future__ import annotations

import copy
import inspect

import numpy as np
import pytest

from sim.engine.compile import load_scenario
from sim.engine.core import Engine, sample_params
from sim.policies.view import View

from ..conftest import SCENARIOS


def _members() -> list[str]:
    return sorted(
        n for n, v in vars(View).items() if not n.startswith("_") and (callable(v) or isinstance(v, property))
    )


def _engine(until: float) -> Engine:
    sc = load_scenario(SCENARIOS / "baseline_oct2025.yaml")
    ss = np.random.SeedSequence(3, spawn_key=(0,))
    s_params, s_summit, s_actors, s_lic = ss.spawn(4)
    eng = Engine(sc, sample_params(sc, np.random.default_rng(s_params)), [s_summit, s_actors, s_lic])
    if until > 0:
        eng.env.run(until=until)
    return eng


def _state(eng: Engine) -> tuple:
    w = eng.world
    return (
        w.t,
        copy.deepcopy(w.pain),
        copy.deepcopy(w.losses),
        dict(w.values),
        w.next_grid,
        [(c.stock, c.shortage_days, c.unmet_demand_days, c.version, c.due) for c in w.chokes],
        len(eng.clock.series),
        len(eng.clock.events),
        eng.env.now,
        len(eng.env._queue),
    )


def _calls(view, eng):
    threat = eng.threats.threats[0]
    own = view.own_instruments[0]
    other = next(a for a in eng.sc.actors if a != view.actor)
    ref = view.instruments_of(other)[0]
    return {
        "actor": (),
        "t": (),
        "own_instruments": (),
        "opponent": (),
        "own": (own,),
        "value": (ref,),
        "instruments_of": (other,),
        "step": (own, 1),
        "step_ref": (ref, -1),
        "hostility": (other, ref.split(".", 1)[1], 0.0, 1.0),
        "locked": (own,),
        "losses_bn": (),
        "loss_state": (),
        "pain_rate": (),
        "loss_rate": (other,),
        "public_losses": (other,),
        "resolve_bn": (),
        "conceded": (other,),
        "deal_in_force": (),
        "deal_before": (),
        "defection_cost_bn": (),
        "last_talks": (),
        "talks_gain": (),
        "talks_probability": (60.0,),
        "bargaining_weight": (),
        "credibility": (threat, 1.0),
        "backdown_cost": (threat,),
        "threat_stakes": (threat,),
        "pending_threats": (None,),
        "threat_value": (threat,),
        "threat_outlook": (threat, 60.0),
        "outlook": (60.0, None, [(eng.env.now + 5.0, ref, 0.0)]),
        "outlook_options": (60.0, [(f"{view.actor}.{own}", view.step(own, 1))]),
        "day": (eng.sc.meta.start,),
        "date": (12.0,),
        "param": (1.5,),
    }


@pytest.mark.parametrize("until", [0.0, 37.3, 95.6, 250.2])
def test_every_view_member_leaves_the_run_unchanged(until):
    eng = _engine(until)
    for actor in eng.actors.values():
        view = actor.view
        calls = _calls(view, eng)
        assert set(_members()) <= set(calls), f"add test arguments for {set(_members()) - set(calls)}"
        for name in _members():
            before = _state(eng)
            attr = getattr(type(view), name, None)
            first = (
                getattr(view, name)
                if isinstance(attr, property) or not callable(getattr(view, name))
                else getattr(view, name)(*calls[name])
            )
            assert _state(eng) == before, f"View.{name} changed the run"
            again = (
                getattr(view, name)
                if isinstance(attr, property) or not callable(getattr(view, name))
                else getattr(view, name)(*calls[name])
            )
            assert repr(again) == repr(first), f"View.{name} gave a different answer when asked twice"


def test_losses_as_of_now_without_advancing():
    """Accumulated loss is read as of now without integrating the world (constant rates and the
    exponentially decaying short-run terms are exact), against the no-dispute path: what advancing
    would give, minus the reference path's pain over the same days."""
    eng = _engine(37.3)
    w = eng.world
    now = eng.env.now
    assert w.t < now  # the world is behind the clock: no event at 37.3
    assert any(l.a != 0.0 for l in w.links)  # a decaying short-run loss is running
    views = {a: act.view for a, act in eng.actors.items()}
    read = {a: v.losses_bn for a, v in views.items()}
    w.advance(now)
    for a, v in views.items():
        assert read[a] == pytest.approx(w.pain[a] - w.reference_pain(a, now), rel=1e-12)
        assert v.public_losses(a) == v.losses_bn
        assert v.pain_rate == pytest.approx(w.loss_rate(a) - w.reference_rate(a, now), rel=1e-12)


def test_engine_view_implements_the_protocol():
    eng = _engine(0.0)
    view = next(iter(eng.actors.values())).view
    missing = [n for n in _members() if not hasattr(view, n)]
    assert not missing
    for name in _members():
        proto, impl = getattr(View, name), getattr(type(view), name)
        if inspect.isfunction(proto):
            assert list(inspect.signature(proto).parameters) == list(inspect.signature(impl).parameters), name
