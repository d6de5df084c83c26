"""Bargaining protocols as pure functions over a finite set of packages."""
from __future__ import annotations

from sim.bargaining.protocols import (Agreement, alternating_offers, nash_bargain, nash_split, patience_weight,
                                      round_discount, rubinstein_share)

__all__ = ["Agreement", "alternating_offers", "nash_bargain", "nash_split", "patience_weight", "round_discount",
           "rubinstein_share"]
