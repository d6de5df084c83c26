"""Registry contract for designs: every registered design gives points inside the bounds
of every parameter, and a sweep file naming an unknown design points at its line."""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.experiments.designs.base import REGISTRY, design_matrix
from sim.experiments.sweepfile import SweepSpec, load_sweep

PARAMETERS = [{"path": "a", "low": -2.0, "high": 3.0}, {"path": "b", "low": 10, "high": 60}]


@pytest.mark.parametrize("name", REGISTRY.names())
def test_every_design_gives_points_in_bounds(name):
    d = REGISTRY[name]
    params = PARAMETERS if d.takes_parameters else []
    spec = SweepSpec(name="t", scenario="-", design=name, points=16, seed=2, parameters=params)
    x = design_matrix(spec)
    assert list(x.columns) == [p["path"] for p in params]
    assert len(x) >= 1 and list(x.index) == list(range(len(x)))
    for p in params:
        col = x[p["path"]].to_numpy(float)
        assert np.isfinite(col).all() and col.min() >= p["low"] and col.max() <= p["high"], (name, p["path"])
    if params:  # a design explores: not every point is the same
        assert x.drop_duplicates().shape[0] > 1
    again = design_matrix(spec)
    assert x.equals(again), "a design is a function of the spec (seeded)"


@pytest.mark.parametrize(
    "name", [n for n in REGISTRY.names() if REGISTRY[n].takes_parameters and not REGISTRY[n].needs_range]
)
def test_designs_that_take_values_pick_among_them(name):
    spec = SweepSpec(
        name="t", scenario="-", design=name, points=12, seed=1, parameters=[{"path": "p", "values": ["x", "y", "z"]}]
    )
    assert set(design_matrix(spec)["p"]) <= {"x", "y", "z"}


def test_grid_is_the_full_factorial():
    spec = SweepSpec(
        name="t",
        scenario="-",
        design="grid",
        parameters=[{"path": "a", "values": [1, 2, 3]}, {"path": "b", "low": 0, "high": 1, "num": 3}],
    )
    x = design_matrix(spec)
    assert len(x) == 9 and sorted(set(x["b"])) == [0.0, 0.5, 1.0]


def test_no_parameters_is_one_point_whatever_the_design():
    for name in REGISTRY.names():
        assert design_matrix(SweepSpec(name="t", scenario="-", design=name)).shape == (1, 0)


def test_unknown_design_points_at_the_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("name: x\nscenario: s.yaml\ndesign: sobel\n")
    with pytest.raises(ScenarioError) as exc:
        load_sweep(p)
    msg = str(exc.value)
    assert f"{p}:3:" in msg and "unknown design 'sobel' (did you mean 'sobol'?)" in msg and "monte_carlo" in msg


def test_monte_carlo_takes_no_parameters(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("name: x\nscenario: s.yaml\ndesign: monte_carlo\nparameters:\n  - {path: a, values: [1]}\n")
    with pytest.raises(ScenarioError, match="monte_carlo takes no parameters"):
        load_sweep(p)
