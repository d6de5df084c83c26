"""A results folder is visible while it is written: ``status`` goes ``running`` ->
``complete`` (written last); readers refuse a folder that is not complete; folders
written before the status field existed count as complete when all tables are there."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.errors import UsageError
from sim.results import read_manifest, require_complete
from sim.results.folder import ResultsFolder, load_results

from ..conftest import ROOT

TEMPLATE = "scenarios/student_template.yaml"
BASELINE = "scenarios/baseline_oct2025.yaml"


def test_status_is_running_while_chunks_come_in_and_complete_last(tmp_path, monkeypatch):
    seen: list[tuple[str, int, bool]] = []
    write_chunk = ResultsFolder.write_chunk

    def spy(self, chunk, tables, runs, failed=0):
        on_disk = read_manifest(self.path)
        seen.append((on_disk["status"], on_disk["progress"]["runs"], (self.path / "summary.parquet").exists()))
        with pytest.raises(UsageError, match=r"is not complete .status: running."):
            require_complete(self.path)
        write_chunk(self, chunk, tables, runs, failed)

    monkeypatch.setattr(ResultsFolder, "write_chunk", spy)
    res = sim.run(TEMPLATE, runs=40, seed=2, workers=1, out=tmp_path)
    assert len(seen) == 8 and set(seen) == {("running", 40, False)}  # chunks of 40 // 8 = 5 runs
    m = read_manifest(res.path)
    assert m["status"] == "complete" and m["progress"]["runs_done"] == 40 and m["progress"]["chunks_done"] == 8
    assert require_complete(res.path)["run_id"] == res.path.name


def _fake_folder(path: Path, manifest: dict, tables=("summary", "events", "series")) -> Path:
    path.mkdir(parents=True)
    for t in tables:
        pd.DataFrame({"run": [0], "outcome": ["deal"]}).to_parquet(path / f"{t}.parquet")
    (path / "manifest.json").write_text(json.dumps(manifest))
    return path


def test_require_complete_refuses_and_says_why(tmp_path):
    p = _fake_folder(
        tmp_path / "r", {"status": "running", "progress": {"runs_done": 3, "runs": 10}}, tables=("summary",)
    )
    with pytest.raises(UsageError) as exc:
        require_complete(p)
    assert str(exc.value).startswith(f"{p} is not complete (status: running)") and "rerun" in str(exc.value)
    with pytest.raises(UsageError, match="not complete"):
        load_results(p)
    partial = load_results(p, allow_incomplete=True)
    assert len(partial.summary) == 1 and partial.events.empty
    with pytest.raises(UsageError, match="interrupted"):
        require_complete(_fake_folder(tmp_path / "i", {"kind": "sweep", "status": "interrupted"}))
    with pytest.raises(UsageError, match="not a results folder"):
        require_complete(tmp_path)


def test_old_folders_without_status_count_as_complete_when_all_tables_are_there(tmp_path):
    old_run = _fake_folder(tmp_path / "run", {"seed": 1, "runs": 1})
    assert require_complete(old_run)["seed"] == 1 and len(load_results(old_run).summary) == 1
    old_sweep = _fake_folder(tmp_path / "sweep", {"kind": "sweep"}, tables=("summary",))
    assert require_complete(old_sweep)["kind"] == "sweep"
    torn = _fake_folder(tmp_path / "torn", {"seed": 1}, tables=("summary", "events"))
    with pytest.raises(UsageError, match="status: running"):
        require_complete(torn)


def test_a_failed_monte_carlo_keeps_its_folder_marked_failed(tmp_path, monkeypatch):
    import sim.experiments.chunk as chunk

    def boom(*args, **kwargs):
        raise ZeroDivisionError("model bug")

    monkeypatch.setattr(chunk, "run_replication", boom)
    from sim.experiments.chunk import RunFailed

    with pytest.raises(RunFailed, match=r"run 0 \(seed 1\) failed: ZeroDivisionError: model bug"):
        sim.run(TEMPLATE, runs=3, seed=1, workers=1, out=tmp_path)
    (folder,) = list((tmp_path / "student_template").iterdir())
    m = read_manifest(folder)
    assert m["status"] == "failed" and "model bug" in m["stopped"]
    with pytest.raises(UsageError, match="status: failed"):
        sim.load_results(folder)


@pytest.mark.slow
def test_a_killed_run_leaves_a_running_folder_that_readers_refuse(tmp_path):
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "run",
        BASELINE,
        "--runs",
        "3000",
        "--workers",
        "1",
        "--out",
        str(tmp_path),
        "--quiet",
        "--no-report",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    while not list(tmp_path.rglob("parts/summary-*.parquet")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < 120, "no part appeared"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    (folder,) = [p.parent for p in tmp_path.rglob("manifest.json")]
    m = read_manifest(folder)
    assert m["status"] == "running" and m["progress"]["runs"] == 3000 and not (folder / "summary.parquet").exists()
    with pytest.raises(UsageError, match="status: running"):
        sim.load_results(folder)
    r = subprocess.run([sys.executable, "-m", "sim", "report", str(folder)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
