"""Exact alternating offers and the BRW weights against their closed forms.

Rubinstein (1982): on a unit pie with d = 0 the first proposer gets
``x* = (1 − δ2)/(1 − δ1·δ2)``, with ``δ_i = exp(−(ρ_i + λ_b)Δ)`` for a round of Δ days,
discount rates ρ_i and breakdown hazard ``λ_b = −ln(1 − p)/Δ`` per day. As Δ → 0 the
split tends to the weighted Nash split with the Binmore–Rubinstein–Wolinsky (1986)
weights ``w_i = (1/(ρ_i + λ_b)) / Σ_j 1/(ρ_j + λ_b)``; to first order in Δ the gap
``x* − w_1`` is ``a_1·a_2·Δ / (2(a_1 + a_2))`` with ``a_i = ρ_i + λ_b``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.bargaining import REGISTRY, Settings, alternating_offers, brw_weight, first_proposer_share, round_discounts
from sim.bargaining.base import Problem
from sim.bargaining.frontier import Part
from sim.bargaining.nash import nash_weight

PAPER = (0.999, 0.998)
PAPER_SHARE = 0.6671114076050582  # (1 − 0.998)/(1 − 0.999·0.998) = 0.002/0.002998


def test_stationary_share_for_the_reference_discount_factors():
    """Unit pie, d = 0, player 1 first: ``(1 − δ2)/(1 − δ1δ2)`` for δ = (0.999, 0.998)."""
    assert first_proposer_share(*PAPER) == pytest.approx(PAPER_SHARE, abs=1e-9)
    assert first_proposer_share(*PAPER) == pytest.approx(0.002 / 0.002998, abs=1e-9)


def test_backward_induction_of_the_finite_game_converges_to_the_stationary_share():
    """Ståhl's n-round game by backward induction: the last proposer takes the pie, and one
    round earlier the proposer offers the responder ``δ_resp`` times its share as next proposer.

    One pass from the end solves every horizon at once: after k steps back the value is the
    first-round share of the k-round game opened by that proposer. The error to x* shrinks by
    δ1δ2 every two rounds (from ``1 − x*`` at n = 1 and ``1 − δ2 − x*`` at n = 2), so it
    stays below 1e−9 only from ``n ≈ 2 + 2·ln(1e−9/|1 − δ2 − x*|)/ln(δ1δ2)`` ≈ 13,600 rounds on.
    """
    d1, d2 = PAPER
    n = 20_000
    own = np.empty(n)  # player 1 opens a game of k+1 rounds
    other = np.empty(n)  # player 2 opens a game of k+1 rounds
    own[0] = other[0] = 1.0
    for k in range(1, n):  # scalar recursion along the horizon (independent of the closed form)
        own[k] = 1.0 - d2 * other[k - 1]
        other[k] = 1.0 - d1 * own[k - 1]
    gap = np.abs(own - PAPER_SHARE)
    needed = int(np.flatnonzero(gap > 1e-9)[-1]) + 2  # horizons from here on are within 1e−9
    odd = 1 + 2 * math.log(1e-9 / (1 - PAPER_SHARE)) / math.log(d1 * d2)
    even = 2 + 2 * math.log(1e-9 / abs(1 - d2 - PAPER_SHARE)) / math.log(d1 * d2)
    assert 13_000 < needed < 14_000 and abs(needed - max(odd, even)) <= 4
    assert np.all(gap[needed - 1 :] <= 1e-9) and gap[needed - 2] > 1e-9
    # the finite-horizon closed form agrees with the recursion at every horizon
    for rounds in (1, 2, 3, 10, 11, 1000, 13_601, n):
        assert first_proposer_share(d1, d2, rounds) == pytest.approx(own[rounds - 1], abs=1e-12)


def test_finite_package_backward_induction_matches_the_continuous_finite_game():
    """The package search (grid of step h) reproduces the Ståhl shares to n·h."""
    h = 1e-4
    x = np.linspace(0.0, 1.0, round(1 / h) + 1)
    for rounds in (1, 2, 5, 8):
        a = alternating_offers(x, 1 - x, 0.9, 0.7, rounds=rounds)
        assert a.value1 == pytest.approx(first_proposer_share(0.9, 0.7, rounds), abs=rounds * h + 1e-12)


def _share(r1: float, r2: float, dt: float, lam: float = 0.0) -> float:
    """The stationary share from rates per day: ``δ_i = exp(−(ρ_i + λ_b)Δ)``."""
    p = -math.expm1(-lam * dt)
    return first_proposer_share(*round_discounts(Settings(("A", "B"), rho=(r1, r2), round_days=dt, breakdown=p)))


@pytest.mark.parametrize("r1,r2,lam", [(0.02, 0.05, 0.0), (0.001, 0.0004, 0.01), (0.3, 0.1, 0.05)])
def test_gap_to_the_brw_nash_split_is_first_order_in_the_round_length(r1, r2, lam):
    """``x*(Δ) − w_1 = a_1·a_2·Δ/(2(a_1 + a_2)) + O(Δ²)`` with ``a_i = ρ_i + λ_b``: halves when Δ halves."""
    w1 = brw_weight(r1, r2, lam)
    a1, a2 = r1 + lam, r2 + lam
    gaps = [_share(r1, r2, dt, lam) - w1 for dt in (1.0, 0.5, 0.25)]
    for dt, gap in zip((1.0, 0.5, 0.25), gaps, strict=True):
        first_order = a1 * a2 * dt / (2 * (a1 + a2))
        assert gap == pytest.approx(first_order, rel=(a1 + a2) * dt)  # the next term is O(Δ²)
    assert gaps[0] / gaps[1] == pytest.approx(2.0, rel=(a1 + a2))
    assert gaps[1] / gaps[2] == pytest.approx(2.0, rel=(a1 + a2) / 2)


@pytest.mark.parametrize("r1,r2,lam", [(0.02, 0.05, 0.0), (0.0, 0.01, 0.002), (0.3, 0.0, 0.0), (0.0, 0.0, 0.0)])
def test_brw_weights_against_the_formula(r1, r2, lam):
    """``w_1 = (1/(ρ1+λ)) / (1/(ρ1+λ) + 1/(ρ2+λ))``; equal when nobody discounts."""
    inv1 = math.inf if r1 + lam == 0 else 1 / (r1 + lam)
    inv2 = math.inf if r2 + lam == 0 else 1 / (r2 + lam)
    if math.isinf(inv1) and math.isinf(inv2):
        expected = 0.5
    elif math.isinf(inv1) or math.isinf(inv2):
        expected = 1.0 if math.isinf(inv1) else 0.0
    else:
        expected = inv1 / (inv1 + inv2)
    assert brw_weight(r1, r2, lam) == pytest.approx(expected, rel=1e-12)
    assert brw_weight(r1, r2, lam) + brw_weight(r2, r1, lam) == pytest.approx(1.0, rel=1e-12)


def test_hazard_from_breakdown_probability():
    """``λ_b = −ln(1 − p)/Δ`` per day; surviving a round is a discount ``1 − p = exp(−λ_bΔ)``."""
    s = Settings(("A", "B"), rho=(0.01, 0.02), breakdown=0.2, round_days=3.0)
    assert s.hazard == pytest.approx(-math.log(0.8) / 3.0, rel=1e-12)
    d1, d2 = round_discounts(s)
    assert d1 == pytest.approx(math.exp(-0.01 * 3.0) * 0.8, rel=1e-12)
    assert d2 == pytest.approx(math.exp(-0.02 * 3.0) * 0.8, rel=1e-12)


def _pie(f1, f2, d1=0.0, d2=0.0):
    """A problem with one part whose options are the given points (its hull is the frontier)."""
    return Problem((Part("pie", np.asarray(f1, dtype=float), np.asarray(f2, dtype=float)),), d1, d2)


@pytest.mark.parametrize("curved", [False, True])
def test_discount_factors_do_not_depend_on_the_pie(curved):
    """Scaling every value by 2^m scales the agreed point by 2^m exactly (δ from rates, never the pie)."""
    x = np.linspace(0.0, 1.0, 11)
    y = 1 - x**2 if curved else 1 - x
    s = Settings(("A", "B"), rho=(0.2, 0.1), round_days=1.0)
    base = REGISTRY["alternating_offers"](_pie(x, y), s).point
    assert base is not None
    for m in (-20, -3, 1, 7, 30):
        k = 2.0**m
        pt = REGISTRY["alternating_offers"](_pie(k * x, k * y), s).point
        assert pt.u1 == k * base.u1 and pt.u2 == k * base.u2


def test_first_proposer_gets_the_closed_form_on_a_linear_frontier():
    """With a transfer, opener i gets ``d_i + (1−δ_j)/(1−δ_iδ_j)·(S − d_i − d_j)`` (here in gains, d = 0)."""
    s_pie, d1, d2 = 3.0, 0.4, 1.1  # absolute pie and disagreement payoffs; gains are u − d
    h = 1e-9
    for first in ("A", "B"):
        s = Settings(("A", "B"), rho=(0.02, 0.05), round_days=1.0, transferable=True, first_proposer=first)
        dl1, dl2 = round_discounts(s)
        pt = REGISTRY["alternating_offers"](_pie([0.0, s_pie], [s_pie, 0.0], d1, d2), s).point
        if first == "A":
            expected = d1 + (1 - dl2) / (1 - dl1 * dl2) * (s_pie - d1 - d2)
        else:
            expected = s_pie - (d2 + (1 - dl1) / (1 - dl1 * dl2) * (s_pie - d1 - d2))
        assert pt.u1 == pytest.approx(expected, abs=h)


def test_patience_gives_the_small_round_limit_of_alternating_offers_in_nash():
    """``weights: patience`` in ``nash`` = the Δ → 0 limit of alternating offers (same ρ_i and λ_b)."""
    r1, r2, lam = 0.02, 0.05, 0.01
    limit = _share(r1, r2, 1e-7, lam)  # within O(Δ) = 1e−9 of the limit
    for dt in (0.5, 2.0, 7.0):  # the weight depends on Δ and p only through λ_b
        p = -math.expm1(-lam * dt)
        s = Settings(("A", "B"), rho=(r1, r2), weights="patience", round_days=dt, breakdown=p, transferable=True)
        assert nash_weight(s) == pytest.approx(limit, abs=1e-8)
        assert REGISTRY["nash"](_pie([0.0, 1.0], [1.0, 0.0]), s).point.u1 == pytest.approx(limit, abs=1e-8)
