"""How a run ended: its outcome label, and the one definition of the label set.

The rules (``docs/model.md``, "Outcome labels and the hostility index"), in order:

1. ``deal``: an agreement was reached at some point of the run (whether it is still
   in force at the horizon is the summary column ``deal_in_force_at_horizon``);
2. ``capitulation_<actor>``: no deal, and ``actor`` met the other side's demands
   unilaterally before anyone else did — it conceded (its policy gave in: every open
   threat against it had its condition met and its instruments stepped back), or it
   met an open threat's condition when warned of the deadline;
3. ``escalation`` / ``de-escalation`` / ``stalemate``: neither; the hostility index
   (:mod:`sim.engine.hostility`) ended more than :data:`BAND` above / below its start,
   or within the band.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

BAND = 0.05
"""Half-width of the stalemate band on the hostility index (which lies in [0, 1]).

A run without deal or capitulation is an ``escalation`` when the index ends more than
``BAND`` above its start, a ``de-escalation`` when it ends more than ``BAND`` below, and a
``stalemate`` otherwise (a change of exactly ±BAND is a stalemate). 0.05 is a modelling
choice: a twentieth of the way from the friendliest to the most hostile setting of every
instrument.
"""

DEAL = "deal"
ESCALATION = "escalation"
DE_ESCALATION = "de-escalation"
STALEMATE = "stalemate"
#: Prefix of ``capitulation_<actor>``, the label that names the actor who gave in.
CAPITULATION = "capitulation_"
#: Every label that names no actor, in display order (``capitulation_<actor>`` comes after ``deal``).
LABELS = (DEAL, DE_ESCALATION, STALEMATE, ESCALATION)


def capitulation(actor: str) -> str:
    """The label of a run in which ``actor`` capitulated."""
    return f"{CAPITULATION}{actor}"


def labels(actors: Iterable[str]) -> list[str]:
    """Every label a run between these actors can get, in display order."""
    return [DEAL, *(capitulation(a) for a in actors), *LABELS[1:]]


def is_label(name: str) -> bool:
    """Is ``name`` an outcome label (of some scenario)?"""
    return name in LABELS or (name.startswith(CAPITULATION) and len(name) > len(CAPITULATION))


def label_order(names: Iterable[str]) -> list[str]:
    """The distinct ``names`` in display order: ``deal``, the capitulations (in the order first
    given, e.g. the scenario's actors via :func:`labels`), then ``de-escalation``, ``stalemate``,
    ``escalation``; anything else last, sorted."""

    def key(name: str) -> tuple[int, str]:
        if name in LABELS:
            return (0 if name == DEAL else 1 + LABELS.index(name), "")
        if is_label(name):
            return (1, "")  # a capitulation: between deal and de-escalation, order kept (the sort is stable)
        return (len(LABELS) + 1, name)

    return sorted(dict.fromkeys(names), key=key)


def drift_label(hostility_start: float, hostility_end: float) -> str:
    """``escalation``, ``de-escalation`` or ``stalemate`` from the index's change over the run."""
    change = hostility_end - hostility_start
    if change > BAND:
        return ESCALATION
    if change < -BAND:
        return DE_ESCALATION
    return STALEMATE


@dataclass
class Outcome:
    """The first deal (day and terms) and the first capitulation before any deal."""

    deal_day: float | None = None
    first_terms: dict[str, float] = field(default_factory=dict)
    first_shares: dict[str, float] = field(default_factory=dict)
    first_duration: float = math.nan
    first_gains: dict[str, float] = field(default_factory=dict)
    capitulated: str | None = None
    capitulation_day: float = math.nan

    def deal(
        self,
        now: float,
        terms: dict[str, float],
        shares: dict[str, float] | None = None,
        duration: float = math.nan,
        gains: dict[str, float] | None = None,
    ) -> None:
        """The first deal of the run: its day, its terms (values from signing), the share of the
        duration each term holds, the deal's duration and each side's gain over no deal."""
        if self.deal_day is None:
            self.deal_day = now
            self.first_terms = dict(terms)
            self.first_shares = dict(shares or {})
            self.first_duration = duration
            self.first_gains = dict(gains or {})

    def deal_row(self, ds: Any, actors: list[str]) -> dict[str, float]:
        """The summary's columns of the first deal (NaN without one): each item's value from signing
        and the share of the duration it held, each transfer, the duration, each side's gain over no
        deal (net of its signing cost, $bn)."""
        row: dict[str, float] = {}
        for i in ds.items:
            row[f"deal_{i.actor}.{i.instrument}"] = self.first_terms.get(f"{i.actor}.{i.instrument}", math.nan)
        for t in ds.transfers:
            row[f"deal_transfer.{t.payer}.{t.payee}"] = self.first_terms.get(f"transfer.{t.payer}.{t.payee}", math.nan)
        for i in ds.items:
            row[f"deal_{i.actor}.{i.instrument}_share"] = self.first_shares.get(f"{i.actor}.{i.instrument}", math.nan)
        row["deal_duration_days"] = self.first_duration
        for a in actors:
            row[f"deal_gain_{a}"] = self.first_gains.get(a, math.nan)
        return row

    def capitulate(self, actor: str, now: float) -> None:
        """``actor`` met the other side's demands unilaterally (the first one before a deal counts)."""
        if self.capitulated is None and self.deal_day is None:
            self.capitulated = actor
            self.capitulation_day = now

    def label(self, hostility_start: float, hostility_end: float) -> str:
        """``deal``, else ``capitulation_<actor>``, else the drift of the hostility index (:func:`drift_label`)."""
        if self.deal_day is not None:
            return DEAL
        if self.capitulated is not None:
            return capitulation(self.capitulated)
        return drift_label(hostility_start, hostility_end)
