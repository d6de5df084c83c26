"""report, compare and analyze turn a corrupt results folder into one line and exit 2 (never a traceback)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import sim
from sim.cli.main import main


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    out = tmp_path_factory.mktemp("good")
    return sim.run("scenarios/student_template.yaml", runs=4, seed=3, workers=1, out=out, record_series=False).path


def corrupt(good, tmp_path, how):
    bad = tmp_path / how
    shutil.copytree(good, bad)
    if how == "manifest_list":
        (bad / "manifest.json").write_text("[1, 2, 3]")
    elif how == "summary_columns":
        pd.DataFrame({"x": [1]}).to_parquet(bad / "summary.parquet")
    elif how == "summary_bytes":
        (bad / "summary.parquet").write_bytes(b"not parquet")
    elif how == "sweep_design_bytes":
        manifest = json.loads((bad / "manifest.json").read_text())
        manifest.update(kind="sweep", tables=["summary"], sweep={"design": "morris"})
        (bad / "manifest.json").write_text(json.dumps(manifest))
        (bad / "design.parquet").write_bytes(b"not parquet")
    return bad


@pytest.mark.parametrize("how", ["manifest_list", "summary_columns", "summary_bytes", "sweep_design_bytes"])
def test_corrupt_folders_are_one_line_and_exit_2(good, tmp_path, capsys, how):
    bad = corrupt(good, tmp_path, how)
    commands = [["analyze", "sensitivity", str(bad)], ["analyze", "discover", str(bad)]]
    if how != "sweep_design_bytes":  # the pages do not read the design
        commands += [["report", str(bad)], ["compare", str(good), str(bad), "--out", str(tmp_path / "cmp")]]
    for argv in commands:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert err.startswith("tradesim: ") and "\n" not in err and "Traceback" not in err, (argv, err)
        assert str(bad) in err, (argv, err)
