"""Actors as SimPy processes.

An actor's life is one loop: wait for the next message in its inbox (a periodic
review, a reaction to the other side's moves after its reaction lag, a
pre-deadline decision, a deadline), ask its policy, apply the answer through the
:class:`Stage` (what an actor may do to the run; the engine implements it).
A reaction's own moves provoke no reaction in turn (no chains of replies).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import simpy

from sim.engine.events import EventKind
from sim.policies import Decision, Policy
from sim.policies.view import View
from sim.scenario.schema import ThreatMove


@dataclass(frozen=True)
class Observed:
    """A move one actor saw another make."""

    t: float
    actor: str
    instrument: str
    old: float
    new: float


@dataclass(frozen=True)
class Timing:
    """When an actor decides: review period, reaction lag, lead before a deadline, and noise."""

    review_days: float
    reaction_lag: float
    pre_deadline_days: float
    noise: float = 0.0
    noise_rng: Any = None  # numpy Generator, only when noise > 0


class Stage(Protocol):
    """What an actor may do to the run (implemented by :class:`sim.engine.core.Engine`)."""

    env: simpy.Environment

    def prepare(self) -> None:
        """Bring the world to now before a policy looks at it."""

    def epoch_done(self, policy: Policy) -> None:
        """A policy's epoch is over (record its state if the series carries it)."""

    def move(
        self, actor: str, instrument: str, value: float, kind: EventKind, note: str = "", react: bool = True
    ) -> bool: ...

    def concede(self, actor: str, reason: str = "") -> None: ...

    def issue_threat(self, actor: str, template: Any) -> Any: ...

    def propose_talks(self, actor: str) -> bool: ...

    def defect(self, actor: str, instrument: str, value: float) -> None: ...

    def enforce(self, actor: str) -> bool:
        """Break the deal in force if keeping it is no longer worth it to ``actor`` (True if broken)."""

    def threat_open(self, threat: ThreatMove) -> bool: ...

    def meet_condition(self, threat: ThreatMove) -> None: ...

    def resolve_threat(self, threat: ThreatMove, policy: Policy, view: View) -> None: ...


class Actor:
    """One state actor: a policy, its view, an inbox, and two SimPy processes."""

    def __init__(
        self, stage: Stage, name: str, policy: Policy, view: View, timing: Timing, instruments: frozenset[str]
    ) -> None:
        self.stage = stage
        self.name = name
        self.policy = policy
        self.view = view
        self.timing = timing
        self.instruments = instruments
        self.inbox = simpy.Store(stage.env)
        self.observed: list[Observed] = []
        self.reaction_pending = False
        self.conceded = False
        self.wake_version = 0
        self.wake_due = math.inf
        stage.env.process(self.life())
        stage.env.process(self.reviews())

    @property
    def pre_deadline_days(self) -> float:
        return self.timing.pre_deadline_days

    def arm(self) -> None:
        """Schedule the epoch the policy asks for (a newer request replaces an older one)."""
        if self.conceded:
            return
        env = self.stage.env
        due = self.policy.wake_at(self.view)
        due = math.inf if due is None else max(due, env.now)
        if due == self.wake_due:
            return
        self.wake_version += 1
        self.wake_due = due
        if due < math.inf:
            version = self.wake_version
            ev = env.timeout(due - env.now)
            ev.callbacks.append(lambda _ev: self._on_wake(version))

    def _on_wake(self, version: int) -> None:
        if version != self.wake_version or self.conceded:
            return
        self.wake_due = math.inf
        self.stage.prepare()
        if self.policy.on_wake(self.view):
            self.stage.concede(self.name, f"{self.policy.name}: at its chosen epoch")
        else:
            self.arm()

    # ------------------------------------------------------------ processes
    def reviews(self) -> Iterator[Any]:
        """Periodic reviews: the actor's own clock (no message needed)."""
        env = self.stage.env
        while True:
            yield env.timeout(self.timing.review_days)
            self._on_review(None)

    def life(self) -> Iterator[Any]:
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
            ev = self.stage.env.timeout(self.timing.reaction_lag)
            ev.callbacks.append(lambda _ev: self.inbox.put(("observe", None)))

    def _on_review(self, _payload: Any) -> None:
        if self.conceded:
            return
        self.stage.prepare()
        if self.policy.concede(self.view):
            self.stage.concede(self.name, f"{self.policy.name}: at a review")
            return
        self.stage.enforce(self.name)  # a deal must be self-enforcing at every review
        self._apply(self.policy.on_review(self.view))
        self.stage.epoch_done(self.policy)

    def _on_observe(self, _payload: Any) -> None:
        moves, self.observed = self.observed, []
        self.reaction_pending = False
        if self.conceded:
            return
        self.stage.prepare()
        # a reply is not answered in turn: decisions come at epochs and after the other
        # side's own moves, never in chains of replies to replies
        self._apply(self.policy.on_observe(self.view, moves), provoke=False)

    def _on_pre_deadline(self, threat: ThreatMove) -> None:
        if not self.stage.threat_open(threat):
            return
        self.stage.prepare()
        if self.policy.concede_to_threat(self.view, threat):
            self.stage.meet_condition(threat)

    def _on_deadline(self, threat: ThreatMove) -> None:
        self.stage.resolve_threat(threat, self.policy, self.view)

    def _noisy(self, decisions: list[Decision]) -> list[Decision]:
        """With probability ``noise`` the epoch's choice becomes a random step (Axelrod-style noise)."""
        timing = self.timing
        if timing.noise <= 0 or timing.noise_rng.random() >= timing.noise:
            return decisions
        rng = timing.noise_rng
        names = self.view.own_instruments
        name = names[int(rng.integers(len(names)))]
        direction = 1 if rng.random() < 0.5 else -1
        return [Decision(name, self.view.step(name, direction), "noise")]

    def _apply(self, decisions: list[Decision], provoke: bool = True) -> None:
        """Carry out a policy's decisions; with ``provoke`` the other actors react to the moves."""
        decisions = self._noisy(decisions)
        stage = self.stage
        for d in decisions:
            if d.kind == "threat":
                stage.issue_threat(self.name, d.payload)
                continue
            if d.kind == "talks":
                stage.propose_talks(self.name)
                continue
            if d.instrument not in self.instruments:
                raise ValueError(
                    f"policy {self.policy.name} of {self.name} moved an instrument it does not own: {d.instrument}"
                )
            if d.kind == "defect":
                stage.defect(self.name, d.instrument, d.value)
            else:
                stage.move(self.name, d.instrument, d.value, EventKind.MOVE, d.note or self.policy.name, provoke)
