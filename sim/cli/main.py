"""The ``tradesim`` command (also ``python -m sim``).

Exit codes: 0 success, 1 a run failed, 2 bad input (file, key, argument),
130 interrupted. Bad input never prints a traceback.

Each command group lives in its own module of :mod:`sim.cli` (``run``,
``games``, ``report``, ``analyze``, ``scenario``) with an ``add_parsers``
function and a ``COMMANDS`` table; this module wires them together.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim.cli import analyze, games, report, run, scenario
from sim.cli.parser import Parser
from sim.errors import ScenarioError, UsageError

#: Command groups in the order ``tradesim --help`` lists them.
GROUPS = (run, games, report, analyze, scenario)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="tradesim", description="Simulate trade negotiations as games.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in GROUPS:
        group.add_parsers(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {name: cmd for group in GROUPS for name, cmd in group.COMMANDS.items()}
    try:
        return commands[args.command](args)
    except ScenarioError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"tradesim: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tradesim: interrupted; nothing was written for this run", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from sim.experiments.chunk import RunFailed

        if isinstance(exc, RunFailed):
            print(f"tradesim: {exc}; earlier results are untouched", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
