"""The plausibility bound: its terms are the model's, and shipped runs stay inside it."""

from __future__ import annotations

import math

import pytest

from sim.engine.compile import load_scenario, scenario_from_dict
from sim.engine.core import run_replication
from sim.scenario.plausibility import payoff_bound, plausible, term_bounds

from ..conftest import SHIPPED, base_dict


def test_the_shortage_term_is_value_at_risk_times_the_horizon():
    d = base_dict()
    sc = scenario_from_dict(d)
    cp = d["chokepoints"]["magnets"]
    terms = term_bounds(sc, {}, {}, 0)
    assert terms["US"]["shortage"] == pytest.approx(cp["value_at_risk_bn_per_day"] * d["meta"]["horizon_days"])
    assert terms["CN"]["shortage"] == 0.0


def test_the_trade_term_follows_the_tariff_range():
    d = base_dict()  # US tariff in [0, 2] on $365bn/yr: 1.5 x 2 + margin 0.5, for 100 days
    sc = scenario_from_dict(d)
    terms = term_bounds(sc, {}, {}, 0)
    assert terms["US"]["trade"] == pytest.approx(1.0 * (1.5 * 2.0 + 0.5 + 0.0) * 100)


def test_preferences_scale_the_bound():
    d = base_dict()
    base = payoff_bound(scenario_from_dict(d), {})
    for a in ("US", "CN"):
        d["actors"][a]["preferences"] = {c: 2.0 for c in ("trade", "shortage", "withheld_sales", "diversification")}
        d["actors"][a]["preferences"].update(strategic=2.0, audience=2.0, transfer=2.0)
    assert payoff_bound(scenario_from_dict(d), {}) == pytest.approx(2 * base)


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
