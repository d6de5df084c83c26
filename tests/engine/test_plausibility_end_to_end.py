"""The plausibility bound end to end: every loss term within its bound on real runs, and a run
beyond the bound flagged in the summary row, the printed statistics and the report."""

from __future__ import annotations

import numpy as np
import pytest

import sim
import sim.engine.core as core
from sim.analysis.summary import print_stats, summary_stats
from sim.engine.calibration import run_weights
from sim.engine.compile import load_scenario
from sim.engine.core import Engine, sample_params
from sim.engine.links import COMPONENTS
from sim.report.build import build_report
from sim.scenario.plausibility import term_bounds

from ..conftest import SHIPPED


@pytest.mark.parametrize("scenario", SHIPPED, ids=lambda p: p.stem)
def test_every_loss_term_stays_within_its_bound(scenario):
    """|loss_<component>_<actor>| ≤ that component's term of the bound, run by run (discounted
    losses are at most the undiscounted magnitudes the bound adds up), with the run's calibrated
    motive weights (drawn here and handed to the engine, as ``run_replication`` does)."""
    sc = load_scenario(scenario)
    for run in range(40):
        s_params, *seeds = np.random.SeedSequence(11, spawn_key=(run,)).spawn(4)
        rng = np.random.default_rng(s_params)
        params = sample_params(sc, rng)
        weights = run_weights(sc, params, rng)
        res = Engine(sc, params, seeds, run, record_series=False, weights=weights).run()
        row = res.summary
        issued = {a: row[f"threats_issued_{a}"] for a in sc.actors}
        deals = sum(e.kind in ("deal", "deal_renewed") for e in res.events)
        terms = term_bounds(sc, params, issued, deals, weights)
        for a in sc.actors:
            for comp in COMPONENTS:
                assert abs(row[f"loss_{comp}_{a}"]) <= terms[a][comp] * (1 + 1e-9) + 1e-9, (run, a, comp)
        assert row["plausible"]


def test_a_run_beyond_the_bound_is_flagged_everywhere(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(core, "payoff_bound", lambda *args, **kw: 1e-6)  # every real payoff exceeds it
    res = sim.run("scenarios/student_template.yaml", runs=3, seed=2, workers=1, out=tmp_path, record_series=False)
    assert (~res.summary["plausible"]).all() and (res.summary["plausibility_bound_bn"] == 1e-6).all()
    print_stats(summary_stats(res.summary))
    assert "3 of 3 runs have a payoff beyond the plausibility bound" in capsys.readouterr().out
    html = build_report(res.path).read_text(encoding="utf-8")
    assert "Implausible runs" in html and "3 of 3 runs have a payoff beyond the bound" in html


def test_plausible_runs_print_no_warning(tmp_path, capsys):
    res = sim.run("scenarios/student_template.yaml", runs=3, seed=2, workers=1, out=None, record_series=False)
    print_stats(summary_stats(res.summary))
    assert "warning" not in capsys.readouterr().out
