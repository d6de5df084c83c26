"""The plausibility bound: the largest payoff a run of a scenario can have.

Derived term by term from the model's loss functions (``sim/model/``, the engine's
accounting in ``sim/engine/links.py`` and ``world.py``); every loss is undiscounted here
(a discount rate >= 0 only shrinks it) and every rate taken at its worst over the
horizon ``H`` days. Per link, ``Vmax`` is the base value per day times the largest trade
growth (at the lowest total tariff) and ``S`` the span of total tariffs ``hi − lo``::

    consumer        Vmax·(1+hi)·S·H          (|dCS/dτ| = p_w·M <= Vmax per unit of τ)
    revenue         2·hi·Vmax·H               (revenue at world prices <= hi·Vmax)
    revenue_motive  |ρ_R − 1| × the revenue term
    producer        Vmax·H                    (|ΔPS_X| <= V0·ω/(1+ω)·max(share^(1+ω), 1))
    adjustment      margin·2·Vmax·H           (|A| <= twice the largest quantity lost)
    commitment      premium·Vmax·H
    protection      θ·z0·(1+τ0)·V0·(T^(1+κ) + 1)/(1+κ)·H,  T = (1+hi)/(1+τ0)
    farm            w_F × (producer + adjustment) of the link
    security        Σ_supplied  w_S·VaR/day·H                (denied share <= 1)
    shortage        Σ_consumed   VaR/day · H                  (σ^γ <= 1)
    withheld        Σ_supplied   revenue/365/s · (s + (1−s)·c) · (H + cohort_days)
    diversif.       Σ_supplied   rent/365 · H                 (|x − x_baseline| <= 1)
    audience        calendar threats' audience and concession costs, policy threats
                    issued × their largest cost, deals × the defection cost
    transfer        deals × the largest side payment on the table

and the bound of the run is the largest over the actors of the sum of its terms (every
component counts at face value; motive weights are inside the terms). Beyond it a run
has broken the model's own accounting; the physical bounds of every field
(``docs/limits.md``) keep the bound itself finite and of the size of the economies at stake.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.scenario.distributions import is_dist
from sim.scenario.roles import trade_growth
from sim.scenario.schema import Scenario, ThreatMove

DAYS_PER_YEAR = 365.0
COMPONENTS = (
    "consumer",
    "revenue",
    "producer",
    "adjustment",
    "commitment",
    "protection",
    "revenue_motive",
    "farm",
    "security",
    "shortage",
    "withheld_sales",
    "diversification",
    "audience",
    "transfer",
)


def _v(x: Any, params: Mapping[str, float]) -> float:
    return float(params[x.path]) if is_dist(x) else float(x)


def _tariff_span(sc: Scenario, link: Any, params: Mapping[str, float]) -> tuple[float, float]:
    tau0 = _v(link.base_tariff, params)
    lo = hi = tau0  # the total tariff: base plus the instrument's range and the equivalents'
    if link.tariff:
        lo, hi = tau0 + sc.instrument(link.tariff).min, tau0 + sc.instrument(link.tariff).max
    for te in link.tariff_equivalents:
        spec, rate = sc.instrument(te.instrument), _v(te.rate, params)
        lo, hi = lo + min(spec.min * rate, spec.max * rate), hi + max(spec.min * rate, spec.max * rate)
    return lo, hi


def _audience_type(sc: Scenario, actor: str, params: Mapping[str, float]) -> float:
    """The actor's audience-cost type ``a`` in this run (0 without one)."""
    aud = sc.actors[actor].audience
    return 0.0 if aud is None else _v(aud.cost_bn, params)


def _template_costs(sc: Scenario, actor: str) -> tuple[float, float]:
    """Largest audience and concession cost of the threats ``actor``'s policy may issue."""
    templates = sc.actors[actor].policy.params.get("threats", []) or []
    audience = [float(t.get("audience_cost_bn") or 0.0) for t in templates if isinstance(t, Mapping)]
    concession = [float(t.get("concession_cost_bn", 0.0)) for t in templates if isinstance(t, Mapping)]
    return max(audience, default=0.0), max(concession, default=0.0)


def _weight(spec: Any, key: str, params: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """A motive weight: calibrated (from ``weights``), sampled or a number."""
    return float(weights.get(key, 0.0)) if isinstance(spec, str) else _v(spec, params)


def term_bounds(
    sc: Scenario,
    params: Mapping[str, float],
    threats_issued: Mapping[str, int],
    deals: int,
    weights: Mapping[str, float] | None = None,
) -> dict[str, dict[str, float]]:
    """Per actor, the largest magnitude each loss component can reach in this run ($bn).

    ``weights`` are the run's calibrated motive weights (keys ``ACTOR.kind[.target]``).
    """
    weights = weights or {}
    h = float(sc.meta.horizon_days)
    out = {a: dict.fromkeys(COMPONENTS, 0.0) for a in sc.actors}
    for k, link in sc.trade_links.items():
        tau0 = _v(link.base_tariff, params)
        lo, hi = _tariff_span(sc, link, params)
        lo, hi = max(lo, 0.0), max(hi, 0.0)
        v0 = _v(link.value_bn_per_year, params) / DAYS_PER_YEAR
        # growth of the traded value and of every surplus term is at most T^max(ε, 1): with φ = 1/(1+εω),
        # the quantity grows as T^(εφ), revenue as T^(1−φ+εφ) and producer surplus as T^(εφ(1+ω))
        vmax = v0 * trade_growth(tau0, lo, max(_v(link.elasticity, params), 1.0))
        imp, exp = out[link.importer], out[link.exporter]
        imp["consumer"] += vmax * (1 + hi) * (hi - lo) * h
        revenue = 2 * hi * vmax * h
        imp["revenue"] += revenue
        m = sc.actors[link.importer].motives
        if link.tariff:
            imp["revenue_motive"] += abs(_weight(m.revenue, f"{link.importer}.revenue", params, weights) - 1) * revenue
        imp["commitment"] += _v(link.purchase_premium, params) * vmax * h
        for p in m.protection:
            if p.link == k:
                theta = _weight(p.weight, f"{link.importer}.protection.{k}", params, weights)
                kappa = _v(p.supply_elasticity, params)
                t = (1 + hi) / (1 + tau0)
                psd = _v(p.domestic_ratio, params) * (1 + tau0) * v0 * (t ** (1 + kappa) + 1) / (1 + kappa)
                imp["protection"] += theta * psd * h
        producer = vmax * h
        adjustment = _v(link.margin, params) * 2 * vmax * h
        exp["producer"] += producer
        exp["adjustment"] += adjustment
        for f in sc.actors[link.exporter].motives.farm:
            if f.link == k:
                w = _weight(f.weight, f"{link.exporter}.farm.{k}", params, weights)
                exp["farm"] += w * (producer + adjustment)
    for name, cp in sc.chokepoints.items():
        s, c = _v(cp.supplier_share, params), _v(cp.third_country_content, params)
        out[cp.consumer]["shortage"] += _v(cp.value_at_risk_bn_per_day, params) * h
        sup = out[cp.supplier]
        for x in sc.actors[cp.supplier].motives.security:
            if x.chokepoint == name:
                w = _weight(x.weight, f"{cp.supplier}.security.{name}", params, weights)
                sup["security"] += w * _v(cp.value_at_risk_bn_per_day, params) * h
        if s > 0:
            revenue = _v(cp.supplier_revenue_bn_per_year, params) / DAYS_PER_YEAR / s
            sup["withheld_sales"] += revenue * (s + (1 - s) * c) * (h + cp.cohort_days)
        sup["diversification"] += _v(cp.supplier_rent_bn_per_year, params) / DAYS_PER_YEAR * h
    for move in sc.calendar:
        if isinstance(move, ThreatMove):
            own = move.audience_cost_bn
            out[move.actor]["audience"] += _audience_type(sc, move.actor, params) if own is None else _v(own, params)
            out[move.target]["audience"] += _v(move.concession_cost_bn, params)
    for a in sc.actors:
        audience, concession = _template_costs(sc, a)
        n = threats_issued.get(a, 0)
        out[a]["audience"] += n * max(audience, _audience_type(sc, a, params))
        for b in sc.actors:
            if b != a:
                out[b]["audience"] += n * concession
    ds = sc.deal_space
    if ds is not None:
        for a in sc.actors:
            out[a]["audience"] += deals * _v(ds.defection_cost_bn, params)
            aud = sc.actors[a].audience
            if aud is not None:  # signing costs
                out[a]["audience"] += deals * aud.signing_multiple * _v(aud.cost_bn, params)
        for tr in ds.transfers:
            largest = max(abs(v) for v in tr.values_bn)
            out[tr.payer]["transfer"] += deals * largest
            out[tr.payee]["transfer"] += deals * largest
    return out


def payoff_bound(
    sc: Scenario,
    params: Mapping[str, float],
    threats_issued: Mapping[str, int] | None = None,
    deals: int = 0,
    weights: Mapping[str, float] | None = None,
) -> float:
    """The plausibility bound of a run ($bn): no actor's |payoff| may exceed it.

    ``params`` are the run's sampled parameters (dotted path -> value);
    ``threats_issued`` (per actor) and ``deals`` (deals made or renewed) count the
    run's one-off events that policies, not the scenario, decide; ``weights`` are its
    calibrated motive weights.
    """
    terms = term_bounds(sc, params, threats_issued or {}, deals, weights)
    return max((sum(t.values()) for t in terms.values()), default=0.0)


def plausible(payoffs: Mapping[str, float], bound: float) -> bool:
    """Every payoff finite and within the bound (with a relative slack of 1e-9 for rounding)."""
    limit = bound * (1 + 1e-9) + 1e-9
    return all(abs(p) <= limit for p in payoffs.values())  # NaN fails the comparison
