"""Every number in a scenario is finite, except resolve_bn, where .inf means "never concedes"."""

from __future__ import annotations

import math

import pytest
import yaml

from sim.engine.compile import load_scenario, scenario_from_dict
from sim.errors import ScenarioError

from ..conftest import base_dict
from .examples import motives_dict

FIELDS = [
    ("meta", "horizon_days"),
    ("meta", "discount_rate_per_year"),
    ("actors", "US", "instruments", "tariff", "max"),
    ("actors", "CN", "review_days"),
    ("trade_links", "cn_us", "value_bn_per_year"),
    ("trade_links", "cn_us", "elasticity"),
    ("chokepoints", "magnets", "initial_stock_days"),
    ("chokepoints", "magnets", "value_at_risk_bn_per_day"),
    ("chokepoints", "magnets", "licensed_share_by_tier", 1),
    ("trade_links", "cn_us", "supply_omega"),
    ("trade_links", "cn_us", "margin_half_life_days"),
    ("trade_links", "cn_us", "purchase_premium"),
    ("actors", "US", "motives", "revenue"),
    ("actors", "US", "motives", "protection", 0, "weight"),
    ("actors", "US", "motives", "protection", 0, "domestic_ratio"),
    ("actors", "US", "motives", "protection", 0, "supply_elasticity"),
    ("actors", "CN", "motives", "farm", 0, "weight"),
    ("actors", "CN", "motives", "security", 0, "weight"),
    ("actors", "CN", "motives", "security", 0, "exponent"),
    ("calibration", "reference", "US.tariff"),
]


def with_value(path, value):
    d = motives_dict()  # every kind of motive and a reference state
    node = d
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return d


def message(d):
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(d)
    return str(err.value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("path", FIELDS, ids=lambda p: ".".join(map(str, p)))
def test_non_finite_numbers_are_rejected(path, value):
    text = message(with_value(path, value))
    dotted = ".".join(map(str, path))
    assert f"{dotted}: expected a finite number (not NaN or infinity), found {value!r}" in text
    assert text.count("\n") == 0  # one problem, stated once


def test_non_finite_distribution_parameter_is_rejected_at_its_key():
    text = message(with_value(("chokepoints", "magnets", "gamma"), {"dist": "uniform", "low": 1, "high": math.inf}))
    assert text.endswith("chokepoints.magnets.gamma.high: expected a finite number (not NaN or infinity), found inf")


def test_resolve_may_be_infinite_but_not_nan(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(with_value(("actors", "US", "resolve_bn"), math.inf)))
    assert ".inf" in path.read_text()
    assert load_scenario(path).actors["US"].resolve_bn == math.inf
    assert scenario_from_dict(base_dict()).actors["US"].resolve_bn == math.inf  # the default
    assert "actors.US.resolve_bn: expected a number (.inf means never), found nan" in message(
        with_value(("actors", "US", "resolve_bn"), math.nan)
    )
