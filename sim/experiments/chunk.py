"""One chunk of runs, executed by a worker: tasks in, arrow tables out.

Every experiment — a Monte Carlo (``tradesim run``) or a sweep — is a list of tasks
``(run, point, replication, {path: value})`` cut into chunks. A worker runs one
chunk with :func:`run_chunk` and returns ``{"summary": ..., "events": ...,
"series": ...}``. A Monte Carlo has one point (the built scenario, no values) and
stops at the first run that raises (:class:`RunFailed`); a sweep builds a scenario
per point and records a run that raises as a summary row with ``error`` set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import pyarrow as pa

from sim.engine.columns import series_columns
from sim.engine.compile import build, replace_policies
from sim.engine.core import RunResult, run_replication
from sim.engine.events import EVENT_COLUMNS
from sim.errors import Problem, ScenarioError
from sim.experiments.schemas import EVENTS_SCHEMA, conform, conform_rows, series_schema, summary_schema
from sim.experiments.seeding import spawn_key
from sim.scenario.loader import unshared_copy
from sim.scenario.overrides import policy_container
from sim.scenario.schema import Scenario
from sim.scenario.yamlio import Located

#: (run, point, replication, {dotted path: value})
Task = tuple[int, int, int, dict[str, Any]]


@dataclass(frozen=True, eq=False)
class TaskRange(Sequence[Task]):
    """The tasks of runs ``start`` to ``stop - 1`` of a design, without a list of them.

    Run ``i`` is replication ``i % replications`` of point ``i // replications`` (the order
    of :func:`sim.experiments.execute.grid_tasks`); ``points`` holds the values of the
    points the range covers, by point index. A slice is a range of the points it covers.
    A list of 100,000 task tuples takes ~14 MB of the driver's memory; a chunk of them
    as a range a few hundred bytes, pickled or not.
    """

    start: int
    stop: int
    replications: int
    points: dict[int, dict[str, Any]]

    def __len__(self) -> int:
        return max(0, self.stop - self.start)

    @overload
    def __getitem__(self, i: int) -> Task: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Task]: ...
    def __getitem__(self, i: int | slice) -> Task | Sequence[Task]:
        n = len(self)
        if isinstance(i, slice):
            a, b, step = i.indices(n)
            if step != 1:
                return [self[j] for j in range(a, b, step)]
            a, b = self.start + a, self.start + max(a, b)
            covered = range(a // self.replications, (b - 1) // self.replications + 1) if b > a else range(0)
            return TaskRange(a, b, self.replications, {p: self.points[p] for p in covered})
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"task {i} of a range of {n}")
        run = self.start + i
        point = run // self.replications
        return (run, point, run % self.replications, self.points[point])


class RunFailed(RuntimeError):
    """A run raised; carries the run index and seed so it can be replayed."""

    def __init__(self, run: int, seed: int, error: str) -> None:
        super().__init__(f"run {run} (seed {seed}) failed: {error}")
        self.run, self.seed, self.error = run, seed, error

    def __reduce__(self) -> tuple[Any, ...]:  # crosses process boundaries intact
        return (RunFailed, (self.run, self.seed, self.error))


@dataclass(frozen=True)
class ChunkJob:
    """What every chunk of one experiment shares.

    ``scenario``: the built scenario (a Monte Carlo); otherwise ``raw`` (the base
    document from ``source``) gets each point's values set and is validated per
    point. ``sweep``: add the ``point``/``replication``/``error``/``sweep.<path>``
    columns and record failures as rows (else raise :class:`RunFailed`).
    ``start``: add a ``date`` column after ``t`` to events and series.
    ``summary_schema``: the summary table's schema, derived by the driver from the
    (base) scenario and the design before the first run; every chunk casts to it.
    """

    seed: int
    seeding: str
    record_events: bool
    record_series: bool
    sweep: bool
    scenario: Scenario | None = None
    summary_schema: pa.Schema | None = None
    raw: dict[str, Any] | None = None
    source: str = ""
    start: dt.date | None = None


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` of a raw scenario (list indices allowed)."""
    node: Any = data
    parts = path.split(".")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        key: Any = int(part) if isinstance(node, list) and part.isdigit() else part
        if isinstance(node, list) and not isinstance(key, int):
            raise ScenarioError([Problem("sweep", path, f"'{part}' is not a list index")])
        if not last:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                made = policy_container(parts[:i], part) if isinstance(node, dict) else None  # as --set does
                if made is None:
                    raise ScenarioError([Problem("sweep", path, f"no key '{part}' in the base scenario")]) from None
                node[key] = made
                node = made
        else:
            if isinstance(node, list) and not 0 <= key < len(node):
                raise ScenarioError([Problem("sweep", path, f"index {key} is out of range")])
            node[key] = value


def clean(v: Any) -> Any:
    """A design value as a plain Python value (numpy scalars unwrapped)."""
    return v.item() if hasattr(v, "item") else v


def with_dates(table: pa.Table, start: dt.date) -> pa.Table:
    """Add a ``date`` column (calendar day of ``t``) right after ``t``."""
    t = table.column("t").to_numpy(zero_copy_only=False)
    days = np.floor(t + 1e-9).astype("int64")
    dates = np.datetime64(start, "D") + days.astype("timedelta64[D]")
    return table.add_column(table.schema.get_field_index("t") + 1, "date", pa.array(dates, pa.date32()))


def tables_of(
    sc: Scenario, results: list[RunResult], record_series: bool, summary: pa.Schema | None = None
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(summary, events, series) of finished runs, in the order given, with the scenario's
    schemas (:mod:`sim.experiments.schemas`): the types never depend on the runs."""
    summary_table = conform_rows([r.summary for r in results], summary or summary_schema(sc))
    ev_cols: dict[str, list[Any]] = {"run": [], **{c: [] for c in EVENT_COLUMNS}}
    for r in results:
        ev_cols["run"].extend([r.run] * len(r.events))
        for c in EVENT_COLUMNS:
            ev_cols[c].extend(getattr(e, c) for e in r.events)
    events = pa.table(
        {
            "run": pa.array(ev_cols["run"], pa.int64()),
            "t": pa.array([float(x) for x in ev_cols["t"]], pa.float64()),
            "actor": pa.array(ev_cols["actor"], pa.string()),
            "kind": pa.array([k.value for k in ev_cols["kind"]], pa.string()),
            "instrument": pa.array(ev_cols["instrument"], pa.string()),
            "old": pa.array([None if x is None else float(x) for x in ev_cols["old"]], pa.float64()),
            "new": pa.array([None if x is None else float(x) for x in ev_cols["new"]], pa.float64()),
            "note": pa.array(ev_cols["note"], pa.string()),
        },
        schema=EVENTS_SCHEMA,
    )
    cols = series_columns(sc)
    if record_series and results:
        runs = np.concatenate([np.full(len(r.series), r.run, dtype=np.int64) for r in results])
        mat = np.asarray([row for r in results for row in r.series], dtype=float)
        if mat.size == 0:
            mat = mat.reshape(0, len(cols))
        series = pa.table({"run": runs, **{c: mat[:, i] for i, c in enumerate(cols)}})
    else:
        series = pa.table({"run": pa.array([], pa.int64()), **{c: pa.array([], pa.float64()) for c in cols}})
    return summary_table, events, conform(series, series_schema(sc, dated=False))


def _scenario(job: ChunkJob, values: dict[str, Any]) -> Scenario:
    if job.scenario is not None and not values:
        return job.scenario
    assert job.raw is not None, "a job with point values needs the raw base scenario"
    data = unshared_copy(job.raw)
    for p, v in values.items():
        set_path(data, p, clean(v))
    replace_policies(data, job.raw, values)  # a point that sets a policy name replaces the policy, as --set does
    return build(data, Located(data, job.source, {}), {})


def run_chunk(job: ChunkJob, tasks: Sequence[Task]) -> dict[str, pa.Table]:
    """Run ``tasks``; return the chunk's tables (only those the job records)."""
    scenarios: dict[int, Scenario] = {}
    results: list[RunResult] = []
    failed: list[dict[str, Any]] = []
    for run, point, rep, values in tasks:
        extra = (
            {"point": point, "replication": rep, "error": None, **{f"sweep.{p}": clean(v) for p, v in values.items()}}
            if job.sweep
            else {}
        )
        try:
            if point not in scenarios:
                scenarios[point] = _scenario(job, values)
            res = run_replication(
                scenarios[point], job.seed, run, job.record_series, spawn_key=spawn_key(job.seeding, run, point, rep)
            )
        except ScenarioError as exc:
            if not job.sweep:
                raise
            why = "; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in exc.problems)
            failed.append({"run": run, "seed": job.seed, **extra, "error": f"invalid point: {why}"})
            continue
        except Exception as exc:
            if not job.sweep:
                raise RunFailed(run, job.seed, f"{type(exc).__name__}: {exc}") from exc
            failed.append({"run": run, "seed": job.seed, **extra, "error": f"{type(exc).__name__}: {exc}"})
            continue
        res.summary.update(extra)
        results.append(res)
    return _assemble(job, scenarios, results, failed)


def _assemble(
    job: ChunkJob, scenarios: dict[int, Scenario], results: list[RunResult], failed: list[dict[str, Any]]
) -> dict[str, pa.Table]:
    out: dict[str, pa.Table] = {}
    schema = job.summary_schema
    if results:
        sc = scenarios[results[0].summary["point"]] if job.sweep else next(iter(scenarios.values()))
        schema = schema or summary_schema(sc)
        _, events, series = tables_of(sc, results, job.record_series, schema)
        if job.start is not None:
            events, series = with_dates(events, job.start), with_dates(series, job.start)
        if job.record_events:
            out["events"] = events
        if job.record_series or not job.sweep:  # a Monte Carlo always has its (maybe empty) series table
            out["series"] = series
    if schema is None:
        schema = pa.schema([pa.field("run", pa.int64())])
    rows = [r.summary for r in results] + failed
    rows.sort(key=lambda row: row["run"])
    out["summary"] = conform_rows(rows, schema)
    return out
