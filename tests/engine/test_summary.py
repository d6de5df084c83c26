"""The summary row: what its columns mean, checked against hand-made runs."""

from __future__ import annotations

import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication

from ..conftest import SHIPPED, base_dict


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


def test_shortfall_columns_say_what_they_measure():
    """Series: the current shortfall share σ (0–1); summary: ∫σ dt, days of demand unmet.

    Full cut-off on day 0 with approval 0: inflow 1 − s = 0.2, the 20-day stock runs out
    on day 20 / 0.8 = 25, then σ = 0.8 until the 100-day horizon.
    """
    from sim.engine.columns import series_columns

    d = base_dict()
    _set(d, "2025-01-01", "controls", 2)
    sc = scenario_from_dict(d)
    res = run_replication(sc, 1, 0)
    s, t_out, horizon = 0.8, 25.0, 100.0
    assert res.summary["unmet_demand_days_magnets"] == pytest.approx(s * (horizon - t_out), abs=1e-9)
    assert not any(k.startswith("shortfall_") for k in res.summary)
    cols = series_columns(sc)
    assert "shortfall_share_magnets" in cols and "shortfall_magnets" not in cols
    share = {row[0]: row[cols.index("shortfall_share_magnets")] for row in res.series}
    assert share[21.0] == 0.0 and share[28.0] == pytest.approx(s)


@pytest.mark.parametrize("scenario", SHIPPED, ids=lambda p: p.stem)
def test_summary_row_has_exactly_the_declared_columns_in_order(scenario):
    """summary_columns (the table's schema, fixed before the first run) and summarise agree."""
    from sim.engine.columns import summary_columns
    from sim.engine.compile import load_scenario
    from sim.engine.core import run_replication

    sc = load_scenario(scenario)
    row = run_replication(sc, 3, 0, record_series=False).summary
    assert list(row) == summary_columns(sc)


def test_loss_columns_are_the_model_components_per_actor():
    """One ``loss_<component>_<ACTOR>`` column per component of the model's payoff (``docs/model.md`` §1–§3:
    the link surplus terms, the motives, the chokepoint terms, audience costs and transfers), none of
    version 1's (``trade``, ``strategic``); threat, deal and peak columns keep their names."""
    from sim.engine.columns import summary_columns

    from .test_engine import add_threat

    components = (
        "consumer revenue producer adjustment commitment protection revenue_motive farm security "
        "shortage withheld_sales diversification audience transfer"
    ).split()
    d = base_dict()
    add_threat(d)
    d["deal_space"] = {
        "items": [{"actor": "US", "instrument": "tariff", "values": [0.0]}],
        "transfers": [{"payer": "CN", "payee": "US", "values_bn": [0.0, 1.0]}],
    }
    cols = summary_columns(scenario_from_dict(d))
    losses = [c for c in cols if c.startswith("loss_")]
    assert losses == [f"loss_{c}_{a}" for a in ("US", "CN") for c in components]
    assert "threat_t1_carried_out" in cols and "deal_US.tariff" in cols and "deal_transfer.CN.US" in cols
    assert [c for c in cols if c.startswith("peak_")] == [
        "peak_US.tariff",
        "peak_CN.tariff",
        "peak_CN.controls",
        "peak_CN.approval",
        "peak_CN.delay",
    ]
    row = run_replication(scenario_from_dict(d), 1, 0).summary
    assert list(row) == cols
