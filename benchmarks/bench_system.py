"""Sections of the benchmark that run whole commands: start-up, memory and report, sweeps.

Imported by ``benchmarks/bench.py`` (run that). Every command runs with this checkout's
``sim`` (``PYTHONPATH``) from the repository root; wall times include what a user waits for.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SHIPPED_SWEEP = ROOT / "sweeps" / "threat_and_stocks.yaml"
MIB = 2**20


def tradesim() -> list[str]:
    """The ``tradesim`` console script of this Python (``python -m sim`` if there is none)."""
    script = Path(sys.executable).parent / "tradesim"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "sim"]


def children_cpu() -> float:
    """CPU seconds of the finished (reaped) children of this process."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# ---------------------------------------------------------------- (b) start-up


def startup(repeats: int) -> dict:
    """Median wall seconds of bare Python, ``import sim`` and ``tradesim --help``, interleaved."""
    commands = {
        "python_pass": [sys.executable, "-c", "pass"],
        "import_sim": [sys.executable, "-c", "import sim"],
        "tradesim_help": [*tradesim(), "--help"],
    }
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(repeats):
        for name, cmd in commands.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t0)
    out: dict = {"repeats": repeats}
    for name, ts in times.items():
        out[f"{name}_s"] = statistics.median(ts)
        out[f"{name}_range_s"] = [min(ts), max(ts)]
    out["import_sim_over_python_s"] = out["import_sim_s"] - out["python_pass_s"]
    out["tradesim_help_over_python_s"] = out["tradesim_help_s"] - out["python_pass_s"]
    return out


# ---------------------------------------------------------------- (c) memory, (f) report


def _tree(pid: int) -> list[int]:
    """``pid``'s descendants (Linux /proc)."""
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                for kid in map(int, f.read().split()):
                    out += [kid, *_tree(kid)]
    except OSError:
        pass
    return out


def _status_kib(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_sampled(cmd: list[str], every: float = 0.1) -> dict:
    """Run ``cmd``; peak RSS of the main process and of its workers (each process's own
    high-water mark, VmHWM, sampled from /proc), the largest sum over the tree at one
    sample, the wall time and the output. The main process's peak is also taken from
    ``wait4`` (exact, but the largest of the whole tree), when that is above every worker's."""
    with tempfile.TemporaryFile("w+") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT, text=True)
        main, workers, total = 0, {}, 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            main = max(main, _status_kib(proc.pid, "VmHWM"))
            kids = _tree(proc.pid)
            for k in kids:
                workers[k] = max(workers.get(k, 0), _status_kib(k, "VmHWM"))
            total = max(total, _status_kib(proc.pid, "VmRSS") + sum(_status_kib(k, "VmRSS") for k in kids))
            time.sleep(every)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {text[-2000:]}")
    worker_peak = max(workers.values(), default=0)
    if usage.ru_maxrss > max(main, worker_peak):  # the main process peaked after the last sample
        main = usage.ru_maxrss
    return {
        "wall_s": wall,
        "main_peak_mib": main / 1024,
        "worker_peak_mib": worker_peak / 1024,
        "processes": 1 + len(workers),
        "tree_peak_mib": max(total, main) / 1024,
        "output": text,
    }


def memory_and_report(runs_list: list[int], seed: int = 1) -> tuple[dict, dict]:
    """``tradesim run`` of the shipped baseline (series, events and report, all cores) at each
    size: peak memory; then ``build_report`` on its folder again, timed, and the page's size."""
    memory: dict = {}
    report: dict = {}
    scenario = str(ROOT / "scenarios" / "baseline_oct2025.yaml")
    with tempfile.TemporaryDirectory(prefix="tradesim-bench-") as tmp:
        for n in runs_list:
            cmd = [*tradesim(), "run", scenario, "--runs", str(n), "--seed", str(seed), "--out", f"{tmp}/m{n}"]
            m = run_sampled(cmd)
            folder = next(ln for ln in m.pop("output").splitlines() if ln.startswith("results: "))[9:]
            memory[str(n)] = {"runs": n, **m}
            report[str(n)] = {"runs": n, **time_report(folder)}
    return memory, report


REPORT_SNIPPET = """
import json, sys, time
t0 = time.perf_counter()
from sim.report.build import build_report
t1 = time.perf_counter()
path = build_report(sys.argv[1])
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "build_s": t2 - t1, "html_bytes": path.stat().st_size}))
"""


def time_report(folder: str) -> dict:
    """``sim.report.build.build_report`` on a results folder, in a fresh process: its time
    (imports apart), the size of report.html and the process's peak RSS (exact: wait4)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", REPORT_SNIPPET, folder], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, text=True
    )
    stdout = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"build_report({folder}) exited {proc.returncode}")
    return {**json.loads(stdout), "command_wall_s": time.perf_counter() - t0, "peak_mib": usage.ru_maxrss / 1024}


# ---------------------------------------------------------------- (d) sweep efficiency, (e) Dask


def sweep_file(tmp: Path, quick: bool) -> Path:
    """The shipped sweep, or (``quick``) a copy with 8 points x 5 replications."""
    if not quick:
        return SHIPPED_SWEEP
    spec = yaml.safe_load(SHIPPED_SWEEP.read_text(encoding="utf-8"))
    spec.update(points=8, replications=5, chunk_runs=10, scenario=str(ROOT / "scenarios" / "baseline_oct2025.yaml"))
    path = tmp / "quick_sweep.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


class TimedExecutors:
    """Wraps ``sim.experiments.execute.make_executor`` to time each executor's start-up and
    shutdown, so a sweep's wall time splits into start-up, runs and shutdown."""

    def __init__(self) -> None:
        import sim.experiments.execute as execute

        self.module, self.original = execute, execute.make_executor
        self.startup = self.shutdown = 0.0

    def __enter__(self) -> TimedExecutors:
        def make(*args, **kw):
            t0 = time.perf_counter()
            ex = self.original(*args, **kw)
            self.startup += time.perf_counter() - t0
            stop = ex.shutdown

            def shutdown(wait: bool = True) -> None:
                t1 = time.perf_counter()
                stop(wait)
                self.shutdown += time.perf_counter() - t1

            ex.shutdown = shutdown
            return ex

        self.module.make_executor = make
        return self

    def __exit__(self, *exc) -> None:
        self.module.make_executor = self.original


def timed_sweep(path: Path, out: Path, executor: str, workers: int) -> dict:
    """One sweep through ``run_sweep`` in this process (workers: the pool's or Dask's processes)."""
    from sim.experiments.sweeps import run_sweep

    c0, k0, t0 = time.process_time(), children_cpu(), time.perf_counter()
    with TimedExecutors() as te:
        res = run_sweep(str(path), out=str(out), executor=executor, workers=workers, quiet=True)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0 + children_cpu() - k0
    run = wall - te.startup - te.shutdown
    return {
        "executor": executor,
        "workers": workers,
        "runs": res.runs,
        "wall_s": wall,
        "cpu_s": cpu,
        "startup_s": te.startup,
        "shutdown_s": te.shutdown,
        "run_s": run,
        "runs_per_s": res.runs / wall,
    }


def worker_import_cpu(repeats: int = 3) -> float:
    """CPU seconds of a fresh Python importing what a pool worker imports (median)."""
    cpus = []
    for _ in range(repeats):
        k0 = children_cpu()
        subprocess.run([sys.executable, "-c", "import sim.experiments.chunk"], cwd=ROOT, env=ENV, check=True)
        cpus.append(children_cpu() - k0)
    return statistics.median(cpus)


def sweep_efficiency(quick: bool, workers: int) -> dict:
    """The shipped sweep on one worker (in this process) and on ``workers`` pool processes."""
    with tempfile.TemporaryDirectory(prefix="tradesim-bench-") as tmp:
        path = sweep_file(Path(tmp), quick)
        one = timed_sweep(path, Path(tmp) / "one", "processes", 1)
        many = timed_sweep(path, Path(tmp) / "many", "processes", workers)
    from sim.experiments.executors.processes import start_method

    # a forked worker inherits the driver's imports; a spawned one imports the runner itself
    start_cpu = worker_import_cpu() if start_method() == "spawn" else 0.0
    return {
        "sweep": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name,
        "runs": one["runs"],
        "workers": workers,
        "one_worker": one,
        "n_workers": many,
        # the brief's figure: runs/s on N workers over N x runs/s on one, pool start-up included
        "efficiency_wall": many["runs_per_s"] / (workers * one["runs_per_s"]),
        # CPU seconds per run on one over CPU seconds per run on N (driver and workers, start-up included)
        "efficiency_cpu": one["cpu_s"] / many["cpu_s"],
        # the same, the workers' start-up (a fresh Python importing the runner, each) taken out:
        # the figure sim/experiments/sweepfile.py's dry run assumes (PARALLEL_EFFICIENCY)
        "worker_start_cpu_s": start_cpu,
        "efficiency_cpu_runs": one["cpu_s"] / (many["cpu_s"] - workers * start_cpu),
    }


def dask_vs_pool(quick: bool, workers: int) -> dict:
    """The same sweep on the process pool and on a Dask LocalCluster, start-up timed apart."""
    with tempfile.TemporaryDirectory(prefix="tradesim-bench-") as tmp:
        path = sweep_file(Path(tmp), quick)
        pool = timed_sweep(path, Path(tmp) / "pool", "processes", workers)
        dask = timed_sweep(path, Path(tmp) / "dask", "dask", workers)
    return {
        "workers": workers,
        "pool": pool,
        "dask": dask,
        "dask_over_pool_run": dask["run_s"] / pool["run_s"],
        "dask_over_pool_wall": dask["wall_s"] / pool["wall_s"],
    }
