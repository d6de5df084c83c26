"""``tradesim run`` and ``tradesim sweep``: execute a scenario or a sweep and save the results."""

from __future__ import annotations

import argparse
import sys

from sim.cli.parser import add_monte_carlo, output_root, positive, workers


def add_parsers(sub) -> None:
    from sim.experiments.defaults import DEFAULT_RUNS, DEFAULT_SEED
    from sim.experiments.executors.base import REGISTRY as EXECUTORS

    r = sub.add_parser(
        "run",
        help="run a scenario as a seeded Monte Carlo and save the results",
        description="Run a scenario as a seeded Monte Carlo and save the results in <out>/<scenario>/<run-id>/ "
        "(summary, events and series tables, manifest, report.html); prints a summary and the paths. The same "
        "scenario and seed give the same results whatever the number of workers.",
    )
    add_monte_carlo(r, DEFAULT_RUNS, DEFAULT_SEED)
    r.add_argument("--no-series", action="store_true", help="do not record series (smaller, faster)")
    r.add_argument("--quiet", action="store_true", help="no progress, no tables; print only the path")
    r.add_argument("--no-report", action="store_true", help="do not write report.html")
    from sim.cli.parser import whole
    from sim.cli.watch import DEFAULT_PORT, KEEP, WATCH_RUNS, DefaultRuns

    r.set_defaults(runs=DefaultRuns(DEFAULT_RUNS))  # still DEFAULT_RUNS; --watch tells it was not given
    r.add_argument(
        "--watch",
        action="store_true",
        help=f"rerun on every save of the scenario file and serve the latest report on http://127.0.0.1:PORT/ "
        f"({WATCH_RUNS} runs unless --runs is given; results in OUT/watch/<scenario>/, the latest {KEEP} kept)",
    )
    r.add_argument("--once", action="store_true", help="with --watch: one run and its report, then exit (no server)")
    r.add_argument(
        "--port",
        type=whole(0, "a port", 65535),
        default=None,
        help=f"with --watch: the page's port on 127.0.0.1 (default {DEFAULT_PORT}; 0: any free port)",
    )

    w = sub.add_parser(
        "sweep",
        help="run (or resume) a parameter sweep",
        description="Run the design of a sweep file (grid, LHS, Sobol, Halton, Saltelli, Morris) over a scenario's "
        "parameters and save the results; rerun the same command to resume a stopped sweep (docs/sweeps.md).",
    )
    w.add_argument("sweep", help="sweep YAML file")
    w.add_argument(
        "--executor",
        choices=EXECUTORS.names(),
        default="processes",
        help="where runs execute (default: local processes)",
    )
    w.add_argument(
        "--workers", type=workers, default=None, help="processes or Dask workers (default: all cores; local: capped)"
    )
    w.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT", help="an existing Dask scheduler")
    w.add_argument("--out", type=output_root, default="results", help="results root (default: results)")
    w.add_argument("--dry-run", action="store_true", help="print the design size and an estimated time")
    w.add_argument("--fail-fast", action="store_true", help="stop at the first run that raises")
    w.add_argument(
        "--stall-timeout",
        type=positive,
        default=None,
        metavar="SECONDS",
        help="stop (resumably) when no chunk finishes for this long (default: 3600)",
    )
    w.add_argument("--quiet", action="store_true", help="no progress output")
    w.add_argument("--no-report", action="store_true", help="do not write report.html")


def _cmd_run(args: argparse.Namespace) -> int:
    if args.watch or args.once or args.port is not None:  # tradesim run --watch: sim/cli/watch.py
        from sim.cli.watch import watch

        return watch(args)
    from sim.analysis.summary import print_stats, summary_stats
    from sim.experiments.api import run

    res = run(
        args.scenario,
        runs=args.runs,
        seed=args.seed,
        workers=args.workers,
        out=args.out,
        overrides=args.overrides,
        record_series=not args.no_series,
        quiet=args.quiet,
    )
    from sim.results.table import release_memory

    release_memory()  # what the run and its consolidation freed goes back to the system before the statistics
    if not args.quiet:
        name = res.manifest["scenario_name"]
        print_stats(
            summary_stats(res.table("summary"), res.start),  # read column by column, not loaded whole
            f"{name}: {args.runs} runs, seed {args.seed}, {res.manifest['workers']} workers",
        )
    print(f"results: {res.path}")
    release_memory()  # and what the statistics' scans freed, before the report's
    _write_report(args, res.path)
    return 0


def _write_report(args: argparse.Namespace, path) -> None:
    if not args.no_report:
        from sim.cli.progress import build_report_with_progress

        print(f"report: {build_report_with_progress(path, quiet=getattr(args, 'quiet', False))}")


def _cmd_sweep(args: argparse.Namespace) -> int:
    from sim.experiments.sweeps import SweepFailed, run_sweep

    if args.dry_run:
        from sim.experiments.sweepfile import dry_run

        print(dry_run(args.sweep, args.workers))
        return 0
    try:
        res = run_sweep(
            args.sweep,
            out=args.out,
            executor=args.executor,
            workers=args.workers,
            scheduler=args.scheduler,
            fail_fast=args.fail_fast,
            quiet=args.quiet,
            stall_seconds=args.stall_timeout,
        )
    except SweepFailed as exc:
        print(f"tradesim: {exc}; the runs before it are on disk, rerun without --fail-fast to go on", file=sys.stderr)
        return 1
    resumed = f" ({res.resumed_runs} resumed from disk)" if res.resumed_runs else ""
    print(f"{res.runs} runs{resumed}, {res.failed} failed")
    print(f"results: {res.path}")
    from sim.results.table import release_memory

    release_memory()  # what the sweep's consolidation freed goes back to the system before the report
    _write_report(args, res.path)
    return 0


COMMANDS = {"run": _cmd_run, "sweep": _cmd_sweep}
