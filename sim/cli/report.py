"""``tradesim report`` and ``tradesim compare``: pages from stored results."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.parser import open_in_browser
from sim.errors import UsageError


def readable(fn, *paths):
    """``fn(*paths)``; stored results that cannot be read (corrupt parquet or manifest) are a
    usage error naming the folders, not a traceback."""
    import json

    import pyarrow as pa

    try:
        return fn(*paths)
    except (pa.ArrowException, json.JSONDecodeError, UnicodeDecodeError) as exc:
        named = " or ".join(str(p) for p in paths[:2] if p is not None)
        raise UsageError(f"cannot read the results in {named}: {type(exc).__name__}: {exc}") from None


def add_parsers(sub) -> None:
    rp = sub.add_parser("report", help="write report.html for a results folder (a run or a sweep)")
    rp.add_argument("results")
    rp.add_argument("--open", action="store_true", help="open it in the default browser")
    cp = sub.add_parser("compare", help="one page overlaying two result sets")
    cp.add_argument("a")
    cp.add_argument("b")
    cp.add_argument("--out", default=None, help="folder for compare.html (default: the second results folder)")
    cp.add_argument("--open", action="store_true", help="open it in the default browser")


def _cmd_report(args: argparse.Namespace) -> int:
    from sim.report.build import build_report

    path = readable(build_report, args.results)
    print(f"report: {path}")
    if args.open:
        open_in_browser(path)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from sim.report.compare import compare

    if args.out is not None:
        from sim.results.folder import check_output_root

        check_output_root(Path(args.out))
    path = readable(compare, args.a, args.b, args.out)
    print(f"comparison: {path}")
    if args.open:
        open_in_browser(path)
    return 0


COMMANDS = {"report": _cmd_report, "compare": _cmd_compare}
