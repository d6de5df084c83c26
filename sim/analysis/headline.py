"""The headline figures of a Monte Carlo, each with its Monte Carlo error: P(deal), the median
deal day, P(each threat carried out), each actor's expected payoff.

Every estimate comes with a 95% interval, its Monte Carlo standard error (SE) and, when the
interval is wider than a stated precision (the ``*_HALF_WIDTH`` constants), the number of runs
that precision needs. The SE of an estimate from ``n`` runs falls as ``1/√n``, so a target
standard error ``SE*`` needs about ``n · (SE/SE*)²`` runs (:func:`runs_needed`).

Read by column scans: one summary column at a time, so memory does not grow with the run count
beyond one column of floats.

>>> lo, hi = wilson(8, 10)
>>> round(lo, 3), round(hi, 3)
(0.49, 0.943)
>>> runs_needed(100, 0.02, 0.01)
400
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from sim.analysis.aggregate import kaplan_meier

if TYPE_CHECKING:
    import pandas as pd

    from sim.results.table import StoredTable

Columns: TypeAlias = "pd.DataFrame | StoredTable"

#: The normal quantile of a two-sided 95% interval.
Z95 = 1.959963984540054
#: Precision sought for a probability (P(deal), P(threat carried out)): ±1 percentage point
#: (95% half-width). Shares are quoted in whole percent on the page; a wider interval means the
#: last digit shown is not yet known.
P_HALF_WIDTH = 0.01
#: Precision sought for the median deal day: ±7 days (95% half-width). Calendar moves,
#: reviews and the report's series grid come a week apart; a finer median says nothing more.
DAY_HALF_WIDTH = 7.0
#: Precision sought for an expected payoff: ±5% of its magnitude (95% half-width). Payoffs are
#: read to two significant figures and their calibration is coarser than that; a payoff within
#: 5% of another is the same payoff for any comparison the report makes.
PAYOFF_REL_HALF_WIDTH = 0.05


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval (Wilson 1927) for a proportion ``k/n``; ``(nan, nan)`` for ``n = 0``.

    Unlike ``p ± z·SE`` it stays within [0, 1] and is not empty at ``k = 0`` or ``k = n``.
    """
    if n <= 0:
        return math.nan, math.nan
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def binomial_se(k: int, n: int) -> float:
    """The Monte Carlo standard error of ``k/n``: ``√(p(1 − p)/n)``."""
    if n <= 0:
        return math.nan
    p = k / n
    return math.sqrt(p * (1 - p) / n)


def mean_se(x: np.ndarray) -> tuple[float, float]:
    """``(mean, SE)`` of the finite values of ``x``: ``SE = sd/√n`` (``sd`` with ``n − 1``)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan
    mean = float(x.mean())
    return mean, (float(x.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan)


def runs_needed(n: int, se: float, target_se: float) -> int:
    """Runs for a standard error of ``target_se``, from ``se`` at ``n`` runs: ``⌈n · (se/target_se)²⌉``."""
    if not (np.isfinite(se) and target_se > 0):
        return 0
    return math.ceil(n * (se / target_se) ** 2 - 1e-9)


def median_day(days: np.ndarray, horizon: float) -> tuple[float, float, float]:
    """The median deal day from the Kaplan–Meier curve (no deal: censored at the horizon) and its
    95% interval: ``(median, low, high)``; ``inf`` where a value lies beyond the horizon.

    The median is the first day the curve reaches 0.5 or below (``inf`` if it never does by the
    horizon). As every run without a deal is censored at the horizon, the curve below the horizon
    is one minus the empirical CDF of the deal days with no-deal runs counted as after the horizon,
    so the interval is the distribution-free one of order statistics: ``[x₍ₗ₎, x₍ₙ₋ₗ₊₁₎]`` with
    ``l`` the 2.5% quantile of Binomial(n, ½) (``nan`` low and high when ``n`` is too small for one).
    """
    from scipy.stats import binom

    d = np.asarray(days, dtype=float)
    n = len(d)
    if n == 0:
        return math.nan, math.nan, math.nan
    km = kaplan_meier(np.where(np.isnan(d), horizon, d), ~np.isnan(d))
    below = km.index[km["S"] <= 0.5]
    median = float(km["t"][below[0]]) if len(below) else math.inf
    x = np.sort(np.where(np.isnan(d), math.inf, d))
    lo = int(binom.ppf(0.025, n, 0.5))  # P(B ≤ lo − 1) < 0.025: [x₍lo₎, x₍n−lo+1₎] covers ≥ 95%
    if lo < 1:
        return median, math.nan, math.nan
    return median, float(x[lo - 1]), float(x[n - lo])


@dataclass(frozen=True)
class Estimate:
    """One headline figure: the value, its 95% interval, its Monte Carlo SE, and the runs the
    stated precision ``target`` (95% half-width) needs (0: met already)."""

    name: str
    value: float
    low: float
    high: float
    se: float
    target: float
    needed: int


@dataclass
class Headline:
    """The headline figures of ``runs`` runs (pooled over a sweep's points if ``pooled``)."""

    runs: int
    horizon: float
    estimates: dict[str, Estimate] = field(default_factory=dict)
    threats: list[Estimate] = field(default_factory=list)
    payoffs: list[Estimate] = field(default_factory=list)


def wilson_half_width(p: float, n: float, z: float = Z95) -> float:
    """Half the width of Wilson's interval at the share ``p`` of ``n`` runs (unclipped)."""
    return z / (1.0 + z * z / n) * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))


def wilson_runs_needed(p: float, target: float, z: float = Z95) -> int:
    """The fewest runs whose Wilson interval at the share ``p`` is at most ``±target`` wide.

    The half-width falls with the runs; near ``p(1 − p)·z²/target²`` runs for a share inside
    (0, 1), and like ``z²/(2n)`` where no run differs (``p`` 0 or 1), where the binomial SE is 0
    and its ``1/√n`` scaling would overstate what is needed.
    """
    lo, hi = 1, 1
    while wilson_half_width(p, hi, z) > target:
        lo, hi = hi + 1, hi * 2
    while lo < hi:  # the half-width decreases in n: bisect for the first n at or below the target
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if wilson_half_width(p, mid, z) > target else (lo, mid)
    return lo


def proportion(name: str, hits: np.ndarray) -> Estimate:
    """The share of true ``hits`` with Wilson's interval; the runs needed for a Wilson interval of
    ±:data:`P_HALF_WIDTH` at the same share (0 when this one is already that narrow)."""
    n, k = len(hits), int(np.count_nonzero(hits))
    lo, hi = wilson(k, n)
    se = binomial_se(k, n)
    needed = 0
    if n and wilson_half_width(k / n, n) > P_HALF_WIDTH:
        needed = wilson_runs_needed(k / n, P_HALF_WIDTH)
    return Estimate(name, k / n if n else math.nan, lo, hi, se, P_HALF_WIDTH, needed)


def mean_estimate(name: str, x: np.ndarray) -> Estimate:
    mean, se = mean_se(x)
    target = PAYOFF_REL_HALF_WIDTH * abs(mean)
    needed = runs_needed(int(np.isfinite(x).sum()), se, target / Z95) if target > 0 and Z95 * se > target else 0
    return Estimate(name, mean, mean - Z95 * se, mean + Z95 * se, se, target, needed)


def median_estimate(days: np.ndarray, horizon: float) -> Estimate:
    """The median deal day; its SE read off the interval, ``(high − low)/(2·1.96)`` (nan when open)."""
    med, lo, hi = median_day(days, horizon)
    se = (hi - lo) / (2 * Z95) if np.isfinite(lo) and np.isfinite(hi) else math.nan
    needed = runs_needed(len(days), se, DAY_HALF_WIDTH / Z95) if Z95 * se > DAY_HALF_WIDTH else 0
    return Estimate("median deal day", med, lo, hi, se, DAY_HALF_WIDTH, needed)


def headline(summary: Columns, horizon: float) -> Headline:
    """The headline figures of the runs in ``summary`` (finished runs), one column read at a time.

    A threat counts as carried out in a run where its ``threat_<id>_carried_out`` is true; a run
    where the column is empty (the threat did not exist in it) counts as not carried out.
    """
    columns = list(summary.columns)
    n = len(summary)
    out = Headline(n, horizon)
    if n == 0:
        return out
    days = summary["deal_day"].astype(float).to_numpy()
    out.estimates["deal"] = proportion("P(deal)", ~np.isnan(days))
    out.estimates["median"] = median_estimate(days, horizon)
    for c in columns:
        if c.startswith("threat_") and c.endswith("_carried_out"):
            hits = summary[c].fillna(False).astype(bool).to_numpy()
            out.threats.append(proportion(c[len("threat_") : -len("_carried_out")], hits))
    for c in columns:
        if c.startswith("payoff_"):
            out.payoffs.append(mean_estimate(c[len("payoff_") :], summary[c].astype(float).to_numpy()))
    return out
