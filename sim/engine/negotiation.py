"""Summits and talks: bargaining over the deal space.

A package sets each deal item to one of its listed values and each transfer to
one of its amounts. A side's gain from a package is the projected loss it
avoids over the deal's duration (against no deal, with pending threats carried
out if ``threats_in_disagreement``), plus transfers received, minus transfers
paid. The protocol is looked up by name in :data:`sim.bargaining.REGISTRY`:

- ``nash``: the weighted Nash product over packages both sides prefer to no
  deal; weights equal, by actor, or from patience (Binmore, Rubinstein & Wolinsky:
  each side's discount rate and the talks' breakdown hazard);
- ``alternating_offers``: the subgame-perfect outcome of alternating offers
  (Rubinstein / Ståhl), with per-round discount factors ``exp(−(ρ_i+λ_b)Δ)`` from
  each side's discount rate, the breakdown hazard and the time between rounds.

No-deal losses enter through the gains (the disagreement point), never the weights.
A side's discount rate is ``actors.X.discount_rate_per_year``, else the scenario's.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from sim.bargaining import REGISTRY, Settings
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

    def scheduled(self, include_threats: bool) -> list[Change]: ...

    def param(self, x: Any) -> float: ...


_GRIDS: dict[tuple, dict[str, np.ndarray]] = {}  # package grids by deal space (read-only)


def package_grid(items: list[tuple[str, list[float]]]) -> dict[str, np.ndarray]:
    """Every combination of the items' values, as one array per key."""
    refs = [r for r, _ in items]
    combos = list(itertools.product(*[vals for _, vals in items]))
    arr = np.asarray(combos, dtype=float).reshape(len(combos), len(refs))
    return {r: arr[:, i] for i, r in enumerate(refs)}


def transfer_key(payer: str, payee: str) -> str:
    return f"transfer.{payer}.{payee}"


def is_transfer(key: str) -> bool:
    return key.startswith("transfer.")


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


def negotiate(
    engine: Table, parties: Sequence[str], spec: Any = None, ask: bool = True
) -> tuple[dict[str, float], dict[str, float]] | None:
    """Bargain now between the two ``parties``; return ``(package, gains)`` if both agree, else ``None``.

    ``spec`` carries the protocol and its settings (a calendar ``Summit``, or
    ``None`` for the deal space's default ``nash``).
    """
    ds = engine.sc.deal_space
    assert ds is not None
    if len(parties) != 2:
        raise ValueError(f"talks are between two parties, got {len(parties)}: {', '.join(parties)}")
    p1, p2 = parties
    items = [(f"{i.actor}.{i.instrument}", list(i.values)) for i in ds.items if i.actor in parties]
    items += [
        (transfer_key(t.payer, t.payee), list(t.values_bn))
        for t in ds.transfers
        if t.payer in parties and t.payee in parties
    ]
    if not items:
        return None
    key = tuple((r, tuple(v)) for r, v in items)
    grid = _GRIDS.get(key)
    if grid is None:
        grid = _GRIDS[key] = package_grid(items)
    instruments = {r: v for r, v in grid.items() if not is_transfer(r)}
    h = ds.duration_days
    proj = engine.projector
    no_deal = proj.project(h, {}, engine.scheduled(include_threats=ds.threats_in_disagreement))
    deal = proj.project(h, instruments, engine.scheduled(include_threats=False)) if instruments else no_deal
    n = len(next(iter(grid.values())))
    g1 = np.broadcast_to(np.asarray(no_deal[p1] - deal[p1], dtype=float), (n,)).copy()
    g2 = np.broadcast_to(np.asarray(no_deal[p2] - deal[p2], dtype=float), (n,)).copy()
    w = engine.world.weights
    for r, v in grid.items():
        if is_transfer(r):
            _, payer, payee = r.split(".")
            for side, g in ((p1, g1), (p2, g2)):
                if side == payee:
                    g += w[side][TRANSFER] * v
                elif side == payer:
                    g -= w[side][TRANSFER] * v
    settings = bargaining_settings(engine, (p1, p2), spec, transferable=any(is_transfer(r) for r in grid))
    idx = REGISTRY[getattr(spec, "protocol", "nash")](g1, g2, settings)
    if idx is None:
        return None
    package = {r: float(v[idx]) for r, v in grid.items()}
    gains = {p1: float(g1[idx]), p2: float(g2[idx])}
    if not ask:
        return package, gains
    if all(engine.actors[p].policy.accept_deal(engine.actors[p].view, gains[p]) for p in parties):
        return package, gains
    return None
