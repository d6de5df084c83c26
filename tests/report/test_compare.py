"""``tradesim compare``: differences paired by seed (common random numbers), in a folder of its own."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis import paired as pr
from sim.cli.main import main
from sim.report.compare import compare

from ..browser import ARTIFACTS, browser_page
from .checklist import check_report_file

BASELINE = "scenarios/baseline_oct2025.yaml"
STOCKS = "chokepoints.rare_earth_magnets.initial_stock_days=56"
RUNS = 40


@pytest.fixture(scope="module")
def sets(tmp_path_factory) -> dict[str, Path]:
    """The baseline and the baseline with eight weeks of magnet stocks, same seed; a shorter run of
    the baseline (other run ids) and one with another seed."""
    tmp = tmp_path_factory.mktemp("compare")

    def run(name: str, runs: int, seed: int, *overrides: str) -> Path:
        return sim.run(BASELINE, runs=runs, seed=seed, workers=1, out=tmp / name, overrides=list(overrides)).path

    return {
        "A": run("a", RUNS, 11),
        "B": run("b", RUNS, 11, STOCKS),
        "short": run("short", RUNS // 2, 11, STOCKS),
        "other_seed": run("other", RUNS, 12, STOCKS),
    }


@pytest.fixture(scope="module")
def paired_page(sets, tmp_path_factory) -> Path:
    return compare(sets["A"], sets["B"], tmp_path_factory.mktemp("out") / "cmp", n_boot=1000)


def record(page: Path) -> dict:
    return json.loads((page.parent / "compare.json").read_text(encoding="utf-8"))


def row(rec: dict, quantity: str) -> dict:
    (r,) = [r for r in rec["differences"] if r["quantity"] == quantity]
    return r


def summary(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "summary.parquet").set_index("run").sort_index()


def test_common_random_numbers_narrow_the_interval_of_a_payoff_difference(paired_page):
    rec = record(paired_page)
    assert rec["paired"] and rec["pairs"] == RUNS and rec["pairs_dropped_failed"] == 0
    for actor in ("US", "CN"):
        r = row(rec, f"mean payoff {actor} ($bn)")
        paired, unpaired = r["paired_high"] - r["paired_low"], r["unpaired_high"] - r["unpaired_low"]
        assert 0 < paired < unpaired, (actor, paired, unpaired)
        assert r["paired_low"] <= r["b_minus_a"] <= r["paired_high"]


def test_the_paired_estimate_is_the_difference_of_the_means(sets, paired_page):
    a, b = summary(sets["A"]), summary(sets["B"])
    rec = record(paired_page)
    for actor in ("US", "CN"):
        col = f"payoff_{actor}"
        per_run = (b[col] - a[col]).mean()  # the runs' own differences, run by run
        assert row(rec, f"mean payoff {actor} ($bn)")["b_minus_a"] == pytest.approx(per_run, rel=1e-12, abs=1e-12)
        assert row(rec, f"mean payoff {actor} ($bn)")["a"] == pytest.approx(a[col].mean(), rel=1e-12)
    deal = (b["outcome"] == "deal").mean() - (a["outcome"] == "deal").mean()
    assert row(rec, "P(deal)")["b_minus_a"] == pytest.approx(deal, abs=1e-12)
    horizon = json.loads((sets["A"] / "manifest.json").read_text())["scenario"]["meta"]["horizon_days"]
    restricted = (
        b["deal_day"].fillna(horizon).clip(upper=horizon) - a["deal_day"].fillna(horizon).clip(upper=horizon)
    ).mean()
    assert row(rec, "restricted mean deal day (no deal = horizon)")["b_minus_a"] == pytest.approx(restricted, rel=1e-12)
    html = paired_page.read_text(encoding="utf-8")
    assert "Paired by run (common random numbers)" in html and f"{RUNS} pairs" in html


def test_runs_that_only_partly_overlap_are_compared_unpaired_with_the_reason(sets, tmp_path):
    page = compare(sets["A"], sets["short"], tmp_path / "cmp", n_boot=200)
    rec = record(page)
    assert not rec["paired"] and "run ids differ" in rec["pairing"]
    assert f"{RUNS // 2} run ids in common of {RUNS} (A) and {RUNS // 2} (B)" in rec["pairing"]
    assert all("paired_low" not in r for r in rec["differences"])
    html = page.read_text(encoding="utf-8")
    assert "Unpaired: the run ids differ" in html
    a, b = summary(sets["A"]), summary(sets["short"])  # unpaired: means over each set's own runs
    diff = b["payoff_US"].mean() - a["payoff_US"].mean()
    assert row(rec, "mean payoff US ($bn)")["b_minus_a"] == pytest.approx(diff, rel=1e-12)


def test_other_seeds_are_compared_unpaired(sets, tmp_path):
    rec = record(compare(sets["A"], sets["other_seed"], tmp_path / "cmp", n_boot=100))
    assert not rec["paired"] and rec["pairing"].startswith("the seeds differ (A: 11, B: 12)")


def test_the_comparison_has_a_folder_of_its_own(sets, tmp_path, monkeypatch, capsys):
    before = {f: sorted(p.name for p in sets[f].iterdir()) for f in ("A", "B")}
    monkeypatch.chdir(tmp_path)
    assert main(["compare", str(sets["A"]), str(sets["B"])]) == 0
    (made,) = (tmp_path / "results" / "compare").iterdir()
    a_id, b_id = sets["A"].name, sets["B"].name
    assert made.name == f"baseline_oct2025-{a_id}__vs__baseline_oct2025-{b_id}"
    assert sorted(p.name for p in made.iterdir()) == ["compare.html", "compare.json"]
    assert f"comparison (paired, {RUNS} pairs): " in capsys.readouterr().out
    assert {f: sorted(p.name for p in sets[f].iterdir()) for f in ("A", "B")} == before  # nothing written there


@pytest.mark.parametrize("side", ["A", "B"])
def test_an_output_folder_inside_a_result_set_is_refused(sets, side, capsys):
    code = main(["compare", str(sets["A"]), str(sets["B"]), "--out", str(sets[side] / "cmp")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and f"is inside results folder {side}" in err and "\n" not in err
    assert not (sets[side] / "cmp").exists()


def test_a_folder_compared_with_itself_says_so_and_differs_by_zero(sets, tmp_path):
    page = compare(sets["A"], sets["A"], tmp_path / "cmp", n_boot=50)
    rec = record(page)
    assert rec["same_folder"] and rec["paired"]
    for r in rec["differences"]:
        assert r["b_minus_a"] == 0 and r["paired_low"] == 0 and r["paired_high"] == 0
    assert "A and B are the same results folder" in page.read_text(encoding="utf-8")


# ---------------------------------------------------------------- failed runs and design keys


def folder_with(folder: Path, seed: int, failed: list[int], point: list[int] | None = None) -> Path:
    """Eight runs of a tiny stored result set; ``failed`` runs have an error and no values."""
    folder.mkdir(parents=True)
    scenario = {"meta": {"name": "t", "start": "2025-01-01", "horizon_days": 100.0}, "actors": {}}
    manifest = {"scenario_name": "t", "scenario": scenario, "status": "complete", "seed": seed}
    manifest["seeding"] = "SeedSequence(seed, spawn_key=(run,))"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    ok = [r not in failed for r in range(8)]
    frame = pd.DataFrame(
        {
            "run": range(8),
            "outcome": ["deal" if k else None for k in ok],
            "deal_day": [10.0 * (r + 1) if k else np.nan for r, k in enumerate(ok)],
            "payoff_A": [float(r) if k else np.nan for r, k in enumerate(ok)],
            "error": [None if k else "ValueError: boom" for k in ok],
        }
    )
    if point is not None:
        frame["point"], frame["replication"] = point, 0
    frame.to_parquet(folder / "summary.parquet")
    for table in ("events", "series"):
        pd.DataFrame({"run": pd.Series([], dtype="int64"), "t": pd.Series([], dtype="float64")}).to_parquet(
            folder / f"{table}.parquet"
        )
    return folder


def test_a_pair_is_dropped_when_either_run_failed(tmp_path):
    a = folder_with(tmp_path / "a", 1, failed=[5, 6, 7])
    b = folder_with(tmp_path / "b", 1, failed=[0, 7])
    page = compare(a, b, tmp_path / "cmp", n_boot=50)
    rec = record(page)
    assert rec["paired"] and rec["pairs"] == 4 and rec["pairs_dropped_failed"] == 4  # runs 0, 5, 6, 7
    assert row(rec, "mean payoff A ($bn)")["a"] == pytest.approx(np.mean([1, 2, 3, 4]))
    html = page.read_text(encoding="utf-8")
    assert "4 pairs (4 left out: the run failed in A, in B or in both)" in html
    assert "A: 3 failed runs left out. B: 2 failed runs left out." in html


def test_sweeps_pair_only_runs_with_the_same_design_keys(tmp_path):
    a = folder_with(tmp_path / "a", 1, failed=[], point=[0, 0, 1, 1, 2, 2, 3, 3])
    b = folder_with(tmp_path / "b", 1, failed=[], point=[0, 0, 1, 1, 2, 2, 3, 4])
    rec = record(compare(a, b, tmp_path / "cmp", n_boot=20))
    assert not rec["paired"] and rec["pairing"] == "1 of 8 runs have other (point, replication) keys in A than in B"
    assert record(compare(a, a, tmp_path / "same", n_boot=20))["paired"]


def test_other_seeding_schemes_are_not_paired():
    runs = pd.DataFrame({"run": [0, 1], "failed": [False, False]})
    scheme = {"seed": 1, "seeding": "SeedSequence(seed, spawn_key=(run,))"}
    other = {"seed": 1, "seeding": "SeedSequence(seed, spawn_key=(point, replication))"}
    assert pr.match_runs(scheme, runs, scheme, runs).paired
    assert pr.match_runs(scheme, runs, other, runs).why.startswith("the seeding schemes differ")


# ---------------------------------------------------------------- the bootstrap


def test_the_bootstrap_spread_of_a_mean_is_its_standard_error():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(2000, 2)) * [1.0, 5.0]
    boot = pr.bootstrap_means(values, 2000, np.random.default_rng(4))
    se = values.std(axis=0) / np.sqrt(len(values))
    assert boot.std(axis=0) == pytest.approx(se, rel=0.08)
    assert boot.mean(axis=0) == pytest.approx(values.mean(axis=0), abs=0.2 * se.max())


def test_a_bootstrap_of_a_hundred_thousand_runs_stays_in_bounded_memory():
    rng = np.random.default_rng(5)
    d = rng.normal(size=(100_000, 12))
    tracemalloc.start()
    boot = pr.bootstrap_means(d, 1000, np.random.default_rng(0))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 64 * 2**20, peak / 2**20  # the indices of all resamples at once would be 400 MB
    assert boot.std(axis=0) == pytest.approx(d.std(axis=0) / np.sqrt(len(d)), rel=0.1)


def test_beyond_the_bootstrap_threshold_intervals_are_normal_approximations_that_agree(monkeypatch):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(4000, 3)) * [1.0, 3.0, 10.0]
    y = x + rng.normal(scale=0.5, size=x.shape) + 1.0
    boot = pr.differences(x, y, paired=True, n_boot=2000, seed=0)
    monkeypatch.setattr(pr, "BOOTSTRAP_MAX_RUNS", 1000)
    assert pr.interval_method(len(x)) == "normal approximation"
    normal = pr.differences(x, y, paired=True, n_boot=2000, seed=0)
    for kind in ("paired", "unpaired"):
        width = normal[f"{kind}_high"] - normal[f"{kind}_low"]
        for end in ("low", "high"):  # within 5% of the interval's width, quantity by quantity
            assert (np.abs(normal[f"{kind}_{end}"] - boot[f"{kind}_{end}"]) < 0.05 * width).all(), (kind, end)
    assert (normal["paired_high"] - normal["paired_low"] < normal["unpaired_high"] - normal["unpaired_low"]).all()


# ---------------------------------------------------------------- in a browser


def test_compare_page_loads_in_chromium_with_its_figures(paired_page):
    with browser_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(paired_page.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0", timeout=30_000)
        figures = page.evaluate(
            """Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => ({
                title: d.layout.title.text, checks: (d.layout.meta || {}).checks || null,
                traces: (d.calcdata || []).length,
                hover: d.data.every(t => typeof t.hovertemplate === 'string' && t.hovertemplate.length > 0)}))"""
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "compare_paired.png"), full_page=True)
    assert errors == []
    titles = [f["title"] for f in figures]
    assert "B − A, mean payoffs: paired vs unpaired 95% intervals" in titles
    assert "Outcome labels side by side" in titles and "Time to deal (Kaplan–Meier)" in titles
    assert all(f["checks"] and f["hover"] and f["traces"] > 0 for f in figures), figures
    assert check_report_file(paired_page) == []
    assert check_report_file(paired_page, width=900, height=800) == []  # a laptop's split screen


@pytest.mark.browser
def test_an_unpaired_comparison_passes_the_figure_checklist(sets, tmp_path):
    page = compare(sets["A"], sets["other_seed"], tmp_path / "cmp", n_boot=100)
    assert check_report_file(page) == []


def test_the_payoff_histograms_of_a_and_b_share_their_bins(sets, tmp_path, monkeypatch):
    from sim.report.page import Page

    figures = []
    monkeypatch.setattr(Page, "figure", lambda self, fig, title, checks=None: figures.append((title, fig)))
    compare(sets["A"], sets["other_seed"], tmp_path / "cmp", n_boot=10)
    payoff_figures = [f for t, f in figures if t.startswith("Payoff of ")]
    assert len(payoff_figures) == 2
    for fig in payoff_figures:
        a, b = fig.data
        assert np.allclose(a.x, b.x) and np.allclose(a.width, b.width)


def test_different_horizons_compare_the_deal_day_up_to_the_shorter_one(tmp_path):
    a = folder_with(tmp_path / "a", seed=1, failed=[])
    b = folder_with(tmp_path / "b", seed=1, failed=[])
    manifest = json.loads((b / "manifest.json").read_text())
    manifest["scenario"]["meta"]["horizon_days"] = 50.0
    (b / "manifest.json").write_text(json.dumps(manifest))
    rec = record(compare(a, b, tmp_path / "cmp", n_boot=50))
    r = row(rec, "restricted mean deal day (no deal = horizon)")
    # deal days 10, 20, ..., 80 on both sides, each counted up to 50: (10+20+30+40+4·50)/8
    assert r["a"] == r["b"] == pytest.approx(37.5)
    text = (tmp_path / "cmp" / "compare.html").read_text(encoding="utf-8")
    assert "different calendars" in text and "shorter horizon (50 days)" in text


def test_the_page_names_the_overrides_that_set_b_apart(paired_page):
    text = paired_page.read_text(encoding="utf-8")
    assert f"--set {STOCKS}" in text  # B's label: what it was run with, not only its run id
