"""Screening offers under private information (MODEL §6).

The responder has a private cost ``c`` of accepting (its disagreement value above the
public one); the proposer's belief about it is a mixture of uniforms, a degenerate
interval being a point mass (complete information). The responder accepts iff the
offer's gain ``u_R − d_R`` is at least ``c`` (myopic acceptance). The proposer offers
the frontier point maximising its expected gain ``(u_P − d_P)·P(c ≤ u_R − d_R)``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.bargaining.frontier import Part, Point, frontier, point_at


@dataclass(frozen=True)
class Belief:
    """A mixture of uniforms over the responder's cost: ``(probability, lo, hi)``; ``lo == hi`` is a point mass."""

    parts: tuple[tuple[float, float, float], ...]

    def __post_init__(self) -> None:
        if not self.parts:
            raise ValueError("a belief needs at least one component")
        for p, lo, hi in self.parts:
            if p < 0.0 or hi < lo:
                raise ValueError(f"bad belief component (p={p}, lo={lo}, hi={hi})")
        if abs(math.fsum(p for p, _, _ in self.parts) - 1.0) > 1e-9:
            raise ValueError("belief probabilities must sum to 1")

    def cdf(self, x: float) -> float:
        """``P(c ≤ x)``: right-continuous, so a point mass at ``x`` counts."""
        total = 0.0
        for p, lo, hi in self.parts:
            if x >= hi:
                total += p
            elif x > lo:
                total += p * (x - lo) / (hi - lo)
        return min(total, 1.0)

    def truncate_above(self, x: float) -> Belief:
        """The posterior after a rejected offer worth ``x``: ``c > x`` (each uniform cut to ``[max(lo, x), hi]``)."""
        kept: list[tuple[float, float, float]] = []
        for p, lo, hi in self.parts:
            if lo == hi:
                mass = p if lo > x else 0.0
            else:
                mass = p * (1.0 - min(max((x - lo) / (hi - lo), 0.0), 1.0))
            if mass > 0.0:
                kept.append((mass, max(lo, x) if lo < hi else lo, hi))
        total = math.fsum(m for m, _, _ in kept)
        if total <= 0.0:
            raise ValueError(f"no belief mass above {x}")
        return Belief(tuple((m / total, lo, hi) for m, lo, hi in kept))

    def breakpoints(self) -> list[float]:
        """Where the cdf has a kink or a jump."""
        return sorted({v for _, lo, hi in self.parts for v in (lo, hi)})

    @staticmethod
    def uniform(lo: float, hi: float) -> Belief:
        """``U[lo, hi]`` (a point mass when ``lo == hi``)."""
        return Belief(((1.0, lo, hi),))


def uniform_offer(surplus: float, d_p: float, lo: float, hi: float) -> tuple[float, float]:
    """Closed form (MODEL §6): offer ``x* = clip((S − d_P + lo)/2, lo, hi)``, ``P(breakdown) = (hi − x*)/(hi − lo)``.

    The responder accepts ``x`` iff ``x ≥ v`` with ``v ~ U[lo, hi]``; the proposer
    maximises ``(S − x − d_P)·(x − lo)/(hi − lo)``. A point mass (``lo == hi``) is
    offered exactly and never breaks down.
    """
    if hi < lo:
        raise ValueError("need lo <= hi")
    if hi == lo:
        return lo, 0.0
    x = min(max((surplus - d_p + lo) / 2.0, lo), hi)
    return x, (hi - x) / (hi - lo)


def screening_point(
    parts: Sequence[Part], d1: float, d2: float, proposer: int, belief: Belief
) -> tuple[Point, float] | None:
    """The proposer's best offer on the convexified frontier, and ``P(accept)``.

    With ``g`` the responder's gain, the proposer's best value ``ψ(g)`` on the
    frontier is piecewise linear and the belief's cdf ``F(g)`` is piecewise linear
    between its breakpoints, so on each piece ``(ψ(g) − d_P)·F(g)`` is quadratic:
    the maximum is at a vertex, a breakpoint (where ``F`` counts its point masses), or
    a piece's stationary point. ``None`` when no offer gives the proposer a positive
    expected gain.
    """
    if proposer not in (1, 2):
        raise ValueError("proposer must be 1 or 2")
    verts = frontier(parts)
    d_p, d_r = (d1, d2) if proposer == 1 else (d2, d1)
    g = np.array([(p.u2 - d2) if proposer == 1 else (p.u1 - d1) for p in verts])
    up = np.array([p.u1 if proposer == 1 else p.u2 for p in verts])
    if proposer == 2:  # make the responder's gain ascend
        g, up = g[::-1].copy(), up[::-1].copy()
    g_lo, g_hi = float(g[0]), float(g[-1])
    grid = sorted({*g.tolist(), *(b for b in belief.breakpoints() if g_lo < b < g_hi)})

    def psi(x: float) -> float:
        return float(np.interp(x, g, up)) - d_p

    cands = list(grid)
    for x0, x1 in itertools.pairwise(grid):
        # on (x0, x1): ψ = p0 + p1·(x − x0) and F = c0 + c1·(x − x0), F from its right limit at x0
        p0, p1 = psi(x0), (psi(x1) - psi(x0)) / (x1 - x0)
        c0 = belief.cdf(x0)  # the cdf is continuous from the right
        c1 = math.fsum(p / (hi - lo) for p, lo, hi in belief.parts if lo <= x0 and x1 <= hi and lo < hi)
        if p1 * c1 != 0.0:
            t = -(p1 * c0 + p0 * c1) / (2.0 * p1 * c1)
            if 0.0 < t < x1 - x0:
                cands.append(x0 + t)
    best_x, best_v, best_f = g_lo, -math.inf, 0.0
    for x in cands:
        f = belief.cdf(x)
        v = psi(x) * f
        if v > best_v:
            best_x, best_v, best_f = x, v, f
    if best_v <= 0.0:
        return None
    return point_at(verts, 2 if proposer == 1 else 1, best_x + d_r), best_f
