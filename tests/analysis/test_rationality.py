"""Individual rationality of deals: the refused counterfactual, Δ against the same seed, the
statistics' formulas, worker-count invariance, and ``tradesim rationality``."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.rationality import QUANTILES, actor_stats, individual_rationality
from sim.cli.main import main
from sim.engine.compile import load_scenario
from sim.engine.core import run_replication
from sim.engine.events import EventKind

BASELINE = "scenarios/baseline_oct2025.yaml"
SEED = 20251009
RUNS = 8


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


@pytest.fixture(scope="module")
def serial(baseline):
    return individual_rationality(baseline, RUNS, SEED, workers=1)


def test_the_check_has_deal_runs_to_judge(serial, baseline):
    # without deal runs every other test here would hold vacuously
    assert serial.deal_runs >= RUNS // 2
    for a in baseline.actors:
        assert serial.actors[a].deal_runs == serial.deal_runs


def test_runs_without_a_deal_are_left_out(serial, baseline):
    for run in range(RUNS):
        day = run_replication(baseline, SEED, run, record_series=False).summary["deal_day"]
        assert (run in set(serial.per_run["run"])) == (not math.isnan(day))


def test_the_counterfactual_removes_the_first_deal(serial, baseline):
    for row in serial.per_run.itertuples():
        refused = run_replication(baseline, SEED, row.run, record_series=False, refuse_first_deal=True)
        cf_day = refused.summary["deal_day"]
        assert math.isnan(cf_day) or cf_day > row.deal_day
        assert cf_day == row.refused_deal_day or (math.isnan(cf_day) and math.isnan(row.refused_deal_day))
        # the talks that agreed in the original run are logged as refused, at the same date
        notes = [e for e in refused.events if e.kind == EventKind.NO_DEAL and "refused" in e.note]
        assert [e.t for e in notes] == [row.deal_day]


def test_the_paths_agree_before_the_deal_date(serial, baseline):
    row = serial.per_run.iloc[0]
    run = int(row["run"])
    with_deal = run_replication(baseline, SEED, run, record_series=True)
    refused = run_replication(baseline, SEED, run, record_series=True, refuse_first_deal=True)
    before = [s for s in with_deal.series if s[0] < row["deal_day"]]
    assert len(before) > 1
    assert before == refused.series[: len(before)]
    assert with_deal.events != refused.events  # and they part at it


def test_delta_is_against_the_same_seed(serial, baseline):
    for row in serial.per_run.itertuples():
        deal = run_replication(baseline, SEED, row.run, record_series=False).summary
        refused = run_replication(baseline, SEED, row.run, record_series=False, refuse_first_deal=True).summary
        for a in baseline.actors:
            assert getattr(row, f"delta_{a}") == deal[f"payoff_{a}"] - refused[f"payoff_{a}"]
    again = individual_rationality(baseline, RUNS, SEED, workers=1)
    pd.testing.assert_frame_equal(again.per_run, serial.per_run, check_exact=True)
    other = individual_rationality(baseline, RUNS, SEED + 1, workers=1)
    assert not other.per_run.equals(serial.per_run)  # a different seed is a different sample


def test_worker_count_does_not_change_the_results(serial, baseline):
    parallel = individual_rationality(baseline, RUNS, SEED, workers=2)
    pd.testing.assert_frame_equal(parallel.per_run, serial.per_run, check_exact=True)
    assert parallel.actors == serial.actors


def test_the_statistics_follow_their_formulas(serial, baseline):
    for a in baseline.actors:
        d = serial.per_run[f"delta_{a}"].to_numpy()
        n = len(d)
        s = serial.actors[a]
        mean = sum(d) / n
        sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1))
        p = sum(x < 0 for x in d) / n
        assert s.mean == pytest.approx(mean, rel=1e-12)
        assert s.se == pytest.approx(sd / math.sqrt(n), rel=1e-12)
        assert s.violations == pytest.approx(p, abs=1e-15)
        assert s.violations_se == pytest.approx(math.sqrt(p * (1 - p) / n), abs=1e-15)
        assert s.quantiles[0] <= s.quantiles[1] <= s.quantiles[2]
        assert min(d) <= s.quantiles[0] and s.quantiles[2] <= max(d)


def test_actor_stats_on_a_known_sample():
    # ten values -2..7: mean 2.5, sample variance Σ(x-2.5)²/9 = 82.5/9; 2 of 10 below zero (0 is no violation);
    # linear quantiles at positions q·9: 0.45 → -1.55, 4.5 → 2.5, 8.55 → 6.55
    s = actor_stats("US", np.arange(-2.0, 8.0))
    assert QUANTILES == (0.05, 0.50, 0.95)
    assert s.deal_runs == 10
    assert s.mean == pytest.approx(2.5, abs=1e-12)
    assert s.se == pytest.approx(math.sqrt(82.5 / 9) / math.sqrt(10), rel=1e-12)
    assert s.violations == pytest.approx(0.2, abs=1e-12)
    assert s.violations_se == pytest.approx(math.sqrt(0.2 * 0.8 / 10), rel=1e-12)
    assert s.quantiles == pytest.approx((-1.55, 2.5, 6.55), abs=1e-12)


def test_actor_stats_without_deal_runs_is_all_nan():
    s = actor_stats("CN", np.array([]))
    assert s.deal_runs == 0
    assert all(math.isnan(x) for x in (s.mean, s.se, s.violations, s.violations_se, *s.quantiles))


# ---------------------------------------------------------------------- the command
def test_the_command_prints_and_writes_the_table(tmp_path, capsys, serial):
    code = main(["rationality", BASELINE, "--runs", str(RUNS), "--workers", "1", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    path = tmp_path / serial.scenario / "rationality.csv"
    assert f"rationality: {path}" in out
    assert f"{serial.deal_runs} reached a deal" in out
    assert "US" in out and "CN" in out
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["actor"] for r in rows] == list(serial.actors)
    for r in rows:
        s = serial.actors[r["actor"]]
        assert int(r["runs"]) == RUNS and int(r["seed"]) == SEED
        assert int(r["deal_runs"]) == s.deal_runs
        assert float(r["mean_delta_bn"]) == pytest.approx(s.mean, rel=1e-9)
        assert float(r["violation_share"]) == pytest.approx(s.violations, abs=1e-12)
        assert float(r["q95_delta_bn"]) == pytest.approx(s.quantiles[2], rel=1e-9)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["missing.yaml"], "missing.yaml"),
        ([BASELINE, "--runs", "0"], "--runs"),
        ([BASELINE, "--workers", "0"], "--workers"),
        ([BASELINE, "--set", "no.such.key=1"], "no.such.key"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(tmp_path, capsys, argv, message):
    assert exit_code(["rationality", *argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not any(tmp_path.iterdir())  # nothing was written


def exit_code(argv: list[str]) -> int:
    """``main``'s return value, or the code argparse exits with."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code)
