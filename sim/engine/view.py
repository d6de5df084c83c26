"""The engine's implementation of :class:`sim.policies.view.View`: read-only, no side effects.

Accumulated losses are read as of now without integrating the world: between events
rates are constant or decay exponentially, so :meth:`World.pain_at` is exact. Projections start
from the world's time; the engine advances the world to now before every policy
epoch (:meth:`sim.engine.core.Engine.prepare`), so they start now.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import Any

import numpy as np

from sim.engine.calendar import Change
from sim.engine.deals import DealBook
from sim.engine.projection import Projector
from sim.engine.scheduler import Scheduler
from sim.engine.threats import ThreatBook
from sim.engine.world import World, num
from sim.scenario.schema import Scenario, ThreatMove


@dataclass(frozen=True)
class Sources:
    """What every actor's view reads (shared by all views of a run)."""

    sc: Scenario
    params: dict[str, float]
    clock: Scheduler
    world: World
    projector: Projector
    known: Callable[[bool], list[Change]]  # known future changes, with or without threats
    threats: ThreatBook
    deals: DealBook
    conceded: Callable[[str], bool]
    resolve: dict[str, float]
    stakes: Callable[[ThreatMove], float]  # the public's a* of a threat (Engine.threat_stakes)


class EngineView:
    """One actor's read-only view of the run (see :class:`sim.policies.view.View`)."""

    __slots__ = ("_s", "actor")

    def __init__(self, sources: Sources, actor: str) -> None:
        self._s = sources
        self.actor = actor

    @property
    def t(self) -> float:
        return self._s.clock.env.now

    # ------------------------------------------------------------ instruments
    @property
    def own_instruments(self) -> list[str]:
        return list(self._s.sc.actors[self.actor].instruments)

    @property
    def opponent(self) -> str:
        others = [a for a in self._s.sc.actors if a != self.actor]
        if len(others) != 1:
            raise ValueError(
                f"the policy of {self.actor} needs exactly one other actor (its opponent); "
                f"this scenario has {len(others)} others: {', '.join(others) or 'none'}"
            )
        return others[0]

    def own(self, name: str) -> float:
        return self._s.world.values[f"{self.actor}.{name}"]

    def value(self, ref: str) -> float:
        return self._s.world.values[ref]

    def instruments_of(self, actor: str) -> list[str]:
        return [f"{actor}.{n}" for n in self._s.sc.actors[actor].instruments]

    def step(self, name: str, direction: int) -> float:
        return self._s.world.stepped(f"{self.actor}.{name}", direction)

    def step_ref(self, ref: str, direction: int) -> float:
        return self._s.world.stepped(ref, direction)

    def hostility(self, actor: str, instrument: str, old: float, new: float) -> float:
        return self._s.world.hostility(f"{actor}.{instrument}", old, new)

    def locked(self, name: str) -> bool:
        return f"{self.actor}.{name}" in self._s.deals.locked

    # ----------------------------------------------------------------- losses
    def public_losses(self, actor: str) -> float:
        """Pain against the no-dispute path: the weighted loss so far minus that of the
        reference state's path over the same days (``docs/model.md`` §1)."""
        w = self._s.world
        now = self._s.clock.env.now
        return w.pain_at(actor, now) - w.reference_pain(actor, now)

    @property
    def losses_bn(self) -> float:
        return self.public_losses(self.actor)

    @property
    def loss_state(self) -> tuple[int, int]:
        w = self._s.world
        return w.rate_changes[self.actor], w.lumps[self.actor]

    @property
    def pain_rate(self) -> float:
        return self.loss_rate(self.actor)

    def loss_rate(self, actor: str) -> float:
        """Current loss rate against the no-dispute path's rate now."""
        w = self._s.world
        return w.loss_rate(actor) - w.reference_rate(actor, self._s.clock.env.now)

    @property
    def resolve_bn(self) -> float:
        return self._s.resolve[self.actor]

    def conceded(self, actor: str) -> bool:
        return self._s.conceded(actor)

    # ------------------------------------------------------- deals and threats
    @property
    def deal_in_force(self) -> bool:
        return self._s.deals.in_force

    def deal_before(self) -> dict[str, float]:
        return dict(self._s.deals.before)

    @property
    def defection_cost_bn(self) -> float:
        return self._s.deals.defection_cost()

    @property
    def last_talks(self) -> float:
        return self._s.deals.last_talks

    def talks_gain(self) -> float:
        return self._s.deals.preview(self.actor)

    def talks_probability(self, horizon: float) -> float:
        return self._s.deals.talks_probability(horizon)

    @property
    def bargaining_weight(self) -> float:
        return self._s.deals.weight(self.actor)

    def credibility(self, threat: ThreatMove, stakes: float) -> float:
        return self._s.threats.reputation.credibility(threat, stakes)

    def threat_stakes(self, threat: ThreatMove) -> float:
        return self._s.stakes(threat)

    def backdown_cost(self, threat: ThreatMove) -> float:
        """Own cost of backing down from an own threat (its figure, else the own audience type)."""
        return self._s.threats.reputation.backdown_cost(threat)

    def pending_threats(self, issuer: str | None = None) -> list[ThreatMove]:
        return self._s.threats.pending(issuer)

    def threat_value(self, threat: ThreatMove) -> tuple[str, float]:
        return self._s.threats.target_value(threat)

    def threat_outlook(self, threat: ThreatMove, horizon: float) -> tuple[float, float]:
        """``(loss over the horizon without the threat, extra loss if carried out)``, the first
        against the no-dispute path (like :attr:`losses_bn`). One vectorised projection evaluates both."""
        s = self._s
        ref, value = s.threats.target_value(threat)
        now = s.world.values[ref]
        both = s.projector.project(horizon, {ref: np.array([now, value])}, s.known(False), discount=False)[self.actor]
        both = np.broadcast_to(np.asarray(both, dtype=float), (2,))
        now_t = s.clock.env.now
        calm = s.world.reference_pain(self.actor, now_t + horizon) - s.world.reference_pain(self.actor, now_t)
        return float(both[0]) - calm, float(both[1] - both[0])

    # ------------------------------------------------------------ projections
    def outlook(
        self,
        horizon: float,
        overrides: dict[str, Any] | None = None,
        extra: Sequence[Change] = (),
        actor: str | None = None,
        include_threats: bool = True,
    ) -> Any:
        """``overrides`` may hold arrays (one entry per option); ``extra`` adds believed
        future changes ``(day, ref, value)`` to the known calendar."""
        sched = self._s.known(include_threats)
        if extra:
            sched = sorted([*sched, *extra], key=lambda c: c[0])
        return self._s.projector.project(horizon, overrides, sched)[actor or self.actor]

    def outlook_options(
        self,
        horizon: float,
        options: list[tuple[str, float]],
        extra: Sequence[Change] = (),
        relative: bool = False,
        actors: Sequence[str] | None = None,
    ) -> Any:
        """``relative``: leave out the losses no option touches (compare options only); ``actors``: one row each."""
        sched = self._s.known(True)
        if extra:
            sched = sorted([*sched, *extra], key=lambda c: c[0])
        who = self.actor if actors is None else actors
        return self._s.projector.project_options(horizon, options, sched, who, relative=relative)

    # ---------------------------------------------------------- the scenario
    def day(self, date: Date) -> float:
        return self._s.sc.day(date)

    def date(self, t: float) -> Date:
        return self._s.sc.date(t)

    def param(self, x: Any) -> float:
        return num(x, self._s.params)
