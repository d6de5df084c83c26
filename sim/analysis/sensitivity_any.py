"""Sensitivity indices from any sample ("given data"): delta, PAWN and RBD-FAST, each with a 95% interval.

Sobol and Morris indices need the samples built for them (``saltelli``, ``morris``);
these three read any design (an LHS, a grid, a Sobol or Halton sequence, random
points): one output value per design point against the points' parameter values.

- **delta** (Borgonovo 2007, moment-independent): the expected shift of the output's
  density when a parameter is fixed, in [0, 1]; SALib's given-data estimator (Plischke,
  Borgonovo & Smith 2013) with their bias reduction: 2 × the estimate on the sample − the
  mean estimate over ``BOOTSTRAP`` resamples of the points. That removes the bias of
  resampling, not the smoothing bias of the density estimates: on 300 points a parameter
  with no effect still gets 0.02–0.03, its interval at times above 0 (tests/analysis).
  So "its interval excludes 0" does not make a parameter influential: compare with a
  dummy parameter swept alongside (one that cannot move any output, such as
  ``meta.series_every_days``), whose index is the noise floor of the design. The
  interval is value ± 1.96 × the bootstrap standard deviation (SALib's form).
  The first-order ``S1`` from the same partition of the sample (SALib's ``sobol_first``,
  the same bootstrap) comes with it, biased upwards the same way.
- **PAWN** (Pianosi & Wagener 2015, 2018): the median over ``S`` conditioning intervals of
  the Kolmogorov–Smirnov distance between the output's distribution with the parameter
  in that interval and its distribution over the whole sample. SALib gives no interval:
  here it is value ± 1.96 × the standard deviation of the statistic over ``BOOTSTRAP``
  resamples of the design points (with replacement, a fixed seed; the low end clipped at
  0), the form of SALib's other intervals. (Percentile intervals would miss the value: the
  points a resample repeats raise the KS distances.) A KS distance is never
  negative and, on a finite sample, above 0 even for a parameter that does nothing, so
  "its interval includes 0" cannot decide: the column ``null_high`` is the 95th percentile
  of the statistic with the outputs shuffled across the points (``BOOTSTRAP``
  permutations, a fixed seed) — what a parameter without any effect gets on this
  sample. A parameter is distinguishable from noise when its interval's low end is above it.
- **RBD-FAST** (Tarantola et al. 2006, with Tissot & Prieur's 2012 bias correction):
  the first-order index ``S1`` from the Fourier spectrum of the outputs ordered along
  each parameter; SALib's interval (± 1.96 × the standard deviation over bootstrap
  half-samples).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import UsageError

#: Resamples for the bootstrap intervals (SALib's default) and PAWN's permutation noise floor.
BOOTSTRAP = 100
#: PAWN's conditioning intervals (SALib's default).
PAWN_SLIDES = 10
#: Fewer design points than this per parameter is a small sample for the given-data estimators:
#: delta's partition of the sample then has few classes of few points, PAWN's conditioning
#: intervals hold a handful of points each (chosen rule; Plischke et al. 2013 use hundreds).
MIN_POINTS_PER_PARAMETER = 50
#: RBD-FAST's harmonics (SALib's default M).
RBD_HARMONICS = 10
Z95 = 1.959963984540054


def _seeded(seed: int, fn: Callable[[], Any]) -> Any:
    """``fn()`` with numpy's global random state seeded (SALib's delta draws from it), then restored."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        # SALib's delta resets the warning filters to "once" and warns on every small bin:
        # record its warnings (not printed) instead of filtering them
        with warnings.catch_warnings(record=True):
            return fn()
    finally:
        np.random.set_state(state)


def delta_indices(problem: dict[str, Any], x: np.ndarray, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """Borgonovo's delta and the given-data S1, with their 95% intervals.

    SALib's estimators (``SALib.analyze.delta``: its partition of the sample, its density
    estimate ``calc_delta``, its ``sobol_first``) with Plischke et al.'s bias reduction
    (2013, eq. 30) taken literally: ``2 * d(sample) - mean(d(resample))`` over ``BOOTSTRAP``
    resamples of the points, the interval ± 1.96 × their standard deviation. SALib's
    ``analyze`` computes ``d(sample)`` on one more random resample instead, which adds that
    resample's noise to the value and not to the interval (the values of two seeds then
    differ by more than their intervals); the S1 likewise.
    """
    from SALib.analyze import delta

    # a resample whose outputs are all equal (few points, a share near 0 or 1) moves with
    # nothing: its indices are 0, as for a constant output (SALib's density estimate fails on it)
    def calc_delta(yr: np.ndarray, grid: np.ndarray, xr: np.ndarray, m: np.ndarray) -> float:
        return float(delta.calc_delta(yr, grid, xr, m)) if np.ptp(yr) > 0 else 0.0

    def sobol_first(yr: np.ndarray, xr: np.ndarray, m: np.ndarray) -> float:
        return float(delta.sobol_first(yr, xr, m)) if np.ptp(yr) > 0 else 0.0

    n = y.size
    exp = 2.0 / (7.0 + np.tanh((1500.0 - n) / 500.0))  # SALib's equal-frequency partition of the sample
    m = np.linspace(0, n, int(np.round(min(int(np.ceil(n**exp)), 48))) + 1)
    grid = np.linspace(np.min(y), np.max(y), 100)
    rows = []

    def run() -> None:
        for i in range(x.shape[1]):
            xi = x[:, i]
            boot = [np.random.randint(n, size=n) for _ in range(BOOTSTRAP)]
            d_boot = np.array([calc_delta(y[r], grid, xi[r], m) for r in boot])
            s_boot = np.array([sobol_first(y[r], xi[r], m) for r in boot])
            rows.append(
                (
                    2 * calc_delta(y, grid, xi, m) - d_boot.mean(),
                    Z95 * d_boot.std(ddof=1),
                    sobol_first(y, xi, m),
                    Z95 * s_boot.std(ddof=1),
                )
            )

    _seeded(seed, run)
    v = np.array(rows, float).reshape(-1, 4)
    out = pd.DataFrame({"parameter": problem["names"]})
    for name, (vi, ci) in (("delta", (0, 1)), ("S1", (2, 3))):
        out[name], out[f"{name}_conf"] = v[:, vi], v[:, ci]
        out[f"{name}_low"], out[f"{name}_high"] = v[:, vi] - v[:, ci], v[:, vi] + v[:, ci]
    return out


def pawn_statistic(x: np.ndarray, y: np.ndarray, slides: int = PAWN_SLIDES) -> np.ndarray:
    """PAWN's median KS distance per parameter (SALib's estimator)."""
    from SALib.analyze import pawn

    problem = {"num_vars": x.shape[1], "names": [f"x{i}" for i in range(x.shape[1])]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an empty conditioning interval: all-NaN slices
        return np.asarray(pawn.analyze(problem, x, y, S=slides)["median"], float)


def pawn_indices(problem: dict[str, Any], x: np.ndarray, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """PAWN (median KS) with a bootstrap interval over the design points and a permutation noise floor."""
    rng = np.random.default_rng(seed)
    n = len(y)
    value = pawn_statistic(x, y)
    boot = np.array([pawn_statistic(x[i], y[i]) for i in (rng.integers(0, n, n) for _ in range(BOOTSTRAP))])
    null = np.array([pawn_statistic(x, y[rng.permutation(n)]) for _ in range(BOOTSTRAP)])
    conf = Z95 * np.nanstd(boot, axis=0, ddof=1)
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "pawn": value,
            "pawn_conf": conf,
            "pawn_low": np.maximum(value - conf, 0.0),
            "pawn_high": value + conf,
            "null_high": np.nanquantile(null, 0.95, axis=0),
        }
    )


def rbd_fast_indices(problem: dict[str, Any], x: np.ndarray, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """RBD-FAST first-order indices with SALib's 95% intervals."""
    from SALib.analyze import rbd_fast

    if len(y) <= 4 * RBD_HARMONICS:  # the bias correction divides by 1 - 2M/n on half-samples
        raise UsageError(
            f"RBD-FAST needs more than {4 * RBD_HARMONICS} design points (4 x its {RBD_HARMONICS} harmonics); "
            f"this sweep has {len(y)} (--method delta or pawn)"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rbd_fast.analyze(problem, x, y, M=RBD_HARMONICS, num_resamples=BOOTSTRAP, seed=seed)
    v, conf = np.asarray(res["S1"], float), np.asarray(res["S1_conf"], float)
    return pd.DataFrame(
        {"parameter": problem["names"], "S1": v, "S1_conf": conf, "S1_low": v - conf, "S1_high": v + conf}
    )


#: The given-data estimators, by ``--method`` name.
GIVEN_DATA: dict[str, Callable[..., pd.DataFrame]] = {
    "delta": delta_indices,
    "pawn": pawn_indices,
    "rbd_fast": rbd_fast_indices,
}


def numeric_design(design: pd.DataFrame, paths: list[str]) -> np.ndarray:
    """The design's parameter values as numbers: choices (strings) by their order of first appearance."""
    cols = []
    for p in paths:
        col = design[p]
        if not pd.api.types.is_numeric_dtype(col):
            col = pd.Series(pd.factorize(col)[0], index=col.index)
        cols.append(col.astype(float).to_numpy())
    return np.column_stack(cols)


def given_data(method: str, names: list[str], x: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    """``method``'s indices of ``y`` over the points ``x`` (points with no value left out)."""
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(np.min(c)), float(np.max(c))] for c in x.T],
    }
    if np.ptp(y) == 0:  # a constant output moves with nothing: every index is 0, no interval to estimate
        frame = GIVEN_DATA[method].__name__
        cols = {"delta_indices": ("delta", "S1"), "pawn_indices": ("pawn",), "rbd_fast_indices": ("S1",)}[frame]
        out = pd.DataFrame({"parameter": names})
        for c in cols:
            out[c] = out[f"{c}_low"] = out[f"{c}_high"] = 0.0
        if method == "pawn":
            out["null_high"] = 0.0
        return out
    return GIVEN_DATA[method](problem, x, y, seed=seed)
