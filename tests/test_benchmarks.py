"""The benchmarks: every script runs in its quick mode, so none can break silently, and
README.md's benchmark table is the rendering of benchmarks/results.json, which holds every
figure the table needs.

The figures are measurements (``make bench``), not asserted here: nothing here times anything.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys

import pytest

from .conftest import ROOT

SCRIPTS = sorted((ROOT / "benchmarks").glob("*.py"))
#: Each script's arguments in the test, and what its output must contain.
EXPECT = {
    "bench.py": (["--quick", "--out", "{tmp}/results.json"], "(a) one worker"),
    "bench_refusals.py": (["--quick"], "--scheduler that is not Dask"),
    "bench_run.py": (["--quick"], '"events"'),
    "bench_system.py": None,  # the sections bench.py runs (imported, not a script)
    "make_big_results.py": (["--quick"], "tradesim report:"),
    "table.py": (["--check"], "matches results.json"),
}


def load_table():
    spec = importlib.util.spec_from_file_location("bench_table", ROOT / "benchmarks" / "table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benchmark_is_listed():
    assert sorted(p.name for p in SCRIPTS) == sorted(EXPECT)


@pytest.mark.slow
@pytest.mark.parametrize("script", [p for p in SCRIPTS if EXPECT[p.name]], ids=lambda p: p.name)
def test_benchmark_runs_in_quick_mode(script, tmp_path):
    args, expect = EXPECT[script.name]
    recorded = (ROOT / "benchmarks" / "results.json").read_bytes()
    r = subprocess.run(
        [sys.executable, str(script), *(a.format(tmp=tmp_path) for a in args)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert expect in r.stdout and "Traceback" not in r.stderr
    if script.name == "bench_refusals.py":
        assert "ACCEPTED" not in r.stdout, r.stdout  # every hostile input is refused
    if script.name == "bench.py":
        quick = json.loads((tmp_path / "results.json").read_text())
        assert set(quick["sections"]) == {"run", "startup", "memory", "sweep", "dask"}
        assert all(s["quick"] for s in quick["sections"].values())
        assert quick["sections"]["run"]["events_per_run"] > 0
    assert (ROOT / "benchmarks" / "results.json").read_bytes() == recorded  # quick figures never replace them


def test_results_have_every_figure_finite_and_measured_in_full():
    table = load_table()
    results = json.loads(table.RESULTS.read_text(encoding="utf-8"))
    assert table.missing(results) == []
    assert results["machine"]["cores"] >= 1 and results["git_commit"] and results["date"]
    for name, section in results["sections"].items():
        assert len(section["load_before"]) == 3 and len(section["load_after"]) == 3, name
        assert section["date"] and section["git_commit"], name


def test_missing_or_non_finite_figures_are_named():
    table = load_table()
    results = json.loads(table.RESULTS.read_text(encoding="utf-8"))
    results["sections"]["sweep"]["efficiency_wall"] = math.nan
    del results["sections"]["run"]["reference"]["events_per_run"]
    results["sections"]["dask"]["quick"] = True
    bad = table.missing(results)
    assert "sections.sweep.efficiency_wall: nan is not a finite number" in bad
    assert "sections.run.reference.events_per_run: missing" in bad
    assert any(b.startswith("sections.dask:") for b in bad)


def test_readme_table_is_the_rendering_of_results_json():
    table = load_table()
    results = json.loads(table.RESULTS.read_text(encoding="utf-8"))
    readme = table.README.read_text(encoding="utf-8")
    assert readme.count(table.START) == 1 and readme.count(table.END) == 1
    inside = readme.split(table.START, 1)[1].split(table.END, 1)[0]
    assert inside.strip() == table.render(results).strip()
    assert table.rewrite(readme, table.render(results)) == readme
