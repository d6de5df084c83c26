"""What a policy may see of a run: a read-only view, implemented by the engine.

A policy never gets the engine. It gets a :class:`View`: its own instruments and
costs, every actor's public instruments and losses (public: they follow from
public instruments), the deal and threats in force, and projections of future
losses. Nothing here changes the run: reading a view twice gives the same answer,
and reading it at all leaves the run exactly as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date as Date
from typing import Any, Protocol

from sim.scenario.schema import ThreatMove

Change = tuple[float, str, float]  # (absolute day, instrument ref, value)


class View(Protocol):
    """The read-only view of the run a policy decides on."""

    @property
    def actor(self) -> str:
        """The actor whose policy this is."""
        ...

    @property
    def t(self) -> float:
        """Days since the scenario start."""
        ...

    # ------------------------------------------------------------ instruments
    @property
    def own_instruments(self) -> list[str]:
        """Names of the actor's own instruments."""
        ...

    @property
    def opponent(self) -> str:
        """The one other actor (an error unless the scenario has exactly two)."""
        ...

    def own(self, name: str) -> float:
        """Current value of an own instrument."""
        ...

    def value(self, ref: str) -> float:
        """Current value of any actor's instrument ``ACTOR.name`` (instruments are public)."""
        ...

    def instruments_of(self, actor: str) -> list[str]:
        """``ACTOR.instrument`` refs of any actor."""
        ...

    def step(self, name: str, direction: int) -> float:
        """Own instrument moved one step hostile (+1) or friendly (−1), within bounds."""
        ...

    def step_ref(self, ref: str, direction: int) -> float:
        """Any instrument moved one step hostile (+1) or friendly (−1), within bounds."""
        ...

    def hostility(self, actor: str, instrument: str, old: float, new: float) -> float:
        """Signed size of a move in steps: > 0 hurts the other side."""
        ...

    def locked(self, name: str) -> bool:
        """Is own instrument ``name`` fixed by the deal in force?"""
        ...

    # ----------------------------------------------------------------- losses
    @property
    def losses_bn(self) -> float:
        """Own accumulated (undiscounted) loss as of now against the no-dispute path, $bn.

        The no-dispute path holds every instrument at the calibration reference state
        (``docs/model.md`` §1): a side whose losses are no worse than that path's has 0 or less.
        """
        ...

    @property
    def loss_state(self) -> tuple[int, int]:
        """(changes of own loss rate, one-off losses) so far: while both stay the same,
        own accumulated loss follows the same curve (a straight line, bent only by short-run
        losses decaying and by the no-dispute path's own stockouts)."""
        ...

    @property
    def pain_rate(self) -> float:
        """Own current loss rate against the no-dispute path's rate now, $bn per day."""
        ...

    def loss_rate(self, actor: str) -> float:
        """Any actor's current loss rate, $bn per day."""
        ...

    def public_losses(self, actor: str) -> float:
        """Any actor's accumulated loss as of now, $bn."""
        ...

    @property
    def resolve_bn(self) -> float:
        """Own private resolve (the other side's is not visible)."""
        ...

    def conceded(self, actor: str) -> bool:
        """Has ``actor`` conceded (publicly) in this run?"""
        ...

    # ------------------------------------------------------- deals and threats
    @property
    def deal_in_force(self) -> bool: ...

    def deal_before(self) -> dict[str, float]:
        """Instrument values before the deal in force (what defection snaps back to)."""
        ...

    @property
    def defection_cost_bn(self) -> float: ...

    @property
    def last_talks(self) -> float:
        """Day of the last policy-called talks (−∞ if none)."""
        ...

    def talks_gain(self) -> float:
        """Own gain if talks were held now and both agreed (0 if no package helps both)."""
        ...

    def talks_probability(self, horizon: float) -> float:
        """P(talks open within ``horizon`` days from now): summits not yet held, threat deadlines
        (if talks follow them) and the background rate ``talks_per_year``; 0 without a deal space."""
        ...

    @property
    def bargaining_weight(self) -> float:
        """Own weight ``w_i`` in the deal space's bargaining solution (docs/model.md §4)."""
        ...

    def credibility(self, threat: ThreatMove, stakes: float) -> float:
        """P(``threat``'s issuer carries it out) when carrying it out costs the issuer ``stakes`` ($bn)
        more than backing down: ``P(a ≥ stakes)`` under the public belief over its audience type (§5)."""
        ...

    def threat_stakes(self, threat: ThreatMove) -> float:
        """``a*``: the issuer's extra projected loss over its horizon if ``threat`` is carried out now,
        as the public reckons it (no beliefs): the audience cost at which the issuer is indifferent."""
        ...

    def backdown_cost(self, threat: ThreatMove) -> float:
        """Own cost of backing down from an own threat: its own figure, else the own (true) audience type."""
        ...

    def pending_threats(self, issuer: str | None = None) -> list[ThreatMove]: ...

    def threat_value(self, threat: ThreatMove) -> tuple[str, float]:
        """(issuer's ref, value) if ``threat`` were carried out now."""
        ...

    def threat_outlook(self, threat: ThreatMove, horizon: float) -> tuple[float, float]:
        """Own undiscounted projected loss over ``horizon``: (if nothing changes, against the
        no-dispute path; extra if carried out)."""
        ...

    # ------------------------------------------------------------ projections
    def outlook(
        self,
        horizon: float,
        overrides: dict[str, Any] | None = None,
        extra: Sequence[Change] = (),
        actor: str | None = None,
        include_threats: bool = True,
    ) -> Any:
        """Projected (weighted, discounted) loss of ``actor`` (default: self) over ``horizon``."""
        ...

    def outlook_options(
        self,
        horizon: float,
        options: list[tuple[str, float]],
        extra: Sequence[Change] = (),
        relative: bool = False,
        actors: Sequence[str] | None = None,
    ) -> Any:
        """Own projected loss with no change, then with each change ``(ref, value)`` made now.

        ``actors``: the losses of each of these actors instead, one row each (a 2-D array), from
        the same projection. ``relative``: parts no option touches left out (a common offset per row).
        """
        ...

    # ---------------------------------------------------------- the scenario
    def day(self, date: Date) -> float:
        """Days from the scenario start to ``date``."""
        ...

    def date(self, t: float) -> Date:
        """The calendar date of day ``t``."""
        ...

    def param(self, x: Any) -> float:
        """The value in this run of a scenario number (sampled if a distribution)."""
        ...
