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


def test_trade_flow_constant_elasticity():
    assert trade.trade_flow(100.0, 0.0, 0.0, 2.5) == 100.0
    assert trade.trade_flow(100.0, 1.0, 0.0, 2.5) == pytest.approx(100.0 * 2.0**-2.5)
    assert trade.trade_flow(100.0, 0.0, 0.0, 2.5, quota=0.4) == pytest.approx(40.0)


def test_full_pass_through_leaves_only_the_deadweight_triangle():
    v0, tau, eps = 400.0, 0.5, 3.0
    v = trade.trade_flow(v0, tau, 0.0, eps)
    assert trade.importer_loss(v0, tau, 0.0, eps, 1.0) == pytest.approx(0.5 * tau * (v0 - v))


def test_incomplete_pass_through_shifts_burden_to_exporter():
    v0, tau, eps, phi, m = 400.0, 0.5, 3.0, 0.8, 0.3
    v = trade.trade_flow(v0, tau, 0.0, eps)
    imp = trade.importer_loss(v0, tau, 0.0, eps, phi)
    exp = trade.exporter_loss(v0, tau, 0.0, eps, phi, m)
    assert imp == pytest.approx(0.5 * tau * (v0 - v) - (1 - phi) * tau * v)
    assert exp == pytest.approx(m * (v0 - v) + (1 - phi) * tau * v)


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
