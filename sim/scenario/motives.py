"""Motives and calibration as a scenario declares them (``docs/model.md`` §3).

Each actor may declare motives: protection of import-competing producers on a link it
imports on, a revenue weight on its tariff revenue, farm income on a link it exports on,
and security on a chokepoint it supplies. A weight is a number (cited), a distribution,
or ``calibrate``: solved by revealed preference so that the scenario's declared
non-cooperative reference state is each actor's best response (``tradesim calibrate``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict

from sim.scenario.base import Base, InstrumentRef
from sim.scenario.fields import DomesticRatio, Elasticity, Exponent, MotiveWeight
from sim.scenario.numbers import MAX_ITEMS, Date, InstrumentValue

#: A motive weight: a number or distribution, or ``calibrate`` (solved from the reference state).
WeightSpec = Annotated[Literal["calibrate"] | MotiveWeight, Field(description="A weight, or 'calibrate'.")]


class Protection(Base):
    """Weight θ on import-competing producers' surplus on a link (Grossman & Helpman 1994)."""

    link: str = Field(description="A trade link the actor imports on.")
    weight: WeightSpec = "calibrate"
    domestic_ratio: DomesticRatio = Field(
        description="z0: domestic output over imports at the base, both at domestic prices."
    )
    supply_elasticity: Elasticity = Field(default=1.0, description="kappa: elasticity of domestic supply.")


class Farm(Base):
    """Extra weight on the exporter's growers' income on a link (purchases, prices, short-run losses)."""

    link: str = Field(description="A trade link the actor exports on.")
    weight: WeightSpec = 1.0


class Security(Base):
    """Value the supplier puts on denying the consumer a chokepoint good: ``w·var·δ^β``."""

    chokepoint: str = Field(description="A chokepoint the actor supplies.")
    weight: WeightSpec = "calibrate"
    exponent: Exponent = Field(default=0.5, description="beta: diminishing returns to the share denied.")


class Motives(Base):
    """Why an actor holds its instruments; every term is reported separately."""

    revenue: WeightSpec = Field(
        default=1.0, description="rho_R: weight on the actor's tariff revenue (1 = face value, Johnson 1953)."
    )
    protection: list[Protection] = Field(default_factory=list, max_length=MAX_ITEMS)
    farm: list[Farm] = Field(default_factory=list, max_length=MAX_ITEMS)
    security: list[Security] = Field(default_factory=list, max_length=MAX_ITEMS)


class Calibration(Base):
    """The non-cooperative reference state the motive weights are calibrated to.

    The reference state has no agreement in force and lies before the scenario start;
    instruments not listed are at their ``initial`` value. It is also the no-dispute
    path against which pain, resolve and the outcome measures are taken.
    """

    reference_date: Date = Field(description="When the reference state held (before meta.start).")
    reference: dict[InstrumentRef, InstrumentValue] = Field(
        default_factory=dict, description="ACTOR.instrument: its value at the reference state."
    )
    instruments: dict[str, list[str]] = Field(
        default_factory=dict,
        description="ACTOR: [instrument, ...] whose reference levels are revealed choices "
        "(default: the instruments the actor's policy moves).",
    )
    file: str | None = Field(
        default=None, description="Calibration record written by `tradesim calibrate` (relative to this file)."
    )
    talks_per_year: Annotated[float, Strict()] = Field(
        default=0.0,
        ge=0.0,
        le=365.0,
        description="Rate of talks at the reference date: with it, each option is valued with the leverage "
        "term as the strategic policies value it (0: no talks then, the own loss alone).",
    )
    note: str = ""
