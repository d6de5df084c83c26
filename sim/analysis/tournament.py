"""Round-robin tournaments of policies (Axelrod 1980): every policy against every policy, on each side.

Each match is a Monte Carlo of the scenario with the two actors' policies
overridden; policies are ranked by their mean payoff over all their matches,
with a normal 95% interval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.games import PolicyChoice

#: Two-sided normal quantile of a 95% interval.
Z95 = 1.96


@dataclass(frozen=True)
class Tournament:
    """What a tournament plays: the policies, on which two actors of which scenario, how many runs."""

    scenario: str
    actors: tuple[str, str]
    policies: list[PolicyChoice]
    runs: int
    seed: int
    noise: float = 0.0  # chance a decision becomes a random step (0: none)
    workers: int | None = None


def round_robin(t: Tournament, progress: Callable[[int], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Play every match; return ``(ranking, matches)``.

    ``matches`` has one row per (policy, side, opponent) with the mean payoff and
    the run count; ``ranking`` one row per policy, best first. ``progress(runs)`` is
    called as each match's runs are done.
    """
    from sim.experiments.api import run

    a1, a2 = t.actors
    noise = t.noise
    matches = []
    for p in t.policies:
        for q in t.policies:
            over = [f"actors.{a1}.policy={p.yaml()}", f"actors.{a2}.policy={q.yaml()}"]
            if noise:
                over += [f"actors.{a1}.noise={noise}", f"actors.{a2}.noise={noise}"]
            res = run(
                t.scenario, runs=t.runs, seed=t.seed, workers=t.workers, out=None, record_series=False, overrides=over
            )
            for side, pol, other in ((a1, p, q), (a2, q, p)):
                x = res.summary[f"payoff_{side}"].to_numpy(float)
                matches.append(
                    {
                        "policy": pol.label,
                        "as": side,
                        "against": other.label,
                        "mean": x.mean(),
                        "n": len(x),
                        "sum": x.sum(),
                        "sumsq": (x**2).sum(),
                    }
                )
            if progress is not None:
                progress(t.runs)
    m = pd.DataFrame(matches)
    return ranking(m), m.drop(columns=["sum", "sumsq"])


def ranking(matches: pd.DataFrame) -> pd.DataFrame:
    """Policies by mean payoff over all their runs (from per-match ``n``, ``sum``, ``sumsq``), best first."""
    g = matches.groupby("policy").agg(n=("n", "sum"), s=("sum", "sum"), ss=("sumsq", "sum")).reset_index()
    g["mean_payoff"] = g["s"] / g["n"]
    sd = np.sqrt(np.maximum(g["ss"] / g["n"] - g["mean_payoff"] ** 2, 0.0))
    g["ci95_low"] = g["mean_payoff"] - Z95 * sd / np.sqrt(g["n"])
    g["ci95_high"] = g["mean_payoff"] + Z95 * sd / np.sqrt(g["n"])
    rank = g.sort_values("mean_payoff", ascending=False)[["policy", "mean_payoff", "ci95_low", "ci95_high", "n"]]
    rank.insert(0, "rank", range(1, len(rank) + 1))
    return rank
