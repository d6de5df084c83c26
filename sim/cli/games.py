"""``tradesim game`` and ``tradesim tournament``: policies played against each other."""

from __future__ import annotations

import argparse

from sim.cli.parser import MAX_RUNS, output_root, runs, seed, whole, workers
from sim.errors import UsageError
from sim.scenario.yamlio import clip

#: Most bootstrap resamples of a game (a chosen limit: each resample solves the game
#: again, ~1 ms for a few policies, so 10,000 take seconds; the survival share they
#: estimate has a standard error under 0.5% at 10,000).
MAX_BOOTSTRAP = 10_000
#: These commands play every pair in memory and write their folder only at the end:
#: a stopped or failed one has written nothing (sim.cli.main says so).
WRITE_AT_END = ("game", "tournament")


def add_parsers(sub) -> None:
    gm = sub.add_parser(
        "game",
        help="empirical meta-game: every policy pair, payoff bimatrix, equilibria",
        description="Play every pair of policies (one actor's against the other's) as a seeded Monte Carlo of the "
        "scenario, solve the bimatrix of mean payoffs (all Nash equilibria, the logit QRE path, regrets) and test "
        "each equilibrium's stability by resampling the runs. Writes the tables and report.html into a new folder "
        "under --out once every pair has been played.",
    )
    gm.add_argument("scenario", help="scenario YAML file")
    gm.add_argument(
        "--policies",
        action="append",
        required=True,
        metavar="ACTOR=p1,p2{key: value},...",
        help="policies of one actor (give it twice: rows, then columns)",
    )
    gm.add_argument("--runs", type=runs, default=200, help="runs per policy pair (default 200)")
    gm.add_argument("--seed", type=seed, default=20251009, help="root seed, the same for every pair (default 20251009)")
    gm.add_argument("--workers", type=workers, default=None, help="processes (default: all cores; capped at the cores)")
    gm.add_argument(
        "--bootstrap",
        type=whole(1, "the number of resamples", MAX_BOOTSTRAP),
        default=200,
        help=f"resamples for equilibrium stability (default 200, at most {MAX_BOOTSTRAP:,})",
    )
    gm.add_argument("--out", type=output_root, default="results", help="results root (default: results)")
    gm.add_argument("--quiet", action="store_true", help="no progress output")
    tn = sub.add_parser(
        "tournament",
        help="round robin of policies, ranked by mean payoff",
        description="Play every policy against every policy, on each side of the two actors, as a seeded Monte Carlo "
        "of the scenario per match, and rank the policies by mean payoff over all their matches with a 95% interval. "
        "Writes the tables and report.html into a new folder under --out once every match has been played.",
    )
    tn.add_argument("scenario", help="scenario YAML file")
    tn.add_argument(
        "--policies", required=True, metavar="p1,p2{key: value},...", help="the policies that play, comma-separated"
    )
    tn.add_argument("--actors", default=None, metavar="A,B", help="the two actors (default: the scenario's two)")
    tn.add_argument("--runs", type=runs, default=100, help="runs per match (default 100)")
    tn.add_argument(
        "--seed", type=seed, default=20251009, help="root seed, the same for every match (default 20251009)"
    )
    tn.add_argument(
        "--noise", type=float, default=0.0, help="chance a decision becomes a random step, in [0, 1] (default 0)"
    )
    tn.add_argument("--workers", type=workers, default=None, help="processes (default: all cores; capped at the cores)")
    tn.add_argument("--out", type=output_root, default="results", help="results root (default: results)")
    tn.add_argument("--quiet", action="store_true", help="no progress output")


def _bounded(what: str, total: int) -> None:
    """Refuse a game or tournament of more runs than one command may do, before any run."""
    if total > MAX_RUNS:
        raise UsageError(f"{what} is {total:,} runs; one command does at most {MAX_RUNS:,} (docs/limits.md)")


def _cmd_game(args: argparse.Namespace) -> int:
    from sim.analysis.game_results import new_folder, write_game_tables
    from sim.analysis.games import analyse, parse_policies, play
    from sim.cli.progress import Work
    from sim.experiments.progress import cap_workers
    from sim.report.games import game_page
    from sim.results.atomic import atomic_write_text

    if len(args.policies) != 2:
        raise UsageError("give --policies twice: ACTOR=... for the rows and ACTOR=... for the columns")
    (ra, rows), (ca, cols) = (parse_policies(t) for t in args.policies)
    if ra == ca:
        raise UsageError(f"--policies names '{ra}' twice; give the policies of two different actors")
    pairs = len(rows) * len(cols)
    _bounded(f"{len(rows)} x {len(cols)} policy pairs x {args.runs:,} runs", pairs * args.runs)
    n_workers = cap_workers(args.workers)  # the note on too many workers once, not once per pair
    with Work(pairs * args.runs, f"game: {pairs} policy pair{'s' * (pairs != 1)}", "runs", args.quiet) as work:
        game = play(args.scenario, ra, rows, ca, cols, args.runs, args.seed, n_workers, progress=work.advance)
    with Work(args.bootstrap, "game: bootstrap", "resamples", args.quiet) as work:
        an = analyse(game, bootstrap=args.bootstrap, seed=args.seed, progress=work.advance)
    path = new_folder(args.out, game.scenario, "game", game.seed)
    write_game_tables(game, an, path)
    atomic_write_text(path / "report.html", game_page(game, an).html())
    for k, (p, q) in enumerate(an.equilibria):
        print(
            f"equilibrium {k}: {ra} "
            + ", ".join(f"{r.label} {x:.3f}" for r, x in zip(rows, p) if x > 1e-9)
            + f" | {ca} "
            + ", ".join(f"{c.label} {x:.3f}" for c, x in zip(cols, q) if x > 1e-9)
            + f" | survives resampling {an.survival[k]:.0%}"
        )
    print(f"results: {path}")
    print(f"report: {path / 'report.html'}")
    return 0


def _cmd_tournament(args: argparse.Namespace) -> int:
    from sim.analysis.game_results import new_folder, write_tournament_tables
    from sim.analysis.games import parse_policies
    from sim.analysis.tournament import Tournament, round_robin
    from sim.cli.progress import Work
    from sim.engine.compile import load_scenario
    from sim.experiments.progress import cap_workers
    from sim.report.games import tournament_page
    from sim.results.atomic import atomic_write_text

    _, pols = parse_policies("X=" + args.policies)
    actors = (
        [a.strip() for a in args.actors.split(",")] if args.actors else list(load_scenario(args.scenario).actors)
    )  # exactly two (validated)
    if len(actors) != 2:
        raise UsageError("--actors takes two actor names, e.g. US,CN")
    if actors[0] == actors[1]:
        raise UsageError(f"--actors names '{clip(actors[0])}' twice; a match is between two different actors")
    _bounded(f"{len(pols)} x {len(pols)} matches x {args.runs:,} runs", len(pols) ** 2 * args.runs)
    if not 0 <= args.noise <= 1:
        raise UsageError(f"--noise is a probability in [0, 1], found {args.noise}")
    n_workers = cap_workers(args.workers)  # the note on too many workers once, not once per match
    t = Tournament(args.scenario, (actors[0], actors[1]), pols, args.runs, args.seed, args.noise, n_workers)
    n = len(pols) ** 2
    with Work(n * args.runs, f"tournament: {n} match{'es' * (n != 1)}", "runs", args.quiet) as work:
        rank, matches = round_robin(t, progress=work.advance)
    path = new_folder(args.out, args.scenario, "tournament", args.seed)
    write_tournament_tables(path, t, rank, matches)
    atomic_write_text(path / "report.html", tournament_page(t, rank).html())
    print(rank.to_string(index=False))
    print(f"results: {path}")
    print(f"report: {path / 'report.html'}")
    return 0


COMMANDS = {"game": _cmd_game, "tournament": _cmd_tournament}
