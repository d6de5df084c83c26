"""Calibration by revealed preference (MODEL §3) against the first-order conditions and hand formulas.

Each test builds a small bilateral scenario: the US imports from China on one link under its
tariff (total ``τ = τ0 + instrument``) and supplies China a chokepoint good through a control
tier and an approval share. The calibrated weight must make the reference level the US's best
response under the policies' projection, so it must satisfy, at the reference:

- revenue (θ = 0): ``τ/(1+τ) = (ρ_R−φ)/(ρ_R(1−φ+εφ))``, ``φ = 1/(1+εω)``, solved for ρ_R:
  ``ρ_R = φ/(1 − s(1−φ+εφ))`` with ``s = τ/(1+τ)``;
- protection (ρ_R = 1, Grossman & Helpman 1994): small country (ω = 0) ``τ/(1+τ) = θz/ε``, large
  country ``τ = ω + (1+τ)θz/ε``, with ``z = X/M = z0·(p/p0)^(κ+ε)`` and ``p/p0 = T^φ``,
  ``T = (1+τ)/(1+τ0)`` (the closed forms are checked against the objective in
  tests/model/test_motives_theory.py);
- security on a tier: the supplier's flow payoff at tier k is ``−R·y_k + w·var·y_k^β`` with
  ``y_k = s·ℓ_k·(1 − a)`` the share of the consumer's demand denied and ``R`` the supplier's revenue
  per day of demand withheld (annual revenue / 365 / s), so ``V(k) ≥ V(k±1)`` gives the interval
  ``w ∈ [R·(y_k − y_{k−1})/(var·(y_k^β − y_{k−1}^β)), R·(y_{k+1} − y_k)/(var·(y_{k+1}^β − y_k^β))]``.

The flows are constant over the horizon, so the discount factor cancels from every condition.
"""

from __future__ import annotations

import copy

import pytest

from sim.engine.calibration import calibrate, central_params
from sim.engine.compile import scenario_from_dict

REVENUE_BN = 50.0  # the US's chokepoint revenue at full supply, $bn/yr
SHARE = 0.8  # the US's share of China's supply of the good
VAR = 2.0  # China's output at risk, $bn/day
TIERS = [0.0, 0.3, 0.6, 1.0]


def calib_world(
    eps: float = 2.5,
    omega: float = 0.0,
    tau0: float = 0.2,
    ref: float = 0.0,
    motives: dict | None = None,
    instruments: list[str] | None = None,
    tier: int = 1,
    approval: float = 0.4,
) -> dict:
    """A bilateral scenario whose reference state is its initial state (instruments at ``ref``, ``tier``...)."""
    return copy.deepcopy(
        {
            "meta": {
                "name": "calib",
                "start": "2025-01-01",
                "horizon_days": 120,
                "discount_rate_per_year": 0.05,
                "series_every_days": 7,
            },
            "actors": {
                "US": {
                    "instruments": {
                        "tariff": {"initial": ref, "min": -tau0, "max": 3.0, "step": 0.1},
                        "controls": {"initial": tier, "min": 0, "max": 3, "step": 1},
                        "approval": {"initial": approval, "min": 0.0, "max": 1.0, "step": 0.1, "hostile": "down"},
                        "delay": {"initial": 30, "min": 0, "max": 365, "step": 15},
                    },
                    "policy": {"name": "scripted"},
                    "motives": motives or {"revenue": "calibrate"},
                    "reaction_lag_days": 0,
                },
                "CN": {
                    "instruments": {"tariff": {"initial": 0.0, "min": 0.0, "max": 1.0, "step": 0.1}},
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
                    "base_tariff": tau0,
                    "elasticity": eps,
                    "supply_omega": omega,
                    "margin": 0.5,
                }
            },
            "chokepoints": {
                "chips": {
                    "supplier": "US",
                    "consumer": "CN",
                    "supplier_share": SHARE,
                    "initial_stock_days": 60,
                    "control": "US.controls",
                    "licensed_share_by_tier": TIERS,
                    "approval": "US.approval",
                    "delay_days": "US.delay",
                    "value_at_risk_bn_per_day": VAR,
                    "supplier_revenue_bn_per_year": REVENUE_BN,
                }
            },
            "calendar": [],
            "calibration": {"reference_date": "2024-12-31", "instruments": {"US": instruments or ["tariff"]}},
        }
    )


def solved(d: dict) -> object:
    sc = scenario_from_dict(d)
    return calibrate(sc, central_params(sc))


def revenue_weight(eps: float, omega: float, tau: float) -> float:
    """ρ_R from τ/(1+τ) = (ρ_R−φ)/(ρ_R(1−φ+εφ)) at the reference total tariff τ."""
    phi = 1.0 / (1.0 + eps * omega)
    s = tau / (1.0 + tau)
    return phi / (1.0 - s * (1.0 - phi + eps * phi))


@pytest.mark.parametrize(
    "eps,omega,tau0,ref",
    [
        (2.5, 0.0, 0.2, 0.0),
        (4.0, 0.0, 0.1, 0.05),
        (1.5, 0.0, 0.3, -0.1),  # a reference below the base tariff
        (3.0, 0.15, 0.25, 0.05),  # finite export supply
    ],
)
def test_revenue_weight_solves_its_first_order_condition(eps, omega, tau0, ref):
    """The solved ρ_R equals the revenue first-order condition solved for ρ_R at the reference τ = τ0 + x*,
    to 1e-6 relative (central difference with step 1e-5·max(|x*|, step): error ≈ 1e-10); a point."""
    cal = solved(calib_world(eps, omega, tau0, ref))
    lo, hi = cal.intervals["US.revenue"]
    assert lo == hi
    assert lo == pytest.approx(revenue_weight(eps, omega, tau0 + ref), rel=1e-6)
    assert [(s.instrument, s.kind, s.role) for s in cal.sources["US.revenue"]] == [("US.tariff", "equality", "pins")]
    assert cal.flags == []  # ρ_R(1−ε) < 1: the objective is single-peaked, no bound beats it


@pytest.mark.parametrize(
    "eps,omega,tau0,ref,z0,kappa",
    [
        (2.5, 0.0, 0.2, 0.0, 0.5, 1.0),  # small country at the base: z = z0
        (2.0, 0.0, 0.1, 0.15, 1.5, 0.5),  # away from the base: z = z0·T^(κ+ε)
        (3.0, 0.1, 0.3, 0.1, 0.8, 1.0),  # large country
    ],
)
def test_protection_weight_solves_grossman_helpman(eps, omega, tau0, ref, z0, kappa):
    """The solved θ satisfies τ/(1+τ) = θz/ε (ω = 0) or τ = ω + (1+τ)θz/ε (ω > 0) at the reference,
    z = z0·(p/p0)^(κ+ε), p/p0 = T^φ: to 1e-6 relative."""
    motives = {
        "revenue": 1.0,
        "protection": [{"link": "cn_us", "weight": "calibrate", "domestic_ratio": z0, "supply_elasticity": kappa}],
    }
    cal = solved(calib_world(eps, omega, tau0, ref, motives))
    theta, hi = cal.intervals["US.protection.cn_us"]
    assert theta == hi
    tau = tau0 + ref
    phi = 1.0 / (1.0 + eps * omega)
    z = z0 * ((1.0 + tau) / (1.0 + tau0)) ** (phi * (kappa + eps))
    expected = eps * (tau - omega) / ((1.0 + tau) * z)
    if omega == 0.0:
        assert expected == pytest.approx(eps * (tau / (1.0 + tau)) / z, rel=1e-14)
    assert theta == pytest.approx(expected, rel=1e-6)


def denied(tier: int, approval: float) -> float:
    return SHARE * TIERS[tier] * (1.0 - approval)


def secant(y0: float, y1: float, beta: float) -> float:
    """w = R·Δy/(var·Δ(y^β)) between two denied shares."""
    r = REVENUE_BN / 365.0 / SHARE
    return r * (y1 - y0) / (VAR * (y1**beta - y0**beta))


@pytest.mark.parametrize("tier,approval,beta", [(1, 0.4, 0.5), (2, 0.4, 0.5), (1, 0.0, 0.3), (2, 0.7, 0.8)])
def test_tier_gives_the_interval_of_its_neighbours(tier, approval, beta):
    """A control tier at the reference bounds the security weight by its two neighbouring tiers:
    [R·Δy/(var·Δy^β) to the tier below, the same to the tier above], to 1e-9 relative (both sides are
    exact differences of constant flows)."""
    motives = {"revenue": 1.0, "security": [{"chokepoint": "chips", "weight": "calibrate", "exponent": beta}]}
    cal = solved(calib_world(motives=motives, instruments=["controls"], tier=tier, approval=approval))
    lo, hi = cal.intervals["US.security.chips"]
    y = [denied(k, approval) for k in (tier - 1, tier, tier + 1)]
    assert lo == pytest.approx(secant(y[0], y[1], beta), rel=1e-9)
    assert hi == pytest.approx(secant(y[1], y[2], beta), rel=1e-9)
    assert lo < hi
    roles = sorted((s.role, s.option) for s in cal.sources["US.security.chips"])
    assert roles == [("lower", tier - 1), ("upper", tier + 1)]
