"""Alternating offers over a finite set of packages (Rubinstein 1982, Ståhl 1972).

A package gives side 1 the gain ``g1`` and side 2 the gain ``g2`` over
disagreement. :func:`alternating_offers` finds the subgame-perfect outcome, for an
infinite horizon (Rubinstein) or a finite one (Ståhl), with a breakdown
probability per round and outside options (Binmore, Shaked & Sutton 1989). It
works on any package set, so the textbook unit pie is just the packages
``(x, 1 − x)`` on a fine grid (see ``tests/bargaining/test_theory.py``).

The registered protocol discounts a round of ``Δ`` days by ``δ_i = exp(−(ρ_i+λ_b)Δ)``
(discount rate plus breakdown hazard, never the pie's size). With a side payment on
the table the frontier is a line and the split is solved exactly on it
(:func:`first_proposer_share`); the package search runs only without transfers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.bargaining.base import Problem, Result, Settings, register
from sim.bargaining.frontier import Point, alternating_point, frontier, nash_point, point_at


def rubinstein_share(delta1: float, delta2: float) -> float:
    """Closed form: the first proposer's share of a unit pie, ``(1−δ2)/(1−δ1·δ2)``."""
    return (1.0 - delta2) / (1.0 - delta1 * delta2)


def first_proposer_share(delta1: float, delta2: float, rounds: int | None = None) -> float:
    """Side 1's share of the surplus ``S − d1 − d2`` when it opens, on a continuous linear frontier.

    Infinite horizon (Rubinstein 1982): ``(1−δ2)/(1−δ1·δ2)``; with no discounting at
    all the weights are equal (½). ``rounds = n`` (Ståhl 1972): the last proposer
    takes all, and every two rounds back the gap to the stationary share shrinks by
    ``δ1·δ2``: ``x − x* = (δ1δ2)^((n−1)/2)·(1 − x*)`` for odd ``n`` and
    ``(δ1δ2)^((n−2)/2)·(1 − δ2 − x*)`` for even ``n``.
    """
    dd = delta1 * delta2
    if dd >= 1.0:
        return 0.5 if rounds is None else float(rounds % 2)  # δ = 1: the last proposer takes all
    star = (1.0 - delta2) / (1.0 - dd)
    if rounds is None:
        return star
    if rounds % 2 == 1:
        return star + dd ** ((rounds - 1) // 2) * (1.0 - star)
    return star + dd ** ((rounds - 2) // 2) * (1.0 - delta2 - star)


def round_discounts(settings: Settings) -> tuple[float, float]:
    """Per-round discount factors ``δ_i = exp(−(ρ_i + λ_b)·Δ)``: discount rate plus breakdown hazard.

    ``exp(−λ_b·Δ) = 1 − p``: surviving a round of talks is the same discount for both sides.
    """
    lam, dt = settings.hazard, settings.round_days
    r1, r2 = settings.rates
    return math.exp(-(max(r1, 0.0) + lam) * dt), math.exp(-(max(r2, 0.0) + lam) * dt)


def round_discount(rate: float, round_days: float) -> float:
    """Per-round discount factor ``exp(−r·Δ)`` for a rate ``r`` per day."""
    return math.exp(-max(rate, 0.0) * round_days)


@dataclass(frozen=True)
class Agreement:
    """The subgame-perfect outcome: the package agreed in round 1, and the values."""

    index: int | None  # None: no agreement (disagreement or an outside option taken)
    value1: float
    value2: float
    rounds_solved: int


def _frontier(g1: np.ndarray, g2: np.ndarray) -> np.ndarray:
    """Indices of the Pareto frontier, sorted by g1 ascending (so g2 descending)."""
    order = np.lexsort((-g2, g1))[::-1]  # g1 descending, ties by g2 descending
    keep = []
    best2 = -np.inf
    for i in order:
        if g2[i] > best2:
            keep.append(i)
            best2 = g2[i]
    return np.asarray(keep[::-1], dtype=int)


@dataclass(frozen=True)
class _Game:
    """The Pareto frontier of the packages and what each side gets by saying no."""

    f1: np.ndarray  # side 1's gains on the frontier, ascending
    f2: np.ndarray  # side 2's gains, descending
    neg_f2: np.ndarray  # -f2, ascending (for searchsorted)
    delta: tuple[float, float]  # per-round discount factors times the survival chance
    outside: tuple[float, float]


def _propose(game: _Game, proposer: int, cont: tuple[float, float]) -> tuple[int | None, float, float]:
    """One round: the proposer's best acceptable offer given continuation values."""
    f1, f2, delta, outside = game.f1, game.f2, game.delta, game.outside
    resp = 1 - proposer
    threshold = max(outside[resp], delta[resp] * cont[resp])
    if proposer == 0:  # maximise f1 subject to f2 >= threshold: the last such index
        k = int(np.searchsorted(game.neg_f2, -threshold, side="right")) - 1
        ok = k >= 0
    else:  # maximise f2 subject to f1 >= threshold: the first such index
        k = int(np.searchsorted(f1, threshold, side="left"))
        ok = k < len(f1)
    # the proposer could instead let talks fail this round
    wait = (
        max(outside[0], delta[0] * cont[0]) if proposer == 1 else delta[0] * cont[0],
        max(outside[1], delta[1] * cont[1]) if proposer == 0 else delta[1] * cont[1],
    )
    if ok and (f1[k], f2[k])[proposer] >= wait[proposer] - 1e-15:
        return k, float(f1[k]), float(f2[k])
    return None, wait[0], wait[1]


def alternating_offers(
    gain1: Any,
    gain2: Any,
    delta1: float,
    delta2: float,
    rounds: int | None = None,
    breakdown: float = 0.0,
    first: int = 1,
    outside: tuple[float, float] = (0.0, 0.0),
    tol: float = 1e-13,
    max_rounds: int = 1_000_000,
) -> Agreement:
    """Subgame-perfect equilibrium of alternating offers over the packages.

    Side ``first`` proposes in round 1, the other in round 2, and so on. A
    responder accepts an offer worth at least what it gets by saying no: the
    larger of its outside option and its continuation value, discounted by
    ``δ`` and by the chance ``1 − breakdown`` that talks survive the round. A
    proposer offers, among the acceptable packages, the one best for itself.
    After the last of ``rounds`` (finite horizon, Ståhl) talks end in
    disagreement (gains 0); ``rounds=None`` solves the infinite game (Rubinstein)
    as the limit of the finite ones, iterating until the values stop changing.
    """
    g = (np.asarray(gain1, dtype=float), np.asarray(gain2, dtype=float))
    if g[0].shape != g[1].shape or g[0].ndim != 1 or len(g[0]) == 0:
        raise ValueError("gain1 and gain2 must be non-empty 1-d arrays of the same length")
    if not 0.0 <= breakdown < 1.0:
        raise ValueError("breakdown must lie in [0, 1)")
    front = _frontier(*g)
    f1, f2 = g[0][front], g[1][front]
    game = _Game(f1, f2, -f2, (delta1 * (1.0 - breakdown), delta2 * (1.0 - breakdown)), outside)
    first_i = first - 1
    if rounds is not None:
        cont = (0.0, 0.0)
        idx = None
        for r in range(rounds, 0, -1):  # round r (1-based): the first proposer in odd rounds
            idx, v1, v2 = _propose(game, first_i if r % 2 == 1 else 1 - first_i, cont)
            cont = (v1, v2)
        return Agreement(None if idx is None else int(front[idx]), cont[0], cont[1], rounds)
    return _infinite(game, front, first_i, tol, max_rounds)


def _infinite(game: _Game, front: np.ndarray, first_i: int, tol: float, max_rounds: int) -> Agreement:
    """Backward induction from ever later "last" rounds until a fixed point (Rubinstein)."""
    cont = (0.0, 0.0)
    prev: tuple[int | None, float, float] | None = None
    for n in range(1, max_rounds + 1):
        _idx_b, b1, b2 = _propose(game, 1 - first_i, cont)  # round 2 (the other side proposes)
        idx_a, a1, a2 = _propose(game, first_i, (b1, b2))  # round 1
        if prev is not None and prev[0] == idx_a and abs(prev[1] - a1) <= tol and abs(prev[2] - a2) <= tol:
            return Agreement(None if idx_a is None else int(front[idx_a]), a1, a2, 2 * n)
        prev = (idx_a, a1, a2)
        cont = (a1, a2)
    raise RuntimeError("alternating offers did not converge; check the discount factors")


#: Beyond this many rounds a finite game is solved as the infinite one (the gap shrinks by δ1·δ2 every two rounds).
MAX_FINITE_ROUNDS = 20_000


def _finite(problem: Problem, delta: tuple[float, float], first: int, rounds: int) -> Point | None:
    """Ståhl's finite game on the continuous frontier: the last proposer takes all; each round
    back, the proposer offers the responder exactly its discounted continuation value."""
    c1, c2 = problem.costs
    d = (problem.d1 + c1, problem.d2 + c2)
    if nash_point(problem.parts, d[0], d[1], 0.5) is None:
        return None  # no point gives both sides a gain
    verts = frontier(problem.parts)
    cont = (0.0, 0.0)  # gains over d after the last round: disagreement
    point = verts[0]
    for r in range(rounds, 0, -1):
        resp = 2 if (first if r % 2 == 1 else 3 - first) == 1 else 1
        point = point_at(verts, resp, delta[resp - 1] * cont[resp - 1] + d[resp - 1])
        cont = (point.u1 - d[0], point.u2 - d[1])
    return point if cont[0] > 0.0 and cont[1] > 0.0 else None


@register("alternating_offers")
def alternating(problem: Problem, settings: Settings) -> Result:
    """Alternating offers on the continuous frontier, each side discounting a round by ``δ_i = exp(−(ρ_i+λ_b)Δ)``.

    Infinite horizon: the stationary subgame-perfect agreement (:func:`alternating_point`,
    Rubinstein 1982); a last round (``rounds``): backward induction from it (Ståhl 1972).
    Signing costs are known (complete information) and come off each side's gain; an
    agreement counts only if both sides gain.
    """
    delta = round_discounts(settings)
    first = settings.first
    if settings.rounds is None or settings.rounds > MAX_FINITE_ROUNDS:
        c1, c2 = problem.costs
        return Result(alternating_point(problem.parts, problem.d1 + c1, problem.d2 + c2, *delta, first=first))
    return Result(_finite(problem, delta, first, settings.rounds))
