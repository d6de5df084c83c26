"""``tradesim analyze sensitivity|discover``: analyses of a sweep's stored results."""

from __future__ import annotations

import argparse

from sim.cli.parser import Parser
from sim.engine.outcome import LABELS
from sim.errors import UsageError


def add_parsers(sub) -> None:
    an = sub.add_parser(
        "analyze",
        help="analyse a sweep's results",
        description="Analyses of a sweep's stored results: how much each swept parameter moves an output "
        "(sensitivity), or where in the parameter space an outcome is likely (discover).",
    )
    an_sub = an.add_subparsers(
        dest="analysis", required=True, parser_class=Parser, metavar="ANALYSIS", help="the analysis to run"
    )
    sens = an_sub.add_parser(
        "sensitivity",
        help="sensitivity indices with 95%% intervals, on any design",
        description="How much each swept parameter moves each output, every index with a 95% interval: Sobol "
        "first-order and total indices (design saltelli), Morris mu* and sigma (design morris), or, on any "
        "design, Borgonovo's delta, PAWN or RBD-FAST. Prints the table and a note when the sample is too small "
        "for the estimator, and writes sensitivity.parquet into the results folder (the report plots it).",
    )
    sens.add_argument("results", help="a sweep's results folder, e.g. results/<sweep name>/<id>")
    sens.add_argument(
        "--output",
        dest="outputs",
        action="append",
        default=None,
        metavar="NAME",
        help="output to analyse, repeatable: an outcome label, a summary column, deal_by_<N> (P(deal by day N)) "
        "or rmst_deal_<N> (restricted mean deal day up to day N) (default: the sweep's outputs)",
    )
    sens.add_argument(
        "--method",
        choices=["sobol", "morris", "delta", "pawn", "rbd_fast"],
        default=None,
        help="estimator (default: the design's own, sobol for saltelli and morris for morris; else delta)",
    )
    disc = an_sub.add_parser(
        "discover",
        help="scenario discovery: PRIM boxes where an outcome is likely",
        description="Scenario discovery with PRIM: the box of swept parameter values inside which the outcome's "
        "share of runs reaches the threshold. Prints the box and writes discovery.parquet into the results "
        "folder (the report plots it).",
    )
    disc.add_argument("results", help="a sweep's results folder, e.g. results/<sweep name>/<id>")
    disc.add_argument(
        "--outcome",
        default="deal",
        help=f"outcome label: {', '.join(LABELS)} or capitulation_<actor> (default: deal)",
    )
    disc.add_argument(
        "--threshold",
        type=float,
        default=0.8,
        help="target density of the box: its share of runs with the outcome, in (0, 1] (default 0.8)",
    )


def _cmd_analyze(args: argparse.Namespace) -> int:
    from sim.analysis.discovery import discover
    from sim.analysis.sensitivity import sensitivity

    if args.analysis == "discover" and not 0 < args.threshold <= 1:
        raise UsageError(f"--threshold is a density in (0, 1], found {args.threshold}")
    if args.analysis == "sensitivity":
        table, path = sensitivity(args.results, args.outputs, args.method)
        shown = table.drop(columns="warning")
        print(shown.to_string(index=False))
        for out, w in table.groupby("output", sort=False)["warning"]:
            notes = sorted({n for text in w for n in text.split("; ") if n})
            if notes:
                print(f"note: {out}: " + "; ".join(notes) + " (the indices are not reliable)")
    else:
        table, path = discover(args.results, args.outcome, args.threshold)
        print(table.to_string(index=False))
    print(f"written: {path}")
    return 0


COMMANDS = {"analyze": _cmd_analyze}
