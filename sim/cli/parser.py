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
    """``--set PATH=VALUE`` (repeatable): scenario overrides, validated like the file; and
    ``--policy ACTOR=NAME[:KEY=VALUE,...]``, short for the ``--set`` of a policy and its parameters."""
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help=help or "override a scenario value by dotted path, e.g. actors.US.resolve_bn=200",
    )
    p.add_argument(
        "--policy",
        dest="overrides",
        action=_Extend,
        type=policy_overrides,
        metavar="ACTOR=NAME[:KEY=VALUE,...]",
        help="replace an actor's policy, e.g. US=best_response:horizon_days=60 "
        "(the --set of actors.US.policy.name and .params.horizon_days)",
    )


class _Extend(argparse.Action):
    """Add a list of overrides to ``dest`` (a copy: the default list is shared)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        setattr(namespace, self.dest, [*(getattr(namespace, self.dest, None) or []), *values])


def _split_top(text: str) -> list[str]:
    """``text`` split at the commas outside brackets and quotes (``k=[a, b],j=1`` is two items)."""
    items, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    return [*items, text[start:]]


def policy_overrides(text: str) -> list[str]:
    """argparse type: ``US=best_response:horizon_days=60,talks=false`` -> the ``--set`` overrides it is short for."""
    usage = "expected ACTOR=NAME or ACTOR=NAME:KEY=VALUE,KEY=VALUE"
    actor, eq, rest = text.partition("=")
    name, _, params = rest.partition(":")
    actor, name = actor.strip(), name.strip()
    if not eq or not actor or not name or "." in actor:
        raise argparse.ArgumentTypeError(f"{usage}, found '{text[:80]}'")
    out = [f"actors.{actor}.policy.name={name}"]
    for item in _split_top(params) if params.strip() else []:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise argparse.ArgumentTypeError(f"{usage}: '{item[:80]}' is not KEY=VALUE")
        out.append(f"actors.{actor}.policy.params.{key.strip()}={value}")
    return out


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
