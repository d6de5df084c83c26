"""The threat book: each threat's status, its announcement, deadline, condition and concession.

A threat is ``scheduled`` (calendar, not yet announced), then ``pending``
(announced; the target may concede before the deadline), then ``withdrawn``
(condition met, or the issuer backed down at an audience cost), ``carried_out``
or ``settled`` (a deal came first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.engine.calendar import Calendar, Change
from sim.engine.events import EventKind
from sim.engine.links import AUDIENCE
from sim.engine.outcome import Outcome
from sim.engine.reputation import Reputation
from sim.engine.scheduler import Scheduler
from sim.engine.world import World, num
from sim.scenario.schema import Scenario, ThreatMove

Move = Callable[..., bool]  # the engine's move(actor, instrument, value, kind, note)
Post = Callable[[str, tuple[str, Any]], None]  # put a message in an actor's inbox
CarryOut = Callable[[ThreatMove], bool]  # the issuer's answer at the deadline


def satisfies(condition: Any, value: float) -> bool:
    """Does ``value`` meet a threat's condition (``at_most`` / ``at_least``, 1e-12 slack)?"""
    c = condition
    return (c.at_most is None or value <= c.at_most + 1e-12) and (c.at_least is None or value >= c.at_least - 1e-12)


class ThreatBook:
    """Calendar threats and the ones policies issue, with their statuses."""

    def __init__(
        self,
        sc: Scenario,
        params: dict[str, float],
        world: World,
        clock: Scheduler,
        calendar: Calendar,
        outcome: Outcome,
        reputation: Reputation,
    ) -> None:
        self.sc = sc
        self.reputation = reputation
        self.params = params
        self.world = world
        self.clock = clock
        self.calendar = calendar
        self.outcome = outcome
        self.threats: list[ThreatMove] = list(sc.threats())  # calendar threats, then issued ones
        self.status: dict[str, str] = {t.id: "scheduled" for t in self.threats}
        self.carried_out: dict[str, bool] = {t.id: False for t in self.threats}
        self.issued = {a: 0 for a in sc.actors}

    def connect(self, move: Move, post: Post) -> None:
        """What the book does to the run: moves instruments, sends actors their deadlines."""
        self._move = move
        self._post = post

    # ---------------------------------------------------------------- reading
    def target_value(self, t: ThreatMove) -> tuple[str, float]:
        """(issuer's ref, value within bounds) if ``t`` were carried out now."""
        ref = f"{t.actor}.{t.instrument}"
        spec = self.world.specs[ref]
        value = t.value if t.value is not None else self.world.values[ref] + (t.add or 0.0)
        return ref, min(max(value, spec.min), spec.max)

    def _breaching(self, t: ThreatMove) -> list[int]:
        """The target's announced, still pending calendar moves that would breach the condition."""
        c = t.condition
        return self.calendar.pending(f"{c.actor}.{c.instrument}", lambda v: satisfies(c, v))

    def condition_met(self, t: ThreatMove) -> bool:
        """The condition holds now and no announced move of the target would breach it."""
        c = t.condition
        return satisfies(c, self.world.values[f"{c.actor}.{c.instrument}"]) and not self._breaching(t)

    def is_open(self, t: ThreatMove) -> bool:
        """Pending with its condition unmet: the target still has something to decide."""
        return self.status[t.id] == "pending" and not self.condition_met(t)

    def pending(self, issuer: str | None = None) -> list[ThreatMove]:
        return [t for t in self.threats if self.status[t.id] == "pending" and (issuer is None or t.actor == issuer)]

    def scheduled(self) -> list[Change]:
        """Changes if every scheduled or pending threat were carried out at its deadline."""
        now = self.clock.now
        out = []
        for t in self.threats:
            if self.status[t.id] in ("scheduled", "pending"):
                ref, value = self.target_value(t)
                out.append((max(self.sc.day(t.deadline), now + 1e-9), ref, value))
        return out

    def escalated(self) -> bool:
        return any(self.carried_out.values())

    # ---------------------------------------------------------------- changes
    def announce(self, t: ThreatMove) -> None:
        if self.status[t.id] != "scheduled":
            return
        self.status[t.id] = "pending"
        ref, value = self.target_value(t)
        self.clock.log(EventKind.THREAT_ISSUED, t.actor, t.instrument, self.world.values[ref], value, t.id)
        deadline = self.sc.day(t.deadline)
        lead = self.sc.actors[t.target].pre_deadline_days
        self.clock.at(max(self.clock.now, deadline - lead), lambda: self._post(t.target, ("pre_deadline", t)))
        self.clock.at(deadline, lambda: self._post(t.actor, ("deadline", t)))

    def issue(self, actor: str, template: Any) -> ThreatMove:
        """A policy issues a threat now (from a template in its parameters)."""
        self.issued[actor] += 1
        tid = f"{actor}_threat_{self.issued[actor]}"
        now = self.clock.now
        t = template.threat(
            tid, actor, self.sc.date(now), self.sc.date(now + template.deadline_days), "issued by policy"
        )
        self.threats.append(t)
        self.status[tid] = "scheduled"
        self.carried_out[tid] = False
        self.announce(t)
        return t

    def meet_condition(self, t: ThreatMove, under_pressure: bool) -> None:
        """The target meets the condition now and withdraws its breaching calendar moves."""
        c = t.condition
        value = c.at_most if c.at_most is not None else c.at_least
        if not satisfies(c, self.world.values[f"{c.actor}.{c.instrument}"]):
            self._move(c.actor, c.instrument, float(value), EventKind.CONCESSION, f"meets {t.id}")
        for i in self._breaching(t):
            self.calendar.withdraw(i)
            m = self.sc.calendar[i]
            self.clock.log(
                EventKind.MOVE_CANCELLED,
                c.actor,
                c.instrument,
                None,
                getattr(m, "value", None),
                f"calendar[{i}] withdrawn to meet {t.id}",
            )
        self.clock.log(EventKind.THREAT_CONCEDED, t.target, c.instrument, None, None, t.id)
        if under_pressure:
            self.world.lump(t.target, AUDIENCE, num(t.concession_cost_bn, self.params))
            self.outcome.capitulate(t.target, self.clock.now)

    def concede_all(self, actor: str) -> None:
        """``actor`` gives in: every open threat against it has its condition met."""
        for t in list(self.threats):
            if t.target == actor and self.is_open(t):
                self.meet_condition(t, under_pressure=True)

    def resolve(self, t: ThreatMove, carry_out: CarryOut, stakes: float = 0.0) -> None:
        """At the deadline: carried out unless the condition holds; backing down costs.

        ``stakes`` (``a*``): what carrying it out costs the issuer more than backing down, as
        the public reckons it; the issuer's reputation is truncated at it (:mod:`~sim.engine.reputation`).
        """
        if self.status[t.id] != "pending":
            return
        if self.condition_met(t):
            self.status[t.id] = "withdrawn"
            self.clock.log(EventKind.THREAT_WITHDRAWN, t.actor, t.instrument, None, None, f"{t.id}: condition met")
        elif carry_out(t):
            self.status[t.id] = "carried_out"
            self.carried_out[t.id] = True
            _, value = self.target_value(t)
            self._move(t.actor, t.instrument, value, EventKind.THREAT, t.id)
            self.clock.log(EventKind.THREAT_CARRIED_OUT, t.actor, t.instrument, None, value, t.id)
            self.reputation.threat_resolved(t, stakes, carried_out=True)
        else:
            self.status[t.id] = "withdrawn"
            self.world.advance(self.clock.now)
            self.world.lump(t.actor, AUDIENCE, self.reputation.backdown_cost(t))
            self.reputation.threat_resolved(t, stakes, carried_out=False)
            self.clock.log(EventKind.THREAT_WITHDRAWN, t.actor, t.instrument, None, None, f"{t.id}: backed down")

    def settle(self) -> None:
        """A deal settles every threat not yet resolved."""
        for t in self.threats:
            if self.status[t.id] in ("pending", "scheduled"):
                self.status[t.id] = "settled"
                self.clock.log(
                    EventKind.THREAT_WITHDRAWN, t.actor, t.instrument, None, None, f"{t.id}: settled by deal"
                )
