"""The parser pieces every command group shares: a parser that exits 2, argument types."""

from __future__ import annotations

import argparse
import sys

from sim.experiments.defaults import MAX_RUNS, MAX_SEED, MAX_WORKERS  # one home for the bounds (docs/limits.md)


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # exit 2 with a one-line message
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def whole(minimum: int, what: str, maximum: int | None = None):
    """argparse type: a whole number of at least ``minimum`` (and at most ``maximum``)."""

    def parse(text: str) -> int:
        if len(text) > 30:
            raise argparse.ArgumentTypeError(f"{what} is a whole number, found {len(text)} characters")
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, found '{text}'") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"{what} is a whole number of at least {minimum}, found {v}")
        if maximum is not None and v > maximum:
            raise argparse.ArgumentTypeError(f"{what} is at most {maximum:,}, found {v:,}")
        return v

    return parse


positive = whole(1, "this")
runs = whole(1, "the number of runs", MAX_RUNS)
workers = whole(1, "the number of workers", MAX_WORKERS)
seed = whole(0, "a seed", MAX_SEED)


def output_root(text: str) -> str:
    """argparse type: an output folder that is (or can be made) a writable directory.

    Checked before any work, so a bad ``--out`` never costs a computation.
    """
    from pathlib import Path

    from sim.errors import UsageError
    from sim.results.folder import check_output_root

    try:
        check_output_root(Path(text))
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def add_overrides(p: argparse.ArgumentParser, help: str = "") -> None:
    """``--set PATH=VALUE`` (repeatable): scenario overrides, validated like the file."""
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help=help or "override a scenario value by dotted path, e.g. actors.US.resolve_bn=200",
    )


def add_monte_carlo(p: argparse.ArgumentParser, default_runs: int, default_seed: int) -> None:
    """The arguments of a seeded Monte Carlo of one scenario: the file, runs, seed, workers, results root, overrides."""
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--runs", type=runs, default=default_runs, help=f"number of runs (default {default_runs})")
    p.add_argument("--seed", type=seed, default=default_seed, help=f"root seed (default {default_seed})")
    p.add_argument("--workers", type=workers, default=None, help="processes (default: all cores; capped at the cores)")
    p.add_argument("--out", type=output_root, default="results", help="results root (default: results)")
    add_overrides(p)


def open_in_browser(path) -> None:
    """Open a written page in the default browser (``--open``)."""
    import webbrowser

    webbrowser.open(path.resolve().as_uri())
