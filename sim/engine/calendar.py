"""The scenario's calendar: dated moves, their withdrawal, and the known future changes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from sim.engine.events import EventKind
from sim.engine.scheduler import Scheduler
from sim.scenario.schema import LicensingMove, Scenario, SetMove, Summit, ThreatMove

Change = tuple[float, str, float]  # (absolute day, instrument ref, value)


def instrument_changes(sc: Scenario) -> list[tuple[float, str, float, int]]:
    """Every instrument change the calendar announces: ``(day, ref, value, calendar index)``, by day."""
    out = []
    for i, m in enumerate(sc.calendar):
        if isinstance(m, SetMove):
            out.append((sc.day(m.date), f"{m.actor}.{m.instrument}", m.value, i))
        elif isinstance(m, LicensingMove):
            if m.approval is not None:
                out.append((sc.day(m.date), f"{m.actor}.{m.approval_instrument}", m.approval, i))
            if m.delay_days is not None:
                out.append((sc.day(m.date), f"{m.actor}.{m.delay_instrument}", m.delay_days, i))
    return sorted(out, key=lambda c: c[0])


Move = Callable[[str, str, float, str, str], bool]  # (actor, instrument, value, kind, note)


class Calendar:
    """Calendar moves: scheduled once, withdrawn by a concession, read as known future changes."""

    def __init__(self, sc: Scenario, clock: Scheduler) -> None:
        self.sc = sc
        self.clock = clock
        self.changes = instrument_changes(sc)
        self.cancelled: set[int] = set()  # calendar moves withdrawn by a concession

    def scheduled(self) -> list[Change]:
        """Instrument changes still to come (withdrawn moves left out), by day."""
        now = self.clock.now
        cancelled = self.cancelled
        return [c[:3] for c in self.changes if c[0] > now and c[3] not in cancelled]

    def pending(self, ref: str, ok: Callable[[float], bool]) -> list[int]:
        """Calendar indices of moves still to come on ``ref`` whose value fails ``ok``."""
        now = self.clock.now
        return [i for day, r, v, i in self.changes if r == ref and day > now and i not in self.cancelled and not ok(v)]

    def withdraw(self, index: int) -> None:
        self.cancelled.add(index)

    def start(self, move: Move, announce: Callable[[ThreatMove], None], summit: Callable[[Summit], None]) -> None:
        """Schedule every calendar entry (in file order, so same-day entries keep their order)."""
        sc, at = self.sc, self.clock.at
        for i, m in enumerate(sc.calendar):
            if isinstance(m, SetMove):
                at(sc.day(m.date), partial(self._set, i, m, move))
            elif isinstance(m, LicensingMove):
                at(sc.day(m.date), partial(self._licensing, m, move))
            elif isinstance(m, ThreatMove):
                at(sc.day(m.announced), partial(announce, m))
            elif isinstance(m, Summit):
                at(sc.day(m.date), partial(summit, m))

    def _set(self, index: int, m: SetMove, move: Move) -> None:
        if index in self.cancelled:
            return
        move(m.actor, m.instrument, m.value, EventKind.CALENDAR, m.note)

    @staticmethod
    def _licensing(m: LicensingMove, move: Move) -> None:
        if m.approval is not None:
            move(m.actor, m.approval_instrument, m.approval, EventKind.LICENSING, m.note)
        if m.delay_days is not None:
            move(m.actor, m.delay_instrument, m.delay_days, EventKind.LICENSING, m.note)
