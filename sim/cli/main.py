"""The ``tradesim`` command (also ``python -m sim``).

Exit codes: 0 success, 1 a run failed, 2 bad input (file, key, argument),
130 interrupted. Bad input never prints a traceback.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from sim.errors import ScenarioError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with a one-line message
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _whole(minimum: int, what: str):
    """argparse type: a whole number of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, found '{text}'") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"{what} is a whole number of at least {minimum}, found {v}")
        return v
    return parse


_positive = _whole(1, "this")
_seed = _whole(0, "a seed")


def build_parser() -> argparse.ArgumentParser:
    from sim.experiments.api import DEFAULT_RUNS, DEFAULT_SEED
    from sim.experiments.executors.base import REGISTRY as EXECUTORS

    p = _Parser(prog="tradesim", description="Simulate trade negotiations as games.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    r = sub.add_parser("run", help="run a scenario as a seeded Monte Carlo and save the results")
    r.add_argument("scenario", help="scenario YAML file")
    r.add_argument("--runs", type=_positive, default=DEFAULT_RUNS, help=f"number of runs (default {DEFAULT_RUNS})")
    r.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help=f"root seed (default {DEFAULT_SEED})")
    r.add_argument("--workers", type=_positive, default=None, help="processes (default: all cores)")
    r.add_argument("--out", default="results", help="results root (default: results)")
    r.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
                   help="override a scenario value by dotted path, e.g. actors.US.resolve_bn=200")
    r.add_argument("--no-series", action="store_true", help="do not record series (smaller, faster)")
    r.add_argument("--quiet", action="store_true", help="no progress, no tables; print only the path")
    r.add_argument("--no-report", action="store_true", help="do not write report.html")

    w = sub.add_parser("sweep", help="run (or resume) a parameter sweep")
    w.add_argument("sweep", help="sweep YAML file")
    w.add_argument("--executor", choices=EXECUTORS.names(), default="processes",
                   help="where runs execute (default: local processes)")
    w.add_argument("--workers", type=_positive, default=None, help="processes or Dask workers (default: all cores)")
    w.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT", help="an existing Dask scheduler")
    w.add_argument("--out", default="results", help="results root (default: results)")
    w.add_argument("--dry-run", action="store_true", help="print the design size and an estimated time")
    w.add_argument("--fail-fast", action="store_true", help="stop at the first run that raises")
    w.add_argument("--quiet", action="store_true", help="no progress output")
    w.add_argument("--no-report", action="store_true", help="do not write report.html")

    gm = sub.add_parser("game", help="empirical meta-game: every policy pair, payoff bimatrix, equilibria")
    gm.add_argument("scenario")
    gm.add_argument("--policies", action="append", required=True, metavar="ACTOR=p1,p2{key: value},...",
                    help="policies of one actor (give it twice: rows, then columns)")
    gm.add_argument("--runs", type=_positive, default=200, help="runs per policy pair (default 200)")
    gm.add_argument("--seed", type=_seed, default=20251009)
    gm.add_argument("--workers", type=_positive, default=None)
    gm.add_argument("--bootstrap", type=_positive, default=200, help="resamples for equilibrium stability")
    gm.add_argument("--out", default="results")
    tn = sub.add_parser("tournament", help="round robin of policies, ranked by mean payoff")
    tn.add_argument("scenario")
    tn.add_argument("--policies", required=True, metavar="p1,p2{key: value},...")
    tn.add_argument("--actors", default=None, metavar="A,B", help="the two actors (default: the first two)")
    tn.add_argument("--runs", type=_positive, default=100, help="runs per match (default 100)")
    tn.add_argument("--seed", type=_seed, default=20251009)
    tn.add_argument("--noise", type=float, default=0.0, help="chance a decision becomes a random step")
    tn.add_argument("--workers", type=_positive, default=None)
    tn.add_argument("--out", default="results")

    rp = sub.add_parser("report", help="write report.html for a results folder (a run or a sweep)")
    rp.add_argument("results")
    rp.add_argument("--open", action="store_true", help="open it in the default browser")
    cp = sub.add_parser("compare", help="one page overlaying two result sets")
    cp.add_argument("a")
    cp.add_argument("b")
    cp.add_argument("--out", default=None, help="folder for compare.html (default: the second results folder)")
    cp.add_argument("--open", action="store_true", help="open it in the default browser")

    an = sub.add_parser("analyze", help="analyse a sweep's results")
    an_sub = an.add_subparsers(dest="analysis", required=True, parser_class=_Parser)
    sens = an_sub.add_parser("sensitivity", help="Sobol first-order and total indices (saltelli designs)")
    sens.add_argument("results")
    sens.add_argument("--output", dest="outputs", action="append", default=None,
                      help="output to analyse (default: the sweep's outputs)")
    disc = an_sub.add_parser("discover", help="scenario discovery: PRIM boxes where an outcome is likely")
    disc.add_argument("results")
    disc.add_argument("--outcome", default="deal", help="outcome class (default: deal)")
    disc.add_argument("--threshold", type=float, default=0.8, help="target density of the box (default 0.8)")

    v = sub.add_parser("validate", help="check scenario files and report every error")
    v.add_argument("files", nargs="+")

    sc = sub.add_parser("schema", help="print the JSON Schema of a scenario file")
    sc.add_argument("--markdown", action="store_true", help="print the key reference as Markdown instead")
    return p


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.experiments.api import run
    from sim.analysis.summary import print_stats, summary_stats

    res = run(args.scenario, runs=args.runs, seed=args.seed, workers=args.workers, out=args.out,
              overrides=args.overrides, record_series=not args.no_series, quiet=args.quiet)
    if not args.quiet:
        name = res.manifest["scenario_name"]
        print_stats(summary_stats(res.summary, res.start),
                    f"{name}: {args.runs} runs, seed {args.seed}, {res.manifest['workers']} workers")
    print(f"results: {res.path}")
    _write_report(args, res.path)
    return 0


def _write_report(args: argparse.Namespace, path) -> None:
    if not args.no_report:
        from sim.report.build import build_report

        print(f"report: {build_report(path)}")


def _cmd_sweep(args: argparse.Namespace) -> int:
    from sim.experiments.sweeprun import SweepFailed, SweepInterrupted, run_sweep

    if args.dry_run:
        from sim.experiments.sweep import dry_run

        print(dry_run(args.sweep, args.workers))
        return 0
    try:
        res = run_sweep(args.sweep, out=args.out, executor=args.executor, workers=args.workers,
                        scheduler=args.scheduler, fail_fast=args.fail_fast, quiet=args.quiet)
    except SweepInterrupted as exc:
        print(f"tradesim: {exc}", file=sys.stderr)
        return 130
    except SweepFailed as exc:
        print(f"tradesim: {exc}; the runs before it are on disk, rerun without --fail-fast to go on",
              file=sys.stderr)
        return 1
    resumed = f" ({res.resumed_runs} resumed from disk)" if res.resumed_runs else ""
    print(f"{res.runs} runs{resumed}, {res.failed} failed")
    print(f"results: {res.path}")
    _write_report(args, res.path)
    return 0


def _cmd_analyze(args: argparse.Namespace) -> int:
    from sim.analysis.sensitivity import discover, sensitivity

    if args.analysis == "sensitivity":
        table, path = sensitivity(args.results, args.outputs)
    else:
        table, path = discover(args.results, args.outcome, args.threshold)
    print(table.to_string(index=False))
    print(f"written: {path}")
    return 0


def _open(path) -> None:
    import webbrowser

    webbrowser.open(path.resolve().as_uri())


def _cmd_report(args: argparse.Namespace) -> int:
    from sim.report.build import build_report

    path = build_report(args.results)
    print(f"report: {path}")
    if args.open:
        _open(path)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from sim.report.compare import compare

    path = compare(args.a, args.b, args.out)
    print(f"comparison: {path}")
    if args.open:
        _open(path)
    return 0


def _cmd_game(args: argparse.Namespace) -> int:
    from sim.report.games import write_game
    from sim.analysis.games import analyse, parse_policies, play

    if len(args.policies) != 2:
        raise UsageError("give --policies twice: ACTOR=... for the rows and ACTOR=... for the columns")
    (ra, rows), (ca, cols) = (parse_policies(t) for t in args.policies)
    game = play(args.scenario, ra, rows, ca, cols, args.runs, args.seed, args.workers)
    an = analyse(game, bootstrap=args.bootstrap, seed=args.seed)
    path = write_game(game, an, args.out)
    for k, (p, q) in enumerate(an.equilibria):
        print(f"equilibrium {k}: {ra} " + ", ".join(f"{r.label} {x:.3f}" for r, x in zip(rows, p) if x > 1e-9)
              + f" | {ca} " + ", ".join(f"{c.label} {x:.3f}" for c, x in zip(cols, q) if x > 1e-9)
              + f" | survives resampling {an.survival[k]:.0%}")
    print(f"results: {path}")
    print(f"report: {path / 'report.html'}")
    return 0


def _cmd_tournament(args: argparse.Namespace) -> int:
    from sim.report.games import tournament
    from sim.analysis.games import parse_policies
    from sim.engine.compile import load_scenario

    _, pols = parse_policies("X=" + args.policies)
    actors = args.actors.split(",") if args.actors else list(load_scenario(args.scenario).actors)[:2]
    if len(actors) != 2:
        raise UsageError("--actors takes two actor names, e.g. US,CN")
    if not 0 <= args.noise <= 1:
        raise UsageError(f"--noise is a probability in [0, 1], found {args.noise}")
    rank, path = tournament(args.scenario, tuple(actors), pols, args.runs, args.seed, args.noise, args.workers,
                            args.out)
    print(rank.to_string(index=False))
    print(f"results: {path}")
    print(f"report: {path / 'report.html'}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from sim.engine.compile import validate_files

    problems = validate_files(args.files)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 2
    for f in args.files:
        print(f"{f}: ok")
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario.reference import reference_markdown, schema_text

    sys.stdout.write(reference_markdown() + "\n" if args.markdown else schema_text())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return {"run": _cmd_run, "validate": _cmd_validate, "schema": _cmd_schema, "sweep": _cmd_sweep,
                "analyze": _cmd_analyze, "report": _cmd_report, "compare": _cmd_compare,
                "game": _cmd_game, "tournament": _cmd_tournament}[args.command](args)
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
    except Exception as exc:  # noqa: BLE001 - a failed run: say what and exit 1
        from sim.experiments.chunk import RunFailed

        if isinstance(exc, RunFailed):
            print(f"tradesim: {exc}; earlier results are untouched", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
