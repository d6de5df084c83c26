"""Reading a sweep's or a run's stored tables for analysis: one place for the conventions
(which folders are complete, which runs count)."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.errors import UsageError


def load_sweep(results: str | Path) -> tuple[Path, dict, pd.DataFrame, pd.DataFrame]:
    """``(folder, manifest, design, summary)`` of a complete sweep's results folder."""
    p = Path(results)
    if not (p / "manifest.json").is_file() or not (p / "design.parquet").is_file():
        raise UsageError(f"{p}: not a sweep results folder (no manifest.json / design.parquet)")
    manifest = json.loads((p / "manifest.json").read_text())
    if manifest.get("status") != "complete":
        raise UsageError(f"{p}: the sweep is {manifest.get('status')}; run it to completion first")
    return p, manifest, pd.read_parquet(p / "design.parquet"), pd.read_parquet(p / "summary.parquet")


def successful_runs(summary: pd.DataFrame) -> pd.DataFrame:
    """The runs that finished: rows of a summary whose ``error`` is null (all rows without the column).

    A failed sweep run has a row with its error and NaN outcomes; counted, it
    would look like a run without a deal (censored at the horizon). Every
    aggregate, section and analysis takes its runs from here.
    """
    return summary[summary["error"].isna()] if "error" in summary else summary


def failed_runs(summary: pd.DataFrame) -> int:
    """How many runs of a summary failed (an ``error`` recorded)."""
    return int(summary["error"].notna().sum()) if "error" in summary else 0
