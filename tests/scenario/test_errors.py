"""Bad input: every class of error is named with file:line:col, key, expected, found."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.engine.compile import load_scenario, validate_files
from sim.errors import ScenarioError
from sim.policies import REGISTRY

from ..conftest import ROOT, base_dict, calendar_index

BASELINE = ROOT / "scenarios" / "baseline_oct2025.yaml"


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def dump(d: dict) -> str:
    return yaml.safe_dump(d, sort_keys=False)


def problems(path, overrides=()) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, overrides)
    return [str(p) for p in exc.value.problems]


def line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def mutate(tmp_path, old: str, new: str) -> tuple[Path, str]:
    text = BASELINE.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    return write(tmp_path, text), text


def test_misspelt_key_points_at_its_line_with_a_suggestion(tmp_path):
    p, text = mutate(tmp_path, "    review_days: 30", "    reviw_days: 30")
    (msg,) = problems(p)
    line = line_of(text, "reviw_days")
    assert msg.startswith(f"{p}:{line}:5: actors.US.reviw_days: unknown key 'reviw_days'")
    assert "did you mean 'review_days'" in msg


def test_missing_key(tmp_path):
    d = base_dict()
    del d["trade_links"]["cn_us"]["exporter"]
    (msg,) = problems(write(tmp_path, dump(d)))
    assert "trade_links.cn_us.exporter: required key 'exporter' is missing" in msg


def test_wrong_type_says_expected_and_found(tmp_path):
    p, text = mutate(tmp_path, "horizon_days: 365", "horizon_days: a year")
    (msg,) = problems(p)
    assert f":{line_of(text, 'horizon_days')}:" in msg
    assert "meta.horizon_days" in msg and "'a year'" in msg and "number" in msg


def test_number_or_distribution(tmp_path):
    p, _ = mutate(tmp_path, "resolve_bn: {dist: lognormal, median: 120, sigma: 0.6}", "resolve_bn: lots")
    (msg,) = problems(p)
    assert "actors.US.resolve_bn: expected a number or a distribution" in msg and "'lots'" in msg


def test_bad_distribution_parameters(tmp_path):
    p, _ = mutate(tmp_path, "{dist: uniform, low: 2.5, high: 5.0}", "{dist: uniform, low: 5.0, high: 2.5}")
    (msg,) = problems(p)
    assert "trade_links.cn_goods_to_us.elasticity" in msg and "low (5.0) must be below high (2.5)" in msg
    p, _ = mutate(tmp_path, "{dist: lognormal, median: 120, sigma: 0.6}", "{dist: lognormal, median: 120}")
    assert any("resolve_bn.sigma: required key 'sigma' is missing" in m for m in problems(p))
    p, _ = mutate(tmp_path, "{dist: lognormal, median: 120, sigma: 0.6}", "{dist: lognormal, median: -1, sigma: 0.6}")
    assert any("resolve_bn.median" in m and "greater than 0" in m for m in problems(p))


def test_unknown_distribution_gets_a_suggestion(tmp_path):
    p, _ = mutate(tmp_path, "{dist: lognormal, median: 120, sigma: 0.6}", "{dist: lognormale, median: 120, sigma: 0.6}")
    (msg,) = problems(p)
    assert "resolve_bn.dist: unknown dist 'lognormale' (did you mean 'lognormal'?)" in msg


def test_distribution_outside_the_allowed_range(tmp_path):
    # the inverse export supply elasticity is at least 0; a normal around 0.035 with sd 0.02 puts
    # 1e-9 of its mass below mean - 5.998 sd = -0.085 (and above mean + 5.998 sd = 0.155)
    p, text = mutate(
        tmp_path,
        "supply_omega: {dist: uniform, low: 0.0, high: 0.07}",
        "supply_omega: {dist: normal, mean: 0.035, sd: 0.02}",
    )
    (msg,) = problems(p)
    assert f":{line_of(text, 'supply_omega: {dist: normal')}:" in msg
    assert "trade_links.cn_goods_to_us.supply_omega: must lie in [0, 5], found values from -0.0849" in msg
    assert "to 0.1549" in msg and "truncate it with low/high" in msg


def test_unknown_actor_instrument_and_policy_with_suggestions(tmp_path):
    d = base_dict()
    d["trade_links"]["cn_us"]["importer"] = "UX"
    d["trade_links"]["cn_us"]["tariff"] = "US.tarrif"
    d["actors"]["CN"]["policy"]["name"] = "tit_for_tatt"
    msgs = problems(write(tmp_path, dump(d)))
    text = "\n".join(msgs)
    assert "unknown actor 'UX' (did you mean 'US'?)" in text
    assert "has no instrument 'tarrif' (did you mean 'tariff'?)" in text
    known = ", ".join(REGISTRY.names())  # every registered policy, whatever is added later
    assert f"unknown policy 'tit_for_tatt' (did you mean 'tit_for_tat'?); known: {known}" in text


def test_unknown_policy_parameter(tmp_path):
    d = base_dict()
    d["actors"]["CN"]["policy"] = {"name": "tit_for_tat", "params": {"generosty": 0.1}}
    (msg,) = problems(write(tmp_path, dump(d)))
    assert "actors.CN.policy.params.generosty" in msg and "did you mean 'generosity'" in msg


def test_calendar_type_typo(tmp_path):
    p, text = mutate(tmp_path, "  - type: summit\n", "  - type: sumit\n")
    (msg,) = problems(p)
    i = calendar_index(text, "type: sumit")
    assert f"calendar.{i}.type: unknown type 'sumit' (did you mean 'summit'?)" in msg
    assert f":{line_of(text, 'type: sumit')}:" in msg


def test_dates_inside_horizon_and_deadline_after_announcement(tmp_path):
    p, text = mutate(tmp_path, "deadline: 2025-11-01", "deadline: 2025-10-05")
    msgs = problems(p)
    joined = "\n".join(msgs)
    i = calendar_index(text, "deadline: 2025-10-05")
    assert f"calendar.{i}.deadline: date 2025-10-05 is before the scenario start 2025-10-09" in joined
    assert "deadline 2025-10-05 must come after the announcement 2025-10-10" in joined
    assert f":{line_of(text, 'deadline: 2025-10-05')}:" in joined
    p, _ = mutate(tmp_path, "date: 2026-04-01", "date: 2027-04-01")
    assert any("after the scenario end 2026-10-09" in m for m in problems(p))


def test_values_inside_instrument_bounds(tmp_path):
    p, text = mutate(tmp_path, "    value: 0.54\n", "    value: 3.0\n")
    (msg,) = problems(p)
    i = calendar_index(text, "value: 3.0")
    assert f"calendar.{i}.value: value 3 is outside the bounds [-0.208, 2.45] of US.tariff_on_cn" in msg
    p, _ = mutate(tmp_path, "values: [0.5, 0.7, 0.9, 1.0]", "values: [0.5, 0.7, 0.9, 1.9]")
    (msg,) = problems(p)
    assert "deal_space.items.4.values.3" in msg and "outside the bounds [0, 1]" in msg


def test_every_error_reported_at_once(tmp_path):
    d = base_dict()
    d["meta"]["horizn_days"] = 10
    d["actors"]["US"]["instruments"]["tariff"]["step"] = -1
    d["chokepoints"]["magnets"]["gama"] = 2
    msgs = problems(write(tmp_path, dump(d)))
    assert len(msgs) >= 3


def test_yaml_syntax_error_has_a_position(tmp_path):
    p = write(tmp_path, "meta:\n  name: x\n  start: [2025-01-01\n")
    (msg,) = problems(p)
    assert re.match(rf"{re.escape(str(p))}:\d+:\d+: not valid YAML", msg)


def test_duplicate_keys_refused(tmp_path):
    p = write(tmp_path, "meta:\n  name: a\n  name: b\n")
    (msg,) = problems(p)
    assert f"{p}:3:3" in msg and "duplicate key 'name' (first given on line 2)" in msg


def test_object_constructing_tags_refused(tmp_path):
    p = write(tmp_path, "meta: !!python/object/apply:os.system ['echo pwned']\n")
    (msg,) = problems(p)
    assert "unsupported YAML tag" in msg


def test_alias_bomb_refused(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    prev = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
        prev = name
    p = write(tmp_path, "\n".join(lines) + "\n")
    (msg,) = problems(p)
    assert "alias bomb" in msg


def test_missing_directory_empty_and_binary_files(tmp_path):
    assert problems(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: no such file"]
    assert "is a directory" in problems(tmp_path)[0]
    assert "is empty" in problems(write(tmp_path, "", "empty.yaml"))[0]
    assert "is empty" in problems(write(tmp_path, "# only a comment\n", "c.yaml"))[0]
    b = tmp_path / "bin.yaml"
    b.write_bytes(b"meta:\n  name: \xff\xfe\n")
    (msg,) = problems(b)
    assert f"{b}:2:9: is not UTF-8 text (byte 0xff)" == msg


def test_top_level_must_be_a_mapping(tmp_path):
    (msg,) = problems(write(tmp_path, "- 1\n- 2\n"))
    assert "top level must be a mapping" in msg


def test_set_overrides_are_validated_like_the_file():
    msgs = problems(BASELINE, ["actors.US.resolve_bn=-5"])
    assert msgs == ["--set actors.US.resolve_bn=-5: actors.US.resolve_bn: resolve_bn must lie in [0, inf], found -5"]
    msgs = problems(BASELINE, ["actors.UK.resolve_bn=5"])
    assert "no key 'UK' (did you mean 'US'?)" in msgs[0]
    msgs = problems(BASELINE, ["actors.US.reslve_bn=5"])
    assert "unknown key 'reslve_bn' (did you mean 'resolve_bn'?)" in msgs[0]
    assert problems(BASELINE, ["nonsense"])[0].startswith("--set: nonsense: expected dotted.path=value")
    sc = load_scenario(BASELINE, ["actors.US.resolve_bn=200", "calendar.3.probability_held=1"])
    assert sc.actors["US"].resolve_bn == 200.0


def test_validate_reports_every_file(tmp_path):
    a = write(tmp_path, "meta: {}\n", "a.yaml")
    b = write(tmp_path, "x: 1\n", "b.yaml")
    found = validate_files([str(a), str(b), str(BASELINE)])
    assert {str(p).split(":")[0] for p in found} == {str(a), str(b)}


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.slow
def test_cli_bad_input_exit_2_no_traceback(tmp_path):
    p, _ = mutate(tmp_path, "    review_days: 30", "    reviw_days: 30")
    for args in (
        ["run", str(p), "--runs", "2", "--out", str(tmp_path)],
        ["validate", str(p)],
        ["run", str(tmp_path / "missing.yaml")],
        ["run", str(BASELINE), "--runs", "0"],
        ["run", str(BASELINE), "--set", "meta.horizon_days=-1", "--out", str(tmp_path)],
    ):
        r = cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert "Traceback" not in r.stderr and r.stderr.strip()


@pytest.mark.slow
def test_failed_run_leaves_earlier_results_untouched(tmp_path):
    out = tmp_path / "res"
    ok = cli("run", "scenarios/student_template.yaml", "--runs", "5", "--workers", "1", "--out", str(out), "--quiet")
    assert ok.returncode == 0, ok.stderr
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = cli(
        "run",
        "scenarios/student_template.yaml",
        "--runs",
        "5",
        "--out",
        str(out),
        "--set",
        "actors.US.policy.name=nope",
    )
    assert bad.returncode == 2 and "unknown policy 'nope'" in bad.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_set_on_a_yaml_alias_changes_only_that_place(tmp_path):
    """Anchors load as one shared object; an override must not leak into the other place."""
    shared = base_dict()
    shared["actors"]["CN"]["policy"] = shared["actors"]["US"]["policy"]  # safe_dump writes &id001 / *id001
    p = write(tmp_path, yaml.safe_dump(shared))
    assert "&id001" in p.read_text()
    sc = load_scenario(p, ["actors.US.policy.name=resolve"])
    assert sc.actors["US"].policy.name == "resolve" and sc.actors["CN"].policy.name == "scripted"


@pytest.mark.slow
def test_result_commands_on_wrong_folders_exit_2(tmp_path):
    for args in (
        ["report", str(tmp_path)],
        ["compare", str(tmp_path), str(tmp_path)],
        ["analyze", "sensitivity", str(tmp_path)],
        ["analyze", "discover", str(tmp_path)],
        ["sweep", str(tmp_path / "missing.yaml")],
        ["game", "scenarios/student_template.yaml", "--policies", "US=resolve", "--policies", "XX=resolve"],
        ["tournament", "scenarios/student_template.yaml", "--policies", "resolve", "--noise", "2"],
    ):
        r = cli(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and r.stderr.strip(), args
