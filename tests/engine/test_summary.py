"""The summary row: what its columns mean, checked against hand-made runs."""
from __future__ import annotations

import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication

from ..conftest import base_dict


def _set(d, day, instrument, value):
    d["calendar"].append({"type": "set", "date": day, "actor": "CN", "instrument": instrument, "value": value})


def test_peak_is_the_most_hostile_level_reached():
    """``peak_<ref>`` is the most hostile level: the maximum when hostile is up, the minimum when down."""
    d = base_dict()
    d["actors"]["CN"]["instruments"]["approval"]["initial"] = 1.0  # hostile: down
    _set(d, "2025-01-11", "approval", 0.2)
    _set(d, "2025-01-21", "approval", 0.8)
    _set(d, "2025-01-11", "tariff", 0.7)  # hostile: up
    _set(d, "2025-01-21", "tariff", 0.3)
    res = run_replication(scenario_from_dict(d), 1, 0)
    assert res.summary["peak_CN.approval"] == pytest.approx(0.2)
    assert res.summary["peak_CN.tariff"] == pytest.approx(0.7)
    assert res.summary["peak_CN.controls"] == 0  # never moved: its initial value
