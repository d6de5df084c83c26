"""Typed records of what happened in a run: one :class:`Event` per row of ``events.parquet``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class EventKind(str, Enum):
    """What an event records. The value is the ``kind`` column of ``events.parquet``."""

    # instrument moves, by who or what moved the instrument
    CALENDAR = "calendar"
    LICENSING = "licensing"
    MOVE = "move"
    CONCESSION = "concession"
    THREAT = "threat"
    DEAL = "deal"
    EXPIRY = "expiry"
    SUPERSEDED = "superseded"
    # chokepoints
    STOCKOUT = "stockout"
    LICENCE_DECIDED = "licence_decided"
    # threats and concessions
    THREAT_ISSUED = "threat_issued"
    THREAT_CARRIED_OUT = "threat_carried_out"
    THREAT_WITHDRAWN = "threat_withdrawn"
    THREAT_CONCEDED = "threat_conceded"
    MOVE_CANCELLED = "move_cancelled"
    CONCEDE = "concede"
    # talks and deals
    SUMMIT = "summit"
    SUMMIT_CANCELLED = "summit_cancelled"
    TALKS = "talks"
    NO_DEAL = "no_deal"
    DEAL_RENEWED = "deal_renewed"
    DEAL_EXPIRED = "deal_expired"
    DEFECT = "defect"

    def __str__(self) -> str:
        return self.value


#: Columns of ``events.parquet`` after ``run`` (in this order).
EVENT_COLUMNS = ("t", "actor", "kind", "instrument", "old", "new", "note")


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened at day ``t``.

    ``old``/``new`` are instrument values for moves, a volume or a shortfall
    share for chokepoint events, and ``None`` where nothing was measured.
    """

    t: float
    actor: str | None
    kind: EventKind
    instrument: str | None = None
    old: float | None = None
    new: float | None = None
    note: str = ""
