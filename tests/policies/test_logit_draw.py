"""The logit choice draws exactly as ``Generator.choice`` would (same index, same stream position).

``logit_choice`` takes the draw ``Generator.choice(n, p=p)`` makes — the cumulative sum of ``p``
normalised by its last entry, one uniform, a right-sided search (numpy's ``_generator.pyx``) —
without its per-call checks, so a run's decisions and every later draw are unchanged.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.policies.strategic import logit_choice


@pytest.mark.parametrize("seed", range(20))
def test_the_draw_is_generator_choice_draw_for_draw(seed):
    gen = np.random.default_rng(seed)
    for _ in range(50):
        n = int(gen.integers(2, 12))
        u = gen.normal(0.0, 3.0, n)
        lam = float(gen.uniform(0.05, 3.0))
        z = lam * (u - u.max())
        p = np.exp(z) / np.exp(z).sum()
        if p.max() >= 1.0 - 1e-15:
            continue  # the certain case takes no draw in either
        a, b = np.random.default_rng(seed + 1000), np.random.default_rng(seed + 1000)
        for _ in range(5):
            assert logit_choice(u, lam, a) == int(b.choice(n, p=p))
        assert a.random() == b.random()  # both streams advanced by the same draws


def test_the_certain_and_the_uniform_cases():
    rng = np.random.default_rng(0)
    assert logit_choice(np.array([0.0, 1000.0, -5.0]), 1.0, rng) == 1  # p ≈ 1: no draw
    assert rng.random() == np.random.default_rng(0).random()
    counts = np.bincount([logit_choice(np.zeros(4), 0.0, rng) for _ in range(4000)], minlength=4)
    assert (abs(counts / 4000 - 0.25) < 0.03).all()  # λ = 0: uniform (4 SE of a binomial share at n = 4000)
