"""The scenario: pydantic models of the YAML a user writes.

A scenario says who the actors are and which instruments each owns, how trade and
chokepoint goods flow between them, what is already on the calendar (moves,
threats, licensing regimes, summits) and what can be bargained over. Every number
that the sources disagree on may be a distribution (:mod:`sim.scenario.distributions`);
every number is finite and within a physical range (:mod:`sim.scenario.numbers`,
:mod:`sim.scenario.fields`; reasons in ``docs/limits.md``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, PrivateAttr, Strict, model_validator

from sim.scenario.base import NAME, Base
from sim.scenario.distributions import Uniform
from sim.scenario.economy import Chokepoint, TradeLink
from sim.scenario.fields import (
    BnNumber,
    Breakdown,
    LagDays,
    RatePerYear,
    Resolve,
    ShareNumber,
)
from sim.scenario.motives import Calibration, Motives
from sim.scenario.numbers import (
    MAX_DAYS,
    MAX_INT,
    MAX_ITEMS,
    MAX_NAME,
    MAX_VALUES,
    Bn,
    Date,
    Days,
    InstrumentValue,
    Interval,
    Share,
    SignedBn,
    Weight,
)

Yield = Literal["deals", "threats"]


def _yield_default() -> list[Yield]:
    return ["deals", "threats"]


# --------------------------------------------------------------------------- meta
class Meta(Base):
    """What the scenario is, when it starts, how long a run lasts."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        max_length=MAX_NAME,
        description="Short name; results go to results/<name>/.",
    )
    description: str = ""
    start: Date = Field(description="Day 0 of the simulation (ISO date).")
    horizon_days: Annotated[float, Strict()] = Field(gt=0, le=MAX_DAYS, description="Length of a run in days.")
    discount_rate_per_year: RatePerYear = Field(
        default=0.05, description="Continuous discount rate applied to payoffs (per year)."
    )
    series_every_days: Interval = Field(default=7.0, description="Spacing of the regular grid in series.parquet.")
    calendar_yields_to: list[Yield] = Field(
        default_factory=_yield_default,
        description=(
            "What stands over a scheduled calendar move (set, licensing) of the same instrument: "
            "'deals' (a deal in force) and/or 'threats' (a carried-out threat, until a deal or a step "
            "back undoes it). A move held back is logged as 'superseded'; an empty list lets the calendar win."
        ),
    )
    sources: list[str] = Field(default_factory=list)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.horizon_days)


# ------------------------------------------------------------------------ actors
class Instrument(Base):
    """A policy lever an actor owns: a tariff rate, a control tier, a share."""

    initial: InstrumentValue
    min: InstrumentValue
    max: InstrumentValue
    step: InstrumentValue = Field(default=1.0, gt=0, description="Size of one escalation step.")
    hostile: Literal["up", "down"] = Field(
        default="up", description="Direction that hurts the other side (licence approval: down)."
    )
    unit: str = ""
    description: str = ""


class PolicySpec(Base):
    """A decision rule from the policy registry, by name, with its parameters."""

    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class Audience(Base):
    """An actor's private audience-cost type (Fearon 1994; for China, Weeks 2008 and Weiss 2014).

    The type ``a`` ($bn) is drawn once per run from ``cost_bn`` (a number: known to all; a
    uniform distribution: private, the other side's prior is its range). Backing down from one
    of the actor's threats costs ``a``; signing a deal costs ``signing_multiple·a``. The other
    side's belief is truncated by what it sees: a withdrawn threat to ``[low, a*]``, a kept one
    to ``[a*, high]``, a rejected offer to types above the offer (docs/model.md §5–§6).
    """

    cost_bn: BnNumber = Field(description="The type a: the cost of backing down from a threat ($bn).")
    signing_multiple: Annotated[float, Strict()] = Field(
        default=0.0, ge=0.0, le=100.0, description="Cost of signing a deal as a multiple of a (0: signing is free)."
    )

    @model_validator(mode="after")
    def _uniform(self) -> Audience:
        if not isinstance(self.cost_bn, (int, float, Uniform)):
            raise ValueError("cost_bn must be a number or a uniform distribution (the prior is its range)")
        return self


class Actor(Base):
    """A state actor: its instruments, its policy and its private resolve."""

    description: str = ""
    instruments: dict[str, Instrument] = Field(min_length=1)
    policy: PolicySpec = PolicySpec(name="scripted")
    motives: Motives = Field(default=Motives(), description="Why the actor holds its instruments (docs/model.md §3).")
    resolve_bn: Resolve = Field(
        default=math.inf,
        description="Private resolve: accumulated loss ($bn) the actor bears before conceding (.inf: never).",
    )
    review_days: Interval = Field(default=14.0, description="Days between periodic reviews.")
    reaction_lag_days: LagDays = Field(default=1.0, description="Days between observing a move and reacting to it.")
    pre_deadline_days: Days = Field(default=2.0, description="Days before a deadline at which a target decides.")
    noise: Share = Field(default=0.0, description="Chance that a decision is replaced by a random step.")
    audience: Audience | None = Field(
        default=None, description="Private audience-cost type: backing down from threats, signing deals."
    )
    discount_rate_per_year: RatePerYear | None = Field(
        default=None,
        description=(
            "The actor's own discount rate (per year) for bargaining weights and offers (none: "
            "meta.discount_rate_per_year). Assumption: a government's rate is its cost of waiting for a deal; "
            "Binmore, Rubinstein & Wolinsky (1986) derive the bargaining weights from it."
        ),
    )


# ----------------------------------------------------------------------- calendar
class SetMove(Base):
    """An instrument change on a date."""

    type: Literal["set"]
    date: Date
    actor: str
    instrument: str
    value: InstrumentValue
    note: str = ""


class LicensingMove(Base):
    """A change of licensing regime: approval share and/or mean processing delay."""

    type: Literal["licensing"]
    date: Date
    actor: str
    approval: Share | None = None
    delay_days: Days | None = None
    approval_instrument: str = "licence_approval"
    delay_instrument: str = "licence_delay_days"
    note: str = ""


class Condition(Base):
    """What the target must do (by the deadline) for a threat not to be carried out."""

    actor: str
    instrument: str
    at_most: InstrumentValue | None = None
    at_least: InstrumentValue | None = None


class ThreatMove(Base):
    """A public threat with a deadline and a condition."""

    type: Literal["threat"]
    id: str = Field(pattern=NAME)
    actor: str = Field(description="The issuer.")
    target: str
    announced: Date
    deadline: Date
    instrument: str = Field(description="Issuer's instrument moved if the threat is carried out.")
    value: InstrumentValue | None = Field(default=None, description="Value set if carried out.")
    add: InstrumentValue | None = Field(default=None, description="Amount added if carried out.")
    condition: Condition
    audience_cost_bn: BnNumber | None = Field(
        default=None, description="Issuer's cost of backing down (none: the issuer's audience type, else 0)."
    )
    concession_cost_bn: BnNumber = Field(default=0.0, description="Target's cost of conceding.")
    note: str = ""


class ThreatTemplate(Base):
    """A threat a policy may issue: what it moves, its condition, its deadline from issue."""

    instrument: str = Field(description="Issuer's instrument moved if carried out.")
    value: InstrumentValue | None = None
    add: InstrumentValue | None = None
    condition: Condition
    deadline_days: Interval = Field(default=21.0, description="Days from issue to deadline.")
    audience_cost_bn: Bn | None = None  # none: the issuer's audience type, else 0
    concession_cost_bn: Bn = 0.0

    def threat(self, id: str, actor: str, announced: dt.date, deadline: dt.date, note: str = "") -> ThreatMove:
        """The threat this template describes, issued by ``actor``."""
        return ThreatMove(
            type="threat",
            id=id,
            actor=actor,
            target=self.condition.actor,
            announced=announced,
            deadline=deadline,
            instrument=self.instrument,
            value=self.value,
            add=self.add,
            condition=self.condition,
            audience_cost_bn=self.audience_cost_bn,
            concession_cost_bn=self.concession_cost_bn,
            note=note,
        )


class Summit(Base):
    """A dated meeting at which the parties bargain over the deal space."""

    type: Literal["summit"]
    date: Date
    parties: list[str] = Field(min_length=2, max_length=2)  # two-sided bargaining
    protocol: str = Field(
        default="nash",
        pattern=NAME,
        description="A registered bargaining protocol (sim/bargaining/): nash, alternating_offers, or one added there.",
    )
    probability_held: ShareNumber = 1.0
    round_days: Annotated[float, Strict()] = Field(
        default=1.0,
        gt=0,
        le=MAX_DAYS,
        description="Days between offers (alternating_offers; with breakdown, patience weights).",
    )
    rounds: Annotated[int, Strict()] | None = Field(
        default=None, ge=1, le=MAX_INT, description="alternating_offers: last round (none: infinite)."
    )
    breakdown: Breakdown = Field(
        default=0.0, description="Chance talks collapse each round (alternating_offers; patience weights)."
    )
    first_proposer: str | None = Field(
        default=None, description="alternating_offers: who opens (default: first party)."
    )
    note: str = ""


Move = Annotated[SetMove | LicensingMove | ThreatMove | Summit, Field(discriminator="type")]


# --------------------------------------------------------------------- deal space
class DealItem(Base):
    """An instrument the parties can bargain over, with the values on the table."""

    actor: str
    instrument: str
    values: list[InstrumentValue] = Field(min_length=1, max_length=MAX_VALUES)


class Transfer(Base):
    """A side payment in a deal (e.g. purchase commitments valued in $bn)."""

    payer: str
    payee: str
    values_bn: list[SignedBn] = Field(
        min_length=1, max_length=MAX_VALUES, description="Amounts on the table, $bn per deal."
    )


class DealSpace(Base):
    """What can be bargained over at talks (summits, deadlines, others), and for how long a deal holds."""

    duration_days: Interval = Field(default=365.0, description="How long a deal lasts (unless negotiated).")
    durations_days: list[Interval] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Durations on the table: the talks negotiate one (each valued over the longest, the deal "
        "snapping back after it); empty: duration_days.",
    )
    self_enforcing: bool = Field(
        default=True,
        description="At each review a side breaks the deal in force if reverting to the dispute is worth more "
        "to it over the deal's remaining days than keeping the deal, defection cost included.",
    )
    items: list[DealItem] = Field(default_factory=list, max_length=MAX_ITEMS)
    transfers: list[Transfer] = Field(default_factory=list, max_length=MAX_ITEMS)
    weights: Literal["equal", "patience"] | dict[str, Weight] = Field(
        default="equal",
        description="Bargaining weights: equal, by actor, or patience (from discount rates and breakdown hazard).",
    )
    threats_in_disagreement: bool = Field(
        default=True, description="Pending threats are assumed carried out if talks fail."
    )
    renew: bool = Field(default=True, description="Renegotiate at expiry; otherwise snap back.")
    defection_cost_bn: BnNumber = Field(
        default=0.0, description="Cost to a side that breaks a deal in force (reputation, audience)."
    )
    talks_after_deadlines: bool = Field(
        default=False,
        description="Talks open between issuer and target as soon as a threat's deadline is resolved "
        "(carried out or withdrawn), with the protocol of the first summit (nash if none). Off by default: "
        "with complete information every such talk ends in a deal.",
    )
    talks_per_year: float = Field(
        default=0.0,
        ge=0.0,
        le=365.0,
        description="Rate of unscheduled talks (a Poisson process; 0: talks only at summits, deadlines "
        "and when a policy calls them), with the protocol of the first summit (nash if none).",
    )


# ----------------------------------------------------------------------- scenario
class Scenario(Base):
    """A whole scenario file."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, title="tradesim scenario")

    meta: Meta
    actors: dict[str, Actor] = Field(min_length=1)
    trade_links: dict[str, TradeLink] = Field(default_factory=dict)
    chokepoints: dict[str, Chokepoint] = Field(default_factory=dict)
    calendar: list[Move] = Field(default_factory=list, max_length=MAX_ITEMS * 10)
    deal_space: DealSpace | None = None
    calibration: Calibration | None = Field(
        default=None, description="Reference state of the motive weights and of the no-dispute path."
    )

    _uncertain: list[tuple[str, Any]] = PrivateAttr(default_factory=list)

    # ------------------------------------------------------------------ helpers
    def day(self, date: dt.date) -> float:
        """Days from the scenario start to ``date``."""
        return float((date - self.meta.start).days)

    def date(self, t: float) -> dt.date:
        return self.meta.start + dt.timedelta(days=math.floor(t + 1e-9))

    @property
    def uncertain(self) -> list[tuple[str, Any]]:
        """``(dotted path, distribution)`` of every parameter sampled per run."""
        return self._uncertain

    def instrument(self, ref: str) -> Instrument:
        actor, name = ref.split(".", 1)
        return self.actors[actor].instruments[name]

    def threats(self) -> list[ThreatMove]:
        return [m for m in self.calendar if isinstance(m, ThreatMove)]
