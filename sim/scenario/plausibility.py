"""The plausibility bound: the largest payoff a run of a scenario can have.

Derived term by term from the model's loss functions (``sim/model/``, the engine's
accounting in ``sim/engine/world.py``); every loss is undiscounted here (a
discount rate >= 0 only shrinks it) and every rate taken at its worst over the
horizon ``H`` days. For an actor with preference weights ``w``::

    trade       Σ_links  Vmax/365 · (1.5·Δτ + margin + substitution_cost) · H
                (Vmax: trade at the lowest effective tariff; Δτ: the widest tariff change)
    shortage    Σ_consumed   VaR/day · H                      (σ^γ <= 1)
    strategic   Σ_supplied   strategic/day · H
    withheld    Σ_supplied   revenue/365/s · (s + (1−s)·c) · (H + cohort_days)
    diversif.   Σ_supplied   rent/365 · H                     (|x − x_baseline| <= 1)
    audience    calendar threats' audience and concession costs, policy threats
                issued × their largest cost, deals × the defection cost
    transfer    deals × the largest side payment on the table

and the bound of the run is the largest over the actors of ``Σ w_i · term_i``.
Beyond it a run has broken the model's own accounting; the physical bounds of
every field (``docs/limits.md``) keep the bound itself finite and of the size of
the economies at stake.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.scenario.distributions import is_dist
from sim.scenario.roles import trade_growth
from sim.scenario.schema import Scenario, ThreatMove

DAYS_PER_YEAR = 365.0
COMPONENTS = ("trade", "shortage", "withheld_sales", "diversification", "strategic", "audience", "transfer")


def _v(x: Any, params: Mapping[str, float]) -> float:
    return float(params[x.path]) if is_dist(x) else float(x)


def _tariff_span(sc: Scenario, link: Any, params: Mapping[str, float]) -> tuple[float, float]:
    tau0 = _v(link.base_tariff, params)
    lo, hi = (sc.instrument(link.tariff).min, sc.instrument(link.tariff).max) if link.tariff else (tau0, tau0)
    for te in link.tariff_equivalents:
        spec, rate = sc.instrument(te.instrument), _v(te.rate, params)
        lo, hi = lo + min(spec.min * rate, spec.max * rate), hi + max(spec.min * rate, spec.max * rate)
    return lo, hi


def _template_costs(sc: Scenario, actor: str) -> tuple[float, float]:
    """Largest audience and concession cost of the threats ``actor``'s policy may issue."""
    templates = sc.actors[actor].policy.params.get("threats", []) or []
    audience = [float(t.get("audience_cost_bn", 0.0)) for t in templates if isinstance(t, Mapping)]
    concession = [float(t.get("concession_cost_bn", 0.0)) for t in templates if isinstance(t, Mapping)]
    return max(audience, default=0.0), max(concession, default=0.0)


def term_bounds(
    sc: Scenario, params: Mapping[str, float], threats_issued: Mapping[str, int], deals: int
) -> dict[str, dict[str, float]]:
    """Per actor, the largest magnitude each loss component can reach in this run ($bn)."""
    h = float(sc.meta.horizon_days)
    out = {a: dict.fromkeys(COMPONENTS, 0.0) for a in sc.actors}
    for link in sc.trade_links.values():
        tau0 = _v(link.base_tariff, params)
        lo, hi = _tariff_span(sc, link, params)
        vmax = _v(link.value_bn_per_year, params) * trade_growth(tau0, lo, _v(link.elasticity, params))
        dtau = max(abs(hi - tau0), abs(tau0 - lo))
        per_day = vmax / DAYS_PER_YEAR * (1.5 * dtau + _v(link.margin, params) + _v(link.substitution_cost, params))
        for a in {link.importer, link.exporter}:
            out[a]["trade"] += per_day * h
    for cp in sc.chokepoints.values():
        s, c = _v(cp.supplier_share, params), _v(cp.third_country_content, params)
        out[cp.consumer]["shortage"] += _v(cp.value_at_risk_bn_per_day, params) * h
        sup = out[cp.supplier]
        sup["strategic"] += _v(cp.strategic_value_bn_per_day, params) * h
        if s > 0:
            revenue = _v(cp.supplier_revenue_bn_per_year, params) / DAYS_PER_YEAR / s
            sup["withheld_sales"] += revenue * (s + (1 - s) * c) * (h + cp.cohort_days)
        sup["diversification"] += _v(cp.supplier_rent_bn_per_year, params) / DAYS_PER_YEAR * h
    for m in sc.calendar:
        if isinstance(m, ThreatMove):
            out[m.actor]["audience"] += _v(m.audience_cost_bn, params)
            out[m.target]["audience"] += _v(m.concession_cost_bn, params)
    for a in sc.actors:
        audience, concession = _template_costs(sc, a)
        n = threats_issued.get(a, 0)
        out[a]["audience"] += n * audience
        for b in sc.actors:
            if b != a:
                out[b]["audience"] += n * concession
    ds = sc.deal_space
    if ds is not None:
        for a in sc.actors:
            out[a]["audience"] += deals * _v(ds.defection_cost_bn, params)
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
) -> float:
    """The plausibility bound of a run ($bn): no actor's |payoff| may exceed it.

    ``params`` are the run's sampled parameters (dotted path -> value);
    ``threats_issued`` (per actor) and ``deals`` (deals made or renewed) count the
    run's one-off events that policies, not the scenario, decide.
    """
    terms = term_bounds(sc, params, threats_issued or {}, deals)
    best = 0.0
    for a, actor in sc.actors.items():
        w = actor.preferences
        best = max(best, sum(getattr(w, comp) * terms[a][comp] for comp in COMPONENTS))
    return best


def plausible(payoffs: Mapping[str, float], bound: float) -> bool:
    """Every payoff finite and within the bound (with a relative slack of 1e-9 for rounding)."""
    limit = bound * (1 + 1e-9) + 1e-9
    return all(abs(p) <= limit for p in payoffs.values())  # NaN fails the comparison
