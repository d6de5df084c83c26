"""README.md's benchmark table, written from benchmarks/results.json.

    python benchmarks/table.py           # rewrite the table between the markers in README.md
    python benchmarks/table.py --check   # exit 1 if README.md's table is not the results'

``make bench`` runs it after ``benchmarks/bench.py``. tests/test_benchmarks.py checks that
README.md's table is this script's rendering of results.json, and that results.json has
every key of :data:`REQUIRED` with a finite value.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SMALL, LARGE = "1000", "100000"

#: Every figure the table shows, as dotted paths into results.json (each a finite number).
REQUIRED = [
    "machine.cores",
    *[
        f"sections.run.{w}.{k}"
        for w in ("tradesim_run", "engine", "reference.tradesim_run", "reference.engine")
        for k in ("runs_per_cpu_s", "runs_per_wall_s", "cpu_s_per_run", "wall_s_per_run")
    ],
    "sections.run.events_per_run",
    "sections.run.reference.events_per_run",
    "sections.run.bare_simpy.cpu_s_per_run",
    "sections.run.reference.bare_simpy.cpu_s_per_run",
    "sections.run.tradesim_run_over_bare",
    "sections.run.engine_over_bare",
    "sections.run.acceptance.ratio",
    "sections.run.acceptance.limit",
    "sections.run.speedup_over_reference",
    "sections.run.engine_speedup_over_reference",
    "sections.startup.python_pass_s",
    "sections.startup.import_sim_s",
    "sections.startup.tradesim_help_s",
    "sections.startup.import_sim_over_python_s",
    "sections.startup.tradesim_help_over_python_s",
    *[
        f"sections.memory.sizes.{n}.{k}"
        for n in (SMALL, LARGE)
        for k in ("main_peak_mib", "worker_peak_mib", "tree_peak_mib", "wall_s")
    ],
    *[f"sections.memory.report.{n}.{k}" for n in (SMALL, LARGE) for k in ("build_s", "html_bytes", "peak_mib")],
    "sections.memory.ratio_main_peak_mib",
    "sections.memory.ratio_tree_peak_mib",
    "sections.sweep.runs",
    "sections.sweep.workers",
    "sections.sweep.one_worker.runs_per_s",
    "sections.sweep.n_workers.runs_per_s",
    "sections.sweep.efficiency_wall",
    "sections.sweep.efficiency_cpu",
    "sections.sweep.efficiency_cpu_runs",
    "sections.dask.pool.run_s",
    "sections.dask.dask.startup_s",
    "sections.dask.dask.run_s",
    "sections.dask.dask_over_pool_run",
    *[
        f"sections.{s}.{k}"
        for s in ("run", "startup", "memory", "sweep", "dask")
        for k in ("load_before", "load_after")
    ],
]


def get(results: dict, path: str):
    node = results
    for part in path.split("."):
        node = node[part]
    return node


def missing(results: dict) -> list[str]:
    """The required paths absent or not finite numbers (lists: every element), and quick sections."""
    bad = []
    for path in REQUIRED:
        try:
            value = get(results, path)
        except (KeyError, TypeError):
            bad.append(f"{path}: missing")
            continue
        values = value if isinstance(value, list) else [value]
        ok = bool(values) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values
        )
        if not ok:
            bad.append(f"{path}: {value!r} is not a finite number")
    for name, section in results.get("sections", {}).items():
        if section.get("quick", True):
            bad.append(f"sections.{name}: measured with --quick (or not marked)")
    return bad


def _loads(s: dict) -> str:
    return f"{s['load_before'][0]:.1f}→{s['load_after'][0]:.1f}"


def render(results: dict) -> str:
    """The markdown table (between the markers, markers excluded)."""
    sec = results["sections"]
    run, st, mem, sw, dk = (sec[k] for k in ("run", "startup", "memory", "sweep", "dask"))
    rf = run["reference"]
    tr, en = run["tradesim_run"], run["engine"]
    acc = run["acceptance"]
    small, large = mem["sizes"][SMALL], mem["sizes"][LARGE]
    rs, rl = mem["report"][SMALL], mem["report"][LARGE]
    m = results["machine"]
    rows = [
        (
            "(a) `tradesim run` of the shipped baseline, **one worker** (events and series recorded)",
            f"**{tr['runs_per_cpu_s']:.0f} runs per CPU-second**, {tr['runs_per_wall_s']:.0f} per wall-second "
            f"({tr['cpu_s_per_run'] * 1e3:.1f} ms CPU a run)",
            f"before ({rf['commit']}): {rf['tradesim_run']['runs_per_cpu_s']:.0f} per CPU-s; "
            f"now/before {run['speedup_over_reference']:.2f}x",
        ),
        (
            "(a) the engine alone (`run_replication`), one worker",
            f"{en['runs_per_cpu_s']:.0f} runs per CPU-second, {en['runs_per_wall_s']:.0f} per wall-second",
            f"before: {rf['engine']['runs_per_cpu_s']:.0f} per CPU-s; now/before "
            f"{run['engine_speedup_over_reference']:.2f}x",
        ),
        (
            "(a) SimPy events per run (calls of `Environment.step`)",
            f"{run['events_per_run']:.1f}",
            f"before: {rf['events_per_run']:.1f}",
        ),
        (
            "(a) time per run / bare SimPy for the same events",
            f"`tradesim run` {run['tradesim_run_over_bare']:.0f}x, engine {run['engine_over_bare']:.0f}x",
            f"bare SimPy: {run['bare_simpy']['cpu_s_per_run'] * 1e3:.3f} ms CPU for "
            f"{run['bare_simpy']['events']} events",
        ),
        (
            f"(a) acceptance: `tradesim run` per run / bare SimPy for {rf['commit']}'s events",
            f"**{acc['ratio']:.0f}x** (limit {acc['limit']:g}x): {'met' if acc['met'] else 'not met'}",
            f"bare SimPy: {rf['bare_simpy']['cpu_s_per_run'] * 1e3:.3f} ms CPU for {rf['bare_simpy']['events']} events",
        ),
        (
            "(b) start-up over `python -c pass` (median)",
            f"`import sim` +{st['import_sim_over_python_s']:.2f} s, `tradesim --help` "
            f"+{st['tradesim_help_over_python_s']:.2f} s",
            f"`python -c pass` {st['python_pass_s']:.2f} s; {st['repeats']} runs each",
        ),
        (
            "(c) peak RSS of `tradesim run` (report included, all cores), 10³ → 10⁵ runs",
            f"main {small['main_peak_mib']:.0f} → {large['main_peak_mib']:.0f} MiB "
            f"(x{mem['ratio_main_peak_mib']:.2f}); a worker {small['worker_peak_mib']:.0f} → "
            f"{large['worker_peak_mib']:.0f} MiB",
            f"whole tree {small['tree_peak_mib']:.0f} → {large['tree_peak_mib']:.0f} MiB "
            f"(x{mem['ratio_tree_peak_mib']:.2f}); 10⁵ runs took {large['wall_s'] / 60:.0f} min",
        ),
        (
            "(f) report: `build_report` time and report.html, 10³ → 10⁵ runs",
            f"{rs['build_s']:.1f} → {rl['build_s']:.1f} s; {rs['html_bytes'] / 2**20:.1f} → "
            f"{rl['html_bytes'] / 2**20:.1f} MiB",
            f"peak RSS of the report process {rs['peak_mib']:.0f} → {rl['peak_mib']:.0f} MiB",
        ),
        (
            f"(d) parallel efficiency, `{sw['sweep']}` ({sw['runs']} runs) on {sw['workers']} workers",
            f"{sw['efficiency_wall']:.0%} (wall: {sw['n_workers']['runs_per_s']:.0f} runs/s against "
            f"{sw['one_worker']['runs_per_s']:.0f} on one)",
            f"CPU: {sw['efficiency_cpu']:.0%}, {sw['efficiency_cpu_runs']:.0%} without the workers' start-up",
        ),
        (
            "(e) Dask `LocalCluster` / process pool, same sweep",
            f"{dk['dask_over_pool_run']:.2f}x running ({dk['dask']['run_s']:.1f} s against "
            f"{dk['pool']['run_s']:.1f} s)",
            f"cluster start-up {dk['dask']['startup_s']:.1f} s on top; the pool starts inside its run",
        ),
    ]
    loads = ", ".join(f"{k} {_loads(sec[k])}" for k in ("run", "startup", "memory", "sweep", "dask"))
    lines = [
        "| figure | measured | note |",
        "| --- | --- | --- |",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        "",
        f"{m['cores']} cores ({m['cpu']}), Python {m['python']}, commit {results['git_commit']}, "
        f"{results['date'][:10]}; load average (1 min) before→after each section: {loads}. "
        "The machine is shared: wall times move with its load, CPU times much less.",
    ]
    return "\n".join(lines)


def rewrite(readme: str, table: str) -> str:
    """``readme`` with the text between the markers replaced by ``table``."""
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}\n{END}{tail}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 if README.md's table differs from the results")
    ap.add_argument("--results", type=Path, default=RESULTS)
    args = ap.parse_args()
    results = json.loads(args.results.read_text(encoding="utf-8"))
    bad = missing(results)
    if bad:
        print(f"{args.results}: incomplete: " + "; ".join(bad), file=sys.stderr)
        return 1
    text = README.read_text(encoding="utf-8")
    new = rewrite(text, render(results))
    if args.check:
        if new != text:
            print("README.md's benchmark table differs from results.json: run python benchmarks/table.py")
            return 1
        print("README.md's benchmark table matches results.json")
        return 0
    README.write_text(new, encoding="utf-8")
    print(f"README.md: benchmark table from {args.results.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
