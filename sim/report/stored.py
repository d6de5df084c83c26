"""Reading a results folder for a page: the manifest, the tables, the resolved scenario."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.analysis.tables import current_names, failed_runs, scenario_of, successful_runs
from sim.errors import UsageError
from sim.report.sections import Report
from sim.results import require_complete
from sim.results.folder import load_results


def read_results(folder: Path) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(manifest, summary, events, series)`` of a complete run or sweep folder (empty tables where absent)."""
    manifest = require_complete(folder)
    kind = manifest.get("kind")
    if kind in ("game", "tournament"):
        raise UsageError(f"{folder} holds a {kind}, not runs: its page is {folder / 'report.html'}")
    res = load_results(folder)
    return manifest, current_names(res.summary, "summary"), res.events, current_names(res.series, "series")


def load_report(folder: str | Path) -> Report:
    """Everything the report's sections read, from one results folder."""
    folder = Path(folder)
    manifest, summary, events, series = read_results(folder)
    ok = successful_runs(summary)
    if not events.empty and "run" in summary:
        events = events[events["run"].isin(ok["run"])]
    if not series.empty and "run" in summary:
        series = series[series["run"].isin(ok["run"])]
    return Report(folder, manifest, scenario_of(manifest), ok, events, series, failed_runs(summary))
