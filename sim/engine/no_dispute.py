"""The no-dispute path: each actor's loss rate with every instrument at its reference level from day 0.

Pain, resolve and attrition costs are measured against it (``World.reference_pain``/``reference_rate``).
"""

from __future__ import annotations

import math
from typing import Any

from sim.engine.links import Choke, choke_motive_rates
from sim.model.chokepoints import shortage_severity, stockout_time, withheld_rate


def no_dispute_path(world: Any) -> dict[str, list[tuple[float, float]]]:
    """Per actor of ``world`` (a :class:`~sim.engine.world.World`), the no-dispute path's weighted loss
    rate as ``[(from day, change of rate), ...]``.

    Instruments at the reference state from day 0 and licensing as in a run: the
    queue starts empty, so approved volume arrives (and denials are booked) from one
    mean delay on; stocks at their initial level, no alternative supply. Trade links
    cost nothing there (their zero). The consumer's shortage cost starts when its
    stock runs out and changes when approvals start arriving.
    """
    out: dict[str, list[tuple[float, float]]] = {a: [] for a in world.actors}
    rates = {a: 0.0 for a in world.actors}
    for c in world.chokes:
        unlicensed, licensed = world._flows_at(c, world.reference, 0.0)
        approval = world.reference[c.approval]
        d = world.reference[c.delay]
        rates[c.supplier] += choke_motive_rates(c.security, world.motive_weights, c.var, licensed, approval)
        withheld = withheld_rate(c.revenue_per_unit, licensed, approval)
        if withheld:
            out[c.supplier].append((d, withheld))
        out[c.consumer] += _shortage_changes(c, unlicensed, unlicensed + licensed * approval, d)
    return {a: sorted([(0.0, rates[a]), *out[a]]) for a in world.actors}


def _shortage_changes(c: Choke, before: float, after: float, d: float) -> list[tuple[float, float]]:
    """Changes of the consumer's shortage cost rate: inflow ``before`` until day ``d``, ``after`` from it."""

    def cost(inflow: float) -> float:
        return c.var * shortage_severity(0.0, inflow, c.gamma)

    net = 1.0 - before
    if net > 0.0 and c.stock0 < net * d:  # out of stock before approvals arrive
        t1 = c.stock0 / net
        return [(t1, cost(before)), (d, cost(after) - cost(before))]
    stock_d = c.stock0 - net * d
    ts = d + stockout_time(stock_d, after)
    return [(ts, cost(after))] if math.isfinite(ts) else []
