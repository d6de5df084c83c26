"""Equilibria of textbook games through the project's solver path (exact fractions)."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from sim.analysis.games import equilibria, lcp_equilibria, qre_path, regrets


def as_set(eqs):
    return {(tuple(p), tuple(q)) for p, q in eqs}


def test_prisoners_dilemma_only_defect_defect():
    a = np.array([[3, 0], [5, 1]])  # rows: cooperate, defect
    assert as_set(equilibria(a, a.T)) == {((0, 1), (0, 1))}


@pytest.mark.parametrize("v,c", [(2, 4), (2, 6), (3, 5)])
def test_hawk_dove_two_pure_one_mixed_hawk_with_v_over_c(v, c):
    # rows/cols: hawk, dove; V < C
    a = np.array([[F(v - c, 2), v], [0, F(v, 2)]], dtype=object)
    eqs = as_set(equilibria(a, a.T, exact=True))
    p = F(v, c)
    assert eqs == {((1, 0), (0, 1)), ((0, 1), (1, 0)), ((p, 1 - p), (p, 1 - p))}


def test_matching_pennies_half_half():
    a = np.array([[1, -1], [-1, 1]])
    assert as_set(equilibria(a, -a)) == {((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))}


def test_battle_of_the_sexes():
    a = np.array([[2, 0], [0, 1]])
    b = np.array([[1, 0], [0, 2]])
    assert as_set(equilibria(a, b)) == {((1, 0), (1, 0)), ((0, 1), (0, 1)), ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3)))}


def test_three_by_three_coordination_has_seven_equilibria():
    a = np.eye(3, dtype=int)
    eqs = equilibria(a, a)
    assert len(eqs) == 7  # 3 pure, 3 on pairs of strategies, 1 fully mixed
    assert ((F(1, 3),) * 3, (F(1, 3),) * 3) in as_set(eqs)


def test_degenerate_game_extreme_points_that_support_enumeration_misses():
    """Strategy 1 of the row player has two best responses: a segment of equilibria
    ((1,0,0), (q, 1-q)), q in [2/3, 1]. Its endpoint ((1,0,0), (2/3,1/3)) has supports of
    different sizes, which equal-size support enumeration never tries."""
    a = np.array([[3, 3], [2, 5], [0, 6]])
    b = np.array([[3, 3], [2, 6], [3, 1]])
    eqs = as_set(equilibria(a, b))
    assert ((1, 0, 0), (1, 0)) in eqs
    assert ((1, 0, 0), (F(2, 3), F(1, 3))) in eqs
    assert ((0, F(1, 3), F(2, 3)), (F(1, 3), F(2, 3))) in eqs


def test_lcp_cross_check_finds_an_equilibrium_of_the_same_set():
    a = np.array([[2, 0], [0, 1]])
    b = np.array([[1, 0], [0, 2]])
    exact = [(np.array(p, float), np.array(q, float)) for p, q in equilibria(a, b)]
    for p, q in lcp_equilibria(a, b):
        assert any(np.allclose(p, x) and np.allclose(q, y) for x, y in exact)


def test_qre_path_starts_uniform_and_ends_at_nash():
    a = np.array([[3, 0], [5, 1]])
    path = qre_path(a, a.T)
    first, last = path.iloc[0], path.iloc[-1]
    assert first["lambda"] == 0 and first["row_0"] == pytest.approx(0.5)
    assert last["row_1"] == pytest.approx(1.0, abs=1e-3) and last["col_1"] == pytest.approx(1.0, abs=1e-3)


def test_regrets_are_zero_exactly_at_pure_equilibria():
    a = np.array([[3, 0], [5, 1]])
    ra, rb = regrets(a, a.T)
    assert ra[1, 1] == 0 and rb[1, 1] == 0 and ra[0, 0] == 2 and rb[0, 0] == 2
