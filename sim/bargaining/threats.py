"""The leverage of a threat point: Nash's (1953) variable-threat term (docs/model.md §4).

Pure functions; no engine, no scenario.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

DAYS_PER_YEAR = 365.0


def threat_point_value(own_loss: Any, other_loss: Any, weight: float, p_talks: float) -> Any:
    """Value to an actor of an option whose dispute path costs it ``own_loss`` and the other ``other_loss``.

    ``−(1 − p·w)·L_own + p·w·L_other``, elementwise over arrays of options.

    Derivation (transferable utility, μ = 1). If talks open (probability ``p`` before the
    horizon) they split the surplus by the weighted Nash solution with the actor's weight
    ``w``: ``u_i = d_i + w·(S − d_i − d_j)``, where the disagreement points are the dispute
    path's values ``d_i = −L_own``, ``d_j = −L_other``. The deal resets the instruments, so
    the surplus ``S`` does not depend on the option: ``u_i = (1 − w)·d_i − w·d_j + w·S`` and
    the option-dependent part is ``−(1 − w)·L_own + w·L_other``. Without talks (probability
    ``1 − p``) the actor keeps its dispute path, ``−L_own``. The expectation, up to the
    option-independent ``p·w·S``, is ``(1 − p)·(−L_own) + p·(−(1 − w)·L_own + w·L_other)``
    ``= −(1 − p·w)·L_own + p·w·L_other``. So an option pays iff ``w·ΔL_other > (1−w)·ΔL_own``
    at ``p = 1`` (``Δu_i = w_j·Δd_i − w_i·Δd_j``), and at ``p = 0`` it is valued by its own
    loss alone: exactly ``−L_own``.
    """
    if p_talks == 0.0:
        return -own_loss
    pw = p_talks * weight
    return -(1.0 - pw) * own_loss + pw * other_loss


def background_talks_probability(talks_per_year: float, horizon_days: float) -> float:
    """P(at least one unscheduled talk within ``horizon_days``) at a Poisson rate: ``1 − exp(−r·H/365)``."""
    return 1.0 - math.exp(-talks_per_year * horizon_days / DAYS_PER_YEAR)


class NoFixedPoint(ValueError):
    """The alternating solve did not settle: ``moving`` names the parameters still moving."""

    def __init__(self, moving: list[str], last: dict[str, tuple[float, float]], sweeps: int) -> None:
        super().__init__(f"no fixed point in {sweeps} sweeps: {', '.join(moving)} still move")
        self.moving, self.last, self.sweeps = moving, last, sweeps


def alternate(
    solve_for: Callable[[str, dict[str, float]], dict[str, tuple[float, float]]],
    parties: Sequence[str],
    start: dict[str, float],
    tol: float = 1e-10,
    sweeps: int = 200,
) -> dict[str, tuple[float, float]]:
    """Joint fixed point of the parties' parameters, each solved with the others' held (Gauss–Seidel).

    ``solve_for(party, held)`` returns the party's parameters as intervals ``(lo, hi)`` given the
    others' held values; the next party holds their midpoints. Stops when, over a whole sweep, no
    interval end moves by more than ``tol`` relatively; :class:`NoFixedPoint` after ``sweeps``.
    """
    held = dict(start)
    last: dict[str, tuple[float, float]] = {}
    moving: list[str] = []
    for _ in range(sweeps):
        now: dict[str, tuple[float, float]] = {}
        for party in parties:
            got = solve_for(party, held)
            held.update({k: 0.5 * (lo + hi) for k, (lo, hi) in got.items()})
            now.update(got)
        moving = [k for k in now if k not in last or not _close(last[k], now[k], tol)]
        if not moving:
            return now
        last = now
    raise NoFixedPoint(moving, last, sweeps)


def _close(a: tuple[float, float], b: tuple[float, float], tol: float) -> bool:
    return all(abs(x - y) <= tol * max(abs(x), abs(y)) for x, y in zip(a, b))
