"""Scheduled calendar moves against carried-out threats and deals (``meta.calendar_yields_to``)."""

from __future__ import annotations

import numpy as np

from sim.engine.columns import series_columns
from sim.engine.compile import scenario_from_dict
from sim.engine.core import Engine, run_replication
from sim.engine.events import EventKind
from sim.engine.precedence import Precedence

from ..conftest import base_dict, committed
from .test_engine import add_threat

THREAT_DAY = 30.0  # add_threat's deadline, 2025-01-31
CALENDAR_DAY = 60.0  # 2025-03-02


def setup(yields_to=None):
    """A US tariff threat (+1 at day 30) whose condition China does not meet, then a calendar cut to 0.54."""
    d = base_dict()
    d["actors"]["CN"]["instruments"]["controls"]["initial"] = 1  # the condition (controls at most 0) is unmet
    add_threat(d)
    d["calendar"].append({"type": "set", "date": "2025-03-02", "actor": "US", "instrument": "tariff", "value": 0.54})
    if yields_to is not None:
        d["meta"]["calendar_yields_to"] = yields_to
    return d


def run(d):
    sc = scenario_from_dict(d)
    res = run_replication(sc, 1, 0)
    return res, series_columns(sc)


def kinds(res, kind, instrument=None):
    return [e for e in res.events if e.kind == kind and (instrument is None or e.instrument == instrument)]


def final(res, cols, ref):
    return res.series[-1][cols.index(ref)]


def engine(d):
    sc = scenario_from_dict(d)
    _, s_summit, s_actors, s_lic = np.random.SeedSequence(1, spawn_key=(0,)).spawn(4)
    return Engine(sc, {}, [s_summit, s_actors, s_lic])


def test_carried_out_threat_holds_back_a_later_calendar_move_to_the_horizon():
    res, cols = run(setup())
    assert res.summary["threat_t1_carried_out"] is True
    (sup,) = kinds(res, EventKind.SUPERSEDED, "tariff")
    assert sup.t == CALENDAR_DAY and sup.new == 0.54 and sup.old == 1.0
    assert "carried-out threat t1" in sup.note and "calendar" in sup.note
    assert not kinds(res, EventKind.CALENDAR, "tariff")
    assert final(res, cols, "US.tariff") == 1.0  # 0 + the threat's add of 1, held to the horizon


def test_letting_the_calendar_win_applies_the_move():
    res, cols = run(setup(yields_to=["deals"]))
    assert res.summary["threat_t1_carried_out"] is True
    assert not kinds(res, EventKind.SUPERSEDED)
    (cal,) = kinds(res, EventKind.CALENDAR, "tariff")
    assert cal.t == CALENDAR_DAY and cal.old == 1.0 and cal.new == 0.54
    assert final(res, cols, "US.tariff") == 0.54


def test_a_deal_ends_the_threats_hold_and_later_calendar_moves_apply_again():
    d = setup()
    d["calendar"].append({"type": "summit", "date": "2025-02-10", "parties": ["US", "CN"]})  # day 40
    d["deal_space"] = {
        "duration_days": 10,
        "renew": False,  # the deal ends on day 50 and its items snap back
        "talks_after_deadlines": False,  # the deal comes at the summit, not at the threat's deadline
        "items": [{"actor": "US", "instrument": "tariff", "values": [0.0, 0.5]}],
    }
    committed(d)
    res, cols = run(d)
    (deal,) = kinds(res, EventKind.DEAL, "tariff")
    assert deal.t == 40.0 and deal.old == 1.0 and deal.new < 1.0
    (snap,) = kinds(res, EventKind.EXPIRY, "tariff")
    assert snap.t == 50.0 and snap.new == 1.0  # the deal's expiry puts the threat's level back, but no hold
    assert not kinds(res, EventKind.SUPERSEDED)
    (cal,) = kinds(res, EventKind.CALENDAR, "tariff")
    assert cal.t == CALENDAR_DAY and cal.new == 0.54
    assert final(res, cols, "US.tariff") == 0.54


def deal_then_calendar(yields_to=None):
    d = base_dict()
    d["calendar"].append({"type": "set", "date": "2025-01-01", "actor": "US", "instrument": "tariff", "value": 0.5})
    d["calendar"].append({"type": "summit", "date": "2025-01-21", "parties": ["US", "CN"]})  # day 20
    d["calendar"].append({"type": "set", "date": "2025-02-20", "actor": "US", "instrument": "tariff", "value": 1.0})
    d["deal_space"] = {"duration_days": 365, "items": [{"actor": "US", "instrument": "tariff", "values": [0.0, 0.5]}]}
    committed(d)
    if yields_to is not None:
        d["meta"]["calendar_yields_to"] = yields_to
    return d


def test_a_deal_in_force_holds_a_calendar_move_back():
    res, cols = run(deal_then_calendar())
    (deal,) = kinds(res, EventKind.DEAL, "tariff")
    (sup,) = kinds(res, EventKind.SUPERSEDED, "tariff")
    assert sup.t == 50.0 and sup.new == 1.0 and "the deal in force" in sup.note
    assert final(res, cols, "US.tariff") == deal.new


def test_letting_the_calendar_win_over_deals_passes_the_lock():
    res, cols = run(deal_then_calendar(yields_to=["threats"]))
    assert kinds(res, EventKind.DEAL, "tariff")
    assert not kinds(res, EventKind.SUPERSEDED)
    assert final(res, cols, "US.tariff") == 1.0


def test_projection_leaves_out_the_calendar_moves_the_engine_holds_back():
    cut = (CALENDAR_DAY, "US.tariff", 0.54)
    e = engine(setup())
    e.env.run(until=10.0)  # the threat is announced (day 4), not yet carried out
    assert cut in e.scheduled(include_threats=False)
    with_threats = e.scheduled(include_threats=True)
    assert (THREAT_DAY, "US.tariff", 1.0) in with_threats and cut not in with_threats
    e.env.run(until=45.0)  # carried out on day 30
    assert e.world.values["US.tariff"] == 1.0
    assert cut not in e.scheduled(include_threats=False) and cut not in e.scheduled(include_threats=True)

    e = engine(setup(yields_to=[]))
    e.env.run(until=10.0)
    assert cut in e.scheduled(include_threats=True)
    e.env.run(until=45.0)
    assert cut in e.scheduled(include_threats=False)


def test_projection_leaves_out_calendar_moves_before_the_deal_expires():
    d = deal_then_calendar()
    d["deal_space"]["duration_days"] = 20  # the deal of day 20 expires on day 40
    d["calendar"].append({"type": "set", "date": "2025-03-12", "actor": "US", "instrument": "tariff", "value": 0.3})
    e = engine(d)
    e.env.run(until=25.0)
    assert e.deals.locked == {"US.tariff"} and e.deals.until == 40.0
    sched = e.scheduled(include_threats=False)
    assert (50.0, "US.tariff", 1.0) in sched  # after the expiry: the engine applies it
    e = engine(deal_then_calendar())  # a year-long deal: the day-50 move is held back
    e.env.run(until=25.0)
    assert (50.0, "US.tariff", 1.0) not in e.scheduled(include_threats=False)


def test_licensing_move_yields_to_a_threat_on_the_approval_share_only():
    d = base_dict()
    cn = d["actors"]["CN"]["instruments"]
    cn["approval"]["initial"] = 0.8
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = 0.5
    add_threat(d, actor="CN", target="US", instrument="approval", add=None, value=0.2)
    d["calendar"][-1]["condition"] = {"actor": "US", "instrument": "tariff", "at_most": 0.0}
    d["calendar"].append({"type": "licensing", "date": "2025-03-02", "actor": "CN", "approval": 0.9, "delay_days": 10})
    d["calendar"][-1].update(approval_instrument="approval", delay_instrument="delay")
    res, cols = run(d)
    assert res.summary["threat_t1_carried_out"] is True
    (sup,) = kinds(res, EventKind.SUPERSEDED)
    assert sup.instrument == "approval" and sup.new == 0.9 and "carried-out threat t1" in sup.note
    (lic,) = kinds(res, EventKind.LICENSING)
    assert lic.instrument == "delay" and lic.new == 10.0  # nothing holds the delay
    assert final(res, cols, "CN.approval") == 0.2
    assert final(res, cols, "CN.delay") == 10.0
    e = engine(d)
    e.env.run(until=45.0)
    sched = e.scheduled(include_threats=False)
    assert (CALENDAR_DAY, "CN.delay", 10.0) in sched and (CALENDAR_DAY, "CN.approval", 0.9) not in sched


class _World:
    @staticmethod
    def hostility(ref, old, new):
        return (new - old) / 0.1  # hostile up, step 0.1


class _Deals:
    locked = frozenset()
    until = -float("inf")


def test_a_step_back_ends_the_hold_an_escalation_keeps_it():
    p = Precedence(["deals", "threats"], _World(), _Deals())
    p.record("US.tariff", EventKind.THREAT, 0.0, 1.0, "t1")
    assert p.holds("US.tariff", EventKind.CALENDAR) == "carried-out threat t1"
    assert p.holds("US.tariff", EventKind.MOVE) is None  # only calendar moves yield
    p.record("US.tariff", EventKind.MOVE, 1.0, 1.2, "")  # further up: the threat still stands
    assert p.holds("US.tariff", EventKind.LICENSING) is not None
    p.record("US.tariff", EventKind.CONCESSION, 1.2, 1.1, "steps back")
    assert p.holds("US.tariff", EventKind.CALENDAR) is None
    p.record("US.tariff", EventKind.THREAT, 0.0, 1.0, "t2")
    p.record("US.tariff", EventKind.DEAL, 1.0, 1.0, "deal terms")  # a deal ends it even at the same level
    assert p.holds("US.tariff", EventKind.CALENDAR) is None
