"""The convexified frontier of a separable package and the solutions on it, against brute force and closed forms.

MODEL §4: the frontier vertex for a multiplier μ picks in each part argmax f1 + μ·f2;
weighted Nash solves μ = w2(u1−d1)/(w1(u2−d2)); Rubinstein's opener takes
(1−δ2)/(1−δ1δ2) of a unit pie, and alternating offers tend to the BRW-weighted Nash
split as the round length Δ → 0.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
from scipy.spatial import ConvexHull

from sim.bargaining.alternating import alternating_offers
from sim.bargaining.base import brw_weight
from sim.bargaining.frontier import Part, Point, alternating_point, frontier, nash_point, on_segment


def random_parts(rng: np.random.Generator, n: int, k: int) -> list[Part]:
    return [Part(f"p{i}", rng.normal(size=k) * (1 + i), rng.normal(size=k)) for i in range(n)]


def brute_frontier(parts: list[Part]) -> np.ndarray:
    """Upper-right chain of the convex hull of every combination of options (scipy's hull, CCW in 2-d)."""
    pts = np.array(
        [
            (sum(p.f1[i] for p, i in zip(parts, c)), sum(p.f2[i] for p, i in zip(parts, c)))
            for c in itertools.product(*(range(len(p.f1)) for p in parts))
        ]
    )
    hull = ConvexHull(pts)
    v = list(hull.vertices)
    start = max(v, key=lambda i: (pts[i, 0], pts[i, 1]))
    end = max(v, key=lambda i: (pts[i, 1], pts[i, 0]))
    k = v.index(start)
    chain = []
    while True:
        chain.append(v[k])
        if v[k] == end:
            break
        k = (k + 1) % len(v)
    return pts[chain]


def mixed(parts: list[Part], p: Point) -> tuple[float, float]:
    """Σ_k share·f[high] + (1−share)·f[low]: the payoffs the mixes stand for."""
    u1 = sum(m.share * q.f1[m.high] + (1 - m.share) * q.f1[m.low] for q, m in zip(parts, p.mixes))
    u2 = sum(m.share * q.f2[m.high] + (1 - m.share) * q.f2[m.low] for q, m in zip(parts, p.mixes))
    return float(u1), float(u2)


def hull_curve(parts: list[Part], n: int) -> tuple[np.ndarray, np.ndarray]:
    """n points per edge along the frontier, u1 descending."""
    vs = frontier(parts)
    u1, u2 = [], []
    for a, b in itertools.pairwise(vs):
        s = np.linspace(0.0, 1.0, n, endpoint=False)
        u1.append(a.u1 + s * (b.u1 - a.u1))
        u2.append(a.u2 + s * (b.u2 - a.u2))
    u1.append(np.array([vs[-1].u1]))
    u2.append(np.array([vs[-1].u2]))
    return np.concatenate(u1), np.concatenate(u2)


def circle_part(n: int, r1: float = 3.0, r2: float = 2.0) -> Part:
    th = np.linspace(0.0, math.pi / 2, n)
    return Part("curve", r1 * np.cos(th), r2 * np.sin(th))


@pytest.mark.parametrize("seed", range(12))
def test_frontier_is_the_pareto_chain_of_the_hull(seed):
    """Vertices = the upper-right (Pareto) chain of conv(Minkowski sum), u1 descending; abs tol 1e-9."""
    rng = np.random.default_rng(seed)
    parts = random_parts(rng, 3 + seed % 2, 3 + seed % 3)
    got = frontier(parts)
    want = brute_frontier(parts)
    assert len(got) == len(want)
    np.testing.assert_allclose([(p.u1, p.u2) for p in got], want, atol=1e-9)
    for p in got:
        assert all(m.low == m.high for m in p.mixes)
        assert mixed(parts, p) == pytest.approx((p.u1, p.u2), abs=1e-9)
    # vertex μ: that vertex maximises u1 + μ·u2 over every vertex (support function)
    for p in got:
        assert max(q.u1 + p.mu * q.u2 for q in got) == pytest.approx(p.u1 + p.mu * p.u2, abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_support_function_matches_every_combination(seed):
    """max over all combinations of u1 + μ·u2 = max over the frontier's vertices, for μ > 0 (abs 1e-9)."""
    rng = np.random.default_rng(100 + seed)
    parts = random_parts(rng, 4, 4)
    vs = frontier(parts)
    for mu in np.exp(rng.normal(size=20) * 2):
        brute = sum(float(np.max(p.f1 + mu * p.f2)) for p in parts)
        assert max(v.u1 + mu * v.u2 for v in vs) == pytest.approx(brute, abs=1e-9)


def test_twenty_parts_cost_is_not_the_product():
    """20 parts × 5 options (5^20 combinations): at most 1 + Σ(options − 1) vertices, in well under a second."""
    rng = np.random.default_rng(7)
    parts = random_parts(rng, 20, 5)
    t0 = time.perf_counter()
    vs = frontier(parts)
    assert time.perf_counter() - t0 < 0.5
    assert len(vs) <= 1 + 20 * 4
    u1 = [v.u1 for v in vs]
    u2 = [v.u2 for v in vs]
    assert all(a > b for a, b in itertools.pairwise(u1)) and all(a < b for a, b in itertools.pairwise(u2))
    mus = [(a.u1 - b.u1) / (b.u2 - a.u2) for a, b in itertools.pairwise(vs)]
    assert all(a < b for a, b in itertools.pairwise(mus))  # concave: μ rises along the frontier


def test_on_segment_ties_share_together():
    """Two side-payment parts switch at the same μ = 1: both hold share s, payoffs linear in s (abs 1e-12)."""
    t = np.array([-1.0, 1.0])
    parts = [Part("a", -t, t), Part("b", -2 * t, 2 * t)]
    vs = frontier(parts)
    assert len(vs) == 2
    p = on_segment(vs[0], vs[1], 0.25)
    assert [m.share for m in p.mixes] == [0.25, 0.25]
    assert mixed(parts, p) == pytest.approx((p.u1, p.u2), abs=1e-12)
    assert (p.u1, p.u2) == pytest.approx((3 - 0.25 * 6, -3 + 0.25 * 6), abs=1e-12)
    assert p.mu == pytest.approx(1.0, rel=1e-12)


def nash_brute(parts, d1, d2, w1, n=200_001):
    u1, u2 = hull_curve(parts, n)
    ok = (u1 > d1) & (u2 > d2)
    val = np.full(u1.shape, -np.inf)
    val[ok] = w1 * np.log(u1[ok] - d1) + (1 - w1) * np.log(u2[ok] - d2)
    return float(np.max(val))


@pytest.mark.parametrize("seed", range(6))
def test_nash_point_beats_a_fine_search(seed):
    """max w1·ln(u1−d1) + w2·ln(u2−d2) on the hull: equals a 200,001-point-per-edge search (product rel 1e-9)."""
    rng = np.random.default_rng(200 + seed)
    parts = random_parts(rng, 3, 4)
    vs = frontier(parts)
    d1 = min(v.u1 for v in vs) - 0.3 + 0.2 * (max(v.u1 for v in vs) - min(v.u1 for v in vs))
    d2 = min(v.u2 for v in vs) - 0.3 + 0.2 * (max(v.u2 for v in vs) - min(v.u2 for v in vs))
    w1 = float(rng.uniform(0.2, 0.8))
    p = nash_point(parts, d1, d2, w1)
    assert p is not None
    got = w1 * math.log(p.u1 - d1) + (1 - w1) * math.log(p.u2 - d2)
    brute = nash_brute(parts, d1, d2, w1)
    assert got >= brute - 1e-12  # exact optimum is never beaten by a grid point
    assert math.exp(got - brute) - 1 < 1e-9
    assert mixed(parts, p) == pytest.approx((p.u1, p.u2), abs=1e-9)


def test_nash_root_condition_inside_an_edge():
    """On an edge's interior the solution satisfies μ = w2(u1−d1)/(w1(u2−d2)) (MODEL §4), rel 1e-9."""
    parts = [circle_part(7), Part("x", np.array([0.0, 0.5]), np.array([0.3, 0.0]))]
    for w1 in (0.3, 0.5, 0.7):
        p = nash_point(parts, 0.2, 0.1, w1)
        assert p is not None
        assert any(0 < m.share < 1 for m in p.mixes)  # interior of an edge
        assert p.mu == pytest.approx((1 - w1) * (p.u1 - 0.2) / (w1 * (p.u2 - 0.1)), rel=1e-9)


@pytest.mark.parametrize("w1", [0.2, 0.5, 0.85])
def test_nash_with_transfers_closed_form(w1):
    """With a side payment, u_i = d_i + w_i(S − d1 − d2), S = max(f1 + f2) (MODEL §4), abs 1e-9."""
    rng = np.random.default_rng(5)
    base = random_parts(rng, 2, 5)
    t = np.array([-50.0, 50.0])
    parts = [*base, Part("transfer", -t, t)]
    s = sum(float(np.max(p.f1 + p.f2)) for p in base)
    d1, d2 = -1.0, -0.5
    p = nash_point(parts, d1, d2, w1)
    assert p is not None
    assert p.u1 == pytest.approx(d1 + w1 * (s - d1 - d2), abs=1e-9)
    assert p.u2 == pytest.approx(d2 + (1 - w1) * (s - d1 - d2), abs=1e-9)
    assert p.mu == pytest.approx(1.0, rel=1e-12)


def test_nash_tier_mixes_two_options():
    """A tier with options (10, 0) and (0, 10), d = 0: u1 = 10·w1, share of the second option 1 − w1, abs 1e-12."""
    parts = [Part("tier", np.array([10.0, 0.0]), np.array([0.0, 10.0]))]
    p = nash_point(parts, 0.0, 0.0, 0.3)
    assert p is not None
    (m,) = p.mixes
    assert (m.low, m.high) == (0, 1) and 0 < m.share < 1
    assert m.share == pytest.approx(0.7, abs=1e-12)
    assert (p.u1, p.u2) == pytest.approx((10 * (1 - m.share), 10 * m.share), abs=1e-12)


def test_nash_none_without_mutual_gain():
    """No frontier point with u1 > d1 and u2 > d2 gives None."""
    parts = [Part("tier", np.array([1.0, 0.0]), np.array([0.0, 1.0]))]
    assert nash_point(parts, 0.6, 0.4, 0.5) is None
    assert nash_point(parts, 0.6, 0.39, 0.5) is not None


UNIT = [Part("pie", np.array([1.0, 0.0]), np.array([0.0, 1.0]))]


def test_alternating_unit_pie_model_value():
    """Unit pie, d = 0, δ = (0.999, 0.998), 1 first: share 0.6671114076050582 to 1e−9 (MODEL §4)."""
    p = alternating_point(UNIT, 0.0, 0.0, 0.999, 0.998)
    assert p is not None
    assert p.u1 == pytest.approx(0.6671114076050582, abs=1e-9)
    assert p.u1 + p.u2 == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("d1", [0.3, 0.8, 0.97])
@pytest.mark.parametrize("d2", [0.5, 0.9, 0.99])
def test_alternating_unit_pie_rubinstein(d1, d2):
    """Opener's share (1−δ_R)/(1−δ1δ2) for either opener (Rubinstein 1982), abs 1e-9."""
    p1 = alternating_point(UNIT, 0.0, 0.0, d1, d2, first=1)
    p2 = alternating_point(UNIT, 0.0, 0.0, d1, d2, first=2)
    assert p1 is not None and p2 is not None
    assert p1.u1 == pytest.approx((1 - d2) / (1 - d1 * d2), abs=1e-9)
    assert p2.u2 == pytest.approx((1 - d1) / (1 - d1 * d2), abs=1e-9)


def test_alternating_none_without_mutual_gain():
    """No point with both gains positive gives None."""
    assert alternating_point(UNIT, 0.5, 0.5, 0.9, 0.9) is None
    assert alternating_point(UNIT, 0.5, 0.49, 0.9, 0.9) is not None


@pytest.mark.parametrize("parts", [UNIT, [circle_part(9)]], ids=["pie", "curve"])
def test_alternating_tends_to_brw_nash(parts):
    """δ_i = exp(−r_i·Δ): the gap to Nash with BRW weights w1 = r2/(r1+r2) is O(Δ), halves with Δ (ratio 2 ± 0.15)."""
    r1, r2 = 0.02, 0.05
    w1 = brw_weight(r1, r2)
    d1, d2 = 0.1, 0.2
    nash = nash_point(parts, d1, d2, w1)
    assert nash is not None
    gaps = []
    steps = (0.4, 0.2, 0.1, 0.05)
    for dt in steps:
        p = alternating_point(parts, d1, d2, math.exp(-r1 * dt), math.exp(-r2 * dt))
        assert p is not None
        gaps.append(p.u1 - nash.u1)
    assert all(g > 0 for g in gaps)  # the opener's advantage
    for a, b in itertools.pairwise(gaps):
        assert a / b == pytest.approx(2.0, abs=0.15)
    slopes = [g / dt for g, dt in zip(gaps, steps)]
    assert max(slopes) / min(slopes) < 1.1  # O(Δ): gap/Δ settles to a constant


@pytest.mark.parametrize(("dl1", "dl2", "first"), [(0.9, 0.8, 1), (0.7, 0.95, 1), (0.85, 0.9, 2)])
def test_alternating_matches_backward_induction_on_a_grid(dl1, dl2, first):
    """On a curved frontier, equals alternating_offers over 4,000 points per edge within 2h/(1−δ1δ2) (h: grid step)."""
    parts = [circle_part(8), Part("x", np.array([0.0, 0.4]), np.array([0.6, 0.0]))]
    d1, d2 = 0.3, 0.2
    p = alternating_point(parts, d1, d2, dl1, dl2, first=first)
    assert p is not None
    u1, u2 = hull_curve(parts, 4000)
    h = float(np.max(np.abs(np.diff(u1))) + np.max(np.abs(np.diff(u2))))
    a = alternating_offers(u1 - d1, u2 - d2, dl1, dl2, first=first)
    tol = 2 * h / (1 - dl1 * dl2)
    assert a.value1 == pytest.approx(p.u1 - d1, abs=tol)
    assert a.value2 == pytest.approx(p.u2 - d2, abs=tol)
