"""Sensitivity on any design: censored outputs of the deal day, the given-data estimators
(delta, PAWN, RBD-FAST) on a model with a known answer, intervals and small-sample warnings."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis.sensitivity import output_per_point, sensitivity
from sim.analysis.sensitivity_any import given_data
from sim.cli.main import main
from sim.errors import UsageError

HORIZON = 100.0
SUMMARY = pd.DataFrame(
    {
        "point": [0, 0, 0, 1, 1],
        "outcome": ["deal", "deal", "stalemate", "deal", "escalation"],
        "deal_day": [10.0, 70.0, np.nan, 60.0, np.nan],
    }
)


def test_deal_by_day_counts_runs_without_a_deal_as_no():
    by60 = output_per_point(SUMMARY, "deal_by_60", HORIZON)
    assert by60.tolist() == [1 / 3, 1 / 2]  # a deal on day 60 is a deal by day 60
    assert output_per_point(SUMMARY, "deal_by_5", HORIZON).tolist() == [0.0, 0.0]


def test_restricted_mean_deal_day_up_to_a_given_day():
    rmst = output_per_point(SUMMARY, "rmst_deal_50", HORIZON)
    assert rmst.tolist() == [(10 + 50 + 50) / 3, (50 + 50) / 2]
    # up to the horizon it is the censored deal day itself
    assert output_per_point(SUMMARY, "rmst_deal_100", HORIZON).equals(output_per_point(SUMMARY, "deal_day", HORIZON))


@pytest.mark.parametrize("name", ["deal_by_101", "rmst_deal_0", "deal_by_0"])
def test_days_outside_the_horizon_are_refused(name):
    with pytest.raises(UsageError, match=f"'{name}'.*at most the horizon"):
        output_per_point(SUMMARY, name, HORIZON)


def test_a_swept_horizon_bounds_the_day_by_its_shortest_run():
    horizon = pd.Series([100.0, 100.0, 100.0, 50.0, 50.0])
    assert output_per_point(SUMMARY, "deal_by_50", horizon).tolist() == [1 / 3, 0.0]
    with pytest.raises(UsageError, match="50 days"):
        output_per_point(SUMMARY, "deal_by_60", horizon)


@pytest.fixture(scope="module")
def linear():
    """y = 3 a + b + noise on a Latin hypercube; c and d do nothing."""
    from scipy.stats import qmc

    x = qmc.LatinHypercube(d=4, seed=1).random(300)
    y = 3 * x[:, 0] + x[:, 1] + 0.3 * np.random.default_rng(2).standard_normal(300)
    return x, y


@pytest.fixture(scope="module")
def delta_table(linear):
    return given_data("delta", ["a", "b", "c", "d"], *linear, seed=1).set_index("parameter")


def test_delta_ranks_the_strong_parameter_first_and_two_dummies_agree(delta_table):
    t = delta_table
    assert (t["delta_low"] <= t["delta"]).all() and (t["delta"] <= t["delta_high"]).all()
    assert t.loc["a", "delta_low"] > t.loc[["b", "c", "d"], "delta_high"].max()
    # the given-data delta of a parameter without effect is not 0 on 300 points (smoothing bias):
    # two such parameters get the same value within their intervals: a dummy is the noise floor
    assert abs(t.loc["c", "delta"] - t.loc["d", "delta"]) < t.loc["c", "delta_conf"] + t.loc["d", "delta_conf"]
    assert t.loc["c", "delta"] > 0


def test_delta_of_two_seeds_agree_within_their_intervals(linear, delta_table):
    """The value is computed on the whole sample: only the bootstrap, hence the interval, depends on the seed."""
    one, two = delta_table, given_data("delta", ["a", "b", "c", "d"], *linear, seed=7).set_index("parameter")
    assert ((one["delta"] - two["delta"]).abs() < one["delta_conf"]).all()
    assert ((one["S1"] - two["S1"]).abs() < one["S1_conf"]).all()


def test_rbd_fast_intervals_include_0_for_a_parameter_without_effect(linear):
    t = given_data("rbd_fast", ["a", "b", "c", "d"], *linear, seed=1).set_index("parameter")
    assert t.loc["a", "S1_low"] > t.loc["b", "S1_high"]
    assert t.loc["a", "S1"] == pytest.approx(9 / (9 + 1 + 12 * 0.09), abs=0.1)  # Var(3a) / Var(y)
    for p in ("c", "d"):
        assert t.loc[p, "S1_low"] <= 0 <= t.loc[p, "S1_high"]


def test_pawn_separates_effects_from_its_permutation_noise_floor(linear):
    t = given_data("pawn", ["a", "b", "c", "d"], *linear, seed=1).set_index("parameter")
    assert (t["pawn_low"] <= t["pawn"]).all() and (t["pawn"] <= t["pawn_high"]).all()
    assert t.loc["a", "pawn_low"] > t.loc["a", "null_high"]
    assert t.loc["a", "pawn"] > t.loc["b", "pawn"]
    for p in ("c", "d"):
        assert t.loc[p, "pawn"] < t.loc[p, "null_high"]


def lhs_folder(tmp_path, points=40, replications=4):
    """A stored LHS sweep: a high ``a.x`` brings the deal later; ``a.y`` does nothing."""
    rng = np.random.default_rng(3)
    spec = {
        "name": "l",
        "scenario": "x.yaml",
        "design": "lhs",
        "points": points,
        "seed": 1,
        "replications": replications,
        "outputs": ["deal_by_50"],
        "parameters": [{"path": "a.x", "low": 0.0, "high": 1.0}, {"path": "a.y", "low": 0.0, "high": 1.0}],
    }
    design = pd.DataFrame({"point": range(points), "a.x": rng.random(points), "a.y": rng.random(points)})
    rows = []
    for p, px, py in design.itertuples(index=False):
        for rep in range(replications):
            day = 20 + 60 * px + rng.normal(0, 5)
            rows.append(
                {
                    "run": len(rows),
                    "point": p,
                    "replication": rep,
                    "error": None,
                    "sweep.a.x": px,
                    "sweep.a.y": py,
                    "outcome": "deal" if day < HORIZON else "stalemate",
                    "deal_day": day if day < HORIZON else np.nan,
                }
            )
    tmp_path.mkdir(parents=True, exist_ok=True)
    design.to_parquet(tmp_path / "design.parquet")
    pd.DataFrame(rows).to_parquet(tmp_path / "summary.parquet")
    manifest = {"kind": "sweep", "sweep": spec, "status": "complete", "scenario": {"meta": {"horizon_days": HORIZON}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def test_an_lhs_sweep_gets_delta_by_default_with_intervals_and_a_small_sample_warning(tmp_path):
    table, path = sensitivity(lhs_folder(tmp_path / "l"), ["deal_day"])
    assert path.is_file() and set(table["method"]) == {"delta"}
    t = table.set_index("parameter")
    assert t.loc["a.x", "delta_low"] > t.loc["a.y", "delta_high"]
    # 40 points for 2 parameters: fewer than 50 per parameter
    assert table["warning"].str.contains("40 design points for 2 parameters").all()
    assert not table["warning"].str.contains("same output").any()


def test_delta_warns_on_an_output_with_an_atom(tmp_path):
    """P(deal by day 50) is 0 or 1 at most points here: delta's densities do not hold."""
    table, _ = sensitivity(lhs_folder(tmp_path / "l", points=120, replications=2))
    assert table["warning"].str.contains("of the points have the same output").all()
    assert table["warning"].str.contains("--method pawn or rbd_fast").all()


@pytest.mark.parametrize("method", ["pawn", "rbd_fast"])
def test_other_given_data_methods_on_the_same_sweep(tmp_path, method):
    table, _ = sensitivity(lhs_folder(tmp_path / "l", points=120, replications=2), method=method)
    main_index = {"pawn": "pawn", "rbd_fast": "S1"}[method]
    t = table.set_index("parameter")
    assert t.loc["a.x", f"{main_index}_low"] > t.loc["a.y", f"{main_index}_high"]
    assert (table["warning"] == "").all()  # 120 points for 2 parameters: not small


def test_sobol_on_an_lhs_sweep_is_refused_with_the_way_out(tmp_path):
    with pytest.raises(UsageError, match=r"saltelli.*--method delta"):
        sensitivity(lhs_folder(tmp_path / "l"), method="sobol")


def test_cli_prints_the_small_sample_note(tmp_path, capsys):
    assert main(["analyze", "sensitivity", str(lhs_folder(tmp_path / "l")), "--method", "pawn"]) == 0
    out = capsys.readouterr().out
    assert "note: deal_by_50: 40 design points for 2 parameters, fewer than 50 per parameter" in out


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("deal_by_500", "'deal_by_500': day 500 must be above 0 and at most the horizon (100 days)"),
        ("dael", "unknown output 'dael'"),
    ],
)
def test_cli_bad_output_is_one_line_and_exit_2(tmp_path, capsys, output, expected):
    assert main(["analyze", "sensitivity", str(lhs_folder(tmp_path / "l")), "--output", output]) == 2
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_rbd_fast_on_too_few_points_is_refused(tmp_path, capsys):
    assert main(["analyze", "sensitivity", str(lhs_folder(tmp_path / "l")), "--method", "rbd_fast"]) == 2
    assert "RBD-FAST needs more than 40 design points" in capsys.readouterr().err


def test_a_sweep_file_with_a_day_past_the_horizon_is_refused_at_its_line(tmp_path, capsys):
    from ..conftest import ROOT

    text = (ROOT / "sweeps" / "threat_and_stocks.yaml").read_text(encoding="utf-8")
    text = text.replace("scenario: ../scenarios/", f"scenario: {ROOT}/scenarios/")
    text = text.replace("outputs: [deal, deal_by_60,", "outputs: [deal, deal_by_400,")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "outputs.1" in err and "'deal_by_400': day 400 must be above 0 and at most the horizon (365 days)" in err


def test_delta_on_a_share_that_is_1_at_nearly_every_point_does_not_fail():
    """Resamples of a share that is 1 almost everywhere are often constant (SALib's density
    estimate fails on them); such a resample moves with nothing and counts as 0."""
    rng = np.random.default_rng(3)
    x = rng.random((16, 2))
    y = np.ones(16)
    y[[2, 9]] = 2 / 3  # two points of 16 below 1: many bootstrap resamples miss both
    t = given_data("delta", ["a", "b"], x, y, seed=1)
    assert np.isfinite(t[["delta", "delta_low", "delta_high", "S1"]].to_numpy()).all()
    assert (t["delta_low"] <= t["delta"]).all() and (t["delta"] <= t["delta_high"]).all()


def test_cli_an_output_without_any_value_is_one_line_and_exit_2(tmp_path, capsys):
    folder = lhs_folder(tmp_path / "l")
    summary = pd.read_parquet(folder / "summary.parquet")
    summary["capitulation_day"] = np.nan  # no run capitulated
    summary.to_parquet(folder / "summary.parquet")
    for method in ("delta", "pawn"):
        args = ["analyze", "sensitivity", str(folder), "--output", "capitulation_day", "--method", method]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert "output 'capitulation_day' has no value at any design point" in err and "Traceback" not in err


def test_the_small_sample_note_counts_the_points_used_and_says_parameter_once():
    from sim.analysis.sensitivity import small_sample

    assert small_sample("delta", 16, 1) == "16 design points for 1 parameter, fewer than 50 per parameter"
    assert small_sample("pawn", 30, 2).startswith("30 design points for 2 parameters")
    assert small_sample("delta", 100, 2) == ""  # 50 per parameter: enough
