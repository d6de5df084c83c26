"""Scenario discovery: the box of parameter space where one outcome is likely (PRIM).

Local and outcome-first, where :mod:`sim.analysis.sensitivity` is global and
output-first: PRIM (Friedman & Fisher 1999) peels the swept parameters' ranges
down to a box in which the chosen outcome class has at least the target density.
Writes ``discovery.parquet`` and ``discovery_trajectory.parquet`` next to the
sweep's results for the report to plot.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.analysis.tables import load_sweep, successful_runs
from sim.engine.outcome import labels
from sim.errors import UsageError, did_you_mean
from sim.results.atomic import atomic_write_table


def discover(results: str | Path, outcome: str = "deal", threshold: float = 0.8) -> tuple[pd.DataFrame, Path]:
    """PRIM (Friedman & Fisher 1999; the ``prim`` package): boxes of parameter space where ``outcome`` is likely."""
    import prim

    p, _manifest, _design, summary = load_sweep(results)
    known = labels(c[len("payoff_") :] for c in summary.columns if c.startswith("payoff_"))
    if outcome not in known:
        raise UsageError(f"unknown outcome '{outcome}'{did_you_mean(outcome, known)}: one of {', '.join(known)}")
    ok = successful_runs(summary)
    params = [c for c in ok.columns if c.startswith("sweep.")]
    x = ok[params].rename(columns=lambda c: c[len("sweep.") :]).astype(float)
    y = (ok["outcome"] == outcome).astype(float).to_numpy()
    if y.sum() == 0:
        raise UsageError(f"no run ended in '{outcome}': nothing to discover")
    box = prim.Prim(x.reset_index(drop=True), y, threshold=threshold, threshold_type=">=").find_box()
    limits = box.limits.reset_index().rename(columns={"index": "parameter"})
    stats = box.stats
    rows = []
    for _, r in limits.iterrows():
        rows.append(
            {
                "outcome": outcome,
                "parameter": r["parameter"],
                "min": float(r["min"]),
                "max": float(r["max"]),
                "coverage": float(stats["coverage"]),
                "density": float(stats["density"]),
                "mass": float(stats["mass"]),
            }
        )
    table = pd.DataFrame(rows, columns=["outcome", "parameter", "min", "max", "coverage", "density", "mass"])
    import pyarrow as pa

    atomic_write_table(p / "discovery.parquet", pa.Table.from_pandas(table, preserve_index=False))
    traj = box.peeling_trajectory.reset_index(drop=True)
    traj.columns = [str(c).replace(" ", "_") for c in traj.columns]
    atomic_write_table(p / "discovery_trajectory.parquet", pa.Table.from_pandas(traj, preserve_index=False))
    return table, p / "discovery.parquet"
