"""The weighted Nash bargaining solution over a finite set of packages (Nash 1950).

A package gives side 1 the gain ``g1`` and side 2 the gain ``g2`` over
disagreement; the solution maximises the weighted Nash product among the
packages both sides prefer to no deal.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.bargaining.base import Problem, Result, Settings, brw_weight, register
from sim.bargaining.frontier import nash_point


def nash_bargain(gain1: Any, gain2: Any, alpha: float = 0.5) -> int | None:
    """Index of the package maximising ``α·ln g1 + (1−α)·ln g2`` with both gains > 0.

    Returns ``None`` when no package leaves both sides better off (agreement only
    if both gain). Ties go to the lowest index.
    """
    g1 = np.asarray(gain1, dtype=float)
    g2 = np.asarray(gain2, dtype=float)
    ok = (g1 > 0) & (g2 > 0)
    if not ok.any():
        return None
    score = np.full(g1.shape, -np.inf)
    score[ok] = alpha * np.log(g1[ok]) + (1.0 - alpha) * np.log(g2[ok])
    return int(np.argmax(score))


def nash_split(d1: float, d2: float, alpha: float = 0.5, pie: float = 1.0) -> float:
    """Closed form: side 1's share of a pie under the weighted Nash solution.

    ``x1 = d1 + α·(pie − d1 − d2)``.
    """
    return d1 + alpha * (pie - d1 - d2)


def nash_weight(settings: Settings) -> float:
    """Side 1's weight α: ½ (equal), from patience, or from the weights by actor (default 1).

    ``patience`` is the Binmore–Rubinstein–Wolinsky weight from each side's discount
    rate and the talks' breakdown hazard (:func:`~sim.bargaining.base.brw_weight`);
    no-deal losses move the disagreement point, not the weight.
    """
    w = settings.weights
    if w == "equal":
        return 0.5
    if w == "patience":
        return brw_weight(*settings.rates, settings.hazard)
    if isinstance(w, str):
        raise TypeError(f"unknown bargaining weights '{w}'; known: equal, patience, or a weight per actor")
    p1, p2 = settings.parties
    wa, wb = w.get(p1, 1.0), w.get(p2, 1.0)
    return wa / (wa + wb)


@register("nash")
def nash(problem: Problem, settings: Settings) -> Result:
    """The weighted Nash solution on the convexified frontier (complete information: each side's
    signing cost is known and comes off its gain)."""
    c1, c2 = problem.costs
    return Result(nash_point(problem.parts, problem.d1 + c1, problem.d2 + c2, nash_weight(settings)))
