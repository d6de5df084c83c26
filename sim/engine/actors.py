"""Actors as SimPy processes, and the read-only view their policies see.

An actor's life is one loop: wait for the next message in its inbox (a periodic
review, a reaction to the other side's moves after its reaction lag, a
pre-deadline decision, a deadline), ask its policy, apply the answer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.policies import Decision, Policy
from sim.scenario.schema import ThreatMove

if TYPE_CHECKING:  # pragma: no cover
    from sim.engine.core import Engine


@dataclass(frozen=True)
class Observed:
    """A move one actor saw another make."""

    t: float
    actor: str
    instrument: str
    old: float
    new: float


class View:
    """What a policy may see: public instruments, its own costs, projections.

    It never exposes the engine or the other side's private resolve.
    """

    __slots__ = ("_e", "actor")

    def __init__(self, engine: "Engine", actor: str) -> None:
        self._e = engine
        self.actor = actor

    @property
    def t(self) -> float:
        return self._e.env.now

    @property
    def own_instruments(self) -> list[str]:
        return list(self._e.sc.actors[self.actor].instruments)

    @property
    def others(self) -> list[str]:
        return [a for a in self._e.sc.actors if a != self.actor]

    def own(self, name: str) -> float:
        return self._e.world.values[f"{self.actor}.{name}"]

    def value(self, ref: str) -> float:
        """Any actor's instrument (instruments are public)."""
        return self._e.world.values[ref]

    def step(self, name: str, direction: int) -> float:
        """Own instrument moved one step in the hostile (+1) or friendly (−1) direction."""
        return self._e.world.stepped(f"{self.actor}.{name}", direction)

    def step_ref(self, ref: str, direction: int) -> float:
        """Any actor's instrument ``ref`` one step hostile (+1) or friendly (−1) (instruments are public)."""
        return self._e.world.stepped(ref, direction)

    def hostility(self, actor: str, instrument: str, old: float, new: float) -> float:
        return self._e.world.hostility(f"{actor}.{instrument}", old, new)

    @property
    def losses_bn(self) -> float:
        """Own accumulated (undiscounted) loss so far, $bn."""
        self._e.world.advance(self._e.env.now)
        return self._e.world.pain[self.actor]

    @property
    def loss_state(self) -> tuple[int, int]:
        """(changes of own loss rate, one-off losses) so far: while both stay the same,
        own accumulated loss keeps growing along the same straight line."""
        w = self._e.world
        return w.rate_changes[self.actor], w.lumps[self.actor]

    @property
    def pain_rate(self) -> float:
        """Own current (weighted) loss rate, $bn per day."""
        return self._e.world.loss_rate(self.actor)

    def loss_rate(self, actor: str) -> float:
        """Any actor's current loss rate: public, since it follows from public instruments."""
        return self._e.world.loss_rate(actor)

    @property
    def resolve_bn(self) -> float:
        """Own private resolve (the other side's is not visible)."""
        return self._e.resolve[self.actor]

    def project(self, horizon: float, overrides: dict[str, Any] | None = None,
                discount: bool = True) -> float:
        """Own projected loss over ``horizon`` days with ``overrides`` applied now."""
        return float(self._e.projector.project(
            horizon, overrides, self._e.scheduled(include_threats=False), discount)[self.actor])

    def locked(self, name: str) -> bool:
        """Is own instrument ``name`` fixed by the deal in force?"""
        return f"{self.actor}.{name}" in self._e.locked

    def conceded(self, actor: str) -> bool:
        """Has ``actor`` conceded (publicly) in this run?"""
        return self._e.actors[actor].conceded

    @property
    def deal_in_force(self) -> bool:
        return bool(self._e.deal_terms)

    def deal_terms(self) -> dict[str, float]:
        return dict(self._e.deal_terms)

    def deal_before(self) -> dict[str, float]:
        """Instrument values before the deal in force (what defection snaps back to)."""
        return dict(self._e.deal_prev)

    @property
    def defection_cost_bn(self) -> float:
        ds = self._e.sc.deal_space
        return self._e.param(ds.defection_cost_bn) if ds is not None else 0.0

    def public_losses(self, actor: str) -> float:
        """Any actor's accumulated loss: public, since it follows from public instruments."""
        self._e.world.advance(self._e.env.now)
        return self._e.world.pain[actor]

    def spec(self, ref: str) -> Any:
        return self._e.world.specs[ref]

    def instruments_of(self, actor: str) -> list[str]:
        """``ACTOR.instrument`` refs of any actor (instruments are public)."""
        return [f"{actor}.{n}" for n in self._e.sc.actors[actor].instruments]

    def day(self, date: Any) -> float:
        """Days from the scenario start to ``date``."""
        return self._e.sc.day(date)

    def date(self, t: float) -> Any:
        return self._e.sc.date(t)

    def param(self, x: Any) -> float:
        """The value in this run of a number of the scenario (sampled if a distribution)."""
        return self._e.param(x)

    def pending_threats(self, issuer: str | None = None) -> list[ThreatMove]:
        return [t for t in self._e.threats if self._e.threat_status[t.id] == "pending"
                and (issuer is None or t.actor == issuer)]

    def outlook(self, horizon: float, overrides: dict[str, Any] | None = None,
                extra: list[tuple[float, str, float]] = (), actor: str | None = None,
                include_threats: bool = True) -> Any:
        """Projected (weighted, discounted) loss of ``actor`` (default: self) over ``horizon``.

        ``overrides`` may hold arrays (one entry per option); ``extra`` adds
        believed future changes ``(day, ref, value)`` to the known calendar.
        """
        sched = self._e.scheduled(include_threats=include_threats)
        if extra:
            sched = sorted([*sched, *extra], key=lambda c: c[0])
        return self._e.projector.project(horizon, overrides, sched)[actor or self.actor]

    def outlook_options(self, horizon: float, options: list[tuple[str, float]],
                        extra: list[tuple[float, str, float]] = (), relative: bool = False) -> Any:
        """Own projected loss with no change, then with each change ``(ref, value)`` made now.

        ``relative``: leave out the losses no option touches (compare options only).
        """
        sched = self._e.scheduled(include_threats=True)
        if extra:
            sched = sorted([*sched, *extra], key=lambda c: c[0])
        return self._e.projector.project_options(horizon, options, sched, self.actor, relative=relative)

    def talks_gain(self) -> float:
        """Own gain if talks were held now and both agreed (0 if no package helps both)."""
        return self._e.preview_talks(self.actor)

    @property
    def last_talks(self) -> float:
        return self._e.last_talks

    def threat_value(self, threat: Any) -> tuple[str, float]:
        """(issuer's ref, value) if ``threat`` (a ThreatMove) were carried out now."""
        return self._e.threat_target_value(threat)

    def threat_outlook(self, threat: ThreatMove, horizon: float) -> tuple[float, float]:
        """Own undiscounted projected loss over ``horizon``: (if nothing changes, extra if carried out).

        One vectorised projection evaluates both cases.
        """
        ref, value = self._e.threat_target_value(threat)
        now = self._e.world.values[ref]
        both = self._e.projector.project(horizon, {ref: np.array([now, value])},
                                         self._e.scheduled(include_threats=False), discount=False)[self.actor]
        both = np.broadcast_to(np.asarray(both, dtype=float), (2,))
        return float(both[0]), float(both[1] - both[0])


class Actor:
    """One state actor: instruments, a policy, an inbox, and a SimPy process."""

    def __init__(self, engine: "Engine", name: str, policy: Policy, review_days: float,
                 reaction_lag: float, pre_deadline_days: float, noise: float = 0.0,
                 noise_rng: Any = None) -> None:
        self.engine = engine
        self.name = name
        self.policy = policy
        self.view = View(engine, name)
        self.review_days = review_days
        self.reaction_lag = reaction_lag
        self.pre_deadline_days = pre_deadline_days
        self.noise = noise
        self.noise_rng = noise_rng
        self.inbox = simpy.Store(engine.env)
        self.observed: list[Observed] = []
        self.reaction_pending = False
        self.conceded = False
        self.wake_version = 0
        self.wake_due = math.inf
        engine.env.process(self.life())
        engine.env.process(self.reviews())

    def arm(self) -> None:
        """Schedule the epoch the policy asks for (a newer request replaces an older one)."""
        if self.conceded:
            return
        due = self.policy.wake_at(self.view)
        due = math.inf if due is None else max(due, self.engine.env.now)
        if due == self.wake_due:
            return
        self.wake_version += 1
        self.wake_due = due
        if due < math.inf:
            version = self.wake_version
            ev = self.engine.env.timeout(due - self.engine.env.now)
            ev.callbacks.append(lambda _ev: self._on_wake(version))

    def _on_wake(self, version: int) -> None:
        if version != self.wake_version or self.conceded:
            return
        self.wake_due = math.inf
        if self.policy.on_wake(self.view):
            self.engine.concede(self.name, f"{self.policy.name}: at its chosen epoch")
        else:
            self.arm()

    # ------------------------------------------------------------ processes
    def reviews(self):
        """Periodic reviews: the actor's own clock (no message needed)."""
        env = self.engine.env
        while True:
            yield env.timeout(self.review_days)
            self._on_review(None)

    def life(self):
        """Wait for the next message (a reaction, a pre-deadline call, a deadline), handle it."""
        while True:
            kind, payload = yield self.inbox.get()
            getattr(self, f"_on_{kind}")(payload)

    # ------------------------------------------------------------ messages
    def notice(self, move: Observed) -> None:
        """Another actor moved: react after the reaction lag (moves are batched)."""
        self.observed.append(move)
        if not self.reaction_pending:
            self.reaction_pending = True
            ev = self.engine.env.timeout(self.reaction_lag)
            ev.callbacks.append(lambda _ev: self.inbox.put(("observe", None)))

    def _on_review(self, _payload: Any) -> None:
        if self.conceded:
            return
        if self.policy.concede(self.view):
            self.engine.concede(self.name, f"{self.policy.name}: at a review")
            return
        self._apply(self.policy.on_review(self.view), "policy")
        if self.engine.record_series and self.policy in self.engine._series_policies:
            self.engine.world.advance(self.engine.env.now)
            self.engine.snapshot()  # the policy's state (e.g. its belief) after this epoch

    def _on_observe(self, _payload: Any) -> None:
        moves, self.observed = self.observed, []
        self.reaction_pending = False
        if self.conceded:
            return
        self._apply(self.policy.on_observe(self.view, moves), "policy")

    def _on_pre_deadline(self, threat: ThreatMove) -> None:
        e = self.engine
        if e.threat_status[threat.id] != "pending" or e.condition_met(threat):
            return
        if self.policy.concede_to_threat(self.view, threat):
            e.meet_condition(threat, under_pressure=True)

    def _on_deadline(self, threat: ThreatMove) -> None:
        self.engine.resolve_threat(threat, self.policy.carry_out_threat)

    def _noisy(self, decisions: list[Decision]) -> list[Decision]:
        """With probability ``noise`` the epoch's choice becomes a random step (Axelrod-style noise)."""
        if self.noise <= 0 or self.noise_rng.random() >= self.noise:
            return decisions
        names = self.view.own_instruments
        name = names[int(self.noise_rng.integers(len(names)))]
        direction = 1 if self.noise_rng.random() < 0.5 else -1
        return [Decision(name, self.view.step(name, direction), "noise")]

    def _apply(self, decisions: list[Decision], kind: str) -> None:
        decisions = self._noisy(decisions)
        e = self.engine
        for d in decisions:
            if d.kind == "threat":
                e.issue_threat(self.name, d.payload)
                continue
            if d.kind == "talks":
                e.propose_talks(self.name)
                continue
            if d.instrument not in e.sc.actors[self.name].instruments:
                raise ValueError(f"policy {self.policy.name} of {self.name} moved an instrument "
                                 f"it does not own: {d.instrument}")
            if d.kind == "defect":
                e.defect(self.name, d.instrument, d.value)
            else:
                e.move(self.name, d.instrument, d.value, "move", d.note or self.policy.name)
