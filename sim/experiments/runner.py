"""Monte Carlo: many runs of one scenario, on one core or many.

Runs are split into chunks by index; each chunk returns arrow tables; chunks are
put back together in index order, so the tables are identical whatever the
number of workers and whatever order the chunks finish in.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Callable

import numpy as np
import pyarrow as pa

from sim.engine.core import RunResult, run_replication, series_columns
from sim.engine.events import EVENT_COLUMNS
from sim.scenario.schema import Scenario


class RunFailed(RuntimeError):
    """A run raised; carries the run index and seed so it can be replayed."""

    def __init__(self, run: int, seed: int, error: str) -> None:
        super().__init__(f"run {run} (seed {seed}) failed: {error}")
        self.run, self.seed, self.error = run, seed, error


def _tables(sc: Scenario, results: list[RunResult], record_series: bool) -> tuple[pa.Table, pa.Table, pa.Table]:
    summary = pa.Table.from_pylist([r.summary for r in results])
    ev_cols: dict[str, list] = {"run": []}
    for c in EVENT_COLUMNS:
        ev_cols[c] = []
    for r in results:
        ev_cols["run"].extend([r.run] * len(r.events))
        for i, c in enumerate(EVENT_COLUMNS):
            ev_cols[c].extend(getattr(e, c) for e in r.events)
    events = pa.table({
        "run": pa.array(ev_cols["run"], pa.int64()),
        "t": pa.array([float(x) for x in ev_cols["t"]], pa.float64()),
        "actor": pa.array(ev_cols["actor"], pa.string()),
        "kind": pa.array([k.value for k in ev_cols["kind"]], pa.string()),
        "instrument": pa.array(ev_cols["instrument"], pa.string()),
        "old": pa.array([None if x is None else float(x) for x in ev_cols["old"]], pa.float64()),
        "new": pa.array([None if x is None else float(x) for x in ev_cols["new"]], pa.float64()),
        "note": pa.array(ev_cols["note"], pa.string()),
    })
    cols = series_columns(sc)
    if record_series and results:
        runs = np.concatenate([np.full(len(r.series), r.run, dtype=np.int64) for r in results])
        mat = np.asarray([row for r in results for row in r.series], dtype=float)
        if mat.size == 0:
            mat = mat.reshape(0, len(cols))
        series = pa.table({"run": runs, **{c: mat[:, i] for i, c in enumerate(cols)}})
    else:
        series = pa.table({"run": pa.array([], pa.int64()), **{c: pa.array([], pa.float64()) for c in cols}})
    return summary, events, series


def run_chunk(sc: Scenario, seed: int, runs: list[int], record_series: bool = True
              ) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Run the given run indices; return (summary, events, series) tables."""
    out = []
    for i in runs:
        try:
            out.append(run_replication(sc, seed, i, record_series))
        except Exception as exc:  # a model bug or a pathological parameter draw
            raise RunFailed(i, seed, f"{type(exc).__name__}: {exc}") from exc
    return _tables(sc, out, record_series)


def _chunks(n: int, workers: int) -> list[list[int]]:
    size = max(1, min(250, n // max(1, workers * 8)))
    return [list(range(i, min(n, i + size))) for i in range(0, n, size)]


def ignore_sigint() -> None:
    """Worker initialiser: Ctrl-C is the driver's to handle (it stops cleanly and says how far it got)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_workers() -> int:
    return os.cpu_count() or 1


class Progress:
    """Runs done, runs/s and ETA: a bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int, label: str, quiet: bool = False) -> None:
        self.total, self.done, self.label, self.quiet = total, 0, label, quiet
        self.t0 = time.perf_counter()
        self.last_line = self.t0
        self._bar = None
        if not quiet and sys.stderr.isatty():
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as RichProgress,
                                       TextColumn, TimeRemainingColumn)
            self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.fields[rate]} runs/s"), TimeRemainingColumn(),
                                     transient=True)
            self._bar.start()
            self._task = self._bar.add_task(label, total=total, rate="-")

    def advance(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        rate = self.done / max(now - self.t0, 1e-9)
        if self._bar is not None:
            self._bar.update(self._task, advance=n, rate=f"{rate:,.0f}")
        elif not self.quiet and (now - self.last_line > 5 or self.done == self.total):
            self.last_line = now
            eta = (self.total - self.done) / rate if rate > 0 else float("nan")
            print(f"{self.label}: {self.done}/{self.total} runs, {rate:,.0f} runs/s, ETA {eta:,.0f} s",
                  file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def monte_carlo(sc: Scenario, runs: int, seed: int, workers: int | None = None,
                record_series: bool = True, quiet: bool = True,
                on_progress: Callable[[int], None] | None = None) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Run ``runs`` replications; return (summary, events, series) in run order."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    workers = default_workers() if workers is None else max(1, workers)
    chunks = _chunks(runs, workers)
    progress = Progress(runs, sc.meta.name, quiet)
    parts: dict[int, tuple[pa.Table, pa.Table, pa.Table]] = {}
    try:
        if workers == 1 or len(chunks) == 1:
            for k, chunk in enumerate(chunks):
                parts[k] = run_chunk(sc, seed, chunk, record_series)
                progress.advance(len(chunk))
        else:
            ctx = mp.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=ctx,
                                     initializer=ignore_sigint) as pool:
                pending = {pool.submit(run_chunk, sc, seed, chunk, record_series): (k, len(chunk))
                           for k, chunk in enumerate(chunks)}
                try:
                    while pending:
                        done, _ = wait(pending, return_when=FIRST_COMPLETED)
                        for fut in done:
                            k, n = pending.pop(fut)
                            parts[k] = fut.result()
                            progress.advance(n)
                except BaseException:
                    for fut in pending:
                        fut.cancel()
                    raise
    finally:
        progress.close()
    ordered = [parts[k] for k in range(len(chunks))]
    return tuple(pa.concat_tables([p[i] for p in ordered], promote_options="default")
                 for i in range(3))  # type: ignore[return-value]
