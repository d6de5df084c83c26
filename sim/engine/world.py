"""The state of one run: instruments, trade links, chokepoint stocks, and the books.

Between two events every rate is constant, so :meth:`World.advance` moves stocks
linearly and integrates the discounted loss rates exactly. The engine calls
``advance(t)`` before every change, then changes the state, then
:meth:`World.refresh` to recompute the rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sim.model.chokepoints import (
    at_least,
    chokepoint_inflows,
    diversification_rate,
    is_short,
    licensed_share,
    shortage_severity,
    shortfall_share,
    stock_step,
)
from sim.model.trade import LinkTerms, effective_tariff, link_loss_rates
from sim.model.welfare import DAYS_PER_YEAR, discount_factor, payoff, pv_factor, weighted_rate
from sim.scenario.distributions import is_dist
from sim.scenario.schema import Instrument, Scenario

COMPONENTS = ("trade", "shortage", "withheld_sales", "diversification", "strategic", "audience", "transfer")
TRADE, SHORTAGE, WITHHELD, DIVERSIFICATION, STRATEGIC, AUDIENCE, TRANSFER = range(len(COMPONENTS))


def num(x: Any, params: dict[str, float]) -> float:
    """The value of a scenario number in this run (sampled if it is a distribution)."""
    return params[x.path] if is_dist(x) else float(x)


@dataclass
class Link:
    name: str
    exporter: str
    importer: str
    terms: LinkTerms  # $bn per day
    tariff: str | None
    quota: str | None
    equivalents: list[tuple[str, float]]


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
    strategic: float
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


class World:
    """Instruments, links, chokepoints and each actor's discounted losses."""

    def __init__(self, sc: Scenario, params: dict[str, float]) -> None:
        self.sc = sc
        self.actors = list(sc.actors)
        self.specs: dict[str, Instrument] = {}
        self.values: dict[str, float] = {}
        for a, actor in sc.actors.items():
            for n, ins in actor.instruments.items():
                self.specs[f"{a}.{n}"] = ins
                self.values[f"{a}.{n}"] = ins.initial
        self.rho = num(sc.meta.discount_rate_per_year, params) / DAYS_PER_YEAR
        self.links = [
            Link(
                k,
                l.exporter,
                l.importer,
                LinkTerms(
                    num(l.value_bn_per_year, params) / DAYS_PER_YEAR,
                    num(l.base_tariff, params),
                    num(l.elasticity, params),
                    num(l.pass_through, params),
                    num(l.margin, params),
                    num(l.substitution_cost, params),
                ),
                l.tariff,
                l.quota,
                [(e.instrument, num(e.rate, params)) for e in l.tariff_equivalents],
            )
            for k, l in sc.trade_links.items()
        ]
        self.chokes: list[Choke] = []
        for k, c in sc.chokepoints.items():
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
                num(c.strategic_value_bn_per_day, params),
                num(c.supplier_rent_bn_per_year, params) / DAYS_PER_YEAR,
                num(c.alternative.ramp_per_year, params) / DAYS_PER_YEAR,
                num(c.alternative.acceleration, params),
                num(c.alternative.max_share, params),
                c.alternative.review_days,
            )
            ch.stock = ch.stock0
            self.chokes.append(ch)
        self.t = 0.0
        n = len(COMPONENTS)
        self.rates = {a: [0.0] * n for a in self.actors}
        self.losses = {a: [0.0] * n for a in self.actors}  # discounted, $bn
        self.pain = {a: 0.0 for a in self.actors}  # undiscounted weighted loss, $bn
        self.weights = {a: [getattr(act.preferences, c) for c in COMPONENTS] for a, act in sc.actors.items()}
        self.lumps = {a: 0 for a in self.actors}  # count of one-off losses (they move loss thresholds)
        self.rate_changes = {a: 0 for a in self.actors}  # count of changes of each actor's loss rate
        self._link_cache: dict[str, tuple[float, float, float, float]] = {}
        self.grid_step = sc.meta.series_every_days
        self.next_grid = math.inf  # the engine turns the grid on
        self.grid_hook: Any = lambda: None
        self.refresh()

    # ------------------------------------------------------------------ time
    def advance(self, t: float) -> None:
        """Integrate everything from the last event to ``t`` (rates are constant).

        Grid points of the series passed on the way are recorded through
        ``grid_hook`` (the state between events is known in closed form, so the
        regular grid costs no simulation events).
        """
        while self.next_grid <= t:
            self._integrate(self.next_grid)
            self.grid_hook()
            self.next_grid += self.grid_step
        self._integrate(t)

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
        """Current weighted loss rate of ``actor``, $bn per day."""
        for _acc, _pairs, total, a in self._flows:
            if a == actor:
                return total
        return 0.0

    def payoff(self, actor: str) -> float:
        """Minus the preference-weighted sum of the discounted loss components."""
        return payoff(self.weights[actor], self.losses[actor])

    # ----------------------------------------------------------------- rates
    def refresh(self) -> None:
        """Recompute flows and loss rates from the current state."""
        n = len(COMPONENTS)
        rates = {a: [0.0] * n for a in self.actors}
        v = self.values
        cache = self._link_cache
        for l in self.links:
            tau = v[l.tariff] if l.tariff else l.terms.tau0
            if l.equivalents:
                tau = effective_tariff(tau, [(v[ref], rate) for ref, rate in l.equivalents])
            q = v[l.quota] if l.quota else 1.0
            hit = cache.get(l.name)
            if hit is None or hit[0] != tau or hit[1] != q:  # trade losses change only with tariffs
                hit = cache[l.name] = (tau, q, *link_loss_rates(l.terms, tau, q))
            rates[l.importer][TRADE] += hit[2]
            rates[l.exporter][TRADE] += hit[3]
        for c in self.chokes:
            tier = v[c.control]
            c.inflow, c.licensed = chokepoint_inflows(
                c.s, licensed_share(c.shares, tier), c.content, at_least(tier, c.et_tier), c.x
            )
            g = shortage_severity(c.stock, c.inflow, c.gamma)
            if g > 0.0:  # short
                rates[c.consumer][SHORTAGE] += c.var * g
                rates[c.supplier][STRATEGIC] -= c.strategic * g
            rates[c.supplier][DIVERSIFICATION] += diversification_rate(c.rent, c.x, c.xb)
        self.rates = rates
        losses = self.losses
        weights = self.weights
        old = {a: total for _acc, _pairs, total, a in getattr(self, "_flows", ())}
        self._flows = [
            (losses[a], [(i, ri) for i, ri in enumerate(r) if ri], weighted_rate(weights[a], r), a)
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
        """``ref`` moved one step in the hostile (+1) or friendly (−1) direction, within its bounds."""
        spec = self.specs[ref]
        sign = 1.0 if spec.hostile == "up" else -1.0
        return min(max(self.values[ref] + direction * sign * spec.step, spec.min), spec.max)

    def hostility(self, ref: str, old: float, new: float) -> float:
        """Signed size of a move in steps: > 0 hurts the other side."""
        spec = self.specs[ref]
        sign = 1.0 if spec.hostile == "up" else -1.0
        return sign * (new - old) / spec.step

    def hostility_index(self) -> float:
        """Sum over instruments of the hostile distance from the initial values."""
        return sum(self.hostility(r, self.specs[r].initial, v) for r, v in self.values.items())
