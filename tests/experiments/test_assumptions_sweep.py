"""The Morris screen of the baseline's assumptions (sweeps/assumptions_morris.yaml, docs/model.md §9).

It must validate against its base scenario, sweep every parameter the baseline draws
from a distribution over that distribution's range (so a new distribution in the
baseline without a Morris entry fails here), sweep point assumptions over ±50% of their
value, and leave the calibrated motive weights alone: they are outputs, recalibrated
in every run.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from sim.engine.compile import load_scenario
from sim.experiments.sweepfile import load_sweep
from sim.scenario.schema import Scenario
from sim.scenario.yamlio import load_file

SWEEP = "sweeps/assumptions_morris.yaml"
#: Parameters with no effect on any output: their mu* is the design's noise floor.
DUMMIES = {"meta.series_every_days"}


@pytest.fixture(scope="module")
def sweep() -> tuple[Any, Scenario, dict[str, Any]]:
    spec, base, _ = load_sweep(SWEEP)  # validates the file and every parameter's extremes in the base scenario
    return spec, load_scenario(base), load_file(base).data


def value_at(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def calibrated_paths(sc: Scenario) -> set[str]:
    """Scenario paths of the motive weights declared ``calibrate``."""
    out = set()
    for a, actor in sc.actors.items():
        m = actor.motives
        if m.revenue == "calibrate":
            out.add(f"actors.{a}.motives.revenue")
        for kind in ("protection", "farm", "security"):
            for i, motive in enumerate(getattr(m, kind)):
                if motive.weight == "calibrate":
                    out.add(f"actors.{a}.motives.{kind}.{i}.weight")
    return out


def test_it_is_a_morris_screen_of_the_headline_outputs(sweep):
    spec, _, _ = sweep
    assert spec.design == "morris" and spec.scenario.endswith("baseline_oct2025.yaml")
    assert {"deal", "deal_day", "payoff_US", "payoff_CN"} <= set(spec.outputs)
    assert all(p.low is not None and p.low < p.high for p in spec.parameters)


def test_every_distribution_of_the_baseline_is_swept(sweep):
    spec, sc, _ = sweep
    swept = {p.path for p in spec.parameters}
    uncertain = [path for path, _ in sc.uncertain]
    assert len(uncertain) > 20  # the baseline's own list, not an empty one
    assert sorted(set(uncertain) - swept) == []


def test_distributions_are_swept_over_their_range(sweep):
    """Bounded laws over their bounds; unbounded ones (lognormal) over their 5% to 95% quantiles, to 1%."""
    spec, sc, _ = sweep
    ranges = {p.path: (p.low, p.high) for p in spec.parameters}
    for path, dist in sc.uncertain:
        lo, hi = dist.bounds()
        if math.isfinite(lo) and math.isfinite(hi):
            assert ranges[path] == pytest.approx((lo, hi), rel=1e-9, abs=1e-12), path
        else:
            f = dist.frozen()
            assert ranges[path] == pytest.approx((float(f.ppf(0.05)), float(f.ppf(0.95))), rel=0.01), path


def test_point_assumptions_are_swept_over_half_to_one_and_a_half_times_their_value(sweep):
    """±50% of the base value; the upper end may be clipped (a share at 1, a tier below the next one)."""
    spec, sc, raw = sweep
    uncertain = {path for path, _ in sc.uncertain}
    points = [p for p in spec.parameters if p.path not in uncertain]
    assert points
    for p in points:
        base = value_at(raw, p.path)
        assert isinstance(base, (int, float)) and not isinstance(base, bool), p.path
        assert p.low == pytest.approx(0.5 * base, rel=1e-9), p.path
        assert base < p.high <= 1.5 * base * (1 + 1e-12), p.path


def test_calibrated_weights_are_outputs_not_inputs(sweep):
    spec, sc, _ = sweep
    calibrated = calibrated_paths(sc)
    assert calibrated  # the baseline calibrates its revenue and security weights
    assert sorted(calibrated & {p.path for p in spec.parameters}) == []


def test_the_dummy_moves_no_output(sweep):
    """Without series (as in the sweep) the grid spacing changes nothing a run reports: a true dummy."""
    from sim.engine.core import run_replication

    spec, _, _ = sweep
    assert DUMMIES <= {p.path for p in spec.parameters} and not spec.record_series
    rows = []
    for every in ("3.5", "10.5"):
        sc = load_scenario("scenarios/baseline_oct2025.yaml", [f"meta.series_every_days={every}"])
        rows.append([run_replication(sc, spec.seed, r, record_series=False).summary for r in range(3)])
    for a, b in zip(*rows):
        assert a["outcome"] == b["outcome"]
        assert [a[k] for k in ("deal_day", "payoff_US", "payoff_CN")] == pytest.approx(
            [b[k] for k in ("deal_day", "payoff_US", "payoff_CN")], nan_ok=True, rel=1e-12
        )
