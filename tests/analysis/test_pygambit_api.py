"""The pygambit API tradesim relies on, exercised directly (pygambit is pinned exactly).

A version bump that renames or changes one of these calls fails here first, with
the call named, rather than deep inside ``tradesim game``.
"""

from __future__ import annotations

from fractions import Fraction
from importlib import metadata

import numpy as np
import pygambit as gbt

PENNIES = (np.array([[1, -1], [-1, 1]]), np.array([[-1, 1], [1, -1]]))


def test_pinned_version_is_installed():
    pinned = next(r for r in metadata.requires("tradesim") or [] if r.startswith("pygambit"))
    assert pinned.replace(" ", "").startswith("pygambit==")
    assert metadata.version("pygambit") == pinned.split("==")[1].split(";")[0].strip()


def _profile(game, eq):
    return [[p for _, p in eq[player]] for player in game.players]


def test_from_arrays_and_enummixed_exact():
    """Matching pennies: the unique equilibrium mixes 1/2–1/2 for both players, exactly."""
    game = gbt.StrategicGame.from_arrays(*PENNIES)
    res = gbt.nash.enummixed_solve(game, rational=True)
    assert [_profile(game, e) for e in res.equilibria] == [[[Fraction(1, 2)] * 2, [Fraction(1, 2)] * 2]]


def test_lcp_finds_the_same_equilibrium():
    game = gbt.StrategicGame.from_arrays(*(a.astype(float) for a in PENNIES))
    (eq,) = gbt.nash.lcp_solve(game, rational=False).equilibria
    np.testing.assert_allclose(np.array(_profile(game, eq), dtype=float), 0.5, atol=1e-9)


def test_logit_branch_starts_uniform_and_ends_at_nash():
    """A game with a strictly dominant action: the QRE branch goes from uniform (λ = 0) to it."""
    game = gbt.StrategicGame.from_arrays(np.array([[3.0, 1.0], [2.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]))
    points = list(gbt.qre.logit_solve_branch(game, maxregret=1e-8))
    first = [float(p) for _, p in points[0].profile[next(iter(game.players))]]
    last = [float(p) for _, p in points[-1].profile[next(iter(game.players))]]
    assert float(points[0].lam) == 0.0 and np.allclose(first, 0.5)
    assert float(points[-1].lam) > float(points[0].lam) and last[0] > 1 - 1e-4
