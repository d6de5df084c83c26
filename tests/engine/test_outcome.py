"""Outcome labels: each rule on hand-made outcomes and index values, then one small run per label."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.engine.outcome import (
    BAND,
    DE_ESCALATION,
    ESCALATION,
    LABELS,
    STALEMATE,
    Outcome,
    drift_label,
    is_label,
    label_order,
    labels,
)

from ..conftest import base_dict, committed
from .test_engine import add_threat, cut_off, events

# ------------------------------------------------------------------ the rules


def test_any_deal_is_a_deal_whatever_the_index_did():
    out = Outcome()
    out.deal(40.0, {"US.tariff": 0.0})
    assert out.label(0.0, 1.0) == "deal" and out.label(1.0, 0.0) == "deal"


def test_a_capitulation_before_any_deal_names_the_actor():
    out = Outcome()
    out.capitulate("CN", 12.0)
    out.capitulate("US", 20.0)  # only the first counts
    assert out.label(0.0, 1.0) == "capitulation_CN" and out.capitulation_day == 12.0
    out.deal(30.0, {})  # a later agreement still makes the run a deal
    assert out.label(0.5, 0.5) == "deal"


def test_a_capitulation_after_a_deal_does_not_count():
    out = Outcome()
    out.deal(5.0, {})
    out.capitulate("US", 6.0)
    assert out.capitulated is None and math.isnan(out.capitulation_day)


@pytest.mark.parametrize(
    "start, end, label",
    [
        (0.0, 1.0, ESCALATION),
        (1.0, 0.0, DE_ESCALATION),
        (0.3, 0.3, STALEMATE),
        (0.0, BAND, STALEMATE),  # exactly the band: inside
        (0.0, np.nextafter(BAND, 1.0), ESCALATION),  # just beyond
        (BAND, 0.0, STALEMATE),
        (np.nextafter(BAND, 1.0), 0.0, DE_ESCALATION),
        (0.5, 0.5 + 0.04, STALEMATE),
        (0.5, 0.5 - 0.04, STALEMATE),
        (0.5, 0.5 + 0.06, ESCALATION),
        (0.5, 0.5 - 0.06, DE_ESCALATION),
    ],
)
def test_no_deal_no_capitulation_follows_the_band(start, end, label):
    assert drift_label(start, end) == label
    assert Outcome().label(start, end) == label


def test_the_band_is_a_twentieth_of_the_index():
    assert BAND == 0.05


def test_one_label_set_for_every_consumer():
    assert set(LABELS) == {"deal", "escalation", "de-escalation", "stalemate"}
    assert labels(["US", "CN"]) == [
        "deal",
        "capitulation_US",
        "capitulation_CN",
        "de-escalation",
        "stalemate",
        "escalation",
    ]
    assert all(is_label(x) for x in labels(["US", "CN"]))
    assert not is_label("capitulation_") and not is_label("escalated") and not is_label("deal_day")
    assert label_order(["stalemate", "odd", "escalation", "capitulation_US", "deal", "de-escalation", "deal"]) == [
        "deal",
        "capitulation_US",
        "de-escalation",
        "stalemate",
        "escalation",
        "odd",
    ]


# ------------------------------------------------------------- one run each


def run(d):
    return run_replication(scenario_from_dict(d), 1, 0).summary


def set_tariff(d, day, value, actor="US"):
    d["calendar"].append({"type": "set", "date": day, "actor": actor, "instrument": "tariff", "value": value})


def test_run_escalation():
    d = base_dict()  # only the US tariff (0 to 2) moves anything on day 0: it carries the index
    set_tariff(d, "2025-01-11", 2.0)
    s = run(d)
    assert s["outcome"] == "escalation"
    assert s["hostility_end"] - s["hostility_start"] > BAND


def test_run_de_escalation():
    d = base_dict()
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = 2.0
    set_tariff(d, "2025-01-11", 0.0)
    s = run(d)
    assert s["outcome"] == "de-escalation"
    assert s["hostility_end"] - s["hostility_start"] < -BAND


def test_run_stalemate_small_moves_stay_in_the_band():
    d = base_dict()
    set_tariff(d, "2025-01-11", 0.05)  # 2.5% of its range: the index moves at most 0.025
    s = run(d)
    assert s["outcome"] == "stalemate"
    assert 0 < s["hostility_end"] - s["hostility_start"] <= BAND


def test_run_threat_carried_out_then_undone_is_no_escalation():
    """A carried-out threat counts only through the index: undone before the horizon, nothing is left."""
    d = base_dict()
    d["actors"]["CN"]["instruments"]["controls"]["initial"] = 1  # the condition (controls at most 0) is unmet
    add_threat(d)  # US tariff +1 at the day-30 deadline
    set_tariff(d, "2025-03-02", 0.0)  # day 60: back to where it started
    d["meta"]["calendar_yields_to"] = ["deals"]  # the calendar may undo the carried-out threat
    s = run(d)
    assert s["threat_t1_carried_out"] is True
    assert s["hostility_end"] == pytest.approx(s["hostility_start"], abs=1e-15)
    assert s["outcome"] == "stalemate"


def test_run_capitulation_meeting_a_threat_even_when_the_index_falls():
    d = base_dict()
    d["actors"]["CN"]["policy"] = {"name": "scripted", "params": {"concede_to_threats": True}}
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = 2.0
    cut_off(d, tier=1)
    add_threat(d, add=0.0)
    set_tariff(d, "2025-02-10", 0.0)  # day 40: the index falls far, yet China gave in first
    s = run(d)
    assert s["outcome"] == "capitulation_CN" and s["capitulation_day"] == 28.0
    assert s["hostility_end"] - s["hostility_start"] < -BAND


def _deal(d, duration):
    committed(d)
    set_tariff(d, "2025-01-01", 0.5)
    d["calendar"].append({"type": "summit", "date": "2025-01-21", "parties": ["US", "CN"]})
    d["deal_space"] = {
        "duration_days": duration,
        "items": [{"actor": "US", "instrument": "tariff", "values": [0.0, 0.5]}],
    }


def test_run_deal_in_force_at_the_horizon():
    d = base_dict()
    _deal(d, 365)
    s = run(d)
    assert s["outcome"] == "deal" and s["deal_in_force_at_horizon"] is True


def test_run_deal_expired_before_the_horizon_is_still_a_deal():
    d = base_dict()
    _deal(d, 30)  # day 20 + 30: expires on day 50 and snaps back, the horizon is day 100
    d["deal_space"]["renew"] = False
    res = run_replication(scenario_from_dict(d), 1, 0)
    assert events(res, "deal_expired")
    assert res.summary["outcome"] == "deal" and res.summary["deal_in_force_at_horizon"] is False
