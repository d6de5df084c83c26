"""Sensitivity of a censored output: the deal day with no deal counted at the horizon."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis.aggregate import kaplan_meier
from sim.analysis.sensitivity import output_per_point, sensitivity
from sim.errors import UsageError

HORIZON = 100.0


def test_deal_day_is_the_restricted_mean_up_to_the_horizon():
    summary = pd.DataFrame(
        {
            "point": [0, 0, 1, 1],
            "outcome": ["deal", "stalemate", "stalemate", "stalemate"],
            "deal_day": [10.0, np.nan, np.nan, np.nan],
        }
    )
    y = output_per_point(summary, "deal_day", HORIZON)
    assert y.tolist() == [(10.0 + HORIZON) / 2, HORIZON]


def test_restricted_mean_is_the_area_under_the_kaplan_meier_curve():
    rng = np.random.default_rng(0)
    day = pd.Series(np.where(rng.random(200) < 0.6, rng.uniform(0, HORIZON, 200), np.nan))
    km = kaplan_meier(day.fillna(HORIZON).to_numpy(), day.notna().to_numpy())
    t = np.append(km["t"].to_numpy(), HORIZON)
    area = float(np.sum(np.diff(t) * km["S"].to_numpy()))  # right-continuous steps from 0 to the horizon
    y = output_per_point(pd.DataFrame({"point": 0, "outcome": "x", "deal_day": day}), "deal_day", HORIZON)
    assert y.iloc[0] == pytest.approx(area, rel=1e-12)


def test_deal_day_without_a_horizon_is_refused():
    with pytest.raises(UsageError, match="horizon"):
        output_per_point(pd.DataFrame({"point": [0], "outcome": ["deal"], "deal_day": [1.0]}), "deal_day")


def morris_folder(tmp_path):
    """A stored Morris sweep where a high first parameter takes the deal away in one replication of two.

    The deal, when it comes, always comes on day 20: only counting no-deal runs at the
    horizon lets the first parameter matter; the second does nothing.
    """
    from SALib.sample import morris as morris_sample

    spec = {
        "name": "m",
        "scenario": "x.yaml",
        "design": "morris",
        "points": 10,
        "seed": 1,
        "replications": 2,
        "outputs": ["deal_day"],
        "parameters": [{"path": "a.x", "low": 0.0, "high": 1.0}, {"path": "a.y", "low": 0.0, "high": 1.0}],
    }
    problem = {"num_vars": 2, "names": ["a.x", "a.y"], "bounds": [[0.0, 1.0], [0.0, 1.0]]}
    x = morris_sample.sample(problem, 10, num_levels=4, seed=1)
    design = pd.DataFrame(x, columns=["a.x", "a.y"]).reset_index(names="point")
    rows = []
    for p, (px, py) in enumerate(x):
        for rep in (0, 1):
            deal = rep == 0 or px < 0.5
            rows.append(
                {
                    "run": len(rows),
                    "point": p,
                    "replication": rep,
                    "error": None,
                    "sweep.a.x": px,
                    "sweep.a.y": py,
                    "outcome": "deal" if deal else "stalemate",
                    "deal_day": 20.0 if deal else np.nan,
                }
            )
    tmp_path.mkdir(parents=True, exist_ok=True)
    design.to_parquet(tmp_path / "design.parquet")
    pd.DataFrame(rows).to_parquet(tmp_path / "summary.parquet")
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {"kind": "sweep", "sweep": spec, "status": "complete", "scenario": {"meta": {"horizon_days": HORIZON}}}
        )
    )
    return tmp_path


def test_morris_mu_star_of_deal_day_sees_the_runs_without_a_deal(tmp_path):
    table, _ = sensitivity(morris_folder(tmp_path / "m"))
    mu = dict(zip(table["parameter"], table["mu_star"]))
    # elementary effect of crossing 0.5 on a.x: (100 - 20) / 2 = 40 per trajectory that crosses it
    assert mu["a.x"] > 10.0
    assert mu["a.y"] == pytest.approx(0.0, abs=1e-9)
