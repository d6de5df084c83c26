"""Contract tests over the whole policy registry (as Axelrod's TestPlayer)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.policies import REGISTRY, Policy, make_policy, register

from ..conftest import base_dict


def scenario_with(policy: str):
    d = base_dict()
    d["meta"]["horizon_days"] = 200
    for a in ("US", "CN"):
        d["actors"][a]["policy"] = {"name": policy, "params": REGISTRY[policy].example_params}
        d["actors"][a]["resolve_bn"] = {"dist": "lognormal", "median": 20, "sigma": 1.0}
        d["actors"][a]["reaction_lag_days"] = {"dist": "uniform", "low": 0, "high": 2}
    d["actors"]["CN"]["instruments"]["approval"]["initial"] = 0.5
    d["calendar"] += [
        {"type": "set", "date": "2025-01-05", "actor": "US", "instrument": "tariff", "value": 1.0},
        {"type": "set", "date": "2025-01-08", "actor": "CN", "instrument": "controls", "value": 2},
        {
            "type": "threat",
            "id": "t",
            "actor": "US",
            "target": "CN",
            "announced": "2025-01-10",
            "deadline": "2025-02-10",
            "instrument": "tariff",
            "add": 0.5,
            "condition": {"actor": "CN", "instrument": "controls", "at_most": 0},
        },
        {"type": "summit", "date": "2025-03-01", "parties": ["US", "CN"]},
    ]
    d["deal_space"] = {
        "items": [
            {"actor": "US", "instrument": "tariff", "values": [0.0, 1.0]},
            {"actor": "CN", "instrument": "controls", "values": [0, 2]},
        ]
    }
    return scenario_from_dict(d)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_same_seed_same_run(name):
    sc = scenario_with(name)
    for run in range(5):
        a, b = run_replication(sc, 4, run), run_replication(sc, 4, run)
        assert a.summary == b.summary and a.events == b.events


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_never_moves_out_of_bounds(name):
    sc = scenario_with(name)
    for run in range(20):
        res = run_replication(sc, 9, run)
        for e in res.events:
            if e.instrument and e.new is not None and e.kind in ("move", "concession", "calendar", "threat", "deal"):
                spec = sc.actors[e.actor].instruments[e.instrument]
                assert spec.min <= e.new <= spec.max


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_picklable_with_metadata(name):
    cls = REGISTRY[name]
    assert isinstance(cls.stochastic, bool) and cls.summary
    p = make_policy(name, "US", cls.example_params, np.random.default_rng(0))
    q = pickle.loads(pickle.dumps(p))
    assert type(q) is cls and q.params == p.params


@pytest.mark.parametrize("name", [n for n, c in sorted(REGISTRY.items()) if not c.stochastic])
def test_deterministic_policies_ignore_the_policy_stream(name):
    """A policy with stochastic=False gives the same decisions whatever its rng."""
    sc = scenario_with(name)
    import sim.engine.core as eng

    base = run_replication(sc, 2, 0)
    real = eng.make_policy

    def other_rng(n, actor, params, rng):
        return real(n, actor, params, np.random.default_rng(987654))

    eng.make_policy = other_rng
    try:
        again = run_replication(sc, 2, 0)
    finally:
        eng.make_policy = real
    assert again.events == base.events


def test_registry_rejects_duplicates_and_nameless():
    with pytest.raises(ValueError):

        @register
        class Dup(Policy):
            name = "scripted"

    with pytest.raises(TypeError):

        @register
        class NoName(Policy):
            pass
