"""Talks: the deal's separable parts, the disagreement point, and the protocol's agreement (MODEL §4–§6).

**Parts.** The deal space's items are grouped into parts: items that move the same link
or chokepoint of the projection form one part (e.g. China's tariff and its soybean
purchases, both on the soybean link), and each transfer is a part of its own. Payoffs
are separable across parts, so each part's options (every combination of its items'
values) are valued on their own; one vectorised projection values them all. The
protocol works on the convexified frontier of the parts
(:mod:`sim.bargaining.frontier`): a part may hold one option for a share of the deal's
duration and another for the rest — a tier suspended for part of the deal.

**Values.** ``u_i`` and ``d_i`` are each side's discounted value from the talk date
over the deal's duration (at the world's discount rate, the rate the projection uses).
The deal holds its terms; instruments outside the deal follow the known calendar.

**Disagreement point.** ``d_i``: the dispute path with no future agreement — pending
threats carried out at their deadlines (``threats_in_disagreement``), stocks running
down with licensing, the calendar's moves — in which an escalated instrument (more
hostile than the calibration reference) persists iff persisting beats reverting to the
reference for its owner, counting its cost of backing down (its audience type, MODEL §5;
Fearon 1994). Later talks are not added to ``d``.

**Signing.** Each side bears its signing cost (``audience.signing_multiple`` times its
type) on agreement; ``nash`` and ``alternating_offers`` treat the costs as known,
``screening`` screens the responder's under the public belief (:mod:`~sim.engine.reputation`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from sim.bargaining import REGISTRY, Settings
from sim.bargaining.base import Problem, Result
from sim.bargaining.frontier import Part, Point
from sim.bargaining.nash import nash_weight
from sim.bargaining.screening import Belief
from sim.engine.disagreement import belief_over, disagreement
from sim.engine.links import TRANSFER
from sim.engine.projection import Change, Projector
from sim.engine.world import World
from sim.model.welfare import DAYS_PER_YEAR
from sim.scenario.schema import Scenario


class DealTaker(Protocol):
    """A policy as talks see it: it accepts a deal or not."""

    def accept_deal(self, view: Any, gain_bn: float) -> bool: ...


class Party(Protocol):
    """An actor at the table: its policy and the view that policy decides on."""

    @property
    def policy(self) -> DealTaker: ...

    @property
    def view(self) -> Any: ...


class Table(Protocol):
    """What talks need from the engine (and nothing more)."""

    @property
    def sc(self) -> Scenario: ...

    @property
    def projector(self) -> Projector: ...

    @property
    def world(self) -> World: ...

    @property
    def actors(self) -> Mapping[str, Party]: ...

    @property
    def reputation(self) -> Any: ...

    @property
    def stocks(self) -> Any: ...

    def scheduled(self, include_threats: bool) -> list[Change]: ...

    def param(self, x: Any) -> float: ...


def transfer_key(payer: str, payee: str) -> str:
    return f"transfer.{payer}.{payee}"


def is_transfer(key: str) -> bool:
    return key.startswith("transfer.")


@dataclass(frozen=True)
class Component:
    """One part of the deal: its items (instrument refs, or one transfer key) and their options."""

    name: str
    refs: tuple[str, ...]
    options: np.ndarray  # (number of options, number of refs)


@dataclass(frozen=True)
class Agreement:
    """An agreed deal: what is held first, what follows it inside the deal, and for which share."""

    first: dict[str, float]  # instrument ref (or transfer key: the amount) -> value from signing
    then: dict[str, float] = field(default_factory=dict)  # ref -> value after its share of the duration
    shares: dict[str, float] = field(default_factory=dict)  # ref -> share of the duration ``first`` holds
    gains: dict[str, float] = field(default_factory=dict)  # each side's gain over no deal, net of signing
    costs: dict[str, float] = field(default_factory=dict)  # each side's signing cost
    duration: float = 0.0


@dataclass(frozen=True)
class Talks:
    """What talks produced: an agreement, or none (and, for a rejected offer, who rejected what)."""

    agreement: Agreement | None
    rejected_by: str | None = None  # the responder who rejected an offer (screening)
    offer: float = float("nan")
    refused: str | None = None  # a side whose policy refused the agreement found


#: A part held for less than this share of the duration (or all but it) counts as one option.
SHARE_TOL = 1e-9

_COMPONENTS: dict[tuple, list[Component]] = {}  # by deal space and parties (read-only)


def components(engine: Table, parties: Sequence[str]) -> list[Component]:
    """The deal's parts: items joined when they move a common link or chokepoint; transfers alone."""
    ds = engine.sc.deal_space
    assert ds is not None
    items = [(f"{i.actor}.{i.instrument}", tuple(float(v) for v in i.values)) for i in ds.items if i.actor in parties]
    transfers = [
        (transfer_key(t.payer, t.payee), tuple(float(v) for v in t.values_bn))
        for t in ds.transfers
        if t.payer in parties and t.payee in parties
    ]
    key = (id(engine.sc), tuple(items), tuple(transfers))
    hit = _COMPONENTS.get(key)
    if hit is not None:
        return hit
    deps = engine.projector.deps()
    group = list(range(len(items)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i, (ri, _) in enumerate(items):
        for j in range(i):
            if set(deps.get(ri, ())) & set(deps.get(items[j][0], ())):
                group[root(i)] = root(j)
    out: list[Component] = []
    for g in sorted({root(i) for i in range(len(items))}):
        members = [items[i] for i in range(len(items)) if root(i) == g]
        grids = np.meshgrid(*[np.asarray(v) for _, v in members], indexing="ij")
        options = np.stack([x.reshape(-1) for x in grids], axis=1)
        out.append(Component("+".join(r for r, _ in members), tuple(r for r, _ in members), options))
    for ref, values in transfers:
        out.append(Component(ref, (ref,), np.asarray(values, dtype=float).reshape(-1, 1)))
    if len(_COMPONENTS) < 256:
        _COMPONENTS[key] = out
    return out


def bargaining_settings(engine: Table, parties: tuple[str, str], spec: Any, transferable: bool = False) -> Settings:
    """The protocol settings of talks between ``parties`` under ``spec`` (a ``Summit``, or ``None``)."""
    ds = engine.sc.deal_space
    assert ds is not None
    rates = []
    for p in parties:
        own = engine.sc.actors[p].discount_rate_per_year
        rates.append(engine.world.rho if own is None else engine.param(own) / DAYS_PER_YEAR)
    return Settings(
        parties=parties,
        rho=(rates[0], rates[1]),
        weights=ds.weights,
        round_days=getattr(spec, "round_days", 1.0),
        rounds=getattr(spec, "rounds", None),
        breakdown=engine.param(spec.breakdown) if spec is not None else 0.0,
        first_proposer=getattr(spec, "first_proposer", None),
        transferable=transferable,
    )


def _values(
    engine: Table, comps: list[Component], horizon: float, parties: Sequence[str], duration: float
) -> tuple[list[Part], Any]:
    """Each part's options valued by each side over ``horizon`` (gains over the deal with every item as it
    is now): the terms hold for ``duration`` days, then the items snap back to their values now."""
    world = engine.world
    instruments = [c for c in comps if not is_transfer(c.refs[0])]
    rows = 1 + sum(len(c.options) for c in instruments)
    overrides: dict[str, np.ndarray] = {}
    start = 1
    spans = []
    for c in instruments:
        n = len(c.options)
        for k, ref in enumerate(c.refs):
            col = np.full(rows, world.values[ref], dtype=float)
            col[start : start + n] = c.options[:, k]
            overrides[ref] = col
        spans.append((start, n))
        start += n
    p1, p2 = parties
    sched = engine.scheduled(False)
    revert = (world.t + duration, {r: world.values[r] for r in overrides}) if duration < horizon else None
    loss = (
        engine.projector.project(horizon, overrides, sched, revert=revert) if overrides else dict.fromkeys(parties, 0.0)
    )
    l1 = np.broadcast_to(np.asarray(loss[p1], dtype=float), (rows,))
    l2 = np.broadcast_to(np.asarray(loss[p2], dtype=float), (rows,))
    parts: list[Part] = []
    it = iter(spans)
    w = world.weights
    for c in comps:
        if is_transfer(c.refs[0]):
            _, payer, payee = c.refs[0].split(".")
            t = c.options[:, 0]
            f = {p: np.zeros(len(t)) for p in parties}
            f[payee] = f[payee] + w[payee][TRANSFER] * t
            f[payer] = f[payer] - w[payer][TRANSFER] * t
            parts.append(Part(c.name, f[p1], f[p2]))
            continue
        s, n = next(it)
        parts.append(Part(c.name, -(l1[s : s + n] - l1[0]), -(l2[s : s + n] - l2[0])))
    return parts, (float(l1[0]), float(l2[0]))


def _agreement(comps: list[Component], point: Point) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    first: dict[str, float] = {}
    then: dict[str, float] = {}
    shares: dict[str, float] = {}
    for c, mix in zip(comps, point.mixes):
        if is_transfer(c.refs[0]):  # a side payment mixes into one amount
            ref = c.refs[0]
            first[ref] = float(mix.share * c.options[mix.high, 0] + (1.0 - mix.share) * c.options[mix.low, 0])
            continue
        pure = mix.high == mix.low or mix.share >= 1.0 - SHARE_TOL or mix.share <= SHARE_TOL
        lead = mix.low if mix.share <= SHARE_TOL else mix.high
        for k, ref in enumerate(c.refs):
            first[ref] = float(c.options[lead, k])
            shares[ref] = 1.0 if pure else float(mix.share)
            if not pure:
                then[ref] = float(c.options[mix.low, k])
    return first, then, shares


def _score(result: Result, d1: float, d2: float, settings: Settings) -> float:
    """How the table ranks the durations on offer: the proposer's expected gain when one side
    proposes (screening), else the weighted Nash product of the agreement (−∞ without one)."""
    if result.proposer is not None:
        return result.value
    if result.point is None:
        return -math.inf
    g1, g2 = result.point.u1 - d1, result.point.u2 - d2
    if g1 <= 0.0 or g2 <= 0.0:
        return -math.inf
    w1 = nash_weight(settings)
    return w1 * math.log(g1) + (1.0 - w1) * math.log(g2)


def negotiate(
    engine: Table,
    parties: Sequence[str],
    spec: Any = None,
    ask: bool = True,
    rng: np.random.Generator | None = None,
) -> Talks:
    """Bargain now between the two ``parties`` under ``spec``'s protocol (``None``: ``nash``).

    ``ask``: each party's policy may still refuse the agreement (``accept_deal``).
    """
    ds = engine.sc.deal_space
    assert ds is not None
    if len(parties) != 2:
        raise ValueError(f"talks are between two parties, got {len(parties)}: {', '.join(parties)}")
    p1, p2 = parties
    comps = components(engine, parties)
    if not comps:
        return Talks(None)
    durations = sorted(set(ds.durations_days)) or [engine.param(ds.duration_days)]
    horizon = durations[-1]
    nodeal, reverted = disagreement(engine, horizon, parties)
    rep = engine.reputation
    costs = (rep.signing_cost(p1), rep.signing_cost(p2))
    protocol_name = getattr(spec, "protocol", "nash")
    if protocol_name == "screening":  # only offers under private information need the beliefs
        (b1, top1), (b2, top2) = (belief_over(engine, p, horizon, nodeal, reverted) for p in (p1, p2))
        beliefs, tops = (b1, b2), (top1, top2)
    else:
        beliefs = (Belief.uniform(*rep.signing_belief(p1)), Belief.uniform(*rep.signing_belief(p2)))
        tops = (0.0, 0.0)
    transferable = any(is_transfer(c.refs[0]) for c in comps)
    settings = bargaining_settings(engine, (p1, p2), spec, transferable)
    protocol = REGISTRY[protocol_name]
    state = rng.bit_generator.state if rng is not None else None
    best: tuple[float, Any, float, float, float] | None = None  # (score, result, d1, d2, duration)
    for duration in durations:
        parts, base = _values(engine, comps, horizon, parties, duration)
        # d on the parts' scale: the value of no deal minus the value of the deal with every item as it is now
        d1, d2 = base[0] - float(nodeal[p1]), base[1] - float(nodeal[p2])
        if rng is not None:
            rng.bit_generator.state = state  # every duration is weighed with the same draws
        result = protocol(Problem(tuple(parts), d1, d2, costs, beliefs, rng), settings)
        score = _score(result, d1 + costs[0], d2 + costs[1], settings)
        if best is None or score > best[0]:
            best = (score, result, d1, d2, duration)
    assert best is not None
    _, result, d1, d2, duration = best
    if result.point is None:
        if result.proposer is not None and result.offer == result.offer:  # an offer made and rejected
            who = 2 - result.proposer  # the responder's index in parties
            # what the rejection says of its signing cost, whatever its private stock: cost > offer − the
            # largest shift of its disagreement value over the stock belief's support (exact without one)
            return Talks(None, parties[who], result.offer - tops[who])
        return Talks(None)
    point = result.point
    gains = {p1: point.u1 - d1 - costs[0], p2: point.u2 - d2 - costs[1]}
    first, then, shares = _agreement(comps, point)
    agreement = Agreement(first, then, shares, gains, {p1: costs[0], p2: costs[1]}, duration)
    if not ask:
        return Talks(agreement)
    refusing = [p for p in parties if not engine.actors[p].policy.accept_deal(engine.actors[p].view, gains[p])]
    return Talks(None, refused=refusing[0]) if refusing else Talks(agreement)
