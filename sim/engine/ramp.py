"""The alternative supply of a chokepoint inside a projection: capacity updates and the rent lost to it."""

from __future__ import annotations

import math
from typing import Any

from sim.model.chokepoints import diversification_rate
from sim.model.welfare import pv_factor


def ramp_updates(ch: Any, t0: float, t1: float) -> list[tuple[float, float, float]]:
    """``(day, x, xb)`` after each capacity update in ``(t0, t1)`` that changes the alternative supply.

    The engine updates every ``alt_review`` days from day 0 (``chokepoints._alternative``); here at
    the base ramp only, without the shortage acceleration, capped at ``min(max_share, s)``.
    """
    if ch.ramp <= 0.0:
        return []
    review = ch.alt_review
    cap = min(ch.max_share, ch.s)
    step = ch.ramp * review
    x, xb = ch.x, ch.xb
    out = []
    k = math.floor(t0 / review) + 1
    while k * review < t1 and (x < cap or xb < cap):
        nx, nxb = min(cap, x + step), min(cap, xb + step)
        if (nx, nxb) != (x, xb):
            x, xb = nx, nxb
            out.append((k * review, x, xb))
        k += 1
    return out


def diversification(ch: Any, ramp: list[tuple[float, float, float]], t0: float, t1: float, rho: float) -> float:
    """The supplier's discounted rent lost to alternative supply beyond the baseline, ``rent·(x − xb)``
    held between capacity updates."""
    if not ramp:
        return pv_factor(t0, t1, rho) * diversification_rate(ch.rent, ch.x, ch.xb)
    out = 0.0
    a, x, xb = t0, ch.x, ch.xb
    for day, nx, nxb in ramp:
        out += pv_factor(a, day, rho) * diversification_rate(ch.rent, x, xb)
        a, x, xb = day, nx, nxb
    return out + pv_factor(a, t1, rho) * diversification_rate(ch.rent, x, xb)
