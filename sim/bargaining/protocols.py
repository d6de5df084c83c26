"""Bargaining protocols as pure functions over a finite set of packages.

A package gives side 1 the gain ``g1`` and side 2 the gain ``g2`` over
disagreement. Two protocols:

- :func:`nash_bargain` — the weighted Nash product (Nash 1950);
- :func:`alternating_offers` — subgame-perfect alternating offers (Rubinstein
  1982 for an infinite horizon, Ståhl 1972 for a finite one), with a breakdown
  probability per round and outside options (Binmore, Shaked & Sutton 1989).

Both work on any package set, so the textbook unit pie is just the packages
``(x, 1 − x)`` on a fine grid (see ``tests/theory``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


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


def rubinstein_share(delta1: float, delta2: float) -> float:
    """Closed form: the first proposer's share of a unit pie, ``(1−δ2)/(1−δ1·δ2)``."""
    return (1.0 - delta2) / (1.0 - delta1 * delta2)


def patience_weight(rate1: float, rate2: float) -> float:
    """Bargaining weight of side 1 from its rate of loss: the faster loser is less patient.

    With ``δi = exp(−ri·Δ)`` and ``Δ → 0`` Rubinstein's split tends to
    ``r2/(r1 + r2)`` (Binmore, Rubinstein & Wolinsky 1986).
    """
    r1, r2 = max(rate1, 0.0), max(rate2, 0.0)
    if r1 + r2 <= 0:
        return 0.5
    return r2 / (r1 + r2)


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


def alternating_offers(gain1: Any, gain2: Any, delta1: float, delta2: float, rounds: int | None = None,
                       breakdown: float = 0.0, first: int = 1, outside: tuple[float, float] = (0.0, 0.0),
                       tol: float = 1e-13, max_rounds: int = 1_000_000) -> Agreement:
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
    neg_f2 = -f2  # ascending, for searchsorted
    delta = (delta1 * (1.0 - breakdown), delta2 * (1.0 - breakdown))

    def propose(proposer: int, cont: tuple[float, float]) -> tuple[int | None, float, float]:
        """One round: proposer's best acceptable offer given continuation values."""
        resp = 1 - proposer
        threshold = max(outside[resp], delta[resp] * cont[resp])
        if proposer == 0:  # maximise f1 subject to f2 >= threshold: the last such index
            k = int(np.searchsorted(neg_f2, -threshold, side="right")) - 1
            ok = k >= 0
        else:  # maximise f2 subject to f1 >= threshold: the first such index
            k = int(np.searchsorted(f1, threshold, side="left"))
            ok = k < len(f1)
        # the proposer could instead let talks fail this round
        wait = (max(outside[0], delta[0] * cont[0]) if proposer == 1 else delta[0] * cont[0],
                max(outside[1], delta[1] * cont[1]) if proposer == 0 else delta[1] * cont[1])
        if ok and (f1[k], f2[k])[proposer] >= wait[proposer] - 1e-15:
            return k, float(f1[k]), float(f2[k])
        return None, wait[0], wait[1]

    first_i = first - 1
    proposer_of = lambda r: first_i if r % 2 == 1 else 1 - first_i  # noqa: E731 (round r, 1-based)
    if rounds is not None:
        cont = (0.0, 0.0)
        idx = None
        for r in range(rounds, 0, -1):
            idx, v1, v2 = propose(proposer_of(r), cont)
            cont = (v1, v2)
        return Agreement(None if idx is None else int(front[idx]), cont[0], cont[1], rounds)
    # infinite horizon: backward induction from ever later "last" rounds until a fixed point
    cont = (0.0, 0.0)
    prev: tuple[Any, ...] | None = None
    for n in range(1, max_rounds + 1):
        idx_b, b1, b2 = propose(1 - first_i, cont)  # round 2 (the other side proposes)
        idx_a, a1, a2 = propose(first_i, (b1, b2))  # round 1
        state = (idx_a, a1, a2)
        if prev is not None and prev[0] == idx_a and abs(prev[1] - a1) <= tol and abs(prev[2] - a2) <= tol:
            return Agreement(None if idx_a is None else int(front[idx_a]), a1, a2, 2 * n)
        prev = state
        cont = (a1, a2)
    raise RuntimeError("alternating offers did not converge; check the discount factors")
