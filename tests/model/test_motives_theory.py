"""Motives (MODEL §3): protection (Grossman & Helpman 1994), revenue, security, against their first-order conditions.

First-order conditions, with ``p = (1+τ)p_w``, market clearing ``M(p) = S(p_w)``, ``M' = −εM/p``,
``S' = ηS/p_w`` (so ``dp_w = (M'/S')·dp``), and the objective ``W = ΔCS + ρ_R·ΔR + θ·ΔPS_d`` with
``ΔR = (p − p_w)·M(p) − const``:

    dW/dp = −M + ρ_R·(M − M·M'/S' + (p − p_w)·M') + θ·X
          = M·[(ρ_R − 1) + ρ_R·ε·ω·p_w/p − ρ_R·ε·(p − p_w)/p] + θ·X.

- ρ_R = 1 (protection): ``τ = ω + (1+τ)·θ·z/ε`` with ``z = X/M`` (domestic output over imports, both at the
  domestic price, i.e. the quantity ratio), exactly and for any τ0; at ω = 0 this is ``τ/(1+τ) = θz/ε``.
- θ = 0 (revenue): with ``s = τ/(1+τ) = (p − p_w)/p``, ``(ρ_R − 1) + ρ_R·ε·ω·(1 − s) − ρ_R·ε·s = 0``,
  i.e. ``s = (ρ_R − φ)/(ρ_R(1 − φ + εφ))`` exactly and for any τ0; the bracket falls in s, so it is the
  global maximum whenever ``s < 1``, i.e. ``ρ_R·(1 − ε) < 1``. Otherwise the objective rises without bound.

Imports and domestic output at τ are computed here from the curves (``M = Q0·(p/p0)^(−ε)``,
``S = Q0·p_w^(1/ω)``, ``X = z0·Q0·(p/p0)^κ``, ``p_w0 = 1``, ``p0 = 1+τ0``) with the world price found by
root-finding, never from the module.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, optimize

from sim.model.motives import (
    best_on_interval,
    grossman_helpman_residual,
    revenue_tariff,
    security_value,
    tariff_objective,
)
from sim.model.trade import LinkTerms

V0 = 2.3


def curves(tau: float, tau0: float, eps: float, omega: float, z0: float, kappa: float) -> tuple[float, float, float]:
    """``(p, M, X)`` at total tariff τ: domestic price, imports and domestic output (quantities)."""
    if omega == 0.0:
        pw = 1.0
    else:
        gap = lambda pw: -eps * math.log((1.0 + tau) * pw / (1.0 + tau0)) - math.log(pw) / omega  # noqa: E731
        pw = optimize.brentq(gap, 1e-9, 1e9, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)
    p = (1.0 + tau) * pw
    rel = p / (1.0 + tau0)
    return p, V0 * rel ** (-eps), z0 * V0 * rel**kappa


def derivative(f, x: float, h: float = 1e-5) -> float:
    """Central difference: truncation O(h²·f''') ≈ 1e-10, rounding ≈ 1e-16/h ≈ 1e-11."""
    return (f(x + h) - f(x - h)) / (2.0 * h)


def foc_roots(f, lo: float, hi: float, n: int = 400) -> list[tuple[float, float]]:
    """Every sign change of f' on [lo, hi], refined by Brent; returns (root, f'' there)."""
    df = lambda x: derivative(f, x)  # noqa: E731
    xs = np.linspace(lo, hi, n + 1)
    ds = [df(float(x)) for x in xs]
    out = []
    for a, b, da, db in zip(xs[:-1], xs[1:], ds[:-1], ds[1:], strict=True):
        if da * db < 0.0:
            r = optimize.brentq(df, a, b, xtol=1e-13)
            out.append((r, (df(r + 1e-4) - df(r - 1e-4)) / 2e-4))
    return out


PROTECTION = [
    # eps, omega, theta, z0, kappa, tau0, tau_max
    (2.5, 0.0, 0.3, 0.5, 1.0, 0.0, 0.5),
    (1.5, 0.0, 0.2, 1.0, 0.5, 0.3, 1.5),  # best total tariff below τ0: a cut
    (1.0, 0.0, 0.1, 0.5, 0.5, 0.0, 2.0),
    (2.5, 0.3, 0.2, 0.5, 1.0, 0.0, 1.5),
    (1.5, 1.0, 0.1, 2.0, 0.5, 0.3, 2.5),
    (4.0, 0.1, 0.05, 3.0, 1.0, 0.0, 0.6),
]  # τ_max below the second root of the first-order condition (a local minimum; see the bound test)


@pytest.mark.parametrize("eps,omega,theta,z0,kappa,tau0,tau_max", PROTECTION)
def test_protection_optimum_is_grossman_helpman(eps, omega, theta, z0, kappa, tau0, tau_max):
    """MODEL §3 protection: the one interior root of the first-order condition of ΔCS + ΔR + θ·ΔPS_d on
    [0, τ_max] is a local maximum (f'' < 0) and satisfies, exactly for the model's objective,
    ``τ = ω + (1+τ)·θ·z/ε`` with z = X/M at τ (domestic prices); at ω = 0, ``τ/(1+τ) = θz/ε``.

    The root comes from central differences refined by Brent (error ≈ 1e-10/|f''|), so the condition is
    checked to 1e-7; ``best_on_interval`` (Brent on the objective, argmax fixed to ≈ √(machine ε)) to 1e-6.
    """
    terms = LinkTerms(v0=V0, tau0=tau0, elasticity=eps, omega=omega)
    f = lambda x: float(tariff_objective(terms, x, theta, z0, kappa))  # noqa: E731
    roots = foc_roots(f, 0.0, tau_max)
    assert len(roots) == 1
    tau, curvature = roots[0]
    assert curvature < 0.0
    _, m, x = curves(tau, tau0, eps, omega, z0, kappa)
    z = x / m
    assert tau == pytest.approx(omega + (1.0 + tau) * theta * z / eps, abs=1e-7)
    if omega == 0.0:
        assert tau / (1.0 + tau) == pytest.approx(theta * z / eps, abs=1e-7)
    assert grossman_helpman_residual(tau, eps, omega, theta, z) == pytest.approx(0.0, abs=1e-7)
    best = best_on_interval(f, 0.0, tau_max)
    assert (best.interior, best.bound_wins) == (True, False)
    assert best.value == pytest.approx(tau, abs=1e-6)


def test_grossman_helpman_small_country_has_no_terms_of_trade_term():
    """At ω > 0 the small-country condition τ/(1+τ) = θz/ε misses the terms-of-trade motive by ≈ ω/(1+τ):
    a control that the large-country check above can fail (difference > 0.05 here)."""
    eps, omega, theta, z0, kappa = 2.5, 0.3, 0.2, 0.5, 1.0
    terms = LinkTerms(v0=V0, elasticity=eps, omega=omega)
    [(tau, _)] = foc_roots(lambda x: float(tariff_objective(terms, x, theta, z0, kappa)), 0.0, 1.5)
    _, m, x = curves(tau, 0.0, eps, omega, z0, kappa)
    assert tau / (1.0 + tau) - theta * (x / m) / eps > 0.05


@pytest.mark.parametrize("omega", [0.0, 0.2])
def test_a_bound_beats_the_protection_local_maximum(omega):
    """MODEL §3: with constant-elasticity demand and θ > 0, imports vanish and ΔPS_d grows like
    (1+τ)^(1+κ), so past a second root of the first-order condition (a local minimum) the objective rises
    again. With ε = 2, κ = 1, θ = 0.1, z0 = 1 on [0, 10] the upper bound beats the local maximum:
    ``best_on_interval`` returns the bound, bound_wins = True. The objective there is checked against
    quadrature of the curves (ΔCS = −∫M dp, ΔR = τ·p_w·M, ΔPS_d = ∫X dp) to 1e-9 relative.
    """
    eps, theta, z0, kappa, hi = 2.0, 0.1, 1.0, 1.0, 10.0
    terms = LinkTerms(v0=V0, elasticity=eps, omega=omega)
    f = lambda x: float(tariff_objective(terms, x, theta, z0, kappa))  # noqa: E731
    roots = foc_roots(f, 0.0, hi)
    assert [c < 0.0 for _, c in roots] == [True, False]  # a local maximum, then a local minimum
    local = roots[0][0]
    best = best_on_interval(f, 0.0, hi)
    assert (best.value, best.interior, best.bound_wins) == (hi, False, True)
    p, m, _ = curves(hi, 0.0, eps, omega, z0, kappa)
    q = lambda g: integrate.quad(g, 1.0, p, epsabs=0.0, epsrel=1e-13)[0]  # noqa: E731
    expected = -q(lambda x: V0 * x ** (-eps)) + hi * (p / (1.0 + hi)) * m + theta * q(lambda x: z0 * V0 * x**kappa)
    assert best.objective == pytest.approx(expected, rel=1e-9)
    assert best.objective > f(local)
    # on a shorter interval the same local maximum wins
    short = best_on_interval(f, 0.0, 0.5 * (roots[0][0] + roots[1][0]))
    assert (short.interior, short.bound_wins) == (True, False)
    assert short.value == pytest.approx(local, abs=1e-6)


def revenue_formula(eps: float, omega: float, rho: float) -> float:
    """MODEL §3: τ/(1+τ) = (ρ_R−φ)/(ρ_R(1−φ+εφ)), φ = 1/(1+εω), solved for τ."""
    phi = 1.0 / (1.0 + eps * omega)
    s = (rho - phi) / (rho * (1.0 - phi + eps * phi))
    return s / (1.0 - s)


REVENUE = [
    # eps, omega, rho_R, tau0
    (2.5, 0.0, 1.5, 0.0),
    (2.5, 0.3, 1.0, 0.3),  # Johnson
    (1.0, 0.5, 2.0, 0.3),
    (0.8, 0.2, 3.0, 0.0),  # ρ_R(1−ε) = 0.6 < 1: interior
    (2.0, 0.5, 0.8, 0.0),  # φ < ρ_R < 1
    (2.0, 0.0, 0.5, 0.3),  # ρ_R < φ: the best is an import subsidy
    (4.0, 1.0, 1.0, 0.0),  # Johnson
]


@pytest.mark.parametrize("eps,omega,rho,tau0", REVENUE)
def test_revenue_motive_optimum(eps, omega, rho, tau0):
    """MODEL §3 revenue: the maximiser of ΔCS + ρ_R·ΔR is τ/(1+τ) = (ρ_R−φ)/(ρ_R(1−φ+εφ)), for any τ0
    (the first-order condition involves levels only), provided ρ_R·(1−ε) < 1; ρ_R = 1 gives Johnson's ω.

    Searched on [−0.6, 10] by bounded Brent and ``best_on_interval``: argmax to 1e-6 (flat maximum, fixed
    only to ≈ √(machine ε)); ``revenue_tariff`` against the formula to 1e-12.
    """
    expected = revenue_formula(eps, omega, rho)
    assert -0.6 < expected < 10.0
    if rho == 1.0:
        assert expected == pytest.approx(omega, abs=1e-12)
    assert revenue_tariff(eps, omega, rho) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    terms = LinkTerms(v0=V0, tau0=tau0, elasticity=eps, omega=omega)
    f = lambda x: float(tariff_objective(terms, x, revenue_weight=rho))  # noqa: E731
    brent = optimize.minimize_scalar(lambda x: -f(x), bounds=(-0.6, 10.0), method="bounded", options={"xatol": 1e-12})
    assert brent.x == pytest.approx(expected, rel=1e-6, abs=1e-6)
    best = best_on_interval(f, -0.6, 10.0)
    assert (best.interior, best.bound_wins) == (True, False)
    assert best.value == pytest.approx(expected, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("eps,omega,rho", [(0.5, 0.0, 2.5), (0.5, 0.4, 2.0), (0.2, 1.0, 1.5)])
def test_revenue_motive_without_interior_optimum(eps, omega, rho):
    """MODEL §3 revenue, outside its condition: ρ_R·(1−ε) ≥ 1 makes s ≥ 1, the first-order bracket stays
    positive, and the objective rises over every bounded interval: the best is the upper bound, and the
    best tariff is unbounded (``revenue_tariff`` = +∞, not the spurious root τ ≤ −1). Bounds exact."""
    assert rho * (1.0 - eps) >= 1.0
    assert revenue_tariff(eps, omega, rho) == math.inf
    terms = LinkTerms(v0=V0, elasticity=eps, omega=omega)
    f = lambda x: float(tariff_objective(terms, x, revenue_weight=rho))  # noqa: E731
    best = best_on_interval(f, 0.0, 20.0)
    assert (best.value, best.interior, best.bound_wins) == (20.0, False, False)
    ys = [f(x) for x in np.linspace(0.0, 20.0, 101)]
    assert np.all(np.diff(ys) > 0.0)


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.7, 1.0])
def test_security_value_is_zero_without_denial(beta):
    """MODEL §3 security: var·δ^β is 0 when nothing is denied (δ ≤ 0), for every β ∈ [0, 1] (exact)."""
    assert security_value(4.0, 0.0, beta) == 0.0
    assert security_value(4.0, -0.2, beta) == 0.0
    vec = security_value(np.array([4.0, 1.0, 2.0]), np.array([0.0, 0.5, -0.1]), beta)
    assert vec.tolist() == pytest.approx([0.0, 0.5**beta, 0.0], rel=1e-15, abs=0.0)


@pytest.mark.parametrize("beta", [0.3, 0.7, 1.0])
def test_security_value_is_homogeneous(beta):
    """MODEL §3 security: var·δ^β is homogeneous of degree β in δ and of degree 1 in var (to 1e-14)."""
    var, delta = 3.0, 0.4
    base = security_value(var, delta, beta)
    assert base == pytest.approx(var * delta**beta, rel=1e-14)
    for lam in (0.1, 0.5, 2.0):
        assert security_value(var, lam * delta, beta) == pytest.approx(lam**beta * base, rel=1e-14)
        assert security_value(lam * var, delta, beta) == pytest.approx(lam * base, rel=1e-14)
