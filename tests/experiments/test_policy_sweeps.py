"""Sweeps over policies: a point that sets a policy name replaces the policy as ``--set`` does,
and every combination of an actor's policy values is validated before any run."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from sim.cli.main import main
from sim.engine.compile import load_scenario
from sim.experiments.chunk import ChunkJob, _scenario
from sim.experiments.sweepfile import load_sweep
from sim.scenario.yamlio import load_file

from ..conftest import ROOT

BASELINE = ROOT / "scenarios" / "baseline_oct2025.yaml"
TEMPLATE = ROOT / "scenarios" / "student_template.yaml"


def write(tmp_path: Path, parameters: list, **kw) -> Path:
    spec = {"name": "pol", "scenario": str(TEMPLATE), "design": "grid", "replications": 1, "seed": 1, **kw}
    spec["parameters"] = parameters
    p = tmp_path / "pol.yaml"
    p.write_text(yaml.safe_dump(spec, sort_keys=False, default_flow_style=None), encoding="utf-8")
    return p


def test_a_bad_combination_stops_the_sweep_before_any_run_with_nothing_on_disk(tmp_path, capsys):
    f = write(
        tmp_path,
        [
            {"path": "actors.US.policy.name", "values": ["resolve", "tit_for_tat"]},  # each fine alone
            {"path": "actors.US.policy.params.softness_bn", "values": [0.0, 5.0]},  # fine with resolve only
        ],
    )
    out = tmp_path / "out"
    assert main(["sweep", str(f), "--out", str(out), "--workers", "1", "--quiet", "--no-report"]) == 2
    (msg,) = capsys.readouterr().err.splitlines()
    line = next(i for i, s in enumerate(f.read_text().splitlines(), 1) if "actors.US.policy.name" in s)
    assert msg.startswith(f"{f}:{line}:")
    assert "actors.US.policy.name = 'tit_for_tat', actors.US.policy.params.softness_bn = 0.0 (and 1 more)" in msg
    assert "policy 'tit_for_tat' has no parameter 'softness_bn'" in msg
    assert not out.exists()


def test_a_good_policy_sweep_passes_and_a_mistake_is_named_once_per_cause(tmp_path, capsys):
    ok = write(
        tmp_path,
        [
            {"path": "actors.US.policy.name", "values": ["resolve", "tit_for_tat"]},  # the template's US: resolve
            {"path": "actors.US.policy.params.lookahead_days", "low": 30.0, "high": 90.0},
        ],
    )
    assert main(["validate", str(ok)]) == 2  # tit_for_tat takes no lookahead_days: at 30 and at 90, one cause
    err = capsys.readouterr().err.splitlines()
    assert err[1:] == ["1 problem(s) found"]
    assert "the combination actors.US.policy.name = 'tit_for_tat', actors.US.policy.params." in err[0]
    assert "lookahead_days = 30.0 (and 1 more) is not valid: " in err[0]
    ok = write(
        tmp_path,
        [
            {"path": "actors.CN.policy.name", "values": ["tit_for_tat", "resolve"]},
            {"path": "actors.CN.policy.params.generosity", "values": [0.0, 0.2]},
        ],
    )
    assert main(["validate", str(ok)]) == 2  # resolve takes no generosity (set by the sweep: kept, refused)
    assert "policy 'resolve' has no parameter 'generosity'" in capsys.readouterr().err
    ok = write(tmp_path, [{"path": "actors.CN.policy.name", "values": ["tit_for_tat", "resolve"]}])
    assert main(["validate", str(ok)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"{ok}: sweep OK: 2 points × 1 replications (2 runs, design grid)"
    assert err.strip() == (
        f"tradesim: note: sweep {ok}: actors.CN.policy: param generosity does not apply to resolve; dropped"
    )


def test_a_point_replaces_the_policy_exactly_as_set_does(capsys):
    doc = load_file(BASELINE)
    job = ChunkJob(1, "point_replication", False, False, True, raw=doc.data, source=str(BASELINE))
    point = _scenario(job, {"actors.US.policy.name": "best_response", "actors.US.policy.params.horizon_days": 60.0})
    direct = load_scenario(BASELINE, ["actors.US.policy.name=best_response", "actors.US.policy.params.horizon_days=60"])
    assert point.actors["US"].policy == direct.actors["US"].policy
    assert point.model_dump() == direct.model_dump()
    assert doc.data["actors"]["US"]["policy"]["name"] == "bayesian"  # the base document is untouched


def docs_sweep() -> dict:
    """The sweep file shown in docs/sweeps.md."""
    text = (ROOT / "docs" / "sweeps.md").read_text(encoding="utf-8")
    block = re.search(r"## The sweep file\n\n```yaml\n(.*?)```", text, re.S)
    assert block is not None
    return yaml.safe_load(block.group(1))


def test_the_policy_sweep_of_the_docs_runs_every_run(tmp_path, capsys):
    spec = docs_sweep()
    assert any(p["path"].endswith(".policy.name") for p in spec["parameters"])
    spec.update(scenario=str(BASELINE), points=4, replications=1)  # the docs' sweep, small
    f = tmp_path / "docs_sweep.yaml"
    f.write_text(yaml.safe_dump(spec), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(f), "--out", str(out), "--workers", "1", "--quiet", "--no-report"]) == 0
    stdout = capsys.readouterr().out
    assert "4 runs, 0 failed" in stdout
    (folder,) = (out / spec["name"]).iterdir()
    summary = pd.read_parquet(folder / "summary.parquet")
    assert summary["error"].isna().all() and len(summary) == 4
    names = next(p["values"] for p in spec["parameters"] if p["path"].endswith(".policy.name"))
    assert set(summary["sweep.actors.CN.policy.name"]) == set(names)  # both policies ran
    assert load_sweep(f)[0].parameters[2].values == names


def test_parameters_of_one_policy_are_checked_together_not_each_against_the_base(tmp_path, capsys):
    """The baseline's CN prior has three entries: a two-type belief is valid only with the prior swept too."""
    params = [
        {"path": "actors.CN.policy.params.types_bn", "values": [[80, 200, 500], [100, 300]]},
        {"path": "actors.CN.policy.params.prior", "values": [None]},
    ]
    f = write(tmp_path, params, scenario=str(BASELINE))
    assert main(["validate", str(f)]) == 0, capsys.readouterr().err
    f = write(tmp_path, params[:1], scenario=str(BASELINE))
    assert main(["validate", str(f)]) == 2
    assert "prior has 3 entries, types_bn has 2" in capsys.readouterr().err


def test_recording_series_needs_the_same_columns_at_every_point(tmp_path, capsys):
    params = [{"path": "actors.CN.policy.name", "values": ["best_response", "bayesian"]}]
    f = write(tmp_path, params, scenario=str(BASELINE), record_series=True)
    out = tmp_path / "out"
    assert main(["sweep", str(f), "--out", str(out), "--workers", "1", "--quiet", "--no-report"]) == 2
    msg = capsys.readouterr().err.splitlines()[-1]
    line = next(i for i, s in enumerate(f.read_text().splitlines(), 1) if s.startswith("record_series"))
    assert msg.startswith(f"{f}:{line}:1: record_series: the points record different series columns")
    assert "belief_CN_0, belief_CN_1, belief_CN_2" in msg and "set record_series: false" in msg
    assert not out.exists()
