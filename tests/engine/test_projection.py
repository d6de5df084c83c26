"""The projector against closed forms, and against what the engine then does.

The property test is the contract of one source per equation: a projection from a state (stock
above zero, at zero, in shortage) equals the losses the World accumulates over
the same interval when nothing else happens. Licensing is made deterministic:
approval 0 with no delay, so no cohort ever arrives, and the supplier earns no
revenue on the flow, so denials cost nothing; actors are ``scripted`` with an
empty calendar.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.compile import scenario_from_dict
from sim.engine.core import Engine
from sim.model.chokepoints import stockout_time
from sim.model.trade import exporter_loss, importer_loss
from sim.model.welfare import discount_integral

from ..conftest import base_dict


def scenario(
    stock=20.0,
    share=0.8,
    licensed=0.5,
    tariff=0.3,
    rho_year=0.05,
    gamma=2.0,
    var=2.0,
    strategic=0.0,
    weights=None,
    horizon=400.0,
    fee=0.0,
    quota=1.0,
):
    d = base_dict()
    d["meta"].update(horizon_days=horizon, discount_rate_per_year=rho_year)
    cn = d["actors"]["CN"]["instruments"]
    cn["controls"] = {"initial": 1, "min": 0, "max": 1, "step": 1}
    cn["approval"]["initial"] = 0.0
    cn["delay"] = {"initial": 0, "min": 0, "max": 365, "step": 15}
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = tariff
    # a tariff-equivalent fee and a purchase quota on the same link (same economics, more terms)
    d["actors"]["US"]["instruments"]["fees"] = {"initial": fee, "min": 0.0, "max": 1.0, "step": 0.1}
    d["actors"]["US"]["instruments"]["purchases"] = {
        "initial": quota,
        "min": 0.0,
        "max": 1.0,
        "step": 0.1,
        "hostile": "down",
    }
    d["trade_links"]["cn_us"].update(
        tariff_equivalents=[{"instrument": "US.fees", "rate": 0.5}], quota="US.purchases", substitution_cost=0.2
    )
    for a, w in (weights or {}).items():
        d["actors"][a]["preferences"] = w
    d["chokepoints"]["magnets"].update(
        initial_stock_days=stock,
        supplier_share=share,
        licensed_share_by_tier=[0.0, licensed],
        gamma=gamma,
        value_at_risk_bn_per_day=var,
        strategic_value_bn_per_day=strategic,
    )
    return scenario_from_dict(d)


def engine_at(sc, t):
    e = Engine(sc, {}, list(np.random.SeedSequence(7).spawn(3)), record_series=False)
    if t > 0:
        e.env.run(until=t)
    e.world.advance(t)
    return e


def weighted_losses(e):
    return {a: -e.world.payoff(a) for a in e.world.actors}


# ------------------------------------------------------------------ closed forms
def test_trade_losses_are_the_discounted_constant_rates():
    sc = scenario(licensed=0.0, tariff=0.4)  # no licensing: no shortage
    e = engine_at(sc, 10.0)
    rho = 0.05 / 365
    got = e.projector.project(50.0)
    pv = discount_integral(10.0, 60.0, rho)
    assert got["US"] == pytest.approx(importer_loss(1.0, 0.4, 0.0, 2.0, 1.0) * pv, rel=1e-12)
    assert got["CN"] == pytest.approx(exporter_loss(1.0, 0.4, 0.0, 2.0, 1.0, 0.5) * pv, rel=1e-12)


def test_shortage_cost_from_the_stockout_day():
    sc = scenario(stock=20.0, share=0.8, licensed=0.5, tariff=0.0, rho_year=0.0, strategic=0.5)
    e = engine_at(sc, 0.0)
    gap = 0.8 * 0.5  # inflow 1 - s·L
    t_out = stockout_time(20.0, 1.0 - gap)
    assert t_out == pytest.approx(50.0)
    got = e.projector.project(80.0)
    assert got["US"] == pytest.approx(2.0 * gap**2 * (80.0 - t_out), rel=1e-12)
    assert got["CN"] == pytest.approx(-0.5 * gap**2 * (80.0 - t_out), rel=1e-12)
    assert e.projector.project(40.0)["US"] == 0.0  # the stock lasts


def test_scheduled_change_and_array_overrides():
    sc = scenario(licensed=0.0, tariff=0.0, rho_year=0.0)
    e = engine_at(sc, 0.0)
    rate = importer_loss(1.0, 0.5, 0.0, 2.0, 1.0)
    got = e.projector.project(30.0, scheduled=[(10.0, "US.tariff", 0.5)])
    assert got["US"] == pytest.approx(rate * 20.0, rel=1e-12)
    # an override fixes the instrument: the scheduled change is ignored
    arr = e.projector.project(30.0, {"US.tariff": np.array([0.0, 0.5, 0.0])}, [(10.0, "US.tariff", 1.0)])
    assert arr["US"] == pytest.approx([0.0, rate * 30.0, 0.0], rel=1e-12)
    for i, tau in enumerate((0.0, 0.5)):
        one = e.projector.project(30.0, {"US.tariff": tau}, [(10.0, "US.tariff", 1.0)])
        assert one["CN"] == pytest.approx(arr["CN"][i], rel=1e-12)


def test_options_relative_and_absolute_agree_in_differences():
    sc = scenario(stock=10.0, licensed=0.5, tariff=0.2, strategic=0.3)
    e = engine_at(sc, 5.0)
    options = [("US.tariff", 0.5), ("CN.controls", 0.0), ("CN.approval", 1.0), ("US.tariff", 0.2)]
    for actor in ("US", "CN"):
        absolute = e.projector.project_options(60.0, options, [], actor)
        relative = e.projector.project_options(60.0, options, [], actor, relative=True)
        assert absolute[0] == pytest.approx(e.projector.project(60.0)[actor], rel=1e-12)
        for (ref, value), level in zip(options, absolute[1:]):
            assert level == pytest.approx(e.projector.project(60.0, {ref: value})[actor], rel=1e-12)
        np.testing.assert_allclose(absolute - absolute[0], relative - relative[0], rtol=1e-9, atol=1e-9)
    assert absolute[4] == pytest.approx(absolute[0], rel=1e-12)  # an unchanged value changes nothing


# ------------------------------------------------------------- the engine agrees
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stock=st.sampled_from([0.0, 0.5, 5.0, 20.0, 45.0]),
    share=st.floats(0.1, 1.0),
    licensed=st.floats(0.0, 1.0),
    tariff=st.floats(0.0, 1.5),
    rho_year=st.sampled_from([0.0, 0.05, 0.2]),
    gamma=st.floats(1.0, 3.0),
    var=st.floats(0.1, 5.0),
    strategic=st.floats(0.0, 2.0),
    w_short=st.floats(0.5, 2.0),
    w_strat=st.floats(0.0, 2.0),
    start=st.floats(0.0, 120.0),
    horizon=st.floats(1.0, 200.0),
    fee=st.floats(0.0, 1.0),
    quota=st.floats(0.3, 1.0),
)
def test_projection_equals_what_the_engine_then_does(
    stock, share, licensed, tariff, rho_year, gamma, var, strategic, w_short, w_strat, start, horizon, fee, quota
):
    sc = scenario(
        stock=stock,
        share=share,
        licensed=licensed,
        tariff=tariff,
        rho_year=rho_year,
        gamma=gamma,
        var=var,
        strategic=strategic,
        weights={"US": {"shortage": w_short, "trade": 1.5}, "CN": {"strategic": w_strat}},
        fee=fee,
        quota=quota,
    )
    e = engine_at(sc, start)
    projected = e.projector.project(horizon)
    before = weighted_losses(e)
    e.env.run(until=start + horizon)
    e.world.advance(start + horizon)
    after = weighted_losses(e)
    scale = max(1.0, *(abs(v) for v in after.values()))
    for a in ("US", "CN"):
        assert math.isclose(after[a] - before[a], projected[a], rel_tol=1e-9, abs_tol=1e-9 * scale), a
