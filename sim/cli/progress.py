"""Progress of the long commands that count their own work: ``game``, ``tournament``, bootstrap resamples.

The same behaviour as ``run`` and ``sweep`` (:mod:`sim.experiments.progress`): on stderr, a
rich bar with the rate and the time left when stderr is a terminal, a few plain lines
(no control characters) when it is not, nothing with ``--quiet``. The rate is the work
this process did divided by the time since it started; the time left is the work left at
that rate, counted down between updates.

Rich is imported when a bar is shown, not when this module is imported (start-up stays fast).
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

#: Seconds between two plain lines (a log gets a few lines, not one per unit of work).
PLAIN_EVERY = 5.0


def duration(seconds: float) -> str:
    """``42 s``, ``3 min 05 s``, ``2 h 07 min``: a time left or taken, for people."""
    if seconds != seconds or seconds == float("inf"):  # nan or inf: no estimate yet
        return "-"
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class Work:
    """``total`` units of work (``unit``: "runs", "resamples"), advanced as they finish.

    Use as a context manager, so a bar is taken down before an error message is printed::

        with Work(800, "game: 4 policy pairs", quiet=args.quiet) as work:
            play(..., progress=work.advance)
    """

    def __init__(
        self,
        total: int,
        label: str,
        unit: str = "runs",
        quiet: bool = False,
        stream: TextIO | None = None,
        every: float = PLAIN_EVERY,
    ) -> None:
        self.total, self.label, self.unit, self.quiet, self.every = total, label, unit, quiet, every
        self.stream = sys.stderr if stream is None else stream
        self.done = 0
        self.t0 = time.perf_counter()
        self._last_line = self.t0
        self._bar: Any = None
        self._closed = False
        if not quiet and _is_terminal(self.stream):
            self._bar, self._task = _start_bar(self.stream, label, total, unit)

    def rate(self) -> float:
        """Units per second done by this process since it started."""
        return self.done / max(time.perf_counter() - self.t0, 1e-9)

    def eta(self) -> float:
        """Seconds left at the current rate (nan before the first unit)."""
        r = self.rate()
        return (self.total - self.done) / r if self.done else float("nan")

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.update(
                self._task,
                completed=self.done,
                rate=f"{self.rate():,.1f}" if self.rate() < 10 else f"{self.rate():,.0f}",
                eta=self.eta(),
                at=self._bar.get_time(),
            )
            return
        now = time.perf_counter()
        if now - self._last_line >= self.every and self.done < self.total:
            self._last_line = now
            self._line(
                f"{self.done:,}/{self.total:,} {self.unit}, {self.rate():,.1f} {self.unit}/s, "
                f"ETA {duration(self.eta())}"
            )

    def close(self) -> None:
        """Take the bar down; on a plain stream, one closing line if all the work was done."""
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.stop()
        elif not self.quiet and self.done >= self.total:
            took = time.perf_counter() - self.t0
            self._line(
                f"{self.done:,}/{self.total:,} {self.unit} in {duration(took)}, {self.rate():,.1f} {self.unit}/s"
            )

    def _line(self, text: str) -> None:
        print(f"{self.label}: {text}", file=self.stream, flush=True)

    def __enter__(self) -> Work:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _start_bar(stream: TextIO, label: str, total: int, unit: str) -> tuple[Any, Any]:
    """A transient rich bar: label, bar, done/total, rate, elapsed, time left."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress
    from rich.text import Text

    class TimeLeft(ProgressColumn):
        """The time left at the last update, counted down until the next one."""

        def render(self, task: Any) -> Text:
            eta, at = task.fields.get("eta", float("nan")), task.fields.get("at", 0.0)
            return Text(f"ETA {duration(eta - (task.get_time() - at))}", style="progress.remaining")

    bar = RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} " + unit + "/s"),
        TimeElapsedColumn(),
        TimeLeft(),
        console=Console(file=stream),
        transient=True,
    )
    bar.start()
    task = bar.add_task(label, total=total, rate="-", eta=float("nan"), at=0.0)
    return bar, task


def steps(work: Work) -> Any:
    """A ``progress(done, total)`` callback that advances ``work`` to ``done``."""

    def tick(done: int, _total: int) -> None:
        if done > work.done:
            work.advance(done - work.done)

    return tick


def build_report_with_progress(folder: Any, quiet: bool = False, run: int | None = None) -> Any:
    """``sim.report.build.build_report`` with a progress display of its steps (sections)."""
    from sim.report import build

    with Work(build.steps(), f"building {build.report_name(run)}", unit="steps", quiet=quiet) as work:
        return build.build_report(folder, steps(work), run=run)
