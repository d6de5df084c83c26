"""The pure economics under its former name: a re-export of :mod:`sim.model.trade`,
:mod:`sim.model.chokepoints` and :mod:`sim.model.welfare` (each equation lives there)."""

from __future__ import annotations

from sim.model.chokepoints import (
    at_least,
    chokepoint_inflows,
    licensed_share,
    shortage_cost_rate,
    shortfall_share,
    stock_path,
    stock_step,
    stockout_time,
)
from sim.model.trade import effective_tariff, exporter_loss, importer_loss, trade_flow
from sim.model.welfare import DAYS_PER_YEAR, discount_integral, pv_factor

__all__ = [
    "DAYS_PER_YEAR",
    "at_least",
    "chokepoint_inflows",
    "discount_integral",
    "effective_tariff",
    "exporter_loss",
    "importer_loss",
    "licensed_share",
    "pv_factor",
    "shortage_cost_rate",
    "shortfall_share",
    "stock_path",
    "stock_step",
    "stockout_time",
    "trade_flow",
]
