"""A chokepoint's part of a projection, for many rows of instrument values at once.

The projector (:mod:`sim.engine.projection`) asks for a chokepoint's losses under
many combinations of its instruments (control tier, approval, delay): the deal's
options, a policy's moves. The time segments depend only on the delay, the known
changes and the alternative supply's capacity updates, not on the row, so one
:class:`Plan` (the cuts, the alternative share and the discount factor of each
segment, which changes are in force when) serves every row with that delay, and
each row's flows are one column of a segment × row matrix. :func:`choke_scalar`
is the same projection segment by segment in plain floats: the reference the
matrix form is tested against.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.engine.links import choke_motive_rates
from sim.engine.ramp import diversification, ramp_updates
from sim.model.chokepoints import (
    at_least,
    chokepoint_inflows,
    chokepoint_inflows_rows,
    licensed_share,
    shortage_cost_rows,
    stock_path,
    withheld_rate,
)
from sim.model.welfare import pv_factor

Steps = tuple[tuple[float, float], ...]  # one instrument's known changes: (absolute day, value), ascending


@dataclass
class Plan:
    """The row-independent layout of one chokepoint's projection at one delay: per segment, its start,
    length, discount factor ``∫ e^(−ρt) dt``, the alternative share in force at its start and one delay
    before, whether it starts a full delay after now (licences filed in the projection arrive), and the
    known value of the control tier and approval at its start and one delay before (``None``: the row's)."""

    starts: list[float]
    ends: list[float]
    durations: list[float]
    x_now: list[float]
    x_lag: list[float]
    lagged: list[bool]
    control_now: list[float | None]
    control_lag: list[float | None]
    approval_now: list[float | None]
    approval_lag: list[float | None]
    diversification: float
    rho: float
    _arrays: dict[str, Any] | None = None
    rows: dict[tuple, tuple[list[float], float, float]] = field(default_factory=dict)  # see :func:`_flows`
    splits: dict[float, list[tuple[float, float, float]]] = field(default_factory=dict)  # see :meth:`split_rows`
    _factors: list[float] | None = None

    def factors(self) -> list[float]:
        """Each segment's discount factor ``∫ e^(−ρt) dt`` (made once)."""
        if self._factors is None:
            self._factors = [pv_factor(a, b, self.rho) for a, b in zip(self.starts, self.ends)]
        return self._factors

    def split_rows(self, ch: Any, tier: float, split: Any) -> list[tuple[float, float, float]]:
        """Per segment, at control ``tier`` now (where no known change sets it): the unlicensed inflow and
        licensed volume rate now, and the licensed volume rate one delay before (cached per tier)."""
        hit = self.splits.get(tier)
        if hit is None:
            hit = []
            now = lag = (None, None)  # the last (tier, share) looked up, and its split: segments mostly repeat it
            for xa, xl, cn, cl in zip(self.x_now, self.x_lag, self.control_now, self.control_lag):
                key = (tier if cn is None else cn, xa)
                if key != now[0]:
                    now = (key, split(ch, *key))
                key = (tier if cl is None else cl, xl)
                if key != lag[0]:
                    lag = (key, split(ch, *key))
                hit.append((now[1][0], now[1][1], lag[1][1]))
            if len(self.splits) > 16:
                self.splits.clear()
            self.splits[tier] = hit
        return hit

    def arrays(self) -> dict[str, Any]:
        """The plan as numpy columns (made once), for :func:`choke_rows`."""
        if self._arrays is None:
            out: dict[str, Any] = {k: np.asarray(getattr(self, k), dtype=float)[:, None] for k in ("x_now", "x_lag")}
            out["starts"] = np.asarray(self.starts, dtype=float)
            out["factors"] = np.asarray([pv_factor(a, b, self.rho) for a, b in zip(self.starts, self.ends)])
            out["durations"] = np.asarray(self.durations, dtype=float)
            out["lagged"] = np.asarray(self.lagged, dtype=bool)[:, None]
            for k in ("control_now", "control_lag", "approval_now", "approval_lag"):
                known = getattr(self, k)
                if all(v is None for v in known):
                    out[k] = None
                else:
                    mask = np.asarray([v is None for v in known])[:, None]
                    out[k] = (mask, np.asarray([0.0 if v is None else v for v in known], dtype=float)[:, None])
            self._arrays = out
        return self._arrays


def _in_force(changes: Sequence[tuple[Any, ...]], times: list[float], initial: Any) -> list[Any]:
    """The value of the last of ``changes`` (``(day, value, ...)``, ascending) made at or before each of the
    ascending ``times``; ``initial`` before the first."""
    if not changes:
        return [initial] * len(times)
    out = []
    i, n, v = 0, len(changes), initial
    for t in times:
        while i < n and changes[i][0] <= t:
            v = changes[i][1]
            i += 1
        out.append(v)
    return out


def _known(steps: Steps, times: list[float]) -> list[float | None]:
    """The last known change of an instrument in force at each of the ascending ``times`` (``None``: none yet)."""
    return _in_force(steps, times, None)


def _shares(x0: float, ramp: list[tuple[float, float, float]], times: list[float]) -> list[float]:
    """The alternative share in force at each of the ascending ``times``."""
    return _in_force(ramp, times, x0)


def _at(known: tuple[np.ndarray, np.ndarray] | None, now: np.ndarray) -> np.ndarray:
    """A (segment × row) matrix of an instrument's value: each row's value now until a known change
    (one line for all segments without a known change: it broadcasts)."""
    if known is None:
        return now[None, :]
    mask, values = known
    return np.where(mask, now[None, :], values)


def make_plan(
    ch: Any, d: float, control: Steps, approval: Steps, delay: Steps, t0: float, t1: float, rho: float
) -> Plan:
    """Lay out the segments: cut at now, the horizon, each known change and each capacity update, and one
    delay after each of them (licences filed then arrive then)."""
    cuts = {t0, t1, t0 + d}
    for steps in (control, approval, delay):
        for when, _v in steps:
            cuts.add(when)
            cuts.add(when + d)
    ramp = ramp_updates(ch, t0, t1)
    for day, _x, _xb in ramp:
        cuts.add(day)
        cuts.add(day + d)
    ordered = sorted(x for x in cuts if t0 <= x <= t1)
    starts = ordered[:-1]
    lags = [a - d for a in starts]
    return Plan(
        starts=starts,
        ends=ordered[1:],
        durations=[b - a for a, b in itertools.pairwise(ordered)],
        x_now=_shares(ch.x, ramp, starts),
        x_lag=_shares(ch.x, ramp, lags),
        lagged=[a - t0 >= d - 1e-12 for a in starts],
        control_now=_known(control, starts),
        control_lag=_known(control, lags),
        approval_now=_known(approval, starts),
        approval_lag=_known(approval, lags),
        diversification=diversification(ch, ramp, t0, t1, rho),
        rho=rho,
    )


def _split(ch: Any, tier: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return chokepoint_inflows_rows(ch.s, licensed_share(ch.shares, tier), ch.content, at_least(tier, ch.et_tier), x)


def choke_rows(
    ch: Any,
    plan: Plan,
    tier: np.ndarray,
    approval: np.ndarray,
    d: float,
    weights: dict[str, float],
    rho: float,
    pending: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """``(consumer's shortage cost, supplier's security, withheld sales, diversification)`` for each row
    of control ``tier`` and ``approval`` now (one delay ``d`` for all rows)."""
    p = plan.arrays()
    unlicensed, licensed = _split(ch, _at(p["control_now"], tier), p["x_now"])
    _, licensed_lag = _split(ch, _at(p["control_lag"], tier), p["x_lag"])
    approved = np.where(p["lagged"], licensed_lag * _at(p["approval_lag"], approval), pending / d if d > 0 else 0.0)
    approval_now = _at(p["approval_now"], approval)
    withheld = p["factors"] @ withheld_rate(ch.revenue_per_unit, licensed, approval_now)
    if ch.security:
        security = p["factors"] @ choke_motive_rates(ch.security, weights, ch.var, licensed, approval_now)
    else:
        security = np.zeros(len(tier))
    inflow = np.broadcast_to(unlicensed + approved, (len(plan.durations), len(tier)))
    g = shortage_cost_rows(ch.stock, p["starts"], p["durations"], inflow, rho, ch.gamma)
    return ch.var * g, security, withheld, plan.diversification


def choke_scalar(
    ch: Any,
    values: dict[str, float],
    changes: Sequence[tuple[float, str, float]],
    weights: dict[str, float],
    t0: float,
    t1: float,
    rho: float,
    pending: float,
) -> tuple[float, float, float, float]:
    """:func:`choke_rows` for one row, segment by segment in plain floats (the reference form)."""
    d = float(values[ch.delay])

    def value(ref: str, t: float) -> float:
        v = values[ref]
        for when, r, x in changes:
            if r == ref and when <= t:
                v = x
        return v

    cuts = {t0, t1, t0 + d}
    for c in changes:
        cuts.update((c[0], c[0] + d))
    ramp = ramp_updates(ch, t0, t1)
    for day, _x, _xb in ramp:
        cuts.update((day, day + d))
    ordered = sorted(x for x in cuts if t0 <= x <= t1)

    def share_at(t: float) -> float:
        x = ch.x
        for day, nx, _nxb in ramp:
            if day <= t:
                x = nx
        return x

    def split(tier: float, x: float) -> tuple[float, float]:
        return chokepoint_inflows(ch.s, licensed_share(ch.shares, tier), ch.content, at_least(tier, ch.et_tier), x)

    flows = []
    withheld = security = 0.0
    for a, b in itertools.pairwise(ordered):
        unlicensed, licensed = split(value(ch.control, a), share_at(a))
        if a - t0 >= d - 1e-12:
            approved = split(value(ch.control, a - d), share_at(a - d))[1] * value(ch.approval, a - d)
        else:
            approved = pending / d if d > 0 else 0.0
        flows.append((b - a, unlicensed + approved))
        f = pv_factor(a, b, rho)
        withheld += f * withheld_rate(ch.revenue_per_unit, licensed, value(ch.approval, a))
        if ch.security and licensed:
            security += f * choke_motive_rates(ch.security, weights, ch.var, licensed, value(ch.approval, a))
    g = stock_path(ch.stock, flows, 1.0, rho, t0, ch.gamma)["cost"]
    return ch.var * g, security, withheld, diversification(ch, ramp, t0, t1, rho)


def _flows(
    ch: Any, plan: Plan, tier: float, approval: float, weights: dict[str, float], rho: float, pipe: float, split: Any
) -> tuple[list[float], float, float]:
    """One row's inflow over each segment, and its discounted withheld sales and security (cached on the plan:
    they do not depend on the stock)."""
    key = (tier, approval, pipe, tuple(weights[m.key] for m in ch.security))
    hit = plan.rows.get(key)
    if hit is not None:
        return hit
    rev, motives = ch.revenue_per_unit, ch.security
    inflows = []
    withheld = security = 0.0
    for (unlicensed, licensed, licensed_lag), lagged, pn, pl, f in zip(
        plan.split_rows(ch, tier, split), plan.lagged, plan.approval_now, plan.approval_lag, plan.factors()
    ):
        if lagged:
            inflows.append(unlicensed + licensed_lag * (approval if pl is None else pl))
        else:
            inflows.append(unlicensed + pipe)
        if licensed:  # nothing licensed, nothing withheld or denied (the common case: skip the discounting)
            p = approval if pn is None else pn
            withheld = withheld + f * withheld_rate(rev, licensed, p)
            if motives:
                security = security + f * choke_motive_rates(motives, weights, ch.var, licensed, p)
    if len(plan.rows) > 64:
        plan.rows.clear()
    hit = plan.rows[key] = (inflows, withheld, security)
    return hit


def choke_row(
    ch: Any,
    plan: Plan,
    tier: float,
    approval: float,
    d: float,
    weights: dict[str, float],
    rho: float,
    pending: float,
    split: Any,
) -> tuple[float, float, float, float]:
    """:func:`choke_rows` for one row in plain floats; ``split(ch, tier, x)`` is the (cached) inflow split."""
    inflows, withheld, security = _flows(ch, plan, tier, approval, weights, rho, pending / d if d > 0 else 0.0, split)
    stock = ch.stock
    gamma = ch.gamma
    cost = 0.0
    for a, dur, inflow in zip(plan.starts, plan.durations, inflows):
        if inflow < 1.0:
            gap = 1.0 - inflow
            start = (stock / gap if stock / gap < dur else dur) if stock > 0.0 else 0.0
            length = dur - start
            if length > 0.0:
                sigma = gap if gap < 1.0 else 1.0
                cost += sigma**gamma * (length if rho == 0.0 else pv_factor(a + start, a + dur, rho))
        stock = stock + (inflow - 1.0) * dur
        if stock < 0.0:
            stock = 0.0
    return ch.var * cost, security, withheld, plan.diversification
