"""The clock of one run: the SimPy environment, callbacks at a day, the event log and the series.

Every other component of the engine reads the time and records what happened
through a :class:`Scheduler`; none of them holds the SimPy environment for
anything else than its own processes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import simpy

from sim.engine.events import Event, EventKind
from sim.engine.world import World


class Scheduler:
    """SimPy environment, ``at(day, fn)``, the event log and the series snapshots.

    ``hostility`` scores the instruments of a series row (the ``hostility`` column; NaN without it).
    """

    def __init__(
        self,
        world: World,
        record_series: bool,
        hostility: Callable[[Mapping[str, float]], float] = lambda _values: math.nan,
    ) -> None:
        self.env = simpy.Environment()
        self.world = world
        self.hostility = hostility
        self.record_series = record_series
        self.events: list[Event] = []
        self.series: list[tuple[Any, ...]] = []
        self._refs = list(world.values)
        self._policies: list[Any] = []  # policies that add columns to the series

    @property
    def now(self) -> float:
        return self.env.now

    def at(self, day: float, fn: Callable[[], None]) -> None:
        """Call ``fn()`` at ``day`` (now if ``day`` has passed)."""
        ev = self.env.timeout(max(0.0, day - self.env.now))
        ev.callbacks.append(lambda _ev: fn())

    def log(
        self,
        kind: EventKind,
        actor: str | None,
        instrument: str | None = None,
        old: float | None = None,
        new: float | None = None,
        note: str = "",
    ) -> None:
        self.events.append(Event(self.env.now, actor, kind, instrument, old, new, note))

    def watch(self, policies: list[Any]) -> None:
        """Record these policies' ``series_values()`` with every row; turn the weekly grid on."""
        self._policies = policies
        if self.record_series:
            self.world.grid_hook = self.snapshot
            self.world.next_grid = 0.0

    def records(self, policy: Any) -> bool:
        """Does the series carry columns of ``policy``?"""
        return self.record_series and any(p is policy for p in self._policies)

    def snapshot(self) -> None:
        """One row of the series: the state as of the world's time."""
        if not self.record_series:
            return
        w = self.world
        row: list[Any] = [w.t]
        row += [w.values[r] for r in self._refs]
        row += [c.stock for c in w.chokes]
        row += [c.sigma for c in w.chokes]
        row += [-w.payoff(a) for a in w.actors]
        row.append(self.hostility(w.values))
        for p in self._policies:
            row += p.series_values()
        self.series.append(tuple(row))
