"""The plausibility bound: its terms are the model's, and shipped runs stay inside it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engine.compile import load_scenario, scenario_from_dict
from sim.engine.core import run_replication
from sim.model.trade import LinkTerms, link_welfare
from sim.scenario.plausibility import payoff_bound, plausible, term_bounds

from ..conftest import SHIPPED, base_dict


def test_the_shortage_term_is_value_at_risk_times_the_horizon():
    d = base_dict()
    sc = scenario_from_dict(d)
    cp = d["chokepoints"]["magnets"]
    terms = term_bounds(sc, {}, {}, 0)
    assert terms["US"]["shortage"] == pytest.approx(cp["value_at_risk_bn_per_day"] * d["meta"]["horizon_days"])
    assert terms["CN"]["shortage"] == 0.0


def test_the_link_terms_follow_the_tariff_range():
    """base_dict's US tariff instrument in [−0.5, 2] on $365bn/yr (V0 = 1/day), ε = 2, margin 0.5, for
    H = 100 days. Total tariffs span [lo, hi] = [0, 2] (clipped at 0); the largest trade is
    ``Vmax = V0·((1+τ0)/(1+lo))^ε = V0``. Terms: consumer ``Vmax·(1+hi)·(hi−lo)·H``, revenue
    ``2·hi·Vmax·H``, the exporter's producer ``Vmax·H`` and adjustment ``margin·2·Vmax·H``."""
    d = base_dict()
    d["actors"]["US"]["instruments"]["tariff"]["min"] = -0.5
    terms = term_bounds(scenario_from_dict(d), {}, {}, 0)
    lo, hi, h, vmax = 0.0, 2.0, 100.0, 1.0
    assert terms["US"]["consumer"] == pytest.approx(vmax * (1 + hi) * (hi - lo) * h, rel=1e-12)
    assert terms["US"]["revenue"] == pytest.approx(2 * hi * vmax * h, rel=1e-12)
    assert terms["CN"]["producer"] == pytest.approx(vmax * h, rel=1e-12)
    assert terms["CN"]["adjustment"] == pytest.approx(0.5 * 2 * vmax * h, rel=1e-12)
    assert terms["US"]["revenue_motive"] == 0.0  # weight 1: no motive term
    assert terms["US"]["producer"] == terms["CN"]["consumer"] == 0.0  # one link, CN → US


@pytest.mark.parametrize("tau0,omega", [(0.0, 0.0), (0.5, 0.0), (0.5, 0.4), (0.2, 1.0)])
def test_the_link_terms_bound_the_exact_losses(tau0, omega):
    """Over every total tariff the instrument can reach (base_tariff + [−0.5, 2], clipped at 0), the
    link's exact losses against the reference (instrument 0: τ = τ0) held for the whole horizon stay
    within their terms; the short-run state A is at most the base value, so ``margin·A·H`` too."""
    d = base_dict()
    d["actors"]["US"]["instruments"]["tariff"]["min"] = -0.5
    d["trade_links"]["cn_us"].update(base_tariff=tau0, supply_omega=omega)
    terms = term_bounds(scenario_from_dict(d), {}, {}, 0)
    h, link = 100.0, LinkTerms(v0=1.0, tau0=tau0, elasticity=2.0, omega=omega, margin=0.5)
    ref = link_welfare(link, tau0)
    for tau in np.linspace(max(tau0 - 0.5, 0.0), tau0 + 2.0, 101):
        w = link_welfare(link, float(tau))
        assert abs(w.consumer - ref.consumer) * h <= terms["US"]["consumer"]
        assert abs(w.revenue - ref.revenue) * h <= terms["US"]["revenue"]
        assert abs(w.producer - ref.producer) * h <= terms["CN"]["producer"]
        assert link.margin * abs(ref.share - w.share) * link.v0 * h <= terms["CN"]["adjustment"]


def test_motive_weights_scale_their_terms():
    """A revenue weight ρ_R adds ``|ρ_R − 1|`` × the revenue term; a security weight ``w_S`` adds
    ``w_S·VaR·H`` to the supplier; a calibrated weight is read from the run's weights (0 if absent).
    Every motive term counts in the bound at face value."""
    d = base_dict()
    base_terms = term_bounds(scenario_from_dict(d), {}, {}, 0)
    base = payoff_bound(scenario_from_dict(d), {})
    d["actors"]["US"]["motives"] = {"revenue": 3.0}
    d["actors"]["CN"]["motives"] = {"security": [{"chokepoint": "magnets", "weight": "calibrate"}]}
    sc = scenario_from_dict(d)
    terms = term_bounds(sc, {}, {}, 0, {"CN.security.magnets": 0.7})
    assert terms["US"]["revenue_motive"] == pytest.approx(2.0 * base_terms["US"]["revenue"], rel=1e-12)
    assert terms["CN"]["security"] == pytest.approx(0.7 * 2.0 * 100.0, rel=1e-12)
    assert term_bounds(sc, {}, {}, 0)["CN"]["security"] == 0.0
    bound = payoff_bound(sc, {}, weights={"CN.security.magnets": 0.7})
    assert bound == pytest.approx(max(sum(t.values()) for t in terms.values()), rel=1e-12)
    assert bound == pytest.approx(base + 2.0 * base_terms["US"]["revenue"], rel=1e-12)  # the US term is larger


def test_nan_and_payoffs_beyond_the_bound_are_flagged():
    assert plausible({"US": -10.0, "CN": 5.0}, 10.0)
    assert not plausible({"US": -10.1, "CN": 5.0}, 10.0)
    assert not plausible({"US": math.nan}, 10.0)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_runs_are_plausible(path):
    sc = load_scenario(path)
    for run in range(3):
        row = run_replication(sc, 7, run, record_series=False).summary
        assert row["plausible"] is True
        assert 0 < row["plausibility_bound_bn"] < math.inf
        assert max(abs(row[f"payoff_{a}"]) for a in sc.actors) <= row["plausibility_bound_bn"]
