"""War of attrition with complete information, through a scenario and the engine.

Each side bears a constant flow cost c_i (its losses on the two trade links under
the tariffs in force, against the no-dispute path of free trade: nothing has changed
since the start, so no short-run term runs) and values winning at V_i. In the stationary mixed equilibrium side i
concedes at hazard λ_i = c_j / V_j, so the contest lasts Exp(λ1 + λ2) days and
side i concedes first with probability λ_i / (λ1 + λ2). Assertions use 99%
confidence intervals over N runs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication

from ..conftest import dispute_rates, reference_state, two_tariff_links

N = 3000
Z99 = 2.576
V = {"US": 2.0, "CN": 1.0}


def scenario(threat: bool = False) -> tuple[dict, dict[str, float]]:
    d = {
        "meta": {"name": "woa", "start": "2025-01-01", "horizon_days": 400, "discount_rate_per_year": 0.0},
        "actors": {
            a: {
                "instruments": {"tariff": {"initial": 0.5, "min": 0, "max": 3, "step": 0.1}},
                "policy": {"name": "attrition", "params": {"prizes_bn": V}},
            }
            for a in ("US", "CN")
        },
        "trade_links": two_tariff_links(),
        "calendar": [],
        "calibration": reference_state({"US.tariff": 0.0, "CN.tariff": 0.0}),
    }
    if threat:
        d["calendar"].append(
            {
                "type": "threat",
                "id": "ultimatum",
                "actor": "US",
                "target": "CN",
                "announced": "2025-01-02",
                "deadline": "2025-01-16",
                "instrument": "tariff",
                "value": 3.0,
                "condition": {"actor": "CN", "instrument": "tariff", "at_most": 0},
            }
        )
    c = dispute_rates(d["trade_links"], 0.5)
    return d, c


def first_concessions(d: dict, kinds=("concede",)) -> list[tuple[float, str]]:
    sc = scenario_from_dict(d)
    out = []
    for run in range(N):
        res = run_replication(sc, 2024, run, record_series=False)
        ev = next(e for e in res.events if e.kind in kinds)
        out.append((ev.t, ev.actor))
    return out


@pytest.fixture(scope="module")
def contest():
    d, c = scenario()
    lam = {"US": c["CN"] / V["CN"], "CN": c["US"] / V["US"]}
    return first_concessions(d), lam


def test_duration_matches_equilibrium_hazard(contest):
    firsts, lam = contest
    t = np.array([f[0] for f in firsts])
    mean = 1.0 / (lam["US"] + lam["CN"])
    assert abs(t.mean() - mean) < Z99 * mean / math.sqrt(N)
    # memoryless: the median of Exp(λ) is ln 2 / λ
    assert abs(np.median(t) - math.log(2) * mean) < 3 * Z99 * mean / math.sqrt(N)


def test_who_concedes_first(contest):
    firsts, lam = contest
    p = lam["US"] / (lam["US"] + lam["CN"])
    share = np.mean([a == "US" for _, a in firsts])
    assert abs(share - p) < Z99 * math.sqrt(p * (1 - p) / N)


def test_deadline_produces_a_mass_of_concessions_just_before_it():
    d, c = scenario(threat=True)
    lam = c["CN"] / V["CN"] + c["US"] / V["US"]
    firsts = first_concessions(d, kinds=("concede", "threat_conceded"))
    t = np.array([f[0] for f in firsts])
    decide = 15.0 - 2.0  # deadline day 15, the target decides pre_deadline_days before
    at = np.mean(np.isclose(t, decide))
    survive = math.exp(-lam * decide)  # nobody conceded before the target's last call
    assert abs(at - survive) < Z99 * math.sqrt(survive * (1 - survive) / N)
    just_before = np.mean((t >= decide - 2.0) & (t < decide))
    assert at > 3 * just_before  # an atom, not the hazard's trickle
