"""Talks outside summits: right after a threat's deadline, at a background rate, and the
summary's P(deal within 60 days of the first summit | held / not held)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.summary import deal_after_summit, summary_stats
from sim.engine.columns import summary_columns
from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.engine.events import EventKind

from .test_summits_theory import pie_scenario

DEADLINE = 20.0  # 2025-01-21


def threat_scenario(**deal_space) -> dict:
    """Two tariffs at 0.5 (a deal back to 0 pays both sides) and no summit; the US threatens to raise
    its tariff by 0.5 unless China's falls to 0 by the deadline (it does not: scripted actors)."""
    d, _, _ = pie_scenario({"protocol": "nash"})
    d["calendar"] = [
        {
            "type": "threat",
            "id": "t1",
            "actor": "US",
            "target": "CN",
            "announced": "2025-01-03",
            "deadline": "2025-01-21",
            "instrument": "tariff",
            "add": 0.5,
            "condition": {"actor": "CN", "instrument": "tariff", "at_most": 0.0},
            "audience_cost_bn": 1.0,
            "concession_cost_bn": 1.0,
        }
    ]
    d["meta"]["horizon_days"] = 40
    d["deal_space"].update({"talks_after_deadlines": True, **deal_space})
    return d


def of_kind(res, kind: EventKind) -> list:
    return [e for e in res.events if e.kind == kind]


def test_talks_open_at_a_threats_deadline_and_can_end_in_a_deal_that_day():
    res = run_replication(scenario_from_dict(threat_scenario()), 1, 0)
    (carried,) = of_kind(res, EventKind.THREAT_CARRIED_OUT)
    (talks,) = of_kind(res, EventKind.TALKS)
    assert carried.t == DEADLINE and talks.t == DEADLINE
    assert talks.actor == "US" and "t1" in talks.note
    assert res.summary["deal_day"] == DEADLINE
    deals = of_kind(res, EventKind.DEAL)  # the deal record and its instrument moves
    assert {e.t for e in deals} == {DEADLINE} and sum(e.instrument is None for e in deals) == 1
    us = [e for e in deals if e.actor == "US" and e.instrument == "tariff"]
    assert us[0].old == pytest.approx(1.0) and us[0].new == 0.0  # the carried-out tariff comes down the same day
    assert math.isnan(res.summary.get("first_summit_held", math.nan))  # no summit: no column
    assert "first_summit_held" not in summary_columns(scenario_from_dict(threat_scenario()))


def test_talks_after_a_withdrawn_threat_too():
    d = threat_scenario()
    d["actors"]["US"]["policy"] = {"name": "scripted", "params": {"carry_out_threats": False}}
    res = run_replication(scenario_from_dict(d), 1, 0)
    assert next(e.t for e in of_kind(res, EventKind.THREAT_WITHDRAWN)) == DEADLINE
    assert [e.t for e in of_kind(res, EventKind.TALKS)] == [DEADLINE]
    assert res.summary["deal_day"] == DEADLINE


def test_no_talks_at_deadlines_when_switched_off():
    res = run_replication(scenario_from_dict(threat_scenario(talks_after_deadlines=False)), 1, 0)
    assert len(of_kind(res, EventKind.THREAT_CARRIED_OUT)) == 1
    assert of_kind(res, EventKind.TALKS) == [] and of_kind(res, EventKind.DEAL) == []
    assert math.isnan(res.summary["deal_day"])


def no_deal_scenario(rate: float | None, horizon: float = 365.0, held: float = 0.5) -> dict:
    """Talks can never agree (the only package is the status quo), so every background talk is logged."""
    d, _, _ = pie_scenario({"protocol": "nash", "probability_held": held})
    d["meta"]["horizon_days"] = horizon
    d["deal_space"] = {
        "items": [
            {"actor": "US", "instrument": "tariff", "values": [0.5]},
            {"actor": "CN", "instrument": "tariff", "values": [0.5]},
        ]
    }
    if rate is not None:
        d["deal_space"]["talks_per_year"] = rate
    return d


def test_background_talks_come_at_the_poisson_rate():
    rate, horizon, runs = 12.0, 365.0, 60
    sc = scenario_from_dict(no_deal_scenario(rate, horizon))
    counts = []
    for r in range(runs):
        res = run_replication(sc, 3, r, record_series=False)
        talks = [e for e in of_kind(res, EventKind.TALKS) if e.note == "background talks"]
        assert all(0 < e.t <= horizon for e in talks)
        counts.append(len(talks))
    mean = rate * horizon / 365.0 * runs  # the total over all runs is Poisson with this mean
    assert abs(sum(counts) - mean) < 4.0 * math.sqrt(mean)  # 4 sd: a false alarm about once in 16,000
    assert np.var(counts, ddof=1) == pytest.approx(np.mean(counts), rel=0.6)  # Poisson: variance = mean


def test_rate_zero_draws_nothing_and_summit_draws_do_not_depend_on_the_rate():
    absent, zero = scenario_from_dict(no_deal_scenario(None)), scenario_from_dict(no_deal_scenario(0.0))
    held = {}
    for r in range(12):
        a, z = run_replication(absent, 5, r), run_replication(zero, 5, r)
        assert a.events == z.events and a.series == z.series
        assert not any(e.note == "background talks" for e in a.events)
        held[r] = a.summary["first_summit_held"]
        assert held[r] == bool(of_kind(a, EventKind.SUMMIT)) != bool(of_kind(a, EventKind.SUMMIT_CANCELLED))
    busy = scenario_from_dict(no_deal_scenario(24.0))
    for r in range(12):  # background talks draw from their own stream: the summit's draw is unchanged
        assert run_replication(busy, 5, r).summary["first_summit_held"] == held[r]
    assert len(set(held.values())) == 2  # both outcomes occur, so the comparison can fail


def test_deal_after_summit_against_a_hand_count():
    nan = float("nan")
    df = pd.DataFrame(
        {
            "outcome": ["deal"] * 7,
            "deal_day": [21.0, 85.0, nan, 10.0, 80.0, 81.0, nan],
            "first_summit_day": [20.0] * 7,
            "first_summit_held": [True, True, True, False, False, False, False],
        }
    )
    # held: days 21 (<= 80), 85 (> 80), none -> 1 of 3; not held: 10, 80 count, 81 and none do not -> 2 of 4
    t = deal_after_summit(df).set_index("first summit")
    assert t.loc["held", "runs"] == 3 and t.loc["not held", "runs"] == 4
    assert t.loc["held", "P(deal)"] == pytest.approx(1 / 3)
    assert t.loc["not held", "P(deal)"] == pytest.approx(0.5)
    assert t.loc["held", "se"] == pytest.approx(math.sqrt((1 / 3) * (2 / 3) / 3))
    assert t.loc["not held", "se"] == pytest.approx(math.sqrt(0.25 / 4))
    assert deal_after_summit(df.drop(columns=["first_summit_held"])).empty


def test_summary_stats_reports_it_from_real_runs():
    sc = scenario_from_dict(no_deal_scenario(0.0, horizon=30))
    rows = [run_replication(sc, 2, r, record_series=False).summary for r in range(10)]
    df = pd.DataFrame(rows)
    table = summary_stats(df)["summit"].set_index("first summit")
    held = int(df["first_summit_held"].sum())
    assert table.loc["held", "runs"] == held and table.loc["not held", "runs"] == 10 - held
    assert table["P(deal)"].fillna(0).eq(0).all()  # no package can be agreed in this scenario
