"""The economy of a scenario: trade links and chokepoint goods (``docs/model.md`` §2, DESIGN §3.3)."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field, Strict, model_validator

from sim.scenario.base import Base, InstrumentRef
from sim.scenario.fields import (
    Acceleration,
    BnPerDayNumber,
    BnPerYearNumber,
    Convexity,
    DaysNumber,
    DelayShape,
    Elasticity,
    EquivalentRate,
    HalfLifeDays,
    InverseSupply,
    PerDollar,
    RampPerYear,
    ShareNumber,
    TariffNumber,
)
from sim.scenario.numbers import MAX_ITEMS, Interval, Share


# ------------------------------------------------------------------- trade links
class TariffEquivalent(Base):
    """A non-tariff instrument (port fees) acting as an ad-valorem tariff equivalent."""

    instrument: InstrumentRef
    rate: EquivalentRate = Field(description="Tariff equivalent per unit of the instrument.")


class TradeLink(Base):
    """Goods trade exporter -> importer, taxed by the importer's tariff instrument.

    The total tariff is ``base_tariff + instrument``; surplus changes are exact for
    constant-elasticity demand and export supply (``docs/model.md`` §2).
    """

    exporter: str
    importer: str
    description: str = ""
    value_bn_per_year: BnPerYearNumber = Field(
        description="Trade value V0 at world prices, at the base tariff ($bn/yr)."
    )
    tariff: InstrumentRef | None = None
    base_tariff: TariffNumber = Field(
        default=0.0, description="Total tariff tau0 in force when V0 was observed; the instrument adds to it."
    )
    elasticity: Elasticity = Field(default=2.5, description="Import demand elasticity epsilon.")
    supply_omega: InverseSupply = Field(
        default=0.0,
        description="Inverse export supply elasticity omega = 1/eta (0: flat supply, full pass-through).",
    )
    margin: PerDollar = Field(default=0.3, description="Exporter's short-run value added lost per $ of lost sales.")
    margin_half_life_days: HalfLifeDays = Field(
        default=180.0, description="Half-life of the short-run loss on lost sales (days)."
    )
    adjustment_at_start: ShareNumber = Field(
        default=1.0,
        description="Share of the short-run loss on the sales lost between the reference state and the start "
        "still to be borne at the start (1: the start's tariffs are new; 0: their short-run cost is past).",
    )
    quota: InstrumentRef | None = Field(
        default=None, description="Instrument: purchase commitment, a floor on the quantity as a share of Q0."
    )
    purchase_premium: PerDollar = Field(
        default=0.0, description="Importer's cost per $ of committed purchases above the market quantity."
    )
    tariff_equivalents: list[TariffEquivalent] = Field(default_factory=list, max_length=MAX_ITEMS)


# -------------------------------------------------------------------- chokepoints
class Alternative(Base):
    """Supply outside the supplier's reach that the consumer can build up."""

    ramp_per_year: RampPerYear = Field(default=0.0, description="Added share of demand per year.")
    acceleration: Acceleration = Field(
        default=0.0, description="Extra ramp per unit of time spent in shortage (x ramp)."
    )
    max_share: ShareNumber = Field(default=1.0, description="Ceiling of added alternative supply.")
    review_days: Interval = Field(default=30.0, description="Days between capacity updates.")


class Chokepoint(Base):
    """A good the supplier can withhold from the consumer through licensing."""

    supplier: str
    consumer: str
    description: str = ""
    supplier_share: ShareNumber = Field(description="Supplier's share s of the consumer's supply.")
    initial_stock_days: DaysNumber = Field(description="Stock I0 in days of demand.")
    private_stock: bool = Field(
        default=False,
        description="The consumer's initial stock is its private information; the other side's prior is uniform "
        "on the range of initial_stock_days (its distribution's support; a number: known).",
    )
    control: InstrumentRef = Field(description="Supplier's control-tier instrument.")
    licensed_share_by_tier: list[Share] = Field(
        min_length=1, max_length=MAX_ITEMS, description="Share of the supplier's flow needing a licence, by tier."
    )
    approval: InstrumentRef = Field(description="Instrument: share of applications approved.")
    delay_days: InstrumentRef = Field(description="Instrument: mean processing delay (days).")
    delay_shape: DelayShape = Field(default=4.0, description="Gamma shape of the processing delay.")
    cohort_days: Interval = Field(default=7.0, description="Applications are filed in cohorts.")
    third_country_content: ShareNumber = Field(
        default=0.0, description="Share of other supply with supplier-origin content."
    )
    extraterritorial_from_tier: Annotated[int, Strict(), Field(ge=0, le=MAX_ITEMS)] | None = Field(
        default=None, description="Tier from which the extraterritorial rule reaches that content."
    )
    value_at_risk_bn_per_day: BnPerDayNumber = Field(
        description="Consumer's downstream output that depends on the good ($bn/day)."
    )
    gamma: Convexity = Field(default=2.0, description="Convexity of the shortage cost g = sigma^gamma.")
    supplier_revenue_bn_per_year: BnPerYearNumber = Field(
        default=0.0, description="Supplier's export revenue from this flow at full supply."
    )
    supplier_rent_bn_per_year: BnPerYearNumber = Field(
        default=0.0, description="Supplier's long-run rent per unit share of demand lost."
    )
    alternative: Alternative = Alternative()

    @model_validator(mode="after")
    def _private_stock_prior(self) -> Chokepoint:
        x = self.initial_stock_days
        if self.private_stock and not isinstance(x, (int, float)):
            lo, hi = x.bounds()
            if not (math.isfinite(lo) and math.isfinite(hi)):
                raise ValueError(
                    "initial_stock_days must be a number or a distribution with bounded support when private_stock "
                    f"is true (the prior is uniform on its range); found a {x.dist} distribution on [{lo:g}, {hi:g}]"
                )
        return self
