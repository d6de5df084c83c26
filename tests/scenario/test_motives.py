"""Motives and the calibration reference state: every reference is checked where it is written.

A motive names a trade link or chokepoint in which its actor has the role the motive is
about: protection on a link the actor imports on, farm income on a link it exports on,
security on a chokepoint it supplies. The reference state of the calibration lies before
the start and names known instruments at values within their bounds. Each problem is
reported at its file:line with its key; a scenario may calibrate weights without any
``calibration`` section, the reference then being the initial values.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from sim.engine.calibration import calibrate
from sim.engine.compile import load_scenario, scenario_from_dict
from sim.engine.core import sample_params
from sim.engine.links import reference_values
from sim.errors import ScenarioError

from ..conftest import base_dict
from .examples import motives_dict


def refused(tmp_path, d) -> tuple[dict[str, str], list[str]]:
    """The problems of ``d`` written as s.yaml, by dotted key (``file:line:col: message``), and its lines."""
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    found = {p.path: f"{p.where}: {p.message}" for p in err.value.problems}
    assert len(found) == len(err.value.problems), err.value  # one problem per key
    return found, path.read_text(encoding="utf-8").splitlines()


def line(lines: list[str], needle: str, after: str = "") -> int:
    """1-based line of the first ``needle`` at or below the first line holding ``after``."""
    start = next(i for i, text in enumerate(lines) if after in text)
    return next(i for i, text in enumerate(lines) if i >= start and needle in text) + 1


def test_a_motive_of_every_kind_in_its_role_is_accepted():
    sc = scenario_from_dict(motives_dict())
    us, cn = sc.actors["US"].motives, sc.actors["CN"].motives
    assert [p.link for p in us.protection] == ["cn_us"] and us.revenue == 1.5
    assert [f.link for f in cn.farm] == ["cn_us"] and [s.chokepoint for s in cn.security] == ["magnets"]


# (actor, kind, entry, message): the link runs CN -> US and China supplies the magnets
WRONG_ROLE = [
    (
        "CN",
        "protection",
        {"link": "cn_us", "domestic_ratio": 1.0},
        "protection needs a trade link that CN imports on: 'cn_us' runs CN -> US",
    ),
    ("US", "farm", {"link": "cn_us"}, "farm needs a trade link that US exports on: 'cn_us' runs CN -> US"),
    (
        "US",
        "security",
        {"chokepoint": "magnets"},
        "security needs a chokepoint that US supplies: 'magnets' is supplied by CN",
    ),
]


@pytest.mark.parametrize("actor, kind, entry, message", WRONG_ROLE, ids=[w[1] for w in WRONG_ROLE])
def test_a_motive_on_a_link_or_chokepoint_where_the_actor_lacks_its_role_is_refused_at_its_line(
    tmp_path, actor, kind, entry, message
):
    d = base_dict()
    d["actors"][actor]["motives"] = {kind: [entry]}
    found, lines = refused(tmp_path, d)
    key = "chokepoint" if kind == "security" else "link"
    n = line(lines, f"{key}: {entry[key]}", "motives:")
    where = f"{tmp_path / 's.yaml'}:{n}:{lines[n - 1].index(key) + 1}"  # the key's own line and column
    assert found == {f"actors.{actor}.motives.{kind}.0.{key}": f"{where}: {message}"}


@pytest.mark.parametrize(
    "actor, kind, entry, message",
    [
        (
            "US",
            "protection",
            {"link": "cn_usa", "domestic_ratio": 1.0},
            "unknown trade link 'cn_usa' (did you mean 'cn_us'?); known: cn_us",
        ),
        ("CN", "farm", {"link": "soy"}, "unknown trade link 'soy'; known: cn_us"),
        (
            "CN",
            "security",
            {"chokepoint": "magnet"},
            "unknown chokepoint 'magnet' (did you mean 'magnets'?); known: magnets",
        ),
    ],
    ids=["protection", "farm", "security"],
)
def test_a_motive_on_an_unknown_link_or_chokepoint_is_refused_with_a_suggestion(tmp_path, actor, kind, entry, message):
    d = base_dict()
    d["actors"][actor]["motives"] = {kind: [entry]}
    found, lines = refused(tmp_path, d)
    key = "chokepoint" if kind == "security" else "link"
    (path,) = found
    assert path == f"actors.{actor}.motives.{kind}.0.{key}"
    assert found[path].startswith(f"{tmp_path / 's.yaml'}:{line(lines, f'{key}: {entry[key]}', 'motives:')}:")
    assert found[path].endswith(message)


def test_a_motive_given_twice_on_one_link_is_refused_at_the_second():
    d = motives_dict()
    d["actors"]["US"]["motives"]["protection"].append({"link": "cn_us", "weight": 0.4, "domestic_ratio": 1.0})
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(d)
    (p,) = err.value.problems
    assert p.path == "actors.US.motives.protection.1.link"
    assert p.message == "protection on 'cn_us' is already given at protection.0"


def test_a_motive_weight_typo_of_calibrate_is_refused_with_a_suggestion():
    d = base_dict()
    d["actors"]["US"]["motives"] = {"revenue": "calibrat"}
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(d)
    assert str(err.value).endswith(
        "actors.US.motives.revenue: expected a number or a distribution {dist: uniform, low: ..., high: ...} "
        "or 'calibrate', found 'calibrat' (did you mean 'calibrate'?)"
    )


# ---------------------------------------------------------------- calibration
def test_calibrated_weights_without_a_calibration_section_use_the_initial_values():
    """The US tariff stands at τ = 0.3 from the start and no reference state is declared, so the
    reference is the initial state and the revenue weight ρ is the one that makes 0.3 the US's best
    tariff. With flat export supply (world price fixed) ``Q = (1+τ)^(−ε)``; the importer maximises
    ``ΔCS + ρ·ΔR`` with ``dCS/dτ = −Q`` and ``dR/dτ = Q − τεQ/(1+τ)``, so ``ρ = (1+τ)/(1+τ−τε)``."""
    d = base_dict()
    d["trade_links"]["cn_us"].update(base_tariff=0.0, supply_omega=0.0)  # no tariff at V0, flat export supply
    tau, eps = 0.3, d["trade_links"]["cn_us"]["elasticity"]
    d["actors"]["US"]["instruments"]["tariff"]["initial"] = tau
    d["actors"]["US"]["motives"] = {"revenue": "calibrate"}
    assert "calibration" not in d
    sc = scenario_from_dict(d)
    initial = {f"{a}.{n}": x.initial for a, actor in sc.actors.items() for n, x in actor.instruments.items()}
    assert reference_values(sc) == initial
    lo, hi = calibrate(sc, sample_params(sc, np.random.default_rng(0))).intervals["US.revenue"]
    assert lo == hi == pytest.approx((1 + tau) / (1 + tau - tau * eps), rel=1e-6)


def with_calibration(**calibration) -> dict:
    d = base_dict()
    d["calibration"] = {"reference_date": "2024-12-31", **calibration}
    return d


@pytest.mark.parametrize(
    "ref, message",
    [
        ("US.tarif", "actor US has no instrument 'tarif' (did you mean 'tariff'?); known: tariff"),
        ("UX.tariff", "unknown actor 'UX' in 'UX.tariff' (did you mean 'US'?)"),
    ],
    ids=["instrument", "actor"],
)
def test_a_reference_naming_an_unknown_instrument_or_actor_is_refused_at_its_key(tmp_path, ref, message):
    found, lines = refused(tmp_path, with_calibration(reference={"US.tariff": 0.0, ref: 0.1}))
    where = f"{tmp_path / 's.yaml'}:{line(lines, f'{ref}:', 'reference:')}:5"
    assert found == {f"calibration.reference.{ref}": f"{where}: {message}"}


@pytest.mark.parametrize("value", [-0.1, 2.5], ids=["below_min", "above_max"])
def test_a_reference_value_outside_the_instrument_bounds_is_refused(tmp_path, value):
    found, lines = refused(tmp_path, with_calibration(reference={"CN.approval": 1.0, "US.tariff": value}))
    where = f"{tmp_path / 's.yaml'}:{line(lines, 'US.tariff:', 'reference:')}:5"
    assert found == {
        "calibration.reference.US.tariff": f"{where}: value {value:g} is outside the bounds [0, 2] of US.tariff"
    }


@pytest.mark.parametrize("date", ["2025-01-01", "2025-02-01"], ids=["the_start", "after_the_start"])
def test_a_reference_date_not_before_the_start_is_refused(tmp_path, date):
    d = with_calibration(reference={"US.tariff": 0.0})
    d["calibration"]["reference_date"] = date
    found, lines = refused(tmp_path, d)
    assert found == {
        "calibration.reference_date": f"{tmp_path / 's.yaml'}:{line(lines, 'reference_date:')}:3: reference_date "
        f"{date} must be before the scenario start 2025-01-01: the reference state is the one that held before "
        "the dispute"
    }


def test_a_reference_the_day_before_the_start_within_the_bounds_is_accepted():
    d = with_calibration(reference={"US.tariff": 2.0, "CN.approval": 0.0}, instruments={"CN": ["controls"]})
    d["calibration"]["reference_date"] = "2024-12-31"
    cal = scenario_from_dict(d).calibration
    assert cal is not None and cal.reference == {"US.tariff": 2.0, "CN.approval": 0.0}


def test_calibrated_instruments_must_be_known(tmp_path):
    found, lines = refused(tmp_path, with_calibration(instruments={"CN": ["controls", "contrls"], "EU": ["tariff"]}))
    assert found == {
        "calibration.instruments.CN.1": f"{tmp_path / 's.yaml'}:{line(lines, '- contrls')}:7: "
        "CN has no instrument 'contrls' (did you mean 'controls'?); known: approval, controls, delay, tariff",
        "calibration.instruments.EU": f"{tmp_path / 's.yaml'}:{line(lines, 'EU:')}:5: "
        "unknown actor 'EU' (did you mean 'US'?); known: CN, US",
    }
