"""Results on disk and in memory: parquet read back, manifest, determinism, schema file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim
from sim.engine.links import COMPONENTS
from sim.scenario.reference import SCHEMA_FILE, schema_text

from ..conftest import ROOT, SHIPPED

TEMPLATE = "scenarios/student_template.yaml"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    return sim.run(TEMPLATE, runs=40, seed=11, workers=1, out=out)


def test_parquet_tables_read_back(saved):
    path = saved.path
    assert path.parent.name == "student_template"
    assert sorted(p.name for p in path.iterdir()) == [
        "events.parquet",
        "manifest.json",
        "series.parquet",
        "summary.parquet",
    ]
    summary = pq.read_table(path / "summary.parquet").to_pandas()
    assert len(summary) == 40 and list(summary["run"]) == list(range(40))
    for col in (
        "run",
        "seed",
        "outcome",
        "deal_day",
        "payoff_US",
        "payoff_CN",
        "loss_consumer_US",  # the US imports under its tariff: buyers' surplus, revenue, the revenue motive
        "loss_revenue_US",
        "loss_revenue_motive_US",
        "loss_producer_CN",  # China exports: its producer surplus and short-run value added
        "loss_adjustment_CN",
        "loss_shortage_US",
        "loss_audience_CN",
        "threat_tariff_100_carried_out",
        "shortage_days_magnets",
        "actors.US.resolve_bn",
    ):
        assert col in summary.columns, col
    assert set(summary["outcome"]) <= {"deal", "escalation", "stalemate", "capitulation_US", "capitulation_CN"}
    assert summary.loc[summary.outcome != "deal", "deal_day"].isna().all()
    assert summary.loc[summary.outcome == "deal", "deal_day"].notna().all()
    # one column per loss component and actor, and no other; payoff is minus their sum
    for actor in ("US", "CN"):
        comps = [c for c in summary.columns if c.startswith("loss_") and c.endswith(f"_{actor}")]
        assert comps == [f"loss_{c}_{actor}" for c in COMPONENTS]
        assert (summary[f"payoff_{actor}"] + summary[comps].sum(axis=1)).abs().max() < 1e-9
    events = pq.read_table(path / "events.parquet").to_pandas()
    assert {"run", "t", "date", "actor", "kind", "instrument", "old", "new", "note"} <= set(events.columns)
    assert str(events["date"].iloc[0]) >= "2025-10-09"
    series = pq.read_table(path / "series.parquet").to_pandas()
    assert {"run", "t", "date", "US.tariff_on_cn", "stock_magnets", "shortfall_share_magnets"} <= set(series.columns)
    assert (series["stock_magnets"] >= 0).all()


def test_manifest_has_provenance(saved):
    m = json.loads((saved.path / "manifest.json").read_text())
    assert m["status"] == "complete" and m["seed"] == 11 and m["runs"] == 40
    assert len(m["scenario_hash"]) == 64 and m["scenario"]["meta"]["name"] == "student_template"
    assert m["versions"]["tradesim"] == sim.__version__ and "created" in m


def test_load_results_round_trip(saved):
    back = sim.load_results(saved.path)
    pd.testing.assert_frame_equal(back.summary, saved.summary)
    pd.testing.assert_frame_equal(back.events, saved.events)
    from sim.analysis.summary import summary_stats

    assert summary_stats(back.summary)["outcomes"]["share"].sum() == pytest.approx(1.0)


@pytest.mark.slow
def test_same_seed_identical_tables_for_any_worker_count():
    one = sim.run("scenarios/baseline_oct2025.yaml", runs=24, seed=5, workers=1, out=None)
    two = sim.run("scenarios/baseline_oct2025.yaml", runs=24, seed=5, workers=2, out=None)
    for a, b in ((one.summary, two.summary), (one.events, two.events), (one.series, two.series)):
        pd.testing.assert_frame_equal(a, b)
    other = sim.run("scenarios/baseline_oct2025.yaml", runs=24, seed=6, workers=1, out=None)
    assert not other.summary["actors.US.resolve_bn"].equals(one.summary["actors.US.resolve_bn"])


def test_schema_file_is_current():
    assert (ROOT / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text(), (
        "scenarios/scenario.schema.json is stale: run `tradesim schema > scenarios/scenario.schema.json`"
    )


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_point_at_the_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./scenario.schema.json"


@pytest.mark.slow
def test_cli_run_prints_summary_and_path(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "run",
            TEMPLATE,
            "--runs",
            "10",
            "--seed",
            "3",
            "--workers",
            "1",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    for heading in ("Outcomes", "Deal day", "Threats", "Days in shortage", "Payoff and loss"):
        assert heading in r.stdout
    lines = r.stdout.strip().splitlines()
    assert lines[-2].startswith("results: ") and lines[-1].startswith("report: ")
    assert (tmp_path / "student_template").is_dir()
    assert sim.load_results(lines[-2].split(": ", 1)[1]).summary.shape[0] == 10
    assert Path(lines[-1].split(": ", 1)[1]).is_file()


@pytest.mark.slow
def test_cli_schema_and_validate():
    r = subprocess.run([sys.executable, "-m", "sim", "schema"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and json.loads(r.stdout)["title"] == "tradesim scenario"
    r = subprocess.run(
        [sys.executable, "-m", "sim", "validate", *map(str, SHIPPED)], capture_output=True, text=True, cwd=ROOT
    )
    assert r.returncode == 0, r.stderr


def test_atomic_write_leaves_nothing_on_failure(tmp_path, monkeypatch):
    import sim.results.parts as parts

    def boom(path, table):
        raise OSError("disk full")

    monkeypatch.setattr(parts, "atomic_write_table", boom)
    with pytest.raises(OSError):
        sim.run(TEMPLATE, runs=3, seed=1, workers=1, out=tmp_path)
    (folder,) = list((tmp_path / "student_template").iterdir())
    # the folder says it failed; no table, no hidden temporary file is left behind
    assert sorted(p.name for p in folder.rglob("*")) == ["manifest.json", "parts"]
    assert json.loads((folder / "manifest.json").read_text())["status"] == "failed"


def test_atomic_writes_honour_the_umask(tmp_path):
    import os

    from sim.results.atomic import atomic_write_text

    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640


def test_scenario_reference_doc_is_current():
    from sim.scenario.reference import REFERENCE_FILE, reference_markdown

    assert (ROOT / REFERENCE_FILE).read_text(encoding="utf-8") == reference_markdown() + "\n", (
        "docs/scenario-reference.md is stale: run `tradesim schema --markdown > docs/scenario-reference.md`"
    )


def test_scenario_reference_doc_has_every_key_of_the_links_motives_and_calibration():
    """Each model a scenario nests has its section, with a row for every key it accepts."""
    from sim.scenario.economy import Chokepoint, TradeLink
    from sim.scenario.motives import Calibration, Farm, Motives, Protection, Security
    from sim.scenario.reference import reference_markdown
    from sim.scenario.schema import Actor, Scenario

    text = reference_markdown()
    for model in (Scenario, Actor, Motives, Protection, Farm, Security, TradeLink, Chokepoint, Calibration):
        section = text.split(f"## `{model.__name__}`\n", 1)[1].split("\n## ", 1)[0]
        rows = [line.split("|")[1].strip(" `") for line in section.splitlines() if line.startswith("| `")]
        assert rows == list(model.model_fields), model.__name__
