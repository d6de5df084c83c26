"""Restraint before talks, steps and concessions at the reference level (docs/model.md §1, §3).

The reference state is each side's calibrated best response, so the engine (i) stops a step
that would cross an instrument's reference level on that level, (ii) lets a conceding side
step back only on instruments it holds on the hostile side of their reference, and (iii)
records whether a side's own move put a calibrated instrument on the friendly side of its
reference before the first talks.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sim.analysis.summary import summary_stats
from sim.engine.compile import scenario_from_dict
from sim.engine.core import Engine, run_replication
from sim.engine.events import Event, EventKind
from sim.engine.restraint import below_reference, calibrated_instruments, first_talks
from sim.engine.world import World


def scenario(policy_us: dict | None = None, calendar: list | None = None) -> dict:
    return {
        "meta": {"name": "restraint", "start": "2025-01-01", "horizon_days": 120},
        "actors": {
            "US": {
                "instruments": {
                    "tariff": {"initial": 0.25, "min": -0.2, "max": 1.0, "step": 0.1},
                    "approval": {"initial": 0.6, "min": 0.0, "max": 1.0, "step": 0.1, "hostile": "down"},
                },
                "policy": policy_us or {"name": "scripted"},
                "motives": {"revenue": "calibrate"},
            },
            "CN": {
                "instruments": {"tariff": {"initial": 0.1, "min": -0.2, "max": 1.0, "step": 0.1}},
                "policy": {"name": "scripted"},
            },
        },
        "trade_links": {
            "cn_us": {
                "exporter": "CN",
                "importer": "US",
                "value_bn_per_year": 365,
                "tariff": "US.tariff",
                "base_tariff": 0.2,
                "elasticity": 2.0,
            },
            "us_cn": {"exporter": "US", "importer": "CN", "value_bn_per_year": 146, "tariff": "CN.tariff"},
        },
        "calendar": calendar or [],
        "calibration": {
            "reference_date": "2024-12-31",
            "reference": {"US.tariff": 0.0, "US.approval": 0.5, "CN.tariff": 0.0},
            "instruments": {"US": ["tariff", "approval"]},
        },
    }


def test_a_step_that_would_cross_the_reference_stops_on_it():
    world = World(scenario_from_dict(scenario()), {})
    assert world.reference["US.tariff"] == 0.0
    world.set("US.tariff", 0.05)
    assert world.stepped("US.tariff", -1) == 0.0  # 0.05 − 0.1 would cross 0: stops on it
    world.set("US.tariff", 0.0)
    assert world.stepped("US.tariff", -1) == pytest.approx(-0.1)  # from the reference a step goes on
    world.set("US.tariff", 0.3)
    assert world.stepped("US.tariff", -1) == 0.2  # rounded to the grid: not 0.19999999999999998
    # hostile: down — the friendly direction is up; 0.45 + 0.1 crosses 0.5
    world.set("US.approval", 0.45)
    assert world.stepped("US.approval", -1) == 0.5


def test_a_concession_steps_back_only_where_the_side_is_hostile_of_its_reference():
    sc = scenario_from_dict(scenario())
    eng = Engine(sc, {}, _seeds())
    eng.world.set("US.approval", 0.5)  # at its reference
    eng.world.refresh()
    eng.concede("US", "test")
    values = eng.world.values
    assert values["US.tariff"] == pytest.approx(0.15)  # 0.25 → one step back, still above 0
    assert values["US.approval"] == 0.5  # at the reference: no step past it


def _seeds():
    import numpy as np

    return list(np.random.SeedSequence(1).spawn(3))


def test_below_reference_counts_own_moves_before_the_first_talks_only():
    sc = scenario_from_dict(scenario())
    ref = {"US.tariff": 0.0, "US.approval": 0.5, "CN.tariff": 0.0}
    inst = calibrated_instruments(sc)
    assert inst == {"US": ["US.tariff", "US.approval"]}  # CN has no calibrated weight
    move = EventKind.MOVE
    # a cut to the reference is restraint kept; below it is not; approval above 0.5 is friendlier
    kept = [Event(3.0, "US", move, "tariff", 0.25, 0.0)]
    assert below_reference(sc, kept, ref, inst) == {"US": False, "CN": False}
    cut = [Event(3.0, "US", move, "tariff", 0.0, -0.1)]
    assert below_reference(sc, cut, ref, inst)["US"] is True
    looser = [Event(3.0, "US", EventKind.CONCESSION, "approval", 0.5, 0.6)]
    assert below_reference(sc, looser, ref, inst)["US"] is True
    # after the first talks nothing counts; calendar moves and deals never count
    late = [Event(2.0, None, EventKind.SUMMIT), Event(3.0, "US", move, "tariff", 0.0, -0.1)]
    assert first_talks(late) == 2.0
    assert below_reference(sc, late, ref, inst)["US"] is False
    imposed = [Event(1.0, "US", EventKind.CALENDAR, "tariff", 0.0, -0.2), Event(1.0, "US", EventKind.DEAL, "tariff")]
    assert below_reference(sc, imposed, ref, inst)["US"] is False
    # an uncalibrated actor's moves are not counted
    cn = [Event(3.0, "CN", move, "tariff", 0.0, -0.1)]
    assert below_reference(sc, cn, ref, inst)["CN"] is False


def test_runs_record_restraint_and_the_summary_statistics_report_its_share():
    d = scenario(calendar=[{"type": "set", "date": "2025-01-05", "actor": "US", "instrument": "tariff", "value": -0.2}])
    rows = [run_replication(scenario_from_dict(d), 3, i).summary for i in range(3)]
    assert all(r["below_reference_US"] is False for r in rows)  # a calendar move is not the side's choice
    df = pd.DataFrame(
        {"below_reference_US": [True, False, False, True], "below_reference_CN": [False, False, True, True]}
        | {c: [0.0] * 4 for c in ("payoff_US", "payoff_CN")}
        | {"outcome": ["stalemate"] * 4, "deal_day": [float("nan")] * 4}
    )
    table = summary_stats(df)["restraint"].set_index("actor")["share of runs"]
    assert table["US"] == 0.5 and table["CN"] == 0.5 and table["either side"] == 0.75
