"""The variable-threat (leverage) term against Nash's (1953) closed form (MODEL §4, "Variable threats").

With ``d1 = −c1·t1²/2 − h2·t2`` and ``d2 = −c2·t2²/2 − h1·t1`` (actor i's instrument ``t_i`` costs it
``c_i·t_i²/2`` and the other ``h_i·t_i``) and talks for sure (p = 1), the value
``−(1 − w_i)·L_i + w_i·L_j`` of each instrument is maximised at ``t1* = w1·h1/(w2·c1)`` and
``t2* = w2·h2/(w1·c2)``, clipped to the bounds; with no talks (p = 0) an actor ignores the other's loss.
The maximisers are found numerically (bounded Brent) and compared with the formula to 1e-6 (absolute, on
instruments of order 1): near a smooth maximum a value known to machine precision ε pins the argument only
to about ``sqrt(2ε·|V|/|V''|)`` ≈ 1e-8, so 1e-6 leaves margin and still fails any wrong coefficient.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from sim.bargaining.threats import background_talks_probability, threat_point_value

UPPER = 3.0  # the instruments' bounds: [0, UPPER]
TOL = 1e-6


def losses(t1: float, t2: float, c1: float, c2: float, h1: float, h2: float) -> tuple[float, float]:
    """``(L1, L2) = (−d1, −d2)``."""
    return c1 * t1**2 / 2 + h2 * t2, c2 * t2**2 / 2 + h1 * t1


def best(value, lower: float = 0.0, upper: float = UPPER) -> float:
    """The maximiser of ``value`` on ``[lower, upper]`` (a bound when it wins)."""
    res = minimize_scalar(lambda t: -value(t), bounds=(lower, upper), method="bounded", options={"xatol": 1e-12})
    cands = [lower, upper, float(res.x)]
    return max(cands, key=value)


@pytest.mark.parametrize("w1", [0.2, 0.5, 0.7])
@pytest.mark.parametrize(("c1", "c2", "h1", "h2"), [(1.0, 2.0, 0.5, 1.5), (3.0, 0.5, 2.0, 0.2), (0.4, 0.4, 1.0, 2.0)])
def test_maximisers_are_nash_variable_threats(w1, c1, c2, h1, h2):
    w2 = 1.0 - w1
    other1, other2 = 0.7, 1.1  # the other's instrument held fixed: the best response does not depend on it
    t1 = best(lambda t: threat_point_value(*losses(t, other2, c1, c2, h1, h2), w1, 1.0))
    t2 = best(lambda t: threat_point_value(*reversed(losses(other1, t, c1, c2, h1, h2)), w2, 1.0))
    assert t1 == pytest.approx(min(UPPER, w1 * h1 / (w2 * c1)), abs=TOL)
    assert t2 == pytest.approx(min(UPPER, w2 * h2 / (w1 * c2)), abs=TOL)


def test_the_upper_bound_clips():
    """A cheap weapon (c small) with a large weight: the formula exceeds the bound, the bound wins."""
    c1, c2, h1, h2, w1 = 0.05, 1.0, 2.0, 1.0, 0.8
    assert 0.8 * h1 / (0.2 * c1) > UPPER
    t1 = best(lambda t: threat_point_value(*losses(t, 0.0, c1, c2, h1, h2), w1, 1.0))
    assert t1 == UPPER


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_partial_talks_scale_the_leverage(p):
    """For p in (0, 1) the first-order condition gives ``t1* = p·w1·h1 / ((1 − p·w1)·c1)``."""
    c1, c2, h1, h2, w1 = 1.0, 1.0, 1.0, 1.0, 0.5
    t1 = best(lambda t: threat_point_value(*losses(t, 0.3, c1, c2, h1, h2), w1, p))
    assert t1 == pytest.approx(min(UPPER, p * w1 * h1 / ((1 - p * w1) * c1)), abs=TOL)


@pytest.mark.parametrize("w1", [0.2, 0.5, 0.9])
def test_without_talks_the_other_loss_is_ignored(w1):
    """p = 0: the value is exactly ``−L_own`` whatever the other loses, so the costly weapon is not used."""
    c1, c2, h1, h2 = 1.0, 2.0, 5.0, 1.0
    t1 = best(lambda t: threat_point_value(*losses(t, 0.4, c1, c2, h1, h2), w1, 0.0))
    assert t1 == pytest.approx(0.0, abs=TOL)
    own = np.array([0.0, 1.5, -2.25, 1e9])
    for other in (np.zeros(4), np.array([1e12, -3.0, 7.0, 0.5])):
        assert np.array_equal(threat_point_value(own, other, w1, 0.0), -own)


def test_background_talks_probability_is_poisson():
    """P(at least one talk in H days) at r per year is ``1 − exp(−r·H/365)``; 0 at r = 0."""
    assert background_talks_probability(0.0, 90.0) == 0.0
    assert background_talks_probability(4.0, 365.0) == pytest.approx(1 - np.exp(-4.0), rel=1e-15)
    assert background_talks_probability(2.0, 90.0) == pytest.approx(1 - np.exp(-2.0 * 90 / 365), rel=1e-15)
