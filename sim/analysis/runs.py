"""Single runs worth reading: which runs to show (the representative run and the outliers), and
one run's events with its state at each of them, for the report's run explorer.

Runs are chosen from a few summary columns; a run's events and series rows are read with a
filter on ``run`` (row groups of other runs are skipped unread), so the cost of a run's story
does not grow with the number of runs in the folder.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from sim.analysis.aggregate import columns_of, representative_run
from sim.engine.outcome import CAPITULATION, DEAL

if TYPE_CHECKING:
    import pandas as pd

    from sim.results.table import StoredTable

Columns: TypeAlias = "pd.DataFrame | StoredTable"

#: Events of one run embedded at most (a run's first ones): a run of the shipped scenarios has a
#: few dozen to a few hundred, so this only bounds the page for a pathological run (~100 bytes each).
MAX_EVENTS = 1000
#: Series columns shown as a run's state, by prefix (instruments are the ``ACTOR.name`` columns).
STATE_PREFIXES = ("stock_", "shortfall_share_", "hostility", "loss_")


def choose_runs(summary: Columns, first: int | None = None) -> list[tuple[int, str]]:
    """``[(run, why)]``: the runs worth exploring, each once (reasons joined), ``first`` first.

    The representative run (the run whose payoffs lie closest, in standard units, to the median
    payoffs: :func:`sim.analysis.aggregate.representative_run`, the event timeline's run), each
    actor's lowest and highest payoff, the latest deal, the first capitulation and the first run
    without a deal or capitulation, if any.
    """
    payoffs = [c for c in summary.columns if c.startswith("payoff_")]
    s = columns_of(summary, ["run", "outcome", "deal_day", *payoffs]).reset_index(drop=True)
    chosen: dict[int, list[str]] = {}

    def add(run: Any, why: str) -> None:
        chosen.setdefault(int(run), []).append(why)

    if first is not None:
        add(first, "chosen")
    if len(s) == 0:
        return [(r, "; ".join(w)) for r, w in chosen.items()]
    if payoffs:
        add(representative_run(s), "representative: payoffs closest to the median")
    for c in payoffs:
        x = s[c].astype(float)
        if x.notna().any():
            add(s.loc[x.idxmin(), "run"], f"lowest payoff of {c[len('payoff_') :]}")
            add(s.loc[x.idxmax(), "run"], f"highest payoff of {c[len('payoff_') :]}")
    days = s["deal_day"].astype(float)
    if days.notna().any():
        add(s.loc[days.idxmax(), "run"], "latest deal")
    outcome = s["outcome"].astype(str)
    cap = outcome.str.startswith(CAPITULATION)
    if cap.any():
        add(s.loc[cap.idxmax(), "run"], outcome[cap.idxmax()].replace("_", " of ", 1))
    other = (outcome != DEAL) & ~cap
    if other.any():
        add(s.loc[other.idxmax(), "run"], f"no deal ({outcome[other.idxmax()]})")
    return [(r, "; ".join(w)) for r, w in chosen.items()]


def state_columns(columns: list[str]) -> list[str]:
    """The series columns that make up a run's state: instruments (``ACTOR.name``), stocks in days of
    cover, shortfall shares, the hostility index and each side's loss so far (beliefs left out)."""
    return [c for c in columns if "." in c or c.startswith(STATE_PREFIXES)]


def _number(v: Any, digits: int = 4) -> float | None:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    x = float(v)
    if not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def _text(v: Any) -> str:
    return v if isinstance(v, str) else ""


def of_runs(table: Columns, runs: list[int]) -> Columns:
    """The rows of ``runs`` only, read in one filtered scan (row groups of other runs are skipped
    unread); a table without a ``run`` column (nothing stored) is returned as it is."""
    from sim.results.table import StoredTable

    stored = StoredTable.of(table)
    if stored.empty or "run" not in stored:
        return table
    return stored.frame(filter=stored.field("run").isin(runs))


def run_story(events: Columns, series: Columns, run: int, max_events: int = MAX_EVENTS) -> dict[str, Any]:
    """One run's events and state rows, columnwise and JSON-ready (non-finite numbers as ``None``).

    ``events``: ``t, actor, kind, instrument, old, new, note`` per event, in time order.
    ``series``: ``t`` and the :func:`state_columns` of each series row; the state at an event is
    the last row at or before its time (rows at the same time come after the events there).
    ``events_total``: the run's number of events; only the first ``max_events`` (and the series rows
    up to the last of them) are kept.
    """
    from sim.results.table import StoredTable

    ev_table, se_table = StoredTable.of(events), StoredTable.of(series)
    ev_cols = ["t", "actor", "kind", "instrument", "old", "new", "note"]
    story: dict[str, Any] = {"events": {c: [] for c in ev_cols}, "series": {"t": []}, "events_total": 0}
    until = math.inf
    if not ev_table.empty and "run" in ev_table:
        ev = ev_table.frame(ev_cols, filter=ev_table.field("run") == run)
        ev = ev.sort_values("t", kind="stable")
        story["events_total"] = len(ev)
        if len(ev) > max_events:
            ev = ev.iloc[:max_events]
            until = float(ev["t"].iloc[-1])
        story["events"] = {
            c: [(_number(v, 9) if c == "t" else _number(v)) if c in ("t", "old", "new") else _text(v) for v in ev[c]]
            if c in ev
            else [None] * len(ev)
            for c in ev_cols
        }
    if not se_table.empty and "run" in se_table:
        cols = state_columns(se_table.columns)
        rows = se_table.frame(["t", *cols], filter=se_table.field("run") == run)
        rows = rows.sort_values("t", kind="stable")
        rows = rows[rows["t"] <= until]
        story["series"] = {"t": [_number(v, 9) for v in rows["t"]]}
        story["series"].update({c: [_number(v) for v in rows[c]] for c in cols})
    return story
