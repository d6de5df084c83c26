"""Unit invariance (docs/model.md, MODEL §4 "Units").

Multiplying every $ amount of a scenario by ``k = 2^m`` and dividing every per-$ parameter by ``k``
multiplies every payoff and loss by ``k`` and changes no outcome, date, event or deal term. Scaling
by a power of two is exact in binary floating point (no overflow or underflow at these sizes), and
every formula of the model is homogeneous in $ (a sum of $ terms, $ over $ ratios, λ·$), so the
comparison is ``==``: any rounding difference would come from a $ amount meeting a unit-free
constant (an absolute tolerance, a hard-coded $ amount), which is what this test is for.
"""

from __future__ import annotations

import copy
import math
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from sim.engine.columns import series_columns
from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.engine.events import EventKind
from sim.policies import REGISTRY
from sim.scenario import distributions, economy, motives, schema
from sim.scenario.yamlio import _Loader

from ..conftest import SHIPPED, base_dict, two_tariff_links

# --------------------------------------------------------------- classification
#: $-valued fields (model, field): amounts, flows and costs in $bn, scaled by k.
MONEY = {
    (schema.Actor, "resolve_bn"),  # loss borne before conceding
    (schema.Audience, "cost_bn"),  # audience-cost type: backing down, signing
    (schema.ThreatMove, "audience_cost_bn"),  # one-off costs of backing down / conceding
    (schema.ThreatMove, "concession_cost_bn"),
    (schema.ThreatTemplate, "audience_cost_bn"),
    (schema.ThreatTemplate, "concession_cost_bn"),
    (schema.Transfer, "values_bn"),  # side payments on the table
    (schema.DealSpace, "defection_cost_bn"),
    (economy.TradeLink, "value_bn_per_year"),  # trade value V0
    (economy.Chokepoint, "value_at_risk_bn_per_day"),
    (economy.Chokepoint, "supplier_revenue_bn_per_year"),
    (economy.Chokepoint, "supplier_rent_bn_per_year"),
    (REGISTRY["resolve"].Params, "softness_bn"),  # logistic scale of (loss - resolve)
    (REGISTRY["attrition"].Params, "prizes_bn"),  # value of winning V_i
    (REGISTRY["attrition"].Params, "cost_rates_bn_per_day"),  # flow costs c_i
    (REGISTRY["best_response"].Params, "move_cost_bn"),  # utility cost of a move
    (REGISTRY["bayesian"].Params, "types_bn"),  # candidate resolves
    (REGISTRY["bayesian"].Params, "softness_bn"),  # logistic scale of (loss - type)
}
#: Per-$ fields, divided by k: the logit rationality λ multiplies a $ payoff.
PER_MONEY = {(REGISTRY["best_response"].Params, "rationality")}
#: Fields that mention $ but are unit-free: $ per $ (margin lost per $ of sales, premium per $ of
#: purchases). Also unit-free, without mentioning $: motive weights (they multiply $ terms), shares,
#: elasticities, days, tariffs, bargaining weights and every instrument value. Port fees are
#: instruments measured per net ton against ton prices, which are not $bn amounts of the scenario:
#: their tariff equivalent (``rate`` × fee) is a ratio, so they stay as they are, as do deal items.
UNIT_FREE_DOLLAR = {(economy.TradeLink, "margin"), (economy.TradeLink, "purchase_premium")}

#: Distribution parameters in the units of the value (a $ distribution scales them); the others
#: (sigma, shapes, weights) are unit-free. Each sampler is homogeneous in them: uniform
#: ``low + (high-low)u``, normal ``mean + sd z``, lognormal ``median e^{σz}``, exponential
#: ``mean·E``, beta ``low + (high-low)B``, choice; the triangular sampler takes a square root of a
#: ratio and is exact only up to rounding, so a $ field with a triangular law would fail here.
DIST_SCALED = {"value", "mean", "sd", "low", "high", "median", "mode", "values"}


def _models(annotation: typing.Any) -> list[type[BaseModel]]:
    """Model classes inside an annotation (unions, lists, dicts, Annotated), not distributions."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [] if annotation.__module__ == distributions.__name__ else [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _all_models() -> set[type[BaseModel]]:
    todo = [schema.Scenario, *(cls.Params for _, cls in REGISTRY.items())]
    seen: set[type[BaseModel]] = set()
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo += [c for f in m.model_fields.values() for c in _models(f.annotation)]
    return seen


def _field_owner(model: type[BaseModel], name: str) -> type[BaseModel]:
    """The class that declares ``name`` (Bayesian.Params inherits BestResponse.Params' fields)."""
    for cls in model.__mro__:
        if name in getattr(cls, "__annotations__", {}):
            return cls
    return model


def test_every_dollar_field_is_classified():
    """A new field whose name or description says $ must be added to one of the lists above."""
    mentions = set()
    for m in _all_models():
        for name, f in m.model_fields.items():
            if "_bn" in name or "$" in (f.description or ""):
                mentions.add((_field_owner(m, name), name))
    known = MONEY | PER_MONEY | UNIT_FREE_DOLLAR
    assert mentions - known == set(), "classify these fields as $, per-$ or unit-free"
    assert {x for x in known if x not in PER_MONEY} - mentions == set()  # the lists name real fields
    assert motives.Security.model_fields["weight"]  # security value w·var·δ^β: w unit-free, var in $


def _scale_value(x: typing.Any, f: float) -> typing.Any:
    if isinstance(x, dict) and "dist" in x:
        return {k: _scale_value(v, f) if k in DIST_SCALED else v for k, v in x.items()}
    if isinstance(x, dict):
        return {k: _scale_value(v, f) for k, v in x.items()}
    if isinstance(x, list):
        return [_scale_value(v, f) for v in x]
    return x * f  # inf stays inf


def scale(data: dict, k: float) -> tuple[dict, dict[str, float]]:
    """The scenario ``data`` in units k times smaller, and the factor of every scaled dotted path."""
    factors: dict[str, float] = {}

    def walk(model: type[BaseModel], d: dict, path: str) -> dict:
        out = dict(d)
        for key, v in d.items():
            p = f"{path}.{key}" if path else key
            field = model.model_fields.get(key)
            if field is None:
                continue
            owner = _field_owner(model, key)
            if (owner, key) in MONEY or (owner, key) in PER_MONEY:
                f = k if (owner, key) in MONEY else 1.0 / k
                out[key] = _scale_value(v, f)
                factors[p] = f
            elif model is schema.PolicySpec and key == "params":
                out[key] = walk(REGISTRY[d["name"]].Params, v, p)
            else:
                out[key] = descend(field.annotation, v, p)
        return out

    def descend(annotation: typing.Any, v: typing.Any, path: str) -> typing.Any:
        ms = _models(annotation)
        if not ms:
            return v
        if isinstance(v, dict) and "dist" not in v:
            fits = [m for m in ms if m.model_fields.get("type") is None or _literal(m) == v.get("type")]
            if len(fits) == 1 and set(v) <= set(fits[0].model_fields):
                return walk(fits[0], v, path)
            return {key: descend(annotation, x, f"{path}.{key}") for key, x in v.items()}
        if isinstance(v, list):
            return [descend(annotation, x, f"{path}.{i}") for i, x in enumerate(v)]
        return v

    return walk(schema.Scenario, data, ""), factors


def _literal(m: type[BaseModel]) -> typing.Any:
    return typing.get_args(m.model_fields["type"].annotation)[0]


def test_scaling_reaches_every_money_field():
    """The scaler finds the $ fields of a policy's params, threat templates, calendar and deal space."""
    d = small_scenario()
    scaled, factors = scale(d, 4.0)
    assert scaled["deal_space"]["transfers"][0]["values_bn"] == [
        4.0 * v for v in d["deal_space"]["transfers"][0]["values_bn"]
    ]
    assert (
        scaled["actors"]["US"]["policy"]["params"]["rationality"]
        == d["actors"]["US"]["policy"]["params"]["rationality"] / 4
    )
    t = scaled["actors"]["US"]["policy"]["params"]["threats"][0]
    assert t["audience_cost_bn"] == 4 * d["actors"]["US"]["policy"]["params"]["threats"][0]["audience_cost_bn"]
    assert scaled["actors"]["CN"]["resolve_bn"]["median"] == 4 * d["actors"]["CN"]["resolve_bn"]["median"]
    assert scaled["trade_links"]["cn_us"]["margin"] == d["trade_links"]["cn_us"]["margin"]
    assert factors["actors.CN.resolve_bn"] == 4.0


# ------------------------------------------------------------------- scenarios
def small_scenario() -> dict:
    """Two tariff links, a chokepoint, strategic actors with threats, a summit with a side payment."""
    d = base_dict()
    d["meta"]["horizon_days"] = 200
    d["meta"]["discount_rate_per_year"] = 0.05
    d["trade_links"] = two_tariff_links()
    d["actors"]["US"]["resolve_bn"] = {"dist": "uniform", "low": 20.0, "high": 60.0}
    d["actors"]["CN"]["resolve_bn"] = {"dist": "lognormal", "median": 40.0, "sigma": 0.5}
    template = {
        "instrument": "tariff",
        "add": 0.2,
        "condition": {"actor": "CN", "instrument": "tariff", "at_most": 0.0},
        "audience_cost_bn": 3.0,
        "concession_cost_bn": 2.0,
    }
    d["actors"]["US"]["policy"] = {
        "name": "best_response",
        "params": {"rationality": 0.5, "move_cost_bn": 0.25, "threats": [template]},
    }
    d["actors"]["CN"]["policy"] = {
        "name": "bayesian",
        "params": {"rationality": 1.5, "types_bn": [10.0, 40.0], "softness_bn": 5.0},
    }
    d["calendar"] = [
        {"type": "set", "date": "2025-01-10", "actor": "US", "instrument": "tariff", "value": 0.5},
        {"type": "summit", "date": "2025-04-01", "parties": ["US", "CN"], "probability_held": 0.7},
    ]
    d["deal_space"] = {
        "items": [{"actor": "US", "instrument": "tariff", "values": [0.0, 0.2, 0.5]}],
        "transfers": [{"payer": "CN", "payee": "US", "values_bn": [0.0, 5.0, 10.0]}],
        "defection_cost_bn": 4.0,
    }
    return d


def _shipped(path: Path) -> dict:
    import yaml

    d = yaml.load(path.read_text(), Loader=_Loader)
    d.get("calibration", {}).pop("file", None)  # the record sits next to the file; weights are solved per run
    return d


CASES = {p.stem: p for p in SHIPPED}
RUNS = 20


def _runs(data: dict) -> list:
    sc = scenario_from_dict(copy.deepcopy(data))
    return [run_replication(sc, 7, r, record_series=True) for r in range(RUNS)]


def _same(a: typing.Any, b: typing.Any) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


def _terms(note: str, k: float) -> dict[str, float]:
    """Deal terms from a deal event's note, transfers (``transfer.PAYER.PAYEE``) divided by ``k``."""
    out = {}
    for part in note.split(", "):
        ref, v = part.split("=")
        out[ref] = float(v.split()[0]) / (k if ref.startswith("transfer.") else 1.0)  # "v" or "v for S% then w"
    return out


@pytest.mark.parametrize("m", [-3, 2, 5])
@pytest.mark.parametrize("case", ["small", *CASES])
def test_scaling_money_by_a_power_of_two_scales_payoffs_exactly(case, m):
    data = small_scenario() if case == "small" else _shipped(CASES[case])
    k = 2.0**m
    # Scaling up by 2^5 would carry some $ laws past the fields' physical bounds (world output):
    # k = 2^m is tested as the pair (data / 2^m, data) when m > 0, which is the same relation.
    if m > 0:
        (base, _), (scaled, factors) = scale(data, 1.0 / k), scale(data, 1.0)
        factors = {p: 1.0 / f for p, f in scale(data, 1.0 / k)[1].items()}
    else:
        base, (scaled, factors) = data, scale(data, k)
    for r0, r1 in zip(_runs(base), _runs(scaled), strict=True):
        s0, s1 = r0.summary, r1.summary
        assert list(s0) == list(s1)
        for col in s0:
            money = col.startswith(("payoff_", "loss_", "deal_transfer.", "deal_gain_"))
            money = money or col == "plausibility_bound_bn"
            f = k if money else factors.get(col, 1.0)
            x0 = s0[col] * f if isinstance(s0[col], float) and f != 1.0 else s0[col]
            assert _same(x0, s1[col]), (case, m, r0.run, col, s0[col], s1[col])
        assert len(r0.events) == len(r1.events)
        for e0, e1 in zip(r0.events, r1.events, strict=True):
            assert (e0.t, e0.actor, e0.kind, e0.instrument, e0.old, e0.new) == (
                e1.t,
                e1.actor,
                e1.kind,
                e1.instrument,
                e1.old,
                e1.new,
            ), (case, m, r0.run)
            if e0.kind in (EventKind.DEAL, EventKind.DEAL_RENEWED) and "=" in e0.note:
                # a display string (6 significant digits): the exact terms are the summary's deal_ columns
                t0, t1 = _terms(e0.note, 1.0), _terms(e1.note, k)
                assert t0.keys() == t1.keys() and all(t0[r] == pytest.approx(t1[r], rel=1e-5) for r in t0)
            else:
                assert e0.note == e1.note
        assert len(r0.series) == len(r1.series)
        cols = series_columns(scenario_from_dict(base))
        for row0, row1 in zip(r0.series, r1.series, strict=True):
            for c, x0, x1 in zip(cols, row0, row1, strict=True):
                assert _same(x0 * k if c.startswith("loss_") else x0, x1), (case, m, c, x0, x1)
