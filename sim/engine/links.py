"""One run's trade links and chokepoints with their motives: the loss rates of each side.

Loss rates are flows in $bn per day per component (:data:`COMPONENTS`), measured on
trade links against the calibration reference state (a tariff at its reference level
costs nothing; ``docs/model.md`` §1) and on chokepoints in absolute terms. World and
projector both call :func:`link_rates` and :func:`choke_motive_rates`, so the engine and
the policies' projections share one source per equation (``sim/model/``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.model.chokepoints import is_short, shortfall_share
from sim.model.motives import security_value
from sim.model.trade import LinkTerms, adjustment_path, domestic_surplus_change, effective_tariff, link_welfare
from sim.model.welfare import pv_factor
from sim.scenario.plausibility import COMPONENTS  # the loss components and their bounds, one list
from sim.scenario.schema import Scenario

(
    CONSUMER,
    REVENUE,
    PRODUCER,
    ADJUSTMENT,
    COMMITMENT,
    PROTECTION,
    REVENUE_MOTIVE,
    FARM,
    SECURITY,
    SHORTAGE,
    WITHHELD,
    DIVERSIFICATION,
    AUDIENCE,
    TRANSFER,
) = range(len(COMPONENTS))


@dataclass
class Link:
    """A trade link of one run: its terms, instruments, motives and reference welfare."""

    name: str
    exporter: str
    importer: str
    terms: LinkTerms  # $bn per day
    tariff: str | None
    quota: str | None
    equivalents: list[tuple[str, float]]
    # motives: (weight key, θ, z0, κ) of the importer; ρ_R − 1 of the importer; the exporter's farm weight key
    protection: list[tuple[str, float, float, float]] = field(default_factory=list)
    revenue_key: str | None = None
    farm_key: str | None = None
    ref: tuple[float, ...] = ()  # reference (consumer, revenue, producer, commitment, share, ΔPS_d per motive)
    a: float = 0.0  # short-run lost sales A ($bn/day), decaying at terms.decay
    memo: dict[tuple[float, float], Any] = field(default_factory=dict)  # link_rates by (tau, floor)
    totals: dict[tuple[float, float], tuple[float, float, float]] = field(default_factory=dict)
    coef: float | None = None  # Σ of decaying_coefficient (cleared with the memo)

    def set_reference(self, tau: float, floor: float) -> None:
        """Record the welfare terms at the reference state (the zero of every link loss)."""
        self.ref = _welfare(self, tau, floor)
        self.forget()

    def forget(self) -> None:
        """Drop memoised rates (after the reference or the motive weights change)."""
        self.memo.clear()
        self.totals.clear()
        self.coef = None


def link_state(l: Link, value_of: Callable[[str], float]) -> tuple[float, float]:
    """``(total tariff, purchase floor)`` of a link, reading instruments through ``value_of``.

    The total tariff is ``base_tariff`` plus the tariff instrument and its tariff
    equivalents, clipped at 0 (no import subsidies).
    """
    tau = l.terms.tau0 + (value_of(l.tariff) if l.tariff else 0.0)
    if l.equivalents:
        tau = effective_tariff(tau, [(value_of(ref), rate) for ref, rate in l.equivalents])
    return (tau if tau > 0.0 else 0.0), (value_of(l.quota) if l.quota else 0.0)


def _welfare(l: Link, tau: float, floor: float) -> tuple[float, ...]:
    w = link_welfare(l.terms, tau, floor)
    t = l.terms
    psd = tuple(
        float(domestic_surplus_change(t.v0, tau, t.tau0, t.elasticity, t.omega, z0, kappa))
        for _k, _theta, z0, kappa in l.protection
    )
    return (float(w.consumer), float(w.revenue), float(w.producer), float(w.commitment), float(w.share), *psd)


def link_rates(l: Link, weights: dict[str, float], tau: float, floor: float) -> tuple[list[tuple[int, float]], ...]:
    """``(importer's, exporter's)`` static loss rates by component, and the quantity share.

    Memoised per link on ``(tau, floor)``: whoever changes the motive weights clears
    ``Link.memo`` (:meth:`sim.engine.world.World.set_motive_weights`).

    Returns ``(importer pairs, exporter pairs, (share,))`` where pairs are ``(component, rate)``.
    The exporter's short-run cost ``margin·A`` (and its farm weight) is added by the caller,
    which keeps the decaying state ``A``.
    """
    hit = l.memo.get((tau, floor))
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    w = _welfare(l, tau, floor)
    r = l.ref
    imp = [(CONSUMER, r[0] - w[0]), (REVENUE, r[1] - w[1]), (COMMITMENT, w[3] - r[3])]
    for i, (key, _theta, _z0, _kappa) in enumerate(l.protection):
        imp.append((PROTECTION, weights[key] * (r[5 + i] - w[5 + i])))
    if l.revenue_key is not None:
        imp.append((REVENUE_MOTIVE, (weights[l.revenue_key] - 1.0) * (r[1] - w[1])))
    exp = [(PRODUCER, r[2] - w[2])]
    if l.farm_key is not None:
        exp.append((FARM, weights[l.farm_key] * (r[2] - w[2])))
    out = imp, exp, (w[4],)
    if len(l.memo) < 4096:
        l.memo[(tau, floor)] = out
    return out


def link_totals(l: Link, weights: dict[str, float], tau: float, floor: float) -> tuple[float, float, float]:
    """``(importer's total, exporter's total, share)`` of :func:`link_rates` (memoised: the projector's path)."""
    hit = l.totals.get((tau, floor))
    if hit is None:
        imp, exp, (share,) = link_rates(l, weights, tau, floor)
        hit = (sum(r for _i, r in imp), sum(r for _i, r in exp), share)
        if len(l.totals) < 4096:
            l.totals[(tau, floor)] = hit
    return hit


def decaying_total(l: Link, weights: dict[str, float]) -> float:
    """Σ of :func:`decaying_coefficient` (memoised)."""
    if l.coef is None:
        l.coef = sum(c for _i, c in decaying_coefficient(l, weights))
    return l.coef


def decaying_coefficient(l: Link, weights: dict[str, float]) -> list[tuple[int, float]]:
    """Components and coefficients of the exporter's cost on the state ``A``: ``margin·A`` (and farm)."""
    out = [(ADJUSTMENT, l.terms.margin)]
    if l.farm_key is not None:
        out.append((FARM, weights[l.farm_key] * l.terms.margin))
    return out


@dataclass
class SecurityMotive:
    """The supplier's security motive on a chokepoint: weight key and exponent β."""

    key: str
    exponent: float


def choke_motive_rates(
    motives: list[SecurityMotive], weights: dict[str, float], var: float, licensed: Any, approval: Any
) -> Any:
    """Supplier's security loss rate (negative: a gain) from denying ``licensed·(1 − approval)`` of demand."""
    total: Any = 0.0
    denied = licensed * (1.0 - approval)
    for m in motives:
        total = total - weights[m.key] * security_value(var, denied, m.exponent)
    return total


def motive_weight_specs(sc: Scenario) -> dict[str, Any]:
    """Every motive weight by key (``ACTOR.kind[.target]``): a number, a distribution or ``calibrate``."""
    out: dict[str, Any] = {}
    for a, actor in sc.actors.items():
        m = actor.motives
        if any(l.importer == a and l.tariff for l in sc.trade_links.values()):
            out[f"{a}.revenue"] = m.revenue
        for p in m.protection:
            out[f"{a}.protection.{p.link}"] = p.weight
        for f in m.farm:
            out[f"{a}.farm.{f.link}"] = f.weight
        for x in m.security:
            out[f"{a}.security.{x.chokepoint}"] = x.weight
    return out


def reference_values(sc: Scenario) -> dict[str, float]:
    """Instrument values at the calibration reference state (the no-dispute path)."""
    out = {f"{a}.{n}": ins.initial for a, act in sc.actors.items() for n, ins in act.instruments.items()}
    if sc.calibration is not None:
        out.update(sc.calibration.reference)
    return out


@dataclass
class Choke:
    name: str
    supplier: str
    consumer: str
    s: float
    stock0: float
    control: str
    shares: tuple[float, ...]
    approval: str
    delay: str
    delay_shape: float
    cohort_days: float
    content: float
    et_tier: float
    var: float
    gamma: float
    revenue_per_unit: float  # $bn per day of demand withheld
    security: list[SecurityMotive]
    rent: float  # $bn per day per unit share lost
    ramp: float  # share of demand per day
    accel: float
    max_share: float
    alt_review: float
    # state
    stock: float = 0.0
    x: float = 0.0  # added alternative supply (share of demand)
    xb: float = 0.0  # what the ramp alone would have added
    inflow: float = 1.0  # continuous (unlicensed) inflow, days of demand per day
    licensed: float = 0.0  # volume rate needing licences
    shortage_days: float = 0.0
    unmet_demand_days: float = 0.0  # ∫σ dt: days of demand unmet
    shortage_since_review: float = 0.0
    version: int = 0
    due: float = math.inf  # scheduled stockout day
    pipeline: list[tuple[float, float, bool]] = field(default_factory=list)  # (due, volume, approved)

    @property
    def short(self) -> bool:
        return is_short(self.stock, self.inflow)

    @property
    def sigma(self) -> float:
        return shortfall_share(self.inflow) if self.stock <= 0.0 else 0.0


def link_losses_rows(
    l: Link,
    weights: dict[str, float],
    share: float,
    segments: list[tuple[float, float, np.ndarray, np.ndarray]],
    rho: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Importer's and exporter's discounted losses on a link for many rows of its instruments at once.

    ``segments`` are ``(a, b, total tariff, purchase floor)`` with one entry per row (:func:`link_state_rows`)
    over consecutive days ``[a, b)``; ``share`` is the link's quantity share now. The static rates come
    from :func:`link_totals` (memoised), the short-run loss on the decaying state ``A`` as in
    :func:`~sim.model.trade.adjustment_path`, row by row in the same order of operations.
    """
    coef = decaying_total(l, weights)
    decay, v0 = l.terms.decay, l.terms.v0
    n = len(segments[0][2]) if segments else 0
    imp, exp = np.zeros(n), np.zeros(n)
    a_state, last = np.full(n, l.a), np.full(n, share)
    for a, b, tau, floor in segments:
        f = pv_factor(a, b, rho)
        totals = np.asarray([link_totals(l, weights, t, fl) for t, fl in zip(tau.tolist(), floor.tolist())])
        imp = imp + f * totals[:, 0]
        exp = exp + f * totals[:, 1]
        a_state = np.where(totals[:, 2] != last, a_state + v0 * (last - totals[:, 2]), a_state)
        last = totals[:, 2]
        dt = b - a
        if coef and dt > 0.0:
            kr = decay + rho
            disc = a_state * math.exp(-rho * a) * (-math.expm1(-kr * dt) / kr if kr > 0 else dt)
            a_state = a_state * math.exp(-decay * dt)
            exp = exp + coef * disc
    return imp, exp


def link_segments(
    l: Link, cols: dict[str, np.ndarray], known: dict[str, tuple[tuple[float, float], ...]], t0: float, t1: float
) -> list[tuple[float, float, np.ndarray, np.ndarray]]:
    """The segments of :func:`link_losses_rows`: cut at now, the horizon and each known change of the link's
    instruments (``known``: ``(day, value)`` ascending); each row's values ``cols`` hold until a change."""
    cuts = sorted({t0, t1, *(when for steps in known.values() for when, _ in steps)})
    n = len(next(iter(cols.values())))

    def value_at(ref: str, t: float) -> np.ndarray:
        v = None
        for when, x in known.get(ref, ()):
            if when > t:
                break
            v = x
        return cols[ref] if v is None else np.full(n, v)

    out = []
    for a, b in itertools.pairwise(cuts):
        tau, floor = link_state_rows(l, lambda ref, a=a: value_at(ref, a))
        out.append((a, b, tau, floor))
    return out


def link_state_rows(l: Link, value_of: Callable[[str], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`link_state` with one entry per row (``value_of`` returns arrays)."""
    tau = l.terms.tau0 + (value_of(l.tariff) if l.tariff else 0.0)
    if l.equivalents:
        tau = effective_tariff(tau, [(value_of(ref), rate) for ref, rate in l.equivalents])
    tau = np.where(tau > 0.0, tau, 0.0)
    return tau, (value_of(l.quota) if l.quota else np.zeros(len(tau)))


def _value(base: dict[str, Any], by_ref: dict[str, tuple[tuple[float, float], ...]], ref: str, t: float) -> Any:
    """The value of ``ref`` at day ``t``: its base value, then its known changes."""
    v = base[ref]
    for when, value in by_ref.get(ref, ()):
        if when <= t:
            v = value
        else:
            break
    return v


def link_part(
    l: Link,
    weights: dict[str, float],
    share: float,
    base: dict[str, Any],
    by_ref: dict[str, tuple[tuple[float, float], ...]] | None,
    cuts: list[float],
    rho: float,
) -> tuple[Any, Any]:
    """A link's part of a projection: the importer's and exporter's discounted losses between the ``cuts``,
    from the quantity ``share`` it trades at now, with the decaying state ``A`` (instruments at ``base``, then
    their known changes ``by_ref``; ``None``: none of the link's instruments has one)."""
    imp = exp = 0.0
    a_state = l.a
    coef = decaying_total(l, weights)
    decay = l.terms.decay
    v0 = l.terms.v0
    for a, b in itertools.pairwise(cuts):
        f = pv_factor(a, b, rho)
        if by_ref is None:
            tau, floor = link_state(l, base.__getitem__)
        else:
            tau, floor = link_state(l, lambda ref, a=a: _value(base, by_ref, ref, a))
        ip, ep, new_share = link_totals(l, weights, tau, floor)
        imp = imp + f * ip
        exp = exp + f * ep
        if new_share != share:
            a_state += v0 * (share - new_share)
            share = new_share
        if a_state != 0.0 and coef:
            disc, _plain, a_state = adjustment_path(a_state, decay, a, b, rho)
            exp = exp + coef * disc
    return imp, exp
