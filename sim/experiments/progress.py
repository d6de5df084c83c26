"""Progress on the terminal (runs done, runs/s, ETA) and the default worker count."""

from __future__ import annotations

import os
import sys
import time


def default_workers() -> int:
    """All cores (``os.cpu_count()``)."""
    return os.cpu_count() or 1


def cap_workers(workers: int | None, executor: str = "processes", scheduler: str | None = None) -> int | None:
    """Local workers are capped at the cores (more only queue for the same cores and
    each costs a process's memory), with a note on stderr; a Dask scheduler's size is its own."""
    if workers is None or scheduler or executor == "serial":
        return workers
    cores = default_workers()
    if workers > cores:
        print(f"tradesim: note: {workers} workers asked for, using the {cores} cores of this machine", file=sys.stderr)
        return cores
    return workers


class Progress:
    """Runs done, runs/s and ETA: a bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int, label: str, quiet: bool = False) -> None:
        self.total, self.done, self.label, self.quiet = total, 0, label, quiet
        self.t0 = time.perf_counter()
        self.last_line = self.t0
        self._bar = None
        if not quiet and sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} runs/s"),
                TimeRemainingColumn(),
                transient=True,
            )
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
            print(
                f"{self.label}: {self.done}/{self.total} runs, {rate:,.0f} runs/s, ETA {eta:,.0f} s",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
