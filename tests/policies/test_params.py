"""Every registered policy declares its parameters as a pydantic model and its metadata on the class."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from sim.policies import REGISTRY
from sim.policies.base import Params, Policy


@pytest.mark.parametrize("name", REGISTRY.names())
def test_policy_declares_params_and_metadata(name):
    cls = REGISTRY[name]
    assert issubclass(cls, Policy)
    own = {k for c in cls.__mro__ if c is not Policy for k in vars(c)}
    assert "Params" in own, f"{name} has no Params model of its own"
    assert "stochastic" in own, f"{name} does not say whether it is stochastic"
    assert isinstance(cls.stochastic, bool) and cls.summary
    assert issubclass(cls.Params, BaseModel) and issubclass(cls.Params, Params)
    assert cls.Params.model_config.get("extra") == "forbid"
    cls.Params(**cls.example_params)  # the example validates
    with pytest.raises(ValidationError, match=r"no_such_parameter|Extra inputs"):
        cls.Params(**cls.example_params, no_such_parameter=1)


@pytest.mark.parametrize(
    ("name", "params", "key", "says"),
    [
        ("best_response", {"rationality": True}, "rationality", "valid number"),
        ("best_response", {"horizon_days": float("inf")}, "horizon_days", "finite"),
        ("best_response", {"rationality": 1e308}, "rationality", "less than or equal"),
        ("resolve", {"softness_bn": 1e308}, "softness_bn", "less than or equal"),
        ("resolve", {"lookahead_days": 0}, "lookahead_days", "greater than 0"),
        ("bayesian", {"types_bn": [float("inf"), 1.0]}, "types_bn", "finite"),
        ("bayesian", {"types_bn": [1.0], "prior": [float("nan")]}, "prior", "finite"),
        ("tit_for_tat", {"generosity": float("nan")}, "generosity", "finite"),
        ("attrition", {"prizes_bn": {"US": 0.0, "CN": 1.0}}, "prizes_bn", "greater than 0"),
        ("attrition", {"prizes_bn": {"US": 1.0}, "cost_rates_bn_per_day": {"US": "1"}}, "cost_rates", "number"),
        ("scripted", {"accept_deals": 1}, "accept_deals", "boolean"),
    ],
)
def test_policy_parameters_are_strict_finite_and_bounded(name, params, key, says):
    with pytest.raises(ValidationError) as err:
        REGISTRY[name].Params(**params)
    assert key in str(err.value) and says in str(err.value)


def test_whole_numbers_still_pass_for_number_parameters():
    p = REGISTRY["best_response"].Params(rationality=2, horizon_days=30)
    assert p.rationality == 2.0 and isinstance(p.horizon_days, float)


def test_a_bad_policy_parameter_in_a_scenario_file_names_its_line(tmp_path):
    from sim.engine.compile import load_scenario
    from sim.errors import ScenarioError

    text = open("scenarios/baseline_oct2025.yaml").read()
    assert "rationality: 2.0" in text
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("rationality: 2.0", "rationality: .inf", 1))
    line = text.splitlines().index(next(ln for ln in text.splitlines() if "rationality: 2.0" in ln)) + 1
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert f"s.yaml:{line}:" in str(err.value) and "rationality" in str(err.value) and "finite" in str(err.value)
