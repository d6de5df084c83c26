"""Reading a results folder: :func:`load_results` and the lazy :class:`Results`.

:func:`load_results` checks the folder at once — its manifest and status, that every
table is there and is parquet a reader can open, that the summary has the columns every
reader needs — but reads no rows: a table is read the first time it is asked for
(``res.summary``, ``res.events``, ``res.series``, then kept), and
:meth:`Results.table` scans one without loading it (a column or a batch at a time,
:class:`~sim.results.table.StoredTable`), which is how ``tradesim run``'s statistics and
the report read 100,000 runs in bounded memory.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import UsageError
from sim.results.manifest import COMPLETE, RUN_TABLES, expected_tables, invalid, read_manifest, require_complete
from sim.results.table import StoredTable

if TYPE_CHECKING:
    import pandas as pd


class Results:
    """The tables of a Monte Carlo (or a sweep), and where they are on disk.

    ``summary`` has one row per run, ``events`` one row per event, ``series`` the
    state on a weekly grid and at every move (summary statistics:
    :func:`sim.analysis.summary.summary_stats`), each a pandas DataFrame. In a sweep, a
    run that raised (or a design point that is not a valid scenario) is a summary row
    whose ``error`` is set and whose outcome columns are empty: analyses must use :attr:`ok`.

    A table given to the constructor is kept as it is; one not given is read from the
    folder ``path`` the first time it is asked for, and kept (an absent table is an
    empty DataFrame). :meth:`table` scans a table without loading it.
    """

    def __init__(
        self,
        summary: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        series: pd.DataFrame | None = None,
        path: Path | None = None,
        manifest: dict[str, Any] | None = None,
    ) -> None:
        self.path = None if path is None else Path(path)
        self.manifest: dict[str, Any] = {} if manifest is None else manifest
        self._frames: dict[str, pd.DataFrame | None] = {"summary": summary, "events": events, "series": series}

    def _frame(self, name: str) -> pd.DataFrame:
        frame = self._frames[name]
        if frame is None:
            frame = read_table(self.path, name) if self.path is not None else _empty()
            self._frames[name] = frame
        return frame

    @property
    def summary(self) -> pd.DataFrame:
        return self._frame("summary")

    @property
    def events(self) -> pd.DataFrame:
        return self._frame("events")

    @property
    def series(self) -> pd.DataFrame:
        return self._frame("series")

    @property
    def loaded(self) -> list[str]:
        """The tables held in memory (given, or read since)."""
        return [name for name, frame in self._frames.items() if frame is not None]

    def table(self, name: str) -> StoredTable:
        """Table ``name`` to scan by column or batch: the frame if it is in memory, else the file."""
        frame = self._frames.get(name)
        if frame is not None:
            return StoredTable.of(frame)
        f = None if self.path is None else self.path / f"{name}.parquet"
        return StoredTable(f if f is not None and f.is_file() else None)

    @property
    def start(self) -> dt.date | None:
        s = self.manifest.get("scenario", {}).get("meta", {}).get("start")
        return dt.date.fromisoformat(s) if s else None

    @property
    def failed(self) -> pd.DataFrame:
        """Summary rows of runs that failed (``error`` set); empty for a Monte Carlo."""
        return failed_runs(self.summary)

    @property
    def ok(self) -> pd.DataFrame:
        """Summary rows of the runs that completed: what analyses should use."""
        return successful_runs(self.summary)

    def __repr__(self) -> str:
        return f"Results({len(self.table('summary'))} runs, path={str(self.path)!r})"


def _empty() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


def successful_runs(summary: pd.DataFrame) -> pd.DataFrame:
    """The runs that finished: rows whose ``error`` is null (all rows without the column).

    A failed sweep run has a row with its error and NaN outcomes; counted, it would
    look like a run without a deal (censored at the horizon). Every aggregate, report
    section and analysis takes its runs from here.
    """
    return summary[summary["error"].isna()] if "error" in summary.columns else summary


def failed_runs(summary: pd.DataFrame) -> pd.DataFrame:
    """Rows of runs that failed (an ``error`` recorded); empty without the column."""
    return summary[summary["error"].notna()] if "error" in summary.columns else summary.iloc[0:0]


def read_table(path: Path, name: str) -> pd.DataFrame:
    """Table ``name`` of the folder ``path`` as a DataFrame (empty if the file is absent)."""
    import pandas as pd
    import pyarrow as pa

    f = path / f"{name}.parquet"
    if not f.is_file():
        return pd.DataFrame()
    try:
        return pd.read_parquet(f)
    except (OSError, ValueError, pa.ArrowException) as exc:  # ArrowInvalid is a ValueError
        raise invalid(path, f"{name}.parquet cannot be read ({type(exc).__name__}: {exc})") from None


def _columns(path: Path, name: str) -> list[str] | None:
    """The columns of table ``name`` from its parquet footer (``None`` if the file is absent)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    f = path / f"{name}.parquet"
    if not f.is_file():
        return None
    try:
        return list(pq.read_schema(f).names)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise invalid(path, f"{name}.parquet cannot be read ({type(exc).__name__}: {exc})") from None


def load_results(path: str | Path, allow_incomplete: bool = False) -> Results:
    """Open a results folder written by ``tradesim run``/``sweep`` (or :func:`sim.run`).

    Refuses a folder that is not complete (see :func:`sim.results.require_complete`)
    unless ``allow_incomplete``; then the tables missing so far are empty. A folder
    whose manifest or tables are not what tradesim writes (corrupt, truncated, edited)
    raises :class:`~sim.errors.UsageError` naming what is wrong, in one line. Reads
    every table's parquet footer, no rows: the tables are read when first used.
    """
    p = Path(path)
    manifest = read_manifest(p) if allow_incomplete else require_complete(p)
    if manifest.get("status", COMPLETE) == COMPLETE:
        for name in expected_tables(manifest):
            if not (p / f"{name}.parquet").is_file():
                raise UsageError(f"{p}: {name}.parquet is missing")
    found = {name: _columns(p, name) for name in dict.fromkeys([*RUN_TABLES, *expected_tables(manifest)])}
    summary = found["summary"]
    if summary is not None:
        needed = ["run"] if manifest.get("kind") == "sweep" else ["run", "outcome"]
        missing = [c for c in needed if c not in summary]
        if missing:
            raise invalid(p, f"summary.parquet has no column {', '.join(repr(c) for c in missing)}")
    return Results(path=p, manifest=manifest)
