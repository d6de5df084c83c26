"""Checks on instruments by the role a link or chokepoint gives them.

An instrument's own bounds are generic (``|x| <= 1e6``); the role fixes its
physical range: a link's total tariff (``base_tariff`` plus its instrument and tariff
equivalents) is at most 10; below 0 it is clipped to 0 (no import subsidies); a quota or
an approval rate is a share; a licence delay is at most the longest horizon. A tariff cut
below the tariff at which trade was observed makes the constant-elasticity demand extrapolate: it may at most
multiply trade by :data:`MAX_TRADE_GROWTH`. Reasons: ``docs/limits.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sim.scenario.distributions import is_dist, show
from sim.scenario.economy import Chokepoint, TradeLink
from sim.scenario.fields import MAX_TARIFF
from sim.scenario.numbers import MAX_DAYS
from sim.scenario.schema import Scenario

Found = Iterator[tuple[tuple[Any, ...], str]]

#: Most that cutting a tariff below ``base_tariff`` may multiply trade by (chosen:
#: a hundredfold is far beyond any observed response to a tariff cut).
MAX_TRADE_GROWTH = 100.0


def _span(x: Any) -> tuple[float, float]:
    return x.likely_range() if is_dist(x) else (float(x), float(x))


def _spec(sc: Scenario, ref: str | None) -> Any:
    if ref is None:
        return None
    actor, name = ref.split(".", 1)
    return sc.actors.get(actor, None) and sc.actors[actor].instruments.get(name)


def tariff_range(sc: Scenario, link: TradeLink) -> tuple[float, float] | None:
    """Lowest and highest total tariff of ``link`` before clipping at 0 (None if an instrument is unknown)."""
    spec = _spec(sc, link.tariff)
    if link.tariff is not None and spec is None:
        return None
    lo, hi = _span(link.base_tariff)
    if spec is not None:
        lo, hi = lo + spec.min, hi + spec.max
    for te in link.tariff_equivalents:
        eq = _spec(sc, te.instrument)
        if eq is None:
            return None
        r_lo, r_hi = _span(te.rate)
        ends = [eq.min * r_lo, eq.min * r_hi, eq.max * r_lo, eq.max * r_hi]
        lo, hi = lo + min(ends), hi + max(ends)
    return lo, hi


def trade_growth(tau0: float, tau_lo: float, elasticity: float) -> float:
    """How many times trade grows when the tariff falls from ``tau0`` to ``tau_lo``: ``((1+τ0)/(1+τ))^ε``."""
    if tau_lo >= tau0:
        return 1.0
    return float(((1.0 + tau0) / (1.0 + tau_lo)) ** elasticity)


def link_instruments(sc: Scenario, base: tuple[Any, ...], link: TradeLink) -> Found:
    span = tariff_range(sc, link)
    if span is not None:
        lo, hi = span
        if hi > MAX_TARIFF:
            yield (
                base + ("tariff",),
                f"the total tariff (base_tariff plus {link.tariff or 'nothing'} and tariff equivalents) must be "
                f"at most {MAX_TARIFF:g}, found values up to {show(hi)}",
            )
        else:
            growth = trade_growth(_span(link.base_tariff)[1], max(lo, 0.0), _span(link.elasticity)[1])
            if growth > MAX_TRADE_GROWTH:
                yield (
                    base + ("base_tariff",),
                    f"cutting the tariff from base_tariff to {lo:g} would multiply trade by {growth:.3g} "
                    f"(more than {MAX_TRADE_GROWTH:g}): lower base_tariff or elasticity, or raise the tariff's min",
                )
    yield from _share(sc, base + ("quota",), link.quota, "a quota")


def _share(sc: Scenario, path: tuple[Any, ...], ref: str | None, what: str) -> Found:
    spec = _spec(sc, ref)
    if spec is not None and (spec.min < 0 or spec.max > 1):
        yield path, f"{what} is a share: {ref} must lie in [0, 1], found min {show(spec.min)}, max {show(spec.max)}"


def chokepoint_instruments(sc: Scenario, base: tuple[Any, ...], cp: Chokepoint) -> Found:
    yield from _share(sc, base + ("approval",), cp.approval, "an approval rate")
    spec = _spec(sc, cp.delay_days)
    if spec is not None and (spec.min < 0 or spec.max > MAX_DAYS):
        yield (
            base + ("delay_days",),
            f"a licence delay is in days: {cp.delay_days} must lie in [0, {MAX_DAYS:g}], "
            f"found min {show(spec.min)}, max {show(spec.max)}",
        )
