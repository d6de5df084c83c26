"""Sensitivity of a sweep's outputs to its parameters, on any design, each index with a 95% interval.

Global, variance-based (Sobol, on saltelli designs), screening (Morris, on morris
designs), or from any sample (delta, PAWN, RBD-FAST: :mod:`sim.analysis.sensitivity_any`):
how much each swept parameter moves an output over the whole design. Every index
comes with ``<index>_low``/``<index>_high`` and every row with a ``warning`` (empty
when none): the sample is small for the estimator, or the intervals cannot tell.
Compare :mod:`sim.analysis.discovery`, which looks for the region of parameter space
where one outcome is likely. Reads the stored results
(``design.parquet``, ``summary.parquet``) and writes ``sensitivity.parquet``
next to them for the report to plot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.tables import horizon_of, load_sweep, successful_runs
from sim.engine.outcome import is_label
from sim.errors import UsageError
from sim.results.atomic import atomic_write_table


def output_per_point(summary: pd.DataFrame, output: str, horizon: float | pd.Series | None = None) -> pd.Series:
    """One number per design point: the mean over its (successful) replications.

    An outcome label (:func:`sim.engine.outcome.labels`) is the share of runs with that
    outcome; any other name but the deal day's is a summary column averaged over the runs.
    ``deal_by_<N>`` is P(deal by day N): the share of runs with a deal on or before day N,
    runs without a deal counted as no; ``rmst_deal_<N>`` is the restricted mean deal day up
    to N, the mean of min(deal_day, N) with no-deal runs at N. N must be above 0 and at most
    the horizon of every run (after it, a run's deal day is unknown).

    ``deal_day`` is censored: a run without a deal only says the deal comes after
    the horizon. Its output is the restricted mean time to deal up to the horizon
    τ, the mean of min(deal_day, τ) with no-deal runs counted at τ; with no other
    censoring this is the area under the Kaplan–Meier curve from 0 to τ (Royston &
    Parmar 2013). ``horizon`` is required for it (a number, or one per run where
    the horizon is swept); dropping the no-deal runs instead would make points
    without deals vanish and sensitivities of the deal day come out 0.
    """
    from sim.experiments.sweepcheck import censored_output

    ok = successful_runs(summary)
    censored = censored_output(output)
    if censored is not None:
        kind, day = censored
        tau_run = horizon.loc[ok.index] if isinstance(horizon, pd.Series) else horizon
        shortest = float(np.min(tau_run)) if tau_run is not None and np.size(tau_run) else np.inf
        if not 0 < day <= shortest:
            raise UsageError(
                f"output '{output}': day {day:g} must be above 0 and at most the horizon ({shortest:g} days)"
            )
        deal_day = ok["deal_day"].astype(float)
        if kind == "deal_by":
            values = (deal_day <= day).astype(float)  # no deal (NaN) counts as no
        else:
            values = np.minimum(deal_day.fillna(day), day)
    elif output == "deal_day":
        if horizon is None:
            raise UsageError("output 'deal_day' is censored at the horizon: give the horizon")
        tau = horizon.loc[ok.index] if isinstance(horizon, pd.Series) else horizon
        values = np.minimum(ok["deal_day"].fillna(tau), tau)
    elif output in ok.columns:  # before the labels: capitulation_day is a column, not a label
        values = ok[output].astype(float)
    elif is_label(output) or output in set(ok["outcome"].dropna()):
        values = (ok["outcome"] == output).astype(float)
    else:
        raise UsageError(f"unknown output '{output}': an outcome class or a summary column")
    return values.groupby(ok["point"]).mean()


def sobol_indices(problem: dict[str, Any], y: np.ndarray, second_order: bool = False, seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol indices with 95% intervals (SALib; Saltelli 2010 estimators)."""
    from SALib.analyze import sobol

    res = sobol.analyze(
        problem, np.asarray(y, dtype=float), calc_second_order=second_order, seed=seed, print_to_console=False
    )
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": res["S1"],
            "S1_conf": res["S1_conf"],
            "ST": res["ST"],
            "ST_conf": res["ST_conf"],
        }
    )


def morris_indices(
    problem: dict[str, Any], x: np.ndarray, y: np.ndarray, levels: int = 4, seed: int = 0
) -> pd.DataFrame:
    """Morris elementary effects: mu* (importance) with its 95% interval, and sigma (interactions)."""
    from SALib.analyze import morris

    res = morris.analyze(
        problem,
        np.asarray(x, dtype=float),
        np.asarray(y, dtype=float),
        num_levels=levels,
        seed=seed,
        print_to_console=False,
    )
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "mu_star": res["mu_star"],
            "mu_star_conf": res["mu_star_conf"],
            "sigma": res["sigma"],
        }
    )


#: The estimators, by ``--method`` name: those a design is built for (``Design.indices``) and
#: those that read any sample.
BUILT_FOR = ("sobol", "morris")
METHODS = (*BUILT_FOR, "delta", "pawn", "rbd_fast")
#: The indices each method reports (each with ``_low`` and ``_high``), the first one the main one.
INDICES = {
    "sobol": ("S1", "ST"),
    "morris": ("mu_star",),
    "delta": ("delta", "S1"),
    "pawn": ("pawn",),
    "rbd_fast": ("S1",),
}
#: Below this base sample N a Saltelli design's intervals are wide (Saltelli et al. 2010 use
#: N of 500 and more; chosen rule), and below this many trajectories Morris's mu* is a rough
#: ranking (Campolongo et al. 2007 use 10 to 50).
MIN_SOBOL_N = 500
MIN_MORRIS_TRAJECTORIES = 10


def method_of(table: pd.DataFrame) -> str:
    """The method of a stored sensitivity table (older tables have no ``method`` column)."""
    if "method" in table and len(table):
        return str(table["method"].iloc[0])
    return "sobol" if "ST" in table else "morris"


def with_intervals(df: pd.DataFrame, method: str) -> pd.DataFrame:
    """``<index>_low``/``<index>_high`` from SALib's half-widths ``<index>_conf`` where missing."""
    for idx in INDICES[method]:
        if f"{idx}_low" not in df and f"{idx}_conf" in df:
            df[f"{idx}_low"] = df[idx] - df[f"{idx}_conf"]
            df[f"{idx}_high"] = df[idx] + df[f"{idx}_conf"]
    return df


def small_sample(method: str, points: int, parameters: int, base: int | None = None) -> str:
    """Why the sample is small for ``method`` (empty when it is not)."""
    from sim.analysis.sensitivity_any import MIN_POINTS_PER_PARAMETER

    if method == "sobol" and base is not None and base < MIN_SOBOL_N:
        return f"Saltelli base sample N={base} is below {MIN_SOBOL_N}"
    if method == "morris" and base is not None and base < MIN_MORRIS_TRAJECTORIES:
        return f"{base} Morris trajectories, fewer than {MIN_MORRIS_TRAJECTORIES}"
    if method in ("delta", "pawn", "rbd_fast") and points < MIN_POINTS_PER_PARAMETER * parameters:
        return (
            f"{points} design points for {parameters} parameter{'s' if parameters != 1 else ''}, "
            f"fewer than {MIN_POINTS_PER_PARAMETER} per parameter"
        )
    return ""


#: delta estimates densities: where more than this share of the points have one same value
#: (a share of runs at 0 or 1, a deal day at the horizon), its partition classes of constant
#: output are skipped by SALib, as if fixing the parameter there changed nothing.
MAX_ATOM_FOR_DELTA = 0.1


def atom_note(method: str, y: np.ndarray) -> str:
    """A note when ``y`` has an atom too large for ``method`` (only delta's densities mind)."""
    y = y[~np.isnan(y)]
    if method != "delta" or not len(y):
        return ""
    value, count = np.unique(y, return_counts=True)
    share = count.max() / len(y)
    if share <= MAX_ATOM_FOR_DELTA:
        return ""
    return (
        f"{share:.0%} of the points have the same output ({value[count.argmax()]:.3g}): delta's density "
        "estimates do not hold (--method pawn or rbd_fast)"
    )


def warnings_of(df: pd.DataFrame, method: str, sample_note: str) -> pd.Series:
    """One output's warnings per row: the sample's size, an unresolved largest index, negative indices."""
    main = INDICES[method][0]
    notes: list[list[str]] = [[sample_note] if sample_note else [] for _ in range(len(df))]
    top = df[main].abs().idxmax() if df[main].notna().any() else None
    if top is not None and df.loc[top, f"{main}_high"] - df.loc[top, f"{main}_low"] > abs(df.loc[top, main]):
        for n in notes:
            n.append(f"the largest {main}'s interval is wider than the index")
    for k, (_, row) in enumerate(df.iterrows()):
        for idx in INDICES[method]:
            if method in ("sobol", "delta", "rbd_fast") and row[f"{idx}_high"] < 0:
                notes[k].append(f"{idx} negative beyond its interval")
    return pd.Series(["; ".join(n) for n in notes], index=df.index, dtype=object)


def default_method(design_kind: str) -> str:
    """The design's own estimator (saltelli: sobol, morris: morris), else delta."""
    from sim.experiments.designs.base import REGISTRY as DESIGNS

    own = DESIGNS[design_kind].indices if design_kind in DESIGNS else None
    return own if own in BUILT_FOR else "delta"


def sensitivity(
    results: str | Path, outputs: list[str] | None = None, method: str | None = None
) -> tuple[pd.DataFrame, Path]:
    """Indices of every output over the swept parameters, with 95% intervals and warnings.

    ``method``: ``sobol`` (saltelli designs), ``morris`` (morris designs), or ``delta``,
    ``pawn``, ``rbd_fast`` (any design with parameters); default the design's own
    estimator, else ``delta``. Writes ``sensitivity.parquet`` into the results folder.
    """
    p, manifest, design, summary = load_sweep(results)
    spec = manifest["sweep"]
    from sim.analysis.sensitivity_any import given_data, numeric_design
    from sim.experiments.designs.base import REGISTRY as DESIGNS
    from sim.experiments.sweepfile import SweepSpec

    kind = spec["design"]
    method = method or default_method(kind)
    if method not in METHODS:
        raise UsageError(f"--method: unknown method '{method}'; one of {', '.join(METHODS)}")
    own = DESIGNS[kind].indices if kind in DESIGNS else None
    if method in BUILT_FOR and own != method:
        built_for = ", ".join(n for n, d in DESIGNS.items() if d.indices == method)
        raise UsageError(
            f"{p}: {method} indices need the design built for them ({built_for}); this sweep used {kind} "
            "(--method delta, pawn or rbd_fast read any design)"
        )
    sweep = SweepSpec.model_validate(spec)
    paths = [q.path for q in sweep.parameters]
    if not paths:
        raise UsageError(f"{p}: the sweep has no parameters ({kind}): there is nothing to be sensitive to")
    horizon = horizon_of(manifest, summary)
    base = sweep.points if method in BUILT_FOR else None
    frames = []
    for out in outputs or sweep.outputs:
        y = output_per_point(summary, out, horizon).reindex(design["point"]).to_numpy()
        missing = int(np.isnan(y).sum())
        if missing == len(y):
            raise UsageError(
                f"output '{out}' has no value at any design point (empty in every run, or every run failed)"
            )
        if method in BUILT_FOR and missing:
            raise UsageError(
                f"output '{out}' is missing at {missing} design points "
                f"(failed runs?); {method} indices need every point (--method delta reads the others)"
            )
        if method == "sobol":
            df = sobol_indices(sweep.problem(), y, sweep.second_order, sweep.seed)
        elif method == "morris":
            df = morris_indices(sweep.problem(), design[paths].to_numpy(), y, sweep.morris_levels, sweep.seed)
        else:
            df = given_data(method, paths, numeric_design(design, paths), y, sweep.seed + 1)
        df = with_intervals(df, method)
        note = small_sample(method, len(y) - missing, len(paths), base)  # the points the estimate uses
        missing_note = f"{missing} design points without a value left out" if missing else ""
        out_note = "; ".join(n for n in (note, missing_note, atom_note(method, y)) if n)
        df["warning"] = warnings_of(df, method, out_note)
        df.insert(0, "method", method)
        df.insert(0, "output", out)
        frames.append(df)
    table = pd.concat(frames, ignore_index=True)
    import pyarrow as pa

    atomic_write_table(p / "sensitivity.parquet", pa.Table.from_pandas(table, preserve_index=False))
    return table, p / "sensitivity.parquet"
