"""How a run ended: the first deal, or the first side to capitulate."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Outcome:
    """The first deal (day and terms) and the first capitulation; whichever came first wins."""

    deal_day: float | None = None
    first_terms: dict[str, float] = field(default_factory=dict)
    capitulated: str | None = None
    capitulation_day: float = math.nan

    def deal(self, now: float, terms: dict[str, float]) -> None:
        if self.deal_day is None:
            self.deal_day = now
            self.first_terms = dict(terms)

    def capitulate(self, actor: str, now: float) -> None:
        if self.capitulated is None and self.deal_day is None:
            self.capitulated = actor
            self.capitulation_day = now

    def label(self, escalated: bool) -> str:
        """``deal``, ``capitulation_<actor>``, ``escalation`` or ``stalemate``."""
        if self.deal_day is not None:
            return "deal"
        if self.capitulated is not None:
            return f"capitulation_{self.capitulated}"
        return "escalation" if escalated else "stalemate"
