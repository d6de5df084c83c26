"""The bargaining-protocol registry, the settings a protocol is given, and its scenario check.

A protocol is a function ``(gain1, gain2, settings) -> index | None``: given each
side's gain over no deal for every package on the table, it returns the package
agreed, or ``None`` for no agreement. Protocols register with
``@register("name")`` in any module of :mod:`sim.bargaining`; a summit
names one by its ``protocol``. Adding a protocol is one new file here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar, cast

import numpy as np

from sim.registry import Registry


@dataclass(frozen=True)
class Settings:
    """What a protocol may use besides the gains: the parties and the talks' settings.

    Defaults are the scenario schema's (``Summit`` and ``DealSpace``): equal
    weights, one day between offers, no last round, no breakdown, the first party
    opens.
    """

    parties: tuple[str, str]
    loss_rates: tuple[float, float] = (0.0, 0.0)  # each side's weighted no-deal loss, $bn per day
    rho: float = 0.0  # discount rate per day
    weights: str | Mapping[str, float] = "equal"  # 'equal', 'patience', or by actor
    round_days: float = 1.0
    rounds: int | None = None
    breakdown: float = 0.0
    first_proposer: str | None = None


class BargainingProtocol(Protocol):
    """The package agreed (an index into the gains) or ``None``."""

    def __call__(self, gain1: np.ndarray, gain2: np.ndarray, settings: Settings) -> int | None: ...


REGISTRY: Registry[BargainingProtocol] = Registry("bargaining protocol", "sim.bargaining")

F = TypeVar("F", bound=BargainingProtocol)


def register(name: str) -> Callable[[F], F]:
    """Decorator: register a bargaining protocol under ``name`` (typed for the checker)."""

    def deco(fn: F) -> F:
        # Registry.register returns a decorator-or-entry union; by name it is the decorator
        cast(Callable[[F], F], REGISTRY.register(name))(fn)
        return fn

    return deco
