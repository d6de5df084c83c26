"""``tradesim analyze sensitivity|discover``: analyses of a sweep's stored results."""

from __future__ import annotations

import argparse

from sim.cli.parser import Parser
from sim.engine.outcome import LABELS
from sim.errors import UsageError


def add_parsers(sub) -> None:
    an = sub.add_parser("analyze", help="analyse a sweep's results")
    an_sub = an.add_subparsers(dest="analysis", required=True, parser_class=Parser)
    sens = an_sub.add_parser("sensitivity", help="Sobol first-order and total indices (saltelli designs)")
    sens.add_argument("results")
    sens.add_argument(
        "--output",
        dest="outputs",
        action="append",
        default=None,
        help="output to analyse (default: the sweep's outputs)",
    )
    disc = an_sub.add_parser("discover", help="scenario discovery: PRIM boxes where an outcome is likely")
    disc.add_argument("results")
    disc.add_argument(
        "--outcome",
        default="deal",
        help=f"outcome label: {', '.join(LABELS)} or capitulation_<actor> (default: deal)",
    )
    disc.add_argument("--threshold", type=float, default=0.8, help="target density of the box (default 0.8)")


def _cmd_analyze(args: argparse.Namespace) -> int:
    from sim.analysis.discovery import discover
    from sim.analysis.sensitivity import sensitivity

    if args.analysis == "discover" and not 0 < args.threshold <= 1:
        raise UsageError(f"--threshold is a density in (0, 1], found {args.threshold}")
    if args.analysis == "sensitivity":
        table, path = sensitivity(args.results, args.outputs)
    else:
        table, path = discover(args.results, args.outcome, args.threshold)
    print(table.to_string(index=False))
    print(f"written: {path}")
    return 0


COMMANDS = {"analyze": _cmd_analyze}
