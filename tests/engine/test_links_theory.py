"""The engine's books on a trade link against closed forms (``docs/model.md`` §2, MODEL v2).

Against the reference state (the no-dispute path) a link's importer loses ``−ΔCS`` and ``−ΔR``
and its exporter ``−ΔPS_X``, each a constant rate while the tariff holds, so each book holds
rate × ``∫ e^(−ρt) dt``. The exporter's short-run value added on lost sales is ``margin·A``: the
state ``A`` jumps by ``V0·(Q_before − Q_after)/Q0`` at each change and decays at ``k = ln2/h``.
Expected values use the surplus functions of :mod:`sim.model.trade` (checked against quadrature
in ``tests/model/test_surplus_theory.py``) and hand-integrated exponentials.
"""

from __future__ import annotations

import math

import pytest

from sim.engine.compile import scenario_from_dict
from sim.engine.core import run_replication
from sim.model.trade import consumer_surplus_change, producer_surplus_change, quantity_share, revenue_change
from sim.model.welfare import discount_integral

from ..conftest import base_dict

V0, EPS, OMEGA, MARGIN, HALF_LIFE, RHO_YEAR = 1.0, 2.0, 0.3, 0.4, 60.0, 0.08  # $365bn/yr = $1bn/day
RHO, K = RHO_YEAR / 365, math.log(2) / HALF_LIFE


def scenario(tau0: float, changes: list[tuple[str, float]]) -> dict:
    """base_dict's CN → US link with finite supply and a short-run margin; US tariff ``changes``."""
    d = base_dict()
    d["meta"]["discount_rate_per_year"] = RHO_YEAR
    d["trade_links"]["cn_us"].update(
        base_tariff=tau0, supply_omega=OMEGA, margin=MARGIN, margin_half_life_days=HALF_LIFE
    )
    for date, value in changes:
        d["calendar"].append({"type": "set", "date": date, "actor": "US", "instrument": "tariff", "value": value})
    return d


def decaying(a0: float, start: float, end: float) -> float:
    """``∫_start^end a0·e^(−K(t−start))·e^(−ρt) dt = a0·e^(−ρ·start)·(1 − e^(−(K+ρ)(end−start)))/(K+ρ)``."""
    return a0 * math.exp(-RHO * start) * -math.expm1(-(K + RHO) * (end - start)) / (K + RHO)


@pytest.mark.parametrize("tau0", [0.0, 0.25])
def test_link_books_are_the_surplus_changes_times_the_discount_integral(tau0):
    """One tariff change, from the reference level 0 to 0.5 on day 10, read at the horizon (day 100).

    ``base_tariff`` τ0 is in force at the reference: the total tariff is τ0 + 0.5. The lost sales
    ``A = V0·(1 − Q/Q0)`` appear on day 10: the short-run cost is ``margin·A·∫_10^100 e^(−K(t−10)) e^(−ρt) dt``.
    """
    res = run_replication(scenario_from_dict(scenario(tau0, [("2025-01-11", 0.5)])), 1, 0)
    tau = tau0 + 0.5
    pv = discount_integral(10.0, 100.0, RHO)
    share = quantity_share(tau, tau0, EPS, OMEGA)
    s = res.summary
    assert s["loss_consumer_US"] == pytest.approx(-consumer_surplus_change(V0, tau, tau0, EPS, OMEGA) * pv, rel=1e-12)
    assert s["loss_revenue_US"] == pytest.approx(-revenue_change(V0, tau, tau0, EPS, OMEGA) * pv, rel=1e-12)
    assert s["loss_producer_CN"] == pytest.approx(-producer_surplus_change(V0, share, OMEGA) * pv, rel=1e-12)
    assert s["loss_adjustment_CN"] == pytest.approx(MARGIN * decaying(V0 * (1.0 - share), 10.0, 100.0), rel=1e-12)
    assert s["loss_revenue_US"] < 0.0 < s["loss_producer_CN"]  # the importer's revenue, the exporter's price
    for a in ("US", "CN"):
        total = sum(v for key, v in s.items() if key.startswith("loss_") and key.endswith(f"_{a}"))
        assert s[f"payoff_{a}"] == pytest.approx(-total, rel=1e-12)
    assert s["loss_revenue_motive_US"] == 0.0 and s["loss_commitment_US"] == 0.0  # weight 1, no floor


def test_short_run_state_jumps_back_when_the_tariff_is_lifted():
    """Tariff 0 → 0.5 on day 10, back to 0 on day 40: on day 40 ``A = lost·e^(−30K)`` falls by ``lost``
    (the sales come back) to ``lost·(e^(−30K) − 1) < 0``, a short-run gain that decays in turn.
    The static books run only from day 10 to day 40."""
    res = run_replication(scenario_from_dict(scenario(0.0, [("2025-01-11", 0.5), ("2025-02-10", 0.0)])), 1, 0)
    share = quantity_share(0.5, 0.0, EPS, OMEGA)
    lost = V0 * (1.0 - share)
    expected = MARGIN * (decaying(lost, 10.0, 40.0) + decaying(lost * (math.exp(-30.0 * K) - 1.0), 40.0, 100.0))
    s = res.summary
    assert s["loss_adjustment_CN"] == pytest.approx(expected, rel=1e-12)
    pv = discount_integral(10.0, 40.0, RHO)
    assert s["loss_producer_CN"] == pytest.approx(-producer_surplus_change(V0, share, OMEGA) * pv, rel=1e-12)
    assert s["loss_consumer_US"] == pytest.approx(-consumer_surplus_change(V0, 0.5, 0.0, EPS, OMEGA) * pv, rel=1e-12)
