"""Sensitivity of a sweep's outputs to its parameters: Sobol indices or Morris elementary effects.

Global, variance-based (Sobol, on saltelli designs) or screening (Morris, on
morris designs): how much each swept parameter moves an output over the whole
design. Compare :mod:`sim.analysis.discovery`, which looks for the region of
parameter space where one outcome is likely. Reads the stored results
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
    outcome; any other name but ``deal_day`` is a summary column averaged over the runs.

    ``deal_day`` is censored: a run without a deal only says the deal comes after
    the horizon. Its output is the restricted mean time to deal up to the horizon
    τ, the mean of min(deal_day, τ) with no-deal runs counted at τ; with no other
    censoring this is the area under the Kaplan–Meier curve from 0 to τ (Royston &
    Parmar 2013). ``horizon`` is required for it (a number, or one per run where
    the horizon is swept); dropping the no-deal runs instead would make points
    without deals vanish and sensitivities of the deal day come out 0.
    """
    ok = successful_runs(summary)
    if output == "deal_day":
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


#: The estimators a design can be built for (``Design.indices``).
ESTIMATORS = ("sobol", "morris")


def sensitivity(results: str | Path, outputs: list[str] | None = None) -> tuple[pd.DataFrame, Path]:
    """Sobol indices (saltelli designs) or Morris elementary effects (morris designs) per output."""
    p, manifest, design, summary = load_sweep(results)
    spec = manifest["sweep"]
    from sim.experiments.designs.base import REGISTRY as DESIGNS
    from sim.experiments.sweepfile import SweepSpec

    estimator = DESIGNS[spec["design"]].indices if spec["design"] in DESIGNS else None
    if estimator not in ESTIMATORS:
        built_for = ", ".join(n for n, d in DESIGNS.items() if d.indices in ESTIMATORS)
        raise UsageError(
            f"{p}: sensitivity indices need a design built for them ({built_for}); this sweep used {spec['design']}"
        )

    sweep = SweepSpec.model_validate(spec)
    horizon = horizon_of(manifest, summary)
    frames = []
    for out in outputs or sweep.outputs:
        y = output_per_point(summary, out, horizon).reindex(design["point"]).to_numpy()
        if np.isnan(y).any():
            raise UsageError(
                f"output '{out}' is missing at {int(np.isnan(y).sum())} design points "
                "(failed runs?); Sobol indices need every point"
            )
        if estimator == "sobol":
            df = sobol_indices(sweep.problem(), y, sweep.second_order, sweep.seed)
        else:
            x = design[[q.path for q in sweep.parameters]].to_numpy()
            df = morris_indices(sweep.problem(), x, y, sweep.morris_levels, sweep.seed)
        df.insert(0, "output", out)
        frames.append(df)
    table = pd.concat(frames, ignore_index=True)
    import pyarrow as pa

    atomic_write_table(p / "sensitivity.parquet", pa.Table.from_pandas(table, preserve_index=False))
    return table, p / "sensitivity.parquet"
