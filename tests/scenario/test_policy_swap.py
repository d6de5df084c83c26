"""``--set actors.X.policy.name=NEW`` replaces the policy: the file's parameters the new policy
does not take are dropped (one note per actor on stderr), those set in the same command are
kept and validated against the new policy, in any order."""

from __future__ import annotations

import pytest

from sim.engine.compile import load_scenario
from sim.errors import ScenarioError
from sim.policies import REGISTRY
from sim.scenario.overrides import apply_overrides

from ..conftest import ROOT, base_dict
from .test_errors import dump, write

BASELINE = ROOT / "scenarios" / "baseline_oct2025.yaml"
TEMPLATE = ROOT / "scenarios" / "student_template.yaml"
BAYESIAN_ONLY = ("types_bn", "prior", "softness_bn")  # the baseline US parameters best_response does not take


def problems(path, overrides) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, overrides)
    return [str(p) for p in exc.value.problems]


def test_a_new_name_drops_the_parameters_it_does_not_take_and_says_so(capsys):
    sc = load_scenario(BASELINE, ["actors.US.policy.name=best_response"])
    params = sc.actors["US"].policy.params
    assert sc.actors["US"].policy.name == "best_response"
    assert set(params) == {"instruments", "rationality", "horizon_days", "talks"}
    assert set(params) <= set(REGISTRY["best_response"].Params.model_fields)
    assert params["instruments"] == ["tariff_on_cn", "chip_controls"]  # what it accepts keeps its value
    assert sc.actors["CN"].policy.name == "bayesian" and "types_bn" in sc.actors["CN"].policy.params
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (
        "tradesim: note: actors.US.policy: params types_bn, prior, softness_bn do not apply to best_response; "
        "dropped (kept: instruments, rationality, horizon_days, talks)"
    )


def test_parameters_set_in_the_same_command_are_kept_in_any_order(capsys):
    name, param = "actors.US.policy.name=best_response", "actors.US.policy.params.horizon_days=60"
    before = load_scenario(BASELINE, [param, name]).actors["US"].policy
    after = load_scenario(BASELINE, [name, param]).actors["US"].policy
    assert before == after and before.params["horizon_days"] == 60
    # a parameter only the old policy takes, set explicitly, is kept: and refused by the new one
    msgs = problems(BASELINE, ["actors.US.policy.params.prior=[1, 1, 1]", name])
    assert msgs == [
        "--set actors.US.policy.params.prior=[1, 1, 1]: actors.US.policy.params.prior: policy 'best_response' has "
        "no parameter 'prior'; known: " + ", ".join(sorted(REGISTRY["best_response"].Params.model_fields))
    ]
    err = capsys.readouterr().err
    assert "params types_bn, softness_bn do not apply" in err  # prior was the user's: not dropped


def test_a_kept_parameter_is_validated_against_the_new_policy():
    msgs = problems(BASELINE, ["actors.US.policy.params.rationality=-1", "actors.US.policy.name=best_response"])
    assert msgs == [
        "--set actors.US.policy.params.rationality=-1: actors.US.policy.params.rationality: "
        "Input should be greater than or equal to 0, found -1"
    ]


def test_a_parameter_the_new_policy_needs_is_reported_at_the_set_of_its_name():
    (msg,) = problems(TEMPLATE, ["actors.US.policy.name=bayesian"])
    assert msg == (
        "--set actors.US.policy.name=bayesian: actors.US.policy.params.types_bn: "
        "policy 'bayesian' needs the parameter 'types_bn'"
    )
    sc = load_scenario(TEMPLATE, ["actors.US.policy.name=bayesian", "actors.US.policy.params.types_bn=[20, 200]"])
    assert sc.actors["US"].policy.params == {"types_bn": [20, 200]}  # the template's US has no params: made


def test_same_name_or_unknown_name_drops_nothing(capsys):
    sc = load_scenario(BASELINE, ["actors.US.policy.name=bayesian"])
    assert set(BAYESIAN_ONLY) <= set(sc.actors["US"].policy.params)
    (msg,) = problems(BASELINE, ["actors.US.policy.name=best_respons"])  # one error: the name, not its params
    assert "unknown policy 'best_respons' (did you mean 'best_response'?)" in msg
    assert capsys.readouterr().err == ""


def test_a_whole_params_mapping_set_replaces_them_all(capsys):
    sc = load_scenario(BASELINE, ["actors.US.policy.name=resolve", "actors.US.policy.params={lookahead_days: 30}"])
    assert sc.actors["US"].policy.params == {"lookahead_days": 30}
    assert capsys.readouterr().err == ""


def test_an_actor_without_a_policy_gets_one_to_set(tmp_path):
    d = base_dict()
    del d["actors"]["US"]["policy"]
    p = write(tmp_path, dump(d))
    sc = load_scenario(p, ["actors.US.policy.params.carry_out_threats=false"])
    assert sc.actors["US"].policy.name == "scripted" and sc.actors["US"].policy.params == {"carry_out_threats": False}
    data, _, swaps = apply_overrides(d, ["actors.US.policy.name=resolve"], lambda name: set())
    assert data["actors"]["US"]["policy"] == {"name": "resolve"} and swaps[0].old == "scripted"
    assert swaps[0].note() is None  # nothing to drop: no note
    assert "policy" not in d["actors"]["US"]  # the document itself is untouched


def test_the_python_api_replaces_the_policy_the_same_way(capsys):
    import sim

    res = sim.run(BASELINE, runs=2, seed=3, workers=1, out=None, overrides=["actors.US.policy.name=best_response"])
    policy = res.manifest["scenario"]["actors"]["US"]["policy"]
    assert policy["name"] == "best_response" and not set(BAYESIAN_ONLY) & set(policy["params"])
    assert res.manifest["overrides"] == ["actors.US.policy.name=best_response"]
    assert "do not apply to best_response; dropped" in capsys.readouterr().err
