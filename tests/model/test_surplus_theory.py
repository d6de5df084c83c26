"""Tariff-link surplus (MODEL §2) against its expansions, Johnson's optimal tariff and quadrature of the curves.

The curves, in the model's normalisation (``p_w0 = 1``, ``Q0 = V0``, ``p0 = 1 + τ0``): import demand
``M(p) = Q0·(p/p0)^(−ε)``, export supply ``S(p_w) = Q0·(p_w/p_w0)^η`` with ``η = 1/ω`` (flat at ω = 0),
domestic supply ``X(p) = z0·Q0·(p/p0)^κ``, and ``p = (1+τ)·p_w``. The equilibrium world price is found
here by root-finding on ``M((1+τ)p_w) = S(p_w)`` and every surplus by ``scipy.integrate.quad``; nothing
expected is taken from the module's closed forms.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, optimize

from sim.model import trade
from sim.model.motives import best_on_interval, johnson_tariff, tariff_objective

V0 = 3.7  # not 1, so a missing factor of V0 shows


def demand(p: float, tau0: float, eps: float) -> float:
    return V0 * (p / (1.0 + tau0)) ** (-eps)


def supply(pw: float, omega: float) -> float:
    return V0 * pw ** (1.0 / omega)


def world_price(tau: float, tau0: float, eps: float, omega: float) -> float:
    """Equilibrium ``p_w``: root of ``ln M((1+τ)p_w) − ln S(p_w)`` (strictly decreasing in ``p_w``)."""
    if omega == 0.0:
        return 1.0
    gap = lambda pw: -eps * math.log((1.0 + tau) * pw / (1.0 + tau0)) - math.log(pw) / omega  # noqa: E731
    return optimize.brentq(gap, 1e-9, 1e9, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)


def quad(f, a: float, b: float) -> float:
    return integrate.quad(f, a, b, epsabs=0.0, epsrel=1e-13, limit=200)[0]


def market(tau: float, tau0: float, eps: float, omega: float) -> tuple[float, float, float]:
    """``(p, p_w, Q)`` at total tariff τ."""
    pw = world_price(tau, tau0, eps, omega)
    p = (1.0 + tau) * pw
    return p, pw, demand(p, tau0, eps)


def importer_and_exporter(tau: float, eps: float, omega: float) -> tuple[float, float]:
    """Importer ΔW = ΔCS + ΔR and exporter ΔW = ΔPS_X from the module, at τ0 = 0."""
    cs = trade.consumer_surplus_change(V0, tau, 0.0, eps, omega)
    rev = trade.revenue_change(V0, tau, 0.0, eps, omega)
    ps = trade.producer_surplus_change(V0, trade.quantity_share(tau, 0.0, eps, omega), omega)
    return cs + rev, ps


CASES_A = [(0.5, 0.3), (1.0, 0.5), (2.5, 0.2), (4.0, 1.0), (1.5, 0.0)]
TAUS_A = (0.02, 0.01, 0.005)


def error_ratios(err) -> list[float]:
    e = [err(t) for t in TAUS_A]
    return [e[0] / e[1], e[1] / e[2]]


@pytest.mark.parametrize("eps,omega", CASES_A)
def test_importer_first_order_gain_is_terms_of_trade(eps, omega):
    """MODEL §2 (a): at τ0 = 0 importer ΔW = (1−φ)τV0 + O(τ²).

    The error ratio at τ and τ/2 tends to 2² = 4 with a relative correction O(τ); at τ ≤ 0.02 and
    ε ≤ 4 that correction is below 3 %, so each ratio is within 0.12 of 4, and the ratio at the
    smaller pair is closer to 4 (convergence). A wrong first-order term would make the ratio ≈ 2.
    """
    phi = 1.0 / (1.0 + eps * omega)
    r = error_ratios(lambda t: importer_and_exporter(t, eps, omega)[0] - (1.0 - phi) * t * V0)
    assert r == pytest.approx([4.0, 4.0], abs=0.12)
    assert abs(r[1] - 4.0) < abs(r[0] - 4.0)


@pytest.mark.parametrize("eps", [0.5, 1.0, 2.5, 4.0])
def test_full_pass_through_importer_loses_the_harberger_triangle(eps):
    """MODEL §2 (a): at φ = 1 (ω = 0) importer ΔW = −½ετ²V0 + O(τ³).

    Error ratio at τ and τ/2 tends to 2³ = 8 (relative correction O(τ) ≤ 3 % here): within 0.25 of 8.
    """
    r = error_ratios(lambda t: importer_and_exporter(t, eps, 0.0)[0] + 0.5 * eps * t**2 * V0)
    assert r == pytest.approx([8.0, 8.0], abs=0.25)
    assert abs(r[1] - 8.0) < abs(r[0] - 8.0)


@pytest.mark.parametrize("eps,omega", CASES_A)
def test_world_loss_is_the_deadweight_triangle_for_any_pass_through(eps, omega):
    """MODEL §2 (a): importer + exporter ΔW = ΔCS + ΔR + ΔPS_X = −½εφτ²V0 + O(τ³), for any φ.

    The terms-of-trade transfer cancels at first and second order; error ratio → 8 within 0.25.
    """
    phi = 1.0 / (1.0 + eps * omega)
    r = error_ratios(lambda t: sum(importer_and_exporter(t, eps, omega)) + 0.5 * eps * phi * t**2 * V0)
    assert r == pytest.approx([8.0, 8.0], abs=0.25)
    assert abs(r[1] - 8.0) < abs(r[0] - 8.0)


# ε = 1 is the logarithmic special case of ΔCS; 1 ± 1e-7 and 1 + 1e-12 straddle it (the latter inside the
# series branch of expm1(x)/x); ω = 0 is flat export supply.
CURVES = [(1.0, 0.0), (1.0, 0.4), (1.0 + 1e-7, 0.4), (1.0 - 1e-7, 0.25), (1.0 + 1e-12, 0.6), (2.5, 0.0)]
CURVES += [(2.5, 0.3), (0.6, 1.2), (4.0, 0.05)]


@pytest.mark.parametrize("eps,omega", CURVES)
@pytest.mark.parametrize("tau0", [0.0, 0.3])
@pytest.mark.parametrize("tau", [0.0, 0.5, 1.0, 2.0])
def test_surplus_changes_equal_quadrature_of_the_curves(tau, tau0, eps, omega):
    """MODEL §2 (c): ΔCS = −∫_{p0}^{p} M, ΔR = τ·p_w·Q − τ0·p_w0·Q0, ΔPS_X = ∫_{p_w0}^{p_w} S, Q/Q0.

    Equilibrium from root-finding, integrals by adaptive quadrature at relative accuracy 1e-13, so
    agreement to 1e-9 relative (1e-12·V0 absolute, for the zero changes at τ = τ0 and at ω = 0).
    """
    p, pw, q = market(tau, tau0, eps, omega)
    p0 = 1.0 + tau0
    cs = -quad(lambda x: demand(x, tau0, eps), p0, p)
    rev = tau * pw * q - tau0 * 1.0 * V0
    ps = 0.0 if omega == 0.0 else quad(lambda x: supply(x, omega), 1.0, pw)
    w = trade.link_welfare(trade.LinkTerms(v0=V0, tau0=tau0, elasticity=eps, omega=omega), tau)
    tol = dict(rel=1e-9, abs=1e-12 * V0)
    assert w.consumer == pytest.approx(cs, **tol)
    assert w.revenue == pytest.approx(rev, **tol)
    assert w.producer == pytest.approx(ps, **tol)
    assert w.share == pytest.approx(q / V0, rel=1e-12)
    assert w.commitment == 0.0


@pytest.mark.parametrize("eps,omega", [(1.0, 0.0), (1.0 + 1e-7, 0.4), (2.5, 0.3), (0.6, 1.2)])
@pytest.mark.parametrize("tau0", [0.0, 0.3])
@pytest.mark.parametrize("tau", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("z0,kappa", [(0.5, 1.0), (2.0, 0.3)])
def test_domestic_surplus_equals_quadrature_of_domestic_supply(tau, tau0, eps, omega, z0, kappa):
    """MODEL §3 protection: ΔPS_d = ∫_{p0}^{p} X(p') dp' with X = z0·Q0·(p/p0)^κ (so p0X0 = z0·p0·Q0).

    Same quadrature accuracy as above: 1e-9 relative.
    """
    p, _, _ = market(tau, tau0, eps, omega)
    p0 = 1.0 + tau0
    expected = quad(lambda x: z0 * V0 * (x / p0) ** kappa, p0, p)
    got = trade.domestic_surplus_change(V0, tau, tau0, eps, omega, z0, kappa)
    assert got == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("eps,omega,tau,tau0", [(2.5, 0.4, 1.0, 0.0), (1.0, 0.25, 0.5, 0.3), (0.6, 1.2, 2.0, 0.3)])
@pytest.mark.parametrize("floor", [0.9, 1.0, 1.25])
def test_purchase_floor_moves_the_exporter_up_its_supply_curve(eps, omega, tau, tau0, floor):
    """MODEL §3 farm income: with a floor above the market quantity, Q = floor·Q0 and the exporter's
    ΔPS_X = ∫_{p_w0}^{p_f} S with S(p_f) = floor·Q0; commitment = premium·V0·(floor − market share);
    the importer's ΔCS and ΔR are those of the market quantity. Quadrature accuracy: 1e-9 relative.
    """
    premium = 0.15
    terms = trade.LinkTerms(v0=V0, tau0=tau0, elasticity=eps, omega=omega, premium=premium)
    _, _, q = market(tau, tau0, eps, omega)
    market_share = q / V0
    assert market_share < floor  # the cases are chosen so that the floor binds
    pf = optimize.brentq(lambda x: supply(x, omega) - floor * V0, 1e-6, 1e6, xtol=1e-15)
    w = trade.link_welfare(terms, tau, floor=floor)
    free = trade.link_welfare(terms, tau)
    assert w.share == pytest.approx(floor, rel=1e-15)
    assert w.producer == pytest.approx(quad(lambda x: supply(x, omega), 1.0, pf), rel=1e-9, abs=1e-12)
    assert w.commitment == pytest.approx(premium * V0 * (floor - market_share), rel=1e-9)
    assert (w.consumer, w.revenue) == (free.consumer, free.revenue)


def test_slack_purchase_floor_changes_nothing():
    """A floor below the market quantity does not bind: same welfare terms, zero commitment (exact)."""
    terms = trade.LinkTerms(v0=V0, tau0=0.1, elasticity=2.0, omega=0.3, premium=0.2)
    free = trade.link_welfare(terms, 0.4)
    assert trade.link_welfare(terms, 0.4, floor=0.5 * free.share) == free
    assert free.commitment == 0.0


def test_floor_on_flat_supply_earns_no_rent_but_costs_the_premium():
    """ω = 0: the exporter sells the floor at p_w0 (flat supply), so ΔPS_X = 0; the importer still pays
    premium·V0·(floor − Q/Q0) with Q/Q0 = (p/p0)^(−ε) = ((1+τ)/(1+τ0))^(−ε). Tolerance 1e-12 relative."""
    terms = trade.LinkTerms(v0=V0, tau0=0.0, elasticity=2.0, omega=0.0, premium=0.1)
    w = trade.link_welfare(terms, 1.0, floor=0.8)
    assert w.producer == 0.0
    assert w.commitment == pytest.approx(0.1 * V0 * (0.8 - 2.0**-2.0), rel=1e-12)


def test_surplus_functions_are_vectorised():
    """Arrays of tariffs give element-wise the scalar results (exact)."""
    terms = trade.LinkTerms(v0=V0, tau0=0.3, elasticity=1.0, omega=0.4, premium=0.1)
    taus = np.array([0.0, 0.3, 1.0, 2.0])
    vec = trade.link_welfare(terms, taus, floor=0.6)
    for i, t in enumerate(taus):
        one = trade.link_welfare(terms, float(t), floor=0.6)
        for a, b in zip(vec, one, strict=True):
            assert a[i] == pytest.approx(b, rel=1e-14, abs=1e-15)


JOHNSON = [(2.5, 0.3, 0.0), (2.5, 0.6, 0.3), (1.0, 0.45, 0.0), (0.7, 1.1, 0.3), (4.0, 0.01, 0.0), (2.0, 1.995, 0.0)]


@pytest.mark.parametrize("eps,omega,tau0", JOHNSON)
def test_welfare_maximising_tariff_is_johnson(eps, omega, tau0):
    """MODEL §2 (b): with unit weights and no motives the best total tariff is 1/η = ω (Johnson 1953),
    the instrument ω − τ0, for any ε and base τ0. Searched on [τ0, τ0 + 2] by bounded Brent and by
    ``best_on_interval``; ω = 0.01 and 1.995 put the maximum inside the first or last cell of the grid.
    Tolerance 1e-6: the objective is flat at its maximum, so its argmax is fixed only to ≈ √(machine ε).
    """
    terms = trade.LinkTerms(v0=V0, tau0=tau0, elasticity=eps, omega=omega)
    f = lambda x: float(tariff_objective(terms, x))  # noqa: E731
    lo, hi = tau0, tau0 + 2.0
    brent = optimize.minimize_scalar(lambda x: -f(x), bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
    assert brent.x == pytest.approx(omega, abs=1e-6)
    best = best_on_interval(f, lo, hi)
    assert best.value == pytest.approx(omega, abs=1e-6)
    assert (best.interior, best.bound_wins) == (True, False)
    assert best.objective == pytest.approx(f(omega), rel=1e-12)
    assert johnson_tariff(omega) == omega


@pytest.mark.parametrize(
    "eps,omega,tau0,lo,hi,expected",
    [
        (2.5, 0.8, 0.0, 0.0, 0.5, 0.5),  # ω above the upper bound
        (2.5, 0.1, 0.3, 0.3, 2.3, 0.3),  # ω below the base rate: instrument 0 (no import subsidy allowed)
        (1.0, 0.0, 0.0, 0.0, 2.0, 0.0),  # flat supply: free trade
        (0.8, 3.0, 0.3, 0.3, 2.3, 2.3),
    ],
)
def test_johnson_tariff_is_clipped_to_the_bounds(eps, omega, tau0, lo, hi, expected):
    """MODEL §2 (b), clipped: the objective is single-peaked in τ, so outside [lo, hi] the best is the
    nearer bound, with no local maximum inside (interior and bound_wins both False). Bounds exact."""
    terms = trade.LinkTerms(v0=V0, tau0=tau0, elasticity=eps, omega=omega)
    f = lambda x: float(tariff_objective(terms, x))  # noqa: E731
    best = best_on_interval(f, lo, hi)
    assert best.value == expected
    assert (best.interior, best.bound_wins) == (False, False)
    assert best.objective == f(expected)
    assert f(expected) > max(f(x) for x in np.linspace(lo, hi, 201) if x != expected)


@pytest.mark.parametrize("a0,decay,a,b,rho", [(2.0, 0.01, 10.0, 200.0, 1e-4), (0.5, 0.004, 0.0, 90.0, 0.0)])
@pytest.mark.parametrize("zero_decay", [False, True])
def test_adjustment_path_equals_quadrature(a0, decay, a, b, rho, zero_decay):
    """MODEL §2 short-run value added: A(t) = a0·e^(−k(t−a)) on [a, b]; returns ∫A·e^(−ρt), ∫A and A(b).

    Checked against quadrature (relative accuracy 1e-13) to 1e-10, also with ρ = 0 and k = 0.
    """
    k = 0.0 if zero_decay else decay
    path = lambda t: a0 * math.exp(-k * (t - a))  # noqa: E731
    disc, plain, end = trade.adjustment_path(a0, k, a, b, rho)
    assert disc == pytest.approx(quad(lambda t: path(t) * math.exp(-rho * t), a, b), rel=1e-10)
    assert plain == pytest.approx(quad(path, a, b), rel=1e-10)
    assert end == pytest.approx(path(b), rel=1e-12)


def test_adjustment_path_empty_cases():
    """No state or no time: both integrals 0 and the state unchanged (exact)."""
    assert trade.adjustment_path(0.0, 0.01, 0.0, 10.0, 0.001) == (0.0, 0.0, 0.0)
    assert trade.adjustment_path(3.0, 0.01, 10.0, 10.0, 0.001) == (0.0, 0.0, 3.0)
