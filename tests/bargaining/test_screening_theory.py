"""Screening offers under private information (MODEL §6) against closed forms and brute force.

v ~ U[a, b], proposer's disagreement d_P, surplus S: x* = clip((S − d_P + a)/2, a, b),
P(breakdown) = (b − x*)/(b − a), posterior after rejection U[x*, b]; under complete
information with the proposer drawn with probability w_i, E[u_i] = d_i + w_i(S − d1 − d2).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sim.bargaining.frontier import Part, frontier
from sim.bargaining.screening import Belief, screening_point, uniform_offer

T = np.array([-100.0, 100.0])


def transfer_parts(s: float) -> list[Part]:
    """One side-payment part: f1 = S/2 − t, f2 = S/2 + t, so f1 + f2 = S on the whole frontier."""
    return [Part("transfer", s / 2 - T, s / 2 + T)]


@pytest.mark.parametrize(
    ("s", "d_p", "lo", "hi"),
    [(10.0, 2.0, 1.0, 5.0), (10.0, 2.0, 7.0, 9.0), (10.0, 2.0, -3.0, 1.0), (4.0, 1.0, 0.0, 6.0), (3.0, 0.0, 3.5, 4.0)],
)
def test_uniform_offer_against_brute_force(s, d_p, lo, hi):
    """x* maximises (S − x − d_P)·(x − lo)/(hi − lo) over [lo, hi]: matches a 10^6-point grid within a step."""
    x, pb = uniform_offer(s, d_p, lo, hi)
    grid = np.linspace(lo, hi, 1_000_001)
    val = (s - grid - d_p) * (grid - lo) / (hi - lo)
    assert x == pytest.approx(grid[np.argmax(val)], abs=(hi - lo) / 1e6)
    assert pb == pytest.approx((hi - x) / (hi - lo), abs=1e-15)
    assert 0.0 <= pb <= 1.0


@pytest.mark.parametrize("proposer", [1, 2])
@pytest.mark.parametrize(("a", "b"), [(0.0, 4.0), (1.0, 3.0), (-2.0, 12.0), (0.5, 0.7)])
def test_screening_with_a_transfer_is_the_uniform_closed_form(proposer, a, b):
    """One transfer part, c ~ U[a, b]: the responder gets x* of uniform_offer(S, d_P, d_R + a, d_R + b), abs 1e-12."""
    s, d1, d2 = 10.0, 2.0, 1.0
    d_p, d_r = (d1, d2) if proposer == 1 else (d2, d1)
    got = screening_point(transfer_parts(s), d1, d2, proposer, Belief.uniform(a, b))
    assert got is not None
    p, accept = got
    x, pb = uniform_offer(s, d_p, d_r + a, d_r + b)
    u_r, u_p = (p.u2, p.u1) if proposer == 1 else (p.u1, p.u2)
    assert u_r == pytest.approx(x, abs=1e-12)
    assert u_p == pytest.approx(s - x, abs=1e-12)
    assert 1 - accept == pytest.approx(pb, abs=1e-12)


def test_posterior_after_rejection():
    """A rejected offer worth x* truncates U[a, b] to U[x*, b] (MODEL §6)."""
    a, b = 1.0, 5.0
    got = screening_point(transfer_parts(10.0), 2.0, 0.0, 1, Belief.uniform(a, b))
    assert got is not None
    x = got[0].u2  # d_R = 0: the responder's gain is its value
    post = Belief.uniform(a, b).truncate_above(x)
    assert len(post.parts) == 1
    p, lo, hi = post.parts[0]
    assert (p, hi) == (1.0, b) and lo == pytest.approx(x, abs=1e-12)
    for y in np.linspace(a, b, 41):  # the posterior cdf is P(c ≤ y | c > x*)
        want = max(0.0, (min(y, b) - x) / (b - x))
        assert post.cdf(float(y)) == pytest.approx(want, abs=1e-12)


def test_belief_mixture_cdf_and_truncation():
    """Mixture cdf Σ p_j·F_j (point mass counted at its value); truncation renormalises P(c ≤ y, c > x)/P(c > x)."""
    bel = Belief(((0.5, 0.0, 2.0), (0.2, 1.0, 1.0), (0.3, 3.0, 4.0)))
    assert bel.cdf(1.0) == pytest.approx(0.25 + 0.2, abs=1e-15)
    assert bel.cdf(0.999) == pytest.approx(0.5 * 0.999 / 2, abs=1e-15)
    assert bel.cdf(3.5) == pytest.approx(0.85, abs=1e-15)
    post = bel.truncate_above(1.0)
    tail = 1 - bel.cdf(1.0)
    for y in np.linspace(-1, 5, 61):
        want = (bel.cdf(float(y)) - bel.cdf(1.0)) / tail if y > 1.0 else 0.0
        assert post.cdf(float(y)) == pytest.approx(want, abs=1e-12)


@pytest.mark.parametrize("w1", [0.25, 0.5, 0.6])
def test_complete_information_gives_weighted_nash_in_expectation(w1):
    """Point belief at 0, proposer i with probability w_i: E[u_i] = d_i + w_i(S − d1 − d2) to 1e-12 (MODEL §6)."""
    rng = np.random.default_rng(3)
    base = Part("base", rng.normal(size=5), rng.normal(size=5))
    parts = [base, *transfer_parts(0.0)]
    s = float(np.max(base.f1 + base.f2))
    d1, d2 = -0.7, -0.4
    point = Belief.uniform(0.0, 0.0)
    g1 = screening_point(parts, d1, d2, 1, point)
    g2 = screening_point(parts, d1, d2, 2, point)
    assert g1 is not None and g2 is not None
    assert g1[1] == 1.0 and g2[1] == 1.0  # agreement at the first talk
    e1 = w1 * g1[0].u1 + (1 - w1) * g2[0].u1
    e2 = w1 * g1[0].u2 + (1 - w1) * g2[0].u2
    assert e1 == pytest.approx(d1 + w1 * (s - d1 - d2), abs=1e-12)
    assert e2 == pytest.approx(d2 + (1 - w1) * (s - d1 - d2), abs=1e-12)


def test_complete_information_no_surplus_no_deal():
    """S < d1 + d2 with a point belief at 0: no offer gives the proposer a positive gain (None)."""
    parts = transfer_parts(1.0)
    assert screening_point(parts, 0.6, 0.5, 1, Belief.uniform(0.0, 0.0)) is None
    assert screening_point(parts, 0.6, 0.5, 2, Belief.uniform(0.0, 0.0)) is None


def curve_parts() -> list[Part]:
    th = np.linspace(0.0, math.pi / 2, 9)
    return [Part("curve", 3 * np.cos(th), 2 * np.sin(th)), Part("x", np.array([0.0, 0.4]), np.array([0.6, 0.0]))]


@pytest.mark.parametrize("proposer", [1, 2])
@pytest.mark.parametrize(
    "belief",
    [
        Belief(((0.4, 0.0, 1.0), (0.35, 0.8, 0.8), (0.25, 1.2, 2.5))),
        Belief(((0.5, -0.5, 0.5), (0.5, 0.2, 1.6))),
        Belief(((0.3, 0.3, 0.3), (0.7, 0.9, 0.9))),
    ],
    ids=["mixed", "uniforms", "masses"],
)
def test_screening_mixture_against_a_fine_grid(proposer, belief):
    """max (u_P − d_P)·P(c ≤ u_R − d_R) on the frontier: no point of a fine grid beats it, and it beats the grid
    by at most L·h (L: the objective's slope bound, h: the grid step), here 1e-5."""
    parts = curve_parts()
    d1, d2 = 0.5, 0.3
    got = screening_point(parts, d1, d2, proposer, belief)
    assert got is not None
    p, accept = got
    gp, gr = (p.u1 - d1, p.u2 - d2) if proposer == 1 else (p.u2 - d2, p.u1 - d1)
    value = gp * accept
    assert accept == pytest.approx(belief.cdf(gr + 1e-12), abs=1e-12)
    vs = frontier(parts)
    u1, u2 = [], []
    for a, b in itertools.pairwise(vs):
        s = np.linspace(0.0, 1.0, 100_001)
        u1.append(a.u1 + s * (b.u1 - a.u1))
        u2.append(a.u2 + s * (b.u2 - a.u2))
    u1, u2 = np.concatenate(u1), np.concatenate(u2)
    g_p, g_r = (u1 - d1, u2 - d2) if proposer == 1 else (u2 - d2, u1 - d1)
    grid = max(float(x) * belief.cdf(float(y)) for x, y in zip(g_p, g_r))
    assert grid <= value + 1e-12
    assert value - grid < 1e-5
