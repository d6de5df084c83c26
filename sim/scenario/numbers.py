"""The numbers a scenario may hold: finite, not booleans, within physical bounds.

Every numeric field of the scenario and sweep schemas, and every number inside a
distribution, is one of the annotated types below. Each is a strict, finite
``float`` (an ``int`` is accepted and widened; ``True`` is not a number, nor is
the string ``"1.5"``) with bounds that no real trade negotiation comes near, so
that a scenario that validates cannot produce an absurd payoff (see
``docs/limits.md``, which gives every bound and why, and
:mod:`sim.scenario.plausibility` for the payoff bound they imply).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field, Strict

#: World output, ~$110tn a year (IMF WEO 2024): no flow, rent or one-off amount
#: between two states can exceed it, so every $bn amount is bounded by it.
WORLD_OUTPUT_BN_PER_YEAR = 110_000.0
#: The same per day (~$300bn/day).
WORLD_OUTPUT_BN_PER_DAY = 300.0
#: Ten years of days: the longest horizon (``meta.horizon_days``) and so the longest
#: duration anything in a run can span (chosen limit, see docs/limits.md).
MAX_DAYS = 3650.0
#: Largest value an instrument may take (tariff rates, tiers, shares, days, fees):
#: a chosen limit far above any instrument in use (port fees are ~$140/net ton).
MAX_INSTRUMENT = 1_000_000.0
#: Largest magnitude of any parameter of a distribution (chosen limit; the
#: field the distribution stands for bounds its values much tighter).
MAX_PARAMETER = 1e12
#: Shortest interval between recurring events (reviews, cohorts, capacity
#: updates, the series grid): one day. The calendar has day resolution; shorter
#: intervals only multiply the events of a run (1e-6 days hung a run).
MIN_INTERVAL_DAYS = 1.0
#: Largest integer in a scenario (tiers, rounds): a chosen limit.
MAX_INT = 1_000_000


def finite(lo: float, hi: float, *, gt: bool = False, description: str = "") -> object:
    """Field metadata of a finite number in ``[lo, hi]`` (``(lo, hi]`` if ``gt``)."""
    if gt:
        return Field(gt=lo, le=hi, allow_inf_nan=False, description=description or None)
    return Field(ge=lo, le=hi, allow_inf_nan=False, description=description or None)


#: Any finite number a distribution's parameter may be.
Finite = Annotated[float, Strict(), Field(ge=-MAX_PARAMETER, le=MAX_PARAMETER, allow_inf_nan=False)]
#: A positive finite number (scales, spreads, shapes).
Positive = Annotated[float, Strict(), Field(gt=0, le=MAX_PARAMETER, allow_inf_nan=False)]
#: A non-negative weight.
Weight = Annotated[float, Strict(), Field(ge=0, le=MAX_PARAMETER, allow_inf_nan=False)]
#: A share or probability.
Share = Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)]
#: A duration in days (0 allowed), at most the longest horizon.
Days = Annotated[float, Strict(), Field(ge=0, le=MAX_DAYS, allow_inf_nan=False)]
#: A recurring interval in days: at least one day (no run loops on tiny intervals).
Interval = Annotated[float, Strict(), Field(ge=MIN_INTERVAL_DAYS, le=MAX_DAYS, allow_inf_nan=False)]
#: A flow in $bn per year, at most world output.
BnPerYear = Annotated[float, Strict(), Field(ge=0, le=WORLD_OUTPUT_BN_PER_YEAR, allow_inf_nan=False)]
#: A flow in $bn per day, at most world output per day.
BnPerDay = Annotated[float, Strict(), Field(ge=0, le=WORLD_OUTPUT_BN_PER_DAY, allow_inf_nan=False)]
#: A one-off amount in $bn (cost, transfer), at most a year of world output.
Bn = Annotated[float, Strict(), Field(ge=0, le=WORLD_OUTPUT_BN_PER_YEAR, allow_inf_nan=False)]
#: A signed amount in $bn (a side payment on the table).
SignedBn = Annotated[
    float, Strict(), Field(ge=-WORLD_OUTPUT_BN_PER_YEAR, le=WORLD_OUTPUT_BN_PER_YEAR, allow_inf_nan=False)
]
#: A rate per unit (a preference weight, a tariff-equivalent rate): at most 10.
Rate = Annotated[float, Strict(), Field(ge=0, le=10, allow_inf_nan=False)]
#: An instrument's value (tariff, tier, share, days, fee).
InstrumentValue = Annotated[float, Strict(), Field(ge=-MAX_INSTRUMENT, le=MAX_INSTRUMENT, allow_inf_nan=False)]
#: A small count (tiers, rounds).
Count = Annotated[int, Strict(), Field(ge=0, le=MAX_INT)]
#: Longest list of tiers, tariff equivalents, deal items or transfers (chosen limit).
MAX_ITEMS = 1_000
#: Most values on the table for one item or transfer (chosen limit: a test of the
#: bargaining grid uses 30,001; the negotiation searches their product).
MAX_VALUES = 100_000
#: Longest name of a scenario: its results folder is named after it (filesystems
#: allow 255 bytes; 100 leaves room for the suffixes tradesim adds).
MAX_NAME = 100

#: Earliest and latest date a scenario may name (chosen limits): modern trade policy
#: starts after 1900, and every day of a run must stay inside pandas' nanosecond
#: timestamps (1677-09-21 to 2262-04-11), which 2200-12-31 does with room to spare;
#: without a bound, ``9999-12-31`` plus the horizon overflowed Python's dates.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)


def _in_era(day: dt.date) -> dt.date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"a date must lie in [{EARLIEST_DATE}, {LATEST_DATE}], found {day}")
    return day


#: A calendar date of a scenario, in [EARLIEST_DATE, LATEST_DATE].
Date = Annotated[dt.date, AfterValidator(_in_era)]
