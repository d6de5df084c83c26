"""Cross-field checks of the scenario: each problem named with its file and line."""

from __future__ import annotations

import pytest
import yaml

from sim.engine.compile import load_scenario
from sim.errors import ScenarioError

from ..conftest import base_dict


def problems(tmp_path, d):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return str(err.value), path.read_text().splitlines()


def line_of(lines, needle, after=""):
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def test_control_tier_below_zero_is_rejected_at_its_min(tmp_path):
    d = base_dict()
    d["actors"]["CN"]["instruments"]["controls"]["min"] = -1
    text, lines = problems(tmp_path, d)
    assert f"s.yaml:{line_of(lines, 'min: -1')}:" in text
    assert "CN.controls is the control tier of chokepoint magnets: tiers start at 0" in text


def test_control_tier_above_the_last_share_is_rejected(tmp_path):
    d = base_dict()
    d["actors"]["CN"]["instruments"]["controls"]["max"] = 3
    text, lines = problems(tmp_path, d)
    assert f"s.yaml:{line_of(lines, 'licensed_share_by_tier')}:" in text
    assert "CN.controls goes up to tier 3; give a share for every tier 0..3 (4 values), found 3" in text


@pytest.mark.parametrize("n", [1, 3])
def test_exactly_two_actors(tmp_path, n):
    d = base_dict()
    if n == 1:
        del d["actors"]["CN"], d["trade_links"], d["chokepoints"]
    else:
        d["actors"]["EU"] = {"instruments": {"tariff": {"initial": 0.0, "min": 0.0, "max": 1.0}}}
    text, lines = problems(tmp_path, d)
    names = "US" if n == 1 else "US, CN, EU"
    assert f"s.yaml:{line_of(lines, 'actors:')}:" in text
    assert (
        f"tradesim models two-sided negotiations: found {n} actor{'s' if n > 1 else ''} ({names}); "
        "a scenario has exactly two"
    ) in text
