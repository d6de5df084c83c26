"""Section ``run`` of the benchmark: one worker's speed on a scenario, and its SimPy events.

    python benchmarks/bench_run.py [--root TREE] [--scenario PATH] [--runs N] [--seed S]
    python benchmarks/bench_run.py --variants      # events per run of the baseline's policy variants

Measures, in this process, with ``sim`` imported from ``--root`` (default: this checkout;
``benchmarks/bench.py`` points it at an extracted older commit to measure the "before"):

- ``events``: SimPy events processed per run, by counting calls of ``simpy.Environment.step``
  (the counting pass is separate from the timed ones);
- ``engine``: ``run_replication`` with series, as a worker calls it (CPU and wall time);
- ``tradesim_run``: a Monte Carlo through ``sim.experiments.api.run`` on one worker (the
  chunks run in this process), recording events and series and writing the results
  folder as ``tradesim run`` does (without the report), CPU and wall time.

Prints one JSON object. ``bare_simpy`` times bare SimPy for a number of events, the yardstick
of the model's overhead (it is imported by bench.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The baseline with its policies overridden (``--variants``; the event budget's margins in
#: docs/limits.md and sim/engine/budget.py were measured over them).
VARIANTS = {
    "resolve": [
        "actors.US.policy={name: resolve, params: {lookahead_days: 90}}",
        "actors.CN.policy={name: resolve, params: {lookahead_days: 90}}",
    ],
    "best_response": [
        "actors.US.policy={name: best_response, params: {instruments: [tariff_on_cn, chip_controls], "
        "rationality: 0.5, talks: false}}",
        "actors.CN.policy={name: best_response, params: {instruments: [re_controls, licence_approval, "
        "soy_purchases], rationality: 0.5, talks: false}}",
    ],
    "bayesian (as shipped)": [],
}


def count_steps(fn) -> int:
    """Calls of ``simpy.Environment.step`` while ``fn()`` runs (one per event processed)."""
    import simpy

    original = simpy.Environment.step
    calls = 0

    def step(self):
        nonlocal calls
        calls += 1
        return original(self)

    simpy.Environment.step = step
    try:
        fn()
    finally:
        simpy.Environment.step = original
    return calls


def bare_simpy(n_steps: int, repeats: int) -> tuple[float, float]:
    """CPU and wall seconds of one bare SimPy run processing ``n_steps`` events: a process
    of ``n_steps - 3`` timeouts (its start, its end and the empty queue are the other three)."""
    import simpy

    def proc(env, n):
        for _ in range(n):
            yield env.timeout(1.0)

    def one() -> None:
        env = simpy.Environment()
        env.process(proc(env, max(0, n_steps - 3)))
        env.run()

    assert count_steps(one) == max(3, n_steps)
    c0, t0 = time.process_time(), time.perf_counter()
    for _ in range(repeats):
        one()
    return (time.process_time() - c0) / repeats, (time.perf_counter() - t0) / repeats


def timed(fn, runs: int) -> dict[str, float]:
    """CPU and wall seconds per run of ``fn()`` (which does ``runs`` runs), and runs/s."""
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    return {
        "cpu_s_per_run": cpu / runs,
        "wall_s_per_run": wall / runs,
        "runs_per_cpu_s": runs / cpu,
        "runs_per_wall_s": runs / wall,
    }


def measure(scenario: str, runs: int, seed: int, count: bool = True) -> dict:
    """Events per run (``count``), then the engine alone, then a one-worker Monte Carlo."""
    from sim.engine.compile import load_scenario
    from sim.engine.core import run_replication
    from sim.experiments.api import run as monte_carlo

    sc = load_scenario(scenario)
    out: dict = {"scenario": scenario, "runs": runs, "seed": seed}
    for i in range(10):  # warm-up: lazy imports, caches
        run_replication(sc, seed, i, True)
    if count:
        counts = [count_steps(lambda i=i: run_replication(sc, seed, i, True)) for i in range(runs)]
        out["events"] = {"mean": statistics.mean(counts), "min": min(counts), "max": max(counts), "runs": runs}

    def engine() -> None:
        for i in range(runs):
            run_replication(sc, seed, i, True)

    out["engine"] = timed(engine, runs)
    with tempfile.TemporaryDirectory(prefix="tradesim-bench-") as tmp:
        monte_carlo(scenario, runs=5, seed=seed, workers=1, out=tmp)  # warm-up: parquet writers, readers
        out["tradesim_run"] = timed(lambda: monte_carlo(scenario, runs=runs, seed=seed, workers=1, out=tmp), runs)
    return out


def variants(scenario: str, runs: int, seed: int) -> dict[str, dict]:
    """Events per run (mean, max) of the baseline under each policy variant."""
    from sim.engine.compile import load_scenario
    from sim.engine.core import run_replication

    out = {}
    for label, overrides in VARIANTS.items():
        sc = load_scenario(scenario, overrides)
        counts = [count_steps(lambda i=i, sc=sc: run_replication(sc, seed, i, False)) for i in range(runs)]
        out[label] = {"mean": statistics.mean(counts), "max": max(counts), "runs": runs}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=str(ROOT), help="source tree to import sim from")
    ap.add_argument("--scenario", default=None, help="default: the tree's scenarios/baseline_oct2025.yaml")
    ap.add_argument("--runs", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-count", action="store_true", help="skip the events-counting pass")
    ap.add_argument("--variants", action="store_true", help="events per run of the policy variants, then stop")
    ap.add_argument("--quick", action="store_true", help="a few runs (keeps the script working)")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(args.root).resolve()))
    scenario = args.scenario or str(Path(args.root) / "scenarios" / "baseline_oct2025.yaml")
    runs = 10 if args.quick else args.runs
    if args.variants:
        print(json.dumps(variants(scenario, runs, args.seed), indent=1))
        return
    print(json.dumps(measure(scenario, runs, args.seed, count=not args.no_count), indent=1))


if __name__ == "__main__":
    main()
