"""Running sweeps: chunks of runs on an executor, streamed to disk, resumable.

Each chunk of runs is written to ``parts/`` as soon as it finishes (atomic
writes); a rerun of the same sweep skips the chunks already on disk. When all
are done the parts are concatenated in chunk order (one row group each) into
``summary.parquet`` — so the tables are the same whatever the executor, the
number of workers and the order in which chunks finish, and memory holds only
the chunks in flight.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import multiprocessing as mp
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sim.engine.core import run_replication
from sim.errors import Problem, ScenarioError, UsageError
from sim.engine.compile import build
from sim.scenario.loader import unshared_copy
from sim.experiments.runner import Progress, _tables, default_workers, ignore_sigint
from sim.results.store import atomic_write_table, atomic_write_text, git_commit, versions
from sim.experiments.sweep import design_matrix, load_sweep, sweep_hash
from sim.scenario.yamlio import Located, load_file

TABLE_NAMES = ("summary", "events", "series")


class SweepInterrupted(Exception):
    def __init__(self, done: int, total: int, path: Path) -> None:
        super().__init__(f"interrupted after {done} of {total} runs; run the same command to resume ({path})")
        self.done, self.total, self.path = done, total, path


class SweepFailed(Exception):
    """--fail-fast: a run raised."""


def set_path(data: dict, path: str, value: Any) -> None:
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
                raise ScenarioError([Problem("sweep", path, f"no key '{part}' in the base scenario")]) from None
        else:
            if isinstance(node, list) and not 0 <= key < len(node):
                raise ScenarioError([Problem("sweep", path, f"index {key} is out of range")])
            node[key] = value


def _clean(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def run_sweep_chunk(raw: dict, source: str, seed: int, tasks: list[tuple[int, int, int, dict]],
                    record_events: bool, record_series: bool) -> dict[str, pa.Table]:
    """Run ``tasks`` = [(run, point, replication, {path: value})]; failures become rows with ``error``."""
    from sim.engine.core import RunResult

    scenarios: dict[int, Any] = {}
    results: list[RunResult] = []
    failed_rows: list[dict] = []
    for run, point, rep, values in tasks:
        extra = {"point": point, "replication": rep, "error": None,
                 **{f"sweep.{p}": _clean(v) for p, v in values.items()}}
        try:
            if point not in scenarios:
                data = unshared_copy(raw)
                for p, v in values.items():
                    set_path(data, p, _clean(v))
                scenarios[point] = build(data, Located(data, source, {}), {})
            res = run_replication(scenarios[point], seed, run, record_series, spawn_key=(point, rep))
            res.summary.update(extra)
            results.append(res)
        except ScenarioError as exc:
            why = "; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in exc.problems)
            failed_rows.append({"run": run, "seed": seed, **extra, "error": f"invalid point: {why}"})
        except Exception as exc:  # noqa: BLE001 - recorded, the sweep goes on
            failed_rows.append({"run": run, "seed": seed, **extra, "error": f"{type(exc).__name__}: {exc}"})
    out: dict[str, pa.Table] = {}
    if results:
        summary, events, series = _tables(scenarios[results[0].summary["point"]], results, record_series)
    else:
        summary, events, series = pa.table({"run": pa.array([], pa.int64())}), None, None
    if failed_rows:
        summary = pa.concat_tables([summary, pa.Table.from_pylist(failed_rows)], promote_options="default")
        order = pc.sort_indices(summary, [("run", "ascending")])
        summary = summary.take(order)
    out["summary"] = summary
    if record_events and events is not None:
        out["events"] = events
    if record_series and series is not None:
        out["series"] = series
    return out


# ------------------------------------------------------------------ executors
class _SerialExecutor:
    def __init__(self) -> None:
        pass

    def submit(self, fn: Callable, *args: Any) -> Future:
        f: Future = Future()
        try:
            f.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001
            f.set_exception(exc)
        return f

    def wait_any(self, futures: Iterable[Future]) -> set:
        return set(futures)

    def shutdown(self) -> None:
        pass


class _ProcessExecutor:
    def __init__(self, workers: int) -> None:
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                                        initializer=ignore_sigint)

    def submit(self, fn: Callable, *args: Any) -> Future:
        return self.pool.submit(fn, *args)

    def wait_any(self, futures: Iterable[Future]) -> set:
        return wait(list(futures), return_when=FIRST_COMPLETED)[0]

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class _DaskExecutor:
    def __init__(self, workers: int, scheduler: str | None) -> None:
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)

    def submit(self, fn: Callable, *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def wait_any(self, futures: Iterable[Any]) -> set:
        from distributed import wait as dwait

        return set(dwait(list(futures), return_when="FIRST_COMPLETED").done)

    def shutdown(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(kind: str, workers: int, scheduler: str | None) -> Any:
    if scheduler or kind == "dask":
        return _DaskExecutor(workers, scheduler)
    if kind == "serial" or workers == 1:
        return _SerialExecutor()
    if kind == "processes":
        return _ProcessExecutor(workers)
    raise UsageError(f"unknown executor '{kind}'; use serial, processes or dask")


# ---------------------------------------------------------------------- sweep
@dataclass
class SweepOutcome:
    path: Path
    runs: int
    failed: int
    resumed_runs: int


def _errors(summary: pa.Table) -> int:
    if "error" not in summary.column_names:
        return 0
    col = summary.column("error")
    return len(col) - col.null_count


def _part(path: Path, table: str, k: int) -> Path:
    return path / "parts" / f"{table}-{k:06d}.parquet"


def _write_manifest(path: Path, manifest: dict) -> None:
    manifest["updated"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    atomic_write_text(path / "manifest.json", json.dumps(manifest, indent=2, default=str))


def consolidate(path: Path, n_chunks: int, tables: Iterable[str]) -> None:
    """Concatenate the parts in chunk order into one parquet file per table (streaming)."""
    for name in tables:
        files = [_part(path, name, k) for k in range(n_chunks)]
        files = [f for f in files if f.exists()]
        if not files:
            continue
        schema = pa.unify_schemas([pq.read_schema(f) for f in files], promote_options="permissive")
        tmp = path / f".{name}.parquet.tmp"
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for f in files:
                t = pq.read_table(f)
                for field in schema:
                    if field.name not in t.column_names:
                        t = t.append_column(field, pa.nulls(len(t), field.type))
                t = t.select(schema.names).cast(schema)
                writer.write_table(t)
        os.replace(tmp, path / f"{name}.parquet")


def run_sweep(sweep_file: str, out: str = "results", executor: str = "processes", workers: int | None = None,
              scheduler: str | None = None, fail_fast: bool = False, quiet: bool = False) -> SweepOutcome:
    """Run (or resume) a sweep; return where its results are."""
    spec, base, _ = load_sweep(sweep_file)
    located = load_file(base)
    raw = located.data
    build(copy.deepcopy(raw), located, {})  # the base scenario itself must be valid
    design = design_matrix(spec)
    text = base.read_text(encoding="utf-8")
    path = Path(out) / spec.name / sweep_hash(spec, text)
    (path / "parts").mkdir(parents=True, exist_ok=True)
    n_points, reps = len(design), spec.replications
    total = n_points * reps
    tasks = []
    records = design.to_dict(orient="records")
    for point in range(n_points):
        for rep in range(reps):
            tasks.append((point * reps + rep, point, rep, records[point]))
    chunks = [tasks[i:i + spec.chunk_runs] for i in range(0, total, spec.chunk_runs)]
    names = ["summary"] + (["events"] if spec.record_events else []) + (["series"] if spec.record_series else [])

    manifest_path = path / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
    else:
        atomic_write_table(path / "design.parquet", pa.Table.from_pandas(design.reset_index(names="point")))
        manifest = {"kind": "sweep", "sweep_name": spec.name, "sweep_file": str(sweep_file),
                    "sweep": spec.model_dump(mode="json"), "scenario_file": str(base), "seed": spec.seed,
                    "design": {"kind": spec.design, "points": n_points, "replications": reps, "runs": total,
                               "chunks": len(chunks), "parameters": [p.path for p in spec.parameters]},
                    "seeding": "SeedSequence(seed, spawn_key=(point, replication))",
                    "versions": versions(), "git_commit": git_commit(),
                    "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    done = {k for k in range(len(chunks)) if all(_part(path, n, k).exists() for n in names)}
    resumed = sum(len(chunks[k]) for k in done)
    manifest.update(status="running", executor="dask" if scheduler else executor)
    manifest["progress"] = {"runs_done": resumed, "runs": total, "chunks_done": len(done)}
    _write_manifest(path, manifest)

    workers = workers or default_workers()
    progress = Progress(total, spec.name, quiet)
    if resumed:
        progress.advance(resumed)
    failed = sum(_errors(pq.read_table(_part(path, "summary", k))) for k in done)
    ex = make_executor(executor, workers, scheduler)
    todo = [k for k in range(len(chunks)) if k not in done]
    in_flight: dict[Any, int] = {}
    last_manifest = time.monotonic()
    source = str(base)
    try:
        while todo or in_flight:
            while todo and len(in_flight) < max(2, 2 * workers):
                k = todo.pop(0)
                fut = ex.submit(run_sweep_chunk, raw, source, spec.seed, chunks[k], spec.record_events,
                                spec.record_series)
                in_flight[fut] = k
            for fut in sorted(ex.wait_any(list(in_flight)), key=lambda f: in_flight[f]):
                k = in_flight.pop(fut)
                tables = fut.result()
                n_err = _errors(tables["summary"])
                for n in names:
                    if n in tables:
                        atomic_write_table(_part(path, n, k), tables[n])
                    else:  # keep "all parts present" true for chunks that produced no rows
                        atomic_write_table(_part(path, n, k), pa.table({"run": pa.array([], pa.int64())}))
                failed += n_err
                progress.advance(len(chunks[k]))
                manifest["progress"].update(runs_done=manifest["progress"]["runs_done"] + len(chunks[k]),
                                            chunks_done=manifest["progress"]["chunks_done"] + 1, failed=failed)
                if n_err and fail_fast:
                    summary = tables["summary"].to_pandas()
                    bad = summary[summary["error"].notna()].iloc[0]
                    raise SweepFailed(f"run {int(bad['run'])} (point {int(bad['point'])}, replication "
                                      f"{int(bad['replication'])}, seed {spec.seed}) failed: {bad['error']}")
                if time.monotonic() - last_manifest > 2.0:
                    _write_manifest(path, manifest)
                    last_manifest = time.monotonic()
    except KeyboardInterrupt:
        manifest["status"] = "interrupted"
        _write_manifest(path, manifest)
        raise SweepInterrupted(manifest["progress"]["runs_done"], total, path) from None
    except SweepFailed:
        manifest["status"] = "failed"
        _write_manifest(path, manifest)
        raise
    finally:
        progress.close()
        ex.shutdown()
    consolidate(path, len(chunks), names)
    manifest.update(status="complete", failed_runs=failed)
    manifest["progress"]["failed"] = failed
    _write_manifest(path, manifest)
    return SweepOutcome(path, total, failed, resumed)
