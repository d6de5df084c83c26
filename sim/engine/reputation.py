"""Public beliefs over each actor's private audience-cost type (docs/model.md §5–§6).

An actor with ``audience`` has a type ``a`` ($bn) drawn once per run; the other side
knows only its prior, uniform on ``[low, high]`` (a number: known to all). Backing down
from one of its threats costs ``a``, signing a deal ``signing_multiple·a``. What the actor
does in public truncates the belief (Fearon 1994's reputation by truncation):

- a threat withdrawn at a deadline, when carrying it out would have cost ``a*`` more than
  backing down: ``a < a*``, the belief becomes ``[low, a*]``; a threat carried out: ``[a*, high]``;
- an offer of ``x`` ($bn of gain over no deal) rejected: signing cost above ``x``, so
  ``a > x / signing_multiple``.

``P(credible) = P(a ≥ a*)`` under the current belief: the chance a threat whose execution
costs its issuer ``a*`` more than backing down is carried out.
"""

from __future__ import annotations

from sim.engine.world import num
from sim.scenario.distributions import Uniform
from sim.scenario.schema import Scenario, ThreatMove


class Reputation:
    """Each actor's true audience type and the public belief ``[lo, hi]`` over it."""

    def __init__(self, sc: Scenario, params: dict[str, float]) -> None:
        self.sc = sc
        self.params = params
        self.true: dict[str, float] = {}
        self.belief: dict[str, tuple[float, float]] = {}
        self.share: dict[str, float] = {}
        for name, actor in sc.actors.items():
            aud = actor.audience
            if aud is None:
                continue
            self.true[name] = num(aud.cost_bn, params)
            self.share[name] = float(aud.signing_multiple)
            c = aud.cost_bn
            self.belief[name] = (float(c.low), float(c.high)) if isinstance(c, Uniform) else (float(c), float(c))

    # ------------------------------------------------------------- costs
    def backdown_cost(self, t: ThreatMove) -> float:
        """The issuer's cost of backing down from ``t``: its own figure, else the issuer's type, else 0."""
        if t.audience_cost_bn is not None:
            return num(t.audience_cost_bn, self.params)
        return self.true.get(t.actor, 0.0)

    def signing_cost(self, actor: str) -> float:
        """What signing a deal costs ``actor`` (its true type: it knows its own)."""
        return self.share.get(actor, 0.0) * self.true.get(actor, 0.0)

    def signing_belief(self, actor: str) -> tuple[float, float]:
        """The public belief over ``actor``'s signing cost: ``signing_multiple·[lo, hi]``."""
        lo, hi = self.belief.get(actor, (0.0, 0.0))
        s = self.share.get(actor, 0.0)
        return s * lo, s * hi

    # ------------------------------------------------------------ beliefs
    def credibility(self, t: ThreatMove, a_star: float) -> float:
        """P(the issuer carries ``t`` out) when carrying it out costs it ``a_star`` more than backing down.

        The issuer carries out iff its backing-down cost is at least ``a_star``. A threat with
        its own cost figure, or an issuer without a private type, is judged on the known cost.
        """
        if t.audience_cost_bn is not None or t.actor not in self.belief:
            return 1.0 if self.backdown_cost(t) >= a_star else 0.0
        return self.above(t.actor, a_star)

    def above(self, actor: str, x: float) -> float:
        """``P(a ≥ x)`` under the public belief (uniform on ``[lo, hi]``; a point mass if ``lo == hi``)."""
        lo, hi = self.belief.get(actor, (0.0, 0.0))
        if hi <= lo:
            return 1.0 if lo >= x else 0.0
        return min(1.0, max(0.0, (hi - x) / (hi - lo)))

    def threat_resolved(self, t: ThreatMove, a_star: float, carried_out: bool) -> None:
        """Truncate the issuer's belief after a deadline: kept → ``a ≥ a*``, withdrawn → ``a < a*``."""
        if t.audience_cost_bn is not None or t.actor not in self.belief:
            return
        lo, hi = self.belief[t.actor]
        if carried_out:
            self.belief[t.actor] = (min(max(lo, a_star), hi), hi)
        else:
            self.belief[t.actor] = (lo, max(min(hi, a_star), lo))

    def rejected(self, actor: str, offered_gain: float) -> None:
        """``actor`` rejected an offer worth ``offered_gain``: its signing cost exceeds it."""
        s = self.share.get(actor, 0.0)
        if actor not in self.belief or s <= 0.0:
            return
        lo, hi = self.belief[actor]
        self.belief[actor] = (min(max(lo, offered_gain / s), hi), hi)
