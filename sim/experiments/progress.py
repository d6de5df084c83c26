"""Progress on the terminal (runs done, runs/s, ETA) and the default worker count.

Rates count only the runs executed by this process since it started: runs resumed
from disk are done but took no time here, so they are in the count of runs done and
out of the rate and the ETA (:func:`rate`).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable


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


def rate(done: int, resumed: int, seconds: float) -> float:
    """Runs per second executed here: ``done - resumed`` runs in ``seconds`` (0 before any)."""
    ran = done - resumed
    return ran / seconds if ran > 0 and seconds > 0 else 0.0


def eta(total: int, done: int, runs_per_s: float) -> float:
    """Seconds left at ``runs_per_s`` (NaN while the rate is unknown)."""
    return (total - done) / runs_per_s if runs_per_s > 0 else float("nan")


class Progress:
    """Runs done, runs/s and ETA: a bar on a terminal, plain lines otherwise.

    ``resumed``: runs already on disk (a resumed sweep). They count as done from the
    start and never in the rate, which is of the runs this process executes.
    ``clock``: seconds, monotonic (tests pass their own).
    """

    def __init__(
        self,
        total: int,
        label: str,
        quiet: bool = False,
        resumed: int = 0,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.total, self.done, self.label, self.quiet = total, resumed, label, quiet
        self.resumed, self.clock = resumed, clock
        self.t0 = clock()
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
            # resumed runs are the task's starting point, not a step: rich's own speed and
            # time remaining see only the runs done here
            self._task = self._bar.add_task(label, total=total, completed=resumed, rate="-")
        elif resumed and not quiet:
            print(f"{label}: {resumed}/{total} runs resumed from disk", file=sys.stderr, flush=True)

    def rate(self) -> float:
        """Runs per second executed by this process so far."""
        return rate(self.done, self.resumed, self.clock() - self.t0)

    def advance(self, n: int) -> None:
        self.done += n
        now = self.clock()
        runs_per_s = rate(self.done, self.resumed, now - self.t0)
        if self._bar is not None:
            self._bar.update(self._task, advance=n, rate=f"{runs_per_s:,.0f}")
        elif not self.quiet and (now - self.last_line > 5 or self.done == self.total):
            self.last_line = now
            print(
                f"{self.label}: {self.done}/{self.total} runs, {runs_per_s:,.0f} runs/s, "
                f"ETA {eta(self.total, self.done, runs_per_s):,.0f} s",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
