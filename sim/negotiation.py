"""Summits and talks: bargaining over the deal space.

The ``nash`` protocol picks the package that maximises the weighted Nash
product ``(u1 − d1)^α (u2 − d2)^(1−α)`` over the packages both sides prefer to
no deal (Nash 1950; asymmetric form, Kalai 1977). Utilities are projected
losses over the deal's duration, so a gain is a projected loss avoided.
"""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine


def nash_bargain(gain1: Any, gain2: Any, alpha: float = 0.5) -> int | None:
    """Index of the package maximising ``α·ln g1 + (1−α)·ln g2`` with both gains > 0.

    ``gain1``, ``gain2``: arrays of each side's gain over disagreement, one entry
    per package. Returns ``None`` when no package leaves both sides better off
    (agreement only if both gain). Ties go to the lowest index.
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
    """Closed form: player 1's share of a pie under the weighted Nash solution.

    ``x1 = d1 + α·(pie − d1 − d2)``, for a pie both value linearly.
    """
    return d1 + alpha * (pie - d1 - d2)


def patience_weight(rate1: float, rate2: float) -> float:
    """Bargaining weight of side 1 from loss rates: the faster loser is less patient.

    As the time between offers shrinks, Rubinstein's split tends to
    ``r2/(r1 + r2)`` (Binmore, Rubinstein & Wolinsky 1986); we use that limit
    with the sides' current loss rates in place of their discount rates.
    """
    r1, r2 = max(rate1, 0.0), max(rate2, 0.0)
    if r1 + r2 <= 0:
        return 0.5
    return r2 / (r1 + r2)


_GRIDS: dict[tuple, dict[str, np.ndarray]] = {}  # package grids by deal space (read-only)


def package_grid(items: list[tuple[str, list[float]]]) -> dict[str, np.ndarray]:
    """Every combination of the items' values, as one array per instrument."""
    refs = [r for r, _ in items]
    combos = list(itertools.product(*[vals for _, vals in items]))
    arr = np.asarray(combos, dtype=float).reshape(len(combos), len(refs))
    return {r: arr[:, i] for i, r in enumerate(refs)}


def negotiate(engine: "Engine", parties: list[str]) -> tuple[dict[str, float], dict[str, float]] | None:
    """Run the ``nash`` protocol at the engine's current time.

    Returns ``(package, gains)`` if a package is found and both policies accept.
    """
    ds = engine.sc.deal_space
    assert ds is not None
    p1, p2 = parties
    items = [(f"{i.actor}.{i.instrument}", list(i.values)) for i in ds.items if i.actor in parties]
    if not items:
        return None
    key = tuple((r, tuple(v)) for r, v in items)
    grid = _GRIDS.get(key)
    if grid is None:
        grid = _GRIDS[key] = package_grid(items)
    h = ds.duration_days
    proj = engine.projector
    no_deal = proj.project(h, {}, engine.scheduled(include_threats=ds.threats_in_disagreement))
    deal = proj.project(h, grid, engine.scheduled(include_threats=False))
    g1 = no_deal[p1] - deal[p1]
    g2 = no_deal[p2] - deal[p2]
    if ds.weights == "equal":
        alpha = 0.5
    elif ds.weights == "patience":
        alpha = patience_weight(float(np.asarray(no_deal[p1])) / h, float(np.asarray(no_deal[p2])) / h)
    else:
        w1, w2 = ds.weights.get(p1, 1.0), ds.weights.get(p2, 1.0)
        alpha = w1 / (w1 + w2)
    idx = nash_bargain(g1, g2, alpha)
    if idx is None:
        return None
    package = {r: float(v[idx]) for r, v in grid.items()}
    gains = {p1: float(g1[idx]), p2: float(g2[idx])}
    if all(engine.actors[p].policy.accept_deal(engine.actors[p].view, gains[p]) for p in parties):
        return package, gains
    return None
