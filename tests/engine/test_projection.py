"""The projector against closed forms, and against what the engine then does.

The property test is the contract of one source per equation: a projection from a state (stock
above zero, at zero, in shortage; a short-run loss on lost sales still decaying) equals the
losses the World accumulates over the same interval when nothing else happens but the known
calendar. Licensing is made deterministic: approval 0 with no delay, so no cohort ever arrives,
and the supplier earns no revenue on the flow, so denials cost no sales; actors are ``scripted``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.engine.compile import scenario_from_dict
from sim.engine.core import Engine
from sim.engine.events import EventKind
from sim.engine.links import COMPONENTS
from sim.engine.projection import Projector
from sim.model.chokepoints import stockout_time
from sim.model.trade import (
    consumer_surplus_change,
    domestic_surplus_change,
    producer_surplus_change,
    quantity_share,
    revenue_change,
)
from sim.model.welfare import discount_integral

from ..conftest import base_dict, reference_state


def scenario(
    stock=20.0,
    share=0.8,
    licensed=0.5,
    tariff=0.3,
    rho_year=0.05,
    gamma=2.0,
    var=2.0,
    horizon=400.0,
    fee=0.0,
    floor=0.0,
    omega=0.0,
    margin=0.5,
    half_life=180.0,
    premium=0.2,
    reference=0.0,
    motives=None,
    changes=(),
    alternative=None,
    rent=0.0,
):
    """base_dict with the chokepoint made deterministic, a tariff-equivalent fee and a purchase floor on
    the CN → US link, the no-dispute path at US tariff ``reference``, ``motives`` per actor, and
    calendar ``changes`` ``(day, value)`` of the US tariff, and the chokepoint's ``alternative`` supply and the
    supplier's ``rent`` on it ($bn/year)."""
    d = base_dict()
    d["meta"].update(horizon_days=horizon, discount_rate_per_year=rho_year)
    cn = d["actors"]["CN"]["instruments"]
    cn["controls"] = {"initial": 1, "min": 0, "max": 1, "step": 1}
    cn["approval"]["initial"] = 0.0
    cn["delay"] = {"initial": 0, "min": 0, "max": 365, "step": 15}
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = tariff
    # a tariff-equivalent fee and a purchase floor on the same link (same economics, more terms)
    d["actors"]["US"]["instruments"]["fees"] = {"initial": fee, "min": 0.0, "max": 1.0, "step": 0.1}
    d["actors"]["US"]["instruments"]["purchases"] = {
        "initial": floor,
        "min": 0.0,
        "max": 1.0,
        "step": 0.1,
        "hostile": "down",
    }
    d["trade_links"]["cn_us"].update(
        tariff_equivalents=[{"instrument": "US.fees", "rate": 0.5}],
        quota="US.purchases",
        purchase_premium=premium,
        supply_omega=omega,
        margin=margin,
        margin_half_life_days=half_life,
        adjustment_at_start=0.0,  # a state held since before day 0: its short-run cost is past
    )
    d["calibration"] = reference_state({"US.tariff": reference})
    for a, m in (motives or {}).items():
        d["actors"][a]["motives"] = m
    for day, value in changes:
        date = str(np.datetime64("2025-01-01") + np.timedelta64(day, "D"))
        d["calendar"].append({"type": "set", "date": date, "actor": "US", "instrument": "tariff", "value": value})
    d["chokepoints"]["magnets"].update(
        initial_stock_days=stock,
        supplier_share=share,
        licensed_share_by_tier=[0.0, licensed],
        gamma=gamma,
        value_at_risk_bn_per_day=var,
        supplier_rent_bn_per_year=rent,
    )
    if alternative is not None:
        d["chokepoints"]["magnets"]["alternative"] = alternative
    return scenario_from_dict(d)


def engine_at(sc, t):
    e = Engine(sc, {}, list(np.random.SeedSequence(7).spawn(3)), record_series=False)
    if t > 0:
        e.env.run(until=t)
    e.world.advance(t)
    return e


def weighted_losses(e):
    return {a: -e.world.payoff(a) for a in e.world.actors}


def importer_loss(tau, tau0=0.0, eps=2.0, omega=0.0, v0=1.0):
    """Importer's loss rate ``−(ΔCS + ΔR)`` from the reference (τ0) at total tariff τ ($bn/day)."""
    return -(consumer_surplus_change(v0, tau, tau0, eps, omega) + revenue_change(v0, tau, tau0, eps, omega))


# ------------------------------------------------------------------ closed forms
def test_link_losses_are_the_discounted_constant_rates():
    """From a state held since day 0 (no change: no short-run loss) the losses are constant rates."""
    sc = scenario(licensed=0.0, tariff=0.4, omega=0.3)  # no licensing: no shortage
    e = engine_at(sc, 10.0)
    rho = 0.05 / 365
    got = e.projector.project(50.0)
    pv = discount_integral(10.0, 60.0, rho)
    assert got["US"] == pytest.approx(importer_loss(0.4, omega=0.3) * pv, rel=1e-12)
    share = quantity_share(0.4, 0.0, 2.0, 0.3)
    assert got["CN"] == pytest.approx(-producer_surplus_change(1.0, share, 0.3) * pv, rel=1e-12)


def test_decaying_short_run_loss_after_a_tariff_change():
    """The US tariff goes from the reference 0 to 0.4 on day 5; projected from day 10 over 50 days.

    China's lost sales ``A = V0·(1 − Q/Q0)`` appeared on day 5 and decay at ``k = ln2/h``, so from day 10
    ``margin·A·e^(−5k)·∫_10^60 e^(−k(t−10)) e^(−ρt) dt = margin·A·e^(−5k)·e^(−10ρ)·(1 − e^(−50(k+ρ)))/(k+ρ)``;
    the producer-surplus loss is a constant rate.
    """
    omega, margin, half_life = 0.3, 0.6, 40.0
    sc = scenario(licensed=0.0, tariff=0.0, omega=omega, margin=margin, half_life=half_life, changes=[(5, 0.4)])
    e = engine_at(sc, 10.0)
    rho, k = 0.05 / 365, math.log(2) / half_life
    share = quantity_share(0.4, 0.0, 2.0, omega)
    lost = 1.0 - share
    decaying = margin * lost * math.exp(-5 * k) * math.exp(-10 * rho) * -math.expm1(-50 * (k + rho)) / (k + rho)
    static = -producer_surplus_change(1.0, share, omega) * discount_integral(10.0, 60.0, rho)
    assert e.world.links[0].a == pytest.approx(lost * math.exp(-5 * k), rel=1e-12)
    assert e.projector.project(50.0)["CN"] == pytest.approx(static + decaying, rel=1e-12)
    # a tariff back at the reference now: the sales come back, A falls by V0·(1 − Q/Q0) to A(10) − lost
    back = e.projector.project(50.0, {"US.tariff": 0.0})["CN"]
    regained = (
        margin * (lost * math.exp(-5 * k) - lost) * math.exp(-10 * rho) * -math.expm1(-50 * (k + rho)) / (k + rho)
    )
    assert back == pytest.approx(regained, rel=1e-12)


def test_shortage_cost_from_the_stockout_day_and_security_from_the_denial():
    """The consumer's shortage costs ``VaR·σ^γ`` from the stockout day; the supplier's security motive
    values the denied share ``δ = s·L·(1 − approval)`` at ``w_S·VaR·δ^β`` from the first day."""
    security = {"security": [{"chokepoint": "magnets", "weight": 0.5, "exponent": 0.7}]}
    sc = scenario(stock=20.0, share=0.8, licensed=0.5, tariff=0.0, rho_year=0.0, motives={"CN": security})
    e = engine_at(sc, 0.0)
    gap = 0.8 * 0.5  # inflow 1 - s·L
    t_out = stockout_time(20.0, 1.0 - gap)
    assert t_out == pytest.approx(50.0)
    got = e.projector.project(80.0)
    assert got["US"] == pytest.approx(2.0 * gap**2 * (80.0 - t_out), rel=1e-12)
    assert got["CN"] == pytest.approx(-0.5 * 2.0 * gap**0.7 * 80.0, rel=1e-12)
    assert e.projector.project(40.0)["US"] == 0.0  # the stock lasts


def test_purchase_floor_costs_the_premium_and_props_up_the_exporter():
    """A floor f above the market share Q/Q0 makes the US buy f·Q0: it pays ``premium·V0·(f − Q/Q0)`` a day
    on top of its market losses, and China's exporters sell f on their supply curve."""
    omega, premium, floor, tau = 0.5, 0.3, 0.8, 0.6
    sc = scenario(licensed=0.0, tariff=tau, omega=omega, premium=premium, floor=floor, rho_year=0.0)
    e = engine_at(sc, 0.0)
    market = quantity_share(tau, 0.0, 2.0, omega)
    assert market < floor
    got = e.projector.project(30.0)
    assert got["US"] == pytest.approx((importer_loss(tau, omega=omega) + premium * (floor - market)) * 30.0, rel=1e-12)
    assert got["CN"] == pytest.approx(-producer_surplus_change(1.0, floor, omega) * 30.0, rel=1e-12)


def test_motive_terms_are_their_weights_times_the_model_terms():
    """The engine books each motive as its weight times a term of ``sim.model`` (ρ = 0, tariff 0 → 0.4 on
    day 10, read on day 50): protection ``θ·(−ΔPS_d)``, revenue ``(ρ_R − 1)·(−ΔR)``, farm
    ``w_F·(−ΔPS_X·40 + margin·A·(1 − e^(−40k))/k)``, security ``−w_S·VaR·δ^β·50``; the projector agrees."""
    omega, margin, half_life, theta, z0, kappa, rho_r, w_f, w_s, beta = (
        0.4,
        0.3,
        30.0,
        0.6,
        1.5,
        0.8,
        1.7,
        1.4,
        0.9,
        0.6,
    )
    motives = {
        "US": {
            "revenue": rho_r,
            "protection": [{"link": "cn_us", "weight": theta, "domestic_ratio": z0, "supply_elasticity": kappa}],
        },
        "CN": {
            "farm": [{"link": "cn_us", "weight": w_f}],
            "security": [{"chokepoint": "magnets", "weight": w_s, "exponent": beta}],
        },
    }
    sc = scenario(
        stock=100.0,
        tariff=0.0,
        rho_year=0.0,
        omega=omega,
        margin=margin,
        half_life=half_life,
        motives=motives,
        changes=[(10, 0.4)],
    )
    e = engine_at(sc, 0.0)
    projected = e.projector.project(50.0, scheduled=[(10.0, "US.tariff", 0.4)])
    e.env.run(until=50.0)
    e.world.advance(50.0)
    books = {a: dict(zip(COMPONENTS, e.world.losses[a])) for a in ("US", "CN")}
    share, k = quantity_share(0.4, 0.0, 2.0, omega), math.log(2) / half_life
    d_psd = domestic_surplus_change(1.0, 0.4, 0.0, 2.0, omega, z0, kappa)
    assert books["US"]["protection"] == pytest.approx(theta * -d_psd * 40.0, rel=1e-12)
    assert books["US"]["revenue_motive"] == pytest.approx((rho_r - 1) * -revenue_change(1.0, 0.4, 0.0, 2.0, omega) * 40)
    short_run = margin * (1 - share) * -math.expm1(-40.0 * k) / k
    assert books["CN"]["adjustment"] == pytest.approx(short_run, rel=1e-12)
    farm = w_f * (-producer_surplus_change(1.0, share, omega) * 40.0 + short_run)
    assert books["CN"]["farm"] == pytest.approx(farm, rel=1e-12)
    assert books["CN"]["security"] == pytest.approx(-w_s * 2.0 * (0.8 * 0.5) ** beta * 50.0, rel=1e-12)
    for a in ("US", "CN"):
        assert projected[a] == pytest.approx(sum(books[a].values()), rel=1e-12)


def test_scheduled_change_and_array_overrides():
    sc = scenario(licensed=0.0, tariff=0.0, rho_year=0.0)
    e = engine_at(sc, 0.0)
    rate = importer_loss(0.5)
    got = e.projector.project(30.0, scheduled=[(10.0, "US.tariff", 0.5)])
    assert got["US"] == pytest.approx(rate * 20.0, rel=1e-12)
    # an override fixes the instrument: the scheduled change is ignored
    arr = e.projector.project(30.0, {"US.tariff": np.array([0.0, 0.5, 0.0])}, [(10.0, "US.tariff", 1.0)])
    assert arr["US"] == pytest.approx([0.0, rate * 30.0, 0.0], rel=1e-12)
    for i, tau in enumerate((0.0, 0.5)):
        one = e.projector.project(30.0, {"US.tariff": tau}, [(10.0, "US.tariff", 1.0)])
        assert one["CN"] == pytest.approx(arr["CN"][i], rel=1e-12)
    k = math.log(2) / 180.0  # China's short-run loss on the sales lost at the override
    assert arr["CN"][1] == pytest.approx(0.5 * (1 - quantity_share(0.5, 0.0, 2.0, 0.0)) * -math.expm1(-30 * k) / k)


def test_options_relative_and_absolute_agree_in_differences():
    security = {"security": [{"chokepoint": "magnets", "weight": 0.3, "exponent": 0.5}]}
    sc = scenario(stock=10.0, licensed=0.5, tariff=0.2, omega=0.2, motives={"CN": security}, changes=[(2, 0.3)])
    e = engine_at(sc, 5.0)
    options = [("US.tariff", 0.5), ("CN.controls", 0.0), ("CN.approval", 1.0), ("US.tariff", 0.3)]
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
    reference=st.floats(0.0, 1.0),
    change=st.tuples(st.integers(1, 300), st.floats(0.0, 1.5)),
    rho_year=st.sampled_from([0.0, 0.05, 0.2]),
    gamma=st.floats(1.0, 3.0),
    var=st.floats(0.1, 5.0),
    omega=st.sampled_from([0.0, 0.1, 0.7]),
    margin=st.floats(0.0, 1.0),
    half_life=st.floats(5.0, 400.0),
    fee=st.floats(0.0, 1.0),
    floor=st.floats(0.0, 1.0),
    weights=st.tuples(st.floats(0.0, 3.0), st.floats(0.0, 2.0), st.floats(0.0, 2.0), st.floats(0.0, 2.0)),
    exponent=st.floats(0.1, 1.0),
    start=st.floats(0.0, 120.0),
    horizon=st.floats(1.0, 200.0),
)
def test_projection_equals_what_the_engine_then_does(
    stock,
    share,
    licensed,
    tariff,
    reference,
    change,
    rho_year,
    gamma,
    var,
    omega,
    margin,
    half_life,
    fee,
    floor,
    weights,
    exponent,
    start,
    horizon,
):
    """Every term at once: the link against a reference state with a calendar tariff change (before the
    start: a decaying short-run loss carried in; inside the window: a scheduled change), a purchase
    floor, and every motive (revenue, protection, farm on the link; security on the chokepoint)."""
    day, value = change
    assume(day != start)  # a change due at the very start is neither behind nor ahead of the state
    revenue, protection, farm, security = weights
    motives = {
        "US": {
            "revenue": revenue,
            "protection": [{"link": "cn_us", "weight": protection, "domestic_ratio": 1.5, "supply_elasticity": 0.8}],
        },
        "CN": {
            "farm": [{"link": "cn_us", "weight": farm}],
            "security": [{"chokepoint": "magnets", "weight": security, "exponent": exponent}],
        },
    }
    sc = scenario(
        stock=stock,
        share=share,
        licensed=licensed,
        tariff=tariff,
        reference=reference,
        rho_year=rho_year,
        gamma=gamma,
        var=var,
        omega=omega,
        margin=margin,
        half_life=half_life,
        fee=fee,
        floor=floor,
        motives=motives,
        changes=[change],
    )
    e = engine_at(sc, start)
    scheduled = [(float(day), "US.tariff", value)] if day > start else []
    projected = e.projector.project(horizon, scheduled=scheduled)
    before = weighted_losses(e)
    e.env.run(until=start + horizon)
    e.world.advance(start + horizon)
    after = weighted_losses(e)
    scale = max(1.0, *(abs(v) for v in after.values()), *(abs(v) for v in before.values()))
    for a in ("US", "CN"):
        assert math.isclose(after[a] - before[a], projected[a], rel_tol=1e-9, abs_tol=1e-9 * scale), a


# ------------------------------------------------------------ alternative supply ramping
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stock=st.sampled_from([0.0, 5.0, 20.0, 60.0]),
    share=st.floats(0.1, 1.0),
    licensed=st.floats(0.0, 1.0),
    ramp=st.floats(0.05, 3.0),
    max_share=st.floats(0.05, 1.0),
    review=st.sampled_from([7.0, 14.0, 30.0]),
    rho_year=st.sampled_from([0.0, 0.2]),
    security=st.floats(0.0, 2.0),
    start=st.floats(0.0, 100.0),
    horizon=st.floats(1.0, 200.0),
)
def test_projection_ramps_alternative_supply_as_the_engine_does(
    stock, share, licensed, ramp, max_share, review, rho_year, security, start, horizon
):
    """Without the shortage acceleration the engine ramps alternative supply at the base rate
    (``x += ramp·review`` at every update, capped at ``min(max_share, s)``): the projection from any state,
    in or out of shortage, equals what the World then accumulates (to 1e-9 relative), every update inside
    the window moving the inflow, the licensed volume (security motive) and the rent lost."""
    assume(abs(start / review - round(start / review)) > 1e-6)  # an update due at the start is ambiguous
    motives = {"CN": {"security": [{"chokepoint": "magnets", "weight": security, "exponent": 0.6}]}}
    alternative = {"ramp_per_year": ramp, "acceleration": 0.0, "max_share": max_share, "review_days": review}
    sc = scenario(
        stock=stock, share=share, licensed=licensed, rho_year=rho_year, motives=motives, alternative=alternative
    )
    e = engine_at(sc, start)
    projected = e.projector.project(horizon)
    before = weighted_losses(e)
    e.env.run(until=start + horizon)
    e.world.advance(start + horizon)
    after = weighted_losses(e)
    scale = max(1.0, *(abs(v) for v in after.values()), *(abs(v) for v in before.values()))
    for a in ("US", "CN"):
        assert math.isclose(after[a] - before[a], projected[a], rel_tol=1e-9, abs_tol=1e-9 * scale), a


def test_rent_lost_to_diversification_shrinks_as_the_baseline_ramp_catches_up():
    """A shortage from day 0 with a strong acceleration takes ``x`` to its cap ``s`` at the first update
    (day 10): the inflow is then whole, no shortage is left, and the baseline ``xb = min(s, k·ramp·review)``
    catches up one update at a time. The rent lost is ``rent·(s − xb)`` held between updates:
    ``Σ_k rent·(s − xb_k)·∫ e^(−ρt) dt`` over [25, 125]; the engine books the same."""
    s, ramp_year, review, rent_year, rho_year = 0.8, 2.0, 10.0, 36.5, 0.05
    alternative = {"ramp_per_year": ramp_year, "acceleration": 20.0, "review_days": review}
    sc = scenario(
        stock=0.0, share=s, licensed=0.5, tariff=0.0, rho_year=rho_year, alternative=alternative, rent=rent_year
    )
    e = engine_at(sc, 25.0)
    ch = e.world.chokes[0]
    step, rent, rho = ramp_year / 365 * review, rent_year / 365, rho_year / 365
    assert ch.x == s and ch.xb == pytest.approx(2 * step, rel=1e-12) and ch.inflow == 1.0
    cuts = [25.0, *(review * k for k in range(3, 13)), 125.0]
    expected = sum(
        rent * (s - min(s, step * math.floor(a / review))) * discount_integral(a, b, rho)
        for a, b in itertools.pairwise(cuts)
    )
    projected = e.projector.project(100.0)
    assert projected["CN"] == pytest.approx(expected, rel=1e-9)
    assert projected["US"] == 0.0
    before = weighted_losses(e)["CN"]
    e.env.run(until=125.0)
    e.world.advance(125.0)
    assert weighted_losses(e)["CN"] - before == pytest.approx(expected, rel=1e-9)


def test_a_faster_ramp_lowers_the_consumers_projected_shortage_cost():
    """From day 0 (no update yet), stock running out on day 25: every update raises the inflow
    ``1 − (s − x)·L``, so a faster ramp strictly lowers the shortage cost and no ramp gives the
    closed form ``VaR·(s·L)^γ·(T − t_out)`` of an unchanged inflow."""
    share, lic, var, gamma, horizon = 0.8, 0.5, 2.0, 2.0, 150.0
    costs = []
    for ramp in (0.0, 0.2, 0.6):
        alternative = {"ramp_per_year": ramp, "review_days": 30.0}
        sc = scenario(
            stock=10.0,
            share=share,
            licensed=lic,
            tariff=0.0,
            var=var,
            gamma=gamma,
            rho_year=0.0,
            alternative=alternative,
        )
        costs.append(engine_at(sc, 0.0).projector.project(horizon)["US"])
    t_out = stockout_time(10.0, 1.0 - share * lic)
    assert costs[0] == pytest.approx(var * (share * lic) ** gamma * (horizon - t_out), rel=1e-12)
    assert costs[0] > costs[1] > costs[2] > 0.0


# ------------------------------------------------------------------- deals that expire
def _deal_setting():
    sc = scenario(stock=5.0, licensed=0.5, tariff=0.3, rho_year=0.05, omega=0.2, half_life=60.0)
    overrides = {"US.tariff": 0.1, "CN.controls": 0.0}
    revert = {"US.tariff": 0.3, "CN.controls": 1.0, "US.purchases": 0.3}
    return sc, overrides, revert


def test_a_reverting_deal_is_the_deal_then_the_reverted_state():
    """A deal from day 12 to day 52, then the instruments snap back: the projection over 120 days equals
    the projection of the deal over its 40 days plus the projection, from the state the World then reaches,
    of the reverted instruments over the remaining 80 (discounting is from day 0, and the decaying lost
    sales ``A`` and the stock are carried by the World, so the two sum exactly: 1e-9 relative). A
    scheduled change of an overridden instrument stays ignored throughout; later changes of the others
    happen."""
    sc, overrides, revert = _deal_setting()
    t0, dur, horizon = 12.0, 40.0, 120.0
    later = [(t0 + 60.0, "US.fees", 0.4), (t0 + 70.0, "US.purchases", 0.6)]
    scheduled = [(t0 + 5.0, "US.tariff", 0.9), (t0 + 50.0, "US.tariff", 0.8), *later]
    e = engine_at(sc, t0)
    whole = e.projector.project(horizon, overrides, scheduled, revert=(t0 + dur, revert))
    first = e.projector.project(dur, overrides, scheduled)
    for ref, value in overrides.items():
        actor, name = ref.split(".")
        e.move(actor, name, value, EventKind.MOVE, react=False)
    e.env.run(until=t0 + dur)
    for ref, value in revert.items():
        actor, name = ref.split(".")
        e.move(actor, name, value, EventKind.MOVE, react=False)
    e.world.advance(t0 + dur)
    rest = e.projector.project(horizon - dur, scheduled=later)
    assert rest["US"] > 0.0 and e.world.chokes[0].stock < 5.0  # the reverted controls bite
    for a in ("US", "CN"):
        assert whole[a] == pytest.approx(first[a] + rest[a], rel=1e-9), a


def test_revert_with_package_arrays_and_beyond_the_horizon():
    """Each package entry equals its scalar projection; a revert due after the horizon changes nothing
    (bit for bit); one due now or earlier is refused."""
    sc, overrides, revert = _deal_setting()
    e = engine_at(sc, 12.0)
    p = e.projector
    scheduled = [(20.0, "US.tariff", 0.9), (40.0, "US.fees", 0.4)]
    tariffs = np.array([0.1, 0.7, 0.1])
    arr = p.project(90.0, {**overrides, "US.tariff": tariffs}, scheduled, revert=(50.0, revert))
    for i, tau in enumerate(tariffs):
        one = p.project(90.0, {**overrides, "US.tariff": float(tau)}, scheduled, revert=(50.0, revert))
        for a in ("US", "CN"):
            assert arr[a][i] == pytest.approx(one[a], rel=1e-12)
    assert arr["CN"][0] != arr["CN"][1]
    for when in (12.0 + 90.0, 500.0):
        for ovr in (overrides, {**overrides, "US.tariff": tariffs}):
            plain = p.project(90.0, ovr, scheduled)
            late = p.project(90.0, ovr, scheduled, revert=(when, revert))
            for a in ("US", "CN"):
                assert np.array_equal(plain[a], late[a])
    with pytest.raises(ValueError):
        p.project(90.0, overrides, scheduled, revert=(12.0, revert))


# ------------------------------------------------------ rows at once, row by row
def random_choke(rng):
    """A chokepoint in a random state: stock, alternative supply ramping (or not), a security motive."""
    from sim.engine.links import Choke, SecurityMotive

    ch = Choke(
        name="magnets",
        supplier="CN",
        consumer="US",
        s=float(rng.uniform(0.3, 1.0)),
        stock0=0.0,
        control="CN.tier",
        shares=tuple(sorted(rng.uniform(0.0, 1.0, size=4).tolist())),
        approval="CN.approval",
        delay="CN.delay",
        delay_shape=2.0,
        cohort_days=1.0,
        content=float(rng.uniform(0.0, 0.5)),
        et_tier=float(rng.integers(1, 4)),
        var=float(rng.uniform(0.5, 3.0)),
        gamma=float(rng.uniform(1.0, 3.0)),
        revenue_per_unit=float(rng.uniform(0.0, 0.2)),
        security=[SecurityMotive("CN.security.magnets", float(rng.uniform(0.3, 1.5)))],
        rent=float(rng.uniform(0.0, 0.1)),
        ramp=float(rng.choice([0.0, 0.002])),
        accel=0.0,
        max_share=float(rng.uniform(0.1, 0.5)),
        alt_review=float(rng.choice([30.0, 45.0])),
    )
    ch.stock = float(rng.choice([0.0, 8.0, 40.0, 200.0]))
    ch.xb = float(rng.uniform(0.0, 0.05))
    ch.x = ch.xb + float(rng.uniform(0.0, 0.05))
    return ch


@pytest.mark.parametrize("seed", range(60))
def test_a_chokepoint_valued_for_many_rows_at_once_equals_row_by_row(seed):
    """The segment × row matrix form (the deal's options) equals the plain-float projection of each row,
    and so does the one-row form on the cached plan (rel 1e-12), with known changes of every instrument
    and a revert to the values now, tiers off the listed ones, no delay or a long one."""
    from sim.engine.choke_projection import choke_row, choke_rows, choke_scalar, make_plan
    from sim.model.chokepoints import at_least, chokepoint_inflows, licensed_share

    rng = np.random.default_rng(seed)
    ch = random_choke(rng)
    weights = {"CN.security.magnets": float(rng.uniform(0.0, 2.0))}
    t0 = float(rng.uniform(0.0, 400.0))
    t1 = t0 + float(rng.choice([90.0, 365.0]))
    rho = float(rng.choice([0.0, 0.05 / 365.0]))
    d = float(rng.choice([0.0, 30.0, 45.5]))
    pending = float(rng.uniform(0.0, 5.0))
    changes = []
    for _ in range(int(rng.integers(0, 5))):
        ref = str(rng.choice(["CN.tier", "CN.approval", "CN.delay"]))
        value = float(rng.integers(0, 4)) if ref == "CN.tier" else float(rng.uniform(0.0, 1.0))
        changes.append((float(rng.uniform(t0, t1)), ref, value if ref != "CN.delay" else 60.0))
    changes.sort(key=lambda c: c[0])
    steps = {r: tuple((w, v) for w, rr, v in changes if rr == r) for r in ("CN.tier", "CN.approval", "CN.delay")}
    plan = make_plan(ch, d, steps["CN.tier"], steps["CN.approval"], steps["CN.delay"], t0, t1, rho)
    tiers = rng.choice([-1.0, 0.0, 1.0, 1.6, 2.0, 3.0, 7.0], size=9)
    approvals = rng.uniform(0.0, 1.0, size=9)
    rows = choke_rows(ch, plan, tiers, approvals, d, weights, rho, pending)

    def split(c, tier, x):
        return chokepoint_inflows(c.s, licensed_share(c.shares, tier), c.content, at_least(tier, c.et_tier), x)

    for j, (tier, p) in enumerate(zip(tiers.tolist(), approvals.tolist())):
        values = {"CN.tier": tier, "CN.approval": p, "CN.delay": d}
        want = choke_scalar(ch, values, changes, weights, t0, t1, rho, pending)
        one = choke_row(ch, plan, tier, p, d, weights, rho, pending, split)
        for k in range(4):
            got = rows[k] if k == 3 else rows[k][j]
            assert got == pytest.approx(want[k], rel=1e-12, abs=1e-14)
            assert one[k] == pytest.approx(want[k], rel=1e-12, abs=1e-14)


def test_the_deal_options_valued_at_once_equal_each_option_valued_alone():
    """The projector's array path (every chokepoint option at once) equals projecting each option on its own."""
    sc = scenario(licensed=0.5, stock=10.0, rho_year=0.05)
    e = engine_at(sc, 20.0)
    tiers = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 1.0])
    approvals = np.array([0.0, 0.2, 0.9, 1.0, 0.5, 0.5])
    delays = np.array([30.0, 30.0, 0.0, 15.0, 30.0, 15.0])  # the rows of one delay are valued together
    overrides = {"CN.controls": tiers, "CN.approval": approvals, "CN.delay": delays}
    sched = [(40.0, "US.tariff", 0.4), (60.0, "CN.controls", 0.0)]
    revert = (110.0, {"CN.controls": 1.0, "CN.approval": 0.1, "CN.delay": 30.0})
    arr = e.projector.project(200.0, overrides, sched, revert=revert)
    assert len(set(np.round(arr["US"], 9))) == len(tiers)  # every option costs the consumer differently
    single = Projector(e.world)  # no memo: each option valued on its own path
    for i in range(len(tiers)):
        one = {"CN.controls": float(tiers[i]), "CN.approval": float(approvals[i]), "CN.delay": float(delays[i])}
        alone = single.project(200.0, one, sched, revert=revert)
        for a in ("US", "CN"):
            assert arr[a][i] == pytest.approx(alone[a], rel=1e-12)


def test_link_options_valued_at_once_equal_each_option_valued_alone():
    """The same for a link's options (tariff and fee), with short-run losses still decaying from an
    earlier tariff change, a known later change of the tariff and a deal that ends before the horizon."""
    sc = scenario(fee=0.02, floor=0.3, omega=0.5, changes=[(5, 0.6)], rho_year=0.05)
    e = engine_at(sc, 20.0)
    assert any(l.a != 0.0 for l in e.world.links)  # the lost sales of day 5 still decay
    tariffs = np.array([0.0, 0.2, 0.6, 1.0, 0.2, 1.5])
    fees = np.array([0.0, 0.0, 0.5, 0.5, 1.0, 0.0])
    floors = np.array([0.3, 0.9, 0.3, 0.0, 0.3, 0.6])
    overrides = {"US.tariff": tariffs, "US.fees": fees, "US.purchases": floors}
    sched = [(70.0, "US.tariff", 0.9)]
    revert = (50.0, {"US.tariff": 0.6, "US.fees": 0.0})
    arr = e.projector.project(120.0, overrides, sched, revert=revert)
    assert len(set(np.round(arr["CN"], 9))) == len(tariffs)
    single = Projector(e.world)
    for i in range(len(tariffs)):
        one = {"US.tariff": float(tariffs[i]), "US.fees": float(fees[i]), "US.purchases": float(floors[i])}
        alone = single.project(120.0, one, sched, revert=revert)
        for a in ("US", "CN"):
            assert arr[a][i] == pytest.approx(alone[a], rel=1e-12)


def test_a_few_packages_equal_the_same_rows_among_many():
    """A deal's check (two packages, valued in plain lists) equals the same rows among many packages
    (valued with arrays) and each row projected on its own."""
    sc = scenario(licensed=0.5, stock=10.0, tariff=0.2, rho_year=0.05, changes=[(5, 0.6)])
    e = engine_at(sc, 20.0)
    few = {"US.tariff": [0.2, 0.6], "CN.controls": [0.0, 1.0], "CN.approval": [0.5, 0.1]}
    sched = [(40.0, "US.tariff", 0.4)]
    got = e.projector.project(90.0, few, sched)
    many = e.projector.project(90.0, {r: np.tile(v, 6) for r, v in few.items()}, sched)  # 12 packages
    single = Projector(e.world)
    for i in range(2):
        alone = single.project(90.0, {r: v[i] for r, v in few.items()}, sched)
        for a in ("US", "CN"):
            assert got[a][i] == pytest.approx(alone[a], rel=1e-12)
            np.testing.assert_allclose(many[a][i::2], alone[a], rtol=1e-12)
    assert got["US"][0] != pytest.approx(got["US"][1], rel=1e-6)  # the rows differ


@pytest.mark.parametrize("packages", [2, 12])
def test_relative_projection_leaves_out_parts_the_same_in_every_entry(packages):
    """With ``relative`` a part whose overridden instruments are the same in every entry is a common
    offset: differences between entries are those of the full projection."""
    security = {"security": [{"chokepoint": "magnets", "weight": 0.3, "exponent": 0.5}]}
    sc = scenario(stock=10.0, licensed=0.5, tariff=0.2, motives={"CN": security})
    e = engine_at(sc, 10.0)
    half = packages // 2
    overrides = {"US.tariff": [0.0] * half + [0.5] * half, "CN.controls": [1.0] * packages}
    full = e.projector.project(60.0, overrides)
    rel = e.projector.project(60.0, overrides, relative=True)
    for a in ("US", "CN"):
        np.testing.assert_allclose(np.asarray(rel[a]) - rel[a][0], full[a] - full[a][0], rtol=1e-9, atol=1e-12)
        assert abs(full[a][-1] - full[a][0]) > 1e-9  # the tariff matters to both sides
    # nothing differs between entries: every part is a common offset, so none is valued
    same = e.projector.project(60.0, {"US.tariff": [0.5] * packages, "CN.controls": [1.0] * packages}, relative=True)
    assert same == {a: 0.0 for a in e.world.actors}
