"""Bargaining protocols against their closed forms (unit pie on a fine grid).

The packages are (x, 1 − x) for x on a grid of step h. Discretisation costs at
most h per round of backward induction; the errors contract by δ1·δ2 every two
rounds, so the stated tolerance is ``2h/(1 − δ1·δ2)``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.bargaining import (
    alternating_offers,
    brw_weight,
    nash_bargain,
    nash_split,
    round_discount,
    rubinstein_share,
)

H = 1e-5
X = np.linspace(0.0, 1.0, round(1 / H) + 1)


def tol(d1, d2):
    return 2 * H / (1 - d1 * d2) + 1e-12


@pytest.mark.parametrize("d1", [0.3, 0.6, 0.9, 0.97])
@pytest.mark.parametrize("d2", [0.3, 0.6, 0.9, 0.97])
def test_rubinstein_first_proposer_share(d1, d2):
    a = alternating_offers(X, 1 - X, d1, d2)
    assert a.value1 == pytest.approx((1 - d2) / (1 - d1 * d2), abs=tol(d1, d2))
    assert a.value1 + a.value2 == pytest.approx(1.0, abs=1e-12)  # immediate agreement, no waste


@pytest.mark.parametrize("d", [0.1, 0.5, 0.8, 0.95])
def test_equal_patience_gives_one_over_one_plus_delta(d):
    assert alternating_offers(X, 1 - X, d, d).value1 == pytest.approx(1 / (1 + d), abs=tol(d, d))


def test_second_proposer_gets_the_mirror_share():
    d1, d2 = 0.6, 0.9
    a = alternating_offers(X, 1 - X, d1, d2, first=2)
    assert a.value2 == pytest.approx(rubinstein_share(d2, d1), abs=tol(d1, d2))


@pytest.mark.parametrize("r1,r2", [(1.0, 1.0), (1.0, 3.0), (0.02, 0.005)])
def test_frequent_offers_converge_to_rate_ratio(r1, r2):
    """δi = exp(−ri·Δ), Δ → 0: the share tends to r2/(r1 + r2)."""
    limit = r2 / (r1 + r2)
    errors = []
    for delta_t in (1.0, 0.1, 0.01):
        d1, d2 = round_discount(r1, delta_t), round_discount(r2, delta_t)
        a = alternating_offers(X, 1 - X, d1, d2)
        assert a.value1 == pytest.approx(rubinstein_share(d1, d2), abs=tol(d1, d2))
        errors.append(abs(rubinstein_share(d1, d2) - limit))
    assert errors[0] > errors[1] > errors[2]
    d1, d2 = round_discount(r1, 1e-4), round_discount(r2, 1e-4)
    assert rubinstein_share(d1, d2) == pytest.approx(limit, abs=1e-3)
    assert brw_weight(r1, r2) == pytest.approx(limit)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 10])
def test_stahl_finite_horizon_closed_form(n):
    """Equal δ, n rounds: x1 = (1 − (−δ)^n)/(1 + δ) (Ståhl 1972)."""
    d = 0.8
    a = alternating_offers(X, 1 - X, d, d, rounds=n)
    assert a.value1 == pytest.approx((1 - (-d) ** n) / (1 + d), abs=n * H + 1e-12)


def test_stahl_converges_to_rubinstein():
    d1, d2 = 0.7, 0.9
    target = rubinstein_share(d1, d2)
    gaps = [abs(alternating_offers(X, 1 - X, d1, d2, rounds=n).value1 - target) for n in (2, 6, 20, 60)]
    assert all(a >= b for a, b in itertools.pairwise(gaps))
    assert gaps[-1] <= tol(d1, d2)


@pytest.mark.parametrize("p", [0.05, 0.2, 0.5])
def test_breakdown_probability_acts_like_a_discount(p):
    a = alternating_offers(X, 1 - X, 1.0, 1.0, breakdown=p)
    assert a.value1 == pytest.approx(rubinstein_share(1 - p, 1 - p), abs=tol(1 - p, 1 - p))
    b = alternating_offers(X, 1 - X, 0.9, 0.8, breakdown=p)
    assert b.value1 == pytest.approx(rubinstein_share(0.9 * (1 - p), 0.8 * (1 - p)), abs=tol(0.9, 0.8))


@pytest.mark.parametrize("d1,d2", [(0.0, 0.0), (0.2, 0.1), (0.5, 0.3)])
@pytest.mark.parametrize("alpha", [0.5, 0.3, 0.8])
def test_nash_split_over_unit_pie(d1, d2, alpha):
    i = nash_bargain(X - d1, 1 - X - d2, alpha)
    assert X[i] == pytest.approx(d1 + alpha * (1 - d1 - d2), abs=H)
    assert X[i] == pytest.approx(nash_split(d1, d2, alpha), abs=H)


def test_nash_needs_both_to_gain():
    assert nash_bargain(X - 0.7, 1 - X - 0.4) is None


def test_outside_option_principle():
    """An outside option binds only if it beats the bargaining share (Binmore, Shaked & Sutton 1989)."""
    d = 0.99
    share2 = 1 - rubinstein_share(d, d)  # ≈ 0.497
    weak = alternating_offers(X, 1 - X, d, d, outside=(0.0, 0.3))
    assert weak.value2 == pytest.approx(share2, abs=tol(d, d))
    strong = alternating_offers(X, 1 - X, d, d, outside=(0.0, 0.7))
    assert strong.value2 == pytest.approx(0.7, abs=2 * H)
    # unlike splitting the difference above the option (Nash with d2 = w2 gives 0.85)
    assert nash_split(0.0, 0.7) == pytest.approx(0.15) and strong.value1 == pytest.approx(0.3, abs=2 * H)


def test_no_surplus_no_agreement():
    a = alternating_offers(np.array([-1.0, 0.5]), np.array([0.5, -1.0]), 0.9, 0.9)
    assert a.index is None and a.value1 == 0.0 and a.value2 == 0.0
