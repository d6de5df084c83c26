"""The disagreement point of talks and the public belief over what a responder needs (MODEL §4–§6).

``d_i`` is each side's projected value of the dispute with no future agreement, in which an
escalated instrument persists only when backing down would cost its owner more than keeping
it (its audience type); the belief over a responder's acceptance threshold mixes its private
signing cost with the types of its private stocks (docs/model.md §6a).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sim.bargaining.screening import Belief
from sim.engine.stocks import stock_set

Table = Any  # sim.engine.negotiation.Table (the talks' view of the engine), not imported: no import circle


def disagreement(engine: Table, horizon: float, parties: Sequence[str]) -> tuple[dict[str, Any], dict[str, float]]:
    """Each actor's projected loss on the dispute path, with escalations persisting only when credible.

    An instrument more hostile than its calibration reference is reverted to the reference
    in the projection iff reverting costs its owner less over the horizon than keeping it,
    counting the owner's cost of backing down (its audience type; 0 without one). A revert is
    a move now: the instrument's later known changes (calendar moves, pending threats) still
    happen, exactly as in the comparison that decided it (:meth:`Projector.project_options`).
    """
    ds = engine.sc.deal_space
    assert ds is not None
    world, proj = engine.world, engine.projector
    sched = engine.scheduled(ds.threats_in_disagreement)
    reverted: dict[str, float] = {}
    for owner in parties:
        escalated = [
            (ref, world.reference[ref])
            for ref in (f"{owner}.{n}" for n in engine.sc.actors[owner].instruments)
            if world.hostility(ref, world.reference[ref], world.values[ref]) > 0
        ]
        if not escalated:
            continue
        loss = proj.project_options(horizon, escalated, sched, owner, relative=True)
        cost = engine.reputation.true.get(owner, 0.0)
        for (ref, v), lv in zip(escalated, loss[1:]):
            if float(lv) + cost < float(loss[0]):
                reverted[ref] = v
    return proj.project(horizon, {}, sched, moves=reverted), reverted


def belief_over(
    engine: Table, actor: str, horizon: float, nodeal: Mapping[str, Any], reverted: dict[str, float]
) -> Belief:
    """The public belief over what ``actor`` needs to accept, on top of its true disagreement value.

    Its signing cost is private (``signing_multiple·a``, ``a`` uniform on the public belief);
    so is the stock of each chokepoint it consumes with ``private_stock``: the belief's stock
    types each give another disagreement value ``d_k``, and the actor accepts a gain ``g``
    over its true ``d`` iff ``g ≥ cost + (d_k − d)``. A mixture of uniforms, one per type.

    Also returns the largest shift ``d_k − d`` over the whole support of the stock belief (at
    its upper end, not only the types' midpoints): a rejected offer ``x`` then proves
    ``cost > x − that shift`` whatever the true stock.
    """
    lo, hi = engine.reputation.signing_belief(actor)
    stocks = engine.stocks
    mine = [name for name in stocks.private() if engine.sc.chokepoints[name].consumer == actor]
    if not mine:
        return Belief.uniform(lo, hi), 0.0
    ds = engine.sc.deal_space
    assert ds is not None
    sched = engine.scheduled(ds.threats_in_disagreement)
    true_loss = float(nodeal[actor])
    comps: list[tuple[float, float, float]] = []
    top = 0.0
    for name in mine:  # one private stock at a time (the others at their true level)
        drawn = stocks.drawdown(name)
        for p, stock in [*stocks.types(name), (0.0, stocks.bounds(name)[1] - drawn)]:
            with stock_set(engine.world, name, max(stock, 0.0)):
                loss_k = float(engine.projector.project(horizon, {}, sched, moves=reverted)[actor])
            shift = true_loss - loss_k  # d_k − d in values
            if p > 0.0:
                comps.append((p / len(mine), lo + shift, hi + shift))
            top = max(top, shift)
    return Belief(tuple(comps)), top
