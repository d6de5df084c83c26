"""The one execution path: chunks of runs on an executor, streamed into a results folder.

A Monte Carlo (``tradesim run``, :func:`sim.run`) and a sweep both come here as a
:class:`Plan`: a :class:`~sim.experiments.chunk.ChunkJob` and its tasks cut into
chunks. Chunks are submitted to the executor a few at a time; each finished chunk
is written to the folder's ``parts/`` at once (memory holds only the chunks in
flight); the parts are consolidated in chunk order at the end, so the tables are
the same whatever the executor, the number of workers and the order in which
chunks finish. A sweep resumes from the parts on disk; a Monte Carlo that stops
early keeps its folder, marked ``interrupted`` or ``failed``, with the chunks done
(its run id is new every time, so a rerun starts a new folder).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.chunk import ChunkJob, Task, TaskRange, run_chunk
from sim.experiments.executors.base import SCHEDULER_EXECUTOR, Executor, make_executor
from sim.experiments.progress import Progress, default_workers
from sim.results.folder import ResultsFolder
from sim.results.manifest import FAILED, INTERRUPTED
from sim.results.parts import part_path


class SweepInterrupted(Exception):
    """Ctrl-C or SIGTERM: what was done is on disk, the folder's status is ``interrupted``."""

    def __init__(self, done: int, total: int, path: Path, resumable: bool = True) -> None:
        then = (
            "run the same command to resume"
            if resumable
            else "the runs done are kept there (status: interrupted); a Monte Carlo starts afresh when rerun"
        )
        super().__init__(f"interrupted after {done} of {total} runs; {then} ({path})")
        self.done, self.total, self.path, self.resumable = done, total, path, resumable


class JobStopped(Exception):
    """The job stopped for a reason the message explains, with what to do (exit 1, no traceback)."""


class ChunkStalled(JobStopped):
    """The watchdog: no chunk finished for ``stall_seconds`` (not a Ctrl-C: exit 1, status ``interrupted``)."""

    def __init__(
        self, chunks: list[int], all_chunks: list[Sequence[Task]], seconds: float | None, resumable: bool = True
    ) -> None:
        runs = [t[0] for k in chunks for t in all_chunks[k]]
        then = "rerun to resume" if resumable else "a Monte Carlo starts afresh when rerun"
        super().__init__(
            f"stalled: no chunk finished in {seconds:g} s; {then} (chunks {', '.join(map(str, chunks[:10]))}"
            f"{' ...' if len(chunks) > 10 else ''} in flight, runs {min(runs)}-{max(runs)}; the runs done are "
            f"on disk, status: interrupted; give a longer --stall-timeout if runs are this slow)"
        )


class AllRunsFailed(JobStopped):
    """Every run of a sweep failed: the folder is complete (each run's error is in the
    summary), but there is nothing to analyse."""


class SweepFailed(Exception):
    """--fail-fast: a run raised."""


@dataclass(frozen=True)
class Plan:
    """One experiment cut into chunks.

    ``resumable``: a rerun of the same command finds the folder and resumes (a sweep);
    a Monte Carlo's folder has a new run id each time, so a stopped one is kept with
    its status and parts for inspection, and a rerun starts afresh. ``keep_parts``: leave ``parts/`` after
    consolidation (a sweep reruns to "all chunks on disk").
    """

    label: str
    job: ChunkJob
    chunks: list[Sequence[Task]]
    resumable: bool
    keep_parts: bool

    @property
    def runs(self) -> int:
        return sum(len(c) for c in self.chunks)


@dataclass(frozen=True)
class Execution:
    """Where and how the chunks run (results do not depend on it)."""

    executor: str = "processes"
    workers: int | None = None
    scheduler: str | None = None
    fail_fast: bool = False
    quiet: bool = True
    #: The watchdog: seconds without a finished chunk before the job stops as
    #: stalled (a chosen limit: a chunk of the shipped scenarios takes seconds; an
    #: hour leaves room for scenarios a thousand times slower, and the event budget
    #: bounds every run). ``None``: wait forever.
    stall_seconds: float | None = 3600.0

    @property
    def executor_name(self) -> str:
        return SCHEDULER_EXECUTOR if self.scheduler else self.executor


@dataclass
class Outcome:
    path: Path
    runs: int
    failed: int
    resumed_runs: int


def grid_tasks(points: list[dict[str, Any]], replications: int) -> TaskRange:
    """Tasks of a design: run ``point * replications + r`` is replication ``r`` of a point
    (a :class:`TaskRange`: the tasks are made when read, a chunk of them is a range)."""
    return TaskRange(0, len(points) * replications, replications, dict(enumerate(points)))


def cut(tasks: Sequence[Task], size: int) -> list[Sequence[Task]]:
    """Consecutive chunks of ``size`` tasks."""
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


def monte_carlo_chunk_runs(runs: int, workers: int) -> int:
    """Chunk size of a Monte Carlo: about 8 chunks per worker (so progress moves and
    workers stay busy near the end), at most 250 runs (bounded memory per chunk)."""
    return max(1, min(250, runs // max(1, workers * 8)))


def errors_in(summary: pa.Table) -> int:
    """Rows of a summary table with ``error`` set."""
    if "error" not in summary.column_names:
        return 0
    col = summary.column("error")
    return len(col) - col.null_count


def _first_failure(summary: pa.Table, seed: int) -> SweepFailed:
    df = summary.to_pandas()
    bad = df[df["error"].notna()].iloc[0]
    return SweepFailed(
        f"run {int(bad['run'])} (point {int(bad['point'])}, replication "
        f"{int(bad['replication'])}, seed {seed}) failed: {bad['error']}"
    )


def run_plan(plan: Plan, how: Execution, open_folder: Callable[[], ResultsFolder]) -> Outcome:
    """Start (or connect) the executor, then open the results folder, then :func:`execute`.

    In this order, an executor that cannot start — a ``--scheduler`` that is not a
    Dask scheduler — is refused before anything is written.
    """
    ex = make_executor(how.executor, min(how.workers or default_workers(), max(1, len(plan.chunks))), how.scheduler)
    try:
        folder = open_folder()
    except BaseException:
        ex.shutdown(wait=False)
        raise
    return execute(plan, folder, how, ex)


def execute(plan: Plan, folder: ResultsFolder, how: Execution, executor: Executor | None = None) -> Outcome:
    """Run the chunks not yet in ``folder``, consolidate, mark it complete.

    Stopped early, the folder keeps what is on disk and an honest status:
    ``interrupted`` (Ctrl-C, SIGTERM, a stalled chunk) or ``failed`` (a run failed a
    Monte Carlo, ``--fail-fast``, an internal error). A sweep resumes from it.
    """
    try:
        return _execute(plan, folder, how, executor)
    finally:
        folder.close()


def _execute(plan: Plan, folder: ResultsFolder, how: Execution, ex: Executor | None) -> Outcome:
    n = len(plan.chunks)
    done = folder.done(n)
    resumed = sum(len(plan.chunks[k]) for k in done)
    failed = sum(errors_in(pq.read_table(part_path(folder.path, "summary", k))) for k in done)
    folder.manifest["executor"] = how.executor_name
    folder.start(resumed, len(done), failed)
    todo = [k for k in range(n) if k not in done]
    workers = how.workers or default_workers()
    progress: Progress | None = None
    finished = False
    try:
        if ex is None:  # before the progress bar's thread: workers may be forked from this process
            ex = make_executor(how.executor, min(workers, max(1, len(todo))), how.scheduler)
        progress = Progress(plan.runs, plan.label, how.quiet, resumed=resumed)  # rates: runs executed here only
        in_flight: dict[Any, int] = {}
        while todo or in_flight:
            # two chunks per worker: each has its next chunk queued while the driver writes parts
            while todo and len(in_flight) < max(2, 2 * workers):
                k = todo.pop(0)
                in_flight[ex.submit(run_chunk, plan.job, plan.chunks[k])] = k
            ready = ex.wait_any(list(in_flight), timeout=how.stall_seconds)
            if not ready:
                raise ChunkStalled(sorted(in_flight.values()), plan.chunks, how.stall_seconds, plan.resumable)
            for fut in sorted(ready, key=lambda f: in_flight[f]):
                k = in_flight.pop(fut)
                tables = fut.result()
                n_err = errors_in(tables["summary"])
                folder.write_chunk(k, tables, len(plan.chunks[k]), n_err)
                failed += n_err
                progress.advance(len(plan.chunks[k]))
                if n_err and how.fail_fast:
                    raise _first_failure(tables["summary"], plan.job.seed)
        finished = True
        progress.close()
        ex.shutdown(wait=True)
        ex = None
        folder.manifest["progress"]["failed"] = failed
        folder.finish(n, keep_parts=plan.keep_parts, failed_runs=failed)
    except BaseException as exc:
        _stopped(plan, folder, exc)
        raise
    finally:
        if progress is not None:
            progress.close()
        if ex is not None:
            ex.shutdown(wait=finished)
    return Outcome(folder.path, plan.runs, failed, resumed)


def _stopped(plan: Plan, folder: ResultsFolder, exc: BaseException) -> None:
    """Record why the experiment stopped in the manifest (the parts on disk stay)."""
    interrupted = isinstance(exc, (KeyboardInterrupt, ChunkStalled))
    if isinstance(exc, Exception):
        exc.results_path = folder.path  # type: ignore[attr-defined]  # where the CLI points
    folder.manifest["stopped"] = f"{type(exc).__name__}: {exc}"[:2000]
    try:
        folder.set_status(INTERRUPTED if interrupted else FAILED)
    except OSError:  # a full disk: the manifest keeps ``running``, which is still true of the parts
        return
    if isinstance(exc, KeyboardInterrupt):
        done = folder.manifest["progress"].get("runs_done", 0)
        raise SweepInterrupted(done, plan.runs, folder.path, plan.resumable) from None
