"""Chokepoint equations against their closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.chokepoints import (
    chokepoint_inflows,
    chokepoint_inflows_rows,
    licensed_share,
    shortage_cost_rows,
    shortage_severity,
    stock_path,
    stock_step,
)

SHARES = (0.1, 0.5, 0.9)


@pytest.mark.parametrize("tier,share", [(0, 0.1), (1, 0.5), (2, 0.9), (1.4, 0.5), (7, 0.9), (-1, 0.1), (-0.4, 0.1)])
def test_licensed_share_clips_the_tier_to_the_listed_ones(tier, share):
    assert licensed_share(SHARES, tier) == share
    assert licensed_share(SHARES, np.array([tier, tier]))[0] == share


def test_inflows_split_demand_into_unlicensed_and_licensed():
    un, lic = chokepoint_inflows(0.8, 0.5, 0.25, 1.0, 0.1)
    # s_eff = 0.7: 0.35 unlicensed, 0.35 licensed; other 0.2: 0.05 licensed (extraterritorial), 0.15 not
    assert (un, lic) == (pytest.approx(0.35 + 0.15 + 0.1), pytest.approx(0.35 + 0.05))


def test_stock_step_drains_then_counts_shortage():
    assert stock_step(10.0, 0.6, 5.0) == pytest.approx((8.0, 0.0, 0.0))
    assert stock_step(0.0, 0.6, 5.0) == pytest.approx((0.0, 5.0, 2.0))
    assert stock_step(0.0, 1.5, 4.0) == pytest.approx((2.0, 0.0, 0.0))
    assert shortage_severity(0.0, 0.6, 2.0) == pytest.approx(0.16)
    assert shortage_severity(1.0, 0.6, 2.0) == 0.0


def test_inflow_split_of_arrays_is_the_scalar_split_entry_by_entry():
    rng = np.random.default_rng(3)
    x = rng.uniform(0.0, 1.0, size=(6, 1))  # one alternative share per segment (above s too)
    lic = rng.uniform(0.0, 1.0, size=(6, 4))
    et = (rng.uniform(size=(6, 4)) < 0.5).astype(float)
    un, li = chokepoint_inflows_rows(0.7, lic, 0.3, et, x)
    for k in range(6):
        for j in range(4):
            want = chokepoint_inflows(0.7, float(lic[k, j]), 0.3, float(et[k, j]), float(x[k, 0]))
            assert (un[k, j], li[k, j]) == (pytest.approx(want[0], rel=1e-15), pytest.approx(want[1], rel=1e-15))


def test_shortage_cost_of_many_paths_from_the_stockout_day():
    """Stock 10 days, inflow 0.5 for 40 days then 1.5 for 10, then 0.8 for 30: short from day 20 to 40 at
    σ = 0.5; refilled to 5 days by day 50, which last 25 of the last 30 days at σ = 0.2."""
    inflow = np.array([[0.5, 1.0], [1.5, 1.0], [0.8, 1.0]])
    starts, durations = np.array([0.0, 40.0, 50.0]), np.array([40.0, 10.0, 30.0])
    got = shortage_cost_rows(10.0, starts, durations, inflow, 0.0, 2.0)
    assert got[0] == pytest.approx(0.25 * 20.0 + 0.04 * 5.0, rel=1e-14)
    assert got[1] == 0.0  # inflow at demand: the stock never falls
    rho = 0.001
    disc = shortage_cost_rows(10.0, starts, durations, inflow, rho, 2.0)[0]
    want = 0.25 * (np.exp(-rho * 20) - np.exp(-rho * 40)) / rho + 0.04 * (np.exp(-rho * 75) - np.exp(-rho * 80)) / rho
    assert disc == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("seed", range(40))
def test_shortage_cost_of_many_paths_is_stock_path_path_by_path(seed):
    """The reflected walk in closed form equals the segment-by-segment stock path (rel 1e-12)."""
    rng = np.random.default_rng(seed)
    n, rows = int(rng.integers(1, 30)), 5
    durations = rng.choice([0.0, 0.5, 3.0, 17.0, 40.0], size=n) * rng.uniform(0.5, 1.5, size=n)
    starts = 100.0 + np.concatenate([[0.0], np.cumsum(durations)[:-1]])
    inflow = rng.uniform(0.2, 1.4, size=(n, rows))
    inflow[rng.uniform(size=(n, rows)) < 0.2] = 1.0  # at demand exactly
    stock0 = float(rng.choice([0.0, 5.0, 30.0]))
    rho, gamma = float(rng.choice([0.0, 0.05 / 365.0])), float(rng.uniform(1.0, 3.0))
    got = shortage_cost_rows(stock0, starts, durations, inflow, rho, gamma)
    for j in range(rows):
        segs = [(float(d), float(f)) for d, f in zip(durations, inflow[:, j])]
        want = stock_path(stock0, segs, 1.0, rho, 100.0, gamma)["cost"]
        assert got[j] == pytest.approx(want, rel=1e-12, abs=1e-13)
