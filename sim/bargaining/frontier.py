"""The convexified Pareto frontier of a separable package, and bargaining solutions on it.

A deal is made of separable parts (an instrument's level, a tier, a side payment):
each part offers a few options, and each side's value of the deal is the sum over
parts of its value of the option chosen. Holding option ``high`` for a share of the
deal's duration and ``low`` for the rest makes payoffs linear in the share, which
convexifies the set of deals (MODEL §4 "Tiers"). Because payoffs are separable, the
frontier vertex for a multiplier ``μ`` picks in each part the option maximising
``f1 + μ·f2`` (MODEL §4), so the frontier is traced by merging every part's upper-hull
edges by their breakpoint ``μ``: cost ``O(Σ options · log)``, never the product of
the option counts. A side payment is just a part with options ``(−t, +t)``.

On this frontier: the weighted Nash solution (:func:`nash_point`, exact), and the
stationary subgame-perfect agreement of Rubinstein alternating offers
(:func:`alternating_point`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_TIE = 1e-12  # relative gap under which two parts' breakpoints count as the same μ


@dataclass(frozen=True)
class Part:
    """One separable component of a deal: its options and each side's value of each."""

    name: str
    f1: np.ndarray  # side 1's value of each option ($bn; any common offset is fine)
    f2: np.ndarray  # side 2's value of each option


@dataclass(frozen=True)
class Mix:
    """Option ``high`` for ``share`` of the duration, ``low`` for the rest (``high == low``: pure)."""

    low: int
    high: int
    share: float


@dataclass(frozen=True)
class Point:
    """A point of the frontier: the mix in each part, both sides' values, and the exchange rate.

    ``mu``: the frontier's slope there is ``−1/μ`` in ``(u1, u2)``. On an edge it is the
    edge's own ``μ``; at a vertex (where any ``μ`` between its two edges' supports it) it
    is the geometric mean of the adjacent edges' ``μ`` (half the only edge's ``μ`` at the
    first vertex, twice it at the last, and 1 when the frontier is a single point).
    """

    mixes: tuple[Mix, ...]
    u1: float
    u2: float
    mu: float


def _part_hull(f1: np.ndarray, f2: np.ndarray) -> tuple[list[int], list[float]]:
    """A part's Pareto upper-hull vertices (``f1`` descending) and the breakpoint ``μ`` of each edge.

    Edge ``i → j`` has ``μ = (f1_i − f1_j)/(f2_j − f2_i)``: below it ``i`` maximises
    ``f1 + μ·f2``, above it ``j``. A vertex stays only if the ``μ`` strictly increase.
    """
    order = np.lexsort((-f2, -f1))  # f1 descending, ties by f2 descending
    pareto: list[int] = []
    best2 = -math.inf
    for i in order:
        if f2[i] > best2:
            pareto.append(int(i))
            best2 = float(f2[i])
    stack: list[int] = []
    mus: list[float] = []
    for j in pareto:
        while stack:
            i = stack[-1]
            mu = float(f1[i] - f1[j]) / float(f2[j] - f2[i])
            if mus and mus[-1] >= mu:
                stack.pop()
                mus.pop()
                continue
            mus.append(mu)
            break
        stack.append(j)
    return stack, mus


def _check(parts: Sequence[Part]) -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for p in parts:
        f1, f2 = np.asarray(p.f1, dtype=float), np.asarray(p.f2, dtype=float)
        if f1.ndim != 1 or f1.shape != f2.shape or len(f1) == 0:
            raise ValueError(f"part '{p.name}': f1 and f2 must be non-empty 1-d arrays of the same length")
        if not (np.isfinite(f1).all() and np.isfinite(f2).all()):
            raise ValueError(f"part '{p.name}': values must be finite")
        out.append((f1, f2))
    return out


def frontier(parts: Sequence[Part]) -> list[Point]:
    """Vertices of the Pareto frontier of the convex hull of the deals, ``u1`` descending (``u2`` ascending).

    Starts from each part's best option for side 1 (ties: best for side 2) and sweeps
    ``μ`` upward through every part's upper-hull breakpoints; parts whose breakpoints
    coincide (within a relative ``1e-12``) switch together, giving one vertex.
    """
    vals = _check(parts)
    hulls = [_part_hull(f1, f2) for f1, f2 in vals]
    edges = sorted((mu, k, e) for k, (_, mus) in enumerate(hulls) for e, mu in enumerate(mus))
    at = [h[0][0] for h in hulls]  # each part's current option
    u1 = math.fsum(float(f1[i]) for (f1, _), i in zip(vals, at, strict=True))
    u2 = math.fsum(float(f2[i]) for (_, f2), i in zip(vals, at, strict=True))
    states: list[tuple[tuple[int, ...], float, float]] = [(tuple(at), u1, u2)]
    group_mus: list[float] = []
    n = 0
    while n < len(edges):
        mu0 = edges[n][0]
        while n < len(edges) and edges[n][0] <= mu0 * (1.0 + _TIE):
            _, k, e = edges[n]
            f1, f2 = vals[k]
            old, new = at[k], hulls[k][0][e + 1]
            u1 += float(f1[new] - f1[old])
            u2 += float(f2[new] - f2[old])
            at[k] = new
            n += 1
        states.append((tuple(at), u1, u2))
        group_mus.append(mu0)
    out = []
    for v, (idx, a1, a2) in enumerate(states):
        mu_in = group_mus[v - 1] if v > 0 else None
        mu_out = group_mus[v] if v < len(group_mus) else None
        if mu_in is not None and mu_out is not None:
            mu = math.sqrt(mu_in * mu_out)
        elif mu_out is not None:
            mu = mu_out / 2.0
        elif mu_in is not None:
            mu = 2.0 * mu_in
        else:
            mu = 1.0
        out.append(Point(tuple(Mix(i, i, 0.0) for i in idx), a1, a2, mu))
    return out


def on_segment(a: Point, b: Point, s: float) -> Point:
    """The point ``s`` of the way from vertex ``a`` to vertex ``b``, as mixes.

    Every part whose option differs between ``a`` and ``b`` holds ``b``'s option for
    share ``s`` (so parts that switch at the same ``μ`` all share ``s``); payoffs are
    linear in ``s``. ``s ≤ 0`` gives ``a`` and ``s ≥ 1`` gives ``b``.
    """
    if s <= 0.0:
        return a
    if s >= 1.0:
        return b
    mixes = tuple(
        Mix(ma.low, mb.low, s) if ma.low != mb.low else Mix(ma.low, ma.low, 0.0)
        for ma, mb in zip(a.mixes, b.mixes, strict=True)
    )
    du1, du2 = b.u1 - a.u1, b.u2 - a.u2
    mu = -du1 / du2 if du2 > 0.0 and du1 < 0.0 else a.mu
    return Point(mixes, a.u1 + s * du1, a.u2 + s * du2, mu)


def nash_point(parts: Sequence[Part], d1: float, d2: float, w1: float) -> Point | None:
    """The weighted Nash solution on the convexified frontier: max ``w1·ln(u1−d1) + w2·ln(u2−d2)``.

    On an edge ``u = a + s·(b − a)`` the first-order condition
    ``w1·Δ1/(u1−d1) + w2·Δ2/(u2−d2) = 0`` is linear in ``s``:
    ``s = −(w1·Δ1·(a2−d2) + w2·Δ2·(a1−d1))/(Δ1·Δ2)``, where ``μ = w2(u1−d1)/(w1(u2−d2))``
    (MODEL §4). The objective is concave along each edge, so the maximum is at one of
    these stationary points or at a vertex. ``None`` iff no frontier point has
    ``u1 > d1`` and ``u2 > d2``.
    """
    if not 0.0 < w1 < 1.0:
        raise ValueError("the weight w1 must lie strictly between 0 and 1")
    w2 = 1.0 - w1
    verts = frontier(parts)

    def better(p: Point, q: Point) -> bool:
        """Is ``p``'s Nash product larger than ``q``'s? Compared through ratios of gains, so the
        answer is the same when every value is scaled by a power of two (unit invariance)."""
        g1, g2 = p.u1 - d1, p.u2 - d2
        h1, h2 = q.u1 - d1, q.u2 - d2
        return w1 * math.log(g1 / h1) + w2 * math.log(g2 / h2) > 0.0

    best: Point | None = None
    cands: list[Point] = list(verts)
    for a, b in itertools.pairwise(verts):
        d_1, d_2 = b.u1 - a.u1, b.u2 - a.u2
        if d_1 * d_2 != 0.0:
            s = -(w1 * d_1 * (a.u2 - d2) + w2 * d_2 * (a.u1 - d1)) / (d_1 * d_2)
            if 0.0 < s < 1.0:
                cands.append(on_segment(a, b, s))
    for p in cands:
        if p.u1 - d1 > 0.0 and p.u2 - d2 > 0.0 and (best is None or better(p, best)):
            best = p
    return best


def point_at(verts: Sequence[Point], side: int, value: float) -> Point:
    """The frontier point where side ``side``'s value is ``value`` (clipped to the frontier's range).

    ``verts`` is :func:`frontier`'s output (``u1`` descending, ``u2`` ascending).
    """
    us = [p.u1 if side == 1 else p.u2 for p in verts]
    if side == 1:  # make the coordinate ascend along the walk
        verts, us = list(verts)[::-1], us[::-1]
    if value <= us[0]:
        return verts[0]
    if value >= us[-1]:
        return verts[-1]
    j = int(np.searchsorted(np.asarray(us), value, side="right"))  # us[j-1] <= value < us[j]
    a, b = verts[j - 1], verts[j]
    s = (value - us[j - 1]) / (us[j] - us[j - 1])
    return on_segment(a, b, s)


def _gain_curve(verts: Sequence[Point], d1: float, d2: float, first: int) -> tuple[np.ndarray, np.ndarray]:
    """The proposer's gains (ascending) and the responder's best gains (descending) at the vertices."""
    g1 = np.array([p.u1 - d1 for p in verts])[::-1]  # ascending
    g2 = np.array([p.u2 - d2 for p in verts])[::-1]  # descending
    return (g1, g2) if first == 1 else (g2[::-1].copy(), g1[::-1].copy())


def alternating_point(
    parts: Sequence[Part], d1: float, d2: float, delta1: float, delta2: float, first: int = 1
) -> Point | None:
    """Stationary subgame-perfect agreement of Rubinstein alternating offers on the continuous frontier.

    In gains over ``d``, with ``φ(x)`` the responder's best gain given the proposer's
    gain ``x`` (concave, non-increasing; flat below the frontier's least ``x``), the
    opener takes ``x`` with ``φ(x) = δ_R·φ(δ_P·x)``: the responder is indifferent
    between the offer and proposing ``δ_P·x`` next round. ``φ(x) − δ_R·φ(δ_P·x)`` is
    non-increasing, so bisection (to ``1e-12``, relative to the range) finds the largest
    ``x`` where it is ``≥ 0``; the opener takes all it can when that is the frontier's
    end. ``None`` iff no point gives both sides a positive gain.
    """
    if first not in (1, 2):
        raise ValueError("first must be 1 or 2")
    if not (0.0 <= delta1 < 1.0 and 0.0 <= delta2 < 1.0):
        raise ValueError("discount factors must lie in [0, 1)")
    verts = frontier(parts)
    gp, gr = _gain_curve(verts, d1, d2, first)
    dp, dr = (delta1, delta2) if first == 1 else (delta2, delta1)
    if gr[-1] >= 0.0:
        x_max = float(gp[-1])
    else:  # where the responder's gain reaches 0: gr is descending, so interpolate on its reverse
        x_max = float(np.interp(0.0, gr[::-1], gp[::-1]))

    def phi(x: float) -> float:
        return float(np.interp(x, gp, gr))  # flat (the responder's best) below gp[0]

    if not (x_max > 0.0 and phi(0.0) > 0.0):  # φ is continuous and non-increasing on [0, x_max]
        return None

    lo, hi = 0.0, x_max
    if phi(hi) - dr * phi(dp * hi) < 0.0:
        eps = 1e-12 * x_max  # relative: the same steps at any scale (unit invariance)
        while hi - lo > eps:
            mid = 0.5 * (lo + hi)
            if phi(mid) - dr * phi(dp * mid) >= 0.0:
                lo = mid
            else:
                hi = mid
        x = 0.5 * (lo + hi)
    else:
        x = x_max
    return point_at(verts, first, x + (d1 if first == 1 else d2))
