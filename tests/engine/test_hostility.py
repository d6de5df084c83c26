"""The hostility index against its definition (docs/model.md, "Outcome labels and the hostility index").

Flow losses are computed here by hand from the model's definitions (flat export supply,
so an exporter loses only the short-run value added ``margin·A`` on the sales it loses,
``A`` decaying with its half-life; averaged over the horizon, undiscounted), not read from
the projector the index uses.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.engine.columns import series_columns
from sim.engine.compile import scenario_from_dict
from sim.engine.hostility import HostilityIndex
from sim.engine.projection import Projector
from sim.engine.world import World

HORIZON = 60.0
HALF_LIFE = 180.0

REL = 1e-12  # the index is a weighted mean of exact ratios: only rounding separates it from the formula


def two_link_scenario() -> dict:
    """Each side taxes the other's exports; China's purchases are a quota on US exports (hostile: down);
    the US also has an instrument nothing refers to and one whose range is a single point."""
    links = {
        "cn_us": {
            "exporter": "CN",
            "importer": "US",
            "value_bn_per_year": 365,
            "tariff": "US.tariff",
            "elasticity": 2.0,
            "margin": 0.5,
            "margin_half_life_days": HALF_LIFE,
        },
        "us_cn": {
            "exporter": "US",
            "importer": "CN",
            "value_bn_per_year": 146,
            "tariff": "CN.tariff",
            "elasticity": 3.0,
            "margin": 0.2,
            "margin_half_life_days": HALF_LIFE,
            "quota": "CN.purchases",  # a purchase commitment: a floor on the quantity (share of Q0)
        },
    }
    return {
        "meta": {"name": "hostility", "start": "2025-01-01", "horizon_days": HORIZON, "discount_rate_per_year": 0.05},
        "actors": {
            "US": {
                "instruments": {
                    "tariff": {"initial": 0.5, "min": 0.0, "max": 2.0, "step": 0.1},
                    "spare": {"initial": 0.3, "min": 0.0, "max": 1.0},
                    "fixed": {"initial": 0.3, "min": 0.3, "max": 0.3},
                },
                "policy": {"name": "scripted"},
            },
            "CN": {
                "instruments": {
                    "tariff": {"initial": 0.1, "min": 0.0, "max": 1.0, "step": 0.1},
                    "purchases": {"initial": 0.8, "min": 0.2, "max": 1.0, "step": 0.1, "hostile": "down"},
                },
                "policy": {"name": "scripted"},
            },
        },
        "trade_links": links,
        "calendar": [],
    }


def index_of(d: dict) -> HostilityIndex:
    world = World(scenario_from_dict(d), {})
    return HostilityIndex(world, Projector(world))


def decay_factor() -> float:
    """Mean over the horizon of a unit short-run loss decaying at ln2/h: ``(1 − e^(−kH))/(kH)``."""
    k = np.log(2.0) / HALF_LIFE
    return float(-np.expm1(-k * HORIZON) / (k * HORIZON))


def hand_flow_losses(purchases: float = 0.8) -> dict[str, float]:
    """The other side's average daily loss at the hostile end minus at the friendly end, others at day 0.

    With flat export supply (ω = 0, the default) an exporter's producer surplus does not change
    and its only loss is ``margin·A`` with ``A`` = base value × (quantity share lost), the
    share being ``max(((1+τ)/(1+τ0))^(−ε), floor)``.
    cn_us: $365bn/yr = 1/day, ε = 2, margin 0.5 (China exports, US tariff);
    us_cn: $146bn/yr = 0.4/day, ε = 3, margin 0.2 (US exports, China's tariff, China's purchases a floor).
    """
    f = decay_factor()

    def share(tau: float, eps: float, floor: float = 0.0) -> float:
        return max((1.0 + tau) ** -eps, floor)

    return {
        # China loses as the exporter of cn_us when the US tariff goes 0 -> 2
        "US.tariff": 0.5 * 1.0 * (share(0.0, 2.0) - share(2.0, 2.0)) * f,
        "US.spare": 0.0,  # nothing depends on it
        "US.fixed": 0.0,  # no range
        # the US loses as the exporter of us_cn when China's tariff goes 0 -> 1, purchases at their floor
        "CN.tariff": 0.2 * 0.4 * (share(0.0, 3.0, purchases) - share(1.0, 3.0, purchases)) * f,
        # ... and when China's purchases go 1 -> 0.2 (hostile: down), its tariff at 0.1
        "CN.purchases": 0.2 * 0.4 * (share(0.1, 3.0, 1.0) - share(0.1, 3.0, 0.2)) * f,
    }


def test_flow_losses_and_weights_follow_the_definition():
    hx = index_of(two_link_scenario())
    hand = hand_flow_losses()
    # the formulas spelled out once, as a check of the hand values themselves
    assert hand["US.tariff"] == pytest.approx(0.5 * (1 - 3.0**-2) * decay_factor(), rel=1e-12)
    assert hand["CN.purchases"] == pytest.approx(0.2 * 0.4 * (1.0 - 1.1**-3) * decay_factor(), rel=1e-12)
    for ref, loss in hand.items():
        assert hx.flow_loss[ref] == pytest.approx(loss, rel=1e-9, abs=1e-15), ref
    total = sum(hand.values())
    for ref, loss in hand.items():
        assert hx.weights[ref] == pytest.approx(loss / total, rel=1e-9, abs=1e-15), ref
    assert sum(hx.weights.values()) == pytest.approx(1.0, rel=1e-15)


def test_index_is_the_weighted_mean_of_positions_on_the_ranges():
    hx = index_of(two_link_scenario())
    hand = hand_flow_losses()
    total = sum(hand.values())
    h = {  # position between the friendly (0) and the hostile (1) end
        "US.tariff": (0.5 - 0.0) / 2.0,
        "US.spare": 0.3,
        "US.fixed": 0.0,
        "CN.tariff": 0.1,
        "CN.purchases": (1.0 - 0.8) / (1.0 - 0.2),
    }
    expected = sum(hand[r] / total * h[r] for r in hand)
    values = {"US.tariff": 0.5, "US.spare": 0.3, "US.fixed": 0.3, "CN.tariff": 0.1, "CN.purchases": 0.8}
    assert hx.of(values) == pytest.approx(expected, rel=REL)
    friendly = {"US.tariff": 0.0, "US.spare": 0.0, "US.fixed": 0.3, "CN.tariff": 0.0, "CN.purchases": 1.0}
    hostile = {"US.tariff": 2.0, "US.spare": 1.0, "US.fixed": 0.3, "CN.tariff": 1.0, "CN.purchases": 0.2}
    assert hx.of(friendly) == 0.0
    assert hx.of(hostile) == pytest.approx(1.0, rel=REL)


def test_weights_use_the_start_state_not_later_values():
    """Changing the world after the index is built changes positions, never weights."""
    d = two_link_scenario()
    world = World(scenario_from_dict(d), {})
    hx = HostilityIndex(world, Projector(world))
    before = dict(hx.weights)
    world.set("CN.purchases", 0.2)
    world.refresh()
    assert hx.weights == before
    d["actors"]["CN"]["instruments"]["purchases"]["initial"] = 0.2  # another start state: other weights
    other = index_of(d)
    # with purchases at 0.2 the floor no longer props up US sales, so China's tariff costs the US more
    assert other.flow_loss["CN.tariff"] == pytest.approx(hand_flow_losses(0.2)["CN.tariff"], rel=1e-9)
    assert other.flow_loss["CN.tariff"] > hx.flow_loss["CN.tariff"]


def test_a_hostile_direction_that_helps_the_other_side_weighs_nothing():
    """A negative difference counts 0: a tariff declared hostile when lowered only helps the exporter."""
    d = two_link_scenario()
    d["actors"]["US"]["instruments"]["tariff"]["hostile"] = "down"
    hx = index_of(d)
    assert hx.flow_loss["US.tariff"] == 0.0 and hx.weights["US.tariff"] == 0.0
    assert hx.position("US.tariff", 0.5) == pytest.approx(0.75, rel=1e-15)


class FlatProjector:
    """A projector under which no instrument costs anybody anything."""

    def project(self, horizon, overrides, scheduled, discount=True):
        n = len(next(iter(overrides.values())))
        return {"US": np.zeros(n), "CN": 0.0}


def fake_world(actors: dict[str, dict[str, tuple[float, float, float, str]]]) -> SimpleNamespace:
    """What the index reads of a world: specs, values and actors ((initial, min, max, hostile) per instrument)."""
    specs, values = {}, {}
    for a, ins in actors.items():
        for n, (x, lo, hi, hostile) in ins.items():
            specs[f"{a}.{n}"] = SimpleNamespace(min=lo, max=hi, hostile=hostile, initial=x)
            values[f"{a}.{n}"] = x
    sc = SimpleNamespace(meta=SimpleNamespace(horizon_days=HORIZON))
    return SimpleNamespace(specs=specs, values=values, actors=list(actors), sc=sc)


def test_equal_weights_over_movable_instruments_when_no_move_costs_anything():
    world = fake_world(
        {"US": {"a": (1.0, 0.0, 4.0, "up"), "b": (2.0, 2.0, 2.0, "up")}, "CN": {"c": (0.25, 0.0, 1.0, "down")}}
    )
    hx = HostilityIndex(world, FlatProjector())
    assert hx.weights == {"US.a": 0.5, "US.b": 0.0, "CN.c": 0.5}
    assert hx.of(world.values) == pytest.approx(0.5 * 0.25 + 0.5 * 0.75, rel=1e-15)


def test_a_single_actor_has_no_other_side_equal_weights():
    class Projector1:
        def project(self, horizon, overrides, scheduled, discount=True):
            x = np.asarray(overrides["US.a"])
            return {"US": 10.0 * x}  # the owner's own loss is no weight

    world = fake_world({"US": {"a": (3.0, 0.0, 4.0, "up"), "b": (0.0, 0.0, 1.0, "up")}})
    hx = HostilityIndex(world, Projector1())
    assert hx.flow_loss == {"US.a": 0.0, "US.b": 0.0}
    assert hx.weights == {"US.a": 0.5, "US.b": 0.5}
    assert hx.of(world.values) == pytest.approx(0.5 * 0.75, rel=1e-15)


def test_engine_records_the_index_in_the_series_and_the_summary():
    from sim.engine.core import run_replication

    d = two_link_scenario()
    d["calendar"].append({"type": "set", "date": "2025-01-11", "actor": "US", "instrument": "tariff", "value": 2.0})
    sc = scenario_from_dict(d)
    res = run_replication(sc, 1, 0)
    hx = index_of(d)
    start = {"US.tariff": 0.5, "US.spare": 0.3, "US.fixed": 0.3, "CN.tariff": 0.1, "CN.purchases": 0.8}
    end = {**start, "US.tariff": 2.0}
    assert res.summary["hostility_start"] == pytest.approx(hx.of(start), rel=REL)
    assert res.summary["hostility_end"] == pytest.approx(hx.of(end), rel=REL)
    # the move raises the index by the US tariff's weight times the 3/4 of its range it crossed
    total = sum(hand_flow_losses().values())
    rise = hand_flow_losses()["US.tariff"] / total * 0.75
    assert res.summary["hostility_end"] - res.summary["hostility_start"] == pytest.approx(rise, rel=1e-9)
    col = series_columns(sc).index("hostility")
    by_day = {row[0]: row[col] for row in res.series}
    assert by_day[7.0] == pytest.approx(hx.of(start), rel=REL)
    assert by_day[14.0] == pytest.approx(hx.of(end), rel=REL)
