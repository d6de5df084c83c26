"""Differences between two result sets, paired by seed where their runs share random numbers.

Run ``i`` of a Monte Carlo draws from ``SeedSequence(seed, spawn_key=(i,))`` (a sweep run from
its ``(point, replication)`` key, ``sim/experiments/seeding.py``), so two result sets with the
same seed, the same seeding scheme and the same runs hold, run by run, the same draws of every
uncertain parameter and every policy's noise: common random numbers. A difference ``B − A``
of a mean is then the mean of per-run differences ``y_i − x_i``, whose variance
``Var(y − x) = Var(y) + Var(x) − 2 Cov(x, y)`` is smaller than the independent sets' by
twice their covariance. :func:`match_runs` decides whether two sets may be paired (and says
why not), :func:`differences` computes every difference with a paired bootstrap interval
(run ids resampled jointly) and, beside it, the interval of independent resampling.

Every quantity is a mean of a per-run value (a share is the mean of an indicator; the deal
day is the restricted mean, no deal counting as the horizon), so the paired point estimate is
exactly the difference of the two means over the pairs.

The bootstrap resamples in blocks of at most :data:`BLOCK_VALUES` indices and reads a
resample's mean off its counts (``counts @ values``), so 1,000 resamples of 100,000 runs
hold a few tens of MB at a time, whatever the number of resamples. Beyond
:data:`BOOTSTRAP_MAX_RUNS` runs on a side the intervals are normal approximations (mean ± 1.96
standard errors), to which the bootstrap distribution of a mean has long converged there, and
which take no time.

>>> x = np.array([[0.0], [1.0], [2.0], [3.0]])
>>> y = x + np.array([[1.0], [1.1], [0.9], [1.0]])
>>> d = differences(x, y, paired=True, n_boot=200, seed=0)
>>> round(float(d["diff"][0]), 6), bool(d["paired_high"][0] - d["paired_low"][0] < 0.2)
(1.0, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

#: Resample indices held at once (int32): the bootstrap's block of resamples is this many
#: values over the number of runs (4 MB of indices; counts and products a few times that).
BLOCK_VALUES = 1 << 20
#: Runs (on the larger side) up to which intervals are bootstrapped; beyond: normal approximations.
BOOTSTRAP_MAX_RUNS = 20_000
#: Two-sided level of every interval.
LEVEL = 0.95
#: The day of "P(deal by day ...)".
BY_DAY = 60


@dataclass(frozen=True)
class Pairing:
    """Whether two result sets are compared run by run, and why (one sentence for the page)."""

    paired: bool
    why: str
    pairs: int = 0  # runs finished on both sides (paired only)
    dropped: int = 0  # pairs left out since one side (or both) failed


def _keys(runs: pd.DataFrame) -> list[str]:
    return [c for c in ("point", "replication") if c in runs.columns]


def match_runs(ma: dict, runs_a: pd.DataFrame, mb: dict, runs_b: pd.DataFrame) -> Pairing:
    """May A and B be paired by run id?

    ``ma``/``mb``: the manifests; ``runs_a``/``runs_b``: every run (failed ones too), with
    ``run``, ``failed`` (bool) and, in sweeps, ``point`` and ``replication``. Paired when both
    have the same seed, the same seeding scheme and the same run ids, each run with the same
    design keys: then run ``i`` of A and run ``i`` of B drew the same random numbers.
    """
    seed_a, seed_b = ma.get("seed"), mb.get("seed")
    if seed_a != seed_b:
        return Pairing(False, f"the seeds differ (A: {seed_a}, B: {seed_b}), so runs share no random numbers")
    if ma.get("seeding") != mb.get("seeding"):
        return Pairing(False, f"the seeding schemes differ (A: {ma.get('seeding')}, B: {mb.get('seeding')})")
    ids_a, ids_b = set(runs_a["run"].tolist()), set(runs_b["run"].tolist())
    if ids_a != ids_b:
        common = len(ids_a & ids_b)
        return Pairing(
            False,
            f"the run ids differ: {common} run ids in common of {len(ids_a)} (A) and {len(ids_b)} (B); "
            "a comparison of the common runs only would be of other sets than these",
        )
    keys_a, keys_b = _keys(runs_a), _keys(runs_b)
    if keys_a != keys_b:
        return Pairing(False, "one is a sweep and the other a Monte Carlo (their runs' design keys differ)")
    a = runs_a.set_index("run").sort_index()
    b = runs_b.set_index("run").reindex(a.index)
    if keys_a:
        same = (a[keys_a].to_numpy() == b[keys_a].to_numpy()).all(axis=1)
        if not same.all():
            return Pairing(
                False,
                f"{int((~same).sum())} of {len(same)} runs have other (point, replication) keys in A than in B",
            )
    failed = a["failed"].to_numpy(bool) | b["failed"].to_numpy(bool)
    pairs = int((~failed).sum())
    why = f"same seed ({seed_a}) and the same {len(a)} run ids: run i of A and run i of B share their random numbers"
    return Pairing(True, why, pairs, int(failed.sum()))


@dataclass(frozen=True)
class Quantity:
    """A compared quantity: the mean over runs of a per-run value."""

    name: str
    unit: str  # "share", "days" or "$bn"


def quantities(actors: list[str], outcomes: list[str], by_day: int = BY_DAY) -> list[Quantity]:
    """What is compared, in order: P(deal), P(deal by ``by_day``), the restricted mean deal day,
    each actor's mean payoff and each outcome label's share (``deal`` is P(deal))."""
    qs = [Quantity("P(deal)", "share"), Quantity(f"P(deal by day {by_day})", "share")]
    qs.append(Quantity("restricted mean deal day (no deal = horizon)", "days"))
    qs += [Quantity(f"mean payoff {act} ($bn)", "$bn") for act in actors]
    qs += [Quantity(f"share of runs '{lab}'", "share") for lab in outcomes if lab != "deal"]
    return qs


def per_run(
    frame: pd.DataFrame, actors: list[str], outcomes: list[str], horizon: float, by_day: int = BY_DAY
) -> np.ndarray:
    """Runs × :func:`quantities` values of ``frame`` (columns ``outcome``, ``deal_day``,
    ``payoff_<actor>``), in the order of :func:`quantities`."""
    outcome = frame["outcome"].to_numpy(object)
    day = frame["deal_day"].to_numpy(float)
    cols = [
        outcome == "deal",
        np.nan_to_num(day, nan=np.inf) <= by_day,
        np.minimum(np.nan_to_num(day, nan=horizon), horizon),
    ]
    cols += [frame[f"payoff_{act}"].to_numpy(float) for act in actors]
    cols += [outcome == lab for lab in outcomes if lab != "deal"]
    return np.column_stack([np.asarray(c, dtype=float) for c in cols]) if len(frame) else np.empty((0, len(cols)))


def bootstrap_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` × columns: the column means of ``n_boot`` resamples of the rows of ``values``.

    Resamples are drawn in blocks of at most :data:`BLOCK_VALUES` indices; a resample's means
    are its counts (how often each row was drawn) times the values, over the number of rows.
    """
    n, q = values.shape
    out = np.empty((n_boot, q))
    if n == 0:
        out.fill(np.nan)
        return out
    block = max(1, min(n_boot, BLOCK_VALUES // n))
    for start in range(0, n_boot, block):
        m = min(block, n_boot - start)
        idx = rng.integers(0, n, size=(m, n), dtype=np.int64 if n >= 2**31 else np.int32)
        idx += (np.arange(m, dtype=idx.dtype) * n)[:, None]
        counts = np.bincount(idx.ravel(), minlength=m * n).reshape(m, n)
        del idx
        out[start : start + m] = (counts @ values) / n
    return out


def _interval(boot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tail = (1 - LEVEL) / 2
    if not np.isfinite(boot).all():
        return np.full(boot.shape[1], np.nan), np.full(boot.shape[1], np.nan)
    lo, hi = np.quantile(boot, [tail, 1 - tail], axis=0)
    return lo, hi


def interval_method(runs: int) -> str:
    """How :func:`differences` computes its intervals for ``runs`` runs on the larger side."""
    return "percentile bootstrap" if runs <= BOOTSTRAP_MAX_RUNS else "normal approximation"


def _normal(means: np.ndarray, se: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from statistics import NormalDist

    z = NormalDist().inv_cdf(1 - (1 - LEVEL) / 2)
    return means - z * se, means + z * se


def _se(values: np.ndarray) -> np.ndarray:
    """Standard error of each column's mean."""
    n = len(values)
    return values.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(values.shape[1], np.nan)


def differences(x: np.ndarray, y: np.ndarray, paired: bool, n_boot: int = 1000, seed: int = 0) -> dict[str, np.ndarray]:
    """``B − A`` of the column means of ``x`` (A's runs) and ``y`` (B's runs).

    Returns arrays per quantity: ``a``, ``b``, ``diff``, ``unpaired_low``/``unpaired_high``
    (A and B resampled independently) and, when ``paired`` (rows of ``x`` and ``y`` are the
    same runs, in the same order), ``paired_low``/``paired_high`` (run ids resampled jointly:
    the bootstrap of the mean of ``y − x``). Percentile intervals at :data:`LEVEL`; each
    bootstrap draws from its own stream of ``seed``, so the numbers are reproducible. Beyond
    :data:`BOOTSTRAP_MAX_RUNS` runs, normal approximations (:func:`interval_method`).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = x.mean(axis=0) if len(x) else np.full(x.shape[1], np.nan)
        b = y.mean(axis=0) if len(y) else np.full(y.shape[1], np.nan)
    out = {"a": a, "b": b, "diff": b - a}  # paired: the mean of the per-run differences
    if paired and x.shape != y.shape:
        raise ValueError(f"paired sets must have the same runs: {x.shape} vs {y.shape}")
    if interval_method(max(len(x), len(y))) == "normal approximation":
        out["unpaired_low"], out["unpaired_high"] = _normal(b - a, np.hypot(_se(x), _se(y)))
        if paired:
            out["paired_low"], out["paired_high"] = _normal(b - a, _se(y - x))
        return out
    boot_a = bootstrap_means(x, n_boot, np.random.default_rng([seed, 1]))
    boot_b = bootstrap_means(y, n_boot, np.random.default_rng([seed, 2]))
    out["unpaired_low"], out["unpaired_high"] = _interval(boot_b - boot_a)
    if paired:
        boot_d = bootstrap_means(y - x, n_boot, np.random.default_rng([seed, 0]))
        out["paired_low"], out["paired_high"] = _interval(boot_d)
    return out
