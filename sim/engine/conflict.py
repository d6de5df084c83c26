"""Threats, concessions, talks and deals: the conflict half of the engine.

A mixin of :class:`sim.engine.Engine`; it relies on the engine's ``world``,
``actors``, ``move``, ``log``, ``at`` and calendar bookkeeping.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable

from sim.engine.negotiation import is_transfer, negotiate
from sim.scenario.schema import Summit, ThreatMove
from sim.engine.world import AUDIENCE, TRANSFER, num


class ConflictMixin:
    """Threat life cycles, concessions, policy-called talks, summits, deals and defection."""

    # --------------------------------------------------------------- threats
    def threat_target_value(self, t: ThreatMove) -> tuple[str, float]:
        ref = f"{t.actor}.{t.instrument}"
        spec = self.world.specs[ref]
        value = t.value if t.value is not None else self.world.values[ref] + (t.add or 0.0)
        return ref, min(max(value, spec.min), spec.max)

    @staticmethod
    def _satisfies(c: Any, v: float) -> bool:
        return (c.at_most is None or v <= c.at_most + 1e-12) and (c.at_least is None or v >= c.at_least - 1e-12)

    def _breaching_moves(self, t: ThreatMove) -> list[int]:
        """The target's announced, still pending calendar moves that would breach the condition."""
        c = t.condition
        ref = f"{c.actor}.{c.instrument}"
        now = self.env.now
        return [i for day, r, v, i in self._calendar_changes
                if r == ref and day > now and i not in self.cancelled and not self._satisfies(c, v)]

    def condition_met(self, t: ThreatMove) -> bool:
        """The condition holds now and no announced move of the target would breach it."""
        c = t.condition
        v = self.world.values[f"{c.actor}.{c.instrument}"]
        return self._satisfies(c, v) and not self._breaching_moves(t)

    def _announce(self, t: ThreatMove) -> None:
        if self.threat_status[t.id] != "scheduled":
            return
        self.threat_status[t.id] = "pending"
        ref, value = self.threat_target_value(t)
        self.log("threat_issued", t.actor, t.instrument, self.world.values[ref], value, t.id)
        deadline = self.sc.day(t.deadline)
        target = self.actors[t.target]
        self.at(max(self.env.now, deadline - target.pre_deadline_days),
                lambda: target.inbox.put(("pre_deadline", t)))
        self.at(deadline, lambda: self.actors[t.actor].inbox.put(("deadline", t)))

    def meet_condition(self, t: ThreatMove, under_pressure: bool) -> None:
        c = t.condition
        value = c.at_most if c.at_most is not None else c.at_least
        if not self._satisfies(c, self.world.values[f"{c.actor}.{c.instrument}"]):
            self.move(c.actor, c.instrument, float(value), "concession", f"meets {t.id}")
        for i in self._breaching_moves(t):
            self.cancelled.add(i)
            m = self.sc.calendar[i]
            self.log("move_cancelled", c.actor, c.instrument, None, getattr(m, "value", None),
                     f"calendar[{i}] withdrawn to meet {t.id}")
        self.log("threat_conceded", t.target, c.instrument, None, None, t.id)
        if under_pressure:
            self.world.lump(t.target, AUDIENCE, num(t.concession_cost_bn, self.params))
            self.capitulate(t.target)

    def resolve_threat(self, t: ThreatMove, carry_out: Callable[[Any, ThreatMove], bool]) -> None:
        """At the deadline: carried out unless the condition holds; backing down costs."""
        if self.threat_status[t.id] != "pending":
            return
        issuer = self.actors[t.actor]
        if self.condition_met(t):
            self.threat_status[t.id] = "withdrawn"
            self.log("threat_withdrawn", t.actor, t.instrument, None, None, f"{t.id}: condition met")
        elif carry_out(issuer.view, t):
            self.threat_status[t.id] = "carried_out"
            self.carried_out[t.id] = True
            ref, value = self.threat_target_value(t)
            self.move(t.actor, t.instrument, value, "threat", t.id)
            self.log("threat_carried_out", t.actor, t.instrument, None, value, t.id)
        else:
            self.threat_status[t.id] = "withdrawn"
            self.world.advance(self.env.now)
            self.world.lump(t.actor, AUDIENCE, num(t.audience_cost_bn, self.params))
            self.log("threat_withdrawn", t.actor, t.instrument, None, None, f"{t.id}: backed down")

    def concede(self, actor: str, reason: str = "") -> None:
        """An actor gives in: meets pending threat conditions and steps back once."""
        self.log("concede", actor, None, None, None, reason or self.actors[actor].policy.name)
        for t in list(self.threats):
            if t.target == actor and self.threat_status[t.id] == "pending" and not self.condition_met(t):
                self.meet_condition(t, under_pressure=True)
        view = self.actors[actor].view
        for name in view.own_instruments:
            self.move(actor, name, view.step(name, -1), "concession", "steps back")
        self.capitulate(actor)
        self.actors[actor].conceded = True

    def issue_threat(self, actor: str, template: Any) -> ThreatMove:
        """A policy issues a threat now (from a template in its parameters)."""
        self.issued[actor] += 1
        tid = f"{actor}_threat_{self.issued[actor]}"
        t = template.threat(tid, actor, self.sc.date(self.env.now),
                            self.sc.date(self.env.now + template.deadline_days), "issued by policy")
        self.threats.append(t)
        self.threat_status[tid] = "scheduled"
        self.carried_out[tid] = False
        self._announce(t)
        return t

    def preview_talks(self, actor: str) -> float:
        """``actor``'s gain if talks were held now and agreed (0 if no agreement)."""
        if self.sc.deal_space is None or self.deal_terms:
            return 0.0
        parties = list(self.sc.actors)[:2]
        if actor not in parties:
            return 0.0
        self.world.advance(self.env.now)
        found = negotiate(self, parties, None, ask=False)
        return found[1][actor] if found else 0.0

    def propose_talks(self, actor: str) -> bool:
        """A policy calls talks now (nash over the deal space); returns whether a deal came."""
        if self.sc.deal_space is None or self.deal_terms:
            return False
        self.last_talks = self.env.now
        parties = list(self.sc.actors)[:2]
        self.world.advance(self.env.now)
        self.log("talks", actor, None, None, None, "proposed by policy")
        result = negotiate(self, parties, None)
        if result is None:
            self.log("no_deal", None, None, None, None, "no package leaves both sides better off")
            return False
        self.deal_spec = None
        self.apply_deal(result[0], parties, renewal=False)
        return True

    def defect(self, actor: str, instrument: str, value: float) -> None:
        """Break the deal in force: the other side's concessions snap back; defection costs."""
        ref = f"{actor}.{instrument}"
        ds = self.sc.deal_space
        self.world.advance(self.env.now)
        self.world.lump(actor, AUDIENCE, num(ds.defection_cost_bn, self.params))
        self.log("defect", actor, instrument, self.world.values[ref], value, "deal broken")
        prev, self.deal_prev = self.deal_prev, {}
        self.locked = set()
        self.deal_terms = {}
        self.deal_version += 1
        for r, v in prev.items():
            a, n = r.split(".", 1)
            if a != actor:
                self.move(a, n, v, "expiry", "snap back after defection", react=False)
        self.move(actor, instrument, value, "move", "defection")

    def capitulate(self, actor: str) -> None:
        if self.capitulated is None and self.deal_day is None:
            self.capitulated = actor
            self.capitulation_day = self.env.now

    # ----------------------------------------------------------------- deals
    def summit(self, m: Summit) -> None:
        held = num(m.probability_held, self.params)
        if self.summit_rng.random() >= held:
            self.log("summit_cancelled", None, None, None, None, m.note)
            return
        self.log("summit", None, None, None, None, m.note)
        if self.deal_terms:
            return
        self.world.advance(self.env.now)
        result = negotiate(self, list(m.parties), m)
        if result is None:
            self.log("no_deal", None, None, None, None, "no package leaves both sides better off")
        else:
            self.deal_spec = m
            self.apply_deal(result[0], list(m.parties), renewal=False)

    def apply_deal(self, package: dict[str, float], parties: list[str], renewal: bool) -> None:
        if self.deal_day is None:
            self.deal_day = self.env.now
            self.first_terms = dict(package)
        instruments = {r: v for r, v in package.items() if not is_transfer(r)}
        if not renewal:
            self.deal_prev = {r: self.world.values[r] for r in instruments}
        self.deal_terms = dict(package)
        self.locked = set(instruments)
        for ref, v in instruments.items():
            a, n = ref.split(".", 1)
            self.move(a, n, v, "deal", "deal terms", react=False)
        for ref, v in package.items():
            if is_transfer(ref) and v:
                _, payer, payee = ref.split(".")
                self.world.advance(self.env.now)
                self.world.lump(payer, TRANSFER, v)
                self.world.lump(payee, TRANSFER, -v)
        for t in self.threats:
            if self.threat_status[t.id] in ("pending", "scheduled"):
                self.threat_status[t.id] = "settled"
                self.log("threat_withdrawn", t.actor, t.instrument, None, None, f"{t.id}: settled by deal")
        terms = ", ".join(f"{r}={v:g}" for r, v in package.items())
        self.log("deal_renewed" if renewal else "deal", None, None, None, None, terms)
        ds = self.sc.deal_space
        self.at(self.env.now + ds.duration_days, partial(self._expire, parties, self.deal_version))

    def _expire(self, parties: list[str], version: int = 0) -> None:
        if version != self.deal_version or not self.deal_terms:
            return  # that deal was broken earlier
        if self.sc.deal_space.renew:
            self.world.advance(self.env.now)
            self.locked = set()
            result = negotiate(self, parties, self.deal_spec)
            if result is not None:
                self.apply_deal(result[0], parties, renewal=True)
                return
        self.locked = set()
        self.deal_terms = {}
        for ref, v in self.deal_prev.items():
            a, n = ref.split(".", 1)
            self.move(a, n, v, "expiry", "deal expired: snap back", react=False)
        self.log("deal_expired", None, None, None, None, "")
