"""Faults: kill -9 of the driver, SIGTERM, a full disk, two sweeps into one folder.

Each test runs ``tradesim`` as a subprocess on a sweep of the student template
(fast runs, many small chunks, so it is still running when the fault comes).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
import yaml

import sim
from sim.experiments.sweeps import run_sweep
from sim.results.manifest import read_manifest

from ..conftest import ROOT

TEMPLATE = str(ROOT / "scenarios" / "student_template.yaml")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _sweep(tmp_path: Path, replications: int = 60) -> str:
    spec = {
        "name": "faults",
        "scenario": TEMPLATE,
        "design": "grid",
        "replications": replications,
        "seed": 7,
        "chunk_runs": 4,
        "parameters": [{"path": "chokepoints.magnets.initial_stock_days", "values": [14, 28, 56]}],
    }
    p = tmp_path / "sweep.yaml"
    p.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return str(p)


def _tradesim(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *args],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def _wait_for_parts(proc: subprocess.Popen, out: Path, n: int = 2) -> Path:
    t0 = time.monotonic()
    while len(list(out.rglob("parts/summary-*.parquet"))) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < 120, "no part appeared"
        time.sleep(0.05)
    (manifest,) = out.rglob("manifest.json")
    return manifest.parent


def _reference(tmp_path: Path, sweep: str) -> pd.DataFrame:
    res = run_sweep(sweep, out=str(tmp_path / "reference"), executor="serial", quiet=True)
    return pd.read_parquet(res.path / "summary.parquet")


def _gone(pids: list[int], within: float) -> bool:
    t0 = time.monotonic()
    while time.monotonic() - t0 < within:
        alive = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_kill_9_leaves_no_orphan_and_the_sweep_resumes_to_identical_tables(tmp_path):
    sweep, out = _sweep(tmp_path), tmp_path / "o"
    proc = _tradesim("sweep", sweep, "--workers", "2", "--out", str(out), "--quiet", "--no-report")
    folder = _wait_for_parts(proc, out)
    workers = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    assert workers, "the pool has no worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert _gone(workers, within=5.0), "pool workers outlived their driver"
    assert read_manifest(folder)["status"] == "running"  # nobody could write anything else
    done = subprocess.run(
        [sys.executable, "-m", "sim", "sweep", sweep, "--workers", "2", "--out", str(out), "--quiet", "--no-report"],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "resumed from disk" in done.stdout
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "summary.parquet"), _reference(tmp_path, sweep))


@pytest.mark.slow
def test_sigterm_leaves_an_interrupted_resumable_folder(tmp_path):
    sweep, out = _sweep(tmp_path), tmp_path / "o"
    proc = _tradesim("sweep", sweep, "--workers", "2", "--out", str(out), "--quiet", "--no-report")
    folder = _wait_for_parts(proc, out)
    workers = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "interrupted after" in err and "run the same command to resume" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    m = read_manifest(folder)
    assert m["status"] == "interrupted" and "Terminated" in m["stopped"]
    assert _gone(workers, within=5.0)
    res = run_sweep(sweep, out=str(out), executor="processes", workers=2, quiet=True)
    assert res.resumed_runs > 0 and read_manifest(folder)["status"] == "complete"
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "summary.parquet"), _reference(tmp_path, sweep))


@pytest.mark.slow
def test_two_sweeps_into_one_folder_the_second_is_refused(tmp_path):
    sweep, out = _sweep(tmp_path, replications=2000), tmp_path / "o"  # long enough to overlap
    first = _tradesim("sweep", sweep, "--workers", "1", "--out", str(out), "--quiet", "--no-report")
    folder = _wait_for_parts(first, out, n=1)
    second = subprocess.run(
        [sys.executable, "-m", "sim", "sweep", sweep, "--workers", "1", "--out", str(out), "--quiet", "--no-report"],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 2, second.stderr
    assert "being written by another tradesim process" in second.stderr and "Traceback" not in second.stderr
    assert first.poll() is None, "the first sweep ended before the second was refused: make it longer"
    first.send_signal(signal.SIGTERM)
    _, err = first.communicate(timeout=60)
    assert first.returncode == 143, err
    assert read_manifest(folder)["status"] == "interrupted"  # the first writer's status, not the second's


def _limit_file_size(limit: int):
    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return set_limit


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_earlier_results_are_intact(tmp_path):
    out = tmp_path / "o"
    earlier = sim.run(TEMPLATE, runs=5, seed=1, workers=1, out=out)
    state = tmp_path / "state"
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "run", TEMPLATE, "--runs", "300", "--workers", "1", "--out", str(out), "--quiet"],
        cwd=ROOT,
        env={**ENV, "XDG_STATE_HOME": str(state)},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_file_size(40_000),  # bytes: the manifest fits, the tables do not
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "no space left" in lines[0] and "earlier results are intact" in lines[0], proc.stderr
    assert "details in" in lines[0]
    log = Path(lines[0].rsplit("details in ", 1)[1])
    assert log.is_file() and "Traceback" in log.read_text()
    again = sim.load_results(earlier.path)  # untouched
    assert len(again.summary) == 5
    new = [p for p in (out / "student_template").iterdir() if p != earlier.path]
    assert len(new) == 1 and json.loads((new[0] / "manifest.json").read_text())["status"] == "failed"
    assert log == new[0] / "error.log"
