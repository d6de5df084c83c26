"""Analyses read every outcome label: sensitivity outputs and the summary tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.sensitivity import output_per_point
from sim.analysis.summary import summary_stats
from sim.errors import UsageError

SUMMARY = pd.DataFrame(
    {
        "point": [0, 0, 0, 0, 1, 1],
        "outcome": ["de-escalation", "stalemate", "de-escalation", "capitulation_CN", "escalation", "deal"],
        "deal_day": [np.nan, np.nan, np.nan, np.nan, np.nan, 12.0],
        "capitulation_day": [np.nan, np.nan, np.nan, 4.0, np.nan, np.nan],
        "hostility_end": [0.1, 0.2, 0.3, 0.4, 0.9, 0.5],
    }
)


def test_every_label_is_an_output_share_per_point():
    assert output_per_point(SUMMARY, "de-escalation").tolist() == [0.5, 0.0]
    assert output_per_point(SUMMARY, "escalation").tolist() == [0.0, 0.5]
    assert output_per_point(SUMMARY, "capitulation_CN").tolist() == [0.25, 0.0]
    assert output_per_point(SUMMARY, "capitulation_US").tolist() == [0.0, 0.0]  # a label no run got


def test_capitulation_day_is_a_column_not_a_label():
    """``capitulation_day`` starts like a capitulation label but is a summary column: its mean, not a share."""
    y = output_per_point(SUMMARY, "capitulation_day")
    assert y.iloc[0] == 4.0 and np.isnan(y.iloc[1])
    assert output_per_point(SUMMARY, "hostility_end").tolist() == pytest.approx([0.25, 0.7], rel=1e-15)


def test_unknown_outputs_are_still_refused():
    with pytest.raises(UsageError, match="unknown output 'de_escalation'"):
        output_per_point(SUMMARY, "de_escalation")


def test_summary_table_lists_outcomes_in_label_order():
    table = summary_stats(SUMMARY)["outcomes"]
    assert table["outcome"].tolist() == ["deal", "capitulation_CN", "de-escalation", "stalemate", "escalation"]
    assert table["runs"].tolist() == [1, 1, 2, 1, 1]
