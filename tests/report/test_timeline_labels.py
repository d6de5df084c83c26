"""The timeline's labels point away from the figure's right edge near the end of the horizon."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sim.report.sections.timeline import lane_traces


def test_labels_late_in_the_horizon_sit_left_of_their_marker():
    df = pd.DataFrame(
        {
            "date": ["2025-10-20", "2025-11-01", "2026-09-30"],
            "lane": ["stockout"] * 3,
            "label": ["a", "b", "c"],
            "text": ["a", "b", "c"],
        }
    )
    fig = go.Figure()
    lane_traces(fig, df, "run 1", "#000000", "circle", {"stockout"}, flip="2026-07-01")
    positions = list(fig.data[0].textposition)
    assert [p.split()[1] for p in positions] == ["right", "right", "left"]
    assert [p.split()[0] for p in positions] == ["top", "bottom", "top"]  # neighbours alternate


def test_events_on_one_day_are_separate_lines_of_the_hover_with_their_text_escaped():
    df = pd.DataFrame(
        {
            "date": ["2025-10-20", "2025-10-20"],
            "lane": ["US moves"] * 2,
            "label": ["a", "b"],
            "text": ["US: move <b>x</b>", "US: move y & z"],
        }
    )
    fig = go.Figure()
    lane_traces(fig, df, "run 1", "#000000", "circle", set(), flip="2026-07-01")
    (hover,) = fig.data[0].customdata
    assert hover == "US: move &lt;b&gt;x&lt;/b&gt;<br>US: move y &amp; z"
