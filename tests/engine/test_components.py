"""Each engine component on its own: chokepoint stockouts, the threat book, the calendar."""

from __future__ import annotations

import math

import pytest

from sim.engine.calendar import Calendar
from sim.engine.chokepoints import Chokepoints, stockout_day
from sim.engine.compile import scenario_from_dict
from sim.engine.links import AUDIENCE
from sim.engine.outcome import Outcome
from sim.engine.reputation import Reputation
from sim.engine.scheduler import Scheduler
from sim.engine.threats import ThreatBook
from sim.engine.world import World

from ..conftest import base_dict
from .test_engine import add_threat

S, I0 = 0.8, 20.0  # base_dict's magnets: supplier share and initial stock (days of demand)


def _world(d=None):
    sc = scenario_from_dict(d or base_dict())
    world = World(sc, {})
    return sc, world, Scheduler(world, record_series=False)


def _tier(world, tier):
    world.set("CN.controls", tier)
    world.refresh()


@pytest.mark.parametrize("tier, licensed", [(1, 0.5), (2, 1.0)])
def test_stockout_scheduled_at_closed_form(tier, licensed):
    """With approval 0 the licensed share never arrives: inflow = 1 − s·licensed and the stock
    runs out at I₀ / (1 − inflow)."""
    _, world, clock = _world()
    _tier(world, tier)
    inflow = 1.0 - S * licensed
    assert world.chokes[0].inflow == pytest.approx(inflow, abs=1e-15)
    cps = Chokepoints(world, clock, [])
    cps.reschedule()
    expected = I0 / (1.0 - inflow)
    assert world.chokes[0].due == pytest.approx(expected, rel=1e-15)
    clock.env.run(until=100)
    assert cps.stockout_day["magnets"] == pytest.approx(expected, rel=1e-12)
    assert [e.kind for e in clock.events] == ["stockout"]
    assert clock.events[0].new == pytest.approx(1.0 - inflow)


def test_stale_stockout_is_dropped_by_its_version():
    """Full cut-off on day 0 (out on day 25), half on day 10: stock 20 − 0.8·10 = 12 drains at 0.4/day."""
    _, world, clock = _world()
    _tier(world, 2)
    cps = Chokepoints(world, clock, [])
    cps.reschedule()

    def ease():
        world.advance(clock.now)
        _tier(world, 1)
        cps.reschedule()

    clock.at(10.0, ease)
    clock.env.run(until=100)
    assert cps.stockout_day["magnets"] == pytest.approx(10.0 + 12.0 / 0.4, rel=1e-12)
    assert len(clock.events) == 1


def test_stockout_day_is_infinite_without_a_drain():
    assert stockout_day(3.0, 10.0, 1.0) == math.inf
    assert stockout_day(3.0, 0.0, 0.5) == math.inf
    assert stockout_day(3.0, 10.0, 0.5) == 23.0


class _Stage:
    """A stand-in for the engine: records moves and messages."""

    def __init__(self, world):
        self.world = world
        self.moves, self.posts = [], []

    def move(self, actor, instrument, value, kind, note="", react=True):
        self.moves.append((actor, instrument, value, kind))
        self.world.set(f"{actor}.{instrument}", value)
        return True

    def post(self, actor, message):
        self.posts.append((actor, message[0]))


def _book(d):
    sc, world, clock = _world(d)
    calendar = Calendar(sc, clock)
    outcome = Outcome()
    book = ThreatBook(sc, {}, world, clock, calendar, outcome, Reputation(sc, {}))
    stage = _Stage(world)
    book.connect(stage.move, stage.post)
    return sc, world, clock, book, stage, outcome


def test_threat_book_carried_out():
    d = base_dict()
    d["calendar"].append({"type": "set", "date": "2025-01-01", "actor": "CN", "instrument": "controls", "value": 1})
    add_threat(d)
    _sc, world, clock, book, stage, _outcome = _book(d)
    world.set("CN.controls", 1)
    (t,) = book.threats
    assert book.status["t1"] == "scheduled" and book.pending() == []
    assert book.scheduled() == [(30.0, "US.tariff", 1.0)]  # deadline 2025-01-31, value 0 + add 1
    book.announce(t)
    assert book.status["t1"] == "pending" and book.pending("US") == [t] and book.pending("CN") == []
    clock.env.run(until=31)
    assert stage.posts == [("CN", "pre_deadline"), ("US", "deadline")]
    assert book.is_open(t)
    book.resolve(t, lambda _t: True)
    assert book.status["t1"] == "carried_out" and book.escalated()
    assert stage.moves == [("US", "tariff", 1.0, "threat")]
    book.resolve(t, lambda _t: True)  # resolved once only
    assert len(stage.moves) == 1 and book.scheduled() == []


def test_threat_book_backing_down_costs_the_audience_cost():
    d = base_dict()
    add_threat(d)
    _sc, world, _clock, book, stage, _outcome = _book(d)
    world.set("CN.controls", 1)
    (t,) = book.threats
    book.announce(t)
    book.resolve(t, lambda _t: False)
    assert book.status["t1"] == "withdrawn" and not book.escalated()
    assert world.losses["US"][AUDIENCE] == 7.0 and stage.moves == []


def test_threat_book_concession_withdraws_breaching_calendar_moves():
    d = base_dict()
    d["calendar"].append({"type": "set", "date": "2025-02-10", "actor": "CN", "instrument": "controls", "value": 2})
    add_threat(d)
    _sc, world, _clock, book, stage, outcome = _book(d)
    world.set("CN.controls", 1)
    (t,) = book.threats
    book.announce(t)
    assert not book.condition_met(t)
    book.concede_all("CN")
    assert stage.moves == [("CN", "controls", 0.0, "concession")]
    assert book.calendar.cancelled == {0}  # the announced move to tier 2 is withdrawn
    assert book.condition_met(t) and not book.is_open(t)
    assert world.losses["CN"][AUDIENCE] == 3.0
    assert outcome.capitulated == "CN"
    book.resolve(t, lambda _t: True)
    assert book.status["t1"] == "withdrawn"


def test_threat_book_settled_by_a_deal():
    d = base_dict()
    add_threat(d)
    _sc, _world, _clock, book, _stage, _outcome = _book(d)
    book.settle()
    assert book.status["t1"] == "settled" and book.scheduled() == []
    book.announce(book.threats[0])  # a settled threat is never announced
    assert book.status["t1"] == "settled"


def test_outcome_deal_before_capitulation_wins():
    out = Outcome()
    out.deal(5.0, {"a": 1.0})
    out.capitulate("CN", 6.0)
    out.deal(9.0, {"a": 2.0})
    assert out.label(0.0, 1.0) == "deal" and out.deal_day == 5.0 and out.first_terms == {"a": 1.0}
    assert out.capitulated is None
