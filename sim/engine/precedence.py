"""What stands over a scheduled calendar move: a deal in force, a carried-out threat.

``meta.calendar_yields_to`` states the precedence (by default both stand). A
calendar move (``set`` or ``licensing``) of an instrument a deal has locked, or
that a carried-out threat holds, is held back and logged as ``superseded`` with
what held it back. A threat holds its instrument from the day it is carried out
until a deal sets the instrument or a move steps it back (a concession, a policy
move down); later calendar moves of the instrument then apply again. Deals lock
their instruments against every move but their own (:mod:`~sim.engine.deals`);
with ``deals`` left out of the list, calendar moves pass the lock.

The known future changes the policies project with must agree: :meth:`Precedence.visible`
leaves out the calendar moves the engine will hold back.
"""

from __future__ import annotations

import math
from typing import Any

from sim.engine.calendar import Change
from sim.engine.events import EventKind
from sim.engine.world import World

CALENDAR_KINDS = (EventKind.CALENDAR, EventKind.LICENSING)
DEAL_KINDS = (EventKind.DEAL, EventKind.EXPIRY)


class Precedence:
    """Which moves are held back now, and which scheduled changes the engine will make."""

    def __init__(self, yields_to: list[str], world: World, deals: Any) -> None:
        self.deals_stand = "deals" in yields_to
        self.threats_stand = "threats" in yields_to
        self.world = world
        self.deals = deals  # the DealBook: ``locked`` instruments until day ``until``
        self.threat_held: dict[str, str] = {}  # instrument ref -> the carried-out threat holding it

    def holds(self, ref: str, kind: EventKind) -> str | None:
        """What holds back a ``kind`` move of ``ref`` now (``None``: nothing, the move applies)."""
        calendar = kind in CALENDAR_KINDS
        if ref in self.deals.locked and kind not in DEAL_KINDS and (self.deals_stand or not calendar):
            return "the deal in force"
        if calendar and self.threats_stand and ref in self.threat_held:
            return f"carried-out threat {self.threat_held[ref]}"
        return None

    def record(self, ref: str, kind: EventKind, old: float, new: float, note: str) -> None:
        """A move of ``ref`` was made: a threat starts holding it; a deal or a step back ends the hold."""
        if kind == EventKind.THREAT:
            self.threat_held[ref] = note
        elif kind in DEAL_KINDS or (kind not in CALENDAR_KINDS and self.world.hostility(ref, old, new) < 0):
            self.threat_held.pop(ref, None)

    def visible(self, calendar: list[Change], threats: list[Change]) -> list[Change]:
        """The calendar changes the engine will make, given the threat changes assumed carried out.

        Left out: moves of an instrument a carried-out threat holds, or a threat in
        ``threats`` will hold from its deadline on, and moves of a locked instrument
        before the deal in force expires.
        """
        locked = self.deals.locked if self.deals_stand else ()
        until = self.deals.until if locked else -math.inf
        held: dict[str, float] = {}
        if self.threats_stand:
            held = dict.fromkeys(self.threat_held, -math.inf)
            for day, ref, _ in threats:
                held[ref] = min(held.get(ref, math.inf), day)
        if not held and not locked:
            return calendar
        return [c for c in calendar if not (c[1] in locked and c[0] <= until) and not c[0] > held.get(c[1], math.inf)]

    def threat_changes(self, threats: list[Change]) -> list[Change]:
        """Threat changes the deal in force leaves standing (it holds back every move but its own)."""
        locked = self.deals.locked
        if not locked:
            return threats
        return [c for c in threats if not (c[1] in locked and c[0] <= self.deals.until)]
