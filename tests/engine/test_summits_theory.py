"""Bargaining through a scenario's summit: the same code path a user's YAML takes.

Two actors end a tariff war (both tariffs from 0.5 back to the no-dispute level 0) and bargain
over a side payment t from CN to US. Over the deal's duration D (no discounting) the deal saves
the US A = (its importer loss + its exporter's producer-surplus loss)·D on the two links, plus the
short-run value added its exporters regain on the sales that come back (a decaying gain), and
China B likewise, so gains are (A + t, B − t): a unit-free "pie" of A + B.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.bargaining import rubinstein_share
from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.model.trade import link_welfare

from ..conftest import dispute_rates, link_terms, reference_state, two_tariff_links

D = 100.0
STEP = 0.01
TARIFF = 0.5
PERSIST = {"audience": {"cost_bn": 1000.0}}


def pie_scenario(protocol: dict) -> tuple[dict, float, float]:
    d = {
        "meta": {"name": "pie", "start": "2025-01-01", "horizon_days": 30, "discount_rate_per_year": 0.0},
        "actors": {
            # known, high costs of backing down: without a deal both tariffs persist (docs/model.md §4)
            "US": {"instruments": {"tariff": {"initial": TARIFF, "min": 0, "max": 1, "step": 0.1}}, **PERSIST},
            "CN": {"instruments": {"tariff": {"initial": TARIFF, "min": 0, "max": 1, "step": 0.1}}, **PERSIST},
        },
        "trade_links": two_tariff_links(),
        "calendar": [{"type": "summit", "date": "2025-01-11", "parties": ["US", "CN"], **protocol}],
        "deal_space": {
            "duration_days": D,
            "renew": False,
            "items": [
                {"actor": "US", "instrument": "tariff", "values": [0.0]},
                {"actor": "CN", "instrument": "tariff", "values": [0.0]},
            ],
            "transfers": [
                {
                    "payer": "CN",
                    "payee": "US",
                    "values_bn": [round(x, 2) for x in np.arange(-150, 150 + STEP / 2, STEP)],
                }
            ],
        },
    }
    d["calibration"] = reference_state({"US.tariff": 0.0, "CN.tariff": 0.0})
    rates, back = dispute_rates(d["trade_links"], TARIFF), regained(d["trade_links"])
    a = rates["US"] * D + back["US"]
    b = rates["CN"] * D + back["CN"]
    return d, a, b


def regained(links: dict) -> dict[str, float]:
    """What a deal back to free trade gives each side's exporters over D: lost sales
    ``A = V0·(1 − Q/Q0)`` come back at once and the short-run gain ``margin·A`` decays at
    ``k = ln2/h``: ``margin·A·(1 − e^(−kD))/k``."""
    out = {"US": 0.0, "CN": 0.0}
    for link in links.values():
        t = link_terms(link)
        lost = 1.0 - link_welfare(t, TARIFF).share
        out[link["exporter"]] += t.margin * t.v0 * lost * -np.expm1(-t.decay * D) / t.decay
    return out


def test_nash_summit_splits_the_surplus_equally():
    d, a, b = pie_scenario({"protocol": "nash"})
    res = run_replication(scenario_from_dict(d), 1, 0)
    t = res.summary["deal_transfer.CN.US"]
    # equal weights: A + t = B − t  =>  t = (B − A)/2
    assert t == pytest.approx((b - a) / 2, abs=STEP)
    assert res.summary["loss_transfer_US"] == pytest.approx(-t) and res.summary["loss_transfer_CN"] == pytest.approx(t)


def test_weighted_nash_summit():
    d, a, b = pie_scenario({"protocol": "nash"})
    d["deal_space"]["weights"] = {"US": 3, "CN": 1}
    res = run_replication(scenario_from_dict(d), 1, 0)
    # US gets alpha = 3/4 of the pie A + B: A + t = 0.75 (A + B)
    assert res.summary["deal_transfer.CN.US"] == pytest.approx(0.75 * (a + b) - a, abs=STEP)


RATES = {"US": 0.2, "CN": 0.8}  # each side's own discount rate per year (bargaining only)
BREAKDOWN = 0.05


def impatient_scenario(protocol: dict) -> tuple[dict, float, float, float, float]:
    """The pie scenario with per-actor discount rates and a breakdown chance per round.

    Returns the scenario, A, B and the discount rates plus breakdown hazard per day
    ``ρ_i/365 + λ_b``, ``λ_b = −ln(1 − p)/Δ`` (the payoffs themselves stay undiscounted).
    """
    d, a, b = pie_scenario({"round_days": 2.0, "breakdown": BREAKDOWN, **protocol})
    for actor, rate in RATES.items():
        d["actors"][actor]["discount_rate_per_year"] = rate
    lam = -np.log(1.0 - BREAKDOWN) / 2.0
    return d, a, b, RATES["US"] / 365.0 + lam, RATES["CN"] / 365.0 + lam


@pytest.mark.parametrize("first", ["US", "CN"])
def test_alternating_offers_summit_matches_rubinstein(first):
    """Transferable pie: the opener i gets ``(1 − δ_j)/(1 − δ_i·δ_j)`` of A + B, with
    ``δ_i = exp(−(ρ_i + λ_b)Δ)`` from the round length Δ = 2 days (not from the pie)."""
    d, a, b, r_us, r_cn = impatient_scenario({"protocol": "alternating_offers", "first_proposer": first})
    res = run_replication(scenario_from_dict(d), 1, 0)
    pie = a + b
    d_us, d_cn = np.exp(-r_us * 2.0), np.exp(-r_cn * 2.0)
    us_share = rubinstein_share(d_us, d_cn) if first == "US" else 1 - rubinstein_share(d_cn, d_us)
    t = res.summary["deal_transfer.CN.US"]
    # the transfer grid has step STEP, and the chosen package is a neighbour of the exact split
    assert a + t == pytest.approx(us_share * pie, abs=STEP)


def test_patience_weights_in_a_nash_summit_are_brw():
    """``weights: patience``: ``w_US = (ρ_CN + λ_b)/(ρ_US + ρ_CN + 2λ_b)`` (Binmore, Rubinstein & Wolinsky)."""
    d, a, b, r_us, r_cn = impatient_scenario({"protocol": "nash"})
    d["deal_space"]["weights"] = "patience"
    res = run_replication(scenario_from_dict(d), 1, 0)
    w_us = r_cn / (r_us + r_cn)
    assert a + res.summary["deal_transfer.CN.US"] == pytest.approx(w_us * (a + b), abs=STEP)
