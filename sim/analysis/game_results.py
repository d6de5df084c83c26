"""Results folders of meta-games and tournaments: their tables and manifests.

Written through the atomic writers of :mod:`sim.results.atomic`; the pages
themselves are drawn by :mod:`sim.report.games`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.analysis.games import Analysis, MetaGame
from sim.analysis.tournament import Tournament
from sim.engine.outcome import label_order
from sim.results.atomic import atomic_write_table
from sim.results.manifest import COMPLETE, write_manifest
from sim.results.provenance import git_commit, new_run_id, now_utc, versions


def new_folder(out: str, scenario: str, kind: str, seed: int) -> Path:
    """A fresh ``OUT/<scenario name>/<kind>-<run id>/`` folder."""
    from sim.engine.compile import load_scenario

    name = load_scenario(scenario).meta.name
    path = Path(out) / name / f"{kind}-{new_run_id(seed)}"
    path.mkdir(parents=True, exist_ok=False)
    return path


def _write_frame(path: Path, df: pd.DataFrame) -> None:
    atomic_write_table(path, pa.Table.from_pandas(df, preserve_index=False))


def write_game_tables(game: MetaGame, an: Analysis, path: Path) -> None:
    """``matrix.parquet``, ``equilibria.parquet``, ``qre.parquet`` and ``manifest.json`` of a meta-game."""
    cells = []
    classes = label_order(o for arr in game.outcomes.values() for o in arr)
    for i, j in sorted(game.payoff_row):
        row = {
            "row_policy": game.rows[i].label,
            "col_policy": game.cols[j].label,
            f"payoff_{game.row_actor}": an.a[i, j],
            f"se_{game.row_actor}": an.se_a[i, j],
            f"payoff_{game.col_actor}": an.b[i, j],
            f"se_{game.col_actor}": an.se_b[i, j],
            f"regret_{game.row_actor}": an.regret_row[i, j],
            f"regret_{game.col_actor}": an.regret_col[i, j],
        }
        row.update({f"share_{c}": float(np.mean(game.outcomes[(i, j)] == c)) for c in classes})
        cells.append(row)
    _write_frame(path / "matrix.parquet", pd.DataFrame(cells))
    eq_rows = []
    for k, (p, q) in enumerate(an.equilibria):
        for actor, labels, probs in ((game.row_actor, game.rows, p), (game.col_actor, game.cols, q)):
            for lab, pr in zip(labels, probs):
                eq_rows.append(
                    {
                        "equilibrium": k,
                        "actor": actor,
                        "policy": lab.label,
                        "probability": pr,
                        "survival": an.survival[k],
                        **{f"share_{c}": v for c, v in an.outcome_mix[k].items()},
                    }
                )
    _write_frame(path / "equilibria.parquet", pd.DataFrame(eq_rows))
    _write_frame(path / "qre.parquet", an.qre)
    manifest = {
        "kind": "game",
        "scenario_file": game.scenario,
        "row_actor": game.row_actor,
        "col_actor": game.col_actor,
        "row_policies": [p.label for p in game.rows],
        "col_policies": [p.label for p in game.cols],
        "runs_per_pair": game.runs,
        "seed": game.seed,
        "seeding": "every pair uses the same root seed (common random numbers)",
        "lcp_agrees": an.lcp_agrees,
        "versions": versions(),
        "git_commit": git_commit(),
        "created": now_utc(),
        "status": COMPLETE,
    }
    write_manifest(path, manifest)


def write_tournament_tables(path: Path, t: Tournament, rank: pd.DataFrame, matches: pd.DataFrame) -> None:
    """``ranking.parquet``, ``matches.parquet`` and ``manifest.json`` of a tournament."""
    _write_frame(path / "ranking.parquet", rank)
    _write_frame(path / "matches.parquet", matches)
    manifest = {
        "kind": "tournament",
        "scenario_file": t.scenario,
        "actors": list(t.actors),
        "policies": [p.label for p in t.policies],
        "runs_per_match": t.runs,
        "seed": t.seed,
        "noise": t.noise,
        "versions": versions(),
        "git_commit": git_commit(),
        "status": COMPLETE,
        "created": now_utc(),
    }
    write_manifest(path, manifest)
