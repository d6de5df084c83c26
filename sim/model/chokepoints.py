"""Chokepoints: the inflow split by control tier, stocks, stockouts and shortage costs.

Stocks are in days of demand and flows in days of demand per day (demand is 1
unless given). While a stock is positive it moves at ``inflow − demand``; at zero
consumption equals inflow and the shortfall ``σ = (d − inflow)/d`` is felt, at a
cost ``VaR · σ^γ`` per day to the consumer (the supplier's security motive is valued
on the share it denies: :func:`sim.model.motives.security_value`). Equations and
sources: ``docs/model.md`` §4.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.model.welfare import pv_factor


# ------------------------------------------------------------------ inflow split
def licensed_share(shares: Sequence[float], tier: Any) -> Any:
    """Share of the supplier's flow needing a licence at control ``tier`` (rounded).

    Tiers are clipped to the listed ones: above the last take the last share,
    below 0 the first (a negative index must not wrap around to the top tier).
    """
    if isinstance(tier, (int, float)):
        return shares[min(max(round(tier), 0), len(shares) - 1)]
    return np.take(np.asarray(shares, dtype=float), np.rint(np.asarray(tier, dtype=float)).astype(int), mode="clip")


def at_least(x: Any, threshold: float) -> Any:
    """1.0 where ``x >= threshold``, else 0.0 (a rule in force from a tier on)."""
    if isinstance(x, (int, float)):
        return 1.0 if x >= threshold else 0.0
    return (np.asarray(x, dtype=float) >= threshold).astype(float)


def chokepoint_inflows(
    supplier_share: float,
    licensed_share: float,
    third_country_content: float,
    extraterritorial: float,
    alternative: float,
) -> tuple[float, float]:
    """Split the consumer's normal supply (1 day of demand per day) into flows.

    The supplier serves ``s_eff = max(s − x, 0)`` (``x``: added alternative
    supply); a share ``L`` of that needs a licence. Other supply ``1 − s`` carries
    supplier-origin content ``c``; under an extraterritorial rule that part needs
    a licence too. Returns ``(unlicensed inflow, licensed volume rate)``.
    """
    s = supplier_share
    s_eff = s - alternative if s > alternative else 0.0
    other = 1.0 - s
    et = third_country_content * extraterritorial
    unlicensed = s_eff * (1.0 - licensed_share) + other * (1.0 - et) + (min(s, alternative))
    return unlicensed, s_eff * licensed_share + other * et


def chokepoint_inflows_rows(
    supplier_share: float,
    licensed_share: np.ndarray,
    third_country_content: float,
    extraterritorial: np.ndarray,
    alternative: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`chokepoint_inflows` with arrays: ``alternative`` one entry per time segment (a column),
    the licensed share and extraterritorial rule one entry per segment and package (a matrix)."""
    s = supplier_share
    s_eff = np.where(s > alternative, s - alternative, 0.0)
    other = 1.0 - s
    et = third_country_content * extraterritorial
    unlicensed = s_eff * (1.0 - licensed_share) + other * (1.0 - et) + np.minimum(s, alternative)
    return unlicensed, s_eff * licensed_share + other * et


def withheld_sales(revenue_per_unit: Any, volume: Any) -> Any:
    """Supplier's sales lost on a ``volume`` (days of demand) whose licence is denied, $bn."""
    return revenue_per_unit * volume


def withheld_rate(revenue_per_unit: Any, licensed: Any, approval: Any) -> Any:
    """Expected sales lost per day on a licensed flow approved with probability ``approval``, $bn per day:
    :func:`withheld_sales` of the volume denied per day, ``licensed · (1 − approval)`` (written out: the
    projector's inner loop)."""
    return revenue_per_unit * licensed * (1.0 - approval)


def diversification_rate(rent: float, alternative: float, baseline: float) -> float:
    """Supplier's rent lost to alternative supply built beyond the baseline ramp, $bn per day."""
    return rent * (alternative - baseline)


# --------------------------------------------------------------------- shortages
def is_short(stock: float, inflow: float, demand: float = 1.0) -> bool:
    """A shortage: the stock is empty and inflow falls below demand."""
    return stock <= 0.0 and inflow < demand


def shortfall_share(inflow: float, demand: float = 1.0) -> float:
    """``σ = (d − inflow)/d`` clipped to ``[0, 1]``: the share of demand not met at zero stock."""
    return min(max((demand - inflow) / demand, 0.0), 1.0)


def shortage_severity(stock: float, inflow: float, gamma: float, demand: float = 1.0) -> float:
    """``g(σ) = σ^γ`` while short (0 otherwise): multiply by the value at risk for the cost rate.

    Convex for γ ≥ 1, so small gaps are absorbed (docs/model.md §3). :func:`stock_path`
    integrates the same ``σ^γ`` over time; ``tests/model`` holds the two to agree.

    (:func:`is_short` and :func:`shortfall_share` written out: the engine calls this at every change.)
    """
    if stock <= 0.0 and inflow < demand:
        severity: float = min((demand - inflow) / demand, 1.0) ** gamma
        return severity
    return 0.0


def stockout_time(stock: float, inflow: float, demand: float = 1.0) -> float:
    """Days until a stock of ``stock`` days runs out: ``I0 / (d − inflow)``; inf if never."""
    net = demand - inflow
    if stock <= 0.0:
        return 0.0 if net > 0 else math.inf
    return stock / net if net > 0 else math.inf


def stock_step(stock: float, inflow: float, dt: float, demand: float = 1.0) -> tuple[float, float, float]:
    """One interval of constant inflow: ``(stock after, days in shortage, ∫σ dt)``.

    A positive stock moves at ``inflow − demand`` (clipped at zero: the engine
    schedules the crossing as an event, so an interval starting above zero never
    runs short); an empty stock with inflow below demand is in shortage for the
    whole interval; an empty stock with inflow above demand refills.
    """
    if stock > 0.0:
        return max(0.0, stock + (inflow - demand) * dt), 0.0, 0.0
    if inflow < demand:
        return stock, dt, shortfall_share(inflow, demand) * dt
    return stock + (inflow - demand) * dt, 0.0, 0.0


def stock_path(
    stock0: Any,
    segments: list[tuple[float, Any]],
    demand: float = 1.0,
    rho: float = 0.0,
    t0: float = 0.0,
    gamma: Any = 1.0,
) -> dict[str, Any]:
    """Follow a stock through piecewise-constant inflow ``segments`` exactly.

    ``segments`` is a list of ``(duration_days, inflow_per_day)``. A stock that
    runs out inside a segment is short from its :func:`stockout_time` on. Returns
    the end stock, the days in shortage, the days of demand unmet ``∫σ dt`` (``unmet_demand_days``), and the
    discounted integral of ``σ^γ`` (multiply by the value at risk for the cost).
    Inflows may be arrays (one entry per package); scalars take a fast path.
    """
    if isinstance(stock0, (int, float)) and all(isinstance(f, (int, float)) for _, f in segments):
        return _stock_path_scalar(float(stock0), segments, demand, rho, t0, float(gamma))
    stock = np.asarray(stock0, dtype=float) * 1.0
    t = t0
    shortage_days = np.zeros_like(stock)
    unmet_int = np.zeros_like(stock)
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
        unmet_int = unmet_int + sigma * length
        if rho == 0.0:
            pv = length
        else:
            pv = (np.exp(-rho * (t + start)) - np.exp(-rho * (t + dur))) / rho
        cost_int = cost_int + np.power(sigma, gamma) * np.where(length > 0, pv, 0.0)
        stock = np.maximum(stock + net * dur, 0.0)
        t += dur
    return {"stock": stock, "shortage_days": shortage_days, "unmet_demand_days": unmet_int, "cost": cost_int}


def _stock_path_scalar(
    stock: float, segments: list[tuple[float, Any]], demand: float, rho: float, t: float, gamma: float
) -> dict[str, Any]:
    # stockout_time and shortfall_share written out: this is the projector's innermost loop
    shortage_days = unmet_int = cost_int = 0.0
    for dur, inflow in segments:
        if inflow < demand:
            gap = demand - inflow
            start = min(stock / gap, dur) if stock > 0.0 else 0.0
            length = dur - start
            if length > 0.0:
                sigma = min(gap / demand, 1.0)
                shortage_days += length
                unmet_int += sigma * length
                cost_int += sigma**gamma * (length if rho == 0.0 else pv_factor(t + start, t + dur, rho))
        stock = max(stock + (inflow - demand) * dur, 0.0)
        t += dur
    return {"stock": stock, "shortage_days": shortage_days, "unmet_demand_days": unmet_int, "cost": cost_int}


def shortage_cost_rows(
    stock0: float, starts: np.ndarray, durations: np.ndarray, inflow: np.ndarray, rho: float, gamma: float
) -> np.ndarray:
    """The ``cost`` of :func:`stock_path` (demand 1) for many inflow paths at once: ``inflow[k, j]`` is path
    ``j``'s inflow over segment ``k`` (from day ``starts[k]`` for ``durations[k]`` days).

    The stock at each segment's start, ``I_{k+1} = max(I_k + (inflow_k − 1)·dt_k, 0)``, is the
    reflected walk in closed form (Lindley): with ``C_k = I_0 + Σ_{i<k} (inflow_i − 1)·dt_i``,
    ``I_k = C_k − min(0, min_{1≤j≤k} C_j)`` for ``k ≥ 1``. The rest is :func:`stock_path` segment
    by segment: short from the stockout on while the inflow is below demand, at a cost ``σ^γ``
    discounted to day 0.
    """
    n_seg = len(durations)
    if n_seg == 0:
        return np.zeros(inflow.shape[1:])
    dur = durations.reshape(-1, 1)
    net = inflow - 1.0
    level = stock0 + np.cumsum(net * dur, axis=0)  # C_1 .. C_n
    stock = np.empty_like(net)
    stock[0] = stock0
    if n_seg > 1:
        head = level[:-1]
        stock[1:] = head - np.minimum(np.minimum.accumulate(head, axis=0), 0.0)
    short = net < 0.0
    gap = np.where(short, -net, 1.0)  # only where short
    start = np.where(stock > 0.0, np.minimum(stock / gap, dur), 0.0)
    length = np.where(short, dur - start, 0.0)
    if rho == 0.0:
        pv = length
    else:
        pv = np.exp(-rho * (starts.reshape(-1, 1) + start)) * -np.expm1(-rho * length) / rho
    out: np.ndarray = (np.power(np.minimum(gap, 1.0), gamma) * np.where(length > 0.0, pv, 0.0)).sum(axis=0)
    return out
