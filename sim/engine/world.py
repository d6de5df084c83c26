"""The state of one run: instruments, trade links, chokepoint stocks, and the books.

Between two events every rate is constant, so :meth:`World.advance` moves stocks
linearly and integrates the discounted loss rates exactly. The engine calls
``advance(t)`` before every change, then changes the state, then
:meth:`World.refresh` to recompute the rates.
"""

from __future__ import annotations

import math
from typing import Any

from sim.engine.links import (
    COMPONENTS,
    DIVERSIFICATION,
    SECURITY,
    SHORTAGE,
    Choke,
    Link,
    SecurityMotive,
    choke_motive_rates,
    decaying_coefficient,
    link_rates,
    link_state,
    motive_weight_specs,
    reference_values,
)
from sim.engine.no_dispute import no_dispute_path
from sim.model.chokepoints import (
    at_least,
    chokepoint_inflows,
    diversification_rate,
    licensed_share,
    shortage_severity,
    stock_step,
)
from sim.model.trade import LinkTerms, adjustment_path
from sim.model.welfare import DAYS_PER_YEAR, discount_factor, payoff, pv_factor, weighted_rate
from sim.scenario.distributions import is_dist
from sim.scenario.schema import Instrument, Scenario

__all__ = ["COMPONENTS", "Choke", "Link", "World", "motive_weight_specs", "num"]


def num(x: Any, params: dict[str, float]) -> float:
    """The value of a scenario number in this run (sampled if it is a distribution)."""
    return params[x.path] if is_dist(x) else float(x)


class World:
    """Instruments, links, chokepoints and each actor's discounted losses.

    ``weights`` gives the value of every calibrated motive weight (keys of
    :func:`motive_weight_specs` whose spec is ``calibrate``); missing ones count 0.
    """

    def __init__(self, sc: Scenario, params: dict[str, float], weights: dict[str, float] | None = None) -> None:
        self.sc = sc
        self.actors = list(sc.actors)
        self.specs: dict[str, Instrument] = {}
        self.values: dict[str, float] = {}
        for a, actor in sc.actors.items():
            for n, ins in actor.instruments.items():
                self.specs[f"{a}.{n}"] = ins
                self.values[f"{a}.{n}"] = ins.initial
        self.reference = reference_values(sc)
        self.motive_weights = {
            k: (weights or {}).get(k, 0.0) if isinstance(x, str) else num(x, params)
            for k, x in motive_weight_specs(sc).items()
        }
        self.rho = num(sc.meta.discount_rate_per_year, params) / DAYS_PER_YEAR
        self.links = [self._link(k, l, params) for k, l in sc.trade_links.items()]
        self._adjustment_at_start = [num(l.adjustment_at_start, params) for l in sc.trade_links.values()]
        self.chokes: list[Choke] = [self._choke(k, c, params) for k, c in sc.chokepoints.items()]
        self.t = 0.0
        n = len(COMPONENTS)
        self.rates = {a: [0.0] * n for a in self.actors}
        self.losses = {a: [0.0] * n for a in self.actors}  # discounted, $bn
        self.pain = {a: 0.0 for a in self.actors}  # undiscounted weighted loss, $bn
        self.weights = {a: [1.0] * n for a in self.actors}  # motive weights live inside the rates
        self.lumps = {a: 0 for a in self.actors}  # count of one-off losses (they move loss thresholds)
        self.rate_changes = {a: 0 for a in self.actors}  # count of changes of each actor's loss rate
        self._link_cache: dict[str, tuple[float, float, Any, Any, float]] = {}
        self._decaying: list[tuple[Link, list[tuple[int, float]], float]] = []
        self.grid_step = sc.meta.series_every_days
        self.next_grid = math.inf  # the engine turns the grid on
        self.grid_hook: Any = lambda: None
        self.refresh()
        for l, at_start in zip(self.links, self._adjustment_at_start):
            # the short-run loss of the sales already lost between the reference and the start
            l.a = at_start * l.terms.v0 * (l.ref[4] - self.link_share(l))
        self.reference_path = no_dispute_path(self)

    def at_reference(self) -> None:
        """Put the instruments at the reference state on day 0, nothing short-run outstanding (calibration)."""
        self.values.update(self.reference)
        self._link_cache.clear()
        for l in self.links:
            l.a = 0.0
        self.refresh()

    def set_motive_weights(self, weights: dict[str, float]) -> None:
        """Change motive weights (calibration) and recompute every rate from the current state."""
        self.motive_weights.update(weights)
        for l in self.links:
            l.forget()
        self._link_cache.clear()
        self.refresh()
        self.reference_path = no_dispute_path(self)

    # ------------------------------------------------------------ building
    def _link(self, k: str, l: Any, params: dict[str, float]) -> Link:
        a = l.importer
        motives = self.sc.actors[a].motives
        link = Link(
            k,
            l.exporter,
            l.importer,
            LinkTerms(
                num(l.value_bn_per_year, params) / DAYS_PER_YEAR,
                num(l.base_tariff, params),
                num(l.elasticity, params),
                num(l.supply_omega, params),
                num(l.margin, params),
                num(l.margin_half_life_days, params),
                num(l.purchase_premium, params),
            ),
            l.tariff,
            l.quota,
            [(e.instrument, num(e.rate, params)) for e in l.tariff_equivalents],
            [
                (f"{a}.protection.{k}", 0.0, num(p.domestic_ratio, params), num(p.supply_elasticity, params))
                for p in motives.protection
                if p.link == k
            ],
            f"{a}.revenue" if l.tariff else None,
            f"{l.exporter}.farm.{k}" if any(f.link == k for f in self.sc.actors[l.exporter].motives.farm) else None,
        )
        tau, floor = self.link_state(link, self.reference)
        link.set_reference(tau, floor)
        return link

    def _choke(self, k: str, c: Any, params: dict[str, float]) -> Choke:
        s = num(c.supplier_share, params)
        revenue = num(c.supplier_revenue_bn_per_year, params) / DAYS_PER_YEAR
        ch = Choke(
            k,
            c.supplier,
            c.consumer,
            s,
            num(c.initial_stock_days, params),
            c.control,
            tuple(c.licensed_share_by_tier),
            c.approval,
            c.delay_days,
            num(c.delay_shape, params),
            c.cohort_days,
            num(c.third_country_content, params),
            math.inf if c.extraterritorial_from_tier is None else float(c.extraterritorial_from_tier),
            num(c.value_at_risk_bn_per_day, params),
            num(c.gamma, params),
            revenue / s if s > 0 else 0.0,
            [
                SecurityMotive(f"{c.supplier}.security.{k}", num(m.exponent, params))
                for m in self.sc.actors[c.supplier].motives.security
                if m.chokepoint == k
            ],
            num(c.supplier_rent_bn_per_year, params) / DAYS_PER_YEAR,
            num(c.alternative.ramp_per_year, params) / DAYS_PER_YEAR,
            num(c.alternative.acceleration, params),
            num(c.alternative.max_share, params),
            c.alternative.review_days,
        )
        ch.stock = ch.stock0
        return ch

    @staticmethod
    def link_state(l: Link, values: dict[str, float]) -> tuple[float, float]:
        """``(total tariff, purchase floor)`` of a link for instrument ``values`` (:func:`links.link_state`)."""
        return link_state(l, values.__getitem__)

    def link_share(self, l: Link) -> float:
        """The quantity share ``Q/Q0`` a link trades at now."""
        hit = self._link_cache.get(l.name)
        if hit is not None:
            return float(hit[4])
        tau, floor = self.link_state(l, self.values)
        return float(link_rates(l, self.motive_weights, tau, floor)[2][0])

    def reference_pain(self, actor: str, t: float) -> float:
        """Undiscounted loss of the no-dispute path from day 0 to ``t``."""
        return sum(r * (t - start) for start, r in self.reference_path[actor] if start < t)

    def reference_rate(self, actor: str, t: float) -> float:
        """Weighted loss rate of the no-dispute path at day ``t``."""
        return sum(r for start, r in self.reference_path[actor] if start <= t)

    # ------------------------------------------------------------------ time
    def advance(self, t: float) -> None:
        """Integrate everything from the last event to ``t``.

        Grid points of the series passed on the way are recorded through
        ``grid_hook`` (the state between events is known in closed form, so the
        regular grid costs no simulation events).
        """
        while self.next_grid <= t:
            if self.next_grid > self.t:
                # a look at the grid point that leaves the state as it was: the integration from the
                # last event to ``t`` is then the same with or without series (bit for bit)
                saved = self._state()
                self._integrate(self.next_grid)
                self.grid_hook()
                self._restore(saved)
            else:
                self.grid_hook()
            self.next_grid += self.grid_step
        self._integrate(t)

    def _state(self) -> tuple[Any, ...]:
        """What :meth:`_integrate` changes, to restore after a look ahead."""
        return (
            self.t,
            {a: list(acc) for a, acc in self.losses.items()},
            dict(self.pain),
            [l.a for l, _c, _t in self._decaying],
            [(c.stock, c.shortage_days, c.shortage_since_review, c.unmet_demand_days) for c in self.chokes],
        )

    def _restore(self, saved: tuple[Any, ...]) -> None:
        t, losses, pain, decaying, chokes = saved
        self.t = t
        for a, acc in losses.items():
            self.losses[a][:] = acc
        self.pain.update(pain)
        for (l, _c, _t), a in zip(self._decaying, decaying, strict=True):
            l.a = a
        for c, (stock, days, since, unmet) in zip(self.chokes, chokes, strict=True):
            c.stock, c.shortage_days, c.shortage_since_review, c.unmet_demand_days = stock, days, since, unmet

    def _integrate(self, t: float) -> None:
        dt = t - self.t
        if dt <= 0.0:
            return
        f = pv_factor(self.t, t, self.rho)
        pain = self.pain
        for acc, pairs, total, a in self._flows:
            for i, ri in pairs:
                acc[i] += ri * f
            pain[a] += total * dt
        for l, coefs, total in self._decaying:
            if l.a != 0.0:
                disc, plain, l.a = adjustment_path(l.a, l.terms.decay, self.t, t, self.rho)
                acc = self.losses[l.exporter]
                for i, ci in coefs:
                    acc[i] += ci * disc
                pain[l.exporter] += total * plain
        for c in self.chokes:
            c.stock, short, gap = stock_step(c.stock, c.inflow, dt)
            if short:
                c.shortage_days += short
                c.shortage_since_review += short
                c.unmet_demand_days += gap
        self.t = t

    def lump(self, actor: str, component: int, amount_bn: float, t: float | None = None) -> None:
        """A one-off loss at time ``t`` (default: now), discounted to day 0."""
        when = self.t if t is None else t
        self.losses[actor][component] += amount_bn * discount_factor(when, self.rho)
        self.pain[actor] += self.weights[actor][component] * amount_bn
        self.lumps[actor] += 1

    def loss_rate(self, actor: str) -> float:
        """Current weighted loss rate of ``actor``, $bn per day (short-run terms at their current level)."""
        out = 0.0
        for _acc, _pairs, total, a in self._flows:
            if a == actor:
                out = total
        for l, _coefs, total in self._decaying:
            if l.exporter == actor:
                out += total * l.a
        return out

    def pain_at(self, actor: str, t: float) -> float:
        """Weighted undiscounted loss from day 0 to ``t`` >= the world's time, without integrating."""
        dt = t - self.t
        out = self.pain[actor]
        if dt <= 0.0:
            return out
        for _acc, _pairs, total, a in self._flows:
            if a == actor:
                out += total * dt
        for l, _coefs, total in self._decaying:
            if l.exporter == actor and l.a != 0.0:
                out += total * adjustment_path(l.a, l.terms.decay, 0.0, dt, 0.0)[1]
        return out

    def payoff(self, actor: str) -> float:
        """Minus the preference-weighted sum of the discounted loss components."""
        return payoff(self.weights[actor], self.losses[actor])

    # ----------------------------------------------------------------- rates
    def _flows_at(self, c: Choke, values: dict[str, float], x: float) -> tuple[float, float]:
        tier = values[c.control]
        return chokepoint_inflows(c.s, licensed_share(c.shares, tier), c.content, at_least(tier, c.et_tier), x)

    def refresh(self) -> None:
        """Recompute flows and loss rates from the current state."""
        n = len(COMPONENTS)
        rates = {a: [0.0] * n for a in self.actors}
        v = self.values
        cache = self._link_cache
        weights = self.motive_weights
        decaying = []
        for l in self.links:
            tau, floor = self.link_state(l, v)
            hit = cache.get(l.name)
            if hit is None or hit[0] != tau or hit[1] != floor:  # trade losses change only with tariffs
                imp, exp, (share,) = link_rates(l, weights, tau, floor)
                if hit is not None and share != hit[4]:
                    l.a += l.terms.v0 * (hit[4] - share)  # sales lost (or regained) at this change
                hit = cache[l.name] = (tau, floor, imp, exp, share)
            for i, r in hit[2]:
                rates[l.importer][i] += r
            for i, r in hit[3]:
                rates[l.exporter][i] += r
            coefs = decaying_coefficient(l, weights)
            decaying.append((l, coefs, sum(c for _i, c in coefs)))
        self._decaying = decaying
        for c in self.chokes:
            c.inflow, c.licensed = self._flows_at(c, v, c.x)
            g = shortage_severity(c.stock, c.inflow, c.gamma)
            if g > 0.0:  # short
                rates[c.consumer][SHORTAGE] += c.var * g
            sup = rates[c.supplier]
            if c.security:
                sup[SECURITY] += choke_motive_rates(c.security, weights, c.var, c.licensed, v[c.approval])
            sup[DIVERSIFICATION] += diversification_rate(c.rent, c.x, c.xb)
        self.rates = rates
        losses = self.losses
        wts = self.weights
        old = {a: total for _acc, _pairs, total, a in getattr(self, "_flows", ())}
        self._flows = [
            (losses[a], [(i, ri) for i, ri in enumerate(r) if ri], weighted_rate(wts[a], r), a)
            for a, r in rates.items()
        ]
        for _acc, _pairs, total, a in self._flows:
            if old.get(a) != total:
                self.rate_changes[a] += 1

    # --------------------------------------------------------------- changes
    def set(self, ref: str, value: float) -> float:
        """Set an instrument (clipped to its bounds); return the value set."""
        spec = self.specs[ref]
        value = min(max(value, spec.min), spec.max)
        self.values[ref] = value
        return value

    def stepped(self, ref: str, direction: int) -> float:
        """``ref`` moved one step in the hostile (+1) or friendly (−1) direction, within its bounds.

        A step that would cross the instrument's reference level stops on it.
        """
        spec = self.specs[ref]
        sign = 1.0 if spec.hostile == "up" else -1.0
        # rounded: repeated steps of 0.1 must land on 0.2, not 0.19999999999999998
        now = self.values[ref]
        new = min(max(round(now + direction * sign * spec.step, 12), spec.min), spec.max)
        calm = self.reference[ref]
        if (now - calm) * (new - calm) < 0.0:
            return calm  # a step that crosses the reference level stops on it (the calm level is always reachable)
        return new

    def hostility(self, ref: str, old: float, new: float) -> float:
        """Signed size of a move in steps: > 0 hurts the other side."""
        spec = self.specs[ref]
        sign = 1.0 if spec.hostile == "up" else -1.0
        return sign * (new - old) / spec.step
