"""Through the command line: ``--set actors.X.policy.name`` and ``--policy`` replace a policy
cleanly, and ``tradesim validate`` tells sweep files from scenarios and checks them whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sim.cli.main import build_parser, main
from sim.engine.compile import load_scenario
from sim.experiments.sweepfile import load_sweep

from ..conftest import ROOT

BASELINE = str(ROOT / "scenarios" / "baseline_oct2025.yaml")
TEMPLATE = str(ROOT / "scenarios" / "student_template.yaml")
SWEEPS = sorted(str(p) for p in (ROOT / "sweeps").glob("*.yaml"))


def test_the_baseline_runs_with_another_us_policy_and_says_what_it_dropped(tmp_path, capsys):
    args = ["run", BASELINE, "--set", "actors.US.policy.name=best_response", "--runs", "3", "--workers", "1"]
    assert main([*args, "--out", str(tmp_path), "--no-report", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "tradesim: note: actors.US.policy: params types_bn, prior, softness_bn do not apply to best_response; "
        "dropped (kept: instruments, rationality, horizon_days, talks)"
    ]
    (folder,) = (tmp_path / "baseline_oct2025").iterdir()
    assert out.strip() == f"results: {folder}"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs"] == 3
    assert manifest["overrides"] == ["actors.US.policy.name=best_response"]
    policy = manifest["scenario"]["actors"]["US"]["policy"]
    assert policy["name"] == "best_response" and "types_bn" not in policy["params"]


def test_a_kept_parameter_is_validated_on_the_command_line(tmp_path, capsys):
    args = ["run", BASELINE, "--set", "actors.US.policy.params.horizon_days=0", "--policy", "US=best_response"]
    assert main([*args, "--runs", "2", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        "--set actors.US.policy.params.horizon_days=0: actors.US.policy.params.horizon_days: "
        "Input should be greater than 0, found 0"
    )
    assert not list(tmp_path.iterdir())  # checked before anything is written


def test_policy_is_short_for_the_sets_of_a_name_and_its_parameters():
    args = build_parser().parse_args(
        [
            "run",
            BASELINE,
            "--set",
            "actors.CN.resolve_bn=100",
            "--policy",
            "US=best_response:horizon_days=60, instruments=[tariff_on_cn, chip_controls],talks=true",
        ]
    )
    assert args.overrides == [
        "actors.CN.resolve_bn=100",
        "actors.US.policy.name=best_response",
        "actors.US.policy.params.horizon_days=60",
        "actors.US.policy.params.instruments=[tariff_on_cn, chip_controls]",
        "actors.US.policy.params.talks=true",
    ]
    sc = load_scenario(BASELINE, args.overrides)
    assert sc.actors["US"].policy.params["instruments"] == ["tariff_on_cn", "chip_controls"]
    assert sc.actors["US"].policy.params["horizon_days"] == 60 and sc.actors["US"].policy.params["talks"] is True
    assert build_parser().parse_args(["calibrate", BASELINE, "--policy", "CN=resolve"]).overrides == [
        "actors.CN.policy.name=resolve"
    ]


@pytest.mark.parametrize("bad", ["US", "=resolve", "US=", "US=resolve:horizon", "US.x=resolve"])
def test_a_malformed_policy_option_is_one_line_and_exit_2(bad, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", BASELINE, "--policy", bad])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "tradesim run: error: argument --policy: expected ACTOR=NAME" in err and "Traceback" not in err


def test_validate_says_the_shipped_sweeps_are_ok_with_their_size(capsys):
    assert SWEEPS
    assert main(["validate", *SWEEPS, TEMPLATE]) == 0
    out = capsys.readouterr().out.splitlines()
    for path, line in zip(SWEEPS, out):
        spec = load_sweep(path)[0]
        points = spec.design_points()
        assert line.startswith(f"{path}: sweep OK: {points:,} points × {spec.replications:,} replications")
    assert out[-1] == f"{TEMPLATE}: ok"


def write_sweep(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "sw.yaml"
    p.write_text(text.replace("TEMPLATE", TEMPLATE), encoding="utf-8")
    return p


def test_validate_names_the_line_of_each_problem_in_a_sweep_file(tmp_path, capsys):
    p = write_sweep(
        tmp_path,
        "name: broken\n"
        "scenario: TEMPLATE\n"
        "replications: many\n"
        "parameters:\n"
        "  - {path: actors.US.resolve_bnn, values: [10, 20]}\n",
    )
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{p}:3:") and "replications" in err[0] and "'many'" in err[0]
    assert err[-1] == "1 problem(s) found"  # the sweep's own keys first; nothing about scenario keys
    p = write_sweep(
        tmp_path, "name: broken\nscenario: TEMPLATE\nparameters:\n  - {path: actors.US.resolve_bnn, values: [10]}\n"
    )
    assert main(["validate", str(p)]) == 2
    (msg, total) = capsys.readouterr().err.splitlines()
    assert msg.startswith(f"{p}:4:") and "did you mean 'resolve_bn'" in msg and total == "1 problem(s) found"


def test_a_sweep_without_its_scenario_key_is_still_checked_as_a_sweep(tmp_path, capsys):
    p = write_sweep(tmp_path, "name: lost\ndesign: grid\nparameters: []\n")
    assert main(["validate", str(p)]) == 2
    (msg, _) = capsys.readouterr().err.splitlines()
    assert msg == f"{p}:1:1: scenario: required key 'scenario' is missing"


def test_a_scenario_is_not_taken_for_a_sweep(tmp_path, capsys):
    doc = yaml.safe_load(Path(TEMPLATE).read_text(encoding="utf-8"))
    doc["scenario"] = "x"  # one stray key does not make it a sweep
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert main(["validate", str(p)]) == 2
    (msg, _) = capsys.readouterr().err.splitlines()
    assert "scenario: unknown key 'scenario'" in msg
