"""The engine against closed forms: stockouts, shortage costs, threats, deals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.model.trade import consumer_surplus_change, revenue_change
from sim.model.welfare import discount_integral

from ..conftest import base_dict, committed


def run(d, seed=1, run_index=0):
    return run_replication(scenario_from_dict(d), seed, run_index)


def events(res, kind):
    return [e for e in res.events if e.kind == kind]


def cut_off(d, day="2025-01-01", tier=2):
    d["calendar"].append({"type": "set", "date": day, "actor": "CN", "instrument": "controls", "value": tier})


def test_stockout_day_and_shortage_match_closed_form():
    d = base_dict()
    cut_off(d)  # everything China supplies needs a licence; approval 0 => inflow = 1 - s = 0.2
    res = run(d)
    s, i0, var, gamma, horizon = 0.8, 20.0, 2.0, 2.0, 100.0
    t_out = i0 / s
    (ev,) = events(res, "stockout")
    assert ev.t == pytest.approx(t_out, abs=1e-9)
    assert res.summary["stockout_day_magnets"] == pytest.approx(t_out, abs=1e-9)
    assert res.summary["shortage_days_magnets"] == pytest.approx(horizon - t_out, abs=1e-9)
    assert res.summary["unmet_demand_days_magnets"] == pytest.approx(s * (horizon - t_out), abs=1e-9)
    assert res.summary["loss_shortage_US"] == pytest.approx(var * s**gamma * (horizon - t_out), rel=1e-12)


def test_discounted_shortage_cost():
    d = base_dict()
    d["meta"]["discount_rate_per_year"] = 0.05
    cut_off(d)
    res = run(d)
    rho = 0.05 / 365
    expected = 2.0 * 0.8**2 * discount_integral(25.0, 100.0, rho)
    assert res.summary["loss_shortage_US"] == pytest.approx(expected, rel=1e-12)


def test_stale_stockout_is_discarded_and_rescheduled():
    d = base_dict()
    cut_off(d)  # stockout would come on day 25
    cut_off(d, "2025-01-11", tier=1)  # day 10: half needs a licence, inflow 0.6
    res = run(d)
    # stock on day 10: 20 - 0.8*10 = 12, drained at 0.4/day => out on day 40
    (ev,) = events(res, "stockout")
    assert ev.t == pytest.approx(40.0, abs=1e-9)


def importer_net_loss(v0, tau, eps):
    """Importer's loss ``−(ΔCS + ΔR)`` per day on a link with flat export supply (ω = 0), τ0 = 0."""
    return -(consumer_surplus_change(v0, tau, 0.0, eps, 0.0) + revenue_change(v0, tau, 0.0, eps, 0.0))


def add_threat(d, **kw):
    t = {
        "type": "threat",
        "id": "t1",
        "actor": "US",
        "target": "CN",
        "announced": "2025-01-05",
        "deadline": "2025-01-31",
        "instrument": "tariff",
        "add": 1.0,
        "condition": {"actor": "CN", "instrument": "controls", "at_most": 0},
        "audience_cost_bn": 7.0,
        "concession_cost_bn": 3.0,
    }
    t.update(kw)
    d["calendar"].append(t)


def test_threat_carried_out_at_deadline():
    d = base_dict()
    cut_off(d, tier=1)
    add_threat(d)
    res = run(d)
    (ev,) = events(res, "threat_carried_out")
    assert ev.t == 30.0 and ev.new == 1.0
    assert res.summary["threat_t1_carried_out"] is True
    assert res.summary["outcome"] == "escalation"


def test_backing_down_costs_the_audience_cost():
    d = base_dict()
    d["meta"]["discount_rate_per_year"] = 0.1
    d["actors"]["US"]["policy"] = {"name": "scripted", "params": {"carry_out_threats": False}}
    cut_off(d, tier=1)
    add_threat(d)
    res = run(d)
    assert res.summary["threat_t1_carried_out"] is False
    assert res.summary["loss_audience_US"] == pytest.approx(7.0 * math.exp(-0.1 / 365 * 30), rel=1e-12)


def test_conceding_meets_the_condition_and_cancels_announced_moves():
    d = base_dict()
    d["actors"]["CN"]["policy"] = {"name": "scripted", "params": {"concede_to_threats": True}}
    cut_off(d, "2025-02-20", tier=2)  # announced escalation after the deadline
    add_threat(d)
    res = run(d)
    assert events(res, "threat_conceded")[0].t == 28.0  # deadline 30 - pre_deadline_days 2
    assert events(res, "move_cancelled")
    assert res.summary["peak_CN.controls"] == 0
    assert res.summary["outcome"] == "capitulation_CN"
    assert res.summary["loss_audience_CN"] == pytest.approx(3.0)
    assert res.summary["threat_t1_carried_out"] is False


def _summit(d, day="2025-01-21"):
    committed(d)
    d["calendar"].append({"type": "summit", "date": day, "parties": ["US", "CN"]})
    d["deal_space"] = {"duration_days": 365, "items": [{"actor": "US", "instrument": "tariff", "values": [0.0, 0.5]}]}


def test_deal_cuts_the_tariff_and_supersedes_later_moves():
    d = base_dict()
    d["calendar"].append({"type": "set", "date": "2025-01-01", "actor": "US", "instrument": "tariff", "value": 0.5})
    d["calendar"].append({"type": "set", "date": "2025-02-20", "actor": "US", "instrument": "tariff", "value": 1.0})
    _summit(d)
    res = run(d)
    assert res.summary["outcome"] == "deal"
    assert res.summary["deal_day"] == 20.0
    assert res.summary["deal_US.tariff"] == 0.0
    assert events(res, "superseded")
    assert res.summary["peak_US.tariff"] == 0.5


def test_no_deal_when_nobody_gains():
    d = base_dict()
    _summit(d)  # tariff already 0: no package improves on no deal
    res = run(d)
    assert events(res, "no_deal") and res.summary["outcome"] == "stalemate"


def test_tit_for_tat_answers_after_its_reaction_lag():
    d = base_dict()
    d["actors"]["CN"]["policy"] = {"name": "tit_for_tat", "params": {"instruments": ["tariff"]}}
    d["actors"]["CN"]["reaction_lag_days"] = 1.5
    d["calendar"].append({"type": "set", "date": "2025-01-06", "actor": "US", "instrument": "tariff", "value": 0.3})
    res = run(d)
    moves = [e for e in res.events if e.actor == "CN" and e.kind == "move"]
    assert moves[0].t == pytest.approx(6.5) and moves[0].instrument == "tariff"
    assert moves[0].new == pytest.approx(0.1)


def test_a_reaction_provokes_no_reaction_in_turn():
    """Two tit-for-tat actors and one calendar escalation: the US's move provokes China's one
    retaliation, and that retaliation (a reaction) is not answered: no chain of replies."""
    d = base_dict()
    for a in ("US", "CN"):
        d["actors"][a]["policy"] = {"name": "tit_for_tat", "params": {"instruments": ["tariff"]}}
        d["actors"][a]["reaction_lag_days"] = 1.0
    d["calendar"].append({"type": "set", "date": "2025-01-06", "actor": "US", "instrument": "tariff", "value": 0.3})
    res = run(d)
    moves = [e for e in res.events if e.kind == "move"]
    assert [(e.actor, e.instrument, e.t) for e in moves] == [("CN", "tariff", 6.0)]
    assert moves[0].new == pytest.approx(0.1)
    assert res.summary["peak_US.tariff"] == pytest.approx(0.3) and res.summary["peak_CN.tariff"] == pytest.approx(0.1)


def test_resolve_concedes_the_moment_pain_crosses_resolve():
    d = base_dict()
    d["actors"]["US"]["policy"] = {"name": "resolve"}
    d["actors"]["US"]["resolve_bn"] = 5.0
    d["actors"]["US"]["review_days"] = 7
    d["calendar"].append({"type": "set", "date": "2025-01-01", "actor": "US", "instrument": "tariff", "value": 1.0})
    res = run(d)
    rate = importer_net_loss(1.0, 1.0, 2.0)
    crossing = 5.0 / rate  # loss accumulates linearly: the crossing is scheduled in closed form
    (ev,) = events(res, "concede")
    assert ev.t == pytest.approx(crossing, rel=1e-12)
    assert res.summary["outcome"] == "capitulation_US"


def test_licence_approval_share_matches_probability():
    d = base_dict()
    d["meta"]["horizon_days"] = 3000
    d["actors"]["CN"]["instruments"]["approval"]["initial"] = 0.3
    cut_off(d, tier=1)
    res = run(d)
    decided = events(res, "licence_decided")
    n = len(decided)
    k = sum(e.note == "approved" for e in decided)
    p = 0.3
    assert n > 300
    assert abs(k / n - p) < 3.3 * math.sqrt(p * (1 - p) / n)  # 99.9% interval


def test_same_seed_same_run_different_seed_different_draws():
    d = base_dict()
    d["chokepoints"]["magnets"]["initial_stock_days"] = {"dist": "uniform", "low": 5, "high": 50}
    sc = scenario_from_dict(d)
    a, b = run_replication(sc, 3, 7), run_replication(sc, 3, 7)
    assert a.summary == b.summary and a.events == b.events and a.series == b.series
    c = run_replication(sc, 3, 8)
    assert c.summary["chokepoints.magnets.initial_stock_days"] != a.summary["chokepoints.magnets.initial_stock_days"]


def test_series_time_ordered_and_stocks_non_negative():
    d = base_dict()
    cut_off(d, tier=1)
    d["actors"]["CN"]["instruments"]["approval"]["initial"] = 0.5
    res = run(d)
    t = np.array([r[0] for r in res.series])
    assert np.all(np.diff(t) >= 0)
    assert all(e1.t <= e2.t for e1, e2 in zip(res.events, res.events[1:]))
    stock_col = 1 + 5  # t + 5 instruments
    assert min(r[stock_col] for r in res.series) >= 0.0


def test_motive_weights_enter_the_payoff_and_the_pain():
    """A revenue weight ρ_R adds ``(ρ_R − 1)·(−ΔR)`` (``revenue_motive``): the US's pain rate from its
    own tariff becomes ``−ΔCS − ρ_R·ΔR``, so it concedes at resolve / that rate. At τ = 1, ε = 2 and
    ω = 0, ``−ΔCS = V0/2`` and ``ΔR = V0/4``: at ρ_R = 3 the tariff is a gain and it never concedes."""
    d = base_dict()
    d["actors"]["US"]["policy"] = {"name": "resolve"}
    d["actors"]["US"]["resolve_bn"] = 5.0
    d["actors"]["US"]["motives"] = {"revenue": 0.5}
    d["calendar"].append({"type": "set", "date": "2025-01-01", "actor": "US", "instrument": "tariff", "value": 1.0})
    res = run(d)
    d_cs = consumer_surplus_change(1.0, 1.0, 0.0, 2.0, 0.0)
    d_r = revenue_change(1.0, 1.0, 0.0, 2.0, 0.0)
    assert (d_cs, d_r) == (pytest.approx(-0.5), pytest.approx(0.25))
    rate = -d_cs - 0.5 * d_r
    (ev,) = events(res, "concede")
    assert ev.t == pytest.approx(5.0 / rate, rel=1e-12)
    s = res.summary
    # at every tariff the motive term is (ρ_R − 1) × the revenue loss, so the books are in that ratio
    assert s["loss_revenue_motive_US"] == pytest.approx((0.5 - 1.0) * s["loss_revenue_US"], rel=1e-12)
    assert s["loss_revenue_US"] < 0.0
    assert s["payoff_US"] == pytest.approx(
        -(s["loss_consumer_US"] + s["loss_revenue_US"] + s["loss_revenue_motive_US"] + s["loss_audience_US"]),
        rel=1e-12,
    )
    d["actors"]["US"]["motives"] = {"revenue": 3.0}
    assert not events(run(d), "concede")
