"""The run explorer: which runs it shows, what it embeds, ``tradesim report --run``, and the page in
a real browser (stepping through events, switching runs, scenario text shown as text)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
import sim.analysis.aggregate as agg
from sim.analysis.runs import choose_runs, run_story, state_columns
from sim.cli.main import main
from sim.report.build import build_report
from sim.report.sections.explorer import script_json
from sim.results.table import StoredTable

from ..browser import browser_page
from ..conftest import ROOT

NASTY = '</script><img src=x onerror="window.__pwned = 1"><!-- & \u2028'


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    """A small Monte Carlo of the shipped baseline, the first calendar move's note made hostile."""
    tmp = tmp_path_factory.mktemp("explorer")
    d = yaml.safe_load((ROOT / "scenarios" / "baseline_oct2025.yaml").read_text())
    first_set = next(m for m in d["calendar"] if m["type"] == "set")
    first_set["note"] = NASTY
    p = tmp / "nasty.yaml"
    p.write_text(yaml.safe_dump(d), encoding="utf-8")
    return sim.run(p, runs=24, seed=11, workers=1, out=tmp / "results").path


def test_chosen_runs_are_the_representative_run_and_the_outliers():
    summary = pd.DataFrame(
        {
            "run": [10, 11, 12, 13, 14, 15],
            "outcome": ["deal", "deal", "capitulation_CN", "deal", "stalemate", "deal"],
            "deal_day": [5.0, 80.0, np.nan, 20.0, np.nan, 21.0],
            "payoff_US": [-1.0, -9.0, -3.0, -2.0, -2.5, -2.1],
            "payoff_CN": [0.0, 4.0, -8.0, 1.0, 0.9, 1.1],
        }
    )
    chosen = dict(choose_runs(summary))
    rep = agg.representative_run(summary)
    assert next(iter(chosen)) == rep and chosen[rep].startswith("representative")
    assert "lowest payoff of US" in chosen[11] and "highest payoff of CN" in chosen[11] and "latest deal" in chosen[11]
    assert "highest payoff of US" in chosen[10]
    assert "lowest payoff of CN" in chosen[12] and "capitulation of CN" in chosen[12]
    assert chosen[14].endswith("no deal (stalemate)")
    assert len(chosen) == len(set(chosen))  # each run once
    first = choose_runs(summary, first=13)
    assert first[0] == (13, "chosen")


def test_a_run_story_holds_only_that_runs_rows_in_time_order(small_run):
    events = pd.read_parquet(small_run / "events.parquet")
    series = pd.read_parquet(small_run / "series.parquet")
    story = run_story(StoredTable.of(small_run / "events.parquet"), StoredTable.of(small_run / "series.parquet"), 5)
    mine = events[events["run"] == 5]  # in the file's order, which is the order they happened in
    assert story["events"]["kind"] == mine["kind"].tolist()
    assert story["events"]["t"] == pytest.approx(mine["t"].tolist())
    of_run = series[series["run"] == 5]
    assert story["series"]["t"] == pytest.approx(of_run["t"].tolist())
    cols = state_columns(list(series.columns))
    assert "hostility" in cols and "US.tariff_on_cn" in cols and not any(c.startswith("belief_") for c in cols)
    assert story["series"]["hostility"] == pytest.approx(of_run["hostility"].tolist(), rel=1e-3)


def test_embedded_json_cannot_close_its_script_element():
    text = script_json({"note": NASTY, "x": [1.5, None]})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"note": NASTY, "x": [1.5, None]}


def test_report_run_writes_its_own_page_and_leaves_report_html_alone(small_run, capsys):
    build_report(small_run)
    before = (small_run / "report.html").read_bytes()
    assert main(["report", str(small_run), "--run", "7"]) == 0
    page = small_run / "report-run-7.html"
    assert page.is_file() and str(page) in capsys.readouterr().out
    assert (small_run / "report.html").read_bytes() == before
    html = page.read_text(encoding="utf-8")
    data = json.loads(html.split('id="explorer-data">', 1)[1].split("</script>", 1)[0])
    assert data["runs"][0]["run"] == 7 and data["runs"][0]["why"].startswith("chosen")


@pytest.mark.parametrize("bad", ["24", "-1", "1000"])
def test_an_unknown_run_is_a_one_line_error_naming_the_valid_runs(small_run, capsys, bad):
    before = sorted(p.name for p in small_run.iterdir())
    assert main(["report", str(small_run), "--run", bad]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith(f"tradesim: --run {bad}: no such finished run")
    assert err.endswith("runs 0–23")
    assert sorted(p.name for p in small_run.iterdir()) == before  # nothing written


def _events_shown(small_run: Path, run: int) -> pd.DataFrame:
    ev = pd.read_parquet(small_run / "events.parquet")
    ev = ev[(ev["run"] == run) & (ev["kind"] != "licence_decided")]
    return ev.sort_values("t", kind="stable").reset_index(drop=True)


def _state_at(small_run: Path, run: int, t: float) -> pd.Series:
    se = pd.read_parquet(small_run / "series.parquet")
    se = se[se["run"] == run]
    return se[se["t"] <= t].iloc[-1]


@pytest.mark.slow
def test_explorer_in_a_browser_steps_through_events_and_runs(small_run):
    page_path = build_report(small_run, run=3)
    summary = pd.read_parquet(small_run / "summary.parquet")
    ev3 = _events_shown(small_run, 3)
    with browser_page(1366, 900) as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(page_path.as_uri())
        page.wait_for_selector("#ex-counter")
        # the headline card's numbers
        deal = page.locator("#headline tr[data-key=deal]")
        p_deal = float(deal.get_attribute("data-value"))
        assert p_deal == pytest.approx(summary["deal_day"].notna().mean())
        assert f"{100 * p_deal:.1f}%" in deal.inner_text()
        us = float(page.locator("#headline tr[data-key='payoff:US']").get_attribute("data-value"))
        assert us == pytest.approx(summary["payoff_US"].mean())
        # the chosen run comes first; step to its second event
        assert page.locator("#ex-run option").first.inner_text().startswith("run 3: chosen")
        assert page.inner_text("#ex-counter") == f"event 1 of {len(ev3)}"
        page.click("#ex-next")
        assert page.inner_text("#ex-counter") == f"event 2 of {len(ev3)}"
        t = float(page.locator("#ex-event tr[data-field=t]").get_attribute("data-value"))
        assert t == pytest.approx(ev3["t"][1])
        assert page.locator("#ex-event tr[data-field=kind] td").inner_text() == ev3["kind"][1]
        state = _state_at(small_run, 3, ev3["t"][1])
        for col in ("hostility", "US.tariff_on_cn", "stock_rare_earth_magnets"):
            shown = float(page.locator(f"#ex-state tr[data-col='{col}']").get_attribute("data-value"))
            assert shown == pytest.approx(state[col], rel=1e-3, abs=1e-9)
        page.click("#ex-prev")
        assert page.inner_text("#ex-counter") == f"event 1 of {len(ev3)}"
        # another run
        other = int(page.locator("#ex-run option").nth(1).inner_text().split(":")[0].split()[1])
        page.select_option("#ex-run", index=1)
        ev_other = _events_shown(small_run, other)
        assert page.inner_text("#ex-counter") == f"event 1 of {len(ev_other)}"
        assert page.inner_text("#ex-run-info").startswith(f"Run {other} ")
        # the hostile note: step to it with the slider, and it shows as text
        k = int(np.flatnonzero(ev_other["note"] == NASTY)[0])
        page.eval_on_selector(
            "#ex-slider", "(s, k) => { s.value = String(k); s.dispatchEvent(new Event('input')); }", k
        )
        assert page.inner_text("#ex-counter") == f"event {k + 1} of {len(ev_other)}"
        assert page.locator("#ex-event tr[data-field=note] td").text_content() == NASTY
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert errors == []


def test_a_long_run_is_cut_to_its_first_events(small_run):
    events = StoredTable.of(small_run / "events.parquet")
    series = StoredTable.of(small_run / "series.parquet")
    whole = run_story(events, series, 2)
    cut = run_story(events, series, 2, max_events=5)
    assert cut["events_total"] == whole["events_total"] == len(whole["events"]["t"]) > 5
    assert cut["events"]["kind"] == whole["events"]["kind"][:5]
    last = cut["events"]["t"][-1]
    assert cut["series"]["t"] == [t for t in whole["series"]["t"] if t <= last]
