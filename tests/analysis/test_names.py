"""Older results folders: ``shortfall_`` columns read under today's names."""

from __future__ import annotations

import pandas as pd

from sim.analysis.tables import current_names


def test_series_shortfall_is_a_share_and_summary_shortfall_is_unmet_demand_days():
    series = pd.DataFrame(columns=["run", "t", "stock_magnets", "shortfall_magnets"])
    summary = pd.DataFrame(columns=["run", "shortage_days_magnets", "shortfall_magnets"])
    assert list(current_names(series, "series").columns) == ["run", "t", "stock_magnets", "shortfall_share_magnets"]
    assert list(current_names(summary, "summary").columns) == [
        "run",
        "shortage_days_magnets",
        "unmet_demand_days_magnets",
    ]


def test_new_names_are_left_alone():
    series = pd.DataFrame(columns=["shortfall_share_magnets"])
    summary = pd.DataFrame(columns=["unmet_demand_days_magnets"])
    assert list(current_names(series, "series").columns) == ["shortfall_share_magnets"]
    assert list(current_names(summary, "summary").columns) == ["unmet_demand_days_magnets"]
