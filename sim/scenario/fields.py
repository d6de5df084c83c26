"""Numbers of a scenario that may be distributions, each with its physical range.

A plain number outside the range, or a distribution with more than
:data:`sim.scenario.distributions.TAIL` of its mass outside it, is refused at
its key. The ranges and their reasons are in ``docs/limits.md``.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, AllowInfNan, Strict

from sim.scenario.distributions import Dist, in_range, schema_range
from sim.scenario.numbers import MAX_DAYS, WORLD_OUTPUT_BN_PER_DAY, WORLD_OUTPUT_BN_PER_YEAR

#: Tariffs are ad-valorem rates: 10 is 1000%, seven times the highest tariff of
#: 2025 (145%, US on China, 9 April; White House).
MAX_TARIFF = 10.0
_Y = WORLD_OUTPUT_BN_PER_YEAR
_D = WORLD_OUTPUT_BN_PER_DAY

#: A share or probability, [0, 1].
ShareNumber = Annotated[Annotated[float, Strict(), schema_range(0, 1)] | Dist, in_range(0, 1)]
#: A rate per year (the discount rate), [0, 1].
RatePerYear = ShareNumber
#: Days of stock or a horizon-long duration, [0, 3650].
DaysNumber = Annotated[Annotated[float, Strict(), schema_range(0, MAX_DAYS)] | Dist, in_range(0, MAX_DAYS)]
#: A reaction lag, [0, 365] days.
LagDays = Annotated[Annotated[float, Strict(), schema_range(0, 365)] | Dist, in_range(0, 365)]
#: A flow in $bn per year, [0, world output].
BnPerYearNumber = Annotated[Annotated[float, Strict(), schema_range(0, _Y)] | Dist, in_range(0, _Y)]
#: A flow in $bn per day, [0, world output per day].
BnPerDayNumber = Annotated[Annotated[float, Strict(), schema_range(0, _D)] | Dist, in_range(0, _D)]
#: A one-off amount in $bn, [0, a year of world output].
BnNumber = BnPerYearNumber
#: An ad-valorem tariff, [0, 10].
TariffNumber = Annotated[Annotated[float, Strict(), schema_range(0, MAX_TARIFF)] | Dist, in_range(0, MAX_TARIFF)]
#: Tariff equivalent per unit of an instrument, [0, 10].
EquivalentRate = TariffNumber
#: An import demand elasticity, [0, 50].
Elasticity = Annotated[Annotated[float, Strict(), schema_range(0, 50)] | Dist, in_range(0, 50)]
#: Value lost per $ of sales or purchases lost (margin, substitution cost), [0, 5].
PerDollar = Annotated[Annotated[float, Strict(), schema_range(0, 5)] | Dist, in_range(0, 5)]
#: Alternative supply added per year, as a share of demand, [0, 10].
RampPerYear = Annotated[Annotated[float, Strict(), schema_range(0, 10)] | Dist, in_range(0, 10)]
#: Extra ramp per unit of time in shortage, [0, 100].
Acceleration = Annotated[Annotated[float, Strict(), schema_range(0, 100)] | Dist, in_range(0, 100)]
#: The gamma shape of the licence delay, [0.1, 1000].
DelayShape = Annotated[Annotated[float, Strict(), schema_range(0.1, 1000)] | Dist, in_range(0.1, 1000)]
#: The convexity of the shortage cost, [1, 10].
Convexity = Annotated[Annotated[float, Strict(), schema_range(1, 10)] | Dist, in_range(1, 10)]
#: The chance alternating-offers talks collapse each round, [0, 0.999].
Breakdown = Annotated[Annotated[float, Strict(), schema_range(0, 0.999)] | Dist, in_range(0, 0.999)]


def _not_nan(x: float) -> float:
    if math.isnan(x):
        raise ValueError("expected a number (.inf means never), found nan")
    return x


#: resolve_bn: a number, infinity ("never concedes", the default) or a distribution
Resolve = Annotated[float, Strict(), AllowInfNan(True), AfterValidator(_not_nan)] | Dist
#: An inverse export supply elasticity ω = 1/η, [0, 5] (η ≥ 0.2).
InverseSupply = Annotated[Annotated[float, Strict(), schema_range(0, 5)] | Dist, in_range(0, 5)]
#: A half-life in days, [1, 3650].
HalfLifeDays = Annotated[Annotated[float, Strict(), schema_range(1, MAX_DAYS)] | Dist, in_range(1, MAX_DAYS)]
#: Domestic output over imports at the base, [0, 100].
DomesticRatio = Annotated[Annotated[float, Strict(), schema_range(0, 100)] | Dist, in_range(0, 100)]
#: An exponent of diminishing returns, (0, 1].
Exponent = Annotated[Annotated[float, Strict(), schema_range(0.05, 1)] | Dist, in_range(0.05, 1)]
#: A motive weight, [0, 1000] (1 = counted at face value).
MotiveWeight = Annotated[Annotated[float, Strict(), schema_range(0, 1000)] | Dist, in_range(0, 1000)]
