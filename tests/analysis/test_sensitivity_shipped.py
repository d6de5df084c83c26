"""Sensitivity of the shipped LHS sweep (sweeps/threat_and_stocks.yaml), run for real, and its dummy.

The sweep carries a dummy parameter, ``meta.series_every_days``, which cannot move any
output (first test). Its index is the design's noise floor: on this model and design,
P(deal by day 60) does not separate the threat's size or the magnet stock from it
(docs/sweeps.md, "Sensitivity": binned P(deal by 60) is flat, 86–87% over quintiles of
either, on 5,120 runs), so what is asserted here is what the method must get right
whatever the model says: every index inside its interval, the default estimator of an
LHS sample, the small-sample and atom warnings, and the dummy below PAWN's noise floor.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sim.analysis.sensitivity import sensitivity
from sim.cli.main import main
from sim.experiments.api import run

from ..conftest import ROOT

SWEEP = ROOT / "sweeps" / "threat_and_stocks.yaml"
DUMMY = "meta.series_every_days"


def test_the_dummy_moves_no_output():
    """Runs with the series grid every 3.5 or every 10.5 days, same seeds: the same summaries."""
    base = ROOT / "scenarios" / "baseline_oct2025.yaml"
    a, b = (
        run(base, runs=4, seed=11, workers=1, out=None, record_series=True, overrides=[f"{DUMMY}={v}"]).summary
        for v in (3.5, 10.5)
    )
    pd.testing.assert_frame_equal(a, b)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    assert main(["sweep", str(SWEEP), "--workers", "2", "--out", str(out), "--quiet", "--no-report"]) == 0
    (folder,) = (out / "threat_and_stocks").iterdir()
    return folder


@pytest.mark.slow
def test_shipped_sweep_delta_with_intervals_and_warnings(shipped):
    table, _ = sensitivity(shipped, ["deal_by_60"])
    assert set(table["method"]) == {"delta"}  # an LHS sample: delta by default
    assert sorted(table["parameter"]) == sorted(
        ["calendar.2.add", "chokepoints.rare_earth_magnets.initial_stock_days", "actors.US.resolve_bn", DUMMY]
    )
    for idx in ("delta", "S1"):
        assert (table[f"{idx}_low"] <= table[idx]).all() and (table[idx] <= table[f"{idx}_high"]).all()
    warning = table["warning"].iloc[0]
    assert "64 design points for 4 parameters, fewer than 50 per parameter" in warning
    assert "of the points have the same output (1)" in warning  # P(deal by 60) is 1 at many points


@pytest.mark.slow
def test_shipped_sweep_dummy_sits_below_pawns_noise_floor(shipped):
    table, _ = sensitivity(shipped, ["deal_by_60"], method="pawn")
    t = table.set_index("parameter")
    assert t.loc[DUMMY, "pawn"] < t.loc[DUMMY, "null_high"]
    assert (t["pawn_low"] <= t["pawn"]).all() and (t["pawn"] <= t["pawn_high"]).all()
