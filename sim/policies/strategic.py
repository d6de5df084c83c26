"""Strategic policies: ``best_response`` (quantal response over projected payoffs)
and ``bayesian`` (the same, with a belief over the other side's resolve).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from sim.bargaining.threats import threat_point_value
from sim.policies.base import Decision, Horizon, Params, Policy, PositiveBn, Rationality, register
from sim.policies.view import View
from sim.scenario.numbers import MAX_ITEMS, Bn, Days, Weight
from sim.scenario.schema import ThreatMove, ThreatTemplate


def logit_choice(utilities: np.ndarray, rationality: float, rng: np.random.Generator) -> int:
    """Draw an option with probability ∝ exp(λ·u) (McKelvey & Palfrey 1995).

    ``λ = 0`` is uniform; as ``λ → ∞`` it picks the best option (ties: the first)."""
    u = np.asarray(utilities, dtype=float)
    if rationality == 0.0:
        return int(rng.integers(len(u)))
    z = rationality * (u - u.max())
    p = np.exp(z)
    p /= p.sum()
    if p.max() >= 1.0 - 1e-15:
        return int(np.argmax(p))
    cdf = np.cumsum(p)  # Generator.choice(len(u), p=p)'s own draw, without its checks: the same index
    return int((cdf / cdf[-1]).searchsorted(rng.random(), side="right"))


@register
class BestResponse(Policy):
    """Score every option by its projected payoff, choose by a logit quantal response.

    Options at each review (and after the other side moves): hold; move any own
    instrument one step up or down; issue a threat from ``threats``; call talks;
    break a deal in force (if ``defect``). Each option is scored by the own
    payoff projected over ``horizon_days`` with the closed-form economics
    (``sim.projection``, vectorised over options), assuming the other side plays
    ``opponent``: ``hold`` (keeps its instruments) or ``tit_for_tat`` (answers an
    escalation with one and a step back with one, after ``opponent_lag_days``).
    With talks before the horizon (probability ``p``, own weight ``w``) an option is
    worth ``−(1 − p·w)·L_own + p·w·L_other`` (Nash 1953's leverage term, both losses
    from one projection; ``−L_own`` at ``p = 0``). A threat's target weighs it by its
    credibility under the public belief over the issuer's audience type (§5).
    The choice is logit with rationality ``λ`` per $bn: ``λ = 0`` uniform, large
    ``λ`` best response.
    """

    name = "best_response"
    stochastic = True
    decides_by_stakes = True  # carries threats out by the public stake: its choices reveal its audience type
    summary = "Logit quantal response to projected payoffs of every option (hold, step, threat, talks, defect)."

    class Params(Params):
        rationality: Rationality = Field(default=1.0, description="Logit λ per $bn of projected payoff.")
        horizon_days: Horizon = Field(default=90.0, description="Planning horizon of the projection.")
        instruments: list[str] | None = Field(default=None, description="Own instruments it may move.")
        opponent: Literal["hold", "tit_for_tat"] = Field(
            default="hold", description="Believed policy of the other side."
        )
        opponent_lag_days: Days = 1.0
        threats: list[ThreatTemplate] = Field(default_factory=list, description="Threats it may issue.")
        talks: bool = Field(default=True, description="May call talks when a deal would pay.")
        talks_cooldown_days: Days = 30.0
        defect: bool = Field(default=False, description="May break a deal in force.")
        react: bool = Field(default=True, description="Also decide right after the other side moves.")
        concede_at_resolve: bool = Field(
            default=True, description="Give in once accumulated loss reaches the actor's resolve_bn."
        )
        move_cost_bn: Bn = Field(
            default=0.0,
            description="Cost of changing an instrument ($bn of utility): near-ties go to holding.",
        )

    # ------------------------------------------------------------ epochs
    def concede(self, view: View) -> bool:
        return self.params.concede_at_resolve and view.losses_bn >= view.resolve_bn

    def on_review(self, view: View) -> list[Decision]:
        return self.decide(view)

    def on_observe(self, view: View, moves: list[Any]) -> list[Decision]:
        return self.decide(view) if self.params.react else []

    # ------------------------------------------------------------ beliefs
    def believed_changes(self, view: View) -> list[tuple[float, list[tuple[float, str, float]]]]:
        """Scenarios of the other side's future behaviour: (probability, changes)."""
        return [(1.0, [])]

    def expected_loss(
        self,
        view: View,
        overrides: dict[str, Any] | None = None,
        extra: list[tuple[float, str, float]] = (),
        actor: str | None = None,
        include_threats: bool = True,
    ) -> Any:
        """``actor``'s (default own) expected loss; ``include_threats``: pending ones carried out."""
        total = 0.0
        h = self.params.horizon_days
        for p, changes in self.believed_changes(view):
            if p > 0:
                total = total + p * view.outlook(h, overrides, [*extra, *changes], actor, include_threats)
        return total

    def expected_options(
        self,
        view: View,
        options: list[tuple[str, float]],
        extra: list[tuple[float, str, float]] = (),
        relative: bool = False,
        actors: tuple[str, str] | None = None,
    ) -> np.ndarray:
        """Own expected loss with no change, then with each single change (``actors``: one row each)."""
        total = np.zeros(len(options) + 1 if actors is None else (len(actors), len(options) + 1))
        h = self.params.horizon_days
        for p, changes in self.believed_changes(view):
            if p > 0:
                total += p * view.outlook_options(h, options, [*extra, *changes], relative, actors)
        return total

    def leverage(self, view: View) -> tuple[float, float]:
        """``(p, w)``: P(talks within the horizon) and the own bargaining weight (``w`` unread at ``p = 0``)."""
        p = view.talks_probability(self.params.horizon_days)
        return p, (view.bargaining_weight if p > 0.0 else 0.0)

    # ------------------------------------------------------------ options
    def _other(self, view: View) -> str:
        return view.opponent

    def _mirror(self, view: View, direction: int) -> list[tuple[float, str, float]]:
        """The other side's believed answer to an own move (tit-for-tat belief)."""
        if self.params.opponent != "tit_for_tat":
            return []
        other = self._other(view)
        for ref in view.instruments_of(other):
            new = view.step_ref(ref, direction)
            if new != view.value(ref):
                return [(view.t + self.params.opponent_lag_days + 1e-9, ref, new)]
        return []

    def decide(self, view: View) -> list[Decision]:
        own = view.own_instruments if self.params.instruments is None else self.params.instruments
        names = [n for n in own if not view.locked(n)]
        labels: list[tuple[str, Any]] = [("hold", None)]
        utilities: list[float] = [0.0]
        # instrument steps, vectorised: one row per option, one projection per believed answer
        rows = {"hold": [], "up": [], "down": []}
        current = {n: view.own(n) for n in names}
        for n in names:
            for direction, key in ((+1, "up"), (-1, "down")):
                v = view.step(n, direction)
                if v != current[n]:
                    rows[key].append((n, v))
        me = view.actor
        p_talks, weight = self.leverage(view)
        both = (me, self._other(view)) if p_talks > 0.0 else None
        # only differences between options matter unless some option is scored in levels
        relative = not self.params.threats and not (self.params.defect and view.deal_in_force)
        if self.params.opponent == "tit_for_tat":
            groups = [(0, []), (+1, rows["up"]), (-1, rows["down"])]
        else:  # the believed answer does not depend on the move: one pass for all rows
            groups = [(0, rows["up"] + rows["down"])]
        for direction, opts in groups:
            if direction and not opts:
                continue
            loss = self.expected_options(
                view,
                [(f"{me}.{n}", v) for n, v in opts],
                self._mirror(view, direction),
                relative and self.params.opponent != "tit_for_tat",
                both,
            )
            own, other = (loss, loss) if both is None else (loss[0], loss[1])
            value = threat_point_value(own, other, weight, p_talks)  # −own at p = 0
            if direction == 0:
                utilities[0] = float(value[0])
            for j, opt in enumerate(opts, 1):
                if _same(own, j) and (both is None or _same(other, j)):
                    continue  # a move that changes nothing over the horizon is not an option (no cheap moves)
                labels.append(("set", opt))
                utilities.append(float(value[j]) - self.params.move_cost_bn)
        u_hold = utilities[0]
        # threats
        pending = {t.instrument for t in view.pending_threats(view.actor)}
        for template in self.params.threats:
            if template.instrument in pending:
                continue
            labels.append(("threat", template))
            utilities.append(self._threat_utility(view, template, p_talks, weight))
        # talks
        if self.params.talks and not view.deal_in_force and view.t - view.last_talks >= self.params.talks_cooldown_days:
            gain = view.talks_gain()
            if gain > 0:
                labels.append(("talks", None))
                utilities.append(u_hold + gain)
        # defection
        if self.params.defect and view.deal_in_force:
            before = view.deal_before()
            for n in view.own_instruments:
                if not view.locked(n):
                    continue
                v = view.step(n, +1)
                if v == view.own(n):
                    continue
                overrides = {r: x for r, x in before.items() if not r.startswith(view.actor + ".")}
                overrides[f"{view.actor}.{n}"] = v
                labels.append(("defect", (n, v)))
                lost = float(self.expected_loss(view, overrides))
                theirs = float(self.expected_loss(view, overrides, (), both[1])) if both else 0.0
                utilities.append(threat_point_value(lost, theirs, weight, p_talks) - view.defection_cost_bn)
        k = logit_choice(np.asarray(utilities), self.params.rationality, self.rng)
        kind, payload = labels[k]
        if kind == "hold":
            return []
        if kind == "set":
            return [Decision(payload[0], payload[1], f"{self.name}: step")]
        if kind == "threat":
            return [Decision(kind="threat", payload=payload, note=f"{self.name}: threat")]
        if kind == "talks":
            return [Decision(kind="talks", note=f"{self.name}: calls talks")]
        return [Decision(payload[0], payload[1], f"{self.name}: defects", kind="defect")]

    def _as_threat(self, view: View, template: ThreatTemplate) -> ThreatMove:
        return template.threat("candidate", view.actor, view.date(view.t), view.date(view.t))

    def _threat_utility(self, view: View, template: ThreatTemplate, p_talks: float = 0.0, weight: float = 0.0) -> float:
        """Own payoff if issued: the target answers by :meth:`concede_to_threat`'s rule, then the own choice."""
        t = self._as_threat(view, template)
        ref, value = view.threat_value(t)
        due = view.t + template.deadline_days
        c = template.condition
        cref = f"{c.actor}.{c.instrument}"
        bound = c.at_most if c.at_most is not None else c.at_least
        carried = [(due, ref, value)]
        conceded = [(view.t + template.deadline_days * 0.5, cref, float(bound))]
        target = c.actor

        def loss(extra: list[tuple[float, str, float]], who: str | None = None) -> float:
            return float(self.expected_loss(view, None, extra, who))

        tgt_carried, tgt_not, tgt_conceded = loss(carried, target), loss([], target), loss(conceded, target)
        own_carried, own_not = loss(carried), loss([])
        stakes = view.threat_stakes(t)  # the public's a*: what the target judges credibility by
        q = view.credibility(t, stakes)
        if tgt_conceded + template.concession_cost_bn < q * tgt_carried + (1.0 - q) * tgt_not:
            return float(threat_point_value(loss(conceded), tgt_conceded, weight, p_talks))
        backdown = view.backdown_cost(t)
        if stakes <= backdown:  # the own rule at the deadline (carry_out_threat)
            return float(threat_point_value(own_carried, tgt_carried, weight, p_talks))
        return float(threat_point_value(own_not, tgt_not, weight, p_talks)) - backdown

    # ------------------------------------------------------------ binary calls
    def concede_to_threat(self, view: View, threat: ThreatMove) -> bool:
        """Concede iff ``conceded + cost < q·carried + (1 − q)·not carried`` (docs/model.md §5).

        ``q = view.credibility(threat, a*)``: P(carried out) under the public belief over the issuer's type,
        ``a*`` its public stake (:meth:`View.threat_stakes`), the threshold it decides by. Branches are
        projected without the pending threats (this one among them).
        """
        ref, value = view.threat_value(threat)
        c = threat.condition
        bound = c.at_most if c.at_most is not None else c.at_least
        carried = [(max(view.day(threat.deadline), view.t + 1e-9), ref, value)]

        def loss(extra: list[tuple[float, str, float]], who: str | None = None, over: Any = None) -> float:
            return float(self.expected_loss(view, over, extra, who, include_threats=False))

        q = view.credibility(threat, view.threat_stakes(threat))
        expected = q * loss(carried) + (1.0 - q) * loss([])
        conceded = loss([], None, {f"{c.actor}.{c.instrument}": float(bound)})
        return conceded + view.param(threat.concession_cost_bn) < expected

    def carry_out_threat(self, view: View, threat: ThreatMove) -> bool:
        """Carry out iff the public stake ``a*`` is at most the own backing-down cost (Fearon 1994): a kept
        threat proves ``a ≥ a*``, a withdrawn one ``a < a*`` (the public belief is truncated by it)."""
        return view.threat_stakes(threat) <= view.backdown_cost(threat)


def _same(loss: np.ndarray, j: int) -> bool:  # option j leaves loss as holding does (1e-12 relative: no $ scale)
    return abs(float(loss[j]) - float(loss[0])) <= 1e-12 * max(abs(float(loss[j])), abs(float(loss[0])))


@register
class Bayesian(BestResponse):
    """Best response under a belief over the other side's resolve type, updated by Bayes' rule.

    The other side is modelled as conceding at each of its decision epochs with
    probability ``σ((L − θ)/s)`` given its accumulated loss ``L`` (public: it
    follows from public instruments), its resolve type ``θ`` and the softness
    ``s``; ``s → 0`` is the deterministic ``resolve`` rule. At each own epoch the
    belief over the types in ``types_bn`` is multiplied by the likelihood of what
    was seen (held on, or conceded) and renormalised; so is every observed move of
    the other side (hostile: held on; a step back: conceding). In its
    projections the other side concedes (steps back once) at the day type θ's
    loss would reach θ, weighted by the belief.
    """

    name = "bayesian"
    stochastic = True
    summary = "Best response with a Bayes-updated belief over the other side's resolve."
    example_params: ClassVar[dict[str, Any]] = {"types_bn": [20.0, 200.0]}

    class Params(BestResponse.Params):
        types_bn: list[Bn] = Field(
            min_length=1, max_length=MAX_ITEMS, description="Candidate resolves of the other side, $bn."
        )
        prior: list[Weight] | None = Field(
            default=None, max_length=MAX_ITEMS, description="Prior over types_bn (default uniform)."
        )
        softness_bn: PositiveBn = Field(default=10.0, description="Softness s of the concession likelihood.")

        @model_validator(mode="after")
        def _check(self) -> Bayesian.Params:
            if self.prior is not None:
                if len(self.prior) != len(self.types_bn):
                    raise ValueError(f"prior has {len(self.prior)} entries, types_bn has {len(self.types_bn)}")
                if any(p < 0 for p in self.prior) or sum(self.prior) <= 0:
                    raise ValueError("prior must be non-negative and not all zero")
            return self

    def __init__(self, actor: str, params: Any = None, rng: Any = None) -> None:
        super().__init__(actor, params, rng)
        prior = np.asarray(self.params.prior or [1.0] * len(self.params.types_bn), dtype=float)
        self.belief = prior / prior.sum()
        self.types = np.asarray(self.params.types_bn, dtype=float)
        self._done = False

    @classmethod
    def series_fields(cls, actor: str, params: dict[str, Any]) -> list[str]:
        return [f"belief_{actor}_{i}" for i in range(len(params.get("types_bn", [])))]

    def series_values(self) -> list[float]:
        return [float(b) for b in self.belief]

    def concession_probability(self, loss_bn: float) -> np.ndarray:
        """P(the other side concedes at an epoch | type), for each type."""
        with np.errstate(over="ignore"):  # exp → inf far below a type: probability 0, exactly the limit
            return 1.0 / (1.0 + np.exp(-(loss_bn - self.types) / self.params.softness_bn))

    def update(self, conceded: bool, other_loss_bn: float) -> None:
        """Bayes' rule for one observation of the other side."""
        p = self.concession_probability(other_loss_bn)
        like = p if conceded else 1.0 - p
        post = self.belief * like
        if post.sum() > 0:
            self.belief = post / post.sum()

    def observe(self, view: View) -> None:
        if self._done:
            return
        other = self._other(view)
        conceded = view.conceded(other)
        self.update(conceded, view.public_losses(other))
        self._done = conceded

    def on_review(self, view: View) -> list[Decision]:
        self.observe(view)
        return self.decide(view)

    def on_observe(self, view: View, moves: list[Any]) -> list[Decision]:
        """Every observed move of the other side is evidence too: a hostile one says it
        holds on, a step back is what a type near its resolve does."""
        other = self._other(view)
        if not self._done:
            for m in moves:
                if m.actor != other:
                    continue
                h = view.hostility(m.actor, m.instrument, m.old, m.new)
                if h != 0:
                    self.update(h < 0, view.public_losses(other))
            self._done = view.conceded(other)
        return self.decide(view) if self.params.react else []

    def believed_changes(self, view: View) -> list[tuple[float, list[tuple[float, str, float]]]]:
        other = self._other(view)
        if view.conceded(other):
            return [(1.0, [])]
        loss, rate = view.public_losses(other), view.loss_rate(other)
        out = []
        refs = view.instruments_of(other)
        for theta, b in zip(self.types, self.belief):
            if b <= 1e-12:
                continue
            if rate <= 0 and loss < theta:
                out.append((float(b), []))
                continue
            when = view.t + max(0.0, (theta - loss) / rate) if rate > 0 else view.t
            steps = []
            for ref in refs:
                new = view.step_ref(ref, -1)
                if new != view.value(ref):
                    steps.append((when + 1e-9, ref, new))
            out.append((float(b), steps))
        return out
