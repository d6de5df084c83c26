"""Hostile input: one field of a valid scenario mutated to a hostile value.

Either the scenario is refused with a :class:`ScenarioError` that names the field
(its dotted path, an ancestor or a descendant of it), or its calibration refuses it
naming a weight declared ``calibrate`` that the mutated data leave unidentified, or
it runs under a hang guard and every payoff is finite and within the plausibility
bound. ``make test`` runs 40 examples; the ``long`` test (also ``slow``; left out
unless asked for with ``pytest -m long``) runs ``HOSTILE_EXAMPLES`` (default 400).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.calibration import CalibrationError, calibrated_keys
from sim.engine.compile import load_scenario, scenario_from_dict
from sim.engine.core import run_replication
from sim.errors import ScenarioError
from sim.experiments.sweepfile import load_sweep

from ..conftest import SHIPPED, base_dict
from .examples import motives_dict

BASES = [base_dict(), motives_dict()] + [yaml.safe_load(p.read_text()) for p in SHIPPED]

HOSTILE = [
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -1e308,
    1e-308,
    -1.0,
    0.0,
    1e-6,
    True,
    False,
    "12",
    "x",
    [],
    {},
    None,
    10**30,
    -(10**30),
    "2025-11-31",
    dt.date(1900, 1, 1),
]


def leaves(node, path=()):
    """Every leaf of a document, as (path, value)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, path + (i,))
    else:
        yield path, node


def mutated(base, path, value):
    d = yaml.safe_load(yaml.safe_dump(base))  # a deep copy with no shared nodes
    node = d
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return d


def related(problem_path: str, path: tuple) -> bool:
    """The problem is at the mutated key, an ancestor of it (2+ levels), below it or beside it."""
    mine = ".".join(map(str, path))
    parent = ".".join(map(str, path[:-1]))
    return (
        (len(path) > 2 and problem_path.startswith(parent + "."))
        or problem_path == mine
        or (mine.startswith(problem_path + ".") and problem_path.count(".") >= 1)
        or problem_path.startswith(mine + ".")
    )


def named(exc: ScenarioError, path: tuple) -> bool:
    """Some problem names the mutated field: by path, an instrument by its ACTOR.name ref, or its key."""
    ref = f"{path[1]}.{path[3]}" if len(path) > 3 and path[0] == "actors" and path[2] == "instruments" else None
    key = str(path[-1])  # a cross-field message names the key it follows from
    return any(
        related(p.path, path) or (ref is not None and ref in p.message) or (len(key) > 3 and key in p.message)
        for p in exc.problems
    )


@st.composite
def hostile_scenarios(draw):
    base = draw(st.sampled_from(BASES))
    path, _ = draw(st.sampled_from(sorted(leaves(base), key=repr)))
    value = draw(st.sampled_from(HOSTILE))
    return path, value, mutated(base, path, value)


CALIBRATION_FAILS = "calibration fails at the parameters' medians: "


def refused_by_calibration(exc: ScenarioError) -> bool:
    """The calibration refused the data, at the motive weight it names (``actors.A.motives.kind``)."""
    for p in exc.problems:
        parts = p.path.split(".")
        if p.message.startswith(CALIBRATION_FAILS) and parts[:1] == ["actors"] and parts[2:3] == ["motives"]:
            return f"{parts[1]}.{parts[3]}" in p.message
    return False


def check_one(path, value, data):
    # A weight declared 'calibrate' that the mutated data leave unidentified (no trade on its link,
    # nothing licensed, a step or horizon that changes nothing) is refused naming that weight: at
    # load, by the calibration at the parameters' medians, or by a run's own calibration.
    try:
        sc = scenario_from_dict(data)
    except ScenarioError as exc:
        assert named(exc, path) or refused_by_calibration(exc), f"{path} = {value!r}: {exc}"
        return
    try:
        summary = run_replication(sc, 1, 0, record_series=False).summary
    except CalibrationError as exc:
        assert any(k in str(exc) for k in calibrated_keys(sc)), (path, value, exc)
        return
    payoffs = {k: v for k, v in summary.items() if k.startswith("payoff_")}
    assert all(math.isfinite(v) for v in payoffs.values()), (path, value, payoffs)
    assert summary["plausible"], (path, value, payoffs, summary["plausibility_bound_bn"])


@pytest.mark.timeout(120)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_scenarios())
def test_a_hostile_field_is_refused_by_name_or_runs_within_the_bound(case):
    check_one(*case)


@pytest.mark.slow
@pytest.mark.long
@pytest.mark.timeout(1800)
@settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(hostile_scenarios())
def test_hostile_fields_long_profile(case):
    check_one(*case)


# ------------------------------------------------------------- named hostile inputs
def refused(path) -> str:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return str(err.value)


def write_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (SHIPPED[0].parent / "student_template.yaml").read_text()
    assert old in text
    p = tmp_path / "s.yaml"
    p.write_text(text.replace(old, new, 1))
    return p


def test_unquoted_invalid_date_is_a_clean_error_at_its_line(tmp_path):
    text = (SHIPPED[0].parent / "student_template.yaml").read_text()
    start = next(ln for ln in text.splitlines() if ln.strip().startswith("start:"))
    p = write_with(tmp_path, start, "  start: 2025-11-31")
    line = p.read_text().splitlines().index("  start: 2025-11-31") + 1
    assert f"s.yaml:{line}:10: meta.start: '2025-11-31' is not a valid date" in refused(p)


def test_a_5000_digit_integer_is_refused_before_conversion(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("meta:\n  horizon_days: 1" + "0" * 5000 + "\n")
    assert "meta.horizon_days: an integer of 5001 digits" in refused(p)


def test_a_boolean_is_not_a_number():
    d = base_dict()
    d["trade_links"]["cn_us"]["value_bn_per_year"] = True
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(d)
    assert "trade_links.cn_us.value_bn_per_year: expected a number or a distribution" in str(err.value)


def test_a_seed_of_2_to_the_63_is_refused_in_a_sweep_file(tmp_path):
    (tmp_path / "base.yaml").write_text((SHIPPED[0].parent / "student_template.yaml").read_text())
    p = tmp_path / "sweep.yaml"
    p.write_text(f"name: s\nscenario: base.yaml\ndesign: monte_carlo\nseed: {2**63}\n")
    with pytest.raises(ScenarioError) as err:
        load_sweep(p)
    assert "seed: Input should be less than or equal to 9223372036854775807" in str(err.value)


def test_a_huge_design_is_refused_at_load_without_building_it(tmp_path):
    (tmp_path / "base.yaml").write_text((SHIPPED[0].parent / "student_template.yaml").read_text())
    p = tmp_path / "sweep.yaml"
    params = "".join(f"  - {{path: actors.US.review_days, values: {list(range(1, 101))}}}\n" for _ in range(1))
    params += "".join(f"  - {{path: actors.CN.review_days, values: {list(range(1, 101))}}}\n" for _ in range(1))
    p.write_text(f"name: s\nscenario: base.yaml\ndesign: grid\nreplications: 1000\nparameters:\n{params}")
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError) as err:
        load_sweep(p)
    assert "100 x 1,000 replications" not in str(err.value)
    assert "10,000 points x 1,000 replications = 10,000,000 runs; a sweep has at most 1,000,000" in str(err.value)
    assert time.perf_counter() - t0 < 5


def test_a_fifo_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert refused(fifo).endswith("pipe.yaml: is a FIFO (named pipe), expected a YAML file")


def test_a_device_is_refused():
    assert refused("/dev/zero") == "/dev/zero: is a device, expected a YAML file"


def test_a_directory_is_refused(tmp_path):
    assert refused(tmp_path).endswith("is a directory, expected a YAML file")


def test_a_3_mb_file_is_refused_by_its_size(tmp_path, monkeypatch):
    p = tmp_path / "big.yaml"
    p.write_bytes(b"a: " + b"1" * 3_000_000)
    read = []
    real_fdopen = os.fdopen

    def spy(fd, *args, **kw):
        fh = real_fdopen(fd, *args, **kw)
        read.append(fh)
        return fh

    monkeypatch.setattr(os, "fdopen", spy)
    assert "is larger than 1048576 bytes" in refused(p)
    assert read == []  # refused by its size on disk, before it was opened


def test_nesting_500_deep_is_refused(tmp_path):
    p = tmp_path / "deep.yaml"
    p.write_text("a: " + "[" * 500 + "]" * 500 + "\n")
    assert "deep.yaml:1:" in refused(p) and "nests deeper than 32 levels" in refused(p)


def test_a_long_list_is_refused_before_it_is_built(tmp_path):
    p = tmp_path / "long.yaml"
    p.write_text("a: [" + "1," * 40_001 + "1]\n")
    assert "a list or mapping has more than 20000 items" in refused(p)


def test_a_normal_with_a_huge_spread_on_a_share_is_refused():
    d = base_dict()
    d["chokepoints"]["magnets"]["supplier_share"] = {"dist": "normal", "mean": 0.5, "sd": 1e6}
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(d)
    assert "chokepoints.magnets.supplier_share: must lie in [0, 1]" in str(err.value)


def test_a_truncated_normal_on_a_share_passes_and_its_draws_stay_inside():
    d = base_dict()
    d["chokepoints"]["magnets"]["supplier_share"] = {"dist": "normal", "mean": 0.5, "sd": 0.3, "low": 0, "high": 1}
    sc = scenario_from_dict(d)
    import numpy as np

    x = sc.chokepoints["magnets"].supplier_share
    draws = [x.sample(np.random.default_rng(i)) for i in range(200)]
    assert 0 <= min(draws) and max(draws) <= 1
