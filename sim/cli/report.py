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
    rp = sub.add_parser(
        "report",
        help="write report.html for a results folder (a run or a sweep)",
        description="Write report.html (interactive plotly, works offline) into a results folder of a run or a "
        "sweep; 'run' and 'sweep' write it by default. With --run ID, write report-run-ID.html next to it "
        "instead: the same page with run ID first in the run explorer (report.html is left as it is).",
    )
    rp.add_argument("results", help="a results folder, e.g. results/<scenario>/<run-id>")
    rp.add_argument(
        "--run",
        type=int,
        default=None,
        metavar="ID",
        help="write report-run-ID.html with run ID (a run number of the folder's summary) first in the run "
        "explorer; an unknown run is an error that names the valid range",
    )
    rp.add_argument("--open", action="store_true", help="open it in the default browser")
    cp = sub.add_parser(
        "compare",
        help="one page overlaying two result sets",
        description="Write compare.html: one page overlaying two result sets, with bootstrap intervals on "
        "their differences.",
    )
    cp.add_argument("a", help="the first results folder (the baseline)")
    cp.add_argument("b", help="the second results folder")
    cp.add_argument("--out", default=None, help="folder for compare.html (default: the second results folder)")
    cp.add_argument("--open", action="store_true", help="open it in the default browser")


def _cmd_report(args: argparse.Namespace) -> int:
    import functools

    from sim.cli.progress import build_report_with_progress

    path = readable(functools.partial(build_report_with_progress, run=args.run), args.results)
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
