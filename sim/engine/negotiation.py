"""Summits and talks: bargaining over the deal space.

A package sets each deal item to one of its listed values and each transfer to
one of its amounts. A side's gain from a package is the projected loss it
avoids over the deal's duration (against no deal, with pending threats carried
out if ``threats_in_disagreement``), plus transfers received, minus transfers
paid. Protocols (``sim.bargaining``):

- ``nash``: the weighted Nash product over packages both sides prefer to no
  deal; weights equal, by actor, or from patience;
- ``alternating_offers``: the subgame-perfect outcome of alternating offers
  (Rubinstein / Ståhl), with per-round discount factors from each side's loss
  rate and the time between rounds, and a breakdown probability per round.
"""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.bargaining.protocols import alternating_offers, nash_bargain, patience_weight, round_discount
from sim.engine.world import TRANSFER

if TYPE_CHECKING:  # pragma: no cover
    from sim.engine.core import Engine

_GRIDS: dict[tuple, dict[str, np.ndarray]] = {}  # package grids by deal space (read-only)


def package_grid(items: list[tuple[str, list[float]]]) -> dict[str, np.ndarray]:
    """Every combination of the items' values, as one array per key."""
    refs = [r for r, _ in items]
    combos = list(itertools.product(*[vals for _, vals in items]))
    arr = np.asarray(combos, dtype=float).reshape(len(combos), len(refs))
    return {r: arr[:, i] for i, r in enumerate(refs)}


def transfer_key(payer: str, payee: str) -> str:
    return f"transfer.{payer}.{payee}"


def is_transfer(key: str) -> bool:
    return key.startswith("transfer.")


def negotiate(engine: "Engine", parties: list[str], spec: Any = None, ask: bool = True
              ) -> tuple[dict[str, float], dict[str, float]] | None:
    """Bargain now; return ``(package, gains)`` if both sides agree, else ``None``.

    ``spec`` carries the protocol and its settings (a calendar ``Summit``, or
    ``None`` for the deal space's default ``nash``).
    """
    ds = engine.sc.deal_space
    assert ds is not None
    p1, p2 = parties
    items = [(f"{i.actor}.{i.instrument}", list(i.values)) for i in ds.items if i.actor in parties]
    items += [(transfer_key(t.payer, t.payee), list(t.values_bn)) for t in ds.transfers
              if t.payer in parties and t.payee in parties]
    if not items:
        return None
    key = tuple((r, tuple(v)) for r, v in items)
    grid = _GRIDS.get(key)
    if grid is None:
        grid = _GRIDS[key] = package_grid(items)
    instruments = {r: v for r, v in grid.items() if not is_transfer(r)}
    h = ds.duration_days
    proj = engine.projector
    no_deal = proj.project(h, {}, engine.scheduled(include_threats=ds.threats_in_disagreement))
    deal = proj.project(h, instruments, engine.scheduled(include_threats=False)) if instruments else no_deal
    n = len(next(iter(grid.values())))
    g1 = np.broadcast_to(np.asarray(no_deal[p1] - deal[p1], dtype=float), (n,)).copy()
    g2 = np.broadcast_to(np.asarray(no_deal[p2] - deal[p2], dtype=float), (n,)).copy()
    w = engine.world.weights
    for r, v in grid.items():
        if is_transfer(r):
            _, payer, payee = r.split(".")
            for side, g in ((p1, g1), (p2, g2)):
                if side == payee:
                    g += w[side][TRANSFER] * v
                elif side == payer:
                    g -= w[side][TRANSFER] * v
    rate1 = float(np.asarray(no_deal[p1])) / h
    rate2 = float(np.asarray(no_deal[p2])) / h
    protocol = getattr(spec, "protocol", "nash")
    if protocol == "alternating_offers":
        rho = engine.world.rho
        # a day of delay burns the no-deal loss rate out of the best gain on offer
        r1 = rho + max(rate1, 0.0) / max(float(g1.max()), 1e-12)
        r2 = rho + max(rate2, 0.0) / max(float(g2.max()), 1e-12)
        d1, d2 = round_discount(r1, spec.round_days), round_discount(r2, spec.round_days)
        breakdown = engine.param(spec.breakdown)
        first = 2 if spec.first_proposer == p2 else 1
        idx = alternating_offers(g1, g2, d1, d2, rounds=spec.rounds, breakdown=breakdown, first=first).index
        if idx is not None and not (g1[idx] > 0 and g2[idx] > 0):
            idx = None
    else:
        if ds.weights == "equal":
            alpha = 0.5
        elif ds.weights == "patience":
            alpha = patience_weight(rate1, rate2)
        else:
            wa, wb = ds.weights.get(p1, 1.0), ds.weights.get(p2, 1.0)
            alpha = wa / (wa + wb)
        idx = nash_bargain(g1, g2, alpha)
    if idx is None:
        return None
    package = {r: float(v[idx]) for r, v in grid.items()}
    gains = {p1: float(g1[idx]), p2: float(g2[idx])}
    if not ask:
        return package, gains
    if all(engine.actors[p].policy.accept_deal(engine.actors[p].view, gains[p]) for p in parties):
        return package, gains
    return None
