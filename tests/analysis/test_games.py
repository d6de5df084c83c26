"""Meta-games and tournaments from simulation, through the command line, rendered in a browser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication

from ..browser import ARTIFACTS, browser_page
from ..conftest import ROOT
from ..policies.test_strategic_theory import stage_game

RAISE = "best_response{rationality: 1000000, horizon_days: 30, talks: false, react: false}"


def tradesim(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd)


def line(out: str, prefix: str) -> Path:
    return Path(next(ln for ln in out.splitlines() if ln.startswith(prefix)).split(": ", 1)[1])


@pytest.fixture(scope="module")
def pd_game(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("game")
    scen = tmp / "stage.yaml"
    scen.write_text(yaml.safe_dump(stage_game(1e6)), encoding="utf-8")
    r = tradesim(
        "game",
        str(scen),
        "--policies",
        f"US=scripted,{RAISE}",
        "--policies",
        f"CN=scripted,{RAISE}",
        "--runs",
        "10",
        "--workers",
        "1",
        "--bootstrap",
        "50",
        "--out",
        str(tmp / "out"),
    )
    assert r.returncode == 0, r.stderr
    return line(r.stdout, "results: ")


def test_prisoners_dilemma_by_construction_yields_defect_defect(pd_game):
    """Holding the tariff (scripted) is 'cooperate', raising it (best response) is 'defect': the
    stage game is a prisoner's dilemma, so the meta-game's only equilibrium is both raising."""
    m = pd.read_parquet(pd_game / "matrix.parquet").set_index(["row_policy", "col_policy"])
    hold, raise_ = "scripted", next(p for p in m.index.get_level_values(0) if p.startswith("best_response"))
    us = lambda r, c: m.loc[(r, c), "payoff_US"]  # noqa: E731
    assert us(raise_, hold) > us(hold, hold) > us(raise_, raise_) > us(hold, raise_)  # PD ordering T > R > P > S
    eq = pd.read_parquet(pd_game / "equilibria.parquet")
    assert eq["equilibrium"].nunique() == 1
    chosen = eq[eq["probability"] > 0.5]
    assert set(chosen["policy"]) == {raise_} and set(chosen["actor"]) == {"US", "CN"}
    assert (eq["survival"] == 1.0).all() and (eq["share_escalation"] == 1.0).all()
    manifest = json.loads((pd_game / "manifest.json").read_text())
    assert manifest["lcp_agrees"] and manifest["runs_per_pair"] == 10
    qre = pd.read_parquet(pd_game / "qre.parquet")
    assert qre["lambda"].iloc[0] == 0 and qre["row_1"].iloc[-1] > 0.99


@pytest.mark.slow
def test_game_report_renders(pd_game):
    with browser_page() as page:
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto((pd_game / "report.html").as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3", timeout=30_000)
        n = page.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => d.data.length)")
        stars = page.evaluate(
            "(Array.from(document.querySelectorAll('.js-plotly-plot'))[0].layout.annotations || [])"
            ".filter(a => a.text === '★').length"
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "game_report.png"), full_page=True)
    assert errors == [] and len(n) == 3 and stars == 1  # one pure equilibrium marked (an annotation)


@pytest.mark.slow
def test_tournament_ranks_with_intervals(tmp_path):
    r = tradesim(
        "tournament",
        "scenarios/student_template.yaml",
        "--policies",
        "resolve,tit_for_tat,scripted",
        "--runs",
        "15",
        "--workers",
        "1",
        "--noise",
        "0.1",
        "--out",
        str(tmp_path),
    )
    assert r.returncode == 0, r.stderr
    path = line(r.stdout, "results: ")
    rank = pd.read_parquet(path / "ranking.parquet")
    assert (rank["n"] == 2 * 3 * 15).all()  # each policy: 3 opponents x 2 sides x 15 runs
    matches = pd.read_parquet(path / "matches.parquet")
    assert len(matches) == 2 * 3 * 3
    # the ranking agrees with the match table it was built from: each policy's mean payoff is
    # the run-weighted mean of its matches, and ranks follow those means
    recomputed = matches.assign(w=matches["mean"] * matches["n"]).groupby("policy")[["w", "n"]].sum()
    recomputed = (recomputed["w"] / recomputed["n"]).sort_values(ascending=False)
    assert list(rank["policy"]) == list(recomputed.index) and list(rank["rank"]) == [1, 2, 3]
    np.testing.assert_allclose(rank["mean_payoff"], recomputed.to_numpy(), rtol=1e-12)
    assert (rank["ci95_high"] - rank["ci95_low"] > 0).all()  # noise 0.1: payoffs vary between runs
    assert (path / "report.html").is_file()


@pytest.mark.slow
def test_bad_policy_names_are_clean_errors():
    r = tradesim("game", "scenarios/student_template.yaml", "--policies", "US=resolv", "--policies", "CN=resolve")
    assert r.returncode == 2 and "did you mean 'resolve'" in r.stderr and "Traceback" not in r.stderr
    r = tradesim("game", "scenarios/student_template.yaml", "--policies", "US=resolve")
    assert r.returncode == 2 and "twice" in r.stderr


def test_noise_replaces_decisions_but_respects_bounds():
    from ..conftest import base_dict

    d = base_dict()
    d["meta"]["horizon_days"] = 200
    for a in ("US", "CN"):
        d["actors"][a]["policy"] = {"name": "tit_for_tat"}
        d["actors"][a]["noise"] = 1.0
    d["calendar"].append({"type": "set", "date": "2025-01-03", "actor": "US", "instrument": "tariff", "value": 0.2})
    sc = scenario_from_dict(d)
    res = run_replication(sc, 1, 0)
    noisy = [e for e in res.events if e.note == "noise"]
    assert noisy
    for e in res.events:
        if e.instrument and e.new is not None and e.kind == "move":
            spec = sc.actors[e.actor].instruments[e.instrument]
            assert spec.min <= e.new <= spec.max
    assert run_replication(sc, 1, 0).events == res.events  # noise is seeded
