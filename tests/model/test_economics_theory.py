"""Closed forms of the pure economics, asserted against their formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model import chokepoints, trade, welfare


def test_discount_integral_matches_quadrature():
    rho = 0.05 / 365
    a, b = 10.0, 200.0
    xs = np.linspace(a, b, 200_001)
    numeric = np.trapezoid(np.exp(-rho * xs), xs)
    assert welfare.discount_integral(a, b, rho) == pytest.approx(numeric, rel=1e-9)
    assert welfare.discount_integral(a, b, 0.0) == b - a


@pytest.mark.parametrize("stock,inflow", [(20.0, 0.2), (35.0, 0.0), (5.0, 0.9)])
def test_stockout_day_is_stock_over_net_drain(stock, inflow):
    assert chokepoints.stockout_time(stock, inflow) == pytest.approx(stock / (1.0 - inflow), rel=1e-12)


def test_no_stockout_when_inflow_covers_demand():
    assert chokepoints.stockout_time(10.0, 1.0) == math.inf
    assert chokepoints.stockout_time(10.0, 1.3) == math.inf


def test_stock_path_piecewise_constant_inflow_exact():
    # I0 = 10; 5 days at inflow 0 (stock 10 -> 5), 20 days at 0.5 (stockout after 10 more
    # days, then 10 days short by 0.5), 10 days at 1.5 (refills to 5).
    out = chokepoints.stock_path(10.0, [(5.0, 0.0), (20.0, 0.5), (10.0, 1.5)], gamma=2.0)
    assert out["shortage_days"] == pytest.approx(10.0, abs=1e-12)
    assert out["unmet_demand_days"] == pytest.approx(10.0 * 0.5, abs=1e-12)
    assert out["cost"] == pytest.approx(10.0 * 0.5**2, abs=1e-12)
    assert out["stock"] == pytest.approx(5.0, abs=1e-12)


def test_stock_path_discounted_cost_matches_integral():
    rho = 0.001
    # stock 4 drained at 0.8/day runs out at t = 5, then shortfall 0.8 until t = 30
    out = chokepoints.stock_path(4.0, [(30.0, 0.2)], rho=rho, gamma=1.5)
    expected = 0.8**1.5 * (math.exp(-rho * 5) - math.exp(-rho * 30)) / rho
    assert out["cost"] == pytest.approx(expected, rel=1e-12)


def test_stock_path_vectorised_equals_scalar():
    stocks = np.array([0.0, 3.0, 50.0])
    vec = chokepoints.stock_path(stocks, [(10.0, np.array([0.5, 0.5, 0.5]))])
    for i, s in enumerate(stocks):
        one = chokepoints.stock_path(s, [(10.0, 0.5)])
        assert vec["shortage_days"][i] == pytest.approx(float(one["shortage_days"]))


@pytest.mark.parametrize("eps,omega", [(2.5, 0.0), (2.5, 0.4), (1.0, 0.2), (0.5, 1.0)])
@pytest.mark.parametrize("tau0", [0.0, 0.3])
def test_quantity_share_is_constant_elasticity_in_the_domestic_price(eps, omega, tau0):
    """``Q/Q0 = (p/p0)^(−ε)`` with ``p/p0 = T^φ``, ``T = (1+τ)/(1+τ0)``, ``φ = 1/(1+εω)`` derived, not set.

    At ω = 0 (flat export supply) the whole tariff reaches buyers: ``Q/Q0 = T^(−ε)``. A purchase
    floor ``f`` (share of Q0) binds only above the market quantity: the traded share is ``max(Q/Q0, f)``.
    """
    phi = 1.0 / (1.0 + eps * omega)
    assert trade.pass_through(eps, omega) == pytest.approx(phi, rel=1e-15)
    for tau in (tau0, 0.5, 1.0, 2.0):
        big_t = (1.0 + tau) / (1.0 + tau0)
        share = trade.quantity_share(tau, tau0, eps, omega)
        assert share == pytest.approx(big_t ** (-eps * phi), rel=1e-12)
        terms = trade.LinkTerms(v0=100.0, tau0=tau0, elasticity=eps, omega=omega)
        for floor in (0.0, 0.5, 1.2):
            assert trade.link_welfare(terms, tau, floor).share == pytest.approx(max(share, floor), rel=1e-12)
    assert trade.quantity_share(1.0, 0.0, eps, 0.0) == pytest.approx(2.0**-eps, rel=1e-12)


@pytest.mark.parametrize("eps", [0.5, 2.0, 3.0])
def test_full_pass_through_deadweight_loss_is_exact_and_below_the_triangle(eps):
    """At ω = 0 the exporter's producer surplus does not change and the importer loses the exact area
    under its constant-elasticity demand between the two prices, net of revenue (τ0 = 0, ``p_w = 1``):

    ``−(ΔCS + ΔR) = V0·(∫_1^T x^(−ε) dx − τ·T^(−ε)) = V0·((T^(1−ε) − 1)/(1−ε) − τ·T^(−ε))``, ``T = 1 + τ``.

    Demand is convex, so the v1 triangle ``½·τ·(V0 − V)`` (``V = V0·T^(−ε)``) overstates it; the two
    agree to second order in τ (relative gap O(τ)) and the triangle is far off for tariffs of 100% and more.
    """
    v0 = 400.0
    ratios = {}
    for tau in (1e-3, 0.5, 1.0, 2.0):
        big_t = 1.0 + tau
        exact = v0 * ((big_t ** (1.0 - eps) - 1.0) / (1.0 - eps) - tau * big_t**-eps)
        w = trade.link_welfare(trade.LinkTerms(v0=v0, elasticity=eps, omega=0.0), tau)
        assert -(w.consumer + w.revenue) == pytest.approx(exact, rel=1e-12)
        assert w.producer == 0.0
        triangle = 0.5 * tau * (v0 - v0 * big_t**-eps)
        assert 0.0 < exact < triangle
        ratios[tau] = triangle / exact
    assert ratios[1e-3] == pytest.approx(1.0, abs=2e-3 * eps)  # relative gap O(ετ)
    assert ratios[1.0] < ratios[2.0]
    if eps >= 2.0:  # MODEL §0: about twofold at 100%+ tariffs
        assert ratios[2.0] > 1.8


@pytest.mark.parametrize("eps,omega", [(3.0, 0.1), (3.0, 0.5), (2.0, 1.0), (0.8, 0.3)])
def test_finite_export_supply_shifts_the_burden_to_the_exporter(eps, omega):
    """With export supply elasticity η = 1/ω the world price falls to ``p_w/p_w0 = T^(φ−1)``.

    The exporter loses the area left of its supply curve ``S(x) = Q0·x^η`` between the prices:
    ``ΔPS_X = −V0·(1 − T^((φ−1)(1+η)))/(1+η)``. For a small tariff buyers bear the share φ of it
    (``−ΔCS ≈ φτV0``), the exporter the rest (``−ΔPS_X ≈ (1−φ)τV0``), and the importer's
    revenue ``ΔR ≈ τV0`` pays for both: the terms-of-trade gain that v1 set by hand.
    """
    v0 = 400.0
    phi = 1.0 / (1.0 + eps * omega)
    eta = 1.0 / omega
    for tau in (0.5, 1.0, 2.0):
        big_t = 1.0 + tau
        w = trade.link_welfare(trade.LinkTerms(v0=v0, elasticity=eps, omega=omega), tau)
        exact = -v0 * (1.0 - big_t ** ((phi - 1.0) * (1.0 + eta))) / (1.0 + eta)
        assert w.producer == pytest.approx(exact, rel=1e-12)
    tau = 1e-5  # first-order shares: the relative error is O(ετ)
    w = trade.link_welfare(trade.LinkTerms(v0=v0, elasticity=eps, omega=omega), tau)
    assert -w.consumer / (tau * v0) == pytest.approx(phi, abs=1e-4)
    assert -w.producer / (tau * v0) == pytest.approx(1.0 - phi, abs=1e-4)
    assert w.revenue / (tau * v0) == pytest.approx(1.0, abs=1e-4)
    steeper = trade.link_welfare(trade.LinkTerms(v0=v0, elasticity=eps, omega=2.0 * omega), 0.5)
    looser = trade.link_welfare(trade.LinkTerms(v0=v0, elasticity=eps, omega=omega), 0.5)
    assert steeper.producer < looser.producer < 0.0  # a steeper supply curve: the exporter bears more
    assert steeper.consumer > looser.consumer  # ... and buyers less


def test_shortage_severity_is_convex_and_matches_the_stock_path():
    """g(σ) = σ^γ: convex for γ ≥ 1, 1 at a full gap, 0 while stock lasts; ∫g dt over a short
    segment is the same σ^γ on the scalar and the vectorised path."""
    inflows = np.linspace(0.0, 1.0, 11)  # σ = 1 − inflow
    g = np.array([chokepoints.shortage_severity(0.0, x, 2.0) for x in inflows])
    np.testing.assert_allclose(g, (1.0 - inflows) ** 2, atol=1e-15)
    assert np.all(np.diff(g, 2) >= -1e-12) and g[0] == 1.0
    assert chokepoints.shortage_severity(5.0, 0.2, 2.0) == 0.0
    for x in inflows:
        scalar = chokepoints.stock_path(0.0, [(10.0, float(x))], gamma=2.0)["cost"]
        vector = chokepoints.stock_path(np.zeros(1), [(10.0, np.array([x]))], gamma=2.0)["cost"][0]
        assert scalar == pytest.approx(10.0 * chokepoints.shortage_severity(0.0, float(x), 2.0), abs=1e-12)
        assert vector == pytest.approx(scalar, abs=1e-12)


def test_chokepoint_flows_conserve_supply():
    un, lic = chokepoints.chokepoint_inflows(0.8, 0.5, 0.6, 1.0, 0.1)
    assert un + lic == pytest.approx(1.0)
    un, lic = chokepoints.chokepoint_inflows(0.8, 0.0, 0.6, 0.0, 0.0)
    assert (un, lic) == (pytest.approx(1.0), pytest.approx(0.0))
