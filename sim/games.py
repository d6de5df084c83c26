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
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .errors import Problem, ScenarioError, did_you_mean, known


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
    from .policies import REGISTRY

    if "=" not in text:
        raise ScenarioError([Problem("--policies", text, "expected ACTOR=policy,policy,...")])
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
            raise ScenarioError([Problem("--policies", actor.strip(), f"unknown policy '{name}'"
                                         f"{did_you_mean(name, REGISTRY)}; known: {known(REGISTRY)}")])
        params = yaml.safe_load("{" + tail) if tail else {}
        if not isinstance(params, dict):
            raise ScenarioError([Problem("--policies", name, "parameters must be a mapping {key: value}")])
        out.append(PolicyChoice(name, params))
    if not out:
        raise ScenarioError([Problem("--policies", actor, "no policies given")])
    return actor.strip(), out


# --------------------------------------------------------------- solving
def _game(a: np.ndarray, b: np.ndarray, rational: bool):
    import pygambit as gbt

    if rational:
        a = np.vectorize(lambda x: Fraction(x).limit_denominator(10**9), otypes=[object])(a)
        b = np.vectorize(lambda x: Fraction(x).limit_denominator(10**9), otypes=[object])(b)
    return gbt.Game.from_arrays(a, b)


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
    return [([float(x) for x in p], [float(x) for x in q]) for p, q in _profiles(g, gbt.nash.lcp_solve(g, rational=False).equilibria)]


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
        rows.append({"lambda": float(point.lam) / scale, **{f"row_{i}": x for i, x in enumerate(p)},
                     **{f"col_{j}": x for j, x in enumerate(q)}})
    return pd.DataFrame(rows)


def regrets(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: how much the row (column) player loses by not best-responding."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    return a.max(axis=0, keepdims=True) - a, b.max(axis=1, keepdims=True) - b


def same_profile(x: tuple, y: tuple, tol: float = 0.05) -> bool:
    return all(np.allclose(np.asarray(u, float), np.asarray(v, float), atol=tol) for u, v in zip(x, y))
