"""Individual rationality of deals: each run that reached a deal against the same run with it refused.

A deal is individually rational in expectation at its date when neither side would
rather have had the talks end without it. For every run with a deal, the run is
replayed from the same seed with its first agreement refused
(``run_replication(..., refuse_first_deal=True)``): everything before the deal date
is identical, so the difference in each actor's payoff,

    Δ_i = payoff_i(with the deal) − payoff_i(refused)      ($bn, discounted),

is the value of the deal to actor i from that date on (later talks in the refused
run may still agree). Reported per actor over the runs with a deal: their number n,
mean Δ with its Monte Carlo standard error s/√n, the share of runs with Δ < 0 (ex-post
violations) with its binomial standard error √(p(1−p)/n), and the 5/50/95% quantiles.

Runs execute in chunks on the repository's executors (one worker runs inline); each run's
seed depends only on (root seed, run), so the results are the same for any worker count.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.engine.core import run_replication
from sim.scenario.schema import Scenario

#: Quantiles reported for Δ.
QUANTILES = (0.05, 0.50, 0.95)
#: Chunks per worker: small enough to balance the load, large enough that the scenario's
#: pickling per chunk does not count.
CHUNKS_PER_WORKER = 4
#: Chunks of one worker, which runs them inline: progress in steps of 5% of the runs.
INLINE_CHUNKS = 20


@dataclass(frozen=True)
class ActorRationality:
    """One actor's Δ over the runs with a deal ($bn, discounted)."""

    actor: str
    deal_runs: int
    mean: float
    se: float
    violations: float  # share of deal runs with Δ < 0
    violations_se: float
    quantiles: tuple[float, ...]  # at QUANTILES


@dataclass(frozen=True)
class Rationality:
    """The individual-rationality check of one scenario.

    ``per_run``: one row per run with a deal — ``run``, ``deal_day``, ``refused_deal_day``
    (the refused run's first deal, NaN if none) and ``delta_<actor>``.
    """

    scenario: str
    runs: int
    seed: int
    actors: dict[str, ActorRationality]
    per_run: pd.DataFrame = field(repr=False)

    @property
    def deal_runs(self) -> int:
        return len(self.per_run)

    @property
    def later_deal_runs(self) -> int:
        """Refused runs in which later talks still agreed."""
        return int(self.per_run["refused_deal_day"].notna().sum())

    def table(self) -> pd.DataFrame:
        """One row per actor (the CSV's rows)."""
        rows = []
        for a in self.actors.values():
            row: dict[str, Any] = {
                "actor": a.actor,
                "deal_runs": a.deal_runs,
                "mean_delta_bn": a.mean,
                "se_mean_delta_bn": a.se,
                "violation_share": a.violations,
                "se_violation_share": a.violations_se,
            }
            for q, v in zip(QUANTILES, a.quantiles):
                row[f"q{round(q * 100):02d}_delta_bn"] = v
            rows.append(row)
        return pd.DataFrame(rows)


def pair_chunk(sc: Scenario, seed: int, runs: Sequence[int]) -> list[dict[str, Any]]:
    """Run each of ``runs``; for those with a deal, also the counterfactual with it refused.

    Returns one row per run with a deal (module level: process pools pickle it by name).
    """
    actors = list(sc.actors)
    rows = []
    for run in runs:
        deal = run_replication(sc, seed, run, record_series=False).summary
        if _no_deal(deal["deal_day"]):
            continue
        refused = run_replication(sc, seed, run, record_series=False, refuse_first_deal=True).summary
        row: dict[str, Any] = {"run": run, "deal_day": deal["deal_day"], "refused_deal_day": refused["deal_day"]}
        for a in actors:
            row[f"delta_{a}"] = deal[f"payoff_{a}"] - refused[f"payoff_{a}"]
        rows.append(row)
    return rows


def _no_deal(day: Any) -> bool:
    return day is None or (isinstance(day, float) and math.isnan(day))


def individual_rationality(
    sc: Scenario,
    runs: int,
    seed: int,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Rationality:
    """The individual-rationality check over runs ``0..runs-1`` of root seed ``seed``.

    ``workers`` > 1: a process pool (results identical to one worker). ``progress(n)`` is
    called as each chunk of n runs finishes.
    """
    from sim.experiments.executors.processes import ProcessesExecutor

    todo = _chunks(runs, workers)
    ex = ProcessesExecutor(workers)
    rows: list[dict[str, Any]] = []
    done = False
    try:
        # a few chunks in flight: one worker runs each inline as it is submitted, so progress moves
        in_flight: dict[Any, list[int]] = {}
        while todo or in_flight:
            while todo and len(in_flight) < 2 * workers:
                chunk = todo.pop(0)
                in_flight[ex.submit(pair_chunk, sc, seed, chunk)] = chunk
            for f in ex.wait_any(list(in_flight)):
                chunk = in_flight.pop(f)
                rows += f.result()
                if progress is not None:
                    progress(len(chunk))
        done = True
    finally:
        ex.shutdown(wait=done)
    columns = ["run", "deal_day", "refused_deal_day", *(f"delta_{a}" for a in sc.actors)]
    per_run = pd.DataFrame(rows, columns=columns).sort_values("run", ignore_index=True)
    actors = {a: actor_stats(a, per_run[f"delta_{a}"].to_numpy(dtype=float)) for a in sc.actors}
    return Rationality(sc.meta.name, runs, seed, actors, per_run)


def _chunks(runs: int, workers: int) -> list[list[int]]:
    """``CHUNKS_PER_WORKER`` chunks per worker; one worker (inline, nothing pickled) gets
    ``INLINE_CHUNKS``, so that its progress moves."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, found {runs}")
    size = max(1, math.ceil(runs / (workers * CHUNKS_PER_WORKER if workers > 1 else INLINE_CHUNKS)))
    return [list(range(i, min(i + size, runs))) for i in range(0, runs, size)]


def actor_stats(actor: str, delta: np.ndarray) -> ActorRationality:
    """Mean, its standard error, the violation share and its binomial SE, quantiles of ``delta``."""
    n = len(delta)
    if n == 0:
        nan = math.nan
        return ActorRationality(actor, 0, nan, nan, nan, nan, tuple(nan for _ in QUANTILES))
    p = float(np.mean(delta < 0))
    se = float(np.std(delta, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    qs = tuple(float(q) for q in np.quantile(delta, QUANTILES))
    return ActorRationality(actor, n, float(np.mean(delta)), se, p, math.sqrt(p * (1 - p) / n), qs)


def write_csv(result: Rationality, root: Path) -> Path:
    """Write the per-actor table to ``root/<scenario name>/rationality.csv`` (atomically)."""
    from sim.errors import UsageError
    from sim.results.atomic import atomic_write_text

    folder = Path(root) / result.scenario
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file in the way, no permission
        raise UsageError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None
    path = folder / "rationality.csv"
    table = result.table()
    table.insert(0, "scenario", result.scenario)
    table.insert(1, "runs", result.runs)
    table.insert(2, "seed", result.seed)
    atomic_write_text(path, table.to_csv(index=False, float_format="%.17g"))
    return path
