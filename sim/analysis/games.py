"""Empirical meta-games: which policies should each side play, given simulated payoffs?

Every pair (policy of the row actor, policy of the column actor) is run as a
Monte Carlo of the scenario; the mean payoffs form a bimatrix, solved with
pygambit: all Nash equilibria (``enummixed``, cross-checked with ``lcp``), the
logit quantal response equilibrium path, each pair's regret, how often each
equilibrium survives resampling of the runs, and the outcome distribution each
equilibrium induces.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from sim.engine.outcome import label_order
from sim.errors import Problem, ScenarioError, did_you_mean, known
from sim.scenario.yamlio import clip, load_inline


@dataclass(frozen=True)
class PolicyChoice:
    """A registered policy with parameters, as given on the command line: ``name{key: value}``."""

    name: str
    params: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        if not self.params:
            return self.name
        inner = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.name}({inner})"

    def yaml(self) -> str:
        return json.dumps({"name": self.name, "params": self.params})


def parse_policies(text: str) -> tuple[str, list[PolicyChoice]]:
    """``"US=resolve,best_response{rationality: 5}"`` -> ("US", [...]); commas inside braces are kept."""
    from sim.policies import REGISTRY

    if "=" not in text:
        raise ScenarioError([Problem("--policies", clip(text), "expected ACTOR=policy,policy,...")])
    actor, _, rest = text.partition("=")
    items, depth, cur = [], 0, ""
    for ch in rest:
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    items.append(cur)
    out = []
    for item in (i.strip() for i in items):
        name, _, tail = item.partition("{")
        name = name.strip()
        if name not in REGISTRY:
            raise ScenarioError(
                [
                    Problem(
                        "--policies",
                        clip(actor.strip()),
                        f"unknown policy '{clip(name)}'{did_you_mean(name, REGISTRY)}; known: {known(REGISTRY)}",
                    )
                ]
            )
        # the same limited loader as scenario files: nesting, size and alias expansion bounded
        source = f"--policies {clip(actor.strip(), 20)}={clip(name, 30)}"
        params = load_inline("{" + tail, source) if tail else {}
        _check_params(source, name, params)
        out.append(PolicyChoice(name, params))
    if not out:
        raise ScenarioError([Problem("--policies", clip(actor), "no policies given")])
    return actor.strip(), out


def _check_params(source: str, name: str, params: dict[str, Any]) -> None:
    """The parameters validate against the policy's ``Params`` (checked before any run)."""
    from pydantic import ValidationError

    from sim.policies import REGISTRY

    model = REGISTRY[name].Params
    try:
        model(**params)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            key = ".".join(clip(str(k), 40) for k in e["loc"])
            msg = e["msg"]
            if e["type"] == "extra_forbidden":
                fields = model.model_fields
                last = clip(str(e["loc"][-1]), 40)
                msg = f"policy '{name}' has no parameter '{last}'{did_you_mean(last, fields)}; known: {known(fields)}"
            elif e["type"] != "missing" and not isinstance(e.get("input"), (dict, list)):
                msg = f"{msg}, found {clip(repr(e.get('input')))}"
            problems.append(Problem(source, key, msg))
        raise ScenarioError(problems) from None


# --------------------------------------------------------------- solving
def _game(a: np.ndarray, b: np.ndarray, rational: bool):
    import pygambit as gbt

    if rational:
        a = np.vectorize(lambda x: Fraction(x).limit_denominator(10**9), otypes=[object])(a)
        b = np.vectorize(lambda x: Fraction(x).limit_denominator(10**9), otypes=[object])(b)
    return gbt.StrategicGame.from_arrays(a, b)  # pygambit 17 (Game.from_arrays before)


def _profiles(game, eqs) -> list[tuple[list, list]]:
    players = list(game.players)
    return [tuple([v for _, v in e[p]] for p in players) for e in eqs]


def equilibria(a: Any, b: Any, exact: bool | None = None) -> list[tuple[list, list]]:
    """All Nash equilibria (extreme points of each component) of the bimatrix game (a, b).

    Uses pygambit's ``enummixed`` (vertex enumeration; Avis & Fukuda's lrs), so
    degenerate games are handled. With integer or fractional payoffs (``exact``)
    the probabilities are exact ``Fraction``s; otherwise floats.
    """
    import pygambit as gbt

    a = np.asarray(a)
    b = np.asarray(b)
    if exact is None:
        exact = all(float(x).is_integer() for x in np.concatenate([a.ravel(), b.ravel()]))
    g = _game(a, b, exact)
    res = gbt.nash.enummixed_solve(g, rational=exact)
    out = []
    for p, q in _profiles(g, res.equilibria):
        conv = (lambda v: Fraction(str(v))) if exact else float
        out.append(([conv(x) for x in p], [conv(x) for x in q]))
    return out


def lcp_equilibria(a: Any, b: Any) -> list[tuple[list[float], list[float]]]:
    """Equilibria found by Lemke–Howson paths (pygambit ``lcp``): a cross-check."""
    import pygambit as gbt

    g = _game(np.asarray(a, float), np.asarray(b, float), False)
    return [
        ([float(x) for x in p], [float(x) for x in q])
        for p, q in _profiles(g, gbt.nash.lcp_solve(g, rational=False).equilibria)
    ]


def qre_path(a: Any, b: Any, maxregret: float = 1e-6) -> pd.DataFrame:
    """The principal branch of the logit QRE (McKelvey & Palfrey 1995), from λ = 0 to a Nash equilibrium."""
    from pygambit import qre

    a = np.asarray(a, float)
    b = np.asarray(b, float)
    scale = max(np.abs(a).max(), np.abs(b).max(), 1e-12)  # λ per unit of the largest payoff
    g = _game(a / scale, b / scale, False)
    players = list(g.players)
    rows = []
    for point in qre.logit_solve_branch(g, maxregret=maxregret):
        p = [float(v) for _, v in point.profile[players[0]]]
        q = [float(v) for _, v in point.profile[players[1]]]
        rows.append(
            {
                "lambda": float(point.lam) / scale,
                **{f"row_{i}": x for i, x in enumerate(p)},
                **{f"col_{j}": x for j, x in enumerate(q)},
            }
        )
    return pd.DataFrame(rows)


def regrets(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: how much the row (column) player loses by not best-responding."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    return a.max(axis=0, keepdims=True) - a, b.max(axis=1, keepdims=True) - b


def same_profile(x: tuple, y: tuple, tol: float = 0.05) -> bool:
    return all(np.allclose(np.asarray(u, float), np.asarray(v, float), atol=tol) for u, v in zip(x, y))


# ------------------------------------------------------------ meta-games
@dataclass
class MetaGame:
    """Simulated payoffs of every policy pair (rows: ``row_actor``'s policies)."""

    scenario: str
    row_actor: str
    col_actor: str
    rows: list[PolicyChoice]
    cols: list[PolicyChoice]
    runs: int
    seed: int
    payoff_row: dict[tuple[int, int], np.ndarray]
    payoff_col: dict[tuple[int, int], np.ndarray]
    outcomes: dict[tuple[int, int], np.ndarray]

    def means(self, resample: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
        a = np.zeros((len(self.rows), len(self.cols)))
        b = np.zeros_like(a)
        for (i, j), x in self.payoff_row.items():
            y = self.payoff_col[(i, j)]
            if resample is not None:
                k = resample.integers(0, len(x), len(x))
                x, y = x[k], y[k]
            a[i, j], b[i, j] = x.mean(), y.mean()
        return a, b

    def standard_errors(self) -> tuple[np.ndarray, np.ndarray]:
        a = np.zeros((len(self.rows), len(self.cols)))
        b = np.zeros_like(a)
        for (i, j), x in self.payoff_row.items():
            a[i, j] = x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else np.nan
            y = self.payoff_col[(i, j)]
            b[i, j] = y.std(ddof=1) / np.sqrt(len(y)) if len(y) > 1 else np.nan
        return a, b


def play(
    scenario: str,
    row_actor: str,
    rows: list[PolicyChoice],
    col_actor: str,
    cols: list[PolicyChoice],
    runs: int,
    seed: int,
    workers: int | None = None,
    quiet: bool = True,
    progress: Callable[[int], None] | None = None,
) -> MetaGame:
    """Run every policy pair as a Monte Carlo (the same seed for every pair: common random numbers).

    ``progress(runs)`` is called as each pair's runs are done.
    """
    from sim.experiments.api import run

    pr, pc, oc = {}, {}, {}
    for (i, p), (j, q) in itertools.product(enumerate(rows), enumerate(cols)):
        res = run(
            scenario,
            runs=runs,
            seed=seed,
            workers=workers,
            out=None,
            record_series=False,
            quiet=quiet,
            overrides=[f"actors.{row_actor}.policy={p.yaml()}", f"actors.{col_actor}.policy={q.yaml()}"],
        )
        pr[(i, j)] = res.summary[f"payoff_{row_actor}"].to_numpy(float)
        pc[(i, j)] = res.summary[f"payoff_{col_actor}"].to_numpy(float)
        oc[(i, j)] = res.summary["outcome"].to_numpy(str)
        if progress is not None:
            progress(runs)
    return MetaGame(str(scenario), row_actor, col_actor, rows, cols, runs, seed, pr, pc, oc)


@dataclass
class Analysis:
    a: np.ndarray
    b: np.ndarray
    se_a: np.ndarray
    se_b: np.ndarray
    equilibria: list[tuple[list[float], list[float]]]
    survival: list[float]
    outcome_mix: list[dict[str, float]]
    qre: pd.DataFrame
    regret_row: np.ndarray
    regret_col: np.ndarray
    lcp_agrees: bool


def analyse(
    game: MetaGame,
    bootstrap: int = 200,
    seed: int = 0,
    tol: float = 0.05,
    progress: Callable[[int], None] | None = None,
) -> Analysis:
    """Equilibria of the mean bimatrix, their survival under resampled runs, and what they induce.

    ``progress(1)`` is called as each bootstrap resample is solved.
    """
    a, b = game.means()
    se_a, se_b = game.standard_errors()
    eqs = [([float(x) for x in p], [float(x) for x in q]) for p, q in equilibria(a, b, exact=False)]
    rng = np.random.default_rng(seed)
    hits = np.zeros(len(eqs))
    for _ in range(bootstrap):
        ra, rb = game.means(resample=rng)
        found = equilibria(ra, rb, exact=False)
        for k, e in enumerate(eqs):
            hits[k] += any(same_profile(e, f, tol) for f in found)
        if progress is not None:
            progress(1)
    classes = label_order(o for arr in game.outcomes.values() for o in arr)
    mixes = []
    for p, q in eqs:
        mix = {c: 0.0 for c in classes}
        for (i, j), arr in game.outcomes.items():
            w = p[i] * q[j]
            if w:
                for c in classes:
                    mix[c] += w * float(np.mean(arr == c))
        mixes.append(mix)
    lcp = lcp_equilibria(a, b)
    agrees = all(any(same_profile(l, e, 1e-6) for e in eqs) for l in lcp)
    ra, rb = regrets(a, b)
    return Analysis(a, b, se_a, se_b, eqs, list(hits / max(bootstrap, 1)), mixes, qre_path(a, b), ra, rb, agrees)
