"""Bargaining protocols as pure functions over a finite set of packages, and their registry."""

from __future__ import annotations

from sim.bargaining.alternating import (
    Agreement,
    alternating_offers,
    round_discount,
    rubinstein_share,
)
from sim.bargaining.base import REGISTRY, Settings, protocol_checks, register
from sim.bargaining.nash import nash_bargain, nash_split, patience_weight

__all__ = [
    "REGISTRY",
    "Agreement",
    "Settings",
    "alternating_offers",
    "nash_bargain",
    "nash_split",
    "patience_weight",
    "protocol_checks",
    "register",
    "round_discount",
    "rubinstein_share",
]
