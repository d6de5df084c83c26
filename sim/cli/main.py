"""The ``tradesim`` command (also ``python -m sim``).

Exit codes: 0 success, 1 a run failed or an internal error, 2 bad input (file,
key, argument), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM). Bad input never
prints a traceback; an internal error prints one line and the path of a log file
with the traceback (:mod:`sim.cli.failure`). A bare ``tradesim`` prints the help, with
the command to start with, and exits 0: asking what it does is not an error.

Each command group lives in its own module of :mod:`sim.cli` (``run``,
``games``, ``report``, ``analyze``, ``scenario``, ``calibrate``, ``rationality``) with an ``add_parsers``
function and a ``COMMANDS`` table; this module wires them together.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence

from sim.cli import analyze, calibrate, games, rationality, report, run, scenario
from sim.cli.failure import Terminated, internal_error, on_sigterm
from sim.cli.parser import Parser
from sim.cli.version import VersionAction
from sim.errors import ScenarioError, UsageError

#: Command groups in the order ``tradesim --help`` lists them.
GROUPS = (run, games, report, analyze, scenario, calibrate, rationality)


#: The first command a newcomer runs, shown under ``tradesim --help`` and by a bare ``tradesim``.
START_HERE = "start here: tradesim run scenarios/baseline_oct2025.yaml"
EPILOG = f"""{START_HERE}
            (prints a summary; writes results/<scenario>/<run-id>/ with report.html)
more:       tradesim COMMAND --help; README.md and docs/ in the source tree"""


class _Formatter(argparse.HelpFormatter):
    """Lines the commands' help up after the longest command name (argparse measures the
    indented command names two columns short, and wraps the longest ones)."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.nargs == argparse.PARSER:
            self._action_max_length += self._indent_increment


class _TopFormatter(_Formatter, argparse.RawDescriptionHelpFormatter):
    """The top level's: also keeps the lines of its description and epilog."""


def subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser under ``parser`` (commands, and commands of commands), depth first."""
    out = []
    for action in parser._actions:
        if action.nargs == argparse.PARSER:
            for child in dict.fromkeys(action.choices.values()):  # type: ignore[union-attr]
                out += [child, *subparsers(child)]
    return out


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="tradesim",
        description="Simulate US-China trade negotiations as games: Monte Carlo runs of a scenario, parameter\n"
        "sweeps and their analyses, meta-games and tournaments of policies, and offline HTML reports.",
        epilog=EPILOG,
        formatter_class=_TopFormatter,
    )
    p.add_argument("--version", action=VersionAction, help="print the version (and the git commit in a checkout)")
    sub = p.add_subparsers(
        dest="command", parser_class=Parser, metavar="COMMAND", help="one of these; 'tradesim COMMAND --help' for more"
    )
    for group in GROUPS:
        group.add_parsers(sub)
    for child in subparsers(p):
        child.formatter_class = _Formatter
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # a bare ``tradesim``: what it can do, not an error
        parser.print_help()
        return 0
    commands = {name: cmd for group in GROUPS for name, cmd in group.COMMANDS.items()}
    previous = _install_signals()
    try:
        return commands[args.command](args)
    except ScenarioError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"tradesim: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        # files are written atomically: what exists is whole, the rest was not written
        what = "terminated" if isinstance(exc, Terminated) else "interrupted"
        print(f"tradesim: {what}; files already written are complete, nothing is half-written", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        return _failure(args, exc)
    finally:
        _restore_signals(previous)


def _failure(args: argparse.Namespace, exc: Exception) -> int:
    from sim.experiments.chunk import RunFailed
    from sim.experiments.execute import SweepInterrupted

    in_memory = args.command in games.WRITE_AT_END  # its runs went to a temporary folder, now deleted
    if isinstance(exc, SweepInterrupted):
        if in_memory:
            what = "terminated" if isinstance(exc.__context__, Terminated) else "interrupted"
            print(
                f"tradesim: {args.command} {what} after {exc.done} of {exc.total} runs of one policy pair; "
                "nothing was written (its results are written once every pair has been played)",
                file=sys.stderr,
            )
        else:
            print(f"tradesim: {exc}", file=sys.stderr)
        return 143 if isinstance(exc.__context__, Terminated) else 130
    folder = None if in_memory else getattr(exc, "results_path", None)
    from sim.experiments.execute import JobStopped

    if isinstance(exc, JobStopped):  # a stall, or a sweep whose every run failed: its folder says why
        print(f"tradesim: {exc}", file=sys.stderr)
        return 1
    if isinstance(exc, RunFailed):
        if in_memory:
            print(f"tradesim: {exc}; nothing was written; earlier results are untouched", file=sys.stderr)
            return 1
        kept = f"; the runs before it are in {folder} (status: failed)" if folder else ""
        print(f"tradesim: {exc}{kept}; earlier results are untouched", file=sys.stderr)
        return 1
    return internal_error(args.command, exc, folder)


def _install_signals() -> dict[int, object]:
    previous: dict[int, object] = {}
    if hasattr(signal, "SIGXFSZ"):  # a file-size limit: a write fails with EFBIG instead of killing us
        previous[signal.SIGXFSZ] = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, on_sigterm)
    except ValueError:  # not the main thread (main() called from a thread): leave SIGTERM alone
        pass
    return previous


def _restore_signals(previous: dict[int, object]) -> None:
    for sig, handler in previous.items():
        try:
            signal.signal(sig, handler)  # type: ignore[arg-type]
        except (ValueError, TypeError):
            pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
