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
        help="one page comparing two result sets, paired by seed when they share their runs",
        description="Write compare.html and compare.json (the differences as numbers) into a folder of their own, "
        "results/compare/<A>__vs__<B>/ by default. Differences B − A come with 95% bootstrap intervals; when A "
        "and B have the same seed and run ids, run i of A and run i of B share their random numbers and each "
        "difference is paired (run ids resampled jointly), with the unpaired interval beside it.",
    )
    cp.add_argument("a", help="the first results folder (the baseline)")
    cp.add_argument("b", help="the second results folder")
    cp.add_argument(
        "--out",
        default=None,
        help="folder for compare.html and compare.json (default: results/compare/<A>__vs__<B>; never inside A or B)",
    )
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
    import json

    from sim.report.compare import COMPARE_ROOT, compare
    from sim.results.folder import check_output_root

    check_output_root(Path(args.out) if args.out is not None else COMPARE_ROOT)
    path = readable(compare, args.a, args.b, args.out)
    record = json.loads((path.parent / "compare.json").read_text(encoding="utf-8"))
    how = f"paired, {record['pairs']} pairs" if record["paired"] else f"unpaired: {record['pairing']}"
    print(f"comparison ({how}): {path}")
    if record["same_folder"]:
        print("note: A and B are the same results folder, so every difference is 0")
    if args.open:
        open_in_browser(path)
    return 0


COMMANDS = {"report": _cmd_report, "compare": _cmd_compare}
