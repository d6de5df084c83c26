"""The three basic policies: ``scripted``, ``tit_for_tat`` and ``resolve``."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from pydantic import Field

from sim.policies.base import INDIFFERENCE_BN, Decision, Horizon, Params, Policy, PositiveBn, register
from sim.policies.view import View
from sim.scenario.numbers import Bn, BnPerDay, Share
from sim.scenario.schema import ThreatMove


@register
class Scripted(Policy):
    """Plays only the calendar: never moves on its own."""

    name = "scripted"
    stochastic = False
    summary = "Only the scenario's calendar moves; fixed answers to threats and deals."

    class Params(Params):
        carry_out_threats: bool = Field(default=True, description="Carry out own threats.")
        concede_to_threats: bool = Field(default=False, description="Meet threat conditions.")
        accept_deals: bool = Field(default=True, description="Accept any deal that gains.")

    def concede_to_threat(self, view: View, threat: ThreatMove) -> bool:
        return self.params.concede_to_threats

    def carry_out_threat(self, view: View, threat: ThreatMove) -> bool:
        return self.params.carry_out_threats

    def accept_deal(self, view: View, gain_bn: float) -> bool:
        return self.params.accept_deals and gain_bn >= -INDIFFERENCE_BN


@register
class TitForTat(Policy):
    """Mirror the other side: answer an escalation with one, a de-escalation with one.

    With ``generosity`` g, an escalation goes unanswered with probability g
    (generous tit-for-tat, Nowak & Sigmund 1992).
    """

    name = "tit_for_tat"
    stochastic = True
    summary = "Answers each hostile move with one step on its own instruments; forgives with p=generosity."

    class Params(Params):
        generosity: Share = Field(default=0.0, description="Chance an escalation goes unanswered.")
        instruments: list[str] | None = Field(
            default=None, description="Own instruments to retaliate with, in order (default: all)."
        )

    def __init__(self, actor: str, params: Any = None, rng: Any = None) -> None:
        super().__init__(actor, params, rng)
        self._escalated: list[str] = []

    def _mine(self, view: View) -> list[str]:
        return list(self.params.instruments or view.own_instruments)

    def on_observe(self, view: View, moves: list[Any]) -> list[Decision]:
        net = sum(view.hostility(m.actor, m.instrument, m.old, m.new) for m in moves if m.actor != self.actor)
        if net > 0:
            if self.params.generosity > 0 and self.rng.random() < self.params.generosity:
                return []
            for name in self._mine(view):
                target = view.step(name, +1)
                if target != view.own(name):
                    self._escalated.append(name)
                    return [Decision(name, target, "tit_for_tat: retaliate")]
        elif net < 0:
            while self._escalated:
                name = self._escalated.pop()
                target = view.step(name, -1)
                if target != view.own(name):
                    return [Decision(name, target, "tit_for_tat: reciprocate")]
        return []


@register
class Resolve(Policy):
    """War of attrition: hold until accumulated pain crosses the private resolve.

    Pain is measured against the no-dispute path (instruments at the calibration
    reference state), so a side that is winning does not also "concede". The
    actor's resolve (``resolve_bn`` in the scenario, drawn per run and
    unseen by the other side) is the loss in $bn it will bear. At each review it
    concedes once its accumulated loss reaches that resolve. As the target of a
    threat it gives in if the threat, carried out, would push its loss over the
    resolve within ``lookahead_days``; as the issuer it carries a threat out only
    while doing so keeps its own projected loss under its resolve.
    """

    name = "resolve"
    stochastic = True  # only with softness_bn > 0
    rearm_on_change = True
    summary = "Holds until accumulated loss reaches the private resolve, then concedes."

    class Params(Params):
        lookahead_days: Horizon = 90.0
        softness_bn: Bn = Field(
            default=0.0,
            description="0: concede exactly at the resolve; > 0: at each review "
            "with probability 1/(1 + exp(-(loss - resolve)/softness)).",
        )

    def concede(self, view: View) -> bool:
        s = self.params.softness_bn
        if s > 0:
            p = 1.0 / (1.0 + math.exp(-(view.losses_bn - view.resolve_bn) / s))
            return bool(self.rng.random() < p)
        return view.losses_bn >= view.resolve_bn

    def wake_at(self, view: View) -> float | None:
        """The day accumulated loss reaches the resolve at the current loss rate."""
        if self.params.softness_bn > 0:
            return None  # a soft resolve is consulted at reviews only
        state = view.loss_state
        due = getattr(self, "_wake_due", None)
        if state == getattr(self, "_wake_state", None) and (due is None or due > view.t):
            return due  # same line of loss: same crossing day (recomputed once it has passed: loss
            # that decays or a no-dispute path that bends makes the straight line a first guess)
        self._wake_state = state
        self._wake_due = self._crossing(view)
        return self._wake_due

    def _crossing(self, view: View) -> float | None:
        gap = view.resolve_bn - view.losses_bn
        if gap <= 0:
            return view.t
        rate = view.pain_rate
        return view.t + gap / rate if rate > 0 and not math.isinf(gap) else None

    def on_wake(self, view: View) -> bool:
        return view.losses_bn >= view.resolve_bn * (1 - 1e-12)

    def concede_to_threat(self, view: View, threat: ThreatMove) -> bool:
        if math.isinf(view.resolve_bn):
            return False
        baseline, extra = view.threat_outlook(threat, self.params.lookahead_days)
        return view.losses_bn + baseline + extra >= view.resolve_bn

    def carry_out_threat(self, view: View, threat: ThreatMove) -> bool:
        if math.isinf(view.resolve_bn):
            return True
        baseline, extra = view.threat_outlook(threat, self.params.lookahead_days)
        return view.losses_bn + baseline + extra < view.resolve_bn


@register
class Attrition(Policy):
    """The mixed equilibrium of the war of attrition with complete information.

    Each side i values winning at ``V_i`` (``prizes_bn``) and bears a flow cost
    ``c_i`` (its current loss rate, or ``cost_rates_bn_per_day``). In the
    stationary mixed equilibrium i concedes at the constant hazard
    ``λ_i = c_j / V_j`` that leaves j indifferent between conceding and waiting
    (Maynard Smith 1974; Hendricks, Weiss & Wilson 1988). The policy draws its
    concession day once from that exponential law. As a threat's target it gives
    in before the deadline when the threat would cost it more than its prize.
    """

    name = "attrition"
    stochastic = True
    summary = "Concedes at the equilibrium hazard c_other / V_other of the war of attrition."
    example_params: ClassVar[dict[str, Any]] = {"prizes_bn": {"US": 50.0, "CN": 50.0}}

    class Params(Params):
        prizes_bn: dict[str, PositiveBn] = Field(description="Each side's value of winning, $bn.")
        cost_rates_bn_per_day: dict[str, BnPerDay] | None = Field(
            default=None, description="Flow costs; default: each side's current loss rate."
        )
        lookahead_days: Horizon = 90.0

    def __init__(self, actor: str, params: Any = None, rng: Any = None) -> None:
        super().__init__(actor, params, rng)
        self._day: float | None = None

    def hazard(self, view: View) -> float:
        other = view.opponent
        costs = self.params.cost_rates_bn_per_day
        c_other = costs[other] if costs is not None else view.loss_rate(other)
        return max(c_other, 0.0) / self.params.prizes_bn[other]

    def wake_at(self, view: View) -> float | None:
        if self._day is None:
            lam = self.hazard(view)
            self._day = view.t + (float(self.rng.exponential(1.0 / lam)) if lam > 0 else math.inf)
        return self._day if math.isfinite(self._day) else None

    def on_wake(self, view: View) -> bool:
        return True

    def concede_to_threat(self, view: View, threat: ThreatMove) -> bool:
        _, extra = view.threat_outlook(threat, self.params.lookahead_days)
        return extra > self.params.prizes_bn[self.actor]
