"""Pure economics: trade flows, tariff losses, shortage costs, discounting.

Every function works on floats and, where it makes sense, on numpy arrays (the
bargaining step evaluates hundreds of packages at once). Rates are in $bn per
day unless the name says otherwise; time is in days. Equations and the sources
of default numbers are collected in ``docs/model.md``.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

DAYS_PER_YEAR = 365.0


def discount_integral(a: Any, b: Any, rho: float) -> Any:
    """``∫_a^b exp(-rho t) dt``: the present value of a unit rate from day a to day b.

    Exact for ``rho = 0`` too (returns ``b - a``).
    """
    if rho == 0.0:
        return b - a
    return (np.exp(-rho * a) - np.exp(-rho * b)) / rho


# ------------------------------------------------------------------------ trade
def trade_flow(v0: Any, tau: Any, tau0: Any, elasticity: Any, quota: Any = 1.0) -> Any:
    """Trade value under tariff ``tau``: ``V = q·V0·((1+tau)/(1+tau0))^(-eps)``.

    Constant-elasticity import demand (Fajgelbaum et al. 2020 estimate eps ≈ 2.5)
    scaled by the share ``quota`` of normal purchases (state-directed buying).
    """
    return v0 * quota * ((1.0 + tau) / (1.0 + tau0)) ** (-elasticity)


def importer_loss(v0: Any, tau: Any, tau0: Any, elasticity: Any, pass_through: Any,
                  quota: Any = 1.0, substitution_cost: Any = 0.0) -> Any:
    """Importer's loss rate (same unit as ``v0``).

    Deadweight triangle ``½·Δτ·(qV0 − V)`` plus the burden its buyers pay
    ``φ·Δτ·V`` minus the tariff revenue ``Δτ·V`` it collects, plus the cost of
    replacing purchases cut by the quota. With full pass-through (φ = 1,
    Amiti, Redding & Weinstein 2019) burden and revenue cancel and the net loss is
    the deadweight triangle (Fajgelbaum et al. 2020: net −$7.2bn on $51bn paid).
    """
    v = trade_flow(v0, tau, tau0, elasticity, quota)
    dtau = tau - tau0
    deadweight = 0.5 * dtau * (v0 * quota - v)
    return deadweight + (pass_through - 1.0) * dtau * v + substitution_cost * v0 * (1.0 - quota)


def exporter_loss(v0: Any, tau: Any, tau0: Any, elasticity: Any, pass_through: Any,
                  margin: Any, quota: Any = 1.0) -> Any:
    """Exporter's loss rate: value added on lost sales plus its share of the tariff.

    ``margin·(V0 − V) + (1 − φ)·Δτ·V``.
    """
    v = trade_flow(v0, tau, tau0, elasticity, quota)
    return margin * (v0 - v) + (1.0 - pass_through) * (tau - tau0) * v


# ------------------------------------------------------------------- shortages
def shortage_cost_rate(value_at_risk: Any, shortfall: Any, gamma: Any) -> Any:
    """``VaR · g(σ)`` with convex ``g(σ) = σ^γ`` (γ ≥ 1): small gaps are absorbed."""
    return value_at_risk * np.power(np.minimum(np.maximum(shortfall, 0.0), 1.0), gamma)


def stockout_time(stock: float, inflow: float, demand: float = 1.0) -> float:
    """Days until a stock of ``stock`` days runs out: ``I0 / (d − inflow)``; inf if never."""
    net = demand - inflow
    if stock <= 0.0:
        return 0.0 if net > 0 else math.inf
    return stock / net if net > 0 else math.inf


def stock_path(stock0: Any, segments: list[tuple[float, Any]], demand: float = 1.0,
               rho: float = 0.0, t0: float = 0.0, gamma: Any = 1.0) -> dict[str, Any]:
    """Follow a stock through piecewise-constant inflow ``segments`` exactly.

    ``segments`` is a list of ``(duration_days, inflow_per_day)``. While the stock
    is positive it moves at ``inflow − demand``; at zero, consumption equals inflow
    and the shortfall ``σ = (d − inflow)/d`` is felt. Returns the end stock, the
    days in shortage, the shortfall integral ``∫σ dt``, and the discounted
    integral of ``σ^γ`` (multiply by the value at risk for the cost).
    Inflows may be arrays (one entry per package); scalars take a fast path.
    """
    if isinstance(stock0, (int, float)) and all(isinstance(f, (int, float)) for _, f in segments):
        return _stock_path_scalar(float(stock0), segments, demand, rho, t0, float(gamma))
    stock = np.asarray(stock0, dtype=float) * 1.0
    t = t0
    shortage_days = np.zeros_like(stock)
    shortfall_int = np.zeros_like(stock)
    cost_int = np.zeros_like(stock)
    for dur, inflow in segments:
        inflow = np.asarray(inflow, dtype=float)
        net = inflow - demand
        sigma = np.minimum(np.maximum(-net / demand, 0.0), 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_out = np.where(net < 0, np.where(stock > 0, stock / -net, 0.0), np.inf)
        start = np.minimum(t_out, dur)
        length = np.where(net < 0, dur - start, 0.0)
        shortage_days = shortage_days + length
        shortfall_int = shortfall_int + sigma * length
        if rho == 0.0:
            pv = length
        else:
            pv = (np.exp(-rho * (t + start)) - np.exp(-rho * (t + dur))) / rho
        cost_int = cost_int + np.power(sigma, gamma) * np.where(length > 0, pv, 0.0)
        stock = np.maximum(stock + net * dur, 0.0)
        t += dur
    return {"stock": stock, "shortage_days": shortage_days, "shortfall": shortfall_int,
            "cost": cost_int}


def _stock_path_scalar(stock: float, segments: list[tuple[float, Any]], demand: float, rho: float,
                       t: float, gamma: float) -> dict[str, Any]:
    shortage_days = shortfall_int = cost_int = 0.0
    for dur, inflow in segments:
        net = inflow - demand
        if net < 0.0:
            start = min(stock / -net, dur) if stock > 0.0 else 0.0
            length = dur - start
            if length > 0.0:
                sigma = min(-net / demand, 1.0)
                shortage_days += length
                shortfall_int += sigma * length
                pv = length if rho == 0.0 else (math.exp(-rho * (t + start)) - math.exp(-rho * (t + dur))) / rho
                cost_int += sigma ** gamma * pv
        stock = max(stock + net * dur, 0.0)
        t += dur
    return {"stock": stock, "shortage_days": shortage_days, "shortfall": shortfall_int, "cost": cost_int}


# -------------------------------------------------------------- chokepoint flows
def chokepoint_inflows(supplier_share: Any, licensed_share: Any, third_country_content: Any,
                       extraterritorial: Any, alternative: Any) -> tuple[Any, Any]:
    """Split the consumer's normal supply (1 day of demand per day) into flows.

    The supplier serves ``s_eff = max(s − x, 0)`` (``x``: added alternative
    supply); a share ``L`` of that needs a licence. Other supply ``1 − s`` carries
    supplier-origin content ``c``; under an extraterritorial rule that part needs
    a licence too. Returns ``(unlicensed inflow, licensed volume rate)``.
    """
    s_eff = max(supplier_share - alternative, 0.0)
    other = 1.0 - supplier_share
    et = third_country_content * extraterritorial
    unlicensed = s_eff * (1.0 - licensed_share) + other * (1.0 - et) + min(alternative, supplier_share)
    licensed = s_eff * licensed_share + other * et
    return unlicensed, licensed
