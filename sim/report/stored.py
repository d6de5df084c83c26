"""Reading a results folder for a page: the manifest, the tables (scanned, never loaded whole),
the resolved scenario."""

from __future__ import annotations

from pathlib import Path

from sim.analysis.tables import current_names, scenario_of
from sim.errors import UsageError
from sim.report.sections import Report
from sim.results import require_complete
from sim.results.folder import load_results
from sim.results.table import StoredTable


def read_tables(folder: Path) -> tuple[dict, StoredTable, StoredTable, StoredTable]:
    """``(manifest, summary, events, series)`` of a complete run or sweep folder, as tables to
    scan (with today's column names; tables with no rows where absent). Reads no rows."""
    manifest = require_complete(folder)
    kind = manifest.get("kind")
    if kind in ("game", "tournament"):
        raise UsageError(f"{folder} holds a {kind}, not runs: its page is {folder / 'report.html'}")
    res = load_results(folder)  # checks the folder, reads nothing
    summary = current_names(res.table("summary"), "summary")
    return manifest, summary, res.table("events"), current_names(res.table("series"), "series")


def finished(summary: StoredTable) -> tuple[StoredTable, int]:
    """The runs that finished (``error`` null; all runs without the column) and how many failed."""
    if "error" not in summary:
        return summary, 0
    ok = summary.where(summary.field("error").is_null())
    return ok, len(summary) - len(ok)


def load_report(folder: str | Path) -> Report:
    """Everything the report's sections read, from one results folder."""
    import pyarrow as pa

    folder = Path(folder)
    manifest, summary, events, series = read_tables(folder)
    ok, failed = finished(summary)
    if failed:  # failed runs have no events or series rows; filtered all the same
        runs = pa.array(ok["run"].to_numpy())
        events = events.where(events.field("run").isin(runs)) if "run" in events else events
        series = series.where(series.field("run").isin(runs)) if "run" in series else series
    return Report(folder, manifest, scenario_of(manifest), ok, events, series, failed)
