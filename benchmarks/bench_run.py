"""Benchmark: baseline runs per second, events per run, overhead over bare SimPy.

    python benchmarks/bench_run.py [--scenario PATH] [--runs N] [--parallel-runs N] [--quick]

Prints runs/s on one worker (in-process) and on all cores (process pool), the
SimPy events scheduled per run, and the time the same number of events takes
through bare SimPy timeouts, so the model's overhead over its engine is a ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.engine.budget import event_budget
from sim.engine.compile import load_scenario
from sim.engine.core import Engine, run_replication, sample_params
from sim.experiments.api import run as monte_carlo_run


def monte_carlo(sc, runs: int, seed: int, workers: int) -> None:
    """A Monte Carlo through the one execution path (chunks streamed to a temporary folder)."""
    monte_carlo_run(sc, runs=runs, seed=seed, workers=workers, out=None)


def events_per_run(sc, seed: int, runs: int) -> tuple[list[int], float]:
    """SimPy events scheduled per run, and the mean seconds spent inside ``env.run``."""
    counts = []
    loop = 0.0
    for i in range(runs):
        ss = np.random.SeedSequence(seed, spawn_key=(i,))
        s_params, s_summit, s_actors, s_lic = ss.spawn(4)
        params = sample_params(sc, np.random.default_rng(s_params))
        eng = Engine(sc, params, [s_summit, s_actors, s_lic], i)
        t0 = time.perf_counter()
        eng.env.run(until=sc.meta.horizon_days)
        loop += time.perf_counter() - t0
        counts.append(next(eng.env._eid))  # SimPy's counter of scheduled events
    return counts, loop / runs


def bare_simpy(n_events: int, repeats: int) -> float:
    """Seconds per run for ``n_events`` timeouts in bare SimPy."""

    def proc(env, n):
        for _ in range(n):
            yield env.timeout(1.0)

    t0 = time.perf_counter()
    for _ in range(repeats):
        env = simpy.Environment()
        env.process(proc(env, n_events))
        env.run()
    return (time.perf_counter() - t0) / repeats


VARIANTS = {
    "resolve (foundation)": [
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


def serial_rate(sc, seed: int, runs: int) -> float:
    for i in range(10):
        run_replication(sc, seed, i)
    t0 = time.perf_counter()
    for i in range(runs):
        run_replication(sc, seed, i)
    return runs / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", default="scenarios/baseline_oct2025.yaml")
    ap.add_argument("--runs", type=int, default=1000, help="runs on one worker")
    ap.add_argument("--parallel-runs", type=int, default=4000, help="runs on all cores")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="scenario override, as for `tradesim run`",
    )
    ap.add_argument("--quick", action="store_true", help="a few runs of everything (keeps the script working)")
    args = ap.parse_args()
    few = 300
    if args.quick:
        args.runs, args.parallel_runs, few = 10, 10, 10
    sc = load_scenario(args.scenario, args.overrides)
    cores = os.cpu_count() or 1

    for i in range(min(20, args.runs)):  # warm-up (imports, caches)
        run_replication(sc, args.seed, i)
    t0 = time.perf_counter()
    for i in range(args.runs):
        run_replication(sc, args.seed, i)
    serial = time.perf_counter() - t0
    per_run = serial / args.runs

    t0 = time.perf_counter()
    monte_carlo(sc, args.runs, args.seed, workers=1)
    mc1 = time.perf_counter() - t0

    t0 = time.perf_counter()
    monte_carlo(sc, args.parallel_runs, args.seed, workers=cores)
    par = time.perf_counter() - t0
    t0 = time.perf_counter()
    monte_carlo(sc, 2 * args.parallel_runs, args.seed, workers=cores)
    par2 = time.perf_counter() - t0
    marginal = args.parallel_runs / max(par2 - par, 1e-9)  # excludes pool start-up

    counts, loop = events_per_run(sc, args.seed, few)
    mean_events = statistics.mean(counts)
    bare = bare_simpy(round(mean_events), few)

    print(f"scenario                      {sc.meta.name} {' '.join(args.overrides)}")
    print(f"policies                      {', '.join(f'{a}={x.policy.name}' for a, x in sc.actors.items())}")
    print(f"cores                         {cores}")
    print(f"runs/s, 1 worker (engine)     {1 / per_run:,.0f}   ({per_run * 1e3:.2f} ms/run, {args.runs} runs)")
    print(f"runs/s, 1 worker (with tables){args.runs / mc1:,.0f}")
    print(
        f"runs/s, {cores} workers            {args.parallel_runs / par:,.0f}   "
        f"({args.parallel_runs} runs, incl. pool start)"
    )
    print(
        f"runs/s, {cores} workers, marginal  {marginal:,.0f}   (pool start-up excluded: {args.parallel_runs} vs "
        f"{2 * args.parallel_runs} runs)"
    )
    print(f"parallel efficiency           {marginal / (cores / per_run):.0%}")
    print(f"SimPy events per run          {mean_events:,.1f} (min {min(counts)}, max {max(counts)})")
    horizon = sc.meta.horizon_days
    budget = event_budget(horizon)
    print(
        f"events per simulated day      {mean_events / horizon:,.2f} mean, {max(counts) / horizon:,.2f} max; "
        f"event budget {budget:,} = {budget / max(counts):,.0f}x the largest run"
    )
    print(f"bare SimPy, same events       {bare * 1e3:.3f} ms/run")
    print(f"model overhead, whole run     {per_run / bare:,.1f}x  (incl. seeding, sampling, set-up, summary)")
    print(f"model overhead, event loop    {loop / bare:,.1f}x  (time inside env.run only)")
    if args.scenario.endswith("baseline_oct2025.yaml") and not args.overrides:
        print("runs/s on 1 worker by policy (same scenario, policies overridden):")
        for label, overrides in VARIANTS.items():
            variant = load_scenario(args.scenario, overrides)
            n = few if args.quick else max(200, args.runs // 2)
            print(f"  {label:<26}  {serial_rate(variant, args.seed, n):,.0f}")


if __name__ == "__main__":
    main()
