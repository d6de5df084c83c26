"""Benchmark sweeps: a Monte Carlo of the baseline as a sweep, on one and all cores,
Dask LocalCluster against the process pool, and peak memory as runs grow.

    python benchmarks/bench_sweep.py [--runs 10000] [--memory-runs 10000 100000] [--quick]

Each measurement runs `tradesim sweep` in a fresh subprocess, so wall times include
process and cluster start-up, and peak memory is the maximum resident set size of
the whole process tree (the driver and its workers).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def sweep_file(tmp: Path, runs: int, chunk: int) -> Path:
    spec = {
        "name": f"mc{runs}",
        "scenario": str(ROOT / "scenarios" / "baseline_oct2025.yaml"),
        "design": "grid",
        "replications": runs,
        "seed": 1,
        "chunk_runs": chunk,
        "parameters": [],
    }
    p = tmp / f"mc{runs}.yaml"
    p.write_text(yaml.safe_dump(spec))
    return p


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the children of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sim", "sweep", *args, "--quiet"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def peak_rss_tree(args: list[str]) -> float:
    """Peak RSS (MiB) of the driver plus its workers, sampled from /proc every 0.2 s."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "sweep", *args, "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL
    )
    peak = 0.0
    while proc.poll() is None:
        total = 0
        for pid in [proc.pid, *_children(proc.pid)]:
            try:
                with open(f"/proc/{pid}/statm") as f:
                    total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except OSError:
                pass
        peak = max(peak, total / 2**20)
        time.sleep(0.2)
    return peak


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids = [int(x) for x in f.read().split()]
            for k in kids:
                out += [k, *_children(k)]
    except OSError:
        pass
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--memory-runs", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--quick", action="store_true", help="a few runs of everything (keeps the script working)")
    args = ap.parse_args()
    chunk = 200
    if args.quick:
        args.runs, args.memory_runs, chunk = 20, [20], 5
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        f = sweep_file(t, args.runs, chunk)
        w1, _ = timed([str(f), "--executor", "serial", "--out", str(t / "s1")])
        wn, _ = timed([str(f), "--executor", "processes", "--workers", str(cores), "--out", str(t / "sp")])
        wd, _ = timed([str(f), "--executor", "dask", "--workers", str(cores), "--out", str(t / "sd")])
        print(f"Monte Carlo of baseline_oct2025 as a sweep, {args.runs} runs, {cores} cores")
        print(f"  1 worker (serial)         {w1:7.1f} s   {args.runs / w1:7.0f} runs/s")
        print(
            f"  {cores} workers (processes)    {wn:7.1f} s   {args.runs / wn:7.0f} runs/s   "
            f"parallel efficiency {w1 / wn / cores:.0%}"
        )
        print(
            f"  {cores} workers (Dask Local)   {wd:7.1f} s   {args.runs / wd:7.0f} runs/s   Dask / pool {wd / wn:.2f}x"
        )
        for n in args.memory_runs:
            fm = sweep_file(t, n, chunk)
            peak = peak_rss_tree(
                [str(fm), "--executor", "processes", "--workers", str(cores), "--out", str(t / f"m{n}")]
            )
            print(f"  peak memory, {n:>7} runs   {peak:7.0f} MiB (driver + workers)")


if __name__ == "__main__":
    main()
