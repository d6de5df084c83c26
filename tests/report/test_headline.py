"""The headline card's statistics against their formulas, and the card on a page."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim.analysis.aggregate as agg
from sim.analysis.headline import (
    DAY_HALF_WIDTH,
    P_HALF_WIDTH,
    PAYOFF_REL_HALF_WIDTH,
    Z95,
    binomial_se,
    headline,
    mean_se,
    median_day,
    runs_needed,
    wilson,
    wilson_half_width,
)
from sim.report.page import Page
from sim.report.sections import Report
from sim.report.sections.headline import headline_card

SCENARIO = {"meta": {"name": "t", "start": "2025-01-01", "horizon_days": 100}, "actors": {"US": {}, "CN": {}}}


def summary_of(deal_days, payoff_us, payoff_cn, threat) -> pd.DataFrame:
    n = len(deal_days)
    return pd.DataFrame(
        {
            "run": range(n),
            "outcome": ["deal" if d == d else "stalemate" for d in deal_days],
            "deal_day": deal_days,
            "payoff_US": payoff_us,
            "payoff_CN": payoff_cn,
            "threat_t1_carried_out": threat,
        }
    )


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    # Wilson (1927) score intervals at 95%, as tabulated by Newcombe (1998, Stat. Med. 17, table II)
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_interval_matches_the_published_values(k, n, low, high):
    lo, hi = wilson(k, n)
    assert lo == pytest.approx(low, abs=1e-4) and hi == pytest.approx(high, abs=1e-4)


def test_wilson_interval_is_the_score_formula():
    k, n, z = 37, 90, Z95
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert wilson(k, n) == pytest.approx((centre - half, centre + half))
    assert all(math.isnan(v) for v in wilson(0, 0))  # no runs, no interval


def test_standard_errors_and_runs_needed():
    assert binomial_se(30, 120) == pytest.approx(math.sqrt(0.25 * 0.75 / 120))
    x = np.array([3.0, -1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    mean, se = mean_se(np.append(x, np.nan))  # non-finite values are left out
    assert mean == pytest.approx(x.mean()) and se == pytest.approx(x.std(ddof=1) / math.sqrt(len(x)))
    assert runs_needed(1000, 0.02, 0.01) == 4000  # n·(SE/target)²
    assert runs_needed(1000, 0.005, 0.01) == 250
    assert runs_needed(10, float("nan"), 0.01) == 0


def test_median_deal_day_is_where_the_kaplan_meier_curve_reaches_one_half():
    rng = np.random.default_rng(4)
    days = rng.uniform(0, 150, 200)
    days[days > 100] = np.nan  # no deal by the horizon (100): a third of the runs
    med, lo, hi = median_day(days, 100.0)
    t, s = agg.survival_to_horizon(pd.Series(days), 100.0)
    assert med == t[np.argmax(s <= 0.5)]
    x = np.sort(np.where(np.isnan(days), np.inf, days))
    assert med == x[99]  # the 100th of 200: the first day half the runs have a deal
    # n = 200: the order statistics 86 and 115 (1-based) bound the median with ≥ 95% confidence
    assert (lo, hi) == (x[85], x[114])


def test_median_beyond_the_horizon_and_a_sample_too_small_for_an_interval():
    med, lo, hi = median_day(np.array([10.0, np.nan, np.nan, 30.0, np.nan, np.nan, 50.0, np.nan, np.nan, np.nan]), 100)
    assert med == math.inf and hi == math.inf and lo == 30.0  # n = 10: ranks 2 and 9 of [10, 30, 50, ∞ …]
    assert math.isnan(median_day(np.array([1.0, 2.0, 3.0]), 100)[1])  # 3 runs: no 95% interval of the median


def test_headline_figures_from_a_hand_made_summary():
    deal_days = [5.0, 20.0, np.nan, 40.0, 12.0, np.nan, 33.0, 8.0, 60.0, np.nan]
    us = [-10.0, -12.0, -30.0, -8.0, -11.0, -25.0, -9.0, -10.0, -14.0, -28.0]
    cn = [1.0, -2.0, -5.0, 0.5, 0.0, -4.0, 1.5, 2.0, -1.0, -6.0]
    threat = [False, False, True, False, None, True, False, False, False, True]  # None: never issued
    h = headline(summary_of(deal_days, us, cn, threat), 100.0)
    n = 10
    deal = h.estimates["deal"]
    assert deal.value == 0.7 and (deal.low, deal.high) == wilson(7, 10)
    assert deal.se == pytest.approx(math.sqrt(0.7 * 0.3 / n))
    # the fewest runs whose Wilson interval at 0.7 is ±0.01: close to the binomial SE's n·(SE/target)²
    assert wilson_half_width(0.7, deal.needed) <= P_HALF_WIDTH < wilson_half_width(0.7, deal.needed - 1)
    assert deal.needed == pytest.approx(n * (deal.se / (P_HALF_WIDTH / Z95)) ** 2, rel=0.01)
    (t1,) = h.threats
    assert t1.name == "t1" and t1.value == 0.3  # the run where it was never issued counts as not carried out
    pay = {p.name: p for p in h.payoffs}
    for name, x in (("US", us), ("CN", cn)):
        x = np.array(x)
        se = x.std(ddof=1) / math.sqrt(n)
        assert pay[name].value == pytest.approx(x.mean()) and pay[name].se == pytest.approx(se)
        assert pay[name].low == pytest.approx(x.mean() - Z95 * se)
        target = PAYOFF_REL_HALF_WIDTH * abs(x.mean())
        assert pay[name].needed == math.ceil(n * (se * Z95 / target) ** 2 - 1e-9)
    med = h.estimates["median"]
    assert med.value == 33.0  # sorted: 5 8 12 20 33 … → 5 of 10 by day 33
    assert med.target == DAY_HALF_WIDTH


def test_no_variation_still_asks_for_runs_when_the_interval_is_wide():
    h = headline(summary_of([1.0] * 30, [-1.0] * 30, [2.0] * 30, [False] * 30), 100.0)
    deal = h.estimates["deal"]
    assert deal.value == 1.0 and deal.se == 0.0 and deal.low < 0.9
    # no run differs: Wilson's half-width is z²/(2(n + z²)), so ±0.01 needs n ≥ z²/0.02 − z² (≈ 188.2)
    assert deal.needed == math.ceil(Z95**2 / (2 * P_HALF_WIDTH) - Z95**2)
    assert {p.needed for p in h.payoffs} == {0}  # no spread: the mean is exact


def card(summary: pd.DataFrame, manifest: dict | None = None) -> str:
    page = Page("t")
    headline_card(page, Report(Path("."), manifest or {}, SCENARIO, summary, pd.DataFrame(), pd.DataFrame()))
    return "".join(page.parts)


def test_card_shows_each_figure_with_its_numbers():
    deal_days = [5.0, 20.0, np.nan, 40.0, 12.0, np.nan, 33.0, 8.0, 60.0, np.nan]
    html = card(summary_of(deal_days, [-1.0 * i for i in range(10)], [0.0] * 10, [True] + [False] * 9))
    keys = re.findall(r"<tr data-key='([^']+)' data-value='([^']+)'", html)
    assert keys == [
        ("deal", "0.7"),
        ("median", "33.0"),
        ("threat:t1", "0.1"),
        ("payoff:US", "-4.5"),
        ("payoff:CN", "0.0"),
    ]
    assert "70.0%" in html and "day 33 (2025-02-03)" in html
    assert "±0.01 on P(deal) needs about" in html
    assert "pooled" not in html


def test_card_of_a_sweep_says_the_runs_are_pooled_and_a_late_median_is_beyond_the_horizon():
    html = card(summary_of([np.nan] * 8 + [3.0, 4.0], [-1.0] * 10, [0.0] * 10, [False] * 10), {"kind": "sweep"})
    assert "pooled over its parameter points" in html
    assert "beyond the horizon" in html and "data-value='Infinity'" in html
