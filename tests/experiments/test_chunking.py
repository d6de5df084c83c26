"""Tables do not depend on how the runs are cut into chunks, nor on how the workers start.

The chunk size of a Monte Carlo depends on the number of runs and of workers
(:func:`sim.experiments.execute.monte_carlo_chunk_runs`), a sweep's on its file: the same
seed must give the same rows whatever it is. Tasks are ranges (:class:`TaskRange`), not
lists: they must be the tasks the list gave, chunk for chunk.
"""

from __future__ import annotations

import pickle
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.engine.compile import load_scenario
from sim.experiments.chunk import ChunkJob, TaskRange
from sim.experiments.execute import Execution, Plan, cut, execute, grid_tasks
from sim.experiments.executors import processes
from sim.experiments.executors.processes import ProcessesExecutor, start_method
from sim.experiments.sweeps import run_sweep
from sim.results.folder import ResultsFolder, load_results
from sim.results.manifest import RUN_TABLES

from ..conftest import ROOT

TEMPLATE = ROOT / "scenarios" / "student_template.yaml"


def _listed(points: list[dict], replications: int) -> list[tuple]:
    """The tasks as a list, as they were built before ranges."""
    return [(i * replications + r, i, r, values) for i, values in enumerate(points) for r in range(replications)]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 21, 50])
def test_ranges_are_the_listed_tasks_chunk_for_chunk(size):
    points = [{"a.b": i / 2} for i in range(7)]
    listed = _listed(points, 3)
    chunks = cut(grid_tasks(points, 3), size)
    assert [list(c) for c in chunks] == [listed[i : i + size] for i in range(0, len(listed), size)]
    assert [len(c) for c in chunks] == [len(listed[i : i + size]) for i in range(0, len(listed), size)]
    for c in chunks:  # a chunk carries the values of the points it covers, no others
        assert set(c.points) == {t[1] for t in c}


def test_a_range_indexes_like_a_list_and_pickles_small():
    tasks = grid_tasks([{}], 100_000)
    listed = _listed([{}], 100_000)
    assert len(tasks) == 100_000 and tasks[-1] == listed[-1] and tasks[12_345] == listed[12_345]
    assert tasks[10:20:3] == listed[10:20:3] and list(tasks[5:2]) == []
    with pytest.raises(IndexError):
        tasks[100_000]
    chunk = cut(tasks, 250)[17]
    assert isinstance(chunk, TaskRange) and len(pickle.dumps(chunk)) < 300
    assert list(pickle.loads(pickle.dumps(chunk))) == listed[17 * 250 : 18 * 250]


def _monte_carlo(tmp: Path, chunk: int, executor: str = "serial", workers: int = 1, runs: int = 13):
    sc = load_scenario(TEMPLATE)
    job = ChunkJob(5, "run", record_events=True, record_series=True, sweep=False, scenario=sc, start=sc.meta.start)
    plan = Plan("t", job, cut(grid_tasks([{}], runs), chunk), resumable=False, keep_parts=False)
    where = tmp / f"{executor}-{workers}-{chunk}"
    folder = ResultsFolder.create(where, {"scenario": sc.model_dump(mode="json")}, RUN_TABLES, runs, len(plan.chunks))
    execute(plan, folder, Execution(executor, workers))
    return load_results(folder.path)


def _same(a, b) -> None:
    for x, y in ((a.summary, b.summary), (a.events, b.events), (a.series, b.series)):
        pd.testing.assert_frame_equal(x, y)


def test_a_monte_carlo_does_not_depend_on_the_chunk_size(tmp_path):
    ref = _monte_carlo(tmp_path, 13)  # one chunk
    for size in (1, 4, 6):
        _same(ref, _monte_carlo(tmp_path, size))
    assert len(ref.summary) == 13 and len(ref.events) > 13


def test_a_sweep_does_not_depend_on_its_chunk_runs(tmp_path):
    tables = []
    for chunk_runs in (1, 3, 8):
        spec = {
            "name": f"c{chunk_runs}",
            "scenario": str(TEMPLATE),
            "design": "grid",
            "replications": 3,
            "seed": 2,
            "chunk_runs": chunk_runs,
            "record_events": True,
            "parameters": [{"path": "actors.US.resolve_bn", "values": [5.0, 50.0, 500.0]}],
        }
        f = tmp_path / f"s{chunk_runs}.yaml"
        f.write_text(yaml.safe_dump(spec), encoding="utf-8")
        path = run_sweep(str(f), out=str(tmp_path / "o"), executor="serial", quiet=True).path
        tables.append({n: pd.read_parquet(path / f"{n}.parquet") for n in ("summary", "events")})
    for other in tables[1:]:
        for n in ("summary", "events"):
            pd.testing.assert_frame_equal(tables[0][n], other[n])
    assert len(tables[0]["summary"]) == 9


@pytest.mark.slow
@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_forked_and_spawned_workers_give_the_serial_tables(tmp_path, monkeypatch, start):
    monkeypatch.setattr(processes, "start_method", lambda: start)
    got = _monte_carlo(tmp_path, 3, "processes", 2)
    _same(_monte_carlo(tmp_path, 13), got)


def test_workers_are_spawned_when_the_driver_runs_another_thread():
    alone = start_method()
    if threading.active_count() == 1 and sys.platform == "linux" and sys.version_info < (3, 12):
        assert alone == "fork"  # (other tests in this process may have left a thread: then spawn already)
    stop = threading.Event()
    t = threading.Thread(target=stop.wait, daemon=True)
    t.start()
    try:
        assert start_method() == "spawn"
    finally:
        stop.set()
        t.join()
    assert start_method() == alone


def test_the_pool_starts_its_workers_with_the_executor():
    expected = start_method()  # (a started pool has a thread: chosen afterwards, it would be spawn)
    ex = ProcessesExecutor(2)
    try:
        assert len(ex.pool._processes) == 2 and ex.start_method == expected
    finally:
        ex.shutdown(wait=True)
