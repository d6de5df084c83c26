"""`make bench`: the benchmark of tradesim, every figure in one run, written to results.json.

    python benchmarks/bench.py [--quick] [--only SECTION ...] [--reference-commit C] [--out PATH]

Sections (``--only`` picks some; the others keep their figures in ``--out``):

- ``run``: the shipped baseline on ONE worker, as ``tradesim run`` records it (events and
  series) and the engine alone: runs per CPU-second and per wall-second, SimPy events per
  run (calls of ``simpy.Environment.step``), and the time per run over bare SimPy's for
  the same events. The same measured on ``--reference-commit`` (the code before the
  speed work, extracted with ``git archive`` and run in its own process, alternating
  with this tree). Acceptance: CPU time per run of ``tradesim run`` on one worker
  <= 10x bare SimPy's for the events a run processed at the reference commit.
- ``startup``: ``python -c "import sim"`` and ``tradesim --help`` over ``python -c pass``.
- ``sweep``: sweeps/threat_and_stocks.yaml on one worker and on all cores (parallel efficiency).
- ``dask``: the same sweep on a Dask LocalCluster against the process pool.
- ``memory``: peak RSS of ``tradesim run`` (report included, all cores) at 10^3 and 10^5
  runs, main process and workers; and in it ``report``: ``build_report`` time and
  report.html size on those results.

Each section records the load average before and after it: the machine may be shared.
``--quick``: a few runs of everything, the 10^5 runs and the reference commit skipped;
it writes nothing unless ``--out`` is given. Then ``python benchmarks/table.py`` writes
README.md's table from the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench_system as system  # noqa: E402  (benchmarks/ is this script's folder)
from bench_run import bare_simpy  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.json"
SECTIONS = ("run", "startup", "sweep", "dask", "memory")  # the longest last
#: The code before the speed work: the "before" of section ``run``.
REFERENCE_COMMIT = "9d4fc5d"
#: Acceptance: a run's CPU time at most this many times bare SimPy's for the reference's events.
ACCEPTANCE = 10.0


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def commit() -> str:
    """This tree's commit, ``+dirty`` when files differ from it."""
    return git("rev-parse", "--short", "HEAD") + (
        "+dirty" if git("status", "--porcelain", "--untracked-files=no") else ""
    )


def machine() -> dict:
    model = ""
    if Path("/proc/cpuinfo").is_file():
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        model = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    return {
        "cores": os.cpu_count() or 1,
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# ---------------------------------------------------------------- (a) one worker, before and after


def extract(ref: str, dest: Path) -> Path:
    """``sim/`` and ``scenarios/`` of commit ``ref`` into ``dest`` (``git archive``: no worktree)."""
    tar = subprocess.run(["git", "archive", "--format=tar", ref, "sim", "scenarios"], cwd=ROOT, capture_output=True)
    if tar.returncode != 0:
        raise SystemExit(f"bench: cannot read commit {ref}: {tar.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as t:
        t.extractall(dest, filter="data")
    return dest


def measure_tree(tree: Path, runs: int, seed: int, count: bool) -> dict:
    """benchmarks/bench_run.py on the ``sim`` of ``tree``, in a fresh process."""
    cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_run.py"), "--root", str(tree), "--runs", str(runs)]
    cmd += ["--seed", str(seed)] + ([] if count else ["--no-count"])
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def summarise(reps: list[dict]) -> dict:
    """Median over repetitions of each speed figure, with its range; events from the counting pass."""
    out: dict = {"events_per_run": reps[0]["events"]["mean"], "events": reps[0]["events"]}
    for what in ("engine", "tradesim_run"):
        out[what] = {}
        for key in reps[0][what]:
            values = [r[what][key] for r in reps]
            out[what][key] = statistics.median(values)
            out[what][key + "_range"] = [min(values), max(values)]
    return out


def section_run(args: argparse.Namespace, previous: dict) -> dict:
    runs, reps = (40, 1) if args.quick else (args.runs, args.repeats)
    ref = None if args.quick else args.reference_commit
    now: list[dict] = []
    before: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="tradesim-ref-") as tmp:
        tree = extract(ref, Path(tmp)) if ref else None
        for r in range(reps):  # alternating, so a change in the machine's load falls on both
            now.append(measure_tree(ROOT, runs, args.seed, count=r == 0))
            if tree is not None:
                before.append(measure_tree(tree, runs, args.seed, count=r == 0))
    out = {"scenario": "scenarios/baseline_oct2025.yaml", "runs": runs, "repetitions": reps, "seed": args.seed}
    out.update(summarise(now))
    if before:
        cmd = f"python benchmarks/bench.py --only run --reference-commit {ref} (sim/ and scenarios/ of {ref})"
        out["reference"] = {"commit": ref, "command": cmd, "measured": "now, alternating", **summarise(before)}
    elif "reference" in previous:
        out["reference"] = {**previous["reference"], "measured": "recorded (not measured this time)"}
    repeats = 200 if args.quick else 2000
    n_now = round(out["events_per_run"])
    out["bare_simpy"] = dict(zip(("cpu_s_per_run", "wall_s_per_run"), bare_simpy(n_now, repeats)), events=n_now)
    bare = out["bare_simpy"]["cpu_s_per_run"]
    out["engine_over_bare"] = out["engine"]["cpu_s_per_run"] / bare
    out["tradesim_run_over_bare"] = out["tradesim_run"]["cpu_s_per_run"] / bare
    if "reference" in out:
        rf = out["reference"]
        n_ref = round(rf["events_per_run"])
        rf["bare_simpy"] = dict(zip(("cpu_s_per_run", "wall_s_per_run"), bare_simpy(n_ref, repeats)), events=n_ref)
        ratio = out["tradesim_run"]["cpu_s_per_run"] / rf["bare_simpy"]["cpu_s_per_run"]
        out["acceptance"] = {
            "ratio": ratio,
            "limit": ACCEPTANCE,
            "met": ratio <= ACCEPTANCE,
            "definition": f"CPU s per run of tradesim run on one worker / bare SimPy's for {n_ref} events "
            f"(events per run at {rf['commit']})",
        }
        out["speedup_over_reference"] = rf["tradesim_run"]["cpu_s_per_run"] / out["tradesim_run"]["cpu_s_per_run"]
        out["engine_speedup_over_reference"] = rf["engine"]["cpu_s_per_run"] / out["engine"]["cpu_s_per_run"]
    return out


def print_run(r: dict) -> None:
    print(f"(a) one worker: {r['scenario']}, {r['runs']} runs x {r['repetitions']} (median, range over repetitions)")

    def row(label: str, s: dict) -> str:
        lo, hi = s["runs_per_cpu_s_range"]
        return (
            f"  {label:<34}{s['runs_per_cpu_s']:7.1f} runs/CPU-s ({lo:.1f}-{hi:.1f})  "
            f"{s['runs_per_wall_s']:7.1f} runs/wall-s  {s['cpu_s_per_run'] * 1e3:6.2f} ms CPU a run"
        )

    print(row("tradesim run, 1 worker (primary)", r["tradesim_run"]))
    print(row("engine only (run_replication)", r["engine"]))
    print(
        f"  SimPy events per run (step calls)   {r['events_per_run']:.1f} "
        f"(min {r['events']['min']}, max {r['events']['max']})"
    )
    b = r["bare_simpy"]
    print(f"  bare SimPy, {b['events']} events          {b['cpu_s_per_run'] * 1e3:.3f} ms CPU a run")
    print(
        f"  over bare SimPy, same events       tradesim run {r['tradesim_run_over_bare']:.1f}x, "
        f"engine {r['engine_over_bare']:.1f}x"
    )
    if "reference" in r:
        rf = r["reference"]
        print(f"  before ({rf['commit']}, {rf['measured']}):")
        print(row("tradesim run, 1 worker", rf["tradesim_run"]))
        print(row("engine only", rf["engine"]))
        print(
            f"    events per run {rf['events_per_run']:.1f}; now/before speed: tradesim run "
            f"{r['speedup_over_reference']:.2f}x, engine {r['engine_speedup_over_reference']:.2f}x"
        )
        a = r["acceptance"]
        print(
            f"  acceptance: {a['definition']} = {a['ratio']:.1f}x (limit {a['limit']:g}x): "
            f"{'met' if a['met'] else 'NOT met'}"
        )


# ---------------------------------------------------------------- the other sections


def section_startup(args: argparse.Namespace, previous: dict) -> dict:
    return system.startup(7 if args.quick else 11)


def section_memory(args: argparse.Namespace, previous: dict) -> dict:
    sizes = args.memory_runs or ([200] if args.quick else [1_000, 100_000])
    memory, report = system.memory_and_report(sizes, args.seed)
    out = {"sizes": memory, "report": report}
    if len(sizes) > 1:
        lo, hi = str(min(sizes)), str(max(sizes))
        out["ratio_runs"] = max(sizes) / min(sizes)
        for key in ("main_peak_mib", "worker_peak_mib", "tree_peak_mib"):
            out[f"ratio_{key}"] = memory[hi][key] / memory[lo][key]
        out["ratio_report_build_s"] = report[hi]["build_s"] / report[lo]["build_s"]
        out["ratio_report_html_bytes"] = report[hi]["html_bytes"] / report[lo]["html_bytes"]
    return out


def section_sweep(args: argparse.Namespace, previous: dict) -> dict:
    return system.sweep_efficiency(args.quick, args.workers)


def section_dask(args: argparse.Namespace, previous: dict) -> dict:
    return system.dask_vs_pool(args.quick, args.workers)


def print_section(name: str, s: dict) -> None:
    if name == "run":
        print_run(s)
    elif name == "startup":
        print(
            f"(b) start-up, median of {s['repeats']}: python -c pass {s['python_pass_s']:.3f} s; "
            f"import sim +{s['import_sim_over_python_s']:.3f} s; "
            f"tradesim --help +{s['tradesim_help_over_python_s']:.3f} s"
        )
    elif name == "memory":
        for n, m in s["sizes"].items():
            rp = s["report"][n]
            print(
                f"(c) tradesim run {int(n):>7,} runs ({m['processes']} processes, {m['wall_s']:.0f} s): peak RSS main "
                f"{m['main_peak_mib']:.0f} MiB, largest worker {m['worker_peak_mib']:.0f} MiB, "
                f"tree {m['tree_peak_mib']:.0f} MiB"
            )
            print(
                f"(f)   report: build_report {rp['build_s']:.2f} s (+{rp['import_s']:.2f} s imports), "
                f"report.html {rp['html_bytes'] / 2**20:.1f} MiB, peak {rp['peak_mib']:.0f} MiB"
            )
        if "ratio_runs" in s:
            print(
                f"    x{s['ratio_runs']:,.0f} runs: main x{s['ratio_main_peak_mib']:.2f}, "
                f"tree x{s['ratio_tree_peak_mib']:.2f}, "
                f"report build x{s['ratio_report_build_s']:.1f}, page x{s['ratio_report_html_bytes']:.2f}"
            )
    elif name == "sweep":
        o, n = s["one_worker"], s["n_workers"]
        print(
            f"(d) {s['sweep']}, {s['runs']} runs: 1 worker {o['wall_s']:.1f} s ({o['runs_per_s']:.0f} runs/s); "
            f"{s['workers']} workers {n['wall_s']:.1f} s ({n['runs_per_s']:.0f} runs/s); parallel efficiency "
            f"{s['efficiency_wall']:.0%} wall, {s['efficiency_cpu']:.0%} CPU "
            f"({s['efficiency_cpu_runs']:.0%} without the workers' start-up)"
        )
    elif name == "dask":
        p, d = s["pool"], s["dask"]
        print(
            f"(e) {s['workers']} workers: pool {p['run_s']:.1f} s running (its processes start inside it), "
            f"Dask LocalCluster start-up {d['startup_s']:.1f} s + {d['run_s']:.1f} s running; "
            f"Dask/pool {s['dask_over_pool_run']:.2f}x running, {s['dask_over_pool_wall']:.2f}x in all"
        )
    print(f"    load average before {s['load_before']}, after {s['load_after']}; {s['seconds']:.0f} s", flush=True)


RUNNERS = {
    "run": section_run,
    "startup": section_startup,
    "memory": section_memory,
    "sweep": section_sweep,
    "dask": section_dask,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a few runs of everything; writes nothing without --out")
    ap.add_argument("--only", action="append", choices=SECTIONS, help="this section only (repeatable)")
    ap.add_argument("--reference-commit", default=REFERENCE_COMMIT, help="'' keeps the recorded reference")
    ap.add_argument("--out", type=Path, default=None, help=f"results file (default: {RESULTS.relative_to(ROOT)})")
    ap.add_argument("--runs", type=int, default=500, help="runs per measurement of section run")
    ap.add_argument("--repeats", type=int, default=3, help="repetitions of section run")
    ap.add_argument("--memory-runs", type=int, nargs="*", default=None, help="sizes of section memory")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="workers of sections sweep and dask")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    out = args.out or (None if args.quick else RESULTS)
    results = json.loads(out.read_text()) if out is not None and out.is_file() else {}
    results.setdefault("sections", {})
    head = {"machine": machine(), "git_commit": commit(), "date": dt.datetime.now().isoformat(timespec="seconds")}
    print(
        f"tradesim benchmark: {head['git_commit']}, {head['machine']['cores']} cores, "
        f"Python {head['machine']['python']}, "
        f"load average {load()}{', quick' if args.quick else ''}",
        flush=True,
    )
    for name in args.only or SECTIONS:
        before, t0 = load(), time.perf_counter()
        section = RUNNERS[name](args, results["sections"].get(name, {}))
        section = {
            "date": head["date"],
            "git_commit": head["git_commit"],
            "quick": args.quick,
            "load_before": before,
            "load_after": load(),
            "seconds": time.perf_counter() - t0,
            **section,
        }
        results["sections"][name] = section
        results.update(head)
        print_section(name, section)
        if out is not None:  # after each section: an interrupted benchmark keeps what it measured
            out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    if out is not None:
        print(f"written: {out}")


if __name__ == "__main__":
    main()
