"""Trade links: constant-elasticity trade flows and the tariff losses of each side.

Every function works on floats and, where it makes sense, on numpy arrays.
Rates are in $bn per day; equations and sources are in ``docs/model.md`` §2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def trade_flow(v0: Any, tau: Any, tau0: Any, elasticity: Any, quota: Any = 1.0) -> Any:
    """Trade value under tariff ``tau``: ``V = q·V0·((1+tau)/(1+tau0))^(-eps)``.

    Constant-elasticity import demand (Fajgelbaum et al. 2020 estimate eps ≈ 2.5)
    scaled by the share ``quota`` of normal purchases (state-directed buying).
    """
    return v0 * quota * ((1.0 + tau) / (1.0 + tau0)) ** (-elasticity)


def importer_loss(
    v0: Any, tau: Any, tau0: Any, elasticity: Any, pass_through: Any, quota: Any = 1.0, substitution_cost: Any = 0.0
) -> Any:
    """Importer's loss rate (same unit as ``v0``).

    Deadweight triangle ``½·Δτ·(qV0 − V)`` plus the burden its buyers pay
    ``φ·Δτ·V`` minus the tariff revenue ``Δτ·V`` it collects, plus the cost of
    replacing purchases cut by the quota. With full pass-through (φ = 1,
    Amiti, Redding & Weinstein 2019) burden and revenue cancel and the net loss is
    the deadweight triangle (Fajgelbaum et al. 2020: net −$7.2bn on $51bn paid).
    """
    return _importer_loss(
        v0, trade_flow(v0, tau, tau0, elasticity, quota), tau - tau0, pass_through, quota, substitution_cost
    )


def _importer_loss(v0: Any, v: Any, dtau: Any, pass_through: Any, quota: Any, substitution_cost: Any) -> Any:
    deadweight = 0.5 * dtau * (v0 * quota - v)
    return deadweight + (pass_through - 1.0) * dtau * v + substitution_cost * v0 * (1.0 - quota)


def exporter_loss(
    v0: Any, tau: Any, tau0: Any, elasticity: Any, pass_through: Any, margin: Any, quota: Any = 1.0
) -> Any:
    """Exporter's loss rate: value added on lost sales plus its share of the tariff.

    ``margin·(V0 − V) + (1 − φ)·Δτ·V``.
    """
    return _exporter_loss(v0, trade_flow(v0, tau, tau0, elasticity, quota), tau - tau0, pass_through, margin)


def _exporter_loss(v0: Any, v: Any, dtau: Any, pass_through: Any, margin: Any) -> Any:
    return margin * (v0 - v) + (1.0 - pass_through) * dtau * v


@dataclass(frozen=True)
class LinkTerms:
    """The fixed economics of one trade link (the scenario's numbers, in $bn per day).

    Defaults are the schema's: elasticity 2.5 (Fajgelbaum et al. 2020), full
    pass-through (Amiti, Redding & Weinstein 2019), margin 0.3 (modelling choice).
    """

    v0: float
    tau0: float = 0.0
    elasticity: float = 2.5
    pass_through: float = 1.0
    margin: float = 0.3
    substitution_cost: float = 0.0


def effective_tariff(tariff: Any, equivalents: Iterable[tuple[Any, float]] = ()) -> Any:
    """The ad-valorem tariff: the tariff plus ``value × rate`` of each tariff equivalent (port fees)."""
    for value, rate in equivalents:
        tariff = tariff + value * rate
    return tariff


def link_loss_rates(terms: LinkTerms, tau: Any, quota: Any = 1.0) -> tuple[Any, Any]:
    """``(importer's loss rate, exporter's loss rate)`` of a link at tariff ``tau`` and quota."""
    t = terms
    v = trade_flow(t.v0, tau, t.tau0, t.elasticity, quota)  # once for both sides
    dtau = tau - t.tau0
    return (
        _importer_loss(t.v0, v, dtau, t.pass_through, quota, t.substitution_cost),
        _exporter_loss(t.v0, v, dtau, t.pass_through, t.margin),
    )
