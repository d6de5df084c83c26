"""Closed-form projection of each actor's losses over a planning horizon.

Policies and the bargaining step ask "what would each side lose over the next
``H`` days if the instruments were set like this?". The answer uses the same
economics as the engine, with expected (not sampled) licensing: approved volume
arrives at the approval share, one mean processing delay after it is filed, and
the applications already in the queue arrive evenly over the first delay.
Alternative supply is held at its current level. No SimPy inside: the
projection is vectorised over packages with numpy.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from .economics import chokepoint_inflows, exporter_loss, importer_loss, stock_path
from .world import DIVERSIFICATION, SHORTAGE, STRATEGIC, TRADE, WITHHELD, World

Change = tuple[float, str, float]  # (absolute day, instrument ref, value)


_UNIQUE: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


def _share(shares: tuple[float, ...], tier: Any) -> Any:
    if isinstance(tier, (int, float)):
        return shares[min(max(int(round(tier)), 0), len(shares) - 1)]
    idx = np.clip(np.rint(np.asarray(tier, dtype=float)).astype(int), 0, len(shares) - 1)
    return np.asarray(shares, dtype=float)[idx]


def _at_least(x: Any, threshold: float) -> Any:
    if isinstance(x, (int, float)):
        return 1.0 if x >= threshold else 0.0
    return (np.asarray(x, dtype=float) >= threshold).astype(float)


def _pv(a: float, b: float, rho: float) -> float:
    return (math.exp(-rho * a) - math.exp(-rho * b)) / rho if rho > 0 else b - a


class Projector:
    """Project discounted losses from the world's current state."""

    def __init__(self, world: World) -> None:
        self.w = world

    @staticmethod
    def _values_at(base: dict[str, Any], changes: list[Change], t: float) -> dict[str, Any]:
        vals = dict(base)
        for when, ref, value in changes:
            if when <= t:
                vals[ref] = value
            else:
                break
        return vals

    def project(self, horizon: float, overrides: dict[str, Any] | None = None,
                scheduled: Iterable[Change] = (), discount: bool = True) -> dict[str, Any]:
        """Total preference-weighted loss ($bn) per actor from now to ``now + horizon``.

        ``overrides`` set instruments now (arrays allowed: one entry per package);
        ``scheduled`` are later changes ``(day, ref, value)``; changes to an
        overridden instrument are ignored (a deal fixes it). Each link and
        chokepoint is evaluated once per distinct combination of the overridden
        instruments it depends on, then broadcast to all packages.
        """
        w = self.w
        t0 = w.t
        t1 = t0 + horizon
        overrides = overrides or {}
        changes = sorted((c for c in scheduled if t0 < c[0] < t1 and c[1] not in overrides),
                         key=lambda c: c[0])
        rho = w.rho if discount else 0.0
        arrays = {r: np.asarray(v, dtype=float) for r, v in overrides.items() if np.ndim(v) > 0}
        base = dict(w.values)
        base.update({r: v for r, v in overrides.items() if r not in arrays})

        totals: dict[str, Any] = {a: 0.0 for a in w.actors}
        wt = w.weights
        tcuts = sorted({t0, t1, *(c[0] for c in changes)})
        for l in w.links:
            refs = [r for r in (l.tariff, l.quota, *(e[0] for e in l.equivalents)) if r in arrays]
            imp, exp = self._factorised(refs, arrays, base, lambda b: self._link(l, b, changes, tcuts, rho))
            totals[l.importer] = totals[l.importer] + wt[l.importer][TRADE] * imp
            totals[l.exporter] = totals[l.exporter] + wt[l.exporter][TRADE] * exp
        for ch in w.chokes:
            refs = [r for r in (ch.control, ch.approval) if r in arrays]
            short, strat, withheld, div = self._factorised(
                refs, arrays, base, lambda b: self._choke(ch, b, changes, t0, t1, rho))
            wc, ws = wt[ch.consumer], wt[ch.supplier]
            totals[ch.consumer] = totals[ch.consumer] + wc[SHORTAGE] * short
            totals[ch.supplier] = (totals[ch.supplier] + ws[STRATEGIC] * strat + ws[WITHHELD] * withheld
                                   + ws[DIVERSIFICATION] * div)
        return totals

    @staticmethod
    def _factorised(refs: list[str], arrays: dict[str, np.ndarray], base: dict[str, Any], fn: Any) -> tuple:
        if not refs:
            return fn(base)
        mat = np.stack([arrays[r] for r in refs], axis=1)
        key = (mat.shape, mat.tobytes())
        hit = _UNIQUE.get(key)
        if hit is None:
            uniq, inv = np.unique(mat, axis=0, return_inverse=True)
            hit = (uniq, inv.reshape(-1))
            if len(_UNIQUE) < 512:  # package grids are few and fixed per scenario
                _UNIQUE[key] = hit
        uniq, inv = hit
        b = dict(base)
        for j, r in enumerate(refs):
            b[r] = uniq[:, j]
        out = fn(b)
        return tuple(np.broadcast_to(np.asarray(x, dtype=float), (len(uniq),))[inv] for x in out)

    def _link(self, l: Any, base: dict[str, Any], changes: list[Change], cuts: list[float],
              rho: float) -> tuple[Any, Any]:
        imp = exp = 0.0
        for a, b in zip(cuts[:-1], cuts[1:]):
            vals, f = self._values_at(base, changes, a), _pv(a, b, rho)
            tau = vals[l.tariff] if l.tariff else l.tau0
            for ref, rate in l.equivalents:
                tau = tau + vals[ref] * rate
            q = vals[l.quota] if l.quota else 1.0
            imp = imp + f * importer_loss(l.v0, tau, l.tau0, l.eps, l.phi, q, l.subst)
            exp = exp + f * exporter_loss(l.v0, tau, l.tau0, l.eps, l.phi, l.margin, q)
        return imp, exp

    def _choke(self, ch: Any, base: dict[str, Any], changes: list[Change], t0: float, t1: float,
               rho: float) -> tuple[Any, Any]:
        d = float(self.w.values[ch.delay])
        cuts = {t0, t1, t0 + d}
        for c in changes:
            cuts.add(c[0])
            cuts.add(c[0] + d)
        cuts = sorted(x for x in cuts if t0 <= x <= t1)
        pending = sum(vol * p for due, vol, p in ch.pipeline if due > t0)
        pipe_rate = pending / d if d > 0 else 0.0
        flows = []
        withheld = 0.0
        for a, b in zip(cuts[:-1], cuts[1:]):
            vals = self._values_at(base, changes, a)
            tier = vals[ch.control]
            unlicensed, licensed = chokepoint_inflows(
                ch.s, _share(ch.shares, tier), ch.content, _at_least(tier, ch.et_tier), ch.x)
            if a - t0 >= d - 1e-12:
                lag = self._values_at(base, changes, a - d)
                ltier = lag[ch.control]
                _, lic_then = chokepoint_inflows(
                    ch.s, _share(ch.shares, ltier), ch.content, _at_least(ltier, ch.et_tier), ch.x)
                approved = lic_then * lag[ch.approval]
            else:
                approved = pipe_rate
            flows.append((b - a, unlicensed + approved))
            withheld = withheld + _pv(a, b, rho) * ch.revenue_per_unit * licensed * (1.0 - vals[ch.approval])
        g = stock_path(ch.stock, flows, 1.0, rho, t0, ch.gamma)["cost"]
        return ch.var * g, -ch.strategic * g, withheld, _pv(t0, t1, rho) * ch.rent * (ch.x - ch.xb)
