"""Payoff accounting: discounting and preference-weighted losses.

Losses are accumulated per component in $bn, discounted continuously to day 0 at
the rate ``rho`` per day (``meta.discount_rate_per_year / 365``). An actor's
payoff is minus the preference-weighted sum of its discounted loss components.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

DAYS_PER_YEAR = 365.0  # rates in the scenario are per year, the engine's per day


def discount_integral(a: Any, b: Any, rho: float) -> Any:
    """``∫_a^b exp(-rho t) dt``: the present value of a unit rate from day a to day b.

    Works on arrays; exact for ``rho = 0`` too (returns ``b - a``).
    """
    if rho == 0.0:
        return b - a
    return np.exp(-rho * a) * -np.expm1(-rho * (b - a)) / rho  # no cancellation at tiny rho


def pv_factor(a: float, b: float, rho: float) -> float:
    """Scalar :func:`discount_integral` (plain floats: the engine's hot path)."""
    return math.exp(-rho * a) * -math.expm1(-rho * (b - a)) / rho if rho > 0 else b - a


def discount_factor(t: float, rho: float) -> float:
    """Present value at day 0 of $1 at day ``t``: ``exp(-rho t)`` (one-off losses)."""
    return math.exp(-rho * t)


def weighted_rate(weights: Iterable[float], rates: Iterable[float]) -> float:
    """Preference-weighted sum of loss components (rates or amounts): ``Σ w_i x_i``."""
    return sum(w * x for w, x in zip(weights, rates))


def payoff(weights: Sequence[float], losses: Sequence[float]) -> float:
    """Minus the preference-weighted sum of the discounted loss components."""
    total: float = sum(map(operator.mul, weights, losses))
    return -total
