"""Reading a sweep's or a run's stored tables for analysis: one place for the conventions
(which folders are complete, which runs count)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from sim.errors import UsageError
from sim.results import require_complete
from sim.results.folder import failed_runs as failed_rows
from sim.results.folder import load_results, successful_runs

if TYPE_CHECKING:
    from sim.results.table import StoredTable

T = TypeVar("T", pd.DataFrame, "StoredTable")

__all__ = [
    "current_names",
    "failed_runs",
    "horizon_of",
    "load_sweep",
    "scenario_of",
    "successful_runs",  # kept here for the analyses; defined with the results folders
]


def load_sweep(results: str | Path) -> tuple[Path, dict, pd.DataFrame, pd.DataFrame]:
    """``(folder, manifest, design, summary)`` of a complete sweep's results folder."""
    p = Path(results)
    manifest = require_complete(p)
    if not (p / "design.parquet").is_file():
        raise UsageError(f"{p}: not a sweep results folder (no design.parquet)")
    summary = current_names(load_results(p).summary, "summary")
    try:
        design = pd.read_parquet(p / "design.parquet")
    except Exception as exc:  # a torn or foreign file: one line, exit 2
        raise UsageError(f"{p} is not a valid results folder: design.parquet cannot be read ({exc!s:.120})") from None
    if "point" not in design.columns:
        raise UsageError(f"{p} is not a valid results folder: design.parquet has no column 'point'")
    return p, manifest, design, summary


def failed_runs(summary: pd.DataFrame) -> int:
    """How many runs of a summary failed (an ``error`` recorded)."""
    return len(failed_rows(summary))


def scenario_of(manifest: dict) -> dict:
    """The resolved scenario a results folder was made from (a sweep's or an older folder's: reload its file)."""
    if "scenario" in manifest:
        return manifest["scenario"]
    from sim.engine.compile import load_scenario

    return load_scenario(manifest["scenario_file"]).model_dump(mode="json")


#: A swept horizon (``meta.horizon_days`` as a sweep parameter) is a column of the summary.
SWEPT_HORIZON = "sweep.meta.horizon_days"


def horizon_of(manifest: dict, summary: pd.DataFrame) -> float | pd.Series:
    """The horizon (days) each run of a results folder was simulated to: the scenario's
    ``meta.horizon_days``, or per run where a sweep varies it."""
    if SWEPT_HORIZON in summary:
        return summary[SWEPT_HORIZON].astype(float)
    return float(scenario_of(manifest)["meta"]["horizon_days"])


def current_names(table: T, kind: str) -> T:
    """``table`` (a DataFrame or a :class:`~sim.results.table.StoredTable`) with column names of
    older results folders renamed to today's.

    ``shortfall_<chokepoint>`` meant two things: in series the current share of
    demand unmet (now ``shortfall_share_<chokepoint>``), in the summary its
    integral over time in days of demand (now ``unmet_demand_days_<chokepoint>``).
    ``kind`` is ``"series"`` or ``"summary"``.
    """
    new = {"series": "shortfall_share_", "summary": "unmet_demand_days_"}[kind]
    renames = {
        c: new + c[len("shortfall_") :]
        for c in table.columns
        if c.startswith("shortfall_")
        and not c.startswith("shortfall_share_")
        and new + c[len("shortfall_") :] not in table.columns
    }
    return table.rename(columns=renames) if renames else table
