"""Bargaining protocols as pure functions over a finite set of packages, and their registry.

Names are imported from their modules on first use, so importing the package (or its
registry) does not import every protocol; the registry finds them on its first lookup.
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {
    "Agreement": "alternating",
    "alternating_offers": "alternating",
    "round_discount": "alternating",
    "rubinstein_share": "alternating",
    "round_discounts": "alternating",
    "nash_bargain": "nash",
    "nash_split": "nash",
    "brw_weight": "base",
    "first_proposer_share": "alternating",
    "REGISTRY": "base",
    "Settings": "base",
    "register": "base",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        return getattr(importlib.import_module(f"sim.bargaining.{_NAMES[name]}"), name)
    raise AttributeError(f"module 'sim.bargaining' has no attribute {name!r}")
