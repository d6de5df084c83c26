"""Recording series changes nothing else: the summary and the events are the same bit for bit.

The weekly grid of the series looks ahead from the last event without moving the world's
integration (``World.advance``), so a run integrates between the same instants with or without it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.engine.compile import load_scenario
from sim.engine.core import run_replication

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_summary_and_events_do_not_depend_on_series(path):
    sc = load_scenario(path)
    for run in range(6):
        with_series = run_replication(sc, 11, run, record_series=True)
        without = run_replication(sc, 11, run, record_series=False)
        assert with_series.series, "the reference path records series"
        assert not without.series
        assert with_series.events == without.events
        a, b = with_series.summary, without.summary
        assert a.keys() == b.keys()
        for key, value in a.items():
            if isinstance(value, float):
                assert np.array_equal(value, b[key], equal_nan=True), key
            else:
                assert value == b[key], key


def test_series_holds_every_grid_day_in_order():
    sc = load_scenario(SCENARIOS[0])
    res = run_replication(sc, 11, 0, record_series=True)
    days = [row[0] for row in res.series]
    step = sc.meta.series_every_days
    assert days == sorted(days)
    grid = np.arange(0.0, sc.meta.horizon_days, step)
    assert set(grid) <= set(days)
