"""The bargaining-protocol registry, the problem and settings a protocol is given, and its result.

A protocol is a function ``(problem, settings) -> Result``: given the deal's separable
parts (:class:`~sim.bargaining.frontier.Part`: each option's value to each side), each
side's disagreement value, the signing costs and the public beliefs about them, it
returns the point of the convexified frontier agreed (``Result.point``), or no
agreement. Protocols register with ``@register("name")`` in any module of
:mod:`sim.bargaining`; a summit names one by its ``protocol``. Adding a protocol is one
new file here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar, cast

import numpy as np

from sim.bargaining.frontier import Part, Point
from sim.bargaining.screening import Belief
from sim.registry import Registry


@dataclass(frozen=True)
class Settings:
    """What a protocol may use besides the gains: the parties and the talks' settings.

    Defaults are the scenario schema's (``Summit`` and ``DealSpace``): equal
    weights, one day between offers, no last round, no breakdown, the first party
    opens. ``rho`` is each side's discount rate per day (one number: both sides).
    Time pressure from no-deal losses is in the gains (the disagreement point), never
    in the weights or the discount factors. ``transferable`` says the packages include a side payment, so the
    frontier is a line and the continuous solutions apply.
    """

    parties: tuple[str, str]
    rho: float | tuple[float, float] = 0.0  # discount rate per day, by side
    weights: str | Mapping[str, float] = "equal"  # 'equal', 'patience', or by actor
    round_days: float = 1.0
    rounds: int | None = None
    breakdown: float = 0.0
    first_proposer: str | None = None
    transferable: bool = False

    @property
    def rates(self) -> tuple[float, float]:
        """Each side's discount rate per day, ``(ρ1, ρ2)``."""
        r = self.rho
        return (float(r), float(r)) if isinstance(r, (int, float)) else (float(r[0]), float(r[1]))

    @property
    def hazard(self) -> float:
        """Breakdown hazard per day: ``λ_b = −ln(1 − p)/Δ`` for a chance ``p`` per round of ``Δ`` days."""
        return -math.log1p(-self.breakdown) / self.round_days

    @property
    def first(self) -> int:
        """Who opens: 1 or 2."""
        return 2 if self.first_proposer == self.parties[1] else 1


def brw_weight(rho1: float, rho2: float, hazard: float = 0.0) -> float:
    """Side 1's bargaining weight (Binmore, Rubinstein & Wolinsky 1986).

    ``w_i = (1/(ρ_i+λ_b)) / Σ_j 1/(ρ_j+λ_b)``, i.e. ``w_1 = (ρ2+λ_b)/(ρ1+ρ2+2λ_b)``:
    the limit of alternating offers as the time between offers goes to zero. With
    no discounting and no breakdown at all (the limit undefined) the weights are equal.
    """
    r1, r2 = max(rho1, 0.0) + max(hazard, 0.0), max(rho2, 0.0) + max(hazard, 0.0)
    if r1 + r2 <= 0.0:
        return 0.5
    return r2 / (r1 + r2)


@dataclass(frozen=True)
class Problem:
    """What is on the table: the parts, the disagreement values, the costs of signing and beliefs about them.

    ``d1``, ``d2`` are on the parts' scale (the value of the deal is the sum of the
    parts' values). ``costs`` are each side's true cost of signing (it knows its own);
    ``beliefs`` the public beliefs over them (``screening``: the proposer screens the
    responder's). ``rng`` draws the proposer (``screening``).
    """

    parts: tuple[Part, ...]
    d1: float
    d2: float
    costs: tuple[float, float] = (0.0, 0.0)
    beliefs: tuple[Belief, Belief] = (Belief.uniform(0.0, 0.0), Belief.uniform(0.0, 0.0))
    rng: np.random.Generator | None = None


@dataclass(frozen=True)
class Result:
    """The point agreed (``None``: no agreement); for offers, who proposed and what the responder was offered."""

    point: Point | None
    proposer: int | None = None  # 1 or 2
    offer: float = math.nan  # the responder's gain over its disagreement value, before its signing cost
    value: float = -math.inf  # the proposer's expected gain from its offer (offers protocols)


class BargainingProtocol(Protocol):
    """The agreement reached on a problem under the talks' settings."""

    def __call__(self, problem: Problem, settings: Settings) -> Result: ...


REGISTRY: Registry[BargainingProtocol] = Registry("bargaining protocol", "sim.bargaining")

F = TypeVar("F", bound=BargainingProtocol)


def register(name: str) -> Callable[[F], F]:
    """Decorator: register a bargaining protocol under ``name`` (typed for the checker)."""

    def deco(fn: F) -> F:
        # Registry.register returns a decorator-or-entry union; by name it is the decorator
        cast(Callable[[F], F], REGISTRY.register(name))(fn)
        return fn

    return deco
