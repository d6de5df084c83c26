"""Quantal response and Bayesian updating, through scenarios and the engine."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.model.trade import link_welfare

from ..conftest import dispute_rates, link_terms, reference_state, two_tariff_links

Z99 = 2.576
PHI = 0.3  # foreign exporters bear 70% of a tariff: a terms-of-trade gain for the importer
OMEGA = (1.0 / PHI - 1.0) / 2.0  # φ = 1/(1+εω) at ε = 2: export supply elasticity η = 1/ω = 6/7


def stage_game(rationality: float) -> dict:
    """One-shot 2x2: each side keeps its tariff at 0 or raises it to 30%, once (day 5 of 7).

    Two symmetric links with a steep export supply (pass-through 0.3): a tariff improves the
    importer's terms of trade, and costs the exporter its producer surplus and, for a while, the
    value added on its lost sales.
    """
    actor = {
        "instruments": {"tariff": {"initial": 0.0, "min": 0.0, "max": 0.3, "step": 0.3}},
        "policy": {
            "name": "best_response",
            "params": {"rationality": rationality, "horizon_days": 30, "talks": False, "react": False},
        },
        "review_days": 5,
    }
    link = {"value_bn_per_year": 365, "elasticity": 2.0, "supply_omega": OMEGA, "margin": 0.5}
    return {
        "meta": {"name": "stage", "start": "2025-01-01", "horizon_days": 7, "discount_rate_per_year": 0.0},
        "actors": {"US": actor, "CN": actor},
        "trade_links": {
            "cn_us": {"exporter": "CN", "importer": "US", "tariff": "US.tariff", **link},
            "us_cn": {"exporter": "US", "importer": "CN", "tariff": "CN.tariff", **link},
        },
    }


def payoffs(t_us: float, t_cn: float) -> tuple[float, float]:
    """Each side's payoff over the stage game from the closed forms: tariffs set on day 5, read on day 7.

    Importer ``(ΔCS + ΔR)·2`` on its link; exporter ``ΔPS_X·2`` and minus the short-run value added on
    its lost sales ``A = V0·(1 − Q/Q0)``, decaying at ``k = ln2/h``: ``margin·A·(1 − e^(−2k))/k``.
    """
    links = stage_game(0.0)["trade_links"]

    def side(own: str, own_tariff: float, other: str, other_tariff: float) -> float:
        imp, exp = link_terms(links[own]), link_terms(links[other])
        wi, we = link_welfare(imp, own_tariff), link_welfare(exp, other_tariff)
        short_run = exp.margin * exp.v0 * (1.0 - we.share) * -math.expm1(-2.0 * exp.decay) / exp.decay
        return (wi.consumer + wi.revenue + we.producer) * 2.0 - short_run

    return side("cn_us", t_us, "us_cn", t_cn), side("us_cn", t_cn, "cn_us", t_us)


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
        us, cn = payoffs(0.3, 0.3)
        assert res.summary["payoff_US"] == pytest.approx(us, rel=1e-12)
        assert res.summary["payoff_CN"] == pytest.approx(cn, rel=1e-12)


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


#: China's loss rate in the belief game: both tariffs at 0.5 against free trade ($bn/day). Resolves,
#: types and softness below are in days of that loss, so the game does not depend on the loss's size.
C_CN = dispute_rates(two_tariff_links(), 0.5)["CN"]


def belief_game(
    true_resolve: float, softness: float, types: list[float], prior: list[float], us_softness: float = 30 * C_CN
) -> dict:
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
                        "softness_bn": us_softness,
                        "instruments": [],
                        "talks": False,
                    },
                },
                "review_days": 10,
            },
        },
        "trade_links": two_tariff_links(),
        "calibration": reference_state({"US.tariff": 0.0, "CN.tariff": 0.0}),
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
    """China never concedes; its loss against the no-dispute path grows at the constant rate C_CN."""
    types, prior, s = [90 * C_CN, 360 * C_CN], [0.5, 0.5], 30 * C_CN
    res = run_replication(scenario_from_dict(belief_game(1e9, 0.0, types, prior, s)), 1, 0)
    post = np.array(prior)
    got = beliefs_at_reviews(res)
    assert got[190] < 0.1  # the belief moved: the low-resolve type would most likely have conceded
    for day in range(10, 191, 10):  # reviews on days 10..190 (day 200 is the horizon)
        loss = C_CN * day
        p_concede = 1 / (1 + np.exp(-(loss - np.array(types)) / s))
        post = post * (1 - p_concede)  # held on again
        post = post / post.sum()
        assert got[day] == pytest.approx(post[0], rel=1e-12, abs=1e-15), day


def test_posterior_on_the_true_type_rises_in_expectation():
    types, prior = [90 * C_CN, 450 * C_CN], [0.5, 0.5]
    sc = scenario_from_dict(belief_game(90 * C_CN, 30 * C_CN, types, prior))
    paths = []
    for run in range(600):
        got = beliefs_at_reviews(run_replication(sc, 7, run))
        paths.append([got[d] for d in range(10, 191, 10)])
    mean = np.mean(paths, axis=0)
    se = np.std(paths, axis=0) / math.sqrt(len(paths))
    assert np.all(np.diff(np.concatenate([[0.5], mean])) > -Z99 * np.sqrt(2) * se.max())
    assert mean[-1] > 0.8
