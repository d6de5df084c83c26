"""The policy interface and the registry.

A policy is a decision rule. It sees a read-only :class:`~sim.policies.view.View` of the
world (its own instruments and costs, the other side's public instruments, what it
has observed, a projection function) and answers the questions an actor is asked
at its decision epochs. Policies register themselves by name with
:func:`register`; a scenario picks one by that name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, Strict

from sim.policies.view import View
from sim.registry import Registry
from sim.scenario.numbers import MAX_DAYS, WORLD_OUTPUT_BN_PER_YEAR
from sim.scenario.schema import ThreatMove

#: Every policy, by name. Modules of ``sim.policies`` register theirs with
#: ``@register``; they are imported on the first lookup.
REGISTRY: Registry[type[Policy]] = Registry("policy", "sim.policies")


def register(cls: type[Policy]) -> type[Policy]:
    """Class decorator: make ``cls`` available to scenarios under ``cls.name``."""
    if not getattr(cls, "name", None):
        raise TypeError(f"{cls.__name__} needs a class attribute 'name'")
    return REGISTRY.register(cls)  # type: ignore[return-value]


@dataclass(frozen=True)
class Decision:
    """What a policy decides at an epoch.

    ``kind="set"``: set one of the actor's own instruments to ``value`` (clipped
    to its bounds); ``"threat"``: issue ``payload`` (a ThreatTemplate);
    ``"talks"``: call talks now; ``"defect"``: break the deal in force by
    setting ``instrument`` to ``value``.
    """

    instrument: str = ""
    value: float = 0.0
    note: str = ""
    kind: str = "set"
    payload: Any = None


class Params(BaseModel):
    """Base of every policy's parameters: numbers are numbers like every scenario number.

    Strict (``true`` and ``"1.5"`` are not numbers; an int is widened to a float), finite
    (``.nan`` and ``.inf`` are refused) and bounded by the types below or those of
    :mod:`sim.scenario.numbers` (``docs/limits.md`` gives every bound and why).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


#: A look-ahead or planning horizon in days: more than 0, at most the longest horizon.
Horizon = Annotated[float, Strict(), Field(gt=0, le=MAX_DAYS, allow_inf_nan=False)]
#: A positive amount in $bn (a prize, a softness): more than 0, at most a year of world output.
PositiveBn = Annotated[float, Strict(), Field(gt=0, le=WORLD_OUTPUT_BN_PER_YEAR, allow_inf_nan=False)]
#: Largest logit rationality λ, per $bn (chosen limit): at 10^6 a payoff difference of
#: $1,000 already makes the better option e times likelier; beyond it is a best response.
MAX_RATIONALITY = 1e6
#: The logit rationality λ per $bn of projected payoff.
Rationality = Annotated[float, Strict(), Field(ge=0, le=MAX_RATIONALITY, allow_inf_nan=False)]


#: A gain this close to 0 ($bn; $1,000) is indifference, which accepts.
INDIFFERENCE_BN = 1e-6


class Policy:
    """Base class: holds nothing, concedes nothing, carries out its threats."""

    #: Does it carry threats out exactly when its stake is at most its cost of backing down? Then the
    #: public may truncate its belief over the actor's audience type by what it does (docs/model.md §5).
    decides_by_stakes: ClassVar[bool] = False

    name: ClassVar[str] = ""
    #: Metadata (as in Axelrod's classifier): does the policy draw random numbers?
    stochastic: ClassVar[bool] = False
    #: Short statement of what the policy assumes, shown in docs.
    summary: ClassVar[str] = ""
    Params: ClassVar[type[BaseModel]] = Params
    #: Parameters that make a working example (docs, registry contract tests).
    example_params: ClassVar[dict[str, Any]] = {}
    #: Re-ask :meth:`wake_at` whenever the world changes (for thresholds on loss).
    rearm_on_change: ClassVar[bool] = False

    def __init__(self, actor: str, params: BaseModel | None = None, rng: np.random.Generator | None = None) -> None:
        self.actor = actor
        self.params = params if params is not None else self.Params()
        self.rng = rng if rng is not None else np.random.default_rng(0)

    # Decision epochs -------------------------------------------------------
    def on_review(self, view: View) -> list[Decision]:
        """Periodic review: moves to make now."""
        return []

    def concede(self, view: View) -> bool:
        """At a review: give in now (meet pending threat conditions, step back)?"""
        return False

    def wake_at(self, view: View) -> float | None:
        """Day of the next decision epoch this policy asks for (None: none)."""
        return None

    def on_wake(self, view: View) -> bool:
        """At the requested epoch: concede now?"""
        return False

    def on_observe(self, view: View, moves: list[Any]) -> list[Decision]:
        """Reaction (after the reaction lag) to the other side's ``moves``."""
        return []

    def concede_to_threat(self, view: View, threat: ThreatMove) -> bool:
        """As target, shortly before the deadline: meet the threat's condition?"""
        return False

    def carry_out_threat(self, view: View, threat: ThreatMove) -> bool:
        """As issuer, at the deadline with the condition unmet: carry it out?"""
        return True

    def accept_deal(self, view: View, gain_bn: float) -> bool:
        """At talks: accept an agreement worth ``gain_bn`` over no deal (net of the signing cost)?

        An agreement that leaves the side exactly indifferent is accepted (the usual tie-break of
        bargaining theory: a proposer leaves the responder exactly its disagreement value).
        """
        return gain_bn >= -INDIFFERENCE_BN

    @classmethod
    def series_fields(cls, actor: str, params: dict[str, Any]) -> list[str]:
        """Extra columns this policy records in series.parquet (e.g. its belief)."""
        return []

    def series_values(self) -> list[float]:
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.actor!r}, {self.params!r})"
