"""``tradesim rationality``: are deals individually rational? Each run with a deal against its refusal.

Runs the scenario's Monte Carlo (the seeds of ``tradesim run``) and, for each run that
reached a deal, the same run with its first agreement refused; prints per actor the
value of the deal from its date on (Δ, $bn discounted: mean and SE, share of runs with
Δ < 0, quantiles) and writes the table to ``<out>/<scenario name>/rationality.csv``
(:mod:`sim.analysis.rationality`).
"""

from __future__ import annotations

import argparse
import math

from sim.cli.parser import add_monte_carlo

#: Runs of ``tradesim rationality`` (each run with a deal is run twice).
DEFAULT_RUNS = 200


def add_parsers(sub) -> None:
    from sim.experiments.defaults import DEFAULT_SEED

    r = sub.add_parser(
        "rationality",
        help="check that deals are individually rational: each run with a deal against its refusal",
        description="Run the scenario's Monte Carlo (the seeds of 'tradesim run') and, for each run that reached a "
        "deal, the same run with its first agreement refused. Prints per actor the deal's value from its date on "
        "(mean and SE, share of runs where it is negative, quantiles) and writes <out>/<scenario name>/"
        "rationality.csv.",
    )
    add_monte_carlo(r, DEFAULT_RUNS, DEFAULT_SEED)
    r.add_argument("--quiet", action="store_true", help="no progress, no table; print only the path")


def _cmd_rationality(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sim.analysis.rationality import individual_rationality, write_csv
    from sim.engine.compile import load_scenario
    from sim.experiments.progress import Progress, cap_workers, default_workers
    from sim.results.folder import check_output_root

    sc = load_scenario(args.scenario, args.overrides)
    check_output_root(Path(args.out), sc.meta.name)
    n_workers = cap_workers(args.workers) or default_workers()
    n_workers = min(n_workers, args.runs)
    progress = Progress(args.runs, f"{sc.meta.name} rationality", args.quiet)
    try:
        result = individual_rationality(sc, args.runs, args.seed, n_workers, progress.advance)
    finally:
        progress.close()
    path = write_csv(result, Path(args.out))
    if not args.quiet:
        print_table(result, n_workers)
    print(f"rationality: {path}")
    return 0


def print_table(result, n_workers: int) -> None:
    """The per-actor table on the terminal (rich)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:  # piped or logged: wide enough for every column
        console = Console(width=max(console.width, 120))
    later = result.later_deal_runs
    console.print(
        f"[bold]{result.scenario}: {result.runs} runs, seed {result.seed}, {n_workers} workers; "
        f"{result.deal_runs} reached a deal ({later} of them agree later when it is refused)[/bold]"
    )
    t = Table(
        title="Value of the first deal from its date on: Δ = payoff with it − payoff with it refused ($bn, discounted)",
        title_justify="left",
    )
    for c in ("actor", "deal runs", "mean Δ", "se", "Δ < 0 (share)", "se", "q05", "q50", "q95"):
        t.add_column(c, justify="left" if c == "actor" else "right")
    for a in result.actors.values():
        t.add_row(
            a.actor,
            str(a.deal_runs),
            _fmt(a.mean),
            _fmt(a.se),
            _fmt(a.violations, ".3f"),
            _fmt(a.violations_se, ".3f"),
            *(_fmt(q) for q in a.quantiles),
        )
    console.print(t)


def _fmt(x: float, spec: str = ".4g") -> str:
    return "-" if math.isnan(x) else format(x, spec)


COMMANDS = {"rationality": _cmd_rationality}
