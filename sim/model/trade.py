"""Trade links: exact surplus changes with finite export supply (``docs/model.md`` §2).

Per link X → M: import demand ``Q = A p^(−ε)``, export supply ``Q = B p_w^η``, domestic
price ``p = (1+τ)·p_w`` with ``τ = τ0 + instrument`` the total ad-valorem rate and ``τ0``
the rate in force when the base value ``V0 = p_w0·Q0`` (at world, customs prices) was
measured. Supply is parametrised by ``ω = 1/η ∈ [0, ω_max]`` (ω = 0: flat supply, full
pass-through), so the pass-through is derived, ``φ = 1/(1+εω)``. With ``T = (1+τ)/(1+τ0)``
and ``L = ln T``: ``p/p0 = T^φ``, ``p_w/p_w0 = T^(φ−1)``, ``Q/Q0 = T^(−εφ)``.

Every function takes floats or numpy arrays; amounts are in the unit of ``v0`` (the
engine uses $bn per day). All changes are measured from the base ``τ = τ0``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np


def pass_through(elasticity: Any, omega: Any) -> Any:
    """``φ = 1/(1+εω)``: the share of a tariff change borne by the importer's buyers."""
    return 1.0 / (1.0 + elasticity * omega)


def _expm1_ratio(x: Any) -> Any:
    """``expm1(x)/x``, continuous at 0 (value 1)."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-8
    safe = np.where(small, 1.0, x)
    out = np.where(small, 1.0 + 0.5 * x, np.expm1(safe) / safe)
    return out if out.ndim else float(out)


def log_ratio(tau: Any, tau0: Any) -> Any:
    """``L = ln((1+τ)/(1+τ0))``."""
    return np.log1p(tau) - np.log1p(tau0)


def quantity_share(tau: Any, tau0: Any, elasticity: Any, omega: Any) -> Any:
    """``Q/Q0 = T^(−εφ)``: the traded quantity relative to the base."""
    phi = pass_through(elasticity, omega)
    return np.exp(-elasticity * phi * log_ratio(tau, tau0))


def consumer_surplus_change(v0: Any, tau: Any, tau0: Any, elasticity: Any, omega: Any) -> Any:
    """Importer's private surplus (buyers and import-competing producers) change.

    ``ΔCS = −(1+τ0)·V0·expm1(φ(1−ε)L)/(1−ε)``; at ε = 1, ``−(1+τ0)·V0·φ·L``
    (the integral of the constant-elasticity import demand between the two prices).
    """
    phi = pass_through(elasticity, omega)
    a = phi * log_ratio(tau, tau0)
    return -(1.0 + tau0) * v0 * a * _expm1_ratio((1.0 - elasticity) * a)


def revenue_change(v0: Any, tau: Any, tau0: Any, elasticity: Any, omega: Any) -> Any:
    """Importer's tariff revenue change at world prices: ``ΔR = V0·(τ·exp((φ−1−εφ)L) − τ0)``."""
    phi = pass_through(elasticity, omega)
    return v0 * (tau * np.exp((phi - 1.0 - elasticity * phi) * log_ratio(tau, tau0)) - tau0)


def producer_surplus_change(v0: Any, share: Any, omega: Any) -> Any:
    """Exporter's producer surplus change when it sells ``share = Q/Q0`` of the base quantity.

    On the supply curve ``p_w/p_w0 = (Q/Q0)^ω``, so ``ΔPS_X = V0·ω/(1+ω)·(share^(1+ω) − 1)``;
    at ``share = T^(−εφ)`` this is ``V0·expm1(cL)/(1+η)`` with ``c = −ε(1+η)/(ε+η)``.
    Zero at ω = 0 (flat supply: exporters earn no rent on the margin).
    """
    return v0 * omega / (1.0 + omega) * (np.power(share, 1.0 + omega) - 1.0)


def domestic_surplus_change(
    v0: Any, tau: Any, tau0: Any, elasticity: Any, omega: Any, domestic_ratio: Any, supply_elasticity: Any
) -> Any:
    """Import-competing producers' surplus change (Grossman & Helpman 1994).

    Domestic supply ``X = X0·(p/p0)^κ`` with ``p0·X0 = z0·(1+τ0)·V0`` (``z0`` = domestic
    output over imports, both at domestic prices, at the base):
    ``ΔPS_d = p0·X0·((p/p0)^(1+κ) − 1)/(1+κ)``.
    """
    phi = pass_through(elasticity, omega)
    px0 = domestic_ratio * (1.0 + tau0) * v0
    k1 = 1.0 + supply_elasticity
    return px0 * np.expm1(k1 * phi * log_ratio(tau, tau0)) / k1


class LinkWelfare(NamedTuple):
    """Changes from the base of one link's welfare terms (unit of ``v0``), and the quantity share."""

    consumer: Any  # importer: ΔCS
    revenue: Any  # importer: ΔR
    producer: Any  # exporter: ΔPS_X
    commitment: Any  # importer: premium paid on purchases above the market quantity (a cost, ≥ 0)
    share: Any  # Q/Q0 actually traded (the market quantity or the purchase floor)


@dataclass(frozen=True)
class LinkTerms:
    """The fixed economics of one trade link (the scenario's numbers; ``v0`` in $bn per day).

    ``omega`` is the inverse export supply elasticity 1/η; ``margin`` the exporter's
    short-run value added per $ of lost sales, decaying with ``half_life`` days;
    ``premium`` the importer's cost per $ of committed purchases above what it would buy
    (the premium over the alternative origin). Sources in ``docs/model.md`` §8.
    """

    v0: float
    tau0: float = 0.0
    elasticity: float = 2.5
    omega: float = 0.0
    margin: float = 0.3
    half_life: float = 180.0
    premium: float = 0.0

    @property
    def phi(self) -> float:
        return float(pass_through(self.elasticity, self.omega))

    @property
    def decay(self) -> float:
        """Decay rate of the short-run value-added state, per day: ``ln2/h``."""
        return math.log(2.0) / self.half_life


def link_welfare(terms: LinkTerms, tau: Any, floor: Any = 0.0) -> LinkWelfare:
    """The link's welfare terms at total tariff ``tau`` with a purchase floor (share of ``Q0``).

    A purchase commitment ``floor`` makes the importer buy ``max(Q(τ), floor·Q0)``: the
    exporter sells that quantity on its supply curve; the importer's market surplus and
    revenue are those of ``Q(τ)``, and it pays ``premium`` per $ on the excess.
    """
    t = terms
    if isinstance(tau, (int, float)) and isinstance(floor, (int, float)):
        return _link_welfare_scalar(t, float(tau), float(floor))
    market = quantity_share(tau, t.tau0, t.elasticity, t.omega)
    share = np.maximum(market, floor)
    return LinkWelfare(
        consumer_surplus_change(t.v0, tau, t.tau0, t.elasticity, t.omega),
        revenue_change(t.v0, tau, t.tau0, t.elasticity, t.omega),
        producer_surplus_change(t.v0, share, t.omega),
        t.premium * t.v0 * (share - market),
        share,
    )


def _link_welfare_scalar(t: LinkTerms, tau: float, floor: float) -> LinkWelfare:
    """:func:`link_welfare` for plain floats (the engine's path): the same formulas with ``math``."""
    eps, omega = t.elasticity, t.omega
    phi = 1.0 / (1.0 + eps * omega)
    big_l = math.log1p(tau) - math.log1p(t.tau0)
    a = phi * big_l
    z = (1.0 - eps) * a
    ratio = 1.0 + 0.5 * z if abs(z) < 1e-8 else math.expm1(z) / z
    market = math.exp(-eps * a)
    share = market if market >= floor else floor
    return LinkWelfare(
        -(1.0 + t.tau0) * t.v0 * a * ratio,
        t.v0 * (tau * math.exp((phi - 1.0 - eps * phi) * big_l) - t.tau0),
        t.v0 * omega / (1.0 + omega) * (share ** (1.0 + omega) - 1.0),
        t.premium * t.v0 * (share - market),
        share,
    )


def adjustment_path(a0: float, decay: float, a: float, b: float, rho: float) -> tuple[float, float, float]:
    """A decaying state ``A(t) = a0·exp(−k(t−a))`` on ``[a, b]``.

    Returns ``(∫ A e^(−ρt) dt, ∫ A dt, A(b))``: the discounted (to day 0) and undiscounted
    integrals and the end value. The exporter's short-run cost is ``margin·A``.
    """
    dt = b - a
    if a0 == 0.0 or dt <= 0.0:
        return 0.0, 0.0, a0
    kr = decay + rho
    disc = a0 * math.exp(-rho * a) * (-math.expm1(-kr * dt) / kr if kr > 0 else dt)
    plain = a0 * (-math.expm1(-decay * dt) / decay if decay > 0 else dt)
    return disc, plain, a0 * math.exp(-decay * dt)


def effective_tariff(tariff: Any, equivalents: Iterable[tuple[Any, float]] = ()) -> Any:
    """The ad-valorem tariff: the tariff plus ``value × rate`` of each tariff equivalent (port fees)."""
    for value, rate in equivalents:
        tariff = tariff + value * rate
    return tariff
