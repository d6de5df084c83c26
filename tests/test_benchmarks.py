"""Every script in benchmarks/ runs, in its ``--quick`` mode, so none can break silently.

The figures they print are measurements (docs/limits.md, docs/sweeps.md), not asserted
here; this only checks that each script finishes and prints what it measures.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import ROOT

SCRIPTS = sorted((ROOT / "benchmarks").glob("*.py"))
#: What each script's output must contain.
EXPECT = {
    "bench_refusals.py": "--scheduler that is not Dask",
    "bench_run.py": "SimPy events per run",
    "bench_sweep.py": "peak memory",
    "make_big_results.py": "tradesim report:",
}


def test_every_benchmark_is_listed():
    assert sorted(p.name for p in SCRIPTS) == sorted(EXPECT)


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_benchmark_runs_in_quick_mode(script):
    r = subprocess.run(
        [sys.executable, str(script), "--quick"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert EXPECT[script.name] in r.stdout and "Traceback" not in r.stderr
    if script.name == "bench_refusals.py":
        assert "ACCEPTED" not in r.stdout, r.stdout  # every hostile input is refused
