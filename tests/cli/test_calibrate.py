"""``tradesim calibrate``: the table, the record file (atomic, with provenance), ``--check``, and errors."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
import yaml

from sim.cli.calibrate import HEADER, METHOD
from sim.cli.main import main
from sim.engine.calibration import calibrate, calibrated_keys, central_params
from sim.engine.compile import load_scenario
from sim.results.provenance import tradesim_version

from ..conftest import SHIPPED
from ..engine.test_calibration_theory import calib_world

CALIBRATED = [p for p in SHIPPED if calibrated_keys(load_scenario(p))]


def write_scenario(tmp_path, d: dict, name: str = "world.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    return path


def interval_world() -> dict:
    """Revenue pinned by the tariff, security in an interval from the control tier."""
    return calib_world(
        motives={"revenue": "calibrate", "security": [{"chokepoint": "chips", "weight": "calibrate"}]},
        instruments=["tariff", "controls"],
    )


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_shipped_scenarios_have_calibrated_weights():
    assert {p.stem for p in CALIBRATED} == {"baseline_oct2025", "april2025_licensing", "student_template"}


@pytest.mark.parametrize("path", CALIBRATED, ids=lambda p: p.name)
def test_shipped_calibration_records_are_current(capsys, path):
    code, out, err = cli(capsys, "calibrate", path, "--check")
    assert code == 0, f"{err}\nrun `tradesim calibrate {path.relative_to(path.parent.parent)}` and commit the record"
    assert out.strip().endswith("current")


def test_writes_the_record_and_prints_the_table(capsys, tmp_path):
    path = write_scenario(tmp_path, interval_world())
    code, out, err = cli(capsys, "calibrate", path)
    assert (code, err) == (0, "")
    target = tmp_path / "world.calibration.yaml"
    assert f"record: {target}" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["world.calibration.yaml", "world.yaml"]  # no temporary
    sc = load_scenario(path)
    cal = calibrate(sc, central_params(sc))
    (rho, _), (lo, hi) = cal.intervals["US.revenue"], cal.intervals["US.security.chips"]
    table = {line.split()[0]: line for line in out.splitlines() if line.startswith("US.")}
    assert table["US.revenue"].split()[1:] == [f"{rho:.6g}", "US.tariff", "(equality)", "point"]
    assert f"[{lo:.6g}, {hi:.6g}]" in table["US.security.chips"]
    assert table["US.security.chips"].endswith("US.controls (inequality)  interval")
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0] == HEADER
    rec = yaml.safe_load(text)
    assert rec["weights"]["US.revenue"]["kind"] == "point"
    assert rec["weights"]["US.revenue"]["value"] == pytest.approx(rho, rel=1e-7)
    sec = rec["weights"]["US.security.chips"]
    assert (sec["kind"], sec["low"], sec["high"]) == (
        "interval",
        pytest.approx(lo, rel=1e-7),
        pytest.approx(hi, rel=1e-7),
    )
    assert [(s["instrument"], s["restriction"], s["gives"]) for s in sec["identified_by"]] == [
        ("US.controls", "inequality", "a lower bound"),
        ("US.controls", "inequality", "an upper bound"),
    ]
    assert rec["scenario"] == {
        "name": "calib",
        "path": "world.yaml",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    assert rec["tradesim_version"] == tradesim_version()
    assert rec["method"] == METHOD == "revealed preference at the reference state (Ossa 2014), no leverage term"
    assert str(rec["reference_date"]) == "2024-12-31"
    assert "median" in rec["parameters"]["at"]
    assert "recalibrates" in rec["note"]
    assert rec["flags"] == []
    assert text.splitlines()[-1].startswith("written: '")


def test_check_finds_a_record_current_missing_or_stale(capsys, tmp_path):
    path = write_scenario(tmp_path, interval_world())
    target = tmp_path / "world.calibration.yaml"
    code, _out, err = cli(capsys, "calibrate", path, "--check")
    assert code == 1 and "missing" in err and not target.exists()
    assert cli(capsys, "calibrate", path)[0] == 0
    # the written date is not compared
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("written: '", "written: '1999"), encoding="utf-8")
    assert cli(capsys, "calibrate", path, "--check")[0] == 0
    # anything else is: a new parameter value changes the weights, a new comment the scenario's hash
    before = target.read_bytes()
    code, _out, err = cli(capsys, "calibrate", path, "--check", "--set", "trade_links.cn_us.elasticity=3.0")
    assert code == 1 and "out of date" in err and "--set trade_links.cn_us.elasticity=3.0" in err
    with open(path, "a", encoding="utf-8") as f:
        f.write("# a comment\n")
    code, _out, err = cli(capsys, "calibrate", path, "--check")
    assert code == 1 and "out of date" in err
    assert target.read_bytes() == before  # --check writes nothing


def test_the_record_goes_where_calibration_file_says(capsys, tmp_path):
    d = interval_world()
    d["calibration"]["file"] = "records/w.yaml"
    (tmp_path / "records").mkdir()
    path = write_scenario(tmp_path, d)
    assert cli(capsys, "calibrate", path)[0] == 0
    rec = yaml.safe_load((tmp_path / "records" / "w.yaml").read_text(encoding="utf-8"))
    assert rec["scenario"]["path"] == "../world.yaml"
    assert cli(capsys, "calibrate", path, "--check")[0] == 0


@pytest.mark.parametrize(
    ("override", "says"),
    [
        ("trade_links.cn_us.base_tariff=1.0", ["US.revenue", "US.tariff", "negative weight"]),
        ("actors.US.instruments.controls.initial=3", ["US.security.chips", "US.controls", "from below"]),
        ("calibration.instruments.US=[tarif]", ["calibration.instruments.US", "tarif"]),
    ],
)
def test_a_reference_no_weight_rationalises_exits_2_and_keeps_the_record(capsys, tmp_path, override, says):
    path = write_scenario(tmp_path, interval_world())
    assert cli(capsys, "calibrate", path)[0] == 0
    target = tmp_path / "world.calibration.yaml"
    before = target.read_bytes()
    code, out, err = cli(capsys, "calibrate", path, "--set", override)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and all(s in err for s in says), err
    assert target.read_bytes() == before


def test_errors_print_one_line_and_no_traceback(tmp_path):
    path = write_scenario(tmp_path, calib_world(eps=4.0, tau0=1.0))
    r = subprocess.run(
        [sys.executable, "-m", "sim", "calibrate", str(path)], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "US.revenue" in r.stderr and "US.tariff" in r.stderr
    assert not (tmp_path / "world.calibration.yaml").exists()


def test_a_scenario_without_calibrated_weights_says_so(capsys, tmp_path):
    path = write_scenario(tmp_path, calib_world(motives={"revenue": 1.2}))
    code, out, _err = cli(capsys, "calibrate", path)
    assert code == 0 and "nothing to calibrate" in out
    assert not (tmp_path / "world.calibration.yaml").exists()
    assert cli(capsys, "calibrate", path, "--check")[0] == 0


def test_flags_are_warnings_and_part_of_the_record(capsys, tmp_path):
    """Protection with constant-elasticity demand: the upper bound beats the calibrated interior reference."""
    motives = {"revenue": 1.0, "protection": [{"link": "cn_us", "weight": "calibrate", "domestic_ratio": 1.0}]}
    path = write_scenario(tmp_path, calib_world(eps=2.0, tau0=0.1, motives=motives))
    code, _out, err = cli(capsys, "calibrate", path)
    assert code == 0
    assert "warning: US.tariff: the bound 3 is worth" in err and "(bound_wins)" in err
    rec = yaml.safe_load((tmp_path / "world.calibration.yaml").read_text(encoding="utf-8"))
    assert [(f["instrument"], f["kind"], f["best"]) for f in rec["flags"]] == [("US.tariff", "bound_wins", 3.0)]


def test_other_files_are_not_overwritten(capsys, tmp_path):
    d = interval_world()
    d["calibration"]["file"] = "notes.yaml"
    path = write_scenario(tmp_path, d)
    (tmp_path / "notes.yaml").write_text("mine: true\n", encoding="utf-8")
    code, _out, err = cli(capsys, "calibrate", path)
    assert code == 2 and "not a calibration record" in err
    assert (tmp_path / "notes.yaml").read_text(encoding="utf-8") == "mine: true\n"
    d["calibration"]["file"] = "world.yaml"
    path = write_scenario(tmp_path, d)
    code, _out, err = cli(capsys, "calibrate", path)
    assert code == 2 and "scenario file itself" in err
