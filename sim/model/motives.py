"""Motives: why each side holds its instruments (``docs/model.md`` §3).

A motive belongs to an actor and adds a term, linear in its weight, to the actor's flow
payoff. The terms are built from the surplus functions of :mod:`sim.model.trade` and
the chokepoint flows of :mod:`sim.model.chokepoints`:

- **protection** (Grossman & Helpman 1994): ``θ·ΔPS_d``, import-competing producers' surplus;
- **revenue**: ``(ρ_R − 1)·ΔR``, so the objective on a link is ``ΔCS + ρ_R·ΔR``;
- **farm income**: ``w_F·(ΔPS_X − margin·A)``, the exporter's growers on a link;
- **security**: ``w_S·var·δ^β``, the value a supplier puts on the share δ of the
  consumer's demand it denies (``β ≤ 1``: diminishing returns to denial).

The closed forms below are the anchors the tests check the engine against.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from sim.model.trade import (
    LinkTerms,
    consumer_surplus_change,
    domestic_surplus_change,
    pass_through,
    revenue_change,
)


def security_value(var: Any, denied: Any, exponent: Any) -> Any:
    """Unit-weight security value per day of denying the share ``denied`` of the consumer's demand.

    ``var·δ^β`` with ``var`` the consumer's output at risk ($bn/day); 0 when nothing is denied.
    """
    if isinstance(denied, float):  # the engine's path
        return var * denied**exponent if denied > 0.0 else 0.0
    denied = np.maximum(denied, 0.0)
    return var * np.power(denied, exponent) * (denied > 0.0)  # 0 at δ = 0 even for β = 0


def tariff_objective(
    terms: LinkTerms,
    tau: Any,
    protection: float = 0.0,
    domestic_ratio: float = 0.0,
    supply_elasticity: float = 1.0,
    revenue_weight: float = 1.0,
) -> Any:
    """The importer's flow objective on one link: ``ΔCS + ρ_R·ΔR + θ·ΔPS_d``."""
    t = terms
    out = consumer_surplus_change(t.v0, tau, t.tau0, t.elasticity, t.omega)
    out = out + revenue_weight * revenue_change(t.v0, tau, t.tau0, t.elasticity, t.omega)
    if protection:
        out = out + protection * domestic_surplus_change(
            t.v0, tau, t.tau0, t.elasticity, t.omega, domestic_ratio, supply_elasticity
        )
    return out


def johnson_tariff(omega: float) -> float:
    """Optimal tariff of a welfare-maximising large importer: ``τ = 1/η = ω`` (Johnson 1953)."""
    return omega


def revenue_tariff(elasticity: float, omega: float, revenue_weight: float) -> float:
    """Best total tariff with a revenue motive: ``τ/(1+τ) = (ρ_R−φ)/(ρ_R(1−φ+εφ))``.

    ``+inf`` when that share is ≥ 1 (``ρ_R·(1−ε) ≥ 1``): the objective then rises without bound in τ.
    """
    phi = pass_through(elasticity, omega)
    r = (revenue_weight - phi) / (revenue_weight * (1.0 - phi + elasticity * phi))
    return r / (1.0 - r) if r < 1.0 else float("inf")


def grossman_helpman_residual(tau: float, elasticity: float, omega: float, theta: float, z: float) -> float:
    """Residual of the protection first-order condition at ``tau``.

    Small country (ω = 0): ``τ/(1+τ) − θz/ε``; large country: ``τ − 1/η − (1+τ)θz/ε``
    (``z`` = domestic output over imports at ``tau``).
    """
    if omega == 0.0:
        return tau / (1.0 + tau) - theta * z / elasticity
    return tau - omega - (1.0 + tau) * theta * z / elasticity


class BestValue(NamedTuple):
    """The best value of a continuous instrument on ``[lo, hi]``."""

    value: float
    objective: float
    interior: bool  # a local maximum inside the bounds won
    bound_wins: bool  # a local maximum exists but a bound beats it


def best_on_interval(f: Callable[[float], float], lo: float, hi: float, grid: int = 64) -> BestValue:
    """Maximise a smooth scalar function on ``[lo, hi]``: local maxima against the bounds.

    A coarse grid brackets every local maximum, Brent's method refines each, and the
    best of them is compared with both bounds (constant-elasticity demand can make the
    objective rise again toward the upper bound; then ``bound_wins`` is set).
    """
    from scipy import optimize  # imported on first use: scipy is slow to import

    xs = np.linspace(lo, hi, grid + 1)
    ys = np.array([f(float(x)) for x in xs])
    padded = np.concatenate(([-np.inf], ys, [-np.inf]))
    best_local: tuple[float, float] | None = None
    for i in range(grid + 1):
        if not (padded[i + 1] >= padded[i] and padded[i + 1] >= padded[i + 2]):
            continue
        end = i in (0, grid)
        if end:  # a maximum inside the end cell shows as the objective rising inward from the bound
            inward = xs[i] + (1e-6 if i == 0 else -1e-6) * (xs[1] - xs[0])
            if f(float(inward)) <= ys[i]:
                continue
        res = optimize.minimize_scalar(
            lambda x: -f(x),
            bounds=(xs[max(i - 1, 0)], xs[min(i + 1, grid)]),
            method="bounded",
            options={"xatol": 1e-12},
        )
        cand = (float(res.x), -float(res.fun))
        if (not end or cand[1] > ys[i]) and (best_local is None or cand[1] > best_local[1]):
            best_local = cand
    ends = max((float(ys[0]), lo), (float(ys[-1]), hi))
    if best_local is not None and best_local[1] >= ends[0]:
        return BestValue(best_local[0], best_local[1], True, False)
    return BestValue(ends[1], ends[0], False, best_local is not None)
