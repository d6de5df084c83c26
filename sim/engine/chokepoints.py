"""Chokepoint queues: stockouts in closed form, licence cohorts, the alternative-supply ramp.

Between two events a chokepoint's stock moves linearly, ``I(t) = I₀ − (1 − inflow)·t``,
so the day it runs out is ``now + I₀ / (1 − inflow)``. That day is scheduled as a
SimPy timeout carrying the chokepoint's version; any later change of the rates
bumps the version and the stale timeout is ignored when it fires.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import partial
from typing import Any, Protocol

import numpy as np

from sim.engine.events import EventKind
from sim.engine.links import WITHHELD
from sim.engine.scheduler import Scheduler
from sim.engine.world import Choke, World
from sim.model.chokepoints import stockout_time, withheld_sales


class Watcher(Protocol):
    """An actor whose next epoch depends on its loss line (re-armed on every change)."""

    def arm(self) -> None: ...


def stockout_day(now: float, stock: float, inflow: float) -> float:
    """The day a stock of ``stock`` days of demand runs out at ``inflow`` (∞ if never, or if
    it is already out: then there is no crossing to schedule); the closed form is
    :func:`sim.model.chokepoints.stockout_time`."""
    return now + stockout_time(stock, inflow) if stock > 0.0 else math.inf


class Chokepoints:
    """The world's chokepoints as SimPy processes and scheduled crossings."""

    def __init__(self, world: World, clock: Scheduler, watchers: list[Watcher]) -> None:
        self.world = world
        self.clock = clock
        self.watchers = watchers  # filled by the engine once the actors exist
        self.stockout_day = {c.name: math.nan for c in world.chokes}

    def start(self, seed: np.random.SeedSequence) -> None:
        """Start each chokepoint's licence cohorts (own random stream) and its ramp."""
        env = self.clock.env
        for ch, ss in zip(self.world.chokes, seed.spawn(len(self.world.chokes))):
            ch.due = math.inf
            env.process(self._licensing(ch, np.random.default_rng(ss)))
            if ch.ramp > 0:
                env.process(self._alternative(ch))

    def reschedule(self) -> None:
        """(Re)schedule each stockout in closed form, and re-arm the actors that watch their loss."""
        now = self.clock.now
        self.world.advance(now)  # crossings are computed from the stock as of now
        for a in self.watchers:
            a.arm()
        for ch in self.world.chokes:
            due = stockout_day(now, ch.stock, ch.inflow)
            if due != ch.due:
                ch.version += 1
                ch.due = due
                if due < math.inf:
                    ev = self.clock.env.timeout(due - now)
                    ev.callbacks.append(partial(self._stockout, ch, ch.version))

    def _stockout(self, ch: Choke, version: int, _ev: Any) -> None:
        if version != ch.version:
            return  # stale: a later change moved the crossing
        w = self.world
        now = self.clock.now
        w.advance(now)
        ch.stock = 0.0
        ch.due = math.inf
        w.refresh()
        if math.isnan(self.stockout_day[ch.name]):
            self.stockout_day[ch.name] = now
        self.clock.log(EventKind.STOCKOUT, ch.consumer, ch.name, None, 1.0 - ch.inflow, "shortfall share")
        self.clock.snapshot()

    def _licensing(self, ch: Choke, rng: np.random.Generator) -> Iterator[Any]:
        """Applications filed in cohorts; each waits a gamma delay, is approved with p."""
        env = self.clock.env
        w = self.world
        while True:
            yield env.timeout(ch.cohort_days)
            volume = ch.licensed * ch.cohort_days
            if volume <= 1e-12:
                continue
            p = w.values[ch.approval]
            mean = w.values[ch.delay]
            delay = float(rng.gamma(ch.delay_shape, mean / ch.delay_shape)) if mean > 0 else 0.0
            approved = bool(rng.random() < p)
            entry = (env.now + delay, volume, p)
            ch.pipeline.append(entry)
            ev = env.timeout(delay)
            ev.callbacks.append(partial(self._decided, ch, entry, approved))

    def _decided(self, ch: Choke, entry: tuple[float, float, float], approved: bool, _ev: Any) -> None:
        ch.pipeline.remove(entry)
        volume = entry[1]
        now = self.clock.now
        if approved:
            w = self.world
            w.advance(now)
            was_empty = ch.stock <= 0.0
            ch.stock += volume
            if was_empty:  # a shortage ends: rates change; otherwise only the stockout moves
                w.refresh()
            self.reschedule()
        else:  # a lump loss needs no integration first
            self.world.lump(ch.supplier, WITHHELD, withheld_sales(ch.revenue_per_unit, volume), now)
            if self.watchers:
                self.reschedule()
        self.clock.log(
            EventKind.LICENCE_DECIDED, ch.supplier, ch.name, None, volume, "approved" if approved else "denied"
        )

    def _alternative(self, ch: Choke) -> Iterator[Any]:
        """Alternative supply ramps up; time in shortage speeds it (diversification)."""
        env = self.clock.env
        w = self.world
        cap = min(ch.max_share, ch.s)
        while True:
            yield env.timeout(ch.alt_review)
            w.advance(env.now)
            frac = ch.shortage_since_review / ch.alt_review
            ch.x = min(cap, ch.x + ch.ramp * ch.alt_review * (1.0 + ch.accel * frac))
            ch.xb = min(cap, ch.xb + ch.ramp * ch.alt_review)
            ch.shortage_since_review = 0.0
            w.refresh()
            self.reschedule()
