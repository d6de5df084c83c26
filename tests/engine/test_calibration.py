"""Calibration by revealed preference (MODEL §3) inside the simulator: the fixed point, errors, flags, per-run
recalibration. Closed forms of the solved weights: test_calibration_theory.py (its scenario builder is reused)."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import yaml

from sim.engine.calibration import (
    CalibrationError,
    calibrate,
    calibrated_keys,
    central_params,
    policy_horizon,
    policy_instruments,
    reference_world,
)
from sim.engine.columns import summary_columns
from sim.engine.compile import scenario_from_dict
from sim.engine.core import Engine, run_replication, sample_params
from sim.engine.projection import Projector
from sim.errors import ScenarioError
from sim.model.motives import tariff_objective
from sim.model.trade import LinkTerms
from sim.scenario.schema import Scenario
from sim.scenario.uncertain import collect_uncertain

from .test_calibration_theory import REVENUE_BN, SHARE, TIERS, calib_world

BASELINE = "scenarios/baseline_oct2025.yaml"
RATIONAL = 1e6  # logit λ per $bn: the largest allowed; a $1e-4bn edge gives odds e^100


def at_reference(raw: dict, instruments: dict[str, list[str]] | None = None) -> dict:
    """The scenario started AT its reference state: initial = reference, no calendar, threats or deals,
    best-response policies of the highest rationality over the calibration's horizon, no giving in, and no
    alternative supply ramping (the reference state includes the alternative supply: a ramp moves the
    state away from it during the run)."""
    d = copy.deepcopy(raw)
    for ref, v in d["calibration"]["reference"].items():
        a, n = ref.split(".", 1)
        d["actors"][a]["instruments"][n]["initial"] = v
    d["calendar"] = []
    d.pop("deal_space", None)
    for c in d.get("chokepoints", {}).values():
        c.setdefault("alternative", {})["ramp_per_year"] = 0.0
    for a, actor in d["actors"].items():
        own = (instruments or {}).get(a) or actor["policy"].get("params", {}).get("instruments")
        actor["policy"] = {
            "name": "best_response",
            "params": {
                "instruments": own or list(actor["instruments"]),
                "rationality": RATIONAL,
                "horizon_days": actor["policy"].get("params", {}).get("horizon_days", 90.0),
                "talks": False,
                "concede_at_resolve": False,
            },
        }
    return d


def baseline_raw() -> dict:
    with open(BASELINE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def synthetic_raw() -> dict:
    """Revenue (an equality) and security (an interval) calibrated, with uncertain parameters."""
    d = calib_world(
        motives={"revenue": "calibrate", "security": [{"chokepoint": "chips", "weight": "calibrate", "exponent": 0.5}]},
        instruments=["tariff", "controls"],
    )
    d["trade_links"]["cn_us"]["elasticity"] = {"dist": "uniform", "low": 2.0, "high": 3.0}
    d["chokepoints"]["chips"]["value_at_risk_bn_per_day"] = {"dist": "uniform", "low": 1.0, "high": 3.0}
    d["actors"]["US"]["motives"]["security"][0]["exponent"] = {"dist": "uniform", "low": 0.3, "high": 0.7}
    d["calibration"]["reference"] = {"US.tariff": 0.0, "US.controls": 1, "US.approval": 0.4}
    return d


def moves_of(events, refs: set[str]) -> list:
    return [e for e in events if f"{e.actor}.{e.instrument}" in refs and e.old != e.new]


# ---------------------------------------------------------------- the fixed point
@pytest.mark.parametrize("raw", [baseline_raw, synthetic_raw], ids=["baseline", "synthetic"])
def test_runs_started_at_the_reference_keep_every_calibrated_instrument(raw):
    """MODEL §3: re-optimising at the reference state returns the reference levels. Every run recalibrates
    for its sampled parameters and draws its interval weights; best responses of rationality 1e6 over the
    same horizon then never move an instrument that identifies a weight (events log and peaks)."""
    sc = scenario_from_dict(at_reference(raw()))
    refs = {r for instruments in calibrate(sc, central_params(sc)).instruments.values() for r in instruments}
    assert refs
    for run in range(6):
        res = run_replication(sc, 3, run, record_series=False)
        assert moves_of(res.events, refs) == []
        assert all(res.summary[f"peak_{r}"] == sc.instrument(r).initial for r in refs)


def test_runs_at_the_reference_move_when_a_weight_is_off():
    """The control: the same runs with the US revenue weight halved step the US tariff down."""
    sc = scenario_from_dict(at_reference(baseline_raw()))
    ss = np.random.SeedSequence(3, spawn_key=(0,))
    s_params, *seeds = ss.spawn(4)
    params = sample_params(sc, np.random.default_rng(s_params))
    weights = calibrate(sc, params).point()
    weights["US.revenue"] *= 0.5
    res = Engine(sc, params, seeds, 0, False, weights).run()
    moved = moves_of(res.events, {"US.tariff_on_cn"})
    assert moved and moved[0].new < moved[0].old


def payoffs(world, sc, actor: str, ref: str) -> tuple[float, list[tuple[float, float]]]:
    """The actor's projected payoff (levels) holding, and after each one-step move of ``ref`` in bounds."""
    spec = sc.instrument(ref)
    x = world.values[ref]
    opts = [v for v in (x - spec.step, x + spec.step) if spec.min <= v <= spec.max]
    loss = Projector(world).project_options(policy_horizon(sc, actor), [(ref, v) for v in opts], (), actor)
    return -float(loss[0]), [(v, -float(l)) for v, l in zip(opts, loss[1:])]


@pytest.mark.parametrize("draw", ["low", "mid", "high"])
def test_the_reference_beats_every_step_at_the_solved_weights(draw):
    """V(x*) ≥ V(x* ± step) for every instrument that restricts a weight (the revealed choices), on the
    baseline at its central parameters and at 3 sampled parameter sets, with interval weights at either end
    or the middle (at an end the inequality is tight: 1e-12 relative of the payoff, 1e-9 $bn absolute)."""
    sc = scenario_from_dict(baseline_raw())
    rng = np.random.default_rng(5)
    for params in [central_params(sc), *(sample_params(sc, rng) for _ in range(3))]:
        cal = calibrate(sc, params)
        pick = {"low": 0, "mid": None, "high": 1}[draw]
        weights = {k: (0.5 * (lo + hi) if pick is None else (lo, hi)[pick]) for k, (lo, hi) in cal.intervals.items()}
        world = reference_world(sc, params)
        world.set_motive_weights(weights)
        for a in sc.actors:
            for n in policy_instruments(sc, a):
                hold, steps = payoffs(world, sc, a, f"{a}.{n}")
                for _v, value in steps:
                    assert hold >= value - 1e-12 * abs(hold) - 1e-9


def test_a_security_weight_below_its_interval_makes_the_lower_tier_pay():
    """The control of the test above: just below the lower end of the chip-security interval, stepping the
    chip controls down beats the reference tier."""
    sc = scenario_from_dict(baseline_raw())
    params = central_params(sc)
    cal = calibrate(sc, params)
    lo, _hi = cal.intervals["US.security.advanced_chips"]
    world = reference_world(sc, params)
    world.set_motive_weights({**cal.point(), "US.security.advanced_chips": lo * (1 - 1e-3)})
    hold, steps = payoffs(world, sc, "US", "US.chip_controls")
    below = dict(steps)[world.values["US.chip_controls"] - 1]
    assert below > hold


# ----------------------------------------------------------------------- errors
def two_tariffs(max1: float, min2: float, base2: float) -> dict:
    """Two US tariffs on two links from China (base tariffs 0.5 and ``base2``), both at their reference 0,
    revenue calibrated."""
    d = calib_world(tau0=0.5, eps=2.0, instruments=["tariff", "tariff2"])
    ins = d["actors"]["US"]["instruments"]
    ins["tariff"].update({"min": -0.5, "max": max1})
    ins["tariff2"] = {"initial": 0.0, "min": min2, "max": 1.0, "step": 0.1}
    link = copy.deepcopy(d["trade_links"]["cn_us"])
    d["trade_links"]["cn_us2"] = {**link, "tariff": "US.tariff2", "base_tariff": base2}
    return d


def error_of(d: dict) -> str:
    """The calibration error of a scenario: refused at load with its key, and the same message from the solver."""
    with pytest.raises(ScenarioError) as load:
        scenario_from_dict(d)
    located = str(load.value)
    assert "calibration fails at the parameters' medians" in located and "motives" in located
    sc = Scenario.model_validate(d)  # the same scenario without the load-time checks
    sc._uncertain = collect_uncertain(sc)
    with pytest.raises(CalibrationError) as exc:
        calibrate(sc, central_params(sc))
    assert str(exc.value) in located
    return str(exc.value)


def test_empty_interval_names_the_weight_and_both_instruments():
    """τ0 = 0.5 held at its upper bound needs ρ_R large; a zero tariff held at its lower bound needs ρ_R
    near 1 (ω = 0, ε = 2): no ρ_R satisfies both."""
    msg = error_of(two_tariffs(max1=0.0, min2=0.0, base2=0.0))
    assert "US.revenue" in msg and "empty interval" in msg
    assert "US.tariff" in msg and "US.tariff2" in msg


def test_two_interior_tariffs_asking_different_weights_are_named():
    """Interior tariffs of 0.5 and 0.1 pin ρ_R = 1/(1 − sε) at two different s."""
    msg = error_of(two_tariffs(max1=1.0, min2=-0.1, base2=0.1))
    assert "US.revenue" in msg and "US.tariff and US.tariff2" in msg and "different weights" in msg
    assert f"(3 and {1 / (1 - 2 * 0.1 / 1.1):.6g})" in msg  # ρ_R = 1/(1 − sε), ε = 2, s = 1/3 and 1/11


def test_unidentified_weight_names_the_restricting_instruments():
    """A protection weight on the link when only the control tier reveals a choice."""
    motives = {
        "revenue": 1.0,
        "protection": [{"link": "cn_us", "weight": "calibrate", "domestic_ratio": 0.5}],
    }
    msg = error_of(calib_world(motives=motives, instruments=["controls"]))
    assert "US.protection.cn_us" in msg and "US.controls" in msg and "declared 'calibrate'" in msg


def test_weight_bounded_only_from_below_is_unidentified():
    """The top tier at the reference: only the tier below restricts the security weight."""
    motives = {"revenue": 1.0, "security": [{"chokepoint": "chips", "weight": "calibrate"}]}
    msg = error_of(calib_world(motives=motives, instruments=["controls"], tier=len(TIERS) - 1))
    assert "US.security.chips" in msg and "US.controls" in msg and "only bound it from below" in msg


def test_jointly_identified_weights_are_named():
    motives = {
        "revenue": "calibrate",
        "protection": [{"link": "cn_us", "weight": "calibrate", "domestic_ratio": 0.5}],
    }
    msg = error_of(calib_world(motives=motives))
    assert "US.revenue" in msg and "US.protection.cn_us" in msg and "US.tariff" in msg and "jointly" in msg


def test_a_negative_point_weight_is_an_error():
    """ω = 0, ε = 4, τ = 1: s·ε = 2 > 1, the condition needs ρ_R = 1/(1 − sε) = −1."""
    msg = error_of(calib_world(eps=4.0, tau0=1.0))
    assert "US.revenue" in msg and "US.tariff" in msg and "negative weight -1" in msg


def test_unknown_revealed_instruments_are_named():
    with pytest.raises(ScenarioError) as load:  # refused at its key when the scenario is loaded
        scenario_from_dict(calib_world(instruments=["tariff", "tarif"]))
    assert "calibration.instruments.US.1" in str(load.value) and "no instrument 'tarif'" in str(load.value)
    sc = Scenario.model_validate(calib_world(instruments=["tariff", "tarif"]))
    sc._uncertain = collect_uncertain(sc)
    with pytest.raises(CalibrationError) as exc:  # and by the solver, for a scenario built without checks
        calibrate(sc, central_params(sc))
    assert "calibration.instruments.US" in str(exc.value) and "'tarif'" in str(exc.value)


# ------------------------------------------------------------------------ flags
def test_a_bound_beating_the_interior_reference_is_flagged():
    """Protection with constant-elasticity demand (ε = 2, κ = 1, z0 = 1, τ0 = 0.1): the calibrated
    θ = ε·s/z0 makes the reference a local maximum, but the upper bound 3 is worth more. The flag's gain is
    the projection of the objective's difference, pv(0, H)·(W(τ0 + 3) − W(τ0)) with
    W = ΔCS + ΔR + θ·ΔPS_d (tariff_objective), to 1e-6 relative."""
    motives = {"revenue": 1.0, "protection": [{"link": "cn_us", "weight": "calibrate", "domestic_ratio": 1.0}]}
    cal = calibrate(scenario_from_dict(calib_world(eps=2.0, tau0=0.1, motives=motives)), {})
    theta = cal.point()["US.protection.cn_us"]
    assert theta == pytest.approx(2.0 * (0.1 / 1.1), rel=1e-6)
    [flag] = cal.flags
    assert (flag.instrument, flag.kind, flag.reference, flag.best) == ("US.tariff", "bound_wins", 0.0, 3.0)
    terms = LinkTerms(v0=1.0, tau0=0.1, elasticity=2.0, omega=0.0)
    rho = 0.05 / 365.0
    pv = (1.0 - math.exp(-rho * 90.0)) / rho
    gain = pv * (tariff_objective(terms, 3.1, theta, 1.0, 1.0) - tariff_objective(terms, 0.1, theta, 1.0, 1.0))
    assert flag.gain_bn == pytest.approx(gain, rel=1e-6)
    # with the tariff's range ending before the objective rises again, no flag
    d = calib_world(eps=2.0, tau0=0.1, motives=motives)
    d["actors"]["US"]["instruments"]["tariff"]["max"] = 1.0
    assert calibrate(scenario_from_dict(d), {}).flags == []


def test_a_failed_restriction_no_weight_bears_on_is_flagged():
    """An approval share among the revealed choices with no motive on it: approving 0.1 more saves the
    withheld sales pv(0, H)·R·s·ℓ·0.1 whatever the weights (R per day of demand, s·ℓ licensed)."""
    cal = calibrate(scenario_from_dict(calib_world(instruments=["tariff", "approval"])), {})
    [flag] = cal.flags
    assert (flag.instrument, flag.kind, flag.reference, flag.best) == ("US.approval", "unrationalised", 0.4, 0.5)
    rho = 0.05 / 365.0
    pv = (1.0 - math.exp(-rho * 90.0)) / rho
    saved = pv * (REVENUE_BN / 365.0 / SHARE) * SHARE * TIERS[1] * 0.1
    assert flag.gain_bn == pytest.approx(saved, rel=1e-9)


# ------------------------------------------------------------- per-run weights
def secant(y0: float, y1: float, beta: float, var: float) -> float:
    return (REVENUE_BN / 365.0 / SHARE) * (y1 - y0) / (var * (y1**beta - y0**beta))


def test_each_run_recalibrates_for_its_parameters():
    """Each run's weights satisfy its own conditions: ρ_R = 1/(1 − sε) (ω = 0, s = τ0/(1+τ0)) with the run's
    ε, to 1e-6; the security weight is drawn uniformly in the run's tier interval, with the first uniform of
    the parameter stream after the parameters (to 1e-9). Same seed, same weights; the weights are summary
    columns ``weight_<key>``."""
    sc = scenario_from_dict(synthetic_raw())
    assert [c for c in summary_columns(sc) if c.startswith("weight_")] == [
        "weight_US.revenue",
        "weight_US.security.chips",
    ]
    rows = [run_replication(sc, 11, run, record_series=False).summary for run in range(4)]
    s = 0.2 / 1.2
    for run, row in enumerate(rows):
        assert list(row) == summary_columns(sc)
        eps = row["trade_links.cn_us.elasticity"]
        assert row["weight_US.revenue"] == pytest.approx(1.0 / (1.0 - s * eps), rel=1e-6)
        beta = row["actors.US.motives.security.0.exponent"]
        var = row["chokepoints.chips.value_at_risk_bn_per_day"]
        y = [SHARE * TIERS[k] * 0.6 for k in (0, 1, 2)]
        lo, hi = secant(y[0], y[1], beta, var), secant(y[1], y[2], beta, var)
        rng = np.random.default_rng(np.random.SeedSequence(11, spawn_key=(run,)).spawn(4)[0])
        sample_params(sc, rng)
        u = rng.random()
        assert row["weight_US.security.chips"] == pytest.approx(lo + (hi - lo) * u, rel=1e-9)
        assert lo < row["weight_US.security.chips"] < hi
    assert len({row["weight_US.revenue"] for row in rows}) == len(rows)
    assert len({row["weight_US.security.chips"] for row in rows}) == len(rows)
    again = run_replication(sc, 11, 2, record_series=False).summary
    assert again["weight_US.revenue"] == rows[2]["weight_US.revenue"]
    assert again["weight_US.security.chips"] == rows[2]["weight_US.security.chips"]


def test_the_per_run_path_solves_the_same_weights():
    """``flags=False`` (what runs use) skips the flags and the restrictions no weight bears on; the
    intervals are identical, on the baseline at 5 sampled parameter sets."""
    sc = scenario_from_dict(baseline_raw())
    rng = np.random.default_rng(9)
    for _ in range(5):
        params = sample_params(sc, rng)
        assert calibrate(sc, params, flags=False).intervals == calibrate(sc, params).intervals


def test_central_parameters_are_medians():
    """uniform: the midpoint; lognormal: its median; triangular: the root of F = 1/2; choice: the middle
    value (not its rank)."""
    d = synthetic_raw()
    d["chokepoints"]["chips"]["initial_stock_days"] = {"dist": "lognormal", "median": 40.0, "sigma": 0.5}
    d["chokepoints"]["chips"]["supplier_share"] = {"dist": "triangular", "low": 0.5, "mode": 0.9, "high": 1.0}
    d["trade_links"]["cn_us"]["margin"] = {"dist": "choice", "values": [0.9, 0.1, 0.5]}
    p = central_params(scenario_from_dict(d))
    assert p["trade_links.cn_us.elasticity"] == pytest.approx(2.5, rel=1e-12)
    assert p["chokepoints.chips.initial_stock_days"] == pytest.approx(40.0, rel=1e-12)
    # F(m) = (m − a)²/((b − a)(c − a)) = 1/2 on the left of the mode
    assert p["chokepoints.chips.supplier_share"] == pytest.approx(0.5 + math.sqrt(0.5 * 0.5 * 0.4), rel=1e-9)
    assert p["trade_links.cn_us.margin"] == 0.5


def test_no_calibrated_weights_no_work():
    sc = scenario_from_dict(calib_world(motives={"revenue": 1.0}))
    assert calibrated_keys(sc) == []
    assert calibrate(sc, {}).intervals == {}
    assert [c for c in summary_columns(sc) if c.startswith("weight_")] == []
