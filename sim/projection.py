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

from typing import Any, Iterable

import numpy as np

from .economics import chokepoint_inflows, exporter_loss, importer_loss, stock_path
from .world import World

Change = tuple[float, str, float]  # (absolute day, instrument ref, value)


def _share(shares: tuple[float, ...], tier: Any) -> Any:
    idx = np.clip(np.rint(np.asarray(tier, dtype=float)).astype(int), 0, len(shares) - 1)
    return np.asarray(shares, dtype=float)[idx]


class Projector:
    """Project discounted losses from the world's current state."""

    def __init__(self, world: World) -> None:
        self.w = world

    def _values_at(self, base: dict[str, Any], changes: list[Change], t: float) -> dict[str, Any]:
        vals = dict(base)
        for when, ref, value in changes:
            if when <= t:
                vals[ref] = value
            else:
                break
        return vals

    def project(self, horizon: float, overrides: dict[str, Any] | None = None,
                scheduled: Iterable[Change] = (), discount: bool = True) -> dict[str, Any]:
        """Total loss ($bn) per actor from now to ``now + horizon``.

        ``overrides`` set instruments now (arrays allowed: one entry per package);
        ``scheduled`` are later changes ``(day, ref, value)``; changes to an
        overridden instrument are ignored (a deal fixes it).
        """
        w = self.w
        t0 = w.t
        t1 = t0 + horizon
        overrides = overrides or {}
        base = dict(w.values)
        base.update(overrides)
        changes = sorted((c for c in scheduled if t0 < c[0] < t1 and c[1] not in overrides),
                         key=lambda c: c[0])
        rho = w.rho if discount else 0.0
        cuts = {t0, t1}
        cuts.update(c[0] for c in changes)
        for ch in w.chokes:
            d = float(w.values[ch.delay])
            cuts.add(t0 + d)
            cuts.update(c[0] + d for c in changes)
        cuts = sorted(x for x in cuts if t0 <= x <= t1)
        segs = list(zip(cuts[:-1], cuts[1:]))

        totals: dict[str, Any] = {a: 0.0 for a in w.actors}
        for a, b in segs:
            vals = self._values_at(base, changes, a)
            f = ((np.exp(-rho * a) - np.exp(-rho * b)) / rho) if rho > 0 else (b - a)
            for l in w.links:
                tau = vals[l.tariff] if l.tariff else l.tau0
                for ref, rate in l.equivalents:
                    tau = tau + vals[ref] * rate
                q = vals[l.quota] if l.quota else 1.0
                totals[l.importer] = totals[l.importer] + f * importer_loss(
                    l.v0, tau, l.tau0, l.eps, l.phi, q, l.subst)
                totals[l.exporter] = totals[l.exporter] + f * exporter_loss(
                    l.v0, tau, l.tau0, l.eps, l.phi, l.margin, q)
        for ch in w.chokes:
            d = float(w.values[ch.delay])
            pending = sum(vol * p for due, vol, p in ch.pipeline if due > t0)
            pipe_rate = pending / d if d > 0 else 0.0
            seg_flows = []
            withheld = 0.0
            for a, b in segs:
                vals = self._values_at(base, changes, a)
                tier = vals[ch.control]
                et = (np.asarray(tier, dtype=float) >= ch.et_tier).astype(float)
                unlicensed, licensed = chokepoint_inflows(ch.s, _share(ch.shares, tier), ch.content, et, ch.x)
                if a - t0 >= d - 1e-12:
                    lag = self._values_at(base, changes, a - d)
                    ltier = lag[ch.control]
                    let = (np.asarray(ltier, dtype=float) >= ch.et_tier).astype(float)
                    _, lic_then = chokepoint_inflows(ch.s, _share(ch.shares, ltier), ch.content, let, ch.x)
                    approved = lic_then * lag[ch.approval]
                else:
                    approved = pipe_rate
                seg_flows.append((b - a, unlicensed + approved))
                f = ((np.exp(-rho * a) - np.exp(-rho * b)) / rho) if rho > 0 else (b - a)
                withheld = withheld + f * ch.revenue_per_unit * licensed * (1.0 - vals[ch.approval])
            path = stock_path(ch.stock, seg_flows, 1.0, rho, t0, ch.gamma)
            g = path["cost"]
            totals[ch.consumer] = totals[ch.consumer] + ch.var * g
            totals[ch.supplier] = totals[ch.supplier] - ch.strategic * g + withheld
            f_all = ((np.exp(-rho * t0) - np.exp(-rho * t1)) / rho) if rho > 0 else horizon
            totals[ch.supplier] = totals[ch.supplier] + f_all * ch.rent * (ch.x - ch.xb)
        return totals
