"""The shipped baseline against what the strategic model promises (1,000 runs, the default seed).

Not a golden: each test states a property of the distribution of outcomes that could fail —
deals that vary with their causes rather than one package, summits that are chances rather
than deals, and deals that each side prefers to no deal in expectation — with the Monte
Carlo standard error in the margin (docs/model.md §6a, "Worked example").
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

import sim
from sim.analysis.rationality import individual_rationality
from sim.engine.compile import load_scenario
from sim.experiments.defaults import DEFAULT_SEED

BASELINE = "scenarios/baseline_oct2025.yaml"
RUNS = 1000

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def summary():
    return sim.run(BASELINE, runs=RUNS, seed=DEFAULT_SEED, workers=2, out=None, record_series=False).summary


def _packages(deals) -> list[tuple]:
    """Each deal's terms binned on the instruments' steps (values from signing; shares, duration, gains left out)."""
    cols = [c for c in deals.columns if c.startswith("deal_") and c[5:].count(".") == 1 and not c.endswith("_share")]
    cols = [c for c in cols if not c.startswith(("deal_transfer.", "deal_gain_"))]
    assert cols, "the baseline's deal space has instrument items"
    return [tuple(row) for row in deals[cols].round(9).itertuples(index=False)]


def test_no_single_package_holds_half_the_deals(summary):
    deals = summary[summary["outcome"] == "deal"]
    assert len(deals) > 200  # deals are common enough to say something about their terms
    packages = _packages(deals)
    _, counts = np.unique(np.array(packages, dtype=float), axis=0, return_counts=True)
    share = counts.max() / len(packages)
    se = math.sqrt(share * (1 - share) / len(packages))
    assert share + 2 * se < 0.5, f"the modal package holds {share:.1%} of {len(packages)} deals"


def _p_deal_within(summary, held: bool, days: float = 60.0) -> tuple[float, float, int]:
    """P(deal within ``days`` of the first summit | it was held or not), as the summary statistics' table."""
    sub = summary[summary["first_summit_held"] == held]
    hit = (sub["deal_day"] <= sub["first_summit_day"] + days).to_numpy()  # NaN (no deal) compares False
    p = float(hit.mean())
    return p, math.sqrt(p * (1 - p) / len(sub)), len(sub)


def test_a_held_summit_is_a_chance_to_agree_and_no_summit_is_not_no_deal(summary):
    p_held, se_held, n_held = _p_deal_within(summary, True)
    p_not, se_not, n_not = _p_deal_within(summary, False)
    assert n_held > 100 and n_not > 30
    assert p_held + 2 * se_held < 1.0, (p_held, se_held)  # a held summit may end without a deal
    assert p_not - 2 * se_not > 0.0, (p_not, se_not)  # deals come without the summit too
    assert p_held > p_not  # a held summit makes an early deal likelier


def test_deal_terms_vary_and_tiers_are_shared_over_time(summary):
    deals = summary[summary["outcome"] == "deal"]
    shares = deals[[c for c in deals.columns if c.endswith("_share")]].to_numpy()
    assert np.isfinite(shares).all()
    assert ((shares > 0) & (shares < 1)).any(axis=1).mean() > 0.05  # some deals hold a tier for part of the year
    gains = deals[["deal_gain_US", "deal_gain_CN"]].to_numpy()
    share_us = gains[:, 0] / gains.sum(axis=1)
    assert share_us.std() > 0.05  # the split of the surplus moves from run to run
    assert deals["deal_US.chip_controls"].nunique() > 1  # and so do the terms


def test_deals_are_individually_rational_in_expectation():
    """Each run with a deal, re-run with the same seed and its first agreement refused: on average
    neither side does better without the deal (mean Δ ≥ 0 within two standard errors)."""
    res = individual_rationality(load_scenario(BASELINE), runs=200, seed=DEFAULT_SEED, workers=2)
    for actor, r in res.actors.items():
        assert r.deal_runs > 50
        assert r.mean + 2 * r.se >= 0.0, (actor, r.mean, r.se)
        assert 0.0 <= r.violations < 0.5  # ex-post violations are reported, and rare


@functools.cache
def _paired(overrides_low: tuple[str, ...], overrides_high: tuple[str, ...], runs: int = 200):
    lo = sim.run(
        BASELINE, runs=runs, seed=DEFAULT_SEED, workers=2, out=None, record_series=False, overrides=overrides_low
    )
    hi = sim.run(
        BASELINE, runs=runs, seed=DEFAULT_SEED, workers=2, out=None, record_series=False, overrides=overrides_high
    )
    return lo.summary.set_index("run"), hi.summary.set_index("run")


def _us_share(s):
    return s["deal_gain_US"] / (s["deal_gain_US"] + s["deal_gain_CN"])


@pytest.mark.parametrize(
    ("path", "low", "high", "measure", "sign"),
    [
        # more magnet cover raises the US's no-deal value: the same deal is worth less to it over no deal
        ("chokepoints.rare_earth_magnets.initial_stock_days", "14", "56", "deal_gain_US", -1),
        # ... and the US ends better off (its cover is private: China's offers cannot condition on it)
        ("chokepoints.rare_earth_magnets.initial_stock_days", "14", "56", "payoff_US", +1),
        # a bigger threat lowers China's no-deal value: the US takes a larger share of the gains
        ("calendar.2.add", "0.5", "1.5", "us_share", +1),
        # a bigger threat costs China
        ("calendar.2.add", "0.5", "1.5", "payoff_CN", -1),
    ],
)
def test_deal_terms_move_with_their_causes(path, low, high, measure, sign):
    """Same seeds, one parameter changed: the first deal's split and each side's payoff move as theory says
    (paired over the runs that reach a deal in both, mean difference beyond two standard errors)."""
    lo, hi = _paired((f"{path}={low}",), (f"{path}={high}",))
    both = lo.index[(lo["outcome"] == "deal") & (hi["outcome"] == "deal")]

    def get(s):
        return _us_share(s) if measure == "us_share" else s[measure]

    diff = (get(hi.loc[both]) - get(lo.loc[both])).to_numpy()
    assert len(diff) > 50
    mean, se = diff.mean(), diff.std(ddof=1) / math.sqrt(len(diff))
    assert sign * mean > 2 * se, (path, measure, mean, se)
