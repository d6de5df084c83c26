"""The ``screening`` protocol: one take-it-or-leave-it offer under private signing costs (MODEL §6).

At each talk the proposer is side ``i`` with probability ``w_i`` (its bargaining weight);
it offers the point of the convexified frontier that maximises its expected gain given
the public belief about the responder's private cost of signing
(:func:`~sim.bargaining.screening.screening_point`); the responder accepts iff the offer
beats its disagreement value plus its true cost (myopic acceptance: it does not wait for
a better offer at later talks, a declared simplification). A rejection tells the public
that the responder's cost exceeds the offer (the caller truncates the belief). Under
complete information and transfers the expected payoffs are the weighted Nash split
``d_i + w_i(S − d1 − d2)`` and agreement comes at the first talk iff ``S > d1 + d2``.
"""

from __future__ import annotations

from sim.bargaining.base import Problem, Result, Settings, register
from sim.bargaining.nash import nash_weight
from sim.bargaining.screening import screening_point

#: Slack ($bn) in the responder's comparison, so an offer computed to leave it exactly its cost is accepted.
ACCEPT_SLACK = 1e-9


@register("screening")
def screening(problem: Problem, settings: Settings) -> Result:
    """Draw the proposer by the weights, make the screening offer, let the responder decide."""
    if problem.rng is None:
        raise ValueError("the screening protocol draws its proposer: the problem needs an rng")
    w1 = nash_weight(settings)
    proposer = 1 if float(problem.rng.random()) < w1 else 2
    c1, c2 = problem.costs
    if proposer == 1:  # the proposer knows its own cost; the responder's is screened
        found = screening_point(problem.parts, problem.d1 + c1, problem.d2, 1, problem.beliefs[1])
    else:
        found = screening_point(problem.parts, problem.d1, problem.d2 + c2, 2, problem.beliefs[0])
    if found is None:
        return Result(None, proposer)
    point, accept = found
    offer = point.u2 - problem.d2 if proposer == 1 else point.u1 - problem.d1
    cost = c2 if proposer == 1 else c1
    own = point.u1 - problem.d1 - c1 if proposer == 1 else point.u2 - problem.d2 - c2
    return Result(point if offer + ACCEPT_SLACK >= cost else None, proposer, offer, accept * own)
