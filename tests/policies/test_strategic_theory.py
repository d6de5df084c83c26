"""Quantal response and Bayesian updating, through scenarios and the engine."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.model.trade import exporter_loss, importer_loss

from ..conftest import two_tariff_links

Z99 = 2.576
PHI = 0.3  # foreign exporters bear 70% of a tariff: a terms-of-trade gain for the importer


def stage_game(rationality: float) -> dict:
    """One-shot 2x2: each side keeps its tariff at 0 or raises it to 30%, once (day 5)."""
    actor = {
        "instruments": {"tariff": {"initial": 0.0, "min": 0.0, "max": 0.3, "step": 0.3}},
        "policy": {
            "name": "best_response",
            "params": {"rationality": rationality, "horizon_days": 30, "talks": False, "react": False},
        },
        "review_days": 5,
    }
    return {
        "meta": {"name": "stage", "start": "2025-01-01", "horizon_days": 7, "discount_rate_per_year": 0.0},
        "actors": {"US": actor, "CN": actor},
        "trade_links": {
            "cn_us": {
                "exporter": "CN",
                "importer": "US",
                "value_bn_per_year": 365,
                "tariff": "US.tariff",
                "elasticity": 2.0,
                "pass_through": PHI,
                "margin": 0.5,
            },
            "us_cn": {
                "exporter": "US",
                "importer": "CN",
                "value_bn_per_year": 146,
                "tariff": "CN.tariff",
                "elasticity": 2.0,
                "pass_through": PHI,
                "margin": 0.5,
            },
        },
    }


def payoffs(t_us: float, t_cn: float) -> tuple[float, float]:
    """Per-day payoffs of the stage game from the closed forms."""
    us = -(importer_loss(1.0, t_us, 0, 2.0, PHI) + exporter_loss(0.4, t_cn, 0, 2.0, PHI, 0.5))
    cn = -(importer_loss(0.4, t_cn, 0, 2.0, PHI) + exporter_loss(1.0, t_us, 0, 2.0, PHI, 0.5))
    return us, cn


def test_stage_game_is_a_prisoners_dilemma():
    for other in (0.0, 0.3):  # raising the tariff is dominant for both ...
        assert payoffs(0.3, other)[0] > payoffs(0.0, other)[0]
        assert payoffs(other, 0.3)[1] > payoffs(other, 0.0)[1]
    assert all(a < b for a, b in zip(payoffs(0.3, 0.3), payoffs(0.0, 0.0)))  # ... and mutually worse


def test_high_rationality_picks_the_dominant_action():
    sc = scenario_from_dict(stage_game(1e6))
    for run in range(20):
        res = run_replication(sc, 3, run, record_series=False)
        assert res.summary["peak_US.tariff"] == 0.3 and res.summary["peak_CN.tariff"] == 0.3


def test_zero_rationality_chooses_uniformly():
    sc = scenario_from_dict(stage_game(0.0))
    n = 1000
    ups = {"US": 0, "CN": 0}
    for run in range(n):
        res = run_replication(sc, 4, run, record_series=False)
        for a in ups:
            ups[a] += res.summary[f"peak_{a}.tariff"] == 0.3
    for a, k in ups.items():
        assert abs(k / n - 0.5) < Z99 * math.sqrt(0.25 / n), a


def belief_game(true_resolve: float, softness: float, types: list[float], prior: list[float]) -> dict:
    """CN (reviews first) holds on with a resolve; US watches it and updates a belief."""
    return {
        "meta": {
            "name": "belief",
            "start": "2025-01-01",
            "horizon_days": 200,
            "discount_rate_per_year": 0.0,
            "series_every_days": 50,
        },
        "actors": {
            "CN": {
                "instruments": {"tariff": {"initial": 0.5, "min": 0, "max": 1, "step": 0.1}},
                "policy": {"name": "resolve", "params": {"softness_bn": softness}},
                "resolve_bn": true_resolve,
                "review_days": 10,
            },
            "US": {
                "instruments": {"tariff": {"initial": 0.5, "min": 0, "max": 1, "step": 0.1}},
                "policy": {
                    "name": "bayesian",
                    "params": {
                        "types_bn": types,
                        "prior": prior,
                        "softness_bn": 10.0,
                        "instruments": [],
                        "talks": False,
                    },
                },
                "review_days": 10,
            },
        },
        "trade_links": two_tariff_links(),
    }


def beliefs_at_reviews(res, k: int = 0) -> dict[float, float]:
    """The belief on type k recorded after each review (last row at each review day)."""
    # columns: t, CN.tariff, US.tariff, loss_CN, loss_US, belief_US_0, belief_US_1
    out = {}
    for row in res.series:
        t = row[0]
        if abs(t / 10 - round(t / 10)) < 1e-9 and t > 0:
            out[round(t)] = row[-2 + k]
    return out


def test_posterior_matches_hand_computation():
    types, prior, s = [30.0, 120.0], [0.5, 0.5], 10.0
    res = run_replication(scenario_from_dict(belief_game(1e9, 0.0, types, prior)), 1, 0)
    c_cn = importer_loss(0.4, 0.5, 0, 3.0, 1.0) + exporter_loss(1.0, 0.5, 0, 2.0, 1.0, 0.5)  # $bn/day
    post = np.array(prior)
    got = beliefs_at_reviews(res)
    for day in range(10, 191, 10):  # reviews on days 10..190 (day 200 is the horizon)
        loss = c_cn * day
        p_concede = 1 / (1 + np.exp(-(loss - np.array(types)) / s))
        post = post * (1 - p_concede)  # held on again
        post = post / post.sum()
        assert got[day] == pytest.approx(post[0], rel=1e-12, abs=1e-15), day


def test_posterior_on_the_true_type_rises_in_expectation():
    types, prior = [30.0, 150.0], [0.5, 0.5]
    sc = scenario_from_dict(belief_game(30.0, 10.0, types, prior))
    paths = []
    for run in range(600):
        got = beliefs_at_reviews(run_replication(sc, 7, run))
        paths.append([got[d] for d in range(10, 191, 10)])
    mean = np.mean(paths, axis=0)
    se = np.std(paths, axis=0) / math.sqrt(len(paths))
    assert np.all(np.diff(np.concatenate([[0.5], mean])) > -Z99 * np.sqrt(2) * se.max())
    assert mean[-1] > 0.8
