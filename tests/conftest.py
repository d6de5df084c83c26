from __future__ import annotations

import copy
import inspect
from pathlib import Path

import pytest

from sim.model.trade import LinkTerms, link_welfare

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
#: The shipped scenario files (not the calibration records written next to them).
SHIPPED = sorted(p for p in SCENARIOS.glob("*.yaml") if not p.name.endswith(".calibration.yaml"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Markers that follow from where a test lives or what it drives (``slow`` is set by hand).

    ``theory``: files named ``*_theory.py`` (closed forms and textbook games); ``golden``: the golden
    summaries; ``browser``: anything that opens headless Chromium.
    """
    for item in items:
        path = Path(str(item.path))
        if path.stem.endswith("_theory"):
            item.add_marker(pytest.mark.theory)
        if path.name == "test_golden.py":
            item.add_marker(pytest.mark.golden)
        fn = getattr(item, "function", None)
        if fn is not None and "browser_page(" in inspect.getsource(fn):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch):
    """Tests (and doctests) use paths relative to the repository root."""
    monkeypatch.chdir(ROOT)


def committed(d: dict, cost_bn: float = 1000.0) -> dict:
    """Give every actor a known, high cost of backing down: without a deal its escalations
    persist in the disagreement point (docs/model.md §4), as in a dispute both sides are committed to."""
    for actor in d["actors"].values():
        actor["audience"] = {"cost_bn": cost_bn}
    return d


def base_dict() -> dict:
    """A small deterministic scenario: one trade link, one chokepoint, scripted actors."""
    return copy.deepcopy(
        {
            "meta": {
                "name": "unit",
                "start": "2025-01-01",
                "horizon_days": 100,
                "discount_rate_per_year": 0.0,
                "series_every_days": 7,
            },
            "actors": {
                "US": {
                    "instruments": {"tariff": {"initial": 0.0, "min": 0.0, "max": 2.0, "step": 0.1}},
                    "policy": {"name": "scripted"},
                    "reaction_lag_days": 0,
                },
                "CN": {
                    "instruments": {
                        "tariff": {"initial": 0.0, "min": 0.0, "max": 2.0, "step": 0.1},
                        "controls": {"initial": 0, "min": 0, "max": 2, "step": 1},
                        "approval": {"initial": 0.0, "min": 0.0, "max": 1.0, "step": 0.1, "hostile": "down"},
                        "delay": {"initial": 30, "min": 0, "max": 365, "step": 15},
                    },
                    "policy": {"name": "scripted"},
                    "reaction_lag_days": 0,
                },
            },
            "trade_links": {
                "cn_us": {
                    "exporter": "CN",
                    "importer": "US",
                    "value_bn_per_year": 365.0,
                    "tariff": "US.tariff",
                    "elasticity": 2.0,
                    "margin": 0.5,
                },
            },
            "chokepoints": {
                "magnets": {
                    "supplier": "CN",
                    "consumer": "US",
                    "supplier_share": 0.8,
                    "initial_stock_days": 20,
                    "control": "CN.controls",
                    "licensed_share_by_tier": [0.0, 0.5, 1.0],
                    "approval": "CN.approval",
                    "delay_days": "CN.delay",
                    "value_at_risk_bn_per_day": 2.0,
                    "gamma": 2.0,
                },
            },
            "calendar": [],
        }
    )


def calendar_index(text: str, needle: str) -> int:
    """Position in the ``calendar`` list of the entry whose lines contain ``needle``.

    Tests name calendar entries by content, not by a hard-coded index, so that
    editing a shipped scenario's calendar does not silently retarget them.
    """
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("calendar:"))
    index = -1
    for line in lines[start + 1 :]:
        if line and not line.startswith((" ", "#")):
            break  # the next top-level key
        if line.startswith("  - "):
            index += 1
        if needle in line:
            return index
    raise AssertionError(f"no calendar entry contains {needle!r}")


def two_tariff_links() -> dict:
    """US and China each importing from the other under its own tariff (the theory tests' world).

    Values in $bn/year with textbook parameters for the closed forms: demand elasticities 2 and 3,
    finite export supply (ω = 1/η of 0.1 and 0.25, so pass-through φ = 1/(1+εω) of 5/6 and 4/7),
    exporters' short-run margins 0.5 and 0.2 decaying with half-lives of 180 and 90 days, no tariff
    in force when the values were observed, and whatever tariffs a test starts with held long enough
    that their short-run cost is past (``adjustment_at_start: 0``). :func:`link_terms` gives the same
    numbers per day.
    """
    return copy.deepcopy(
        {
            "cn_us": {
                "exporter": "CN",
                "importer": "US",
                "value_bn_per_year": 365,
                "tariff": "US.tariff",
                "base_tariff": 0.0,
                "elasticity": 2.0,
                "supply_omega": 0.1,
                "margin": 0.5,
                "margin_half_life_days": 180,
                "adjustment_at_start": 0.0,
            },
            "us_cn": {
                "exporter": "US",
                "importer": "CN",
                "value_bn_per_year": 146,
                "tariff": "CN.tariff",
                "base_tariff": 0.0,
                "elasticity": 3.0,
                "supply_omega": 0.25,
                "margin": 0.2,
                "margin_half_life_days": 90,
                "adjustment_at_start": 0.0,
            },
        }
    )


def link_terms(link: dict) -> LinkTerms:
    """A scenario's trade link (plain numbers) as the model's per-day terms ($bn/year ÷ 365)."""
    return LinkTerms(
        v0=link["value_bn_per_year"] / 365.0,
        tau0=link.get("base_tariff", 0.0),
        elasticity=link.get("elasticity", 2.5),
        omega=link.get("supply_omega", 0.0),
        margin=link.get("margin", 0.3),
        half_life=link.get("margin_half_life_days", 180.0),
        premium=link.get("purchase_premium", 0.0),
    )


def dispute_rates(links: dict, tariff: float) -> dict[str, float]:
    """Each side's constant loss rate ($bn/day) with every link's total tariff at ``tariff`` held since
    day 0, against free trade (links with base_tariff 0): the importer loses ``−(ΔCS + ΔR)``, the
    exporter ``−ΔPS_X`` (no change has happened, so no short-run term runs)."""
    rates: dict[str, float] = {}
    for link in links.values():
        w = link_welfare(link_terms(link), tariff)
        rates[link["importer"]] = rates.get(link["importer"], 0.0) - (w.consumer + w.revenue)
        rates[link["exporter"]] = rates.get(link["exporter"], 0.0) - w.producer
    return rates


def reference_state(values: dict[str, float]) -> dict:
    """A scenario's ``calibration`` block: the no-dispute path holds ``values`` (``ACTOR.instrument``).

    Dated before every test scenario's start; no weight is calibrated unless a motive says so.
    """
    return {"reference_date": "2024-06-01", "reference": dict(values)}
