"""Dates, deal grids and range messages: bounded, located, exact."""

from __future__ import annotations

import pytest

from sim.cli.main import main
from sim.engine.compile import scenario_from_dict
from sim.errors import ScenarioError

from ..conftest import base_dict
from .examples import motives_dict


def refused(data) -> str:
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data)
    return str(err.value)


@pytest.mark.parametrize("start", ["9999-12-31", "1800-01-01", "2200-12-31"])
def test_dates_lie_in_the_era_and_a_run_ends_inside_it(start):
    data = base_dict()
    data["meta"]["start"] = start
    msg = refused(data)
    assert "meta.start" in msg or "meta.horizon_days" in msg
    assert "2200-12-31" in msg


def test_a_scenario_dated_9999_is_exit_2_with_its_line(tmp_path, capsys):
    text = open("scenarios/student_template.yaml").read()
    start = next(ln for ln in text.splitlines() if ln.strip().startswith("start:"))
    path = tmp_path / "late.yaml"
    path.write_text(text.replace(start, start.split(":")[0] + ": 9999-12-31", 1))
    line = text.splitlines().index(start) + 1
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"late.yaml:{line}:" in err and "9999-12-31" in err and "Traceback" not in err


def test_a_calendar_date_out_of_the_era_is_refused():
    data = base_dict()
    data.setdefault("calendar", []).append(
        {"type": "set", "date": "2999-01-01", "actor": "US", "instrument": "tariff", "value": 0.1}
    )
    assert "2200-12-31" in refused(data)


def test_a_deal_grid_of_a_million_packages_is_refused_before_talks():
    data = base_dict()
    data["deal_space"] = {
        "items": [
            {"actor": "US", "instrument": "tariff", "values": [round(0.02 * k, 2) for k in range(100)]},
            {"actor": "CN", "instrument": "tariff", "values": [round(0.02 * k, 2) for k in range(100)]},
            {"actor": "CN", "instrument": "approval", "values": [round(0.01 * k, 2) for k in range(100)]},
        ]
    }
    msg = refused(data)
    assert "deal_space" in msg and "1,000,000 packages" in msg


def test_a_range_message_shows_the_digits_that_break_the_range():
    from sim.scenario.distributions import show

    assert show(1.0000001) == "1.0000001" and show(1.0) == "1" and show(110000.0) == "110000"
    data = base_dict()
    cp = next(iter(data["chokepoints"].values()))
    cp["supplier_share"] = 1.0000001
    msg = refused(data)
    assert "found 1.0000001" in msg, msg


#: Numbers of the trade links and motives with a physical range, each given a value outside it:
#: a negative inverse supply elasticity or premium, a half-life of no days, a negative weight or
#: domestic output, no or increasing returns to denial, and huge values.
OUT_OF_RANGE = [
    (("trade_links", "cn_us", "supply_omega"), -0.1, "found -0.1"),
    (("trade_links", "cn_us", "supply_omega"), 1e9, "found 1e+09"),
    (("trade_links", "cn_us", "margin_half_life_days"), 0.0, "found 0"),
    (("trade_links", "cn_us", "margin_half_life_days"), 1e9, "found 1e+09"),
    (("trade_links", "cn_us", "purchase_premium"), -0.1, "found -0.1"),
    (("trade_links", "cn_us", "purchase_premium"), 1e9, "found 1e+09"),
    (("actors", "US", "motives", "revenue"), -1.0, "found -1"),
    (("actors", "US", "motives", "protection", 0, "weight"), 1e9, "found 1e+09"),
    (("actors", "US", "motives", "protection", 0, "domestic_ratio"), -1.0, "found -1"),
    (("actors", "US", "motives", "protection", 0, "supply_elasticity"), -1.0, "found -1"),
    (("actors", "CN", "motives", "farm", 0, "weight"), -1.0, "found -1"),
    (("actors", "CN", "motives", "security", 0, "weight"), 1e9, "found 1e+09"),
    (("actors", "CN", "motives", "security", 0, "exponent"), 0.0, "found 0"),
    (("actors", "CN", "motives", "security", 0, "exponent"), 1.5, "found 1.5"),
]


@pytest.mark.parametrize(
    "path, value, shown", OUT_OF_RANGE, ids=[f"{'.'.join(map(str, p[-2:]))}={v:g}" for p, v, _ in OUT_OF_RANGE]
)
def test_a_link_or_motive_number_outside_its_range_is_refused_at_its_key(path, value, shown):
    data = motives_dict()
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    msg = refused(data)
    assert msg.count("\n") == 0  # one problem, at the key
    assert f": {'.'.join(map(str, path))}: must lie in [" in msg and msg.endswith(shown)


def test_a_huge_reference_value_is_refused_at_its_key():
    data = motives_dict()
    data["calibration"]["reference"]["US.tariff"] = 1e9
    msg = refused(data)
    assert msg.count("\n") == 0 and "calibration.reference.US.tariff: " in msg and "1000000000.0" in msg
