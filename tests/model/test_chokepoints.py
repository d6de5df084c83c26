"""Chokepoint equations against their closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.chokepoints import chokepoint_inflows, licensed_share, shortage_severity, stock_step

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
