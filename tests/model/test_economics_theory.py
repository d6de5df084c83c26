"""Closed forms of the pure economics, asserted against their formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model import economics as ec


def test_discount_integral_matches_quadrature():
    rho = 0.05 / 365
    a, b = 10.0, 200.0
    xs = np.linspace(a, b, 200_001)
    numeric = np.trapezoid(np.exp(-rho * xs), xs)
    assert ec.discount_integral(a, b, rho) == pytest.approx(numeric, rel=1e-9)
    assert ec.discount_integral(a, b, 0.0) == b - a


@pytest.mark.parametrize("stock,inflow", [(20.0, 0.2), (35.0, 0.0), (5.0, 0.9)])
def test_stockout_day_is_stock_over_net_drain(stock, inflow):
    assert ec.stockout_time(stock, inflow) == pytest.approx(stock / (1.0 - inflow), rel=1e-12)


def test_no_stockout_when_inflow_covers_demand():
    assert ec.stockout_time(10.0, 1.0) == math.inf
    assert ec.stockout_time(10.0, 1.3) == math.inf


def test_stock_path_piecewise_constant_inflow_exact():
    # I0 = 10; 5 days at inflow 0 (stock 10 -> 5), 20 days at 0.5 (stockout after 10 more
    # days, then 10 days short by 0.5), 10 days at 1.5 (refills to 5).
    out = ec.stock_path(10.0, [(5.0, 0.0), (20.0, 0.5), (10.0, 1.5)], gamma=2.0)
    assert out["shortage_days"] == pytest.approx(10.0, abs=1e-12)
    assert out["shortfall"] == pytest.approx(10.0 * 0.5, abs=1e-12)
    assert out["cost"] == pytest.approx(10.0 * 0.5**2, abs=1e-12)
    assert out["stock"] == pytest.approx(5.0, abs=1e-12)


def test_stock_path_discounted_cost_matches_integral():
    rho = 0.001
    # stock 4 drained at 0.8/day runs out at t = 5, then shortfall 0.8 until t = 30
    out = ec.stock_path(4.0, [(30.0, 0.2)], rho=rho, gamma=1.5)
    expected = 0.8**1.5 * (math.exp(-rho * 5) - math.exp(-rho * 30)) / rho
    assert out["cost"] == pytest.approx(expected, rel=1e-12)


def test_stock_path_vectorised_equals_scalar():
    stocks = np.array([0.0, 3.0, 50.0])
    vec = ec.stock_path(stocks, [(10.0, np.array([0.5, 0.5, 0.5]))])
    for i, s in enumerate(stocks):
        one = ec.stock_path(s, [(10.0, 0.5)])
        assert vec["shortage_days"][i] == pytest.approx(float(one["shortage_days"]))


def test_trade_flow_constant_elasticity():
    assert ec.trade_flow(100.0, 0.0, 0.0, 2.5) == 100.0
    assert ec.trade_flow(100.0, 1.0, 0.0, 2.5) == pytest.approx(100.0 * 2.0**-2.5)
    assert ec.trade_flow(100.0, 0.0, 0.0, 2.5, quota=0.4) == pytest.approx(40.0)


def test_full_pass_through_leaves_only_the_deadweight_triangle():
    v0, tau, eps = 400.0, 0.5, 3.0
    v = ec.trade_flow(v0, tau, 0.0, eps)
    assert ec.importer_loss(v0, tau, 0.0, eps, 1.0) == pytest.approx(0.5 * tau * (v0 - v))


def test_incomplete_pass_through_shifts_burden_to_exporter():
    v0, tau, eps, phi, m = 400.0, 0.5, 3.0, 0.8, 0.3
    v = ec.trade_flow(v0, tau, 0.0, eps)
    imp = ec.importer_loss(v0, tau, 0.0, eps, phi)
    exp = ec.exporter_loss(v0, tau, 0.0, eps, phi, m)
    assert imp == pytest.approx(0.5 * tau * (v0 - v) - (1 - phi) * tau * v)
    assert exp == pytest.approx(m * (v0 - v) + (1 - phi) * tau * v)


def test_shortage_cost_is_convex():
    s = np.linspace(0, 1, 11)
    c = ec.shortage_cost_rate(2.0, s, 2.0)
    assert np.all(np.diff(c, 2) >= -1e-12)
    assert c[-1] == pytest.approx(2.0)


def test_chokepoint_flows_conserve_supply():
    un, lic = ec.chokepoint_inflows(0.8, 0.5, 0.6, 1.0, 0.1)
    assert un + lic == pytest.approx(1.0)
    un, lic = ec.chokepoint_inflows(0.8, 0.0, 0.6, 0.0, 0.0)
    assert (un, lic) == (pytest.approx(1.0), pytest.approx(0.0))
