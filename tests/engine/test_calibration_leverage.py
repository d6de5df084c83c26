"""Calibration with the leverage term (MODEL §3: "Once the leverage term of §4 exists ... solve for both actors
jointly ... and iterate to a fixed point"; §4 "Variable threats"): the reference's talk probability and weights,
the joint fixed point, and the fixed point inside the simulator with background talks."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from sim.engine.calibration import (
    calibrate,
    central_params,
    leverage,
    policy_horizon,
    reference_world,
    restrictions,
    solve,
)
from sim.engine.compile import scenario_from_dict
from sim.engine.core import Engine, run_replication, sample_params
from sim.engine.projection import Projector

from .test_calibration import at_reference, baseline_raw, moves_of

RATE = 2.0  # unscheduled talks per year: the baseline's weights stay non-negative (at 6 a year the revenue
# weight that rationalises the 2024 US tariff would be negative: the leverage alone pays for it)


def with_talks(d: dict, rate: float = RATE, weights: object = "patience") -> dict:
    """``d`` with background talks at ``rate`` a year (now and at the reference date) over a deal space that
    never agrees: its one package
    is a transfer of 0, which helps nobody (a deal needs both sides to gain)."""
    d = copy.deepcopy(d)
    zero = [{"payer": "US", "payee": "CN", "values_bn": [0.0]}]
    d["deal_space"] = {"talks_per_year": rate, "items": [], "transfers": zero, "weights": weights}
    d["calibration"]["talks_per_year"] = rate  # the same rate at the reference date
    return d


def test_reference_talk_probability_and_weights():
    """p = 1 − exp(−r·H/365) over each actor's horizon (no summit or deadline at the reference date);
    w from the deal space's weights (by actor: w_US = 3/(3+1))."""
    sc = scenario_from_dict(with_talks(baseline_raw(), 1.0, {"US": 3.0, "CN": 1.0}))
    params = central_params(sc)
    lev = leverage(sc, params, reference_world(sc, params))
    for a in sc.actors:
        assert lev[a][0] == pytest.approx(1 - math.exp(-1.0 * policy_horizon(sc, a) / 365), rel=1e-14)
    assert lev["US"][1] == pytest.approx(0.75, rel=1e-15) and lev["CN"][1] == pytest.approx(0.25, rel=1e-15)
    off = scenario_from_dict(with_talks(baseline_raw(), 0.0))
    assert all(p == 0.0 for p, _ in leverage(off, params, reference_world(off, params)).values())


def test_no_talks_is_the_calibration_without_leverage():
    """talks_per_year = 0: the bargaining weights do not enter (bit for bit the same weights whatever they are)."""
    a = scenario_from_dict(with_talks(baseline_raw(), 0.0, {"US": 9.0, "CN": 1.0}))
    b = scenario_from_dict(baseline_raw())
    assert calibrate(a, central_params(a)).intervals == calibrate(b, central_params(b)).intervals


def test_the_joint_weights_are_a_fixed_point():
    """Re-solving each actor's restrictions with the other's weights held at the returned midpoints gives back the
    returned intervals (to 1e-9 relative: the iteration stops at 1e-10 per sweep), and the leverage moved them."""
    sc = scenario_from_dict(with_talks(baseline_raw()))
    params = central_params(sc)
    cal = calibrate(sc, params)
    held = cal.point()
    world = reference_world(sc, params)
    lev = leverage(sc, params, world)
    assert all(p > 0 for p, _ in lev.values())
    for a in sc.actors:
        keys = [k for k in cal.intervals if k.startswith(a + ".")]
        again = solve(keys, restrictions(sc, params, list(cal.intervals), world, False, lev, held, [a])).intervals
        for k in keys:
            assert again[k] == pytest.approx(cal.intervals[k], rel=1e-9, abs=1e-12)
    plain = scenario_from_dict(with_talks(baseline_raw(), 0.0))
    without = calibrate(plain, central_params(plain)).intervals
    assert any(not np.allclose(without[k], cal.intervals[k], rtol=1e-6) for k in cal.intervals)


def calibrated_only() -> tuple[dict, set[str]]:
    """The baseline at its reference with background talks, each side moving only the instruments that identify
    its weights (with leverage China's rare-earth controls, which no weight bears on, pay to escalate at the
    reference: calibration flags them ``unrationalised``; the fixed point concerns the identifying ones)."""
    sc = scenario_from_dict(with_talks(baseline_raw()))
    cal = calibrate(sc, central_params(sc))
    own = {a: [r.split(".", 1)[1] for r in refs] for a, refs in cal.instruments.items()}
    return with_talks(at_reference(baseline_raw(), own)), {r for refs in cal.instruments.values() for r in refs}


def test_runs_with_background_talks_started_at_the_reference_keep_every_calibrated_instrument():
    """MODEL §3's fixed point inside the simulator with the leverage term: the policies value options with
    p = P(background talks within the horizon) and the deal space's weights; at the jointly calibrated weights
    (recalibrated per run) best responses of rationality 1e6 re-optimising at the reference hold every
    instrument that identifies a weight: each policy's own decision at day 0, and the runs' first two reviews
    (days 30 and 60). Later the state drifts from the reference: licence decisions are sampled, the consumer's
    stock runs down, and with leverage the other side's shortage loss, which depends on that stock, counts."""
    d, refs = calibrated_only()
    d["meta"]["horizon_days"] = 61
    sc = scenario_from_dict(d)
    assert refs == {"US.tariff_on_cn", "US.chip_controls", "CN.tariff_on_us"}
    for run in range(4):
        ss = np.random.SeedSequence(3, spawn_key=(run,))
        s_params, *seeds = ss.spawn(4)
        params = sample_params(sc, np.random.default_rng(s_params))
        eng = Engine(sc, params, seeds, run, False, calibrate(sc, params).draw(np.random.default_rng(run)))
        eng.prepare()
        for a in sc.actors:
            assert eng.actors[a].policy.decide(eng.actors[a].view) == []
        res = run_replication(sc, 3, run, record_series=False)
        assert moves_of(res.events, refs) == []


def test_the_control_a_weight_off_the_joint_fixed_point_moves():
    """The control of the test above: the no-leverage weights (a different point) make the US tariff move."""
    d, refs = calibrated_only()
    sc = scenario_from_dict(d)
    plain = scenario_from_dict(at_reference(baseline_raw()))
    ss = np.random.SeedSequence(3, spawn_key=(0,))
    s_params, *seeds = ss.spawn(4)
    params = sample_params(sc, np.random.default_rng(s_params))
    weights = calibrate(plain, params).point()
    res = Engine(sc, params, seeds, 0, False, weights).run()
    assert moves_of(res.events, refs)


@pytest.mark.parametrize("relative", [False, True])
def test_both_actors_losses_come_from_one_projection_equal_to_each_alone(relative):
    """``project_options`` for (US, CN) gives one row per actor, each exactly its one-actor call (the leverage
    valuation of calibration and the policies reads both rows of one projection)."""
    sc = scenario_from_dict(baseline_raw())
    params = central_params(sc)
    proj = Projector(reference_world(sc, params))
    moves = [("US.tariff_on_cn", 0.1), ("US.chip_controls", 3.0), ("CN.re_controls", 1.0), ("CN.tariff_on_us", 0.2)]
    both = proj.project_options(90.0, moves, (), ("US", "CN"), relative=relative)
    assert both.shape == (2, len(moves) + 1)
    for i, a in enumerate(("US", "CN")):
        alone = proj.project_options(90.0, moves, (), a, relative=relative)
        np.testing.assert_allclose(both[i], alone, rtol=1e-13, atol=1e-12)
